"""Declarations by API (companies): send a file, read receipts. The same intake, limits and
validation as the portal page and `vigia import declarations`."""

from __future__ import annotations

from flask import g
from flask_login import current_user
from flask_smorest import Blueprint

from app.api.common import cursor_id, documents, session_csrf
from app.api.errors import ApiError
from app.api.schemas import PageArgs, ReceiptPageSchema, ReceiptSchema, UploadSchema
from app.auth.access import allow
from app.extensions import request_session, vigia
from app.portal import service
from app.portal.presenters import instead
from app.portal.uploads import receive
from app.web.i18n import language

blp = Blueprint("declarations", __name__, url_prefix="/api/declarations",
                description="A company's declaration files and their receipts.")
blp.before_request(session_csrf)


def _sender() -> service.Sender:
    """Return the company user sending, with its licence."""
    return service.Sender(user_id=current_user.id, email=current_user.email,
                          licence_no=current_user.licence_no)


@blp.route("", methods=["POST"])
@allow("company")
@blp.arguments(UploadSchema, location="files")
@blp.response(201, ReceiptSchema)
@documents(blp, 401, 403, 409, 413)
def upload(files):
    """Send a declaration file (CSV or XLSX) for your operator; answer its receipt.

    Good rows are stored and each refused cell is listed in `refused`. 409: this exact
    file was already received (nothing new stored). 413: larger than allowed. 422: the
    file could not be read at all (not a spreadsheet, a required column missing).
    """
    submission_id = receive(files["file"], sender=_sender(), channel="api",
                            token_id=g.get("api_token_id"))
    # The import committed in a transaction of its own, after this request's session began
    # reading (SQLite keeps one snapshot per transaction): read its receipt afresh.
    with vigia().db.session() as session:
        found = _receipt(submission_id, session=session)
        submission = found.submission
        body = receipt_json(found)
    if submission.status == "duplicate":
        raise ApiError(409, submission.message, code="duplicate",
                       details={"receipt_id": submission.id,
                                "duplicate_of_batch": submission.duplicate_of})
    if submission.status == "rejected":
        status = 413 if submission.batch_id is None else 422
        raise ApiError(status, submission.message, code="file_refused",
                       details={"receipt_id": submission.id})
    return body


@blp.route("/receipts", methods=["GET"])
@allow("company")
@blp.arguments(PageArgs, location="query")
@blp.response(200, ReceiptPageSchema)
@documents(blp, 401, 403)
def receipts(args):
    """List your operator's submissions, newest first."""
    found = service.own_submissions(session=request_session(),
                                    licence_no=current_user.licence_no,
                                    limit=args["limit"] + 1, before_id=cursor_id(args["after"]))
    more = len(found) > args["limit"]
    found = found[:args["limit"]]
    return {"items": [_summary(s) for s in found],
            "next_cursor": str(found[-1].id) if more else None}


@blp.route("/receipts/<int:receipt_id>", methods=["GET"])
@allow("company")
@blp.response(200, ReceiptSchema)
@documents(blp, 401, 403, 404)
def receipt(receipt_id: int):
    """Read one receipt of your operator: batch, SHA-256, counts, refused cells."""
    return receipt_json(_receipt(receipt_id))


def _receipt(submission_id: int, session=None) -> service.Receipt:
    """Return a receipt of the caller's operator; 404 for any other."""
    found = service.load_receipt(session=session or request_session(),
                                 licence_no=current_user.licence_no, submission_id=submission_id)
    if found is None:
        raise ApiError(404, "There is no receipt with this number for your operator.")
    return found


def _summary(submission) -> dict:
    """Return a submission as a list shows it."""
    return {"id": submission.id, "received_at": submission.received_at,
            "filename": submission.filename, "channel": submission.channel,
            "status": submission.status, "message": submission.message,
            "batch_id": submission.batch_id, "duplicate_of": submission.duplicate_of}


def receipt_json(found: service.Receipt) -> dict:
    """Return a receipt as the API gives it."""
    batch = found.batch
    lang = language()
    licence = found.submission.licence_no
    counts = batch is not None and found.submission.status == "stored"
    return {
        **_summary(found.submission), "licence_no": licence,
        "sha256": batch.sha256 if batch else None,
        "size_bytes": batch.size_bytes if batch else None,
        "rows_read": batch.rows_read if counts else 0,
        "rows_stored": batch.rows_stored if counts else 0,
        "rows_rejected": batch.rows_rejected if counts else 0,
        "periods": [{"period": p.period.strftime("%Y-%m"), "lines": p.lines,
                     "current": p.current, "amends_batch": p.amends_batch,
                     "amends_received_at": p.amends_received} for p in found.periods],
        "warnings": found.warnings,
        "refused": [{"row": e.row, "column": e.column, "value": e.value, "reason": e.reason,
                     "instead": instead(e.column, e.reason, licence=licence, language=lang)}
                    for e in found.errors],
        "refused_total": found.errors_total,
    }

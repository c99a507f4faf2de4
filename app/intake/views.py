"""An import batch: what file it was, who sent it, its counts; the original for download."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, send_file

from app.auth.access import READERS, allow
from app.extensions import request_session, vigia
from app.intake.models import ImportBatch

bp = Blueprint("intake", __name__, template_folder="templates")


def original_path(batch: ImportBatch):
    """Return where the original file of a batch is kept (under its SHA-256)."""
    folder = vigia().settings.upload_folder
    path = (folder / batch.sha256[:2] / batch.sha256).resolve()
    if folder.resolve() not in path.parents:
        abort(404)
    return path


@bp.get("/batches/<int:batch_id>")
@allow(*READERS)
def batch(batch_id: int):
    """Show an import batch and its first rejected rows."""
    found = request_session().get(ImportBatch, batch_id)
    if found is None:
        abort(404)
    return render_template("intake/batch.html", batch=found, errors=found.row_errors[:200],
                           kept=original_path(found).is_file())


@bp.get("/batches/<int:batch_id>/original")
@allow("officer", "supervisor")
def original(batch_id: int):
    """Download the original file of a batch, byte for byte as received."""
    found = request_session().get(ImportBatch, batch_id)
    if found is None:
        abort(404)
    path = original_path(found)
    if not path.is_file():
        abort(404)
    return send_file(path, as_attachment=True, download_name=found.filename,
                     mimetype="application/octet-stream")

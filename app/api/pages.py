"""The API's pages: the OpenAPI spec, its documentation (served from here, no CDN), and the
personal API tokens of officers, supervisors and regulators."""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    current_app,
    jsonify,
    render_template,
)
from flask_login import current_user

from app.auth import tokens
from app.auth.access import PUBLIC, READERS, admitted_roles, allow, public
from app.auth.token_pages import make_token, revoke
from app.extensions import request_session

bp = Blueprint("api_pages", __name__, template_folder="templates")
METHODS = ("get", "post", "put", "patch", "delete")


def spec_dict() -> dict:
    """Return the OpenAPI document of this application."""
    return current_app.extensions["vigia_api"].spec.to_dict()


@bp.get("/api/openapi.json")
@public
def openapi():
    """Serve the OpenAPI 3 document of the API."""
    return jsonify(spec_dict())


def operation_roles() -> dict[tuple[str, str], list[str]]:
    """Return the roles each API operation admits, by (spec path, method)."""
    out = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.startswith("api_pages."):
            continue
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        admits = admitted_roles(current_app, rule.endpoint) or frozenset()
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            out[(path, method.lower())] = (["anyone"] if admits is PUBLIC else sorted(admits))
    return out


def answers(spec: dict, operation: dict) -> list[tuple[str, str, str]]:
    """Return an operation's answers as (status, description, body schema), by status."""
    shared = spec.get("components", {}).get("responses", {})
    out = []
    for status, response in sorted(operation.get("responses", {}).items()):
        if "$ref" in response:
            response = shared.get(response["$ref"].rsplit("/", 1)[-1], {})
        bodies = []
        for content_type, media in (response.get("content") or {}).items():
            ref = (media.get("schema") or {}).get("$ref", "")
            bodies.append(f"{content_type} {ref.rsplit('/', 1)[-1]}".strip())
        out.append((status, response.get("description", ""), ", ".join(bodies)))
    return out


@bp.get("/api/docs")
@public
def docs():
    """Show the API's operations, roles, parameters and answers, drawn from the spec."""
    spec = spec_dict()
    roles = operation_roles()
    operations = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                operations.append({"path": path, "method": method.upper(), "op": item[method],
                                   "roles": roles.get((path, method), []),
                                   "answers": answers(spec, item[method])})
    return render_template("api/docs.html", spec=spec, operations=operations)


@bp.get("/account/tokens")
@allow(*READERS)
def tokens_page():
    """List the signed-in user's API tokens and offer a new one."""
    return _page()


def _page(new: tokens.NewToken | None = None):
    """Render the user's tokens, with a just-made secret shown once."""
    found = tokens.active_tokens(session=request_session(), user_ids=[current_user.id])
    return render_template("portal/tokens.html", tokens=found, new=new,
                           revoke_endpoint="api_pages.revoke_token",
                           create_endpoint="api_pages.create_token")


@bp.post("/account/tokens")
@allow(*READERS)
def create_token():
    """Make a personal API token; its secret is shown on this answer only."""
    return make_token(list_endpoint="api_pages.tokens_page", show=_page)


@bp.post("/account/tokens/<int:token_id>/revoke")
@allow(*READERS)
def revoke_token(token_id: int):
    """Revoke one of the user's tokens."""
    return revoke(token_id=token_id, user_ids=[current_user.id],
                  list_endpoint="api_pages.tokens_page")

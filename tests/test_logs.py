"""Structured logs: one JSON line per record, with who did what and the ids given."""

from __future__ import annotations

import json
import logging

from app.logs import JsonLines


def _line(record_extra: dict, message: str = "import %s", *args) -> dict:
    record = logging.LogRecord("app.pipeline", logging.INFO, __file__, 1, message,
                               args or ("enero.csv",), None)
    for key, value in record_extra.items():
        setattr(record, key, value)
    text = JsonLines().format(record)
    assert "\n" not in text
    return json.loads(text)


def test_a_record_is_one_json_line_with_its_fields():
    line = _line({"user": "ana@autoridad.gob", "batch_id": 12, "feed": "declarations"})
    assert line["message"] == "import enero.csv" and line["level"] == "info"
    assert line["logger"] == "app.pipeline" and line["time"].endswith("+00:00")
    assert (line["user"], line["batch_id"], line["feed"]) == ("ana@autoridad.gob", 12,
                                                             "declarations")


def test_a_message_with_line_breaks_stays_on_one_line():
    line = _line({}, "first\nsecond %s", "x")
    assert line["message"] == "first\nsecond x"


def test_each_request_is_logged_with_who_made_it(auth, caplog):
    auth.login("supervisor")
    with caplog.at_level(logging.INFO, logger="app.web.requests"):
        auth.client.get("/jobs")
    record = next(r for r in caplog.records if r.name == "app.web.requests")
    assert (record.user, record.role, record.method, record.path, record.status) == (
        "supervisor@example.org", "supervisor", "GET", "/jobs", 200)


def test_behind_a_proxy_the_client_address_is_the_forwarded_one(tmp_path):
    from flask import request

    from app import create_app

    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "t",
                      "PROXY_HOPS": "1"})
    seen = {}

    def where():
        seen["addr"] = request.remote_addr
        return "ok"

    from app.auth.access import public

    app.add_url_rule("/where", view_func=public(where))
    app.test_client().get("/where", environ_base={"REMOTE_ADDR": "127.0.0.1"},
                          headers={"X-Forwarded-For": "203.0.113.9"})
    assert seen["addr"] == "203.0.113.9"

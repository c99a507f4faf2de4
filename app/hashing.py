"""The hash of one event in an append-only chain: the same bytes on every backend."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime


def moment(value: datetime) -> str:
    """Write a time the same way on every backend: UTC, microseconds (SQLite drops the zone)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chained_hash(event: Mapping, fields: Sequence[str]) -> str:
    """Return the SHA-256 of an event's fields (its time written by `moment`) and prev_hash.

    The fields are written as compact JSON with sorted keys, so the text, and the hash, do not
    depend on the order they were given in; a missing previous hash (the first event) is "".
    """
    content = {name: event.get(name) for name in fields}
    content["at"] = moment(content["at"])
    content["prev_hash"] = content.get("prev_hash") or ""
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

"""Who acts in a workflow, and a step the workflow refuses (triage and regulation alike)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    """Who acts: the user's email (recorded on events) and role (what they may do)."""

    email: str
    role: str


class Refused(ValueError):
    """A step refused; `message` is a msgid (English, with %(name)s fields), `params` fill it."""

    def __init__(self, message: str, **params) -> None:
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params

"""A declaration file received over HTTP (portal page or API), handed to intake."""

from __future__ import annotations

import tempfile
from pathlib import Path

from werkzeug.datastructures import FileStorage

from app.extensions import vigia
from app.portal import service


def receive(received: FileStorage, *, sender: service.Sender, channel: str,
            token_id: int | None = None) -> int:
    """Store an uploaded file through intake in a transaction of its own; return its submission.

    The file is written to a private temporary folder in the instance folder (intake then
    keeps it under its SHA-256) and removed afterwards. The import's own writing session
    takes the feed's lock at its start, as `vigia import` does.
    """
    services = vigia()
    folder = services.settings.instance_path / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        path = Path(tmp) / "upload"
        received.save(path)
        with services.db.session() as session:
            submission = service.submit_declaration(
                services, session=session, sender=sender, source=path,
                filename=received.filename or "upload", channel=channel, token_id=token_id)
            return submission.id

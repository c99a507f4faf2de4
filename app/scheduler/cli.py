"""`vigia scheduler`: run the scheduled jobs in this process, one scheduler at a time."""

from __future__ import annotations

import signal
import sys
import threading

import click
from flask import current_app
from flask.cli import with_appcontext

from app.console import ensure_schema, fail


@click.command("scheduler")
@click.option("--run", "run_now", default=None, metavar="JOB",
              help="Run one job now, record it, and stop (no lock taken; see the jobs below).")
@with_appcontext
def scheduler_command(run_now: str | None) -> None:
    """Run the scheduled jobs in this process, one scheduler at a time."""
    from app.extensions import vigia
    from app.jobs import BY_ID
    from app.logs import log_to_stdout
    from app.scheduler import service
    from app.scheduler.lock import holder_name
    from app.scheduler.runner import execute, run_scheduler
    from app.scheduler.schedules import ScheduleError

    app = current_app._get_current_object()
    ensure_schema(app)
    services = vigia(app)
    if run_now is not None:
        if run_now not in BY_ID:
            fail(f"no job {run_now!r}; the jobs are: {', '.join(BY_ID)}")
        status = execute(services, run_now, holder=holder_name())
        with services.db.sessionmaker() as session:
            run = service.runs_page(session=session, per_page=1, job_id=run_now).runs[0]
        click.echo(f"{run_now}: job run #{run.id} {status}: {run.error or run.summary}")
        sys.exit(0 if status in ("completed", "partial") else 1)
    log_to_stdout()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    try:
        status = run_scheduler(services, stop=stop)
    except ScheduleError as problem:
        fail(str(problem))
    sys.exit(status)

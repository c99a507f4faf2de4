"""The one place that knows the order of the stages: import → store → detect → alert.

The composition root of the stages: which storer stores each feed (intake is handed it),
the feeds in order (reference data first), and a detection run's findings handed to the
alerts. The stages import each other only downwards; interface modules (each package's
cli, views, scheduled) call this module, never the other way round.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.baselines.service import store_baselines
from app.detection.models import DetectionRun
from app.extensions import Vigia
from app.intake import service as intake_service
from app.intake.reader_process import NextFile
from app.intake.service import ImportOutcome
from app.movements.storing import store_customs, store_declarations, store_export_notifications
from app.registry.models import Licence, Operator
from app.registry.storing import store_registry
from app.storage.results import Storer
from importers import KnownLicences, LicenceInfo, ReadContext

if TYPE_CHECKING:
    from app.catalogue.catalogue import Catalogue
    from app.detection.rules import Rule

logger = logging.getLogger(__name__)
# Reference data before the movements that are checked against it.
FEED_ORDER = ("registry", "baselines", "declarations", "customs", "export_notifications")
# The storer of each feed's records: intake keeps the batch, the storer its rows.
STORERS: Mapping[str, Storer] = {
    "registry": store_registry,
    "declarations": store_declarations,
    "customs": store_customs,
    "baselines": store_baselines,
    "export_notifications": store_export_notifications,
}


def storer_for(feed: str) -> Storer:
    """Return the function that stores the records of a feed."""
    if feed not in STORERS:
        raise ValueError(f"unknown feed {feed!r}; expected one of {', '.join(STORERS)}")
    return STORERS[feed]


def import_file(*, session: Session, feed: str, **options) -> ImportOutcome:
    """Import one file of a feed as one batch, stored by the feed's storer; the caller commits.

    The options are those of `app.intake.service.import_file` (source, submitted_by,
    upload_folder, context, as_of, ...).
    """
    return intake_service.import_file(session=session, feed=feed, store=storer_for(feed),
                                      **options)


@dataclass
class PipelineReport:
    """What a pipeline run imported, file by file, and the detection run that followed."""

    outcomes: list[ImportOutcome] = field(default_factory=list)
    detection: DetectionRun | None = None

    @property
    def rows_stored(self) -> int:
        """Return the rows stored over all files."""
        return sum(o.rows_stored for o in self.outcomes)


# The registry as the readers last saw it, per database: (fingerprint, licences). Reading
# it costs about 0.25 s at 5,000 licences, paid per file before; an import of forty files
# in one command now reads it once, and again only when the fingerprint changes.
_registry_seen: dict[str, tuple[tuple, KnownLicences]] = {}


def known_licences(*, session: Session) -> KnownLicences:
    """Return what a reader may check of each licence number: tax id, substances, validity.

    Kept per database between calls while the registry's fingerprint (counts, largest ids,
    latest changes of operators and licences) is unchanged.
    """
    key = str(session.get_bind().engine.url)
    fingerprint = registry_fingerprint(session=session)
    seen = _registry_seen.get(key)
    if seen is not None and seen[0] == fingerprint:
        return seen[1]
    rows = session.execute(
        select(Operator.licence_no, Operator.tax_id, Licence.substance_code, Licence.valid_from,
               Licence.valid_to)
        .join(Licence, Licence.operator_id == Operator.id, isouter=True)
    )
    known = licence_infos(rows)
    _registry_seen[key] = (fingerprint, known)
    return known


def registry_fingerprint(*, session: Session) -> tuple:
    """Return what changes whenever an operator or licence is added, removed or updated."""
    operators = session.execute(select(
        func.count(Operator.id), func.max(Operator.id), func.max(Operator.updated_at))).one()
    licences = session.execute(select(
        func.count(Licence.id), func.max(Licence.id), func.max(Licence.updated_at))).one()
    return (*operators, *licences)


def licence_infos(rows: Iterable[tuple]) -> KnownLicences:
    """Return LicenceInfo per licence from (licence, tax id, substance, valid_from, valid_to)."""
    info = KnownLicences()
    for licence_no, tax_id, substance, valid_from, valid_to in rows:
        current = info.get(licence_no)
        substances = set(current.substances) if current else set()
        if substance:
            substances.add(substance)
        starts = [d for d in (valid_from, current.valid_from if current else None) if d]
        ends = [d for d in (valid_to, current.valid_to if current else None) if d]
        info[licence_no] = LicenceInfo(
            tax_id=tax_id, substances=frozenset(substances),
            valid_from=min(starts) if starts else None, valid_to=max(ends) if ends else None,
        )
    return info


def read_context(services: Vigia, *, session: Session, feed: str) -> ReadContext:
    """Return what the reader of a feed may know beyond the file itself."""
    licences = (
        known_licences(session=session)
        if feed in ("declarations", "export_notifications") else None
    )
    return ReadContext(catalogue=services.catalogue, home_country=services.settings.home_country,
                       known_licences=licences, today=date.today(),
                       max_row_kg=services.settings.intake.max_row_kg,
                       words_folder=services.settings.instance_path / "words")


def import_one(
    services: Vigia, *, feed: str, path: Path, submitted_by: str, as_of: date,
    progress: Callable[[int], None] | None = None, next_file: NextFile | None = None,
    upcoming: Path | None = None,
) -> ImportOutcome:
    """Import one file in its own transaction (a failure stores nothing of that file).

    `next_file`, `upcoming`: the file of the same feed imported next, read ahead meanwhile
    (`app.intake.reader_process.NextFile`).
    """
    intake = services.settings.intake
    with services.db.session() as session:
        outcome = import_file(
            session=session, feed=feed, source=path, submitted_by=submitted_by,
            upload_folder=services.settings.upload_folder,
            context=read_context(services, session=session, feed=feed), as_of=as_of,
            progress=progress, limits=intake.limits, max_row_errors=intake.max_row_errors,
            next_file=next_file, upcoming=upcoming,
        )
    logger.info("import %s", outcome.summary(), extra={
        "user": submitted_by, "feed": feed, "status": outcome.status,
        "batch_id": outcome.batch_id or outcome.duplicate_of, "rows_stored": outcome.rows_stored,
        "rows_rejected": outcome.rows_rejected})
    return outcome


def import_in_order(
    services: Vigia, *, files: dict[str, list[Path]], submitted_by: str, as_of: date,
    on_outcome: Callable[[ImportOutcome], None] | None = None,
) -> PipelineReport:
    """Import the files of several feeds, reference data first."""
    report = PipelineReport()
    with NextFile() as next_file:
        for feed in FEED_ORDER:
            paths = list(files.get(feed, []))
            # each with the file after it (None last; an empty list gives nothing)
            for path, upcoming in zip(paths, [*paths[1:], None], strict=False):
                outcome = import_one(services, feed=feed, path=path, submitted_by=submitted_by,
                                     as_of=as_of, next_file=next_file, upcoming=upcoming)
                report.outcomes.append(outcome)
                if on_outcome is not None:
                    on_outcome(outcome)
    return report


def run_demo(
    services: Vigia, *, out_dir: Path, seed: int, operators: int, months: int,
    say: Callable[[str], None], on_outcome: Callable[[ImportOutcome], None] | None = None,
    habits: str = "none",
) -> PipelineReport:
    """Write the demo country's files, then import them in order (again: nothing new)."""
    from demo import generate_country

    country = generate_country(out_dir, seed=seed, operators=operators, months=months,
                               home_country=services.settings.home_country, habits=habits,
                               progress=say)
    say(f"demo files written to {out_dir}; importing")
    report = import_in_order(services, files=dict(country.feeds()), submitted_by="demo",
                             as_of=date.today(), on_outcome=on_outcome)
    as_of = demo_as_of(country.expectations()["periods"][-1])
    say(f"running detection as of {as_of}")
    report.detection = detect(services, as_of=as_of)
    return report


def demo_as_of(last_period: str) -> date:
    """Return the demo's run date: the last day of the month after its last period (YYYY-MM).

    The demo country ends at a fixed month; running detection as of today would, a year
    later, find every operator a year late with its declarations.
    """
    year, month = (int(part) for part in last_period[:7].split("-"))
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return date(year, month, calendar.monthrange(year, month)[1])


def run_detection(
    *, session: Session, catalogue: Catalogue, rules_dir: Path, as_of: date,
    since: date | None = None, home_country: str, only: Callable[[Rule], bool] | None = None,
) -> DetectionRun:
    """Detect over the stored data, hand the findings to the alerts, and return the run.

    Rule files that fail validation fail the run and raise nothing; see
    `app.detection.service.find` for `since` and `only`. The caller commits.
    """
    from app.alerts.planning import Policy
    from app.alerts.service import record_findings
    from app.detection.service import close_run, find

    detection = find(session=session, catalogue=catalogue, rules_dir=rules_dir, as_of=as_of,
                     since=since, home_country=home_country, only=only)
    if detection.failed:
        return detection.run
    policies = {r.id: Policy(mode=r.mode, reopen_factor=r.reopen_factor, queue=r.queue)
                for r in detection.rules}
    outcome = record_findings(session=session, run=detection.run, findings=detection.findings,
                              policies=policies)
    return close_run(detection, alerts=outcome)


def detect(services: Vigia, *, as_of: date, since: date | None = None,
           rules_dir: Path | None = None, only=None) -> DetectionRun:
    """Run detection over the stored data in its own transaction and return the run.

    `only(rule) -> bool` keeps some rules (a scheduled deadline check); default all.
    """
    with services.db.session() as session:
        run = run_detection(
            session=session, catalogue=services.catalogue,
            rules_dir=rules_dir or services.settings.rules_dir, as_of=as_of, since=since,
            home_country=services.settings.home_country, only=only,
        )
    logger.info("detection run %s %s: %s findings, %s alerts raised, %s refreshed", run.id,
                run.status, run.findings, run.alerts_raised, run.alerts_refreshed,
                extra={"detection_run_id": run.id, "status": run.status})
    return run

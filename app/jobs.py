"""The scheduler's job registry: every scheduled job, where it lives, and its default schedule.

Each job is a function next to its domain, `job(services, *, now) -> JobResult`, run by
`vigia scheduler` (app/scheduler) in its own process, never in a web worker. A schedule is a
crontab line (minute hour day month weekday), `every N seconds|minutes|hours`, or `off`; each
can be changed with its VIGIA_SCHEDULE_<ID> variable (docs/deploy.md). Nothing here imports
the jobs: this module is read by the settings.
"""

from __future__ import annotations

from dataclasses import dataclass


def N_(text: str) -> str:
    """Mark a text for the translation catalogue; the page translates it when shown."""
    return text


@dataclass(frozen=True)
class JobSpec:
    """One scheduled job: id, the function that runs it, default schedule, what it does."""

    id: str
    target: str  # "module:function"
    schedule: str  # may hold {overdue_day}
    description: str

    @property
    def setting(self) -> str:
        """Return the name of the setting of its schedule, without the VIGIA_ prefix."""
        return "SCHEDULE_" + self.id.upper().replace("-", "_")


JOBS = (
    JobSpec("drop-folders", "app.intake.scheduled:import_drop_folders", "every 1 minute",
            N_("Import the complete files left in the drop folders, one folder per feed.")),
    JobSpec("detect-after-intake", "app.detection.scheduled:detect_after_intake",
            "every 5 minutes",
            N_("Run detection when files were stored since the last scheduled detection.")),
    JobSpec("detect-nightly", "app.detection.scheduled:detect_nightly", "0 2 * * *",
            N_("Run detection over all stored data.")),
    JobSpec("overdue-declarations", "app.detection.scheduled:overdue_declarations",
            "30 6 {overdue_day} * *",
            N_("Raise the notices of declarations overdue after the period's deadline.")),
    JobSpec("licences-expiring", "app.registry.scheduled:licences_expiring", "0 7 * * *",
            N_("List the licence lines that expire within the coming days.")),
)
BY_ID = {job.id: job for job in JOBS}
# Jobs started at once (instead of at their next time) when a job stored new data.
AFTER_INTAKE = "detect-after-intake"

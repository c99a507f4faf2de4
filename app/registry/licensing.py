"""Is operator X licensed for substance S for activity A on date D, and what is its quota?

The answer is worked out in memory from licence versions (``LicenceBook``) so the same
logic serves one question from a view and millions of movements in the rules engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

# Why a movement is or is not covered, from best to worst: the order breaks ties when an
# operator holds several lines for the same substance.
REASONS = (
    "licensed",
    "activity_not_licensed",
    "suspended",
    "revoked",
    "not_yet_valid",
    "expired",
    "not_licensed_for_substance",
    "unknown_operator",
)


@dataclass(frozen=True)
class LicenceState:
    """One licence line as it stood over one span of time (one recorded version)."""

    licence_id: int
    licence_no: str
    operator_name: str
    substance_code: str
    activities: frozenset[str]
    annual_quota_kg: float | None
    valid_from: date
    valid_to: date
    status: str
    # The version holds from effective_from (None: since always) until the next version.
    effective_from: date | None
    version: int


@dataclass(frozen=True)
class LicenceCheck:
    """The answer to "is this movement covered by a licence?", with the reason in words."""

    licensed: bool
    reason: str
    message: str
    licence_no: str
    substance_code: str
    on: date
    licence_id: int | None = None
    annual_quota_kg: float | None = None


class LicenceBook:
    """Every licence version of a set of operators, indexed for the licensing question."""

    def __init__(
        self,
        states: Iterable[LicenceState],
        operators: dict[str, str] | None = None,
        substance_names: dict[str, str] | None = None,
    ) -> None:
        self._lines: dict[tuple[str, str], dict[int, list[LicenceState]]] = defaultdict(
            lambda: defaultdict(list)
        )
        self._operators: dict[str, str] = dict(operators or {})
        self._names = substance_names or {}
        for state in states:
            self._lines[(state.licence_no, state.substance_code)][state.licence_id].append(state)
            self._operators.setdefault(state.licence_no, state.operator_name)
        for versions_by_line in self._lines.values():
            for versions in versions_by_line.values():
                versions.sort(key=lambda s: s.version)

    def knows_operator(self, licence_no: str) -> bool:
        """Return whether the licence number belongs to a registered operator."""
        return licence_no in self._operators

    def check(
        self, licence_no: str, substance_code: str, activity: str | None, on: date
    ) -> LicenceCheck:
        """Answer the licensing question for one movement."""
        name = self._names.get(substance_code, substance_code)
        if licence_no not in self._operators:
            return LicenceCheck(
                False, "unknown_operator",
                f"no operator is registered under licence number {licence_no}",
                licence_no, substance_code, on,
            )
        operator = self._operators[licence_no]
        lines = self._lines.get((licence_no, substance_code))
        if not lines:
            return LicenceCheck(
                False, "not_licensed_for_substance",
                f"{operator} ({licence_no}) holds no licence for {name}",
                licence_no, substance_code, on,
            )
        answers = [
            self._check_line(versions, operator, name, activity, on) for versions in lines.values()
        ]
        return min(answers, key=lambda a: REASONS.index(a.reason))

    def _check_line(
        self, versions: list[LicenceState], operator: str, name: str, activity: str | None, on: date
    ) -> LicenceCheck:
        """Check one licence line (all its versions) against a date and an activity."""
        state = version_in_force(versions, on)
        who = f"{operator} ({state.licence_no})"

        def answer(licensed: bool, reason: str, message: str) -> LicenceCheck:
            return LicenceCheck(
                licensed, reason, message, state.licence_no, state.substance_code, on,
                state.licence_id, state.annual_quota_kg,
            )

        if on < state.valid_from:
            return answer(False, "not_yet_valid",
                          f"{who}'s licence for {name} starts on {state.valid_from.isoformat()}")
        if on > state.valid_to:
            return answer(False, "expired",
                          f"{who}'s licence for {name} expired on {state.valid_to.isoformat()}")
        if state.status != "active":
            return answer(False, state.status, f"{who}'s licence for {name} is {state.status}")
        if activity is not None and activity not in state.activities:
            allowed = ", ".join(sorted(state.activities)) or "no activity"
            return answer(False, "activity_not_licensed",
                          f"{who} is licensed for {name} as {allowed}, not as {activity}")
        return answer(True, "licensed", f"{who} is licensed for {name}")

    def quota(self, licence_no: str, substance_code: str, year: int) -> float | None:
        """Return the annual quota (kg of pure substance) for a calendar year, or None."""
        lines = self._lines.get((licence_no, substance_code), {})
        year_start, year_end = date(year, 1, 1), date(year, 12, 31)
        in_year = [
            version_in_force(versions, year_end)
            for versions in lines.values()
            if versions[0].valid_from <= year_end
        ]
        in_year = [s for s in in_year if s.valid_from <= year_end and s.valid_to >= year_start]
        if not in_year:
            return None
        # A renewal during the year replaces the earlier line: the latest-starting line counts.
        return max(in_year, key=lambda s: s.valid_from).annual_quota_kg

    def states(self) -> list[LicenceState]:
        """Return every licence version held, for bulk (vectorised) evaluation."""
        return [s for lines in self._lines.values() for vs in lines.values() for s in vs]


def version_in_force(versions: list[LicenceState], on: date) -> LicenceState:
    """Return the version of a licence line that was in force on a date.

    The first version stands for the whole past: the registry's first word on a licence
    is the best knowledge of how it was before Vigía saw it.
    """
    current = versions[0]
    for state in versions[1:]:
        if state.effective_from is not None and state.effective_from <= on:
            current = state
        else:
            break
    return current

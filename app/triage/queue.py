"""The alert queue: filters, most urgent first, pages read by keyset, counts per status.

Pages are read by keyset on (score, id), newest first among equal scores: each filter has
an index (filter, score, id), so a page of 1,000,000 alerts reads only its own rows.
Counts per status stop at COUNT_CAP (shown as "1,000+") so they stay about as cheap as a
page; on PostgreSQL they read only the covering index ix_alert_counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Select, and_, func, literal, or_, select, tuple_, union, union_all
from sqlalchemy.orm import Session

from app.alerts.models import ALERT_STATUSES, OPEN_STATUSES, Alert
from app.registry.models import Operator
from app.triage.models import Suppression
from app.triage.queues import queue_clause
from app.triage.service import overdue_clause
from app.triage.suppression import covers
from lexicon.text import identifier_key

PAGE_SIZE = 50
COUNT_CAP = 1_000
SEARCH_LIST = 50  # operators matching a search listed in the query, beyond: a subquery


@dataclass
class QueuePage:
    """One page of the queue: its alerts (with operator names), the next cursor, counts."""

    alerts: list[tuple[Alert, str | None]]
    next_cursor: str | None
    counts: dict[str, int]


def _statuses(wanted: list[str]) -> tuple[str, ...]:
    """Expand the status filter: 'open' = every status still to act on, 'all' = every one."""
    out: list[str] = []
    for name in wanted or ["open"]:
        group = OPEN_STATUSES if name == "open" else ALERT_STATUSES if name == "all" else (name,)
        out.extend(s for s in group if s not in out)
    return tuple(out)


def filtered(filters: dict, *, me: str | None, review_days: dict[str, int],
             now: datetime | None = None, with_status: bool = True, search=None,
             suppressions: bool = True) -> Select:
    """Return the select of the alerts a filter set names (without order or page).

    `suppressions=False` leaves out the check of suppressions in force (the caller knows
    there are none, or counts the suppressed apart).
    """
    now = now or datetime.now(UTC)
    query = select(Alert)
    if with_status:
        query = query.where(Alert.status.in_(_statuses(filters.get("status") or [])))
    if filters.get("severity"):
        query = query.where(Alert.severity.in_(filters["severity"]))
    for name, column in (("rule", Alert.rule_id), ("detector", Alert.detector),
                         ("substance", Alert.substance_code), ("licence", Alert.licence_no)):
        if filters.get(name):
            query = query.where(column == filters[name])
    assignee = filters.get("assignee")
    if assignee == "me":
        query = query.where(Alert.assignee == me)
    elif assignee == "none":
        query = query.where(Alert.assignee.is_(None))
    elif assignee:
        query = query.where(Alert.assignee == assignee)
    if filters.get("region"):
        query = query.where(Alert.licence_no.in_(
            select(Operator.licence_no).where(Operator.region == filters["region"])))
    if filters.get("since"):
        query = query.where(Alert.period_end >= filters["since"])
    if filters.get("until"):
        query = query.where(Alert.period_start <= filters["until"])
    if filters.get("q"):
        query = query.where(search if search is not None else _search_any(filters["q"]))
    query = query.where(queue_clause(filters.get("queue") or "diversion"))
    if filters.get("overdue"):
        query = query.where(overdue_clause(review_days, now))
    if filters.get("pending"):
        query = query.where(Alert.pending_status.is_not(None))
    if filters.get("suppressed"):
        query = query.where(covers(now.date()))
    elif suppressions:
        query = query.where(~covers(now.date()))
    return query


def suppressions_in_force(session: Session, today) -> bool:
    """Tell whether any suppression is in force (most days none: the queue skips the check)."""
    return session.scalar(select(Suppression.id).where(
        Suppression.until >= today, Suppression.lifted_at.is_(None)).limit(1)) is not None


def _search(text: str):
    """Return the condition of alerts whose operator name, tax id or licence matches a text.

    The matching operators are looked up first (the registry is small). When few match,
    their licence numbers go into the query as a list, which the (licence_no, score, id)
    index serves; when many match, a subquery, which the scan in score order meets often.
    """
    text = text.strip()
    pattern = "%" + text.replace("\\", "\\\\").replace("%", r"\%").replace("_", r"\_") + "%"
    key = identifier_key(text)
    matching = select(Operator.licence_no).where(or_(
        Operator.legal_name.ilike(pattern, escape="\\"),
        Operator.licence_no.ilike(pattern, escape="\\"),
        *([Operator.tax_id_key == key] if key else [])))
    return matching, [Alert.tax_id == text, Alert.licence_no == text.upper()]


def _search_any(text: str):
    """Return the search condition as a subquery (no session at hand)."""
    matching, direct = _search(text)
    return or_(Alert.licence_no.in_(matching), *direct)


def _search_clause(session: Session, text: str):
    """Return the search condition, the operators' licences listed when they are few."""
    matching, direct = _search(text)
    licences = session.scalars(matching.limit(SEARCH_LIST + 1)).all()
    if len(licences) > SEARCH_LIST:
        return or_(Alert.licence_no.in_(matching), *direct)
    return or_(Alert.licence_no.in_(licences or [""]), *direct)


def parse_cursor(cursor: str | None) -> tuple[int, int] | None:
    """Return the (score, id) a cursor names, or None."""
    if not cursor:
        return None
    score, _, alert_id = cursor.partition(".")
    try:
        return int(score), int(alert_id)
    except ValueError:
        return None


def queue_page(*, session: Session, filters: dict, me: str | None,
               review_days: dict[str, int], now: datetime | None = None,
               page_size: int = PAGE_SIZE, counts: bool = True) -> QueuePage:
    """Return a page of the queue, most urgent first, and the counts per status."""
    now = now or datetime.now(UTC)
    search = _search_clause(session, filters["q"]) if filters.get("q") else None
    in_force = suppressions_in_force(session, now.date())
    query = filtered(filters, me=me, review_days=review_days, now=now, search=search,
                     suppressions=in_force)
    after = parse_cursor(filters.get("after"))
    if after:
        query = query.where(tuple_(Alert.score, Alert.id) < after)
    query = query.order_by(Alert.score.desc(), Alert.id.desc()).limit(page_size + 1)
    alerts = list(session.scalars(query))
    more = len(alerts) > page_size
    alerts = alerts[:page_size]
    names = operator_names(session, alerts)
    cursor = f"{alerts[-1].score}.{alerts[-1].id}" if more else None
    return QueuePage(
        alerts=[(a, names.get(a.licence_no) if a.licence_no else None) for a in alerts],
        next_cursor=cursor,
        counts=status_counts(session=session, filters=filters, me=me,
                             review_days=review_days, now=now, search=search,
                             in_force=in_force) if counts else {},
    )


def operator_names(session: Session, alerts: list[Alert]) -> dict[str, str]:
    """Return the legal names of the licences some alerts name."""
    licences = sorted({a.licence_no for a in alerts if a.licence_no})
    if not licences:
        return {}
    return dict(session.execute(select(Operator.licence_no, Operator.legal_name)
                                .where(Operator.licence_no.in_(licences))).all())


def status_counts(*, session: Session, filters: dict, me: str | None,
                  review_days: dict[str, int], now: datetime | None = None,
                  search=None, in_force: bool | None = None) -> dict[str, int]:
    """Count the filtered alerts of each status, up to COUNT_CAP + 1 each, in one statement.

    The count reads one filter's index alone (index-only on PostgreSQL); alerts that
    suppressions in force hide are counted apart (they are few) and taken off.
    """
    now = now or datetime.now(UTC)
    if in_force is None:
        in_force = suppressions_in_force(session, now.date())
    hidden = (_suppressed_counts(session, filters, me, review_days, now, search)
              if in_force and not filters.get("suppressed") else {})
    base = filtered(filters, me=me, review_days=review_days, now=now, with_status=False,
                    search=search, suppressions=False)
    parts = []
    for status in ALERT_STATUSES:
        capped = base.where(Alert.status == status).with_only_columns(Alert.id).limit(
            COUNT_CAP + 1 + hidden.get(status, 0)).subquery()
        parts.append(select(literal(status).label("status"),
                            select(func.count()).select_from(capped).scalar_subquery()
                            .label("n")))
    counts = dict.fromkeys(ALERT_STATUSES, 0)
    counts.update((status, int(n or 0) - hidden.get(status, 0))
                  for status, n in session.execute(union_all(*parts)))
    return counts


def _suppressed_counts(session: Session, filters: dict, me: str | None,
                       review_days: dict[str, int], now: datetime, search) -> dict[str, int]:
    """Count per status the filtered alerts that suppressions in force hide."""
    base = filtered(filters, me=me, review_days=review_days, now=now, with_status=False,
                    search=search, suppressions=False)
    in_force = and_(Suppression.rule_id == Alert.rule_id, Suppression.until >= now.date(),
                    Suppression.lifted_at.is_(None),
                    or_(Suppression.substance_code.is_(None),
                        Suppression.substance_code == Alert.substance_code))
    by_licence = base.join(Suppression, and_(in_force, Suppression.party == Alert.licence_no))
    by_tax_id = base.join(Suppression, and_(in_force, Alert.licence_no.is_(None),
                                            Suppression.party == Alert.tax_id))
    covered = union(*(q.with_only_columns(Alert.id, Alert.status)
                      for q in (by_licence, by_tax_id))).subquery()
    rows = session.execute(select(covered.c.status, func.count()).group_by(covered.c.status))
    return {status: int(n) for status, n in rows}


def export_query(filters: dict, *, me: str | None, review_days: dict[str, int]) -> Select:
    """Return the select of every alert of the current filter, in the queue's order."""
    return filtered(filters, me=me, review_days=review_days).order_by(
        Alert.score.desc(), Alert.id.desc())

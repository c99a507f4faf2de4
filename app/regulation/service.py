"""Rule changes with four eyes: propose (checked and backtested), approve, refuse, restore.

Plain functions with an explicit session and keyword-only arguments; the caller commits.
A proposal changes one rule's own lines; publishing splices them into the rule file as it is
then (the other rules of the file as they are), checks the whole folder again with the loader
of `vigia rules check` and writes the file atomically. The next `vigia detect` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from time import perf_counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.auth.actors import Actor, Refused
from app.detection.models import DetectionRun
from app.detection.rules.model import RuleFileError
from app.regulation.audit import record_event
from app.regulation.backtest import BacktestSchema
from app.regulation.backtest_service import run_backtest
from app.regulation.folder import (
    Problem,
    check_folder,
    find_rule_file,
    read_text,
    sha256,
    would_be_folder,
    write_atomically,
)
from app.regulation.models import RuleProposal, RuleVersion
from app.regulation.ruletext import RuleTextError, rule_text, set_value, splice, value_source

FOLDER_AUTHOR = "rules folder"
REGULATOR = "regulator"


class RegulationError(Refused):
    """A step refused, with a message (English, with %(name)s fields) and its values."""


@dataclass
class Proposed:
    """What a proposal attempt gave: the stored proposal, or the problems of the rule check."""

    proposal: RuleProposal | None = None
    problems: list[Problem] = field(default_factory=list)
    would_be_text: str = ""


@dataclass(frozen=True)
class Context:
    """Where the rules are and what they are checked and backtested with."""

    rules_dir: Path
    catalogue: object
    home_country: str


def _now() -> datetime:
    return datetime.now(UTC)


def _require_regulator(actor: Actor) -> None:
    if actor.role != REGULATOR:
        raise RegulationError("Only a regulator may change the rules.")


def _rule_file(ctx: Context, rule_id: str) -> Path:
    path = find_rule_file(ctx.rules_dir, rule_id)
    if path is None:
        raise RegulationError("No rule %(rule)s in the rules folder in force.", rule=rule_id)
    return path


def _version_of(text: str, rule_id: str) -> int:
    """Return the `version:` a rule's lines give (0 when it is not a whole number)."""
    found = value_source(text, rule_id, ("version",))
    try:
        return int(found[0]) if found else 0
    except ValueError:
        return 0


def backtest_day(session: Session) -> date:
    """Return the day a backtest judges on: the last detection run's, else today."""
    last = session.scalar(select(DetectionRun.as_of).where(DetectionRun.status != "failed")
                          .order_by(DetectionRun.id.desc()).limit(1))
    return last or date.today()


def apply_changes(text: str, rule_id: str, *, mode: str | None,
                  values: dict[tuple[str, ...], str]) -> str:
    """Return the file's text with a rule's mode and values changed and its version raised."""
    changed = text
    if mode is not None:
        changed = set_value(changed, rule_id, ("mode",), mode)
    for path, value in values.items():
        changed = set_value(changed, rule_id, path, value)
    if changed == text:
        return text
    return set_value(changed, rule_id, ("version",), str(_version_of(text, rule_id) + 1))


def propose(*, session: Session, ctx: Context, rule_id: str, actor: Actor, reason: str,
            mode: str | None = None, values: dict[tuple[str, ...], str] | None = None) -> Proposed:
    """Propose new values or a new mode for a rule; check it and backtest it, or say why not."""
    _require_regulator(actor)
    path = _rule_file(ctx, rule_id)
    text = read_text(path)
    try:
        new_text = apply_changes(text, rule_id, mode=mode, values=values or {})
    except RuleTextError as error:
        return Proposed(problems=[Problem(path.name, 0, str(error))])
    if new_text == text:
        raise RegulationError("Nothing was changed: change a value or the mode first.")
    return _submit(session, ctx, path=path, text=text, new_text=new_text, rule_id=rule_id,
                   actor=actor, reason=reason, kind="edit")


def restore(*, session: Session, ctx: Context, rule_id: str, seq: int, actor: Actor,
            reason: str) -> Proposed:
    """Propose an earlier version again (under a new version number); four eyes as any change."""
    _require_regulator(actor)
    old = session.scalar(select(RuleVersion).where(RuleVersion.rule_id == rule_id,
                                                   RuleVersion.seq == seq))
    if old is None:
        raise RegulationError("No version %(seq)s of rule %(rule)s.", seq=seq, rule=rule_id)
    path = _rule_file(ctx, rule_id)
    text = read_text(path)
    restored = splice(text, rule_id, old.rule_text)
    new_text = set_value(restored, rule_id, ("version",), str(_version_of(text, rule_id) + 1))
    if rule_text(new_text, rule_id) == rule_text(text, rule_id):
        raise RegulationError("That version is the one in force.")
    return _submit(session, ctx, path=path, text=text, new_text=new_text, rule_id=rule_id,
                   actor=actor, reason=reason, kind="restore", restored_seq=seq)


def _submit(session: Session, ctx: Context, *, path: Path, text: str, new_text: str,
            rule_id: str, actor: Actor, reason: str, kind: str,
            restored_seq: int | None = None) -> Proposed:
    """Check the would-be folder, backtest the rule, store the proposal and its event."""
    if not reason.strip():
        raise RegulationError("Say why the rule should change.")
    with would_be_folder(ctx.rules_dir, path.name, new_text) as folder:
        problems = check_folder(folder, catalogue=ctx.catalogue)
        if problems:
            return Proposed(problems=problems, would_be_text=new_text)
        as_of = backtest_day(session)
        started = perf_counter()
        try:
            backtest = run_backtest(session=session, catalogue=ctx.catalogue,
                                    proposed_dir=folder, in_force_dir=ctx.rules_dir, as_of=as_of,
                                    home_country=ctx.home_country, rule_ids=(rule_id,))
        except RuleFileError as error:  # the folder in force itself has errors
            return Proposed(problems=[Problem(Path(e.file).name, e.line, e.message)
                                      for e in error.errors], would_be_text=new_text)
        seconds = perf_counter() - started
    base = rule_text(text, rule_id)
    proposal = RuleProposal(
        rule_id=rule_id, kind=kind, file_name=path.name, base_version=_version_of(text, rule_id),
        base_sha256=sha256(base), base_text=base, proposed_text=rule_text(new_text, rule_id),
        version=_version_of(new_text, rule_id), restored_seq=restored_seq, reason=reason.strip(),
        proposed_by=actor.email, proposed_at=_now(), status="pending",
        backtest=BacktestSchema().dump(backtest),
        backtest_seconds=round(seconds, 3), backtest_as_of=as_of.isoformat())
    session.add(proposal)
    session.flush()
    totals = backtest.totals
    record_event(session, actor=actor.email, action="restore proposed" if kind == "restore"
                 else "proposed", rule_id=rule_id, proposal_id=proposal.id, detail={
                     "version": proposal.version, "base_version": proposal.base_version,
                     "restored_seq": restored_seq, "reason": proposal.reason,
                     "added": totals["added"], "removed": totals["removed"],
                     "missed_confirmed": totals["missed_confirmed"],
                     "backtest_seconds": proposal.backtest_seconds})
    return Proposed(proposal=proposal, would_be_text=new_text)


def _pending(session: Session, proposal_id: int) -> RuleProposal:
    query = select(RuleProposal).where(RuleProposal.id == proposal_id)
    if session.connection().dialect.name == "postgresql":
        query = query.with_for_update()
    proposal = session.scalar(query)
    if proposal is None:
        raise RegulationError("No proposal #%(id)s.", id=proposal_id)
    if proposal.status != "pending":
        raise RegulationError("Proposal #%(id)s is no longer pending.", id=proposal_id)
    return proposal


def approve(*, session: Session, ctx: Context, proposal_id: int, actor: Actor,
            reason: str = "") -> RuleProposal:
    """Publish a proposal as a second regulator: write the rule file, keep the version.

    A proposal made on a version that is no longer in force is marked `stale` and not
    published (its status says so; the caller commits that); propose again on the current one.
    """
    _require_regulator(actor)
    proposal = _pending(session, proposal_id)
    if proposal.proposed_by == actor.email:
        raise RegulationError("You proposed this change: another regulator must approve it.")
    path = _rule_file(ctx, proposal.rule_id)
    text = read_text(path)
    current = rule_text(text, proposal.rule_id)
    if sha256(current) != proposal.base_sha256:
        _decide(session, proposal, actor, "stale", "the rule changed since it was proposed")
        return proposal
    new_text = splice(text, proposal.rule_id, proposal.proposed_text)
    with would_be_folder(ctx.rules_dir, path.name, new_text) as folder:
        problems = check_folder(folder, catalogue=ctx.catalogue)
    if problems:
        raise RegulationError("The rules folder would not pass the check: %(first)s",
                              first=str(problems[0]))
    record_folder_state(session=session, rule_id=proposal.rule_id, file_name=path.name, text=text,
                        raw_sha=_raw_sha(path))
    version = RuleVersion(
        rule_id=proposal.rule_id, seq=_next_seq(session, proposal.rule_id),
        version=proposal.version, file_name=path.name, rule_text=proposal.proposed_text,
        rule_sha256=sha256(proposal.proposed_text), file_text=new_text, sha256="",
        author=proposal.proposed_by, approver=actor.email, reason=proposal.reason,
        proposed_at=proposal.proposed_at, published_at=_now(), proposal_id=proposal.id)
    session.add(version)
    _decide(session, proposal, actor, "published", reason)
    session.flush()  # the database accepts it before the folder changes
    version.sha256 = write_atomically(path, new_text)
    record_event(session, actor=actor.email, action="published", rule_id=proposal.rule_id,
                 proposal_id=proposal.id, detail={"version": version.version, "seq": version.seq,
                                                  "file": path.name, "sha256": version.sha256})
    return proposal


def refuse(*, session: Session, proposal_id: int, actor: Actor, reason: str) -> RuleProposal:
    """Refuse a proposal (another regulator), or withdraw it (its proposer), with a reason."""
    _require_regulator(actor)
    if not reason.strip():
        raise RegulationError("Say why.")
    proposal = _pending(session, proposal_id)
    status = "withdrawn" if proposal.proposed_by == actor.email else "refused"
    _decide(session, proposal, actor, status, reason.strip())
    return proposal


def _decide(session: Session, proposal: RuleProposal, actor: Actor, status: str,
            reason: str) -> None:
    proposal.status, proposal.decided_by = status, actor.email
    proposal.decided_at, proposal.decision_reason = _now(), reason
    if status != "published":
        record_event(session, actor=actor.email, action=status, rule_id=proposal.rule_id,
                     proposal_id=proposal.id, detail={"reason": reason})


def _raw_sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _next_seq(session: Session, rule_id: str) -> int:
    last = session.scalar(select(func.max(RuleVersion.seq)).where(RuleVersion.rule_id == rule_id))
    return (last or 0) + 1


def latest_version(session: Session, rule_id: str) -> RuleVersion | None:
    """Return the last recorded version of a rule."""
    return session.scalar(select(RuleVersion).where(RuleVersion.rule_id == rule_id)
                          .order_by(RuleVersion.seq.desc()).limit(1))


def record_folder_state(*, session: Session, rule_id: str, file_name: str, text: str,
                        raw_sha: str) -> RuleVersion | None:
    """Record the rule as the folder holds it when no recorded version has these lines.

    The state before the first proposal, or a file edited by hand, enters the history with
    author `rules folder`, so every version that was ever in force can be seen and restored.
    """
    lines = rule_text(text, rule_id)
    last = latest_version(session, rule_id)
    if last is not None and last.rule_sha256 == sha256(lines):
        return None
    version = RuleVersion(
        rule_id=rule_id, seq=_next_seq(session, rule_id), version=_version_of(text, rule_id),
        file_name=file_name, rule_text=lines, rule_sha256=sha256(lines), file_text=text,
        sha256=raw_sha, author=FOLDER_AUTHOR, approver=None,
        reason="found in the rules folder", published_at=_now())
    session.add(version)
    session.flush()
    record_event(session, actor=FOLDER_AUTHOR, action="recorded", rule_id=rule_id,
                 detail={"version": version.version, "seq": version.seq, "file": file_name,
                         "sha256": raw_sha})
    return version


def list_versions(*, session: Session, rule_id: str) -> list[RuleVersion]:
    """Return a rule's recorded versions, oldest first."""
    return list(session.scalars(select(RuleVersion).where(RuleVersion.rule_id == rule_id)
                                .order_by(RuleVersion.seq)))


def list_proposals(*, session: Session, rule_id: str | None = None,
                   status: str | None = None) -> list[RuleProposal]:
    """Return proposals, newest first, of one rule and one status when given."""
    query = select(RuleProposal).order_by(RuleProposal.id.desc())
    if rule_id is not None:
        query = query.where(RuleProposal.rule_id == rule_id)
    if status is not None:
        query = query.where(RuleProposal.status == status)
    return list(session.scalars(query))

"""The regulator workspace: rules in force, a rule, proposals, baselines, the registry."""

from __future__ import annotations

import io
import tempfile
from datetime import date
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from werkzeug.utils import secure_filename

from app.auth.access import READERS, allow
from app.extensions import request_session, vigia
from app.regulation import (
    service,
    words,  # noqa: F401  (the codes and refusals in the catalogue)
)
from app.regulation.audit import events_of, record_event
from app.regulation.baselines import national_pace
from app.regulation.folder import Problem
from app.regulation.registry import operator_history, search_operators
from app.regulation.rulebook import (
    MIN_REVIEWED,
    line_diff,
    params_shown,
    recent_alerts,
    rule_file_text,
    rule_precision,
    rules_in_force,
)
from app.regulation.schemas import (
    DecisionSchema,
    ProposeSchema,
    RegistrySearchSchema,
    RestoreSchema,
)
from app.web.charts import Point, bar_chart
from app.web.i18n import kg, label

bp = Blueprint("regulation", __name__, template_folder="templates", url_prefix="/regulation")
REGULATOR = ("regulator",)
bp.add_app_template_filter(label, "label")
SEP = "|"  # between the keys of a value's path in form field names: v|params|share


def _ctx() -> service.Context:
    services = vigia()
    return service.Context(rules_dir=services.settings.rules_dir, catalogue=services.catalogue,
                           home_country=services.settings.home_country)


def _actor() -> service.Actor:
    return service.Actor(email=current_user.email, role=current_user.role)


def _refused(error: service.RegulationError) -> str:
    return _(error.message, **error.params)


@bp.get("/rules")
@allow(*READERS)
def rules():
    """List the rules in force with version, mode, kind and measured precision."""
    loaded = rules_in_force(vigia().settings.rules_dir, vigia().catalogue)
    pending = {p.rule_id for p in service.list_proposals(session=request_session(),
                                                         status="pending")}
    return render_template("regulation/rules.html", loaded=loaded, pending=pending,
                           precision=rule_precision(session=request_session()),
                           minimum=MIN_REVIEWED)


def _rule_or_404(rule_id: str):
    loaded = rules_in_force(vigia().settings.rules_dir, vigia().catalogue)
    rule = next((r for r in loaded.rules if r.id == rule_id), None)
    if rule is None:
        abort(404)
    return rule


def _rule_page(rule_id: str, problems: list[Problem] | None = None,
               submitted: dict | None = None, status: int = 200):
    rule = _rule_or_404(rule_id)
    session = request_session()
    text = rule_file_text(rule)
    versions = service.list_versions(session=session, rule_id=rule_id)
    history = [(v, line_diff(versions[i - 1].rule_text, v.rule_text) if i else [])
               for i, v in enumerate(versions)]
    from app.regulation.ruletext import rule_text

    in_force_lines = rule_text(text, rule_id)
    drift = line_diff(versions[-1].rule_text, in_force_lines) if versions else []
    return render_template(
        "regulation/rule.html", rule=rule, params=params_shown(text, rule),
        precision=rule_precision(session=session, rule_id=rule_id).get(rule_id),
        minimum=MIN_REVIEWED, alerts=recent_alerts(session=session, rule_id=rule_id),
        history=list(reversed(history)), drift=drift, rule_lines=in_force_lines,
        proposals=service.list_proposals(session=session, rule_id=rule_id),
        events=events_of(session, rule_id=rule_id, limit=30), problems=problems or [],
        submitted=submitted or {}, file_name=Path(rule.source[0]).name, SEP=SEP), status


@bp.get("/rules/<rule_id>")
@allow(*READERS)
def rule(rule_id: str):
    """Show a rule: parameters and their meaning, alerts, versions with diffs, proposals."""
    return _rule_page(rule_id)


def _changes(rule_id: str, form) -> tuple[str | None, dict[tuple[str, ...], str]]:
    """Return the mode and the values the form changes (fields left as shown are not)."""
    rule = _rule_or_404(rule_id)
    shown = {p.name: p for p in params_shown(rule_file_text(rule), rule)}
    values: dict[tuple[str, ...], str] = {}
    for name, value in form.get("values", {}).items():
        path = tuple(name.split(SEP))
        value = value.strip()
        if len(path) < 2 or path[0] != "params" or path[1] not in shown:
            continue
        param = shown[path[1]]
        shown_value = (param.current if len(path) == 2
                       else dict(param.entries or {}).get(path[2]) if len(path) == 3 else value)
        if value != shown_value:
            values[path] = value
    for name, param in shown.items():  # one new entry of a substance list
        key = request.form.get(f"add{SEP}{name}{SEP}key", "").strip()
        if key and param.entries is not None:
            values[("params", name, key)] = request.form.get(f"add{SEP}{name}{SEP}value",
                                                             "").strip()
    mode = form.get("mode")
    return (mode if mode and mode != rule.mode else None), values


@bp.post("/rules/<rule_id>/propose")
@allow(*REGULATOR)
def propose(rule_id: str):
    """Propose new values or mode: checked as `vigia rules check`, then backtested."""
    raw = {"reason": request.form.get("reason", ""), "mode": request.form.get("mode") or None,
           "values": {k[2:]: v for k, v in request.form.items() if k.startswith("v" + SEP)}}
    try:
        form = ProposeSchema().load(raw)
    except ValidationError as problem:
        flash(_("Check the form: %(fields)s", fields=", ".join(sorted(problem.messages))),
              "error")
        return _rule_page(rule_id, submitted=raw, status=422)
    mode, values = _changes(rule_id, form)
    try:
        outcome = service.propose(session=request_session(), ctx=_ctx(), rule_id=rule_id,
                                  actor=_actor(), reason=form["reason"], mode=mode,
                                  values=values)
    except service.RegulationError as error:
        flash(_refused(error), "error")
        return _rule_page(rule_id, submitted=raw, status=422)
    if outcome.proposal is None:
        flash(_("The rule check refused the change; nothing was proposed."), "error")
        return _rule_page(rule_id, problems=outcome.problems, submitted=raw, status=422)
    flash(_("Proposal #%(id)s stored: another regulator must approve it.",
            id=outcome.proposal.id), "info")
    return redirect(url_for("regulation.proposal", proposal_id=outcome.proposal.id))


def _proposal_or_404(proposal_id: int):
    from app.regulation.models import RuleProposal

    proposal = request_session().get(RuleProposal, proposal_id)
    if proposal is None:
        abort(404)
    return proposal


@bp.get("/proposals/<int:proposal_id>")
@allow(*READERS)
def proposal(proposal_id: int):
    """Show a proposal: the diff, the backtest on stored history, approve or refuse."""
    item = _proposal_or_404(proposal_id)
    return render_template("regulation/proposal.html", p=item,
                           changes=line_diff(item.base_text, item.proposed_text),
                           backtest=item.backtest or {})


def _decision(proposal_id: int, act) -> object:
    try:
        form = DecisionSchema().load(request.form)
        act(form["reason"])
    except ValidationError:
        flash(_("Check the form: the reason is too long."), "error")
    except service.RegulationError as error:
        flash(_refused(error), "error")
    return redirect(url_for("regulation.proposal", proposal_id=proposal_id))


@bp.post("/proposals/<int:proposal_id>/approve")
@allow(*REGULATOR)
def approve(proposal_id: int):
    """Approve and publish a proposal (a regulator other than its proposer)."""
    def act(reason):
        done = service.approve(session=request_session(), ctx=_ctx(), proposal_id=proposal_id,
                               actor=_actor(), reason=reason)
        if done.status == "stale":
            flash(_("The rule changed since this was proposed: it was not published. "
                    "Propose the change again on the version in force."), "error")
        else:
            flash(_("Published: version %(v)s is in the rules folder; the next detection run "
                    "uses it.", v=done.version), "info")
    return _decision(proposal_id, act)


@bp.post("/proposals/<int:proposal_id>/refuse")
@allow(*REGULATOR)
def refuse(proposal_id: int):
    """Refuse a proposal, or withdraw one's own, with a reason."""
    def act(reason):
        done = service.refuse(session=request_session(), proposal_id=proposal_id,
                              actor=_actor(), reason=reason)
        flash(_("Proposal %(status)s.", status=label(done.status)), "info")
    return _decision(proposal_id, act)


@bp.post("/rules/<rule_id>/versions/<int:seq>/restore")
@allow(*REGULATOR)
def restore(rule_id: str, seq: int):
    """Propose an earlier version again (four eyes, as any change)."""
    try:
        form = RestoreSchema().load(request.form)
        outcome = service.restore(session=request_session(), ctx=_ctx(), rule_id=rule_id,
                                  seq=seq, actor=_actor(), reason=form["reason"])
    except ValidationError:
        flash(_("Say why the earlier version should come back."), "error")
        return redirect(url_for("regulation.rule", rule_id=rule_id))
    except service.RegulationError as error:
        flash(_refused(error), "error")
        return redirect(url_for("regulation.rule", rule_id=rule_id))
    if outcome.proposal is None:
        flash(_("The rule check refused the change; nothing was proposed."), "error")
        return _rule_page(rule_id, problems=outcome.problems, status=422)
    return redirect(url_for("regulation.proposal", proposal_id=outcome.proposal.id))


@bp.get("/rules/<rule_id>/versions/<int:seq>.yaml")
@allow(*READERS)
def version_file(rule_id: str, seq: int):
    """Download the rule file as a version wrote it."""
    match = [v for v in service.list_versions(session=request_session(), rule_id=rule_id)
             if v.seq == seq]
    if not match:
        abort(404)
    return send_file(io.BytesIO(match[0].file_text.encode("utf-8")), mimetype="text/yaml",
                     as_attachment=True, download_name=f"{Path(match[0].file_name).stem}"
                     f"-v{match[0].version}.yaml")


@bp.get("/rules/<rule_id>/file.yaml")
@allow(*READERS)
def rule_file(rule_id: str):
    """Download the rule file in force that holds a rule."""
    rule = _rule_or_404(rule_id)
    return send_file(Path(rule.source[0]), mimetype="text/yaml", as_attachment=True,
                     download_name=Path(rule.source[0]).name)


def _pace_chart(figure, name: str):
    points = [Point(_("Baseline"), figure.baseline_kg or 0),
              Point(_("Pace (year)"), figure.annualised_kg or 0, focus=True),
              Point(_("Estimate"), figure.estimate_kg or 0)]
    return bar_chart(points, fmt=kg, ident=f"pace-{figure.substance_code}",
                     title=_("%(substance)s in %(year)s", substance=name, year=figure.year),
                     description=_("National baseline, year-to-date pace scaled to a year, and "
                                   "the estimate from earlier years, in kg."),
                     limit=figure.baseline_kg, limit_label=_("baseline"),
                     focus_label=_("year-to-date pace scaled to a year"))


@bp.get("/baselines")
@allow(*READERS)
def baselines():
    """Show national baselines against the year-to-date pace and the estimate from history."""
    from app.triage.presenters import substance_name

    year, figures = national_pace(session=request_session())
    catalogue = vigia().catalogue
    named = [(f, substance_name(catalogue, f.substance_code)) for f in figures]
    charts = [(f, name, _pace_chart(f, name)) for f, name in named
              if f.baseline_kg or f.estimate_kg]
    return render_template("regulation/baselines.html", year=year, figures=named,
                           charts=charts)


@bp.post("/baselines")
@allow(*REGULATOR)
def upload_baselines():
    """Import a baselines file (CSV or XLSX) with the importer `vigia import baselines` uses."""
    from app.pipeline import import_file, read_context

    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to upload."), "error")
        return redirect(url_for("regulation.baselines"))
    services = vigia()
    name = secure_filename(upload.filename) or "baselines.csv"
    session = request_session()
    with tempfile.TemporaryDirectory(prefix="vigia-upload-") as folder:
        path = Path(folder) / name
        upload.save(path)
        outcome = import_file(
            session=session, feed="baselines", source=path, submitted_by=current_user.email,
            upload_folder=services.settings.upload_folder,
            context=read_context(services, session=session, feed="baselines"),
            as_of=date.today(), filename=upload.filename, processes=False,
            limits=services.settings.intake.limits)
    record_event(session, actor=current_user.email, action="baselines imported",
                 detail={"file": outcome.filename, "status": outcome.status,
                         "batch": outcome.batch_id, "stored": outcome.rows_stored,
                         "rejected": outcome.rows_rejected})
    if outcome.status == "rejected":
        flash(_("%(file)s was not read: %(reason)s", file=outcome.filename,
                reason=outcome.message), "error")
    else:
        flash(_("%(file)s: read %(read)s, stored %(stored)s, rejected %(rejected)s.",
                file=outcome.filename, read=outcome.rows_read, stored=outcome.rows_stored,
                rejected=outcome.rows_rejected), "info")
        for error in outcome.errors[:10]:
            flash(_("row %(row)s, column '%(column)s': %(reason)s", row=error.row,
                    column=error.column or "", reason=error.reason), "error")
    return redirect(url_for("regulation.baselines"))


@bp.get("/registry")
@allow(*READERS)
def registry():
    """Search operators by name, tax id or licence number, a page at a time."""
    try:
        form = RegistrySearchSchema().load(request.args)
    except ValidationError:
        form = {"q": "", "page": 1}
    page = search_operators(session=request_session(), query=form["q"], page=form["page"])
    return render_template("regulation/registry.html", q=form["q"], page=page)


@bp.get("/registry/<licence_no>")
@allow(*READERS)
def licences(licence_no: str):
    """Show an operator's licence lines with their validity, quotas and every amendment."""
    from app.triage.presenters import substance_name

    operator = operator_history(session=request_session(), licence_no=licence_no)
    if operator is None:
        abort(404)
    catalogue = vigia().catalogue
    return render_template("regulation/licences.html", operator=operator,
                           name_of=lambda code: substance_name(catalogue, code))

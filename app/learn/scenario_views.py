import random

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..certification.standings import record_activity
from ..course import Course, Module
from ..course.model import Pacing, Scenario
from ..extensions import db
from ..learning.scenario_engine import miti_summary
from ..models import ScenarioRun, utcnow
from ..web import kept_text
from ..web.forms import EmptyForm
from . import bp, scenario_services

MAX_REPLY = 2000


def _pacing() -> Pacing:
    return current_app.extensions["course"].program.pacing


def _scenario_and_module(scenario_id: str) -> tuple[Scenario, Module]:
    course: Course = current_app.extensions["course"]
    scenario = course.scenario_by_id.get(scenario_id)
    if scenario is None:
        abort(404)
    return scenario, course.module_by_id[scenario.module_id]


@bp.get("/scenarios/<scenario_id>")
@login_required
def scenario(scenario_id: str):
    """Play the role-play: the mentee's latest line, feedback on the last choice, and the next choices."""
    scenario, module = _scenario_and_module(scenario_id)
    typed = kept_text.take(request.path).get("reply")  # typed before a session expired
    return _render_player(
        scenario, module, scenario_services.open_run(current_user.id, scenario), typed=typed
    )


ALREADY_ANSWERED = "That part of the conversation is already answered; it carries on from here."


@bp.post("/scenarios/<scenario_id>")
@login_required
def scenario_turn(scenario_id: str):
    """Take one turn: keep a typed reply, or record a choice and move the conversation on."""
    scenario, module = _scenario_and_module(scenario_id)
    player_url = url_for("learn.scenario", scenario_id=scenario.id)
    run, refusal = _run_for_this_turn(scenario, module)
    if run is None:
        flash(refusal, "error" if refusal != ALREADY_ANSWERED else "info")
        return redirect(player_url)
    node = scenario.nodes[run.current_node]
    if "reply" in request.form and node.reply_prompt and run.pending_reply is None:
        return _keep_reply(scenario, module, run, node)
    if node.reply_prompt and run.pending_reply is None:
        return redirect(player_url)  # the typed reply comes before the choices
    choice = node.choice_by_id.get(request.form.get("choice", ""))
    if choice is None:
        return _render_player(scenario, module, run, choice_error="Choose one of the responses."), 422
    if not scenario_services.choose(run, scenario, len(run.steps), choice):
        db.session.rollback()
        flash(ALREADY_ANSWERED, "info")
        return redirect(player_url)
    record_activity(current_user)
    db.session.commit()
    if scenario.nodes[choice.to].ending:
        return redirect(url_for("learn.scenario_run", scenario_id=scenario.id, run_id=run.id))
    return redirect(_turn_url(scenario, turn=len(run.steps) + 1))


def _run_for_this_turn(scenario: Scenario, module: Module) -> tuple[ScenarioRun | None, str | None]:
    """The open run this form answers (started now, for a first turn the pacing allows), or why not."""
    run = scenario_services.open_run(current_user.id, scenario)
    node_id, position = request.form.get("node", ""), request.form.get("position", "")
    if run is None and node_id == scenario.start and position == "0":
        check = scenario_services.start_check(current_user.id, scenario, _pacing(), utcnow())
        if not check.allowed:
            return None, check.reason
        run = scenario_services.start_run(
            current_user.id, scenario, module, current_app.extensions["course"].version
        )
    if run is None or node_id != run.current_node or position != str(len(run.steps)):
        return None, ALREADY_ANSWERED
    return run, None


def _keep_reply(scenario: Scenario, module: Module, run: ScenarioRun, node):
    reply = request.form["reply"].strip()
    if not reply or len(reply) > MAX_REPLY:
        message = "Type what you would say first." if not reply else f"Keep it under {MAX_REPLY} characters."
        return _render_player(scenario, module, run, reply_error=message, typed=reply), 422
    scenario_services.keep_reply(run, node.id, reply)
    record_activity(current_user)
    db.session.commit()
    return redirect(_turn_url(scenario, turn=len(run.steps) + 1))


def _turn_url(scenario: Scenario, turn: int) -> str:
    """The player at the heading of turn ``turn`` (from 1): focus lands just before the choices."""
    return url_for("learn.scenario", scenario_id=scenario.id, _anchor=f"turn-{turn}")


@bp.get("/scenarios/<scenario_id>/runs/<int:run_id>")
@login_required
def scenario_run(scenario_id: str, run_id: int):
    """Show a finished run: the transcript, the score against the best reachable, the debrief."""
    scenario, module = _scenario_and_module(scenario_id)
    run = db.session.get(ScenarioRun, run_id)
    if run is None or run.user_id != current_user.id or run.scenario_id != scenario.id:
        abort(404)
    if not run.finished:
        return redirect(url_for("learn.scenario", scenario_id=scenario.id))
    steps = [(step, *_step_content(scenario, step)) for step in run.steps]
    miti = miti_summary(choice.codes for _, _, choice in steps if choice) if scenario.coded else None
    return render_template(
        "learn/scenario_run.html",
        scenario=scenario,
        module=module,
        run=run,
        steps=steps,
        ending=scenario.nodes.get(run.ending or ""),
        miti=miti,
    )


def _step_content(scenario: Scenario, step):
    node = scenario.nodes.get(step.node_id)
    return node, node.choice_by_id.get(step.choice_id) if node else None


def _render_player(scenario: Scenario, module: Module, run: ScenarioRun | None, **errors):
    node = scenario.nodes[run.current_node] if run else scenario.nodes[scenario.start]
    steps = [(step, *_step_content(scenario, step)) for step in run.steps] if run else []
    position = len(steps)
    # Shuffled, but the same on every reload of this turn, so the page never jumps around.
    order = list(node.choices)
    random.Random(f"{current_user.id}:{run.id if run else 0}:{position}").shuffle(order)
    runs = scenario_services.runs_for(current_user.id, scenario)
    finished = [r for r in runs if r.finished]
    start_check = (
        None if run else scenario_services.start_check(current_user.id, scenario, _pacing(), utcnow(), runs)
    )
    return render_template(
        "learn/scenario.html",
        scenario=scenario,
        module=module,
        run=run,
        node=node,
        steps=steps,
        last=steps[-1] if steps else None,
        position=position,
        choices=order,
        needs_reply=bool(node.reply_prompt) and (run is None or run.pending_reply is None),
        finished_runs=finished,
        start_check=start_check,
        program_pacing=_pacing(),
        form=EmptyForm(),
        **errors,
    )

from flask import abort, current_app, render_template
from markupsafe import Markup

from ..content_tools.scenario_graph import scenario_svg
from ..course import Course
from ..course.graph import graph_of, path_facts
from . import bp


def _course() -> Course:
    return current_app.extensions["course"]


@bp.get("/")
def index():
    """List every module's quiz and scenarios for review."""
    return render_template("author/index.html", course=_course())


@bp.get("/quizzes/<quiz_id>")
def quiz(quiz_id: str):
    """Show a whole quiz pool with its answer key, feedback and explanations."""
    quiz = _course().quiz_by_id.get(quiz_id)
    if quiz is None:
        abort(404)
    return render_template("author/quiz.html", quiz=quiz, module=_course().module_by_id[quiz.module_id])


@bp.get("/scenarios/<scenario_id>")
def scenario(scenario_id: str):
    """Show a scenario's graph and every node with its choices, points, codes and feedback."""
    scenario = _course().scenario_by_id.get(scenario_id)
    if scenario is None:
        abort(404)
    return render_template(
        "author/scenario.html",
        scenario=scenario,
        module=_course().module_by_id[scenario.module_id],
        facts=path_facts(graph_of(scenario), scenario.start),
        graph=Markup(scenario_svg(scenario)),  # built from escaped text in scenario_graph
    )

"""Where a trainee's next step is done, as a path: the dashboard's card and the "Next: …" button
(learn/next_steps.py) and the inactivity reminder (notifications/) link to the same place."""

from __future__ import annotations

from flask import url_for

from ..learning.next_step import NextStep


def step_url(step: NextStep) -> str | None:
    """Where the step is done; None for steps a trainee waits on (a coordinator's)."""
    if step.kind == "acknowledge":
        return url_for("site.safeguarding")
    if step.kind in ("start", "continue", "next_module"):
        return url_for("learn.section", module_id=step.module_id, section_id=step.target)
    if step.kind in ("quiz", "requiz"):
        return url_for("learn.quiz_home", module_id=step.module_id)
    if step.kind == "scenario":
        return url_for("learn.scenario", scenario_id=step.target)
    if step.kind == "revisit":
        return url_for("learn.module_overview", module_id=step.module_id)
    if step.kind == "certified":
        return url_for("learn.certificate")
    return None

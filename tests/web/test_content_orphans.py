"""``content check --database`` names ids that have learner records but left the content."""

from __future__ import annotations

from sqlalchemy import select

from app.content_tools.check import content_group
from app.extensions import db
from app.models import QuizAttempt, Reflection, ScenarioRun, ScenarioStep, SectionView, User


def test_records_pointing_at_removed_ids_are_named(app, make_user):
    email = make_user()
    course = app.extensions["course"]
    module, quiz, scenario = course.modules[0], course.quizzes[0], course.scenarios[0]
    question = quiz.questions[0]
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == email))
        db.session.add_all(
            [
                SectionView(
                    user_id=user_id, module_id=module.id, section_id=module.sections[0].id, module_version=1
                ),
                SectionView(
                    user_id=user_id, module_id=module.id, section_id="renamed-section", module_version=1
                ),
                Reflection(user_id=user_id, module_id=module.id, prompt_id="old-prompt", text="x"),
                QuizAttempt(
                    user_id=user_id,
                    quiz_id=quiz.id,
                    module_version=1,
                    draw=[
                        {"question": question.id, "options": [o.id for o in question.options] + ["z"]},
                        {"question": "retired-question", "options": ["a", "b"]},
                    ],
                ),
            ]
        )
        run = ScenarioRun(
            user_id=user_id, scenario_id=scenario.id, module_version=1, current_node=scenario.start
        )
        db.session.add(run)
        db.session.flush()
        db.session.add(
            ScenarioStep(run_id=run.id, position=0, node_id=scenario.start, choice_id="gone-choice", points=0)
        )
        db.session.commit()

    result = app.test_cli_runner().invoke(content_group, ["check", "--database"])
    assert result.exit_code == 1
    out = result.output
    assert f"section 'renamed-section' of module '{module.id}' has 1 reads but no longer exists" in out
    assert (
        f"reflect prompt 'old-prompt' of module '{module.id}' has 1 saved reflections but no longer exists"
        in out
    )
    assert (
        f"question 'retired-question' of quiz '{quiz.id}' was drawn in 1 attempts but no longer exists" in out
    )
    assert f"option 'z' of question '{question.id}' was shown in 1 attempts but no longer exists" in out
    assert (
        f"choice 'gone-choice' of node '{scenario.start}' in scenario '{scenario.id}' was chosen 1 times"
        in out
    )
    assert f"'{module.sections[0].id}'" not in out  # ids that still exist are not reported
    assert all(row.split(":")[0].endswith((".md", ".yaml")) for row in out.splitlines() if ": error: " in row)


def test_a_clean_database_passes(app):
    result = app.test_cli_runner().invoke(content_group, ["check", "--database", "--strict"])
    assert result.exit_code == 0, result.output

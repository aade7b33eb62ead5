"""Learner records whose content ids no longer exist: what an author would orphan by renaming."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from ..course.errors import ContentProblem
from ..course.model import Course
from ..extensions import db
from ..models import QuizAttempt, Reflection, ScenarioRun, ScenarioStep, SectionView

HINT = "restore the id so trainees' history stays attached (ids are stable forever)"


def orphaned_records(
    course: Course, modules_dir: str, quizzes_dir: str, scenarios_dir: str
) -> list[ContentProblem]:
    """One problem per content id that learner records point at but the content no longer has."""
    found = [
        *_orphaned_reading(course, modules_dir),
        *_orphaned_quiz_items(course, quizzes_dir),
        *_orphaned_role_play_steps(course, scenarios_dir),
    ]
    return [ContentProblem(path, 1, f"{message}: {HINT}") for path, message in found]


def _orphaned_reading(course: Course, modules_dir: str):
    modules = course.module_by_id
    for module_id, section_id, count in db.session.execute(
        select(SectionView.module_id, SectionView.section_id, func.count()).group_by(
            SectionView.module_id, SectionView.section_id
        )
    ):
        if module_id not in modules:
            yield (
                modules_dir,
                f"module '{module_id}' (section '{section_id}') has {count} section reads but no longer exists",
            )
        elif section_id not in modules[module_id].section_by_id:
            yield (
                modules[module_id].path,
                f"section '{section_id}' of module '{module_id}' has {count} reads but no longer exists",
            )
    for module_id, prompt_id, count in db.session.execute(
        select(Reflection.module_id, Reflection.prompt_id, func.count()).group_by(
            Reflection.module_id, Reflection.prompt_id
        )
    ):
        module = modules.get(module_id)
        prompts = {p.id for s in module.sections for p in s.reflect_prompts} if module else set()
        if prompt_id not in prompts:
            yield (
                module.path if module else modules_dir,
                f"reflect prompt '{prompt_id}' of module '{module_id}' has {count} saved reflections but no longer exists",
            )


def _orphaned_quiz_items(course: Course, quizzes_dir: str):
    questions: Counter = Counter()
    options: Counter = Counter()
    attempts: Counter = Counter()
    for quiz_id, draw in db.session.execute(
        select(QuizAttempt.quiz_id, QuizAttempt.draw).execution_options(yield_per=1000)
    ):
        attempts[quiz_id] += 1
        for item in draw or []:
            questions[(quiz_id, item["question"])] += 1
            for option_id in item["options"]:
                options[(quiz_id, item["question"], option_id)] += 1
    for quiz_id, count in sorted(attempts.items()):
        if quiz_id not in course.quiz_by_id:
            yield quizzes_dir, f"quiz '{quiz_id}' has {count} attempts but no longer exists"
    for (quiz_id, question_id), count in sorted(questions.items()):
        quiz = course.quiz_by_id.get(quiz_id)
        if quiz and question_id not in quiz.question_by_id:
            yield (
                quiz.path,
                f"question '{question_id}' of quiz '{quiz_id}' was drawn in {count} attempts but no longer exists",
            )
    for (quiz_id, question_id, option_id), count in sorted(options.items()):
        quiz = course.quiz_by_id.get(quiz_id)
        question = quiz.question_by_id.get(question_id) if quiz else None
        if question and option_id not in question.option_by_id:
            yield (
                quiz.path,
                f"option '{option_id}' of question '{question_id}' was shown in {count} attempts but no longer exists",
            )


def _orphaned_role_play_steps(course: Course, scenarios_dir: str):
    for scenario_id, count in db.session.execute(
        select(ScenarioRun.scenario_id, func.count()).group_by(ScenarioRun.scenario_id)
    ):
        if scenario_id not in course.scenario_by_id:
            yield scenarios_dir, f"scenario '{scenario_id}' has {count} runs but no longer exists"
    for scenario_id, node_id, choice_id, count in db.session.execute(
        select(ScenarioRun.scenario_id, ScenarioStep.node_id, ScenarioStep.choice_id, func.count())
        .join(ScenarioRun, ScenarioRun.id == ScenarioStep.run_id)
        .group_by(ScenarioRun.scenario_id, ScenarioStep.node_id, ScenarioStep.choice_id)
    ):
        scenario = course.scenario_by_id.get(scenario_id)
        node = scenario.nodes.get(node_id) if scenario else None
        if scenario and node is None:
            yield (
                scenario.path,
                f"node '{node_id}' of scenario '{scenario_id}' has {count} recorded steps but no longer exists",
            )
        elif node and choice_id not in node.choice_by_id:
            yield (
                scenario.path,
                f"choice '{choice_id}' of node '{node_id}' in scenario '{scenario_id}' was chosen {count} times but no longer exists",
            )

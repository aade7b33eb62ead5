"""The course's quality bar, as functions of a course folder, so a programme's own copy (a local
module added, a shipped module dropped) is held to the same bar as the shipped course.

Each function returns what falls short, as readable strings; an empty list is a pass. The rules
name no module, quiz or role-play: they apply to whatever program.yaml and the folders hold, and
pick out the modules or role-plays a rule concerns by their properties (``kind: local``, the
module a role-play practises, what a module's title says it teaches).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from app.config import PROJECT_ROOT
from app.course import load_course
from app.course.graph import best_path, graph_of, path_facts, simple_paths, worst_path
from app.course.model import Course, Module, Scenario
from app.learning.scenario_engine import miti_summary, run_score

SHIPPED = (PROJECT_ROOT / "content", PROJECT_ROOT / "quizzes")
TRY_BOX = re.compile(r"^:{3,4} try\b", re.MULTILINE)
PERSONA_AGE = re.compile(r"[^,]+, (\d+),")
TEACHES_MI = re.compile(r"motivational interviewing", re.IGNORECASE)


def quality_problems(content_dir: Path, quizzes_dir: Path) -> list[str]:
    """Every rule below over one course folder."""
    course = load_course(content_dir, quizzes_dir)
    problems = module_problems(course) + persona_problems(course)
    for scenario in course.scenarios:
        problems += scenario_problems(course, scenario)
    return problems + urgency_contradictions(content_dir, quizzes_dir)


# --- modules -------------------------------------------------------------------------------------


def module_problems(course: Course) -> list[str]:
    """Enough training, every required module assessed, every module of the shared course
    substantial and practised; a programme's own (local) module only has to be there."""
    problems = []
    if course.minutes < 120:  # MENTOR's minimum of two hours of pre-match training
        problems.append(f"the course takes {course.minutes} minutes: MENTOR asks for at least 120")
    for required in course.program.modules:
        module = course.module_by_id[required.module_id]
        if required.quiz_id is None and module.kind != "local":
            problems.append(f"{module.id}: a required module without a quiz")
        if module.kind != "local" and len(course.scenarios_for_module.get(module.id, ())) < 2:
            problems.append(f"{module.id}: fewer than two role-plays to practise it")
    for module in course.modules:
        if module.kind != "local":
            problems += [f"{module.id}: {problem}" for problem in _teaching_problems(module)]
    return problems


def _teaching_problems(module: Module) -> list[str]:
    source = Path(module.path).read_text(encoding="utf-8")
    problems = []
    if len(TRY_BOX.findall(source)) < 3:
        problems.append("fewer than three 'Try it' tasks: practice, not only reading")
    if module.words < 1500:
        problems.append(f"{module.words} words, under 1,500")
    if len([p for s in module.sections for p in s.reflect_prompts]) < 2:
        problems.append("fewer than two reflect prompts")
    if not (module.sources and module.objectives):
        problems.append("no sources or no objectives")
    if len(module.sections) < 5:
        problems.append(f"{len(module.sections)} sections, under 5")
    return problems


# --- role-plays ----------------------------------------------------------------------------------


def scenario_problems(course: Course, scenario: Scenario) -> list[str]:
    """Shape, scoring, and (for a module that teaches motivational interviewing) MITI coding."""
    problems = [f"{scenario.id}: {problem}" for problem in _shape_and_scoring(scenario)]
    module = course.module_by_id[scenario.module_id]
    if TEACHES_MI.search(module.title):
        problems += [f"{scenario.id}: {problem}" for problem in _models_good_mi(scenario)]
    return problems


def _shape_and_scoring(scenario: Scenario) -> list[str]:
    problems = []
    graph = graph_of(scenario)
    facts = path_facts(graph, scenario.start)
    if facts.shortest < 3 or len(facts.endings) < 3:
        problems.append("needs three decisions on every path and at least three endings")
    if not all(2 <= len(node.choices) <= 4 for node in scenario.nodes.values() if not node.ending):
        problems.append("a turn offers fewer than two or more than four choices")
    best = sum(e.points for e in best_path(graph, scenario.start))
    worst = sum(e.points for e in worst_path(graph, scenario.start))
    if run_score(scenario, best) != 100 or run_score(scenario, worst) >= scenario.pass_score:
        problems.append("the best path must score 100 and the worst must fail")
    # A detour after a weak choice must not earn its way back to a perfect score.
    top = {node: max((edge.points for edge in edges), default=0) for node, edges in graph.items()}
    for path in simple_paths(graph, scenario.start):
        if sum(edge.points for edge in path) != scenario.best_score:
            continue
        node = scenario.start
        for edge in path:
            if edge.points != top[node]:
                problems.append(f"a path through a weaker choice reaches 100: {[e.choice_id for e in path]}")
                break
            node = edge.to
    return problems


def _models_good_mi(scenario: Scenario) -> list[str]:
    if not all(choice.codes for node in scenario.nodes.values() for choice in node.choices):
        return ["a choice has no MITI code"]
    choices, node = [], scenario.start
    for edge in best_path(graph_of(scenario), scenario.start):
        choices.append(scenario.nodes[node].choice_by_id[edge.choice_id])
        node = edge.to
    summary = miti_summary(choice.codes for choice in choices)
    good = summary.rq_level == "good" and summary.complex_level in ("fair", "good")
    if not good or summary.mi_non_adherent:
        return [f"the best path does not model good practice ({summary})"]
    return []


def persona_problems(course: Course) -> list[str]:
    """Mentors in these programmes meet young people of about 12 to 24; practice should too:
    every required role-play's mentee in that range, and most of them under 18."""
    ages, problems = {}, []
    for required in course.program.scenarios:
        persona = course.scenario_by_id[required.scenario_id].persona
        match = PERSONA_AGE.match(persona)
        if match is None:
            problems.append(f"{required.scenario_id}: the persona gives no age as 'Name, 15, ...'")
            continue
        ages[required.scenario_id] = int(match.group(1))
    problems += [
        f"{sid}: a mentee of {age}, outside 12 to 24" for sid, age in ages.items() if not 12 <= age <= 24
    ]
    if ages and sum(age < 18 for age in ages.values()) * 2 <= len(ages):
        problems.append(f"fewer than half the required role-plays have a mentee under 18: {ages}")
    return problems


# --- the urgency rule ----------------------------------------------------------------------------
# Nothing the course presents as right lets a safeguarding concern wait (the rule is taught in the
# safeguarding module's "The urgency rule"): danger right now, emergency services first; talk of
# suicide or self-harm, the safeguarding lead now; any other worry or disclosure, the lead the same
# day. A sentence pairing a safety concern with one of these delays contradicts it.

# Delays a trainee might read as permission to wait: next meetings, days later, "promptly"
# (which the expert review found vague beside a disclosure), whenever convenient.
DELAYS = (
    "tomorrow",
    "next session",
    "next meeting",
    "next time you meet",
    "next time you see",
    "when you next see",
    "next week",
    "later this week",
    "end of the week",
    "in a few days",
    "within a week",
    "promptly",
    "when you get a chance",
    "when you have a moment",
    "at your next supervision",
    "next check-in",
)
# What makes a sentence about a safeguarding concern rather than, say, a study plan.
CONCERN = re.compile(
    r"\b(disclos\w*|abus\w*|self-harm\w*|suicid\w*|unsafe|danger\w*|groom\w*|safeguarding|safety|"
    r"at risk|overdose|exploit\w*|hurt(ing)? (her|him|them)sel(f|ves)|hits|sextortion|nude|threat\w*)",
    re.IGNORECASE,
)
# A sentence that says not to wait ("don't leave it until next session") agrees with the rule.
NOT_WAITING = re.compile(
    r"\b(don't|do not|never|not|no need to|won't)\s+(\w+\s+){0,4}?(wait|leave it|hold|put it off|until)\w*"
    r"|\brather than\b|\binstead of\b|\bwithout waiting\b|\bcan't wait\b|\bcannot wait\b",
    re.IGNORECASE,
)


def lets_a_concern_wait(sentence: str) -> list[str]:
    """The delays in ``sentence`` when it pairs them with a safety concern without warning against them."""
    delays = [d for d in DELAYS if re.search(rf"\b{re.escape(d)}\b", sentence, re.IGNORECASE)]
    return delays if delays and CONCERN.search(sentence) and not NOT_WAITING.search(sentence) else []


def sentences(text: str) -> Iterator[str]:
    for paragraph in re.split(r"\n\s*\n", text):
        yield from re.split(r"(?<=[.!?])\s+", " ".join(paragraph.split()))


def taught_as_right(content_dir: Path, quizzes_dir: Path) -> Iterator[tuple[str, str]]:
    """(where, text) for everything presented to trainees as the right thing to do, in every
    module, quiz and role-play file of the course, whatever it contains."""
    for path in sorted((content_dir / "modules").glob("*.md")):
        yield path.name, path.read_text(encoding="utf-8")
    for path in sorted(quizzes_dir.glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            where = f"{path.name} {question['id']}"
            yield where, question.get("explanation", "")
            for option in question["options"]:
                if option.get("correct") or question["type"] == "order":
                    yield where, f"{option['text']}\n\n{option.get('feedback', '')}"
    for path in sorted((content_dir / "scenarios").glob("*.yaml")):
        for node_id, node in yaml.safe_load(path.read_text(encoding="utf-8"))["nodes"].items():
            where = f"{path.name} {node_id}"
            if node.get("ending") and node.get("outcome") == "good":
                yield where, node["debrief"]
            choices = node.get("choices", [])
            top = max((c["points"] for c in choices), default=None)
            for choice in choices:
                if choice["points"] == top and not choice.get("critical"):
                    yield f"{where} {choice['id']}", f"{choice['text']}\n\n{choice['feedback']}"


def urgency_contradictions(content_dir: Path, quizzes_dir: Path) -> list[str]:
    return [
        f"{where}: {delays} in {sentence!r}"
        for where, text in taught_as_right(content_dir, quizzes_dir)
        for sentence in sentences(text)
        if (delays := lets_a_concern_wait(sentence))
    ]

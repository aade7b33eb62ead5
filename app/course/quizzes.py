"""Read ``quizzes/<id>.yaml`` files into Quiz objects, or say exactly what is wrong."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from markdown_it import MarkdownIt

from .errors import ContentProblem, Reporter, display_path, load_each
from .located_yaml import LocatedDict
from .model import Option, Question, Quiz, SectionRef
from .question_rules import OPTION_RULES, AuthoredOption
from .schema import (
    Field,
    boolean,
    check_mapping,
    identifier,
    integer,
    list_of,
    one_of,
    read_module_file,
    text,
)

# When a trainee's result page may show which option was right: only once they have passed
# (so a failed attempt teaches the principle, not the key), or always.
REVIEW_MODES = ("after_pass", "always")
QUIZ_FIELDS = {
    "id": Field(identifier),
    "module": Field(identifier),
    "pass_mark": Field(integer(1, 100)),
    "draw": Field(integer(0)),
    "shuffle": Field(boolean, required=False),
    "max_attempts": Field(integer(0), required=False),
    "cooldown_minutes": Field(integer(0), required=False),
    "review": Field(one_of(REVIEW_MODES), required=False),
    "questions": Field(list_of(lambda _: None, min_items=1)),
}
QUESTION_FIELDS = {
    "id": Field(identifier),
    "type": Field(one_of(OPTION_RULES)),
    "prompt": Field(text),
    "options": Field(list_of(lambda _: None, min_items=2)),
    "explanation": Field(text, required=False),
    "critical": Field(boolean, required=False),
    "section": Field(text, required=False),
}
OPTION_FIELDS = {
    "id": Field(identifier),
    "text": Field(text),
    "correct": Field(boolean, required=False),
    "feedback": Field(text, required=False),
}


def load_quizzes(
    md: MarkdownIt, quizzes_dir: Path, module_ids: set[str], sections: Mapping[str, Collection[str]]
) -> tuple[list[Quiz], list[ContentProblem]]:
    """Every ``*.yaml`` quiz in ``quizzes_dir``, checked against the modules it belongs to.

    ``sections`` maps each module that loaded to its section ids, for the sections questions test.
    """
    if not quizzes_dir.is_dir():
        return [], [ContentProblem(display_path(quizzes_dir), 1, "quizzes folder not found")]
    quizzes, problems = load_each(
        quizzes_dir, lambda file, report: _load_quiz(md, file, report, module_ids, sections)
    )
    seen: dict[str, str] = {}
    for quiz in quizzes:
        for key, what in ((quiz.id, "quiz id"), (f"module:{quiz.module_id}", "module")):
            if key in seen:
                message = f"{what} '{key.removeprefix('module:')}' already has a quiz in {seen[key]}"
                problems.append(ContentProblem(quiz.path, 1, message))
            seen.setdefault(key, quiz.path)
    return quizzes, problems


def _load_quiz(
    md: MarkdownIt,
    file: Path,
    report: Reporter,
    module_ids: set[str],
    sections: Mapping[str, Collection[str]],
) -> Quiz | None:
    data = read_module_file(file, QUIZ_FIELDS, "quiz", report, module_ids)
    if data is None:
        return None
    questions = _questions(md, data["questions"], report, data["module"], sections)
    pool = len(data["questions"])
    if data["draw"] > pool:
        report(data.line_of("draw"), f"'draw' is {data['draw']} but the pool has only {pool} questions")
    critical = sum(1 for q in questions if q.critical)
    if data["draw"] and critical > data["draw"]:
        report(
            data.line_of("draw"),
            f"every attempt includes all {critical} critical questions, more than 'draw' ({data['draw']})",
        )
    if report.has_errors:
        return None
    return Quiz(
        id=data["id"],
        module_id=data["module"],
        pass_mark=data["pass_mark"],
        draw=data["draw"],
        shuffle=data.get("shuffle", True),
        max_attempts=data.get("max_attempts", 0),
        cooldown_minutes=data.get("cooldown_minutes", 0),
        review=data.get("review", "after_pass"),
        questions=tuple(questions),
        path=report.path,
    )


def _questions(
    md: MarkdownIt, items: list, report: Reporter, module_id: str, sections: Mapping[str, Collection[str]]
) -> list[Question]:
    questions: list[Question] = []
    seen: set[str] = set()
    for item in items:
        if not check_mapping(item, QUESTION_FIELDS, "question", report):
            continue
        if item["id"] in seen:
            report(item.line_of("id"), f"question id '{item['id']}' is used twice in this quiz")
        seen.add(item["id"])
        options = _options(md, item, report)
        if options is None:
            continue
        if not item.get("explanation"):
            report.warn(
                item.line, f"question '{item['id']}' has no explanation: say why the right answer is right"
            )
        questions.append(
            Question(
                id=item["id"],
                type=item["type"],
                prompt_html=md.render(item["prompt"]),
                options=options,
                explanation_html=md.render(item.get("explanation", "")),
                critical=item.get("critical", False),
                line=item.line,
                section=_tested_section(item, module_id, sections, report),
            )
        )
    return questions


def _tested_section(
    question: LocatedDict, module_id: str, sections: Mapping[str, Collection[str]], report: Reporter
) -> SectionRef | None:
    """The section a question tests, from ``section: <section id>`` or ``<module id>/<section id>``."""
    value = question.get("section")
    if value is None:
        report.warn(
            question.line,
            f"question '{question['id']}' names no section: add 'section: <section id>' so a trainee "
            "who misses it is sent to the page that teaches it",
        )
        return None
    target_module, _, section_id = value.strip().rpartition("/")
    target_module = target_module or module_id
    if target_module not in sections:
        report(question.line_of("section"), f"'section' names module '{target_module}', which does not exist")
        return None
    if section_id not in sections[target_module]:
        report(
            question.line_of("section"),
            f"'section' names '{section_id}', which is not a section of '{target_module}'",
        )
        return None
    return SectionRef(target_module, section_id)


def _options(md: MarkdownIt, question: LocatedDict, report: Reporter) -> tuple[Option, ...] | None:
    items = question["options"]
    if not all(check_mapping(o, OPTION_FIELDS, "option", report) for o in items):
        return None
    seen: set[str] = set()
    for option in items:
        if option["id"] in seen:
            report(
                option.line_of("id"),
                f"option id '{option['id']}' is used twice in question '{question['id']}'",
            )
            return None
        seen.add(option["id"])
    for option in items:
        if not option.get("feedback"):
            report.warn(
                option.line,
                f"option '{option['id']}' of question '{question['id']}' has no feedback: "
                "say why a mentor might pick it and why it is (not) right",
            )
    authored = [AuthoredOption(o["id"], o.get("correct")) for o in items]
    for message in OPTION_RULES[question["type"]](authored):
        report(question.line_of("options"), f"question '{question['id']}': {message}")
    return tuple(
        Option(
            id=o["id"],
            text_html=md.renderInline(o["text"].strip()),
            correct=bool(o.get("correct", False)),
            feedback_html=md.render(o.get("feedback", "")),
        )
        for o in items
    )

"""Convert a Moodle GIFT question bank into a PeerPath quiz, so an existing bank can be brought over.

``parse_gift`` turns every question PeerPath has a type for (multiple choice with one right
answer, multiple response, true/false) into a question dict as written in ``quizzes/<id>.yaml``,
and reports every other question (essay, matching, numerical, short answer, missing word,
description) with its line, rather than guessing. ``to_quiz_yaml`` writes the converted
questions as a complete quiz file for authors to review.

The GIFT syntax is Moodle's (docs.moodle.org/en/GIFT_format) and is read the way Moodle's own
importer reads it: questions are separated by blank lines, whole-line ``//`` comments are
ignored, the type is decided by what is inside ``{...}``. Pure Python: stdlib and PyYAML only.
"""

from __future__ import annotations

import html
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["GiftProblem", "parse_gift", "to_quiz_yaml"]

NOT_IN_PEERPATH = "PeerPath quizzes have single, multiple, true_false and order questions"

YAML_HEADER = (
    "# Imported from a Moodle GIFT file. Review every option's feedback (GIFT banks often have none)\n"
    "# and add an explanation to each question that lacks one before publishing this quiz.\n"
)

# Escaped characters are swapped for private-use stand-ins while the structure is read,
# so an escaped brace, equals sign or hash never counts as syntax, then swapped back.
_ESCAPES = {
    "\\": "\ue000",
    ":": "\ue001",
    "=": "\ue002",
    "~": "\ue003",
    "#": "\ue004",
    "{": "\ue005",
    "}": "\ue006",
}
_NEWLINE = "\ue007"
_RESTORE = {stand_in: char for char, stand_in in _ESCAPES.items()} | {_NEWLINE: "\n"}
_ESCAPE = re.compile(r"\\(.)")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^\s*%\s*(-?\d+(?:\.\d*)?)\s*%")
_HASH = re.compile(r"(?<!&)#")  # a '#' that is not part of an HTML entity such as &#39;
_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True)
class GiftProblem:
    """A question that could not be converted: the line it starts on (1-based) and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class _Unsupported(Exception):
    """Raised inside the parser to report the question being read; never escapes parse_gift."""


def parse_gift(text: str) -> tuple[list[dict], list[GiftProblem]]:
    """Every question of a GIFT file PeerPath can take, as quiz question dicts (keys in the order
    id, type, prompt, options, explanation), and one problem for each question it cannot take.

    Never raises: whatever the input, each question is either converted or reported.
    """
    if not isinstance(text, str):
        return [], [GiftProblem(1, f"GIFT input must be text, not {type(text).__name__}")]
    questions: list[dict] = []
    problems: list[GiftProblem] = []
    used_ids: set[str] = set()
    for number, (line, block) in enumerate(_blocks(text), start=1):
        try:
            title, question = _read_question(block)
        except _Unsupported as reason:
            problems.append(GiftProblem(line, str(reason)))
            continue
        except Exception as error:  # bad input is reported, never allowed to stop the import
            problems.append(
                GiftProblem(line, f"could not read this question ({type(error).__name__}: {error})")
            )
            continue
        question_id = _unique(_slug(title) or f"q-{number}", used_ids)
        questions.append({"id": question_id, **question})
    return questions, problems


def to_quiz_yaml(questions: list[dict], quiz_id: str, module_id: str, pass_mark: int = 80) -> str:
    """A complete ``quizzes/<id>.yaml`` document holding ``questions``, with a comment for reviewers."""
    quiz = {
        "id": quiz_id,
        "module": module_id,
        "pass_mark": pass_mark,
        "draw": 0,
        "shuffle": True,
        "max_attempts": 0,
        "cooldown_minutes": 0,
        "questions": _plain(questions),
    }
    return YAML_HEADER + yaml.dump(
        quiz, Dumper=_ReviewableDumper, sort_keys=False, allow_unicode=True, width=100
    )


class _ReviewableDumper(yaml.SafeDumper):
    """Writes multi-line text as ``|`` blocks, as authors write it, instead of quoted ``\n`` escapes."""


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ReviewableDumper.add_representer(str, _represent_text)


# Splitting the file into questions


def _blocks(text: str) -> list[tuple[int, str]]:
    """Each question's text with the line it starts on: blank lines separate questions, and
    ``//`` comment lines and ``$CATEGORY:`` lines are left out (without ending a question)."""
    blocks: list[tuple[int, str]] = []
    start, lines = 0, []
    for number, raw in enumerate(
        text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n"), 1
    ):
        stripped = raw.strip()
        if not stripped:
            if lines:
                blocks.append((start, "\n".join(lines)))
            start, lines = 0, []
        elif stripped.startswith("//") or stripped.upper().startswith("$CATEGORY:"):
            continue
        else:
            start = start or number
            lines.append(raw.rstrip())
    if lines:
        blocks.append((start, "\n".join(lines)))
    return blocks


# Reading one question


def _read_question(block: str) -> tuple[str, dict[str, Any]]:
    """The question's title (may be empty) and its PeerPath dict without an id."""
    text = _ESCAPE.sub(_protect, block).strip()
    title = ""
    if text.startswith("::"):
        end = text.find("::", 2)
        if end < 0:
            raise _Unsupported("the title opened with '::' is never closed with '::'")
        title, text = _restore(text[2:end]).strip(), text[end + 2 :]
    opening = text.find("{")
    if opening < 0:
        if "}" in text:
            raise _Unsupported("found '}' without an opening '{': write \\} for a literal brace")
        raise _Unsupported(
            "description items (text with no {answers}) are not supported: they are not questions; "
            "put the text in the module instead"
        )
    closing = text.find("}", opening)
    if closing < 0:
        raise _Unsupported("the answers opened with '{' are never closed with '}'")
    stem, answers, after = text[:opening], text[opening + 1 : closing], text[closing + 1 :]

    marker = _FORMAT.match(stem)  # the question's format is also its answers' unless they give their own
    default_format = marker.group(1).lower() if marker else "moodle"
    answers, explanation = _split_general_feedback(answers, default_format)
    kind = _answer_kind(answers)
    if kind in _UNSUPPORTED_KINDS:
        raise _Unsupported(f"{_UNSUPPORTED_KINDS[kind]} questions are not supported: {NOT_IN_PEERPATH}")
    if after.strip():
        raise _Unsupported(
            f"missing-word questions (question text after the {{answers}}: {_restore(after.strip())[:30]!r}) "
            f"are not supported: {NOT_IN_PEERPATH}; to keep this one, write the blank as _____ "
            "and move the {answers} to the end"
        )
    prompt = _markdown(stem, default_format)
    if not prompt:
        raise _Unsupported("the question has no text before its {answers}")
    if kind == "true_false":
        question_type, options = "true_false", _true_false_options(answers, default_format)
    else:
        question_type, options = _choice_options(answers, default_format)
    question: dict[str, Any] = {"type": question_type, "prompt": prompt, "options": options}
    if explanation:
        question["explanation"] = explanation
    return title, question


_UNSUPPORTED_KINDS = {
    "essay": "essay",
    "numerical": "numerical",
    "matching": "matching",
    "short_answer": "short-answer",
}


def _answer_kind(answers: str) -> str:
    """What GIFT question type the text inside the braces makes, decided the way Moodle decides."""
    answers = answers.strip()
    if not answers:
        return "essay"
    if answers.startswith("#"):
        return "numerical"
    if "~" in answers:
        return "multiple_choice"
    if "=" in answers and "->" in answers:
        return "matching"
    if _HASH.split(answers, maxsplit=1)[0].strip().upper() in _TRUE_FALSE:
        return "true_false"
    if answers.startswith("="):
        return "short_answer"
    raise _Unsupported(
        f"cannot read the answers {_restore(answers)[:40]!r}: start each answer with = (right) or "
        "~ (wrong), or write {T} or {F} for true/false"
    )


def _split_general_feedback(answers: str, default_format: str) -> tuple[str, str]:
    """The answers without ``####general feedback``, and that feedback as Markdown."""
    separator = answers.rfind("####")
    if separator < 0:
        return answers, ""
    return answers[:separator], _markdown(answers[separator + 4 :], default_format)


def _true_false_options(answers: str, default_format: str) -> list[dict[str, Any]]:
    """``{T#feedback for a wrong answer#feedback for a right answer}`` as options 'true' and 'false',
    each with the feedback a trainee sees on choosing it."""
    parts = _HASH.split(answers.strip(), maxsplit=2) + ["", ""]
    answer_is_true = _TRUE_FALSE[parts[0].strip().upper()]
    wrong, right = _markdown(parts[1], default_format), _markdown(parts[2], default_format)
    options = []
    for option_id, value in (("true", True), ("false", False)):
        chosen_right = value == answer_is_true
        option: dict[str, Any] = {"id": option_id, "text": "True" if value else "False"}
        if chosen_right:
            option["correct"] = True
        feedback = right if chosen_right else wrong
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    return options


def _choice_options(answers: str, default_format: str) -> tuple[str, list[dict[str, Any]]]:
    """``=right``, ``~wrong`` and ``~%50%weighted`` answers, each with optional ``#feedback``:
    'single' when exactly one is marked = and there are no weights, otherwise 'multiple'
    (a positive weight marks an answer right)."""
    pieces = re.split(r"(?=[=~])", answers)
    if pieces[0].strip():
        raise _Unsupported(
            f"the answer text {_restore(pieces[0].strip())[:30]!r} comes before the first = or ~: "
            "start every answer with = (right) or ~ (wrong)"
        )
    options: list[dict[str, Any]] = []
    equals = weighted = 0
    for index, piece in enumerate(pieces[1:]):
        marker, body = piece[0], piece[1:]
        weight = _WEIGHT.match(body)
        if weight:
            body = body[weight.end() :]
            weighted += 1
            correct = float(weight.group(1)) > 0
        else:
            correct = marker == "="
        equals += marker == "="
        answer_text, feedback = _split_hash(body)
        option: dict[str, Any] = {"id": _option_id(index), "text": _markdown(answer_text, default_format)}
        if not option["text"]:
            raise _Unsupported(f"answer {index + 1} of this multiple-choice question has no text")
        if correct:
            option["correct"] = True
        feedback = _markdown(feedback, default_format)
        if feedback:
            option["feedback"] = feedback
        options.append(option)
    if len(options) < 2:
        raise _Unsupported(
            f"this multiple-choice question has only {len(options)} answer: PeerPath questions need "
            "at least two options"
        )
    if not any(option.get("correct") for option in options):
        raise _Unsupported(
            "this multiple-choice question has no right answer: "
            "mark one with = or give it a positive %weight%"
        )
    return ("multiple" if weighted or equals > 1 else "single"), options


# Text: escapes, formats, ids


def _protect(match: re.Match[str]) -> str:
    char = match.group(1)
    if char == "n":
        return _NEWLINE
    return _ESCAPES.get(char, match.group(0))


def _restore(text: str) -> str:
    return "".join(_RESTORE.get(char, char) for char in text)


def _split_hash(text: str) -> tuple[str, str]:
    """An answer's text and its ``#feedback`` (empty when there is none)."""
    parts = _HASH.split(text, maxsplit=1)
    return parts[0], parts[1] if len(parts) > 1 else ""


def _markdown(text: str, default_format: str) -> str:
    """GIFT text (with its own ``[format]`` marker or the question's) as tidy Markdown."""
    marker = _FORMAT.match(text)
    text_format = marker.group(1).lower() if marker else default_format
    if marker:
        text = text[marker.end() :]
    lines = [line.rstrip() for line in text.split("\n")]
    text = textwrap.dedent("\n".join(lines)).strip()
    if text_format == "html":
        text = _html_to_markdown(text)  # before escapes are restored: a GIFT \n still breaks the line
    return _restore(text).strip()


def _html_to_markdown(text: str) -> str:
    """Bold and italic tags as Markdown, line and paragraph breaks kept, other tags dropped,
    entities decoded."""
    text = re.sub(r"\s*\n\s*", " ", text)  # in HTML a line break in the source is just a space
    text = re.sub(r"<\s*/?\s*(?:b|strong)\b[^>]*>", "**", text, flags=re.IGNORECASE)
    text = re.sub(r"<\s*/?\s*(?:i|em)\b[^>]*>", "*", text, flags=re.IGNORECASE)
    text = re.sub(r"<\s*br\b[^>]*>", "\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<\s*/\s*(?:p|div|h[1-6]|li)\s*>", "\n\n", text, flags=re.IGNORECASE)
    text = re.sub(r"<[^>]*>", "", text)
    text = html.unescape(text).replace("\xa0", " ")
    text = "\n".join(line.strip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _option_id(index: int) -> str:
    """a, b, ... z, then aa, ab, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")


def _unique(base: str, used: set[str]) -> str:
    candidate, suffix = base, 2
    while candidate in used:
        candidate, suffix = f"{base}-{suffix}", suffix + 1
    used.add(candidate)
    return candidate


def _plain(value: Any) -> Any:
    """A fresh copy of nested dicts and lists, so a shared object never becomes a YAML alias."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value

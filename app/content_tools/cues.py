"""Surface cues in assessments: could a test-wise trainee who never read the course pass?

A trainee who always picks the longest (or shortest) answer learns nothing about mentoring,
so an assessment whose key follows length certifies nothing. These pure functions measure
that cue for every quiz and role-play, for ``content check`` to warn on and to print.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..course.errors import ContentProblem
from ..course.model import Course, Quiz, Scenario
from ..learning.scenario_engine import run_score

# A key that is the longest (or the shortest) option in more than this share of a quiz's
# single-answer questions gives itself away: with three or four options, chance is 25-33%.
MAX_KEY_LENGTH_SHARE = 0.40

_TAG = re.compile(r"<[^>]+>")


def plain_length(inline_html: str) -> int:
    """Characters a trainee reads: the rendered text without markup."""
    return len(html.unescape(_TAG.sub("", inline_html)).strip())


@dataclass(frozen=True)
class QuizCues:
    quiz: Quiz
    single_items: int  # single-answer questions with one key among three or more options
    key_longest: int  # ... whose key is strictly the longest option
    key_shortest: int  # ... whose key is strictly the shortest option
    longest_strategy: float  # percent of those items "always pick the longest" gets right
    first_longest_line: int = 1  # where an author can see an example of each cue
    first_shortest_line: int = 1

    @property
    def longest_share(self) -> float:
        return self.key_longest / self.single_items if self.single_items else 0.0

    @property
    def shortest_share(self) -> float:
        return self.key_shortest / self.single_items if self.single_items else 0.0


def quiz_cues(quiz: Quiz) -> QuizCues:
    items = key_longest = key_shortest = 0
    expected_right = 0.0
    longest_lines, shortest_lines = [], []
    for question in quiz.questions:
        if question.type != "single" or len(question.options) < 3:
            continue
        items += 1
        lengths = {option.id: plain_length(option.text_html) for option in question.options}
        (key,) = question.correct_ids
        longest = max(lengths.values())
        others = [length for option_id, length in lengths.items() if option_id != key]
        if lengths[key] > max(others):
            key_longest += 1
            longest_lines.append(question.line)
        if lengths[key] < min(others):
            key_shortest += 1
            shortest_lines.append(question.line)
        tied_longest = [option_id for option_id, length in lengths.items() if length == longest]
        expected_right += (key in tied_longest) / len(tied_longest)
    return QuizCues(
        quiz,
        items,
        key_longest,
        key_shortest,
        100 * expected_right / items if items else 0.0,
        min(longest_lines, default=1),
        min(shortest_lines, default=1),
    )


@dataclass(frozen=True)
class StrategyRun:
    """Where always taking one kind of answer leads in a role-play, scored as the app scores it."""

    score: int
    ending: str
    outcome: str | None
    ending_line: int
    critical: bool = False  # took a critical choice, so the run fails whatever its score

    def passes(self, scenario: Scenario) -> bool:
        return not self.critical and self.score >= scenario.pass_score


@dataclass(frozen=True)
class RoleplayCues:
    scenario: Scenario
    decisions: int  # nodes with choices
    best_longest: int  # ... where a top-scoring choice is strictly the longest
    longest: StrategyRun
    shortest: StrategyRun
    choices: int
    coded_choices: int


def roleplay_cues(scenario: Scenario) -> RoleplayCues:
    decisions = best_longest = choices = coded = 0
    for node in scenario.nodes.values():
        if node.ending:
            continue
        decisions += 1
        choices += len(node.choices)
        coded += sum(1 for choice in node.choices if choice.codes)
        lengths = [plain_length(choice.text_html) for choice in node.choices]
        top = max(choice.points for choice in node.choices)
        longest = max(lengths)
        if lengths.count(longest) == 1 and node.choices[lengths.index(longest)].points == top:
            best_longest += 1
    return RoleplayCues(
        scenario,
        decisions,
        best_longest,
        play_by_length(scenario, max),
        play_by_length(scenario, min),
        choices,
        coded,
    )


def play_by_length(scenario: Scenario, pick: Callable[[Iterable[int]], int]) -> StrategyRun:
    """Play from the start always taking the longest (``max``) or shortest (``min``) choice.

    Among choices of equal length it takes the one worth most points, so the figure is the
    best such a strategy can hope for. A loop back to a visited node ends the walk there.
    """
    node, points, seen, critical = scenario.nodes[scenario.start], 0, set(), False
    while not node.ending and node.id not in seen:
        seen.add(node.id)
        target = pick(plain_length(choice.text_html) for choice in node.choices)
        tied = [choice for choice in node.choices if plain_length(choice.text_html) == target]
        choice = max(tied, key=lambda c: (not c.critical, c.points))
        points += choice.points
        critical = critical or choice.critical
        node = scenario.nodes[choice.to]
    return StrategyRun(run_score(scenario, points), node.id, node.outcome, node.line, critical)


def cue_problems(course: Course) -> list[ContentProblem]:
    """Warnings for every quiz whose key follows length and every role-play a length strategy passes."""
    problems = []
    for cues in map(quiz_cues, course.quizzes):
        for share, count, line, word in (
            (cues.longest_share, cues.key_longest, cues.first_longest_line, "longest"),
            (cues.shortest_share, cues.key_shortest, cues.first_shortest_line, "shortest"),
        ):
            if share > MAX_KEY_LENGTH_SHARE:
                problems.append(
                    ContentProblem(
                        cues.quiz.path,
                        line,
                        f"the key is the {word} option in {count} of {cues.single_items} single-answer "
                        f"questions ({share:.0%}; at most {MAX_KEY_LENGTH_SHARE:.0%}), this one first: a "
                        f"trainee who always picks the {word} answer is rewarded. Make the options as "
                        "long as each other",
                        "warning",
                    )
                )
    for cues in map(roleplay_cues, course.scenarios):
        scenario = cues.scenario
        for run, word in ((cues.longest, "longest"), (cues.shortest, "shortest")):
            if run.passes(scenario):
                problems.append(
                    ContentProblem(
                        scenario.path,
                        run.ending_line,
                        f"always choosing the {word} reply reaches ending '{run.ending}' with {run.score}%, "
                        f"the pass score of {scenario.pass_score}% or more: make weak replies as long, "
                        "warm and fluent as strong ones",
                        "warning",
                    )
                )
    return problems


def cue_report(course: Course) -> str:
    """The figures behind the warnings, as two plain-text tables."""
    lines = [
        "Quizzes: how often the key of a single-answer question is the longest or the shortest option",
        f"{'quiz':28} {'pool':>4} {'draw':>4} {'items':>5} {'longest':>8} {'shortest':>8} {'always longest':>14}",
    ]
    for cues in map(quiz_cues, course.quizzes):
        quiz = cues.quiz
        lines.append(
            f"{quiz.id:28} {len(quiz.questions):>4} {quiz.questions_per_attempt:>4} {cues.single_items:>5} "
            f"{cues.longest_share:>8.0%} {cues.shortest_share:>8.0%} {cues.longest_strategy:>13.0f}%"
        )
    lines += [
        "",
        "Role-plays: the score of always taking the longest or the shortest reply, and MITI coding",
        f"{'role-play':28} {'pass':>4} {'longest':>8} {'shortest':>8} {'best=longest':>12} {'coded':>9}",
    ]
    for cues in map(roleplay_cues, course.scenarios):
        scenario = cues.scenario
        lines.append(
            f"{scenario.id:28} {scenario.pass_score:>4} {_strategy(cues.longest):>8} "
            f"{_strategy(cues.shortest):>8} {cues.best_longest:>5} of {cues.decisions:<3} "
            f"{cues.coded_choices:>4}/{cues.choices:<4}"
        )
    lines.append("(* the strategy takes a critical choice, so its run fails whatever it scores)")
    return "\n".join(lines)


def _strategy(run: StrategyRun) -> str:
    return f"{run.score}%{'*' if run.critical else ''}"

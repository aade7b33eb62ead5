"""Role-play runs: a run's score, and a MITI-style summary of the choices it took. Pure
functions over the course objects; the graph algorithms live with the course (course/graph.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..course.graph import percent_of_best
from ..course.model import Scenario


def run_score(scenario: Scenario, points: int) -> int:
    """A run's score as a percentage of the best reachable, rounded down and capped at 100."""
    return percent_of_best(points, scenario.best_score)


# --- MITI-style practice indicators ---------------------------------------------------

REFLECTIONS = ("SR", "CR")
MI_ADHERENT = ("AF", "SEEK", "AUTO")
MI_NON_ADHERENT = ("PERSUADE", "CONFRONT")
RQ_FAIR, RQ_GOOD = 1.0, 2.0  # MITI 4.2.1 reflection-to-question thresholds
COMPLEX_FAIR, COMPLEX_GOOD = 40.0, 50.0  # % complex reflections


@dataclass(frozen=True)
class MitiSummary:
    counts: Mapping[str, int]

    @property
    def reflections(self) -> int:
        return sum(self.counts.get(code, 0) for code in REFLECTIONS)

    @property
    def questions(self) -> int:
        return self.counts.get("Q", 0)

    @property
    def reflection_to_question(self) -> float | None:
        """R:Q as a number (2.0 means 2:1); None when there were no questions."""
        return self.reflections / self.questions if self.questions else None

    @property
    def percent_complex(self) -> float | None:
        return 100 * self.counts.get("CR", 0) / self.reflections if self.reflections else None

    @property
    def mi_adherent(self) -> int:
        return sum(self.counts.get(code, 0) for code in MI_ADHERENT)

    @property
    def mi_non_adherent(self) -> int:
        return sum(self.counts.get(code, 0) for code in MI_NON_ADHERENT)

    @property
    def rq_level(self) -> str:
        if self.questions == 0:
            return "good" if self.reflections else "below"
        return _level(self.reflection_to_question, RQ_FAIR, RQ_GOOD)

    @property
    def complex_level(self) -> str:
        return _level(self.percent_complex, COMPLEX_FAIR, COMPLEX_GOOD) if self.reflections else "below"


def _level(value: float | None, fair: float, good: float) -> str:
    if value is None:
        return "below"
    if value >= good - 1e-9:
        return "good"
    return "fair" if value >= fair - 1e-9 else "below"


def miti_summary(codes_per_choice: Iterable[Sequence[str]]) -> MitiSummary:
    """Count each behaviour code once per choice made (a choice is one speaking turn)."""
    counts: dict[str, int] = {}
    for codes in codes_per_choice:
        for code in set(codes):
            counts[code] = counts.get(code, 0) + 1
    return MitiSummary(counts)

"""Rubrics for practice a person scores (``rubrics:`` in content/program.yaml), and the rule
that typed role-play replies must be reviewed before certification (``reply_review:``)."""

from __future__ import annotations

from dataclasses import dataclass

from .schema import Field, check_mapping, identifier, list_of, text

# Every criterion is scored on the same three-point scale.
SCALE = (0, 1, 2)
SCALE_LABELS = {2: "Strong", 1: "Adequate", 0: "Weak"}
MIN_CRITERIA, MAX_CRITERIA = 3, 6


@dataclass(frozen=True)
class Criterion:
    """One thing a scorer looks for, with what a strong, an adequate and a weak reply looks like."""

    id: str
    title: str
    strong: str
    adequate: str
    weak: str

    def description(self, score: int) -> str:
        return {2: self.strong, 1: self.adequate, 0: self.weak}[score]


@dataclass(frozen=True)
class Rubric:
    id: str
    title: str
    criteria: tuple[Criterion, ...]
    source: str = ""

    @property
    def maximum(self) -> int:
        return max(SCALE) * len(self.criteria)


@dataclass(frozen=True)
class ReplyReview:
    """Every typed reply in the required role-plays scored on ``rubric``, with a mean score per
    criterion of at least ``minimum_mean`` over all of a trainee's replies."""

    rubric_id: str
    minimum_mean: float


CRITERION_FIELDS = {
    "id": Field(identifier),
    "title": Field(text),
    "strong": Field(text),
    "adequate": Field(text),
    "weak": Field(text),
}
RUBRIC_FIELDS = {
    "id": Field(identifier),
    "title": Field(text),
    "source": Field(text, required=False),
    "criteria": Field(list_of(lambda _: None)),
}


def _mean_score(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= max(SCALE):
        return f"must be a number above 0 and at most {max(SCALE)}"
    return None


REPLY_REVIEW_FIELDS = {"rubric": Field(identifier), "minimum_mean": Field(_mean_score)}


def load_rubrics(data, report) -> dict[str, Rubric]:
    """The rubrics under ``rubrics:``, by id; problems are reported at their lines."""
    rubrics: dict[str, Rubric] = {}
    for item in data.get("rubrics") or []:
        if not check_mapping(item, RUBRIC_FIELDS, "a rubric", report):
            continue
        if item["id"] in rubrics:
            report(item.line_of("id"), f"rubric id '{item['id']}' is used twice")
            continue
        criteria = _criteria(item, report)
        if criteria is not None:
            rubrics[item["id"]] = Rubric(
                item["id"], item["title"].strip(), criteria, (item.get("source") or "").strip()
            )
    return rubrics


def _criteria(item, report) -> tuple[Criterion, ...] | None:
    listed = item["criteria"]
    if not MIN_CRITERIA <= len(listed) <= MAX_CRITERIA:
        report(
            item.line_of("criteria"),
            f"a rubric has {MIN_CRITERIA} to {MAX_CRITERIA} criteria; '{item['id']}' has {len(listed)}",
        )
        return None
    criteria: list[Criterion] = []
    for entry in listed:
        if not check_mapping(entry, CRITERION_FIELDS, "a rubric criterion", report):
            return None
        if any(c.id == entry["id"] for c in criteria):
            report(
                entry.line_of("id"), f"criterion id '{entry['id']}' is used twice in rubric '{item['id']}'"
            )
            return None
        criteria.append(Criterion(*(entry[key].strip() for key in CRITERION_FIELDS)))
    return tuple(criteria)


def load_reply_review(data, rubrics: dict[str, Rubric], report) -> ReplyReview | None:
    review = data.get("reply_review")
    if review is None or not check_mapping(review, REPLY_REVIEW_FIELDS, "reply_review", report):
        return None
    if review["rubric"] not in rubrics:
        report(review.line_of("rubric"), _unknown_rubric(review["rubric"], rubrics))
        return None
    return ReplyReview(review["rubric"], float(review["minimum_mean"]))


def _unknown_rubric(rubric_id: str, rubrics: dict[str, Rubric]) -> str:
    known = ", ".join(sorted(rubrics)) or "none are defined under 'rubrics:'"
    return f"rubric '{rubric_id}' does not exist (rubrics: {known})"


def check_pass_total(item, rubrics: dict[str, Rubric], report) -> bool:
    """A requirement scored on a rubric names one that exists and a pass total it can reach."""
    rubric = rubrics.get(item["rubric"])
    if rubric is None:
        report(item.line_of("rubric"), _unknown_rubric(item["rubric"], rubrics))
        return False
    if "pass" not in item:
        report(
            item.line, f"a requirement scored on rubric '{rubric.id}' needs 'pass': the lowest passing total"
        )
        return False
    if not 1 <= item["pass"] <= rubric.maximum:
        report(
            item.line_of("pass"), f"'pass' must be between 1 and {rubric.maximum}, the rubric's highest total"
        )
        return False
    return True

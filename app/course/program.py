"""Read ``content/program.yaml``: what a trainee must do to be certified ready to be matched."""

from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path

from .errors import ContentProblem, display_path
from .identity import load_identity
from .located_yaml import YamlProblem, load_located_yaml
from .model import (
    Duties,
    Module,
    Pacing,
    Program,
    ProgramModule,
    ProgramRequirement,
    ProgramScenario,
    Quiz,
    Retention,
    Scenario,
    TrainingStandard,
)
from .notifications import load_notifications
from .practice import check_pass_total, load_reply_review, load_rubrics
from .procedure import load_procedure
from .schema import (
    Field,
    a_date,
    boolean,
    check_mapping,
    identifier,
    integer,
    list_of,
    one_of,
    text,
    time_zone,
)

# How people get an account: self-registration after proving the email (verify_email), only
# through an invitation or a cohort's invite link (invite_only), or at once (open).
REGISTRATION_MODES = ("verify_email", "invite_only", "open")
PROGRAM_FIELDS = {
    "title": Field(text),
    "modules": Field(list_of(lambda _: None, min_items=1)),
    "scenarios": Field(list_of(lambda _: None), required=False),
    "minimum_minutes": Field(integer(0)),
    "sign_off": Field(boolean),
    "validity_days": Field(integer(1)),
    "renewal": Field(lambda v: None if isinstance(v, dict) else "must be a mapping", required=False),
    "requirements": Field(list_of(lambda _: None), required=False),
    "standards": Field(list_of(lambda _: None), required=False),
    "pacing": Field(lambda v: None if isinstance(v, dict) else "must be a mapping", required=False),
    "duties": Field(lambda v: None if isinstance(v, dict) else "must be a mapping", required=False),
    "retention": Field(lambda v: None if isinstance(v, dict) else "must be a mapping", required=False),
    "timezone": Field(time_zone, required=False),
    "rubrics": Field(list_of(lambda _: None), required=False),
    "reply_review": Field(lambda v: None if isinstance(v, dict) else "must be a mapping", required=False),
    "safeguarding": Field(lambda v: None if isinstance(v, dict) else "must be a mapping", required=False),
    "registration": Field(one_of(REGISTRATION_MODES), required=False),
    "stalled_after_days": Field(integer(1), required=False),
    "notifications": Field(lambda v: None if isinstance(v, dict) else "must be a mapping", required=False),
    "programme": Field(lambda v: None if isinstance(v, dict) else "must be a mapping", required=False),
}
# Who may sign off: never the person who recorded the screening (four eyes), or only a lead.
DUTIES_FIELDS = {
    "sign_off_not_by_screening_recorder": Field(boolean, required=False),
    "sign_off_by_safeguarding_lead_only": Field(boolean, required=False),
}
# How long what outlives an erasure is kept (docs/data-protection.md).
RETENTION_FIELDS = {"safeguarding_marker_years": Field(integer(1, 100), required=False)}
PACING_FIELDS = {
    "reading_words_per_minute": Field(integer(0, 2000), required=False),
    "reading_minimum_seconds": Field(integer(0, 3600), required=False),
    "roleplay_cooldown_minutes": Field(integer(0, 10080), required=False),
    "roleplay_runs_per_day": Field(integer(0, 100), required=False),
}
STANDARD_FIELDS = {"id": Field(identifier), "title": Field(text), "source": Field(text)}
# ``applies_from``: a rule added later binds trainees from that day, and a certificate issued
# before it only from its renewal (no certificate ends the day a rule is added).
APPLIES_FROM = Field(a_date, required=False)
MODULE_FIELDS = {
    "module": Field(identifier),
    "quiz_pass_mark": Field(integer(1, 100), required=False),
    "applies_from": APPLIES_FROM,
}
SCENARIO_FIELDS = {
    "scenario": Field(identifier),
    "pass_score": Field(integer(1, 100), required=False),
    "applies_from": APPLIES_FROM,
}
RENEWAL_FIELDS = {"window_days": Field(integer(0))}


def _hours(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1000:
        return "must be a number of hours above 0"
    return None


REQUIREMENT_FIELDS = {
    "id": Field(identifier),
    "title": Field(text),
    "description": Field(text),
    "hours": Field(_hours, required=False),
    "valid_months": Field(integer(1, 600), required=False),
    "from_sessions": Field(boolean, required=False),
    "applies_from": APPLIES_FROM,
    "kind": Field(one_of(("recorded", "acknowledge")), required=False),
    "rubric": Field(identifier, required=False),
    "pass": Field(integer(1), required=False),
}
# What only a requirement staff record by hours or date can have.
NOT_WITH_RUBRIC = ("hours", "from_sessions")
NOT_WITH_ACKNOWLEDGE = ("hours", "from_sessions", "valid_months", "rubric", "pass")


def _applies_from(item) -> datetime | None:
    day = item.get("applies_from")
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


# The blocks of plain settings, each checked against its fields.
SETTINGS_BLOCKS = (
    ("renewal", RENEWAL_FIELDS),
    ("pacing", PACING_FIELDS),
    ("duties", DUTIES_FIELDS),
    ("retention", RETENTION_FIELDS),
)


def _settings(data, key: str, fields: dict, report) -> dict:
    block = data.get(key) or {}
    if block:
        check_mapping(block, fields, key, report)
    return block


def load_program(
    file: Path, modules: dict[str, Module], quizzes: dict[str, Quiz], scenarios: dict[str, Scenario]
) -> tuple[Program | None, list[ContentProblem]]:
    """The program, checked against the course it refers to."""
    path = display_path(file)
    problems: list[ContentProblem] = []

    def report(line: int, message: str) -> None:
        problems.append(ContentProblem(path, line, message))

    if not file.is_file():
        return default_program(modules, quizzes), []
    try:
        data = load_located_yaml(file.read_text(encoding="utf-8"))
    except YamlProblem as problem:
        return None, [ContentProblem(path, problem.line, problem.message)]
    if not check_mapping(data, PROGRAM_FIELDS, "program", report):
        return None, problems
    required_modules = _required_modules(data, modules, quizzes, report)
    required_scenarios = _required_scenarios(data, scenarios, report)
    renewal, pacing, duties, retention = (
        _settings(data, key, fields, report) for key, fields in SETTINGS_BLOCKS
    )
    rubrics = load_rubrics(data, report)
    reply_review = load_reply_review(data, rubrics, report)
    procedure = load_procedure(data, report)
    identity = load_identity(data, file.parent, report)
    notifications = load_notifications(data, report)
    recorded = _recorded_requirements(data, rubrics, procedure, report)
    standards = _standards(data, report)
    problems += _unknown_standards(modules, standards, path)
    if problems:
        return None, problems
    return (
        Program(
            title=data["title"].strip(),
            modules=tuple(required_modules),
            scenarios=tuple(required_scenarios),
            minimum_minutes=data["minimum_minutes"],
            sign_off=data["sign_off"],
            validity_days=data["validity_days"],
            renewal_window_days=renewal.get("window_days", 0),
            requirements=tuple(recorded),
            standards=tuple(standards),
            pacing=Pacing(**{key: pacing[key] for key in PACING_FIELDS if key in pacing}),
            duties=Duties(**{key: duties[key] for key in DUTIES_FIELDS if key in duties}),
            retention=Retention(**{key: retention[key] for key in RETENTION_FIELDS if key in retention}),
            timezone=data.get("timezone", "UTC"),
            rubrics=tuple(rubrics.values()),
            reply_review=reply_review,
            safeguarding=procedure,
            registration=data.get("registration", "verify_email"),
            stalled_after_days=data.get("stalled_after_days", 14),
            identity=identity,
            notifications=notifications,
        ),
        [],
    )


def _required_modules(
    data, modules: dict[str, Module], quizzes: dict[str, Quiz], report
) -> list[ProgramModule]:
    required = []
    for item in data["modules"]:
        if not check_mapping(item, MODULE_FIELDS, "a required module", report):
            continue
        module_id = item["module"]
        if module_id not in modules:
            report(item.line_of("module"), f"module '{module_id}' does not exist")
            continue
        quiz = next((q for q in quizzes.values() if q.module_id == module_id), None)
        if quiz is None and modules[module_id].kind == "local":
            if "quiz_pass_mark" in item:
                report(
                    item.line_of("quiz_pass_mark"), f"module '{module_id}' has no quiz to set a pass mark for"
                )
                continue
            required.append(ProgramModule(module_id, None, 0, _applies_from(item)))
            continue
        if quiz is None:
            report(
                item.line_of("module"),
                f"module '{module_id}' has no quiz to pass (only a 'kind: local' module may go without one)",
            )
            continue
        required.append(
            ProgramModule(
                module_id, quiz.id, max(quiz.pass_mark, item.get("quiz_pass_mark", 0)), _applies_from(item)
            )
        )
    return required


def _required_scenarios(data, scenarios: dict[str, Scenario], report) -> list[ProgramScenario]:
    required = []
    for item in data.get("scenarios") or []:
        if not check_mapping(item, SCENARIO_FIELDS, "a required scenario", report):
            continue
        scenario = scenarios.get(item["scenario"])
        if scenario is None:
            report(item.line_of("scenario"), f"scenario '{item['scenario']}' does not exist")
            continue
        required.append(
            ProgramScenario(
                scenario.id, max(scenario.pass_score, item.get("pass_score", 0)), _applies_from(item)
            )
        )
    return required


def _recorded_requirements(data, rubrics, procedure, report) -> list[ProgramRequirement]:
    recorded: list[ProgramRequirement] = []
    for item in data.get("requirements") or []:
        if not check_mapping(item, REQUIREMENT_FIELDS, "a recorded requirement", report):
            continue
        if any(r.id == item["id"] for r in recorded):
            report(item.line_of("id"), f"requirement id '{item['id']}' is used twice")
            continue
        if item.get("from_sessions") and "hours" not in item:
            report(
                item.line_of("from_sessions"), "'from_sessions' needs 'hours': session time counts in hours"
            )
            continue
        if not _kind_fits(item, rubrics, procedure, report):
            continue
        recorded.append(
            ProgramRequirement(
                id=item["id"],
                title=item["title"].strip(),
                description=item["description"].strip(),
                hours=float(item["hours"]) if "hours" in item else None,
                valid_months=item.get("valid_months"),
                from_sessions=bool(item.get("from_sessions")),
                applies_from=_applies_from(item),
                kind=item.get("kind", "recorded"),
                rubric=item.get("rubric"),
                pass_total=item.get("pass"),
            )
        )
    return recorded


def _kind_fits(item, rubrics, procedure, report) -> bool:
    """An acknowledgement needs a procedure to acknowledge; a scored requirement, its rubric."""
    if item.get("kind") == "acknowledge":
        clashing = [key for key in NOT_WITH_ACKNOWLEDGE if key in item]
        if clashing:
            report(item.line_of(clashing[0]), f"an 'acknowledge' requirement cannot have '{clashing[0]}'")
            return False
        if procedure is None:
            report(
                item.line_of("kind"), "an 'acknowledge' requirement needs the procedure under 'safeguarding:'"
            )
            return False
        return True
    if "pass" in item and "rubric" not in item:
        report(item.line_of("pass"), "'pass' needs 'rubric': the total is of a rubric's scores")
        return False
    if "rubric" not in item:
        return True
    clashing = [key for key in NOT_WITH_RUBRIC if key in item]
    if clashing:
        report(item.line_of(clashing[0]), f"a requirement scored on a rubric cannot have '{clashing[0]}'")
        return False
    return check_pass_total(item, rubrics, report)


def _standards(data, report) -> list[TrainingStandard]:
    standards: list[TrainingStandard] = []
    for item in data.get("standards") or []:
        if not check_mapping(item, STANDARD_FIELDS, "a training standard", report):
            continue
        if any(t.id == item["id"] for t in standards):
            report(item.line_of("id"), f"standard id '{item['id']}' is used twice")
            continue
        standards.append(TrainingStandard(item["id"], item["title"].strip(), item["source"].strip()))
    return standards


def _unknown_standards(
    modules: dict[str, Module], standards: list[TrainingStandard], path: str
) -> list[ContentProblem]:
    """Standards a module claims that the program does not list, or may not claim, reported at
    the module."""
    known = {t.id for t in standards}
    return _program_rules_claims(modules) + [
        ContentProblem(
            module.path,
            module.standards_line,
            f"standard '{standard_id}' is not among the standards in {path}"
            + (f" ({', '.join(sorted(known))})" if known else ""),
        )
        for module in modules.values()
        for standard_id in module.standards
        if standard_id not in known
    ]


# MENTOR's "programme requirements and rules": only the programme itself can teach its rules.
PROGRAM_RULES = "program-rules"


def _program_rules_claims(modules: dict[str, Module]) -> list[ContentProblem]:
    """A module of the shared course claiming the programme's own rules, reported at its claim:
    generic text that says "check your programme's rules" does not teach them."""
    return [
        ContentProblem(
            module.path,
            module.standards_line,
            f"{PROGRAM_RULES} is met only by a `kind: local` module your programme writes "
            '(see docs/authoring.md, "Your programme\'s own module")',
        )
        for module in modules.values()
        if PROGRAM_RULES in module.standards and module.kind != "local"
    ]


def default_program(modules: dict[str, Module], quizzes: dict[str, Quiz]) -> Program:
    """Without a program file: every module read and its quiz passed, then a coordinator signs off."""
    by_module = {q.module_id: q for q in quizzes.values()}
    return Program(
        title="PeerPath peer mentor certificate",
        modules=tuple(
            ProgramModule(m.id, by_module[m.id].id, by_module[m.id].pass_mark)
            for m in sorted(modules.values(), key=lambda m: m.order)
            if m.id in by_module
        ),
        scenarios=(),
        minimum_minutes=0,
        sign_off=True,
        validity_days=365,
        renewal_window_days=0,
    )

"""The trainee import's rules without a database: reading the file, checking every row, and how a
certification from before PeerPath counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from app.certification.status import Event, Records, RequirementRecord, Status, standing
from app.course import load_course
from app.people.imports import Existing, Options, Problem, check, read_table

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES

COURSE = load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)
PROGRAM = COURSE.program
TODAY = date(2026, 12, 7)
VERSIONS = {m.id: m.version for m in COURSE.modules}
SCREENING = [r for r in PROGRAM.requirements if r.kind != "acknowledge" and r.rubric is None]
ASSESSED = [r for r in PROGRAM.requirements if r.kind == "acknowledge" or r.rubric]
HEADER = "name,email,cohort,external_id," + ",".join(r.id for r in SCREENING) + ",certified_on,certified_by"


def row(name="Ana Silva", email="ana@example.org", cohort="", external="", day="2026-03-01", on="", by=""):
    return ",".join([name, email, cohort, external, *(day for _ in SCREENING), on, by])


def checked(*rows: str, header: str = HEADER, existing: Existing | None = None, options=None):
    table = read_table(("\n".join([header, *rows]) + "\n").encode())
    assert not isinstance(table, Problem), table
    return check(
        table, PROGRAM, existing or Existing(cohorts={"spring": "Spring"}), TODAY, options or Options()
    )


def messages(plan) -> list[str]:
    return [str(problem) for problem in plan.problems]


def test_a_clean_file_plans_each_person_with_their_history():
    plan = checked(row(), row("Ben Okafor", "BEN@example.org", cohort="spring", external="m-2"))
    assert plan.clean and plan.new == 2
    ana, ben = plan.people
    assert ben.email == "ben@example.org" and ben.cohort == "Spring" and ben.external_id == "m-2"
    assert {r[0] for r in ana.records} == {r.id for r in SCREENING}
    hours = next(r for r in SCREENING if r.hours)
    assert dict((r[0], r[2]) for r in ana.records)[hours.id] == hours.hours  # a date alone: all the hours


def test_excel_bom_quoting_and_blank_rows_are_read_with_spreadsheet_line_numbers():
    text = (
        "\ufeff"
        + HEADER
        + '\r\n"Silva, Ana",ana@example.org'
        + "," * (len(HEADER.split(",")) - 2)
        + "\r\n,,\r\n"
    )
    text += "Bad Row,not-an-email" + "," * (len(HEADER.split(",")) - 2) + "\r\n"
    table = read_table(text.encode())
    plan = check(table, PROGRAM, Existing(), TODAY, Options())
    assert [p.name for p in plan.people] == ["Silva, Ana"]
    assert [p.line for p in plan.problems] == [4] and plan.problems[0].column == "email"


def test_every_bad_row_is_reported_by_line_and_column():
    bad_date = row("C", "c@example.org", day="2026-02-30")
    future = row("D", "d@example.org", day="2027-01-01")
    plan = checked(row(), row("Ana Again", "ANA@example.org"), bad_date, future, row("", "e@example.org"))
    found = messages(plan)
    assert "line 3, column email: ANA@example.org is on line 2 already" in found
    assert any(m.startswith("line 4, column interview: “2026-02-30” is not a date") for m in found)
    assert any(m.startswith("line 5, column interview: 2027-01-01 is in the future") for m in found)
    assert "line 6, column name: a name is needed" in found
    assert not plan.clean and 2 not in {p.line for p in plan.problems}


def test_unknown_and_assessed_columns_are_refused_in_the_header():
    header = HEADER.replace("external_id", "extrenal_id") + "," + ",".join(r.id for r in ASSESSED)
    plan = checked(header=header)
    found = messages(plan)
    assert "line 1, column extrenal_id: unknown column (did you mean 'external_id'?)" in found
    for required in ASSESSED:
        assert any(m.startswith(f"line 1, column {required.id}: “{required.title}” is") for m in found)
        assert any("never imported" in m for m in found)


def test_taken_emails_and_external_ids_need_update_and_staff_are_never_changed():
    existing = Existing(
        emails={"ana@example.org": (7, None, "trainee"), "cora@example.org": (8, None, "coordinator")},
        external_ids={"m-9": 9},
    )
    plan = checked(row(external="m-9"), row("Cora", "cora@example.org"), existing=existing)
    found = messages(plan)
    assert any(
        m.startswith("line 2, column email: an account with ana@example.org exists already") for m in found
    )
    assert "line 2, column external_id: m-9 is already another person's external id" in found
    assert (
        "line 3, column email: cora@example.org belongs to a staff account, which an import never changes"
        in found
    )
    updated = checked(row(), existing=existing, options=Options(update=True))
    assert updated.clean and updated.people[0].user_id == 7 and len(updated.updated) == 1


def test_unknown_cohorts_are_refused_unless_created():
    assert any(
        "there is no cohort “Sprnig” (did you mean “Spring”?)" in m
        for m in messages(checked(row(cohort="Sprnig")))
    )
    plan = checked(
        row(cohort="Autumn"), row("B", "b@example.org", cohort="autumn"), options=Options(create_cohorts=True)
    )
    assert plan.clean and plan.new_cohorts == ("Autumn",) and {p.cohort for p in plan.people} == {"Autumn"}


def test_a_prior_certification_needs_its_certifier_and_the_screening_in_force_that_day():
    lapsing = next(r for r in SCREENING if r.valid_months)
    plan = checked(
        row(on="2026-06-01"),
        row("B", "b@example.org", on="2026-02-01", by="Sam Lee, coordinator"),
        row("C", "c@example.org", day="2020-01-01", on="2026-06-01", by="Sam Lee"),
    )
    found = messages(plan)
    assert (
        "line 2, column certified_by: say who certified them (name and role) when certified_on is given"
        in found
    )
    assert any(
        m.startswith("line 3, column certified_on: a certification on 2026-02-01 needs")
        and "after the certification" in m
        for m in found
    )
    assert any(
        m.startswith(f"line 4, column certified_on: a certification on 2026-06-01 needs “{lapsing.id}”")
        and "lapsed" in m
        for m in found
    )
    assert checked(row(on="2026-06-01", by="Sam Lee")).prior_certifications == 1


# --- a prior certification in the rules ---------------------------------------------------------

SIGNED = datetime(2026, 6, 1, tzinfo=UTC)


def prior_records(*more: RequirementRecord) -> Records:
    screening = tuple(RequirementRecord(r.id, SIGNED - timedelta(days=30), r.hours) for r in SCREENING)
    return Records(
        events=(Event("sign_off", SIGNED, VERSIONS, "cert-1", prior=True),),
        requirement_records=screening + more,
    )


def test_an_imported_certification_is_valid_with_what_peerpath_assesses_due_at_renewal():
    result = standing(PROGRAM, COURSE, prior_records(), SIGNED + timedelta(days=10))
    assert result.valid and result.status == Status.RENEWAL_DUE
    assert result.certified_at == SIGNED and result.certificate_id == "cert-1"
    assert set(result.renewal_requirements) == {r.title for r in ASSESSED}


def test_an_ordinary_sign_off_without_them_is_not_valid():
    records = prior_records()
    records = Records(
        events=(records.events[0]._replace(prior=False),), requirement_records=records.requirement_records
    )
    assert not standing(PROGRAM, COURSE, records, SIGNED + timedelta(days=10)).valid


def test_a_prior_certification_still_needs_its_screening_in_force():
    records = prior_records()
    missing = Records(events=records.events, requirement_records=records.requirement_records[1:])
    assert standing(PROGRAM, COURSE, missing, SIGNED + timedelta(days=10)).status == Status.EXPIRED


def test_a_prior_certification_stands_where_the_programme_asks_no_sign_off():
    program = replace(PROGRAM, sign_off=False)
    result = standing(program, COURSE, prior_records(), SIGNED + timedelta(days=10))
    assert result.valid and result.certified_at == SIGNED

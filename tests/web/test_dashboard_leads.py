"""The dashboard leads with the trainee's next step, and passes point forward (issue 25, items 1 and 4)."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import RequirementRecord, SectionView, User, utcnow

from ..helpers import complete_course, post, practice_fields
from ..html import elements


def _course(app):
    return app.extensions["course"]


def _card(page: str):
    return elements(page, "section", class_="next-action")[0]


def _button(page: str):
    found = elements(page, "a", data_next_action="")
    return found[0] if found else None


def _tag(row) -> str:
    return row["data-state"]


def test_a_new_trainee_is_told_to_start_the_first_section_before_anything_else(app, client, trainee):
    page = client.get("/").text
    first = _course(app).modules[0]
    button = _button(page)
    assert " ".join(button.text.split()) == f"Start: {first.title} \u2014 {first.sections[0].title}"
    assert button["href"] == f"/modules/{first.id}/{first.sections[0].id}"
    assert page.index("next-action") < page.index("data-certification-status")
    main = page[page.index("<main") :]
    assert main.index('class="button"') < main.index("<details")
    assert "open" in elements(page, "details", class_="task-details")[0]


def test_mid_module_continues_and_an_unopened_module_is_the_next_module(app, client, trainee):
    first, second = _course(app).modules[:2]
    client.get(f"/modules/{first.id}/{first.sections[0].id}")
    button = _button(client.get("/").text)
    assert (
        button.text.strip() == f"Continue where you left off: {first.title} \u2014 {first.sections[1].title}"
    )
    for section in first.sections:
        client.get(f"/modules/{first.id}/{section.id}")
    page = client.get("/").text
    assert _button(page).text.strip() == f"Take the {first.title} quiz"
    assert "open" not in elements(page, "details", class_="task-details")[0]


def test_the_task_list_is_grouped_by_module_with_tags_and_a_summary(app, client, trainee):
    course = _course(app)
    page = client.get("/").text
    groups = elements(page, "ul", class_="task-list")
    assert [g["data-task-group"] for g in groups[: len(course.modules)]] == [m.id for m in course.modules]
    assert groups[-1]["data-task-group"] == "course"
    titles = [h.text.strip() for h in elements(page, "h3", class_="task-group-title")]
    assert titles[-1] == "What your coordinator records" and titles[0] == course.modules[0].title
    rows = [li for li in elements(page, "li") if "data-requirement" in li]
    assert [li["data-requirement"].split(":")[0] for li in rows[:3]] == ["sections", "quiz", "scenario"]
    assert all(li["data-state"] == "not_started" and "Not started" in li.text for li in rows[:3])
    recorded = elements(page, "li", data_requirement="recorded:interview")[0]
    assert "Your coordinator records this" in recorded.text
    sign_off = elements(page, "li", data_requirement="sign_off")[0]
    assert "Cannot start yet" in sign_off.text
    summary = " ".join(elements(page, "p", class_="task-summary")[0].text.split())
    # The safeguarding acknowledgement is the trainee's own step, not the coordinator's.
    recorded_count = len([r for r in course.program.requirements if r.kind != "acknowledge"])
    modules, role_plays = len(course.modules), len(course.program.scenarios)
    assert summary == (
        f"0 of {modules} modules · 0 of {role_plays} role-plays · 0 of {recorded_count} steps your coordinator records"
    )


def test_a_section_read_puts_its_row_in_progress(app, client, trainee):
    module = _course(app).modules[0]
    client.get(f"/modules/{module.id}/{module.sections[0].id}")
    row = elements(client.get("/").text, "li", data_requirement=f"sections:{module.id}")[0]
    assert row["data-state"] == "in_progress" and "In progress" in row.text


def test_module_cards_say_how_many_role_plays_the_certificate_needs(app, client, trainee):
    page = client.get("/").text
    course = _course(app)
    needed = {s.scenario_id for s in course.program.scenarios}
    for module in course.modules:
        mine = [s for s in course.scenarios_for_module[module.id] if s.id in needed]
        line = elements(page, "p", data_module=module.id)
        if not course.scenarios_for_module[module.id]:
            continue
        assert line[0]["data-scenarios-needed"] == str(len(mine))
        expected = "for your certificate: not passed yet" if len(mine) == 1 else f"0 of {len(mine)} passed"
        assert expected in " ".join(line[0].text.split())
    assert "Role-plays: 0 of" not in page


def test_staff_steps_after_the_course_then_review_then_the_certificate(app, client, trainee):
    complete_course(app, trainee, recorded=False)
    page = client.get("/").text
    card = _card(page)
    assert card["data-next-step"] == "acknowledge" and _button(page)["href"] == "/safeguarding"
    post(client, "/safeguarding", "/safeguarding")  # "I have read this procedure"
    page = client.get("/").text
    card = _card(page)
    assert card["data-next-step"] == "coordinator" and _button(page) is None
    assert "Your coordinator records the rest: Screening interview" in card.text
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == trainee))
        program = _course(app).program
        for required in program.requirements:
            if required.kind == "acknowledge":
                continue
            db.session.add(
                RequirementRecord(
                    user_id=user.id,
                    requirement_id=required.id,
                    completed_on=utcnow() - timedelta(days=3),
                    hours=required.hours,
                    recorded_at=utcnow(),
                    **practice_fields(program, required),
                )
            )
        db.session.commit()
    assert _card(client.get("/").text)["data-next-step"] == "awaiting_review"


def test_a_certified_trainee_is_shown_the_certificate_and_no_double_colon(app, client, trainee, coordinator):
    user_id = complete_course(app, trainee)
    mentor = f"/coordinator/mentors/{user_id}"
    post(coordinator, mentor, f"{mentor}/sign-off")
    page = client.get("/").text
    button = _button(page)
    assert button.text.strip() == "Your certificate is ready" and button["href"] == "/certificate"
    heading = elements(page, "h2", id="certification-title")[0].text.strip()
    assert heading == "Your certificate" and "Your certificate: Certified" not in page


def test_a_revoked_trainee_reads_what_revoked_means_and_no_count(app, client, trainee, coordinator):
    user_id = complete_course(app, trainee)
    mentor = f"/coordinator/mentors/{user_id}"
    post(coordinator, mentor, f"{mentor}/sign-off")
    post(coordinator, mentor, f"{mentor}/revoke", reason="Conduct")
    page = client.get("/").text
    assert elements(page, "section", class_="certification")[0]["data-certification-status"] == "revoked"
    assert _card(page)["data-next-step"] == "revoked"
    assert "talk to your coordinator" in _card(page).text
    status = elements(page, "section", class_="certification")[0]
    assert "cannot be matched" in status.text and "does not count towards a certificate" in status.text
    assert not elements(page, "p", class_="task-summary") and " of 7 modules" not in page


def test_a_completed_module_overview_offers_the_next_module(app, client, trainee):
    course = _course(app)
    first, second = course.modules[:2]
    complete_course(app, trainee, recorded=False)
    with app.app_context():  # the second module not read: the first is complete, the next is not
        user = db.session.scalar(select(User).where(User.email == trainee))
        db.session.query(SectionView).filter_by(user_id=user.id, module_id=second.id).delete()
        db.session.commit()
    page = client.get(f"/modules/{first.id}").text
    button = elements(page, "a", data_next_step_button="")[0]
    assert " ".join(button.text.split()) == f"Next module: {second.title} \u2014 {second.sections[0].title}"
    assert button["href"] == f"/modules/{second.id}/{second.sections[0].id}"


def test_the_module_overview_marks_the_role_play_the_certificate_needs(app, client, trainee):
    course = _course(app)
    needed = {s.scenario_id for s in course.program.scenarios}
    module = next(m for m in course.modules if len(course.scenarios_for_module[m.id]) > 1)
    page = client.get(f"/modules/{module.id}").text
    for scenario in course.scenarios_for_module[module.id]:
        item = elements(page, "li", data_scenario=scenario.id)[0]
        assert ("Needed for your certificate" in item.text) == (scenario.id in needed)
    assert [a for a in elements(page, "a") if a.get("href", "").startswith("https://")]  # sources link out

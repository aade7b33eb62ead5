"""Certification end to end: the trainee's checklist, coordinator decisions, verification,
the list with its filters and CSV, cohorts, and the matching API."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from sqlalchemy import event, select
from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import (
    CertificationEvent,
    Role,
    SectionView,
    User,
    utcnow,
)

from ..conftest import PASSWORD, Auth
from ..helpers import complete_course, post, status_on_dashboard
from ..html import csrf_token, elements, text_of


def test_a_new_trainee_sees_the_checklist_with_links_to_where_each_item_is_done(app, client, trainee):
    page = client.get("/").text
    assert status_on_dashboard(client) == "not_started"
    items = elements(page, "li", data_done="false")
    course = app.extensions["course"]
    program = course.program
    # sections, quiz, role-plays, reviewed replies, time, each recorded requirement, sign-off
    replies = 1 if program.reply_review else 0
    assert len(items) == (
        2 * len(course.modules) + len(program.scenarios) + replies + 1 + len(program.requirements) + 1
    )
    recorded = elements(page, "li", data_requirement="recorded:background-check")
    assert len(recorded) == 1 and "recorded by your coordinator" in recorded[0].text
    assert elements(page, "a", href=f"/modules/{course.modules[0].id}/quiz")
    assert elements(page, "a", href=f"/scenarios/{course.program.scenarios[0].scenario_id}")
    module = course.modules[0]
    client.get(f"/modules/{module.id}/{module.sections[0].id}")
    assert status_on_dashboard(client) == "in_training"


def test_time_on_task_adds_capped_gaps_between_learning_actions(app, client, trainee):
    module = app.extensions["course"].modules[0]
    client.get(f"/modules/{module.id}/{module.sections[0].id}")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == trainee))
        user.last_activity_at = utcnow() - timedelta(minutes=4)
        db.session.commit()
    client.get(f"/modules/{module.id}/{module.sections[1].id}")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == trainee))
        assert 239 <= user.seconds_on_task <= 245
        user.last_activity_at = utcnow() - timedelta(hours=3)  # stepped away: counts as the cap
        db.session.commit()
    client.get(f"/modules/{module.id}/{module.sections[2].id}")
    with app.app_context():
        assert (
            239 + 900
            <= db.session.scalar(select(User.seconds_on_task).where(User.email == trainee))
            <= 245 + 900
        )


def test_re_reading_a_section_writes_nothing_within_a_minute_and_loses_no_time(app, client, trainee):
    module = app.extensions["course"].modules[0]
    first, second = (f"/modules/{module.id}/{s.id}" for s in module.sections[:2])
    client.get(first)

    def activity():
        with app.app_context():
            return db.session.execute(
                select(User.last_activity_at, User.seconds_on_task).where(User.email == trainee)
            ).one()

    def set_last_activity(ago: timedelta):
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == trainee))
            user.last_activity_at = utcnow() - ago
            db.session.commit()

    set_last_activity(timedelta(seconds=30))
    before = activity()
    with app.app_context():
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    assert client.get(first).status_code == 200
    event.remove(engine, "before_cursor_execute", count)
    assert activity() == before, "a re-read within the minute recorded activity"
    assert not [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]

    set_last_activity(timedelta(minutes=3))
    client.get(first)  # a re-read after a while counts the gap, like any learning action
    last, seconds = activity()
    assert 179 <= seconds - before.seconds_on_task <= 185 and utcnow() - last < timedelta(seconds=5)

    set_last_activity(timedelta(seconds=10))
    client.get(second)  # a first read always counts, however soon
    assert activity().seconds_on_task - seconds >= 10


def test_complete_then_sign_off_then_verify_then_revoke_and_reinstate(
    app, client, trainee, coordinator, runner
):
    user_id = complete_course(app, trainee)
    assert status_on_dashboard(client) == "awaiting_review"

    listed = coordinator.get("/coordinator/?status=awaiting_review").text
    assert [r["data-mentor"] for r in elements(listed, "tr") if "data-mentor" in r] == [str(user_id)]

    detail_url = f"/coordinator/mentors/{user_id}"
    signed = post(coordinator, detail_url, f"{detail_url}/sign-off", reason="Interviewed and ready.")
    assert signed.status_code == 302
    assert status_on_dashboard(client) == "certified"

    dashboard = client.get("/").text
    verify_url = next(a["href"] for a in elements(dashboard, "a") if a.get("href", "").startswith("/verify/"))
    assert len(verify_url.removeprefix("/verify/")) >= 20  # unguessable
    anonymous = app.test_client()
    page = anonymous.get(verify_url)
    assert page.status_code == 200
    state = elements(page.text, "div", class_="verification verification-valid")[0]
    assert state["data-certificate-state"] == "valid" and "Tomás Trainee" in state.text
    assert trainee not in page.text  # no email or other personal data
    assert client.get("/certificate").status_code == 200

    token = runner.invoke(args=["api-token", "create", "matching"]).output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    api = json.loads(anonymous.get("/api/v1/mentors?status=certified", headers=headers).text)
    assert [m["id"] for m in api["mentors"]] == [user_id]
    assert api["mentors"][0]["status"] == "certified" and api["mentors"][0]["email"] == trainee
    assert set(api["mentors"][0]["competencies"]) == {m.id for m in app.extensions["course"].modules}

    rows = list(
        csv.DictReader(io.StringIO(coordinator.get("/coordinator/mentors.csv?status=certified").text))
    )
    assert [(r["id"], r["status"], r["email"]) for r in rows] == [(str(user_id), "certified", trainee)]

    confirm = coordinator.get(f"{detail_url}/revoke")
    assert confirm.status_code == 200 and elements(confirm.text, "form", data_revoke_confirm="")
    refused = post(coordinator, detail_url, f"{detail_url}/revoke", reason="  ")
    assert refused.status_code == 422 and "Say why" in refused.text  # asked again, on the same page
    assert status_on_dashboard(client) == "certified"
    post(coordinator, detail_url, f"{detail_url}/revoke", reason="A safeguarding concern was raised.")
    assert status_on_dashboard(client) == "revoked"
    assert elements(anonymous.get(verify_url).text, "div", data_certificate_state="revoked")
    assert (
        json.loads(anonymous.get("/api/v1/mentors?status=certified", headers=headers).text)["mentors"] == []
    )

    post(coordinator, detail_url, f"{detail_url}/reinstate", reason="Concern investigated and closed.")
    assert status_on_dashboard(client) == "certified"
    log = [
        (e["data-event"], " ".join(e.text.split()))
        for e in elements(coordinator.get(detail_url).text, "li")
        if "data-event" in e
    ]
    assert [kind for kind, _ in log] == ["sign_off", "revoke", "reinstate"]
    assert "Cora Coordinator" in log[1][1] and "A safeguarding concern was raised." in log[1][1]
    with app.app_context():
        assert (
            db.session.scalar(select(CertificationEvent.reason).where(CertificationEvent.kind == "revoke"))
            == "A safeguarding concern was raised."
        )
        versions = db.session.scalars(select(CertificationEvent.content_version)).all()
        assert versions == [app.extensions["course"].version] * 3


def test_sign_off_is_refused_until_everything_is_done(app, client, trainee, coordinator):
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == trainee))
    detail_url = f"/coordinator/mentors/{user_id}"
    post(coordinator, detail_url, f"{detail_url}/sign-off")
    assert "cannot be signed off now" in coordinator.get(detail_url).text
    with app.app_context():
        assert db.session.scalars(select(CertificationEvent)).all() == []


def test_the_mentor_page_shows_answers_and_transcripts_but_never_reflections(
    app, client, trainee, coordinator
):
    course = app.extensions["course"]
    module, section, prompt = next(
        (m, s, s.reflect_prompts[0]) for m in course.modules for s in m.sections if s.reflect_prompts
    )
    url = f"/modules/{module.id}/{section.id}"
    page = client.get(url).text
    client.post(
        f"{url}/reflections/{prompt.id}",
        data={
            f"{prompt.id}-text": "My private worry about this.",
            f"{prompt.id}-csrf_token": csrf_token(page),
        },
    )
    with app.app_context():
        user_id = db.session.scalar(select(User.id).where(User.email == trainee))
    detail = coordinator.get(f"/coordinator/mentors/{user_id}").text
    assert "My private worry about this." not in detail
    assert elements(detail, "section", data_certification_status="in_training")


def test_verifying_an_unknown_certificate_is_404(client):
    assert client.get("/verify/not-a-real-certificate-id").status_code == 404


def test_expiry_and_the_renewal_window_come_by_themselves_in_the_list(app, make_user, coordinator):
    ids = {}
    for name, days_ago in (("Due Soon", 310), ("Long Ago", 400), ("Fresh Cert", 10)):
        email = make_user(name=name)
        ids[name] = complete_course(app, email, at=utcnow() - timedelta(days=days_ago + 1))
        with app.app_context():
            course = app.extensions["course"]
            db.session.add(
                CertificationEvent(
                    user_id=ids[name],
                    kind="sign_off",
                    at=utcnow() - timedelta(days=days_ago),
                    module_versions={m.id: m.version for m in course.modules},
                    certificate_id=f"cert-{days_ago}",
                )
            )
            db.session.commit()
    statuses = {
        r["data-mentor"]: r["data-status"]
        for r in elements(coordinator.get("/coordinator/").text, "tr")
        if "data-mentor" in r
    }
    assert statuses == {
        str(ids["Due Soon"]): "renewal_due",
        str(ids["Long Ago"]): "expired",
        str(ids["Fresh Cert"]): "certified",
    }
    only_expired = elements(coordinator.get("/coordinator/?status=expired").text, "tr", data_status="expired")
    assert [r["data-mentor"] for r in only_expired] == [str(ids["Long Ago"])]


def make_trainees(app, count: int, prefix: str = "bulk") -> None:
    hashed = generate_password_hash(PASSWORD)
    with app.app_context():
        db.session.add_all(
            User(
                email=f"{prefix}{i:03}@example.org",
                name=f"{prefix.title()} Person {i:03}",
                role="trainee",
                password_hash=hashed,
            )
            for i in range(count)
        )
        db.session.commit()


def test_search_sort_filter_and_pages(app, make_user, coordinator):
    make_trainees(app, 55)
    stalled_email = make_user(name="Stella Stalled")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == stalled_email))
        user.last_activity_at = utcnow() - timedelta(days=20)
        db.session.add(
            SectionView(
                user_id=user.id,
                module_id="feedback",
                section_id="why-feedback-matters",
                module_version=1,
                viewed_at=user.last_activity_at,
            )
        )
        db.session.commit()
        stalled_id = user.id
    first = coordinator.get("/coordinator/").text
    rows = [r for r in elements(first, "tr") if "data-mentor" in r]
    assert len(rows) == 50 and elements(first, "p", data_total="56")
    second = coordinator.get("/coordinator/?page=2").text
    assert len([r for r in elements(second, "tr") if "data-mentor" in r]) == 6
    found = coordinator.get("/coordinator/?q=stella").text
    assert [r.text.split()[0] for r in elements(found, "tr") if "data-mentor" in r] == ["Stella"]
    by_email = coordinator.get("/coordinator/?q=BULK007@").text
    assert len([r for r in elements(by_email, "tr") if "data-mentor" in r]) == 1
    stalled = coordinator.get("/coordinator/?stalled=y").text
    assert [r["data-mentor"] for r in elements(stalled, "tr") if "data-mentor" in r] == [str(stalled_id)]
    descending = coordinator.get("/coordinator/?sort=name&order=desc").text
    names = [
        r.text.split("\n")[0]
        for r in elements(descending, "a")
        if r.get("href", "").startswith("/coordinator/mentors/")
    ]
    assert names[0].startswith("Stella") and names[1] == "Bulk Person 054"
    bad = coordinator.get("/coordinator/?status=sleeping&page=-3")
    assert bad.status_code == 200 and "Not a valid choice" in bad.text


def listed_names(page: str) -> list[str]:
    return sorted(
        a.text for a in elements(page, "a") if a.get("href", "").startswith("/coordinator/mentors/")
    )


def test_search_finds_renamed_and_accented_names_and_forgets_deleted_accounts(
    app, make_user, coordinator, runner
):
    make_user(name="Zoë O'Brien-Patel", email="zoe@example.org")
    make_user(name="Patrick Lowe", email="plowe@example.org")
    renamed = make_user(name="Old Name", email="renamed@example.org")
    gone = make_user(name="Gone Patel", email="gone@example.org")
    with app.app_context():
        db.session.scalar(select(User).where(User.email == renamed)).name = "Priya Patel"
        db.session.commit()
    assert runner.invoke(args=["delete-user", gone, "--yes"]).exit_code == 0

    def search(q: str) -> list[str]:
        return listed_names(coordinator.get("/coordinator/", query_string={"q": q}).text)

    assert search("patel") == ["Priya Patel", "Zoë O'Brien-Patel"]  # renamed found, deleted gone
    assert search("ZOË") == ["Zoë O'Brien-Patel"]  # case folded beyond ASCII
    assert search("o'brien") == ["Zoë O'Brien-Patel"]
    assert search("old name") == []
    assert search("pa") == ["Patrick Lowe", "Priya Patel", "Zoë O'Brien-Patel"]  # too short to index: scanned
    assert search("plowe@") == ["Patrick Lowe"]
    assert search('"patel" OR x') == [] and search("pat%") == []  # searched as text, not as syntax


def test_a_search_counts_every_match_on_any_page_and_past_the_last_goes_to_it(app, coordinator):
    make_trainees(app, 55)

    def page(number: int) -> tuple[str, int]:
        html = coordinator.get("/coordinator/", query_string={"q": "bulk person", "page": number}).text
        return elements(html, "p", role="status")[0]["data-total"], len(listed_names(html))

    assert page(1) == ("55", 50)
    assert page(2) == ("55", 5)
    past = coordinator.get("/coordinator/", query_string={"q": "bulk person", "page": 9})
    assert past.status_code == 302  # past the last page: sent to the last, filters kept
    assert past.headers["Location"] in (
        "/coordinator/?q=bulk+person&page=2",
        "/coordinator/?page=2&q=bulk+person",
    )


def test_the_list_issues_the_same_number_of_statements_whatever_the_number_of_trainees(app, coordinator):
    def statements_for_list() -> int:
        coordinator.get("/coordinator/")  # refresh stale standings first
        seen = []
        with app.app_context():
            listener = lambda *args: seen.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                assert coordinator.get("/coordinator/?sort=progress&order=desc").status_code == 200
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        return len(seen)

    make_trainees(app, 5, "few")
    few = statements_for_list()
    make_trainees(app, 120, "many")
    assert statements_for_list() == few <= 8


def test_csv_is_spreadsheet_safe(app, make_user, coordinator):
    make_user(name='=HYPERLINK("http://evil.example","click")')
    make_user(name="@SUM(1)")
    text = coordinator.get("/coordinator/mentors.csv").text
    names = [row["name"] for row in csv.DictReader(io.StringIO(text))]
    assert sorted(names) == ['\'=HYPERLINK("http://evil.example","click")', "'@SUM(1)"]


def test_cohorts_invite_links_funnels_and_filter(app, coordinator, make_user):
    created = post(coordinator, "/coordinator/cohorts", "/coordinator/cohorts", name="Spring 2027")
    assert created.status_code == 302
    page = coordinator.get("/coordinator/cohorts").text
    invite = elements(page, "code", class_="invite")[0].text
    assert "invite=" in invite
    duplicate = post(coordinator, "/coordinator/cohorts", "/coordinator/cohorts", name="Spring 2027")
    assert "exists already" in duplicate.text

    newcomer = app.test_client()
    path = invite[invite.index("/auth/register") :]
    form_page = newcomer.get(path).text
    assert "Spring 2027" in text_of(form_page)
    newcomer.post(
        path,
        data={
            "name": "Cohort Member",
            "email": "member@example.org",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "csrf_token": csrf_token(form_page),
        },
    )
    make_user(name="Not In Cohort")
    with app.app_context():
        cohort_id = db.session.scalar(select(User.cohort_id).where(User.email == "member@example.org"))
    assert cohort_id
    listed = coordinator.get(f"/coordinator/?cohort={cohort_id}").text
    assert [r.text.split()[0] for r in elements(listed, "tr") if "data-mentor" in r] == ["Cohort"]
    funnel = elements(coordinator.get("/coordinator/cohorts").text, "td", data_funnel="registered")[0]
    assert funnel.text == "1"


def test_api_needs_a_valid_unrevoked_token(app, client, runner):
    assert client.get("/api/v1/mentors").status_code == 401
    assert client.get("/api/v1/mentors", headers={"Authorization": "Bearer wrong"}).status_code == 401
    created = runner.invoke(args=["api-token", "create", "matcher"])
    token = created.output.strip().splitlines()[-1]
    assert client.get("/api/v1/mentors", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    listing = runner.invoke(args=["api-token", "list"]).output
    assert "matcher" in listing and token not in listing  # only the hash is kept
    token_id = listing.split()[0]
    assert runner.invoke(args=["api-token", "revoke", token_id]).exit_code == 0
    assert client.get("/api/v1/mentors", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_api_filters_pages_and_syncs_incrementally(app, client, runner, make_user, coordinator):
    token = runner.invoke(args=["api-token", "create", "sync"]).output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {token}"}
    for i in range(3):
        make_user(name=f"Api Person {i}")
    coordinator.get("/coordinator/")  # standings computed
    first = json.loads(client.get("/api/v1/mentors?per_page=2", headers=headers).text)
    assert (len(first["mentors"]), first["total"]) == (2, 3) and first["next"]
    second = json.loads(client.get(first["next"], headers=headers).text)
    assert len(second["mentors"]) == 1 and second["next"] is None
    checkpoint = first["generated_at"]
    assert (
        json.loads(client.get(f"/api/v1/mentors?since={checkpoint}", headers=headers).text)["mentors"] == []
    )
    email = make_user(name="Late Joiner")
    complete_course(app, email)
    changed = json.loads(client.get(f"/api/v1/mentors?since={checkpoint}", headers=headers).text)
    assert [m["name"] for m in changed["mentors"]] == ["Late Joiner"] and changed["mentors"][0][
        "status"
    ] == "awaiting_review"
    assert client.get("/api/v1/mentors?status=sleeping", headers=headers).status_code == 400
    assert client.get("/api/v1/mentors?since=yesterday", headers=headers).status_code == 400


COORDINATOR_ROUTES = [
    ("GET", "/coordinator/"),
    ("GET", "/coordinator/mentors.csv"),
    ("GET", "/coordinator/cohorts"),
    ("GET", "/coordinator/mentors/{trainee}"),
    ("POST", "/coordinator/mentors/{trainee}/sign-off"),
    ("POST", "/coordinator/mentors/{trainee}/revoke"),
    ("POST", "/coordinator/mentors/{trainee}/reinstate"),
]
LEARNER_ROUTES = [
    ("GET", "/"),
    ("GET", "/modules/feedback"),
    ("GET", "/modules/feedback/quiz"),
    ("GET", "/scenarios/quiet-first-week"),
]


@pytest.mark.parametrize("role", [None, Role.TRAINEE, Role.COORDINATOR, Role.ADMIN])
@pytest.mark.parametrize(("method", "route"), COORDINATOR_ROUTES + LEARNER_ROUTES)
def test_every_role_against_every_route(app, make_user, role, method, route):
    trainee_id = None
    trainee_email = make_user(name="Target Trainee")
    with app.app_context():
        trainee_id = db.session.scalar(select(User.id).where(User.email == trainee_email))
    client = app.test_client()
    if role is not None:
        Auth(client).login(make_user(role))
    url = route.format(trainee=trainee_id)
    if method == "POST":
        token = csrf_token(client.get("/auth/login" if role is None else "/auth/password").text)
        response = client.post(url, data={"csrf_token": token, "reason": "Checking access."})
    else:
        response = client.get(url)
    staff = role in (Role.COORDINATOR, Role.ADMIN)
    if route.startswith("/coordinator"):
        expected = {None: 302, Role.TRAINEE: 403}.get(role, 302 if method == "POST" else 200)
    elif route == "/":
        expected = 302 if staff else 200  # staff go to their own home; visitors see the welcome
    else:
        expected = 302 if role is None else 200
    assert response.status_code == expected, (role, method, url, response.status_code)
    if role is None and response.status_code == 302:
        assert response.headers["Location"].startswith("/auth/login")
    if staff and route.startswith("/coordinator") and method == "GET":
        assert "Mentors" in response.text or "Cohorts" in response.text or url.endswith(".csv")

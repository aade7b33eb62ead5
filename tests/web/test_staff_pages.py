"""Staff pages built for staff: cohort counts that agree with the list and the matching feed, a
list titled for what it holds, a mentor record that leads with the decision, revoking that asks
first, requirement forms that fail where they were filled in, and markup the HTML checker accepts."""

from __future__ import annotations

import json
import re
import secrets
from collections import Counter
from datetime import timedelta
from html import escape
from html.parser import HTMLParser

from sqlalchemy import select

from app.content_tools.scenario_graph import scenario_svg
from app.extensions import db
from app.models import Cohort, Role, User, utcnow

from ..conftest import Auth
from ..helpers import complete_course, post
from ..html import elements, text_of
from .test_matching_api import certify, token

NOW_COUNTS = ("not_started", "in_training", "awaiting_review", "matchable")


def _in_cohort(app, name: str, emails: list[str]) -> int:
    with app.app_context():
        cohort = Cohort(name=name, invite_code=secrets.token_urlsafe(16))
        db.session.add(cohort)
        db.session.flush()
        for user in db.session.scalars(select(User).where(User.email.in_(emails))):
            user.cohort_id = cohort.id
        db.session.commit()
        return cohort.id


def _a_cohort_at_every_status(app, make_user, coordinator) -> tuple[int, dict[str, int]]:
    """Two certified, one renewal due, one expired, one revoked, one deactivated (certified), two
    awaiting review, one in training, one not started; and one certified mentor in no cohort."""
    validity = timedelta(days=app.extensions["course"].program.validity_days)
    made: dict[str, str] = {}

    def certified(name: str, signed_off_at=None) -> int:
        made[name] = make_user(name=name)
        return certify(app, made[name], signed_off_at)

    ids = {name: certified(name) for name in ("Cert One", "Cert Two", "Rev Oked", "Dee Activated")}
    ids["Renée Renewing"] = certified("Renée Renewing", utcnow() - validity + timedelta(days=20))
    ids["Exp Ired"] = certified("Exp Ired", utcnow() - validity - timedelta(days=5))
    for name in ("Ava Waiting", "Abe Waiting"):
        made[name] = make_user(name=name)
        ids[name] = complete_course(app, made[name])
    made["Ian Training"] = make_user(name="Ian Training")
    ids["Ian Training"] = complete_course(app, made["Ian Training"], recorded=False)
    made["Nat Notstarted"] = make_user(name="Nat Notstarted")
    certify(app, make_user(name="Out Side"))  # matchable, but in no cohort
    cohort_id = _in_cohort(app, "Every Status", list(made.values()))
    revoked = f"/coordinator/mentors/{ids['Rev Oked']}"
    assert post(coordinator, revoked, f"{revoked}/revoke", reason="A concern was raised.").status_code == 302
    with app.app_context():
        db.session.get(User, ids["Dee Activated"]).deactivated_at = utcnow()
        db.session.commit()
    return cohort_id, ids


def _cohort_counts(page: str, cohort_id: int) -> dict[str, int]:
    row = page[page.index(f'data-cohort="{cohort_id}"') :]
    row = row[: row.index("</tr>")]
    return {c["data-funnel"]: int(c.text.split()[0]) for c in elements(row, "td") if "data-funnel" in c}


def _listed_total(coordinator, **query) -> int:
    page = coordinator.get("/coordinator/", query_string=query).text
    return int(elements(page, "p", role="status")[0]["data-total"])


def test_cohort_counts_now_equal_the_list_filtered_the_same_way_and_the_matching_feed(
    app, client, runner, make_user, coordinator
):
    cohort_id, _ = _a_cohort_at_every_status(app, make_user, coordinator)
    page = coordinator.get("/coordinator/cohorts").text
    counts = _cohort_counts(page, cohort_id)
    assert counts == {
        "registered": 10,  # everyone, the deactivated account included
        "reached_review": 8,  # certified at some point (revoked, expired too) or awaiting review
        "ever_certified": 6,
        "not_started": 1,
        "in_training": 1,
        "awaiting_review": 2,
        "matchable": 3,  # two certified and one due for renewal: not expired, revoked or deactivated
    }
    for status in NOW_COUNTS:
        assert counts[status] == _listed_total(coordinator, cohort=cohort_id, status=status), status
        link = elements(page, "td", data_funnel=status)[0]
        assert link.text.split()[0] == str(counts[status])
    listed = coordinator.get(f"/coordinator/?cohort={cohort_id}&status=matchable").text
    shown = {r["data-status"] for r in elements(listed, "tr") if "data-mentor" in r}
    assert shown == {"certified", "renewal_due"}
    feed = json.loads(
        client.get("/api/v1/mentors?matchable=true&cohort=Every Status", headers=token(runner)).text
    )
    assert len(feed["mentors"]) == counts["matchable"]
    assert "Since it opened (cumulative)" in text_of(page) and "Can be matched now" in page


def test_the_list_is_titled_for_what_it_holds_and_offers_to_clear_its_filters(app, make_user, coordinator):
    for n in range(3):
        make_user(name=f"Listed Person {n}")
    page = coordinator.get("/coordinator/").text
    assert elements(page, "h1")[0].text == "Mentors"
    summary = " ".join(elements(page, "p", role="status")[0].text.split())
    assert summary == "3 mentors, every status and cohort."
    filtered = coordinator.get("/coordinator/?status=in_training&q=nobody").text
    summary = " ".join(elements(filtered, "p", role="status")[0].text.split())
    assert summary == "0 mentors: name or email contains “nobody”; status: In training."
    clear = elements(filtered, "a", data_clear_filters="")[0]
    assert clear["href"] == "/coordinator/" and clear.text == "Clear filters"
    past = coordinator.get("/coordinator/?status=in_training&page=4")
    assert past.status_code == 302 and past.headers["Location"] == "/coordinator/?status=in_training"


def _mentor(coordinator, user_id: int) -> str:
    return coordinator.get(f"/coordinator/mentors/{user_id}").text


def test_the_mentor_record_leads_with_the_decision_and_speaks_about_the_mentor(app, make_user, coordinator):
    waiting = complete_course(app, make_user(name="Wren Waiting"))
    page = _mentor(coordinator, waiting)
    decision, checklist = page.index("data-certification-status"), page.index("data-checklist")
    assert decision < page.index("integrity-title") < checklist
    summary = elements(page, "dl", class_="staff-summary")[0]
    assert "Awaiting review" in summary.text and "Sign-off by a coordinator" in summary.text
    assert page.index("Sign off as ready to be matched") < checklist
    assert not elements(page, "p", data_revoke="")  # nothing to revoke while awaiting review
    assert "your coordinator" not in page and "Wren Waiting has read every section of" in page
    assert "recorded by the coordinator on" in page
    completed = elements(page, "details", class_="checklist-done")[0]
    assert "open" not in completed and completed["data-completed"] == str(completed.text.count("Done:"))
    forms = elements(page, "details", class_="requirement-form")
    assert forms and not any("open" in f for f in forms)  # collapsed until used
    assert coordinator.get(f"/coordinator/mentors/{waiting}/revoke").status_code == 302

    training = complete_course(app, make_user(name="Tao Training"), recorded=False)
    assert not elements(_mentor(coordinator, training), "p", data_revoke="")


def test_revoking_asks_first_and_checks_the_reason_on_the_server(app, make_user, coordinator):
    mentor = certify(app, make_user(name="Cai Certified"))
    page = _mentor(coordinator, mentor)
    link = elements(page, "p", data_revoke="")[0]
    assert "Revoke certification" in link.text
    confirm = coordinator.get(f"/coordinator/mentors/{mentor}/revoke")
    assert confirm.status_code == 200
    assert "is no longer offered to the matching system" in text_of(confirm.text)
    [form] = elements(confirm.text, "form", data_revoke_confirm="")
    assert "novalidate" in form  # the server checks the reason, not the browser's bubble
    empty = post(
        coordinator, f"/coordinator/mentors/{mentor}/revoke", f"/coordinator/mentors/{mentor}/revoke"
    )
    assert empty.status_code == 422 and "Say why: the reason goes in the log." in empty.text
    assert elements(_mentor(coordinator, mentor), "section", data_certification_status="certified")
    done = post(
        coordinator,
        f"/coordinator/mentors/{mentor}/revoke",
        f"/coordinator/mentors/{mentor}/revoke",
        reason="Concern.",
    )
    assert done.status_code == 302
    assert elements(_mentor(coordinator, mentor), "section", data_certification_status="revoked")


def test_a_failed_requirement_form_comes_back_open_at_itself(app, make_user, coordinator):
    mentor = complete_course(app, make_user(name="Rae Recorded"), recorded=False)
    page = _mentor(coordinator, mentor)
    form = next(
        f
        for f in elements(page, "form")
        if f.get("action", "").endswith("/requirements/interview#record-interview")
    )
    csrf = next(i["value"] for i in elements(page, "input") if i.get("name") == "csrf_token")
    failed = coordinator.post(form["action"].split("#")[0], data={"csrf_token": csrf, "date": ""})
    assert failed.status_code == 422
    opened = [d for d in elements(failed.text, "details", class_="requirement-form") if "open" in d]
    assert [d["id"] for d in opened] == ["record-interview"]
    assert "Enter the date." in opened[0].text and "YYYY-MM-DD" not in failed.text
    wrong = coordinator.post(form["action"].split("#")[0], data={"csrf_token": csrf, "date": "5 March"})
    assert "Enter a real date as year-month-day, for example 2026-03-27." in wrong.text


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.times: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if "id" in found:
            self.ids.append(found["id"])
        if tag == "time":
            self.times.append(found.get("datetime", ""))


def _checked(html: str) -> _Ids:
    parser = _Ids()
    parser.feed(html)
    return parser


def test_staff_pages_have_unique_ids_and_whole_second_times(app, make_user, coordinator, admin, runner):
    mentor = certify(app, make_user(name="Ida Unique"))
    waiting = complete_course(app, make_user(name="Wes Waiting"))
    _in_cohort(app, "Unique Cohort", [])
    token(runner)
    token(runner)
    pages = [
        coordinator.get(f"/coordinator/mentors/{mentor}").text,
        coordinator.get(f"/coordinator/mentors/{waiting}").text,
        coordinator.get(f"/coordinator/mentors/{mentor}/revoke").text,
        coordinator.get("/coordinator/").text,
        coordinator.get("/coordinator/cohorts").text,
        admin.get(f"/admin/users/{mentor}").text,
        admin.get("/admin/users").text,
        admin.get("/admin/tokens").text,
        admin.get("/admin/audit").text,
    ]
    for html in pages:
        found = _checked(html)
        assert not [i for i, n in Counter(found.ids).items() if n > 1]
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d\+00:00)?", t) for t in found.times), (
            found.times
        )


def test_admin_account_page_uses_a_summary_list_and_answers_422_to_a_missing_reason(app, make_user, admin):
    email = make_user(name="Sue Summary")
    with app.app_context():
        account = db.session.scalar(select(User.id).where(User.email == email))
    page = f"/admin/users/{account}"
    assert elements(admin.get(page).text, "dl", class_="staff-summary account-facts")
    refused = post(admin, page, f"{page}/deactivate", reason="")
    assert refused.status_code == 422 and "Say why" in refused.text


def test_invite_links_have_a_copy_button_only_the_script_reveals(app, coordinator):
    cohort_id = _in_cohort(app, "Copyable", [])
    page = coordinator.get("/coordinator/cohorts").text
    [button] = elements(page, "button", data_copy=f"invite-{cohort_id}")
    assert "hidden" in button and button["type"] == "button"
    assert elements(page, "code", id=f"invite-{cohort_id}")
    [script] = [s for s in elements(page, "script") if "/js/share." in s.get("src", "")]
    assert coordinator.get(script["src"]).status_code == 200


def test_the_author_index_heads_each_row_with_the_module_alone(app, make_user):
    author = app.test_client()
    Auth(author).login(make_user(Role.AUTHOR, name="Ari Author"))
    page = author.get("/author/").text
    for header in elements(page, "th", scope="row"):
        assert "words" not in header.text and "minutes" not in header.text


def test_scenario_graph_labels_do_not_overlap_and_endings_are_whole(app):
    course = app.extensions["course"]
    for scenario in course.scenarios:
        svg = scenario_svg(scenario)
        labels = [
            (int(x), int(y), text)
            for x, y, text in re.findall(
                r'<text x="(\d+)" y="(\d+)" fill="#[0-9a-f]+" text-anchor="middle" paint-order[^>]*>([^<]*)<',
                svg,
            )
        ]
        assert labels
        for i, (x, y, text) in enumerate(labels):
            for x2, y2, text2 in labels[i + 1 :]:
                apart = abs(x - x2) * 2 >= 7 * (len(text) + len(text2)) or abs(y - y2) >= 12
                assert apart, (scenario.id, text, text2)
        for node in scenario.nodes.values():
            if node.ending and len(f"END: {node.title}") <= 56:
                assert escape(node.title.split()[-1]) in svg


def test_the_roster_spells_out_the_same_valid_statuses_as_the_certification_rules(app):
    from sqlalchemy.dialects import sqlite

    from app.certification.facts import VALID
    from app.people.roster import matchable_now

    with app.app_context():
        sql = str(
            matchable_now(utcnow()).compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
        )
    assert all(f"'{status.value}'" in sql for status in VALID)

"""The hand-off to matching systems through the API: departures reported, valid means valid,
strict arguments, one mentor, external ids, scoped and expiring tokens."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CertificationEvent, Cohort, User, utcnow

from ..helpers import complete_course, post
from ..html import elements


def certify(app, email: str, signed_off_at=None) -> int:
    """A trainee who did the whole course and was signed off at ``signed_off_at``."""
    signed_off_at = signed_off_at or utcnow() - timedelta(days=1)
    user_id = complete_course(app, email, at=signed_off_at - timedelta(days=1))
    with app.app_context():
        course = app.extensions["course"]
        db.session.add(
            CertificationEvent(
                user_id=user_id,
                kind="sign_off",
                at=signed_off_at,
                module_versions={m.id: m.version for m in course.modules},
                certificate_id=f"cert-{user_id}",
            )
        )
        db.session.commit()
    return user_id


def token(runner, *options: str) -> dict:
    created = runner.invoke(args=["api-token", "create", "matching", *options])
    assert created.exit_code == 0, created.output
    return {"Authorization": f"Bearer {created.output.strip().splitlines()[-1]}"}


def read(client, path: str, headers: dict, status: int = 200) -> dict:
    response = client.get(path, headers=headers)
    assert response.status_code == status, response.text
    return json.loads(response.text)


def by_id(listing: dict) -> dict[int, dict]:
    return {record["id"]: record for record in listing["mentors"]}


def test_since_reports_every_departure_and_the_renewal_window_stays_matchable(
    app, client, runner, make_user, admin, coordinator
):
    headers = token(runner)
    validity = timedelta(days=app.extensions["course"].program.validity_days)
    ids = {
        name: certify(app, make_user(name=name)) for name in ("Dee Activated", "Eve Erased", "Rob Revoked")
    }
    # Signed off so that the certificate lapses a few seconds from now, and one in its renewal window.
    ids["Lapse Tonight"] = certify(
        app, make_user(name="Lapse Tonight"), utcnow() - validity + timedelta(seconds=3)
    )
    ids["Renée Renewing"] = certify(
        app, make_user(name="Renée Renewing"), utcnow() - validity + timedelta(days=20)
    )
    before = by_id(read(client, "/api/v1/mentors", headers))
    assert all(before[i]["matchable"] for i in ids.values()), before
    assert before[ids["Renée Renewing"]]["status"] == "renewal_due"
    checkpoint = read(client, "/api/v1/mentors", headers)["generated_at"]

    page = f"/admin/users/{ids['Dee Activated']}"
    assert post(admin, page, f"{page}/deactivate", reason="Left the programme.").status_code == 302
    with app.app_context():
        erased_email = db.session.get(User, ids["Eve Erased"]).email
    assert runner.invoke(args=["delete-user", erased_email, "--yes"]).exit_code == 0
    page = f"/coordinator/mentors/{ids['Rob Revoked']}"
    assert post(coordinator, page, f"{page}/revoke", reason="A concern was raised.").status_code == 302
    time.sleep(4)  # the certificate signed off a year ago, less three seconds, lapses

    changed = read(client, f"/api/v1/mentors?since={checkpoint}", headers)
    records = by_id(changed)
    assert set(records) == {ids["Dee Activated"], ids["Eve Erased"], ids["Rob Revoked"], ids["Lapse Tonight"]}
    assert not any(record["matchable"] for record in records.values())
    assert records[ids["Dee Activated"]]["active"] is False
    assert records[ids["Rob Revoked"]]["status"] == "revoked"
    assert records[ids["Lapse Tonight"]]["status"] == "expired"
    assert records[ids["Eve Erased"]] == {
        "id": ids["Eve Erased"],
        "external_id": None,
        "status": "removed",
        "matchable": False,
        "changed_at": records[ids["Eve Erased"]]["changed_at"],
    }
    assert changed["total"] == 4

    still_valid = read(client, "/api/v1/mentors?matchable=true", headers)
    assert [record["id"] for record in still_valid["mentors"]] == [ids["Renée Renewing"]]
    # A status is the certificate's; a deactivated holder keeps it but is not matchable.
    both = by_id(read(client, "/api/v1/mentors?status=certified,renewal_due", headers))
    assert {i: r["matchable"] for i, r in both.items()} == {
        ids["Dee Activated"]: False,
        ids["Renée Renewing"]: True,
    }
    assert read(client, f"/api/v1/mentors/{ids['Renée Renewing']}", headers)["valid_until"]
    gone = read(client, f"/api/v1/mentors/{ids['Eve Erased']}", headers, status=410)
    assert gone["status"] == "removed" and "name" not in gone and "email" not in gone


def test_a_reactivated_account_and_a_new_external_id_are_changes_too(
    app, client, runner, make_user, admin, coordinator
):
    headers = token(runner)
    mentor = certify(app, make_user(name="Back Again"))
    page = f"/admin/users/{mentor}"
    post(admin, page, f"{page}/deactivate", reason="On leave.")
    checkpoint = read(client, "/api/v1/mentors", headers)["generated_at"]
    assert read(client, f"/api/v1/mentors?since={checkpoint}", headers)["mentors"] == []
    post(admin, page, f"{page}/reactivate", reason="Back from leave.")
    again = read(client, f"/api/v1/mentors?since={checkpoint}", headers)["mentors"]
    assert [(r["id"], r["matchable"]) for r in again] == [(mentor, True)]

    checkpoint = read(client, "/api/v1/mentors", headers)["generated_at"]
    detail = f"/coordinator/mentors/{mentor}"
    assert post(coordinator, detail, f"{detail}/external-id", external_id="MP-0042").status_code == 302
    found = read(client, "/api/v1/mentors?external_id=MP-0042", headers)["mentors"]
    assert [r["id"] for r in found] == [mentor] and found[0]["external_id"] == "MP-0042"
    assert [r["id"] for r in read(client, f"/api/v1/mentors?since={checkpoint}", headers)["mentors"]] == [
        mentor
    ]


def test_an_external_id_is_unique_and_shown_where_coordinators_look(app, make_user, coordinator):
    first, second = certify(app, make_user(name="First One")), certify(app, make_user(name="Second One"))
    detail = f"/coordinator/mentors/{first}"
    post(coordinator, detail, f"{detail}/external-id", external_id="  MP-1  ")
    assert 'value="MP-1"' in coordinator.get(detail).text
    taken = post(
        coordinator,
        f"/coordinator/mentors/{second}",
        f"/coordinator/mentors/{second}/external-id",
        external_id="MP-1",
    )
    assert taken.status_code == 422
    error = elements(taken.text, "p", class_="error")
    assert error and "already First One's external id" in error[0].text
    assert 'value="MP-1"' in taken.text  # what was typed stays in the field
    rows = list(csv.DictReader(io.StringIO(coordinator.get("/coordinator/mentors.csv").text)))
    assert {r["id"]: r["external_id"] for r in rows} == {str(first): "MP-1", str(second): ""}


def test_external_ids_import_from_csv_checks_every_line_before_changing_any(app, runner, make_user, tmp_path):
    emails = [make_user(name=f"Imported {i}") for i in range(2)]
    bad = tmp_path / "ids.csv"
    bad.write_text(f"email,external_id\n{emails[0]},X-1\nnobody@example.org,X-2\n{emails[1]},X-1\n")
    refused = runner.invoke(args=["mentors", "import-external-ids", str(bad)])
    assert refused.exit_code != 0
    assert f"{bad}:3: no trainee with the email 'nobody@example.org'" in refused.output
    assert f"{bad}:4: 'X-1' is also on line 2" in refused.output
    with app.app_context():
        assert db.session.scalars(select(User.external_id).where(User.external_id.is_not(None))).all() == []
    good = tmp_path / "good.csv"
    good.write_text(f"email,external_id\n{emails[0]},X-1\n{emails[1].upper()},X-2\n")
    assert runner.invoke(args=["mentors", "import-external-ids", str(good)]).exit_code == 0
    with app.app_context():
        assert sorted(db.session.scalars(select(User.external_id).where(User.external_id.is_not(None)))) == [
            "X-1",
            "X-2",
        ]


@pytest.mark.parametrize(
    "query, named",
    [
        ("colour=blue", "colour"),
        ("status=certified,sleeping", "status"),
        ("matchable=yes", "matchable"),
        ("cohort=Nowhere", "cohort"),
        ("since=2026-12-01", "since"),
        ("page=0", "page"),
        ("per_page=501", "per_page"),
        ("status=certified&status=expired", "status"),
    ],
)
def test_unknown_parameters_and_values_answer_400_listing_what_is_allowed(client, runner, query, named):
    answer = read(client, f"/api/v1/mentors?{query}", token(runner), status=400)
    assert named in answer["error"] or named in query.split("=")[0]
    assert set(answer["allowed"]) == {
        "status",
        "matchable",
        "cohort",
        "external_id",
        "since",
        "page",
        "per_page",
    }
    assert "renewal_due" in answer["allowed"]["status"]


def test_a_token_limited_to_cohorts_sees_only_them_everywhere(app, client, runner, make_user):
    with app.app_context():
        north, south = Cohort(name="North", invite_code="n" * 20), Cohort(name="South", invite_code="s" * 20)
        db.session.add_all([north, south])
        db.session.commit()
        north_id, south_id = north.id, south.id
    mentors = {}
    for name, cohort_id in (("Nora North", north_id), ("Sam South", south_id)):
        mentors[name] = certify(app, make_user(name=name))
        with app.app_context():
            db.session.get(User, mentors[name]).cohort_id = cohort_id
            db.session.commit()
    northern = token(runner, "--cohort", "North")
    assert [r["id"] for r in read(client, "/api/v1/mentors", northern)["mentors"]] == [mentors["Nora North"]]
    assert client.get(f"/api/v1/mentors/{mentors['Sam South']}", headers=northern).status_code == 404
    assert read(client, f"/api/v1/mentors/{mentors['Nora North']}", northern)["cohort"] == "North"
    refused = read(client, "/api/v1/mentors?cohort=South", northern, status=400)
    assert refused["allowed"]["cohort"] == ["North"]
    checkpoint = read(client, "/api/v1/mentors", northern)["generated_at"]
    with app.app_context():
        south_email = db.session.get(User, mentors["Sam South"]).email
    runner.invoke(args=["delete-user", south_email, "--yes"])
    assert read(client, f"/api/v1/mentors?since={checkpoint}", northern)["mentors"] == []
    everyone = token(runner)
    assert [
        r["status"] for r in read(client, f"/api/v1/mentors?since={checkpoint}", everyone)["mentors"]
    ] == ["removed"]


def test_an_expired_token_is_refused_and_last_use_is_kept(app, client, runner):
    headers = token(runner, "--expires-in-days", "1")
    assert client.get("/api/v1/mentors", headers=headers).status_code == 200
    assert "never" not in runner.invoke(args=["api-token", "list"]).output.split("last used")[1][:12]
    with app.app_context():
        from app.models import ApiToken

        db.session.execute(ApiToken.__table__.update().values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    refused = client.get("/api/v1/mentors", headers=headers)
    assert refused.status_code == 401 and "expired" in refused.json["error"]


def test_admins_create_scoped_expiring_tokens_in_the_browser_form(app, admin):
    with app.app_context():
        db.session.add(Cohort(name="West", invite_code="w" * 20))
        db.session.commit()
        west = db.session.scalar(select(Cohort.id).where(Cohort.name == "West"))
    past = post(
        admin, "/admin/tokens", "/admin/tokens", name="Matcher", cohorts=str(west), expires_on="2001-01-01"
    )
    assert past.status_code == 422 and "Choose a day after today." in past.text
    made = post(
        admin,
        "/admin/tokens",
        "/admin/tokens",
        name="Matcher",
        cohorts=str(west),
        expires_on=(utcnow() + timedelta(days=30)).date().isoformat(),
    )
    assert made.status_code == 200 and elements(made.text, "code", **{"data-secret": ""})
    row = elements(made.text, "td", **{"data-cohorts": ""})[0]
    assert row.text.strip() == "West"

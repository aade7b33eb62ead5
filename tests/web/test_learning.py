"""The learner path through the real pages: read sections, watch progress, reflect privately."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from app.extensions import db
from app.models import Reflection, SectionView

from ..conftest import Auth
from ..html import csrf_token, elements, text_of
from ..registration import open_registration  # noqa: F401  (a fixture)


def course(app):
    return app.extensions["course"]


def progress_bars(html: str) -> dict[str, tuple[int, int]]:
    return {p["data-module"]: (int(p["value"]), int(p["max"])) for p in elements(html, "progress")}


@pytest.mark.usefixtures("open_registration")
def test_the_whole_path_register_read_and_progress_survives_logging_in_again(app, client, auth):
    auth.register("Lena Park", "lena@example.org")
    modules = course(app).modules
    assert progress_bars(client.get("/").text) == {m.id: (0, len(m.sections)) for m in modules}

    first, second = modules[0], modules[1]
    for section in first.sections:
        assert client.get(f"/modules/{first.id}/{section.id}").status_code == 200
    client.get(f"/modules/{second.id}/{second.sections[0].id}")

    bars = progress_bars(client.get("/").text)
    assert bars[first.id] == (len(first.sections), len(first.sections))
    assert bars[second.id] == (1, len(second.sections))

    auth.logout()
    auth.login("lena@example.org")
    dashboard = client.get("/").text
    assert progress_bars(dashboard) == bars
    continue_link = elements(dashboard, "a", class_="button")[0]
    assert continue_link["href"] == f"/modules/{second.id}/{second.sections[1].id}"


def test_progress_survives_a_server_restart(app, client, trainee, make_app):
    module = course(app).modules[2]
    client.get(f"/modules/{module.id}/{module.sections[0].id}")
    restarted = make_app()
    new_client = restarted.test_client()
    Auth(new_client).login(trainee)
    assert progress_bars(new_client.get("/").text)[module.id] == (1, len(module.sections))


def test_a_section_is_recorded_once_however_often_it_is_opened(app, client, trainee):
    module = course(app).modules[0]
    url = f"/modules/{module.id}/{module.sections[0].id}"
    for _ in range(3):
        client.get(url)
    with app.app_context():
        rows = db.session.execute(
            select(SectionView.module_id, SectionView.section_id, SectionView.module_version)
        ).all()
    assert rows == [(module.id, module.sections[0].id, module.version)]


def test_the_overview_lists_every_section_and_ticks_the_ones_read(app, client, trainee):
    module = course(app).modules[3]
    client.get(f"/modules/{module.id}/{module.sections[1].id}")
    page = client.get(f"/modules/{module.id}").text
    section_list = page[page.index('class="section-list"') :]
    links = [
        a["href"]
        for a in elements(section_list, "a")
        if a.get("href", "").startswith(f"/modules/{module.id}/")
    ]
    assert links[: len(module.sections)] == [f"/modules/{module.id}/{s.id}" for s in module.sections]
    assert elements(page, "a", href=f"/modules/{module.id}/quiz")
    read_items = elements(page, "li", class_="is-read")
    assert len(read_items) == 1 and module.sections[1].title in read_items[0].text
    assert module.objectives[0] in page and "Sources" in page
    assert elements(page, "a", class_="button")[0]["href"] == f"/modules/{module.id}/{module.sections[0].id}"


def test_section_pages_link_to_their_neighbours(app, client, trainee):
    module = course(app).modules[0]
    first, second, last = module.sections[0], module.sections[1], module.sections[-1]
    page = client.get(f"/modules/{module.id}/{second.id}").text
    assert elements(page, "a", rel="prev")[0]["href"] == f"/modules/{module.id}/{first.id}"
    moving_on = elements(page, "form", class_="pager-next")[0]["action"]
    assert moving_on == f"/modules/{module.id}/{second.id}/done"
    moved = client.post(moving_on, data={"csrf_token": csrf_token(page)})
    assert moved.headers["Location"] == f"/modules/{module.id}/{module.sections[2].id}"
    final = client.get(f"/modules/{module.id}/{last.id}").text
    moved = client.post(f"/modules/{module.id}/{last.id}/done", data={"csrf_token": csrf_token(final)})
    assert moved.headers["Location"] == f"/modules/{module.id}/quiz"  # the module ends with its quiz
    assert elements(final, "h1")[0].text == last.title


def test_every_section_of_every_module_renders_inside_main(app, client, trainee):
    for module in course(app).modules:
        for section in module.sections:
            response = client.get(f"/modules/{module.id}/{section.id}")
            assert response.status_code == 200
            assert len(elements(response.text, "main")) == 1 and len(elements(response.text, "h1")) == 1
    bars = progress_bars(client.get("/").text)
    assert all(value == maximum for value, maximum in bars.values())
    assert elements(client.get("/").text, "section", data_next_step="quiz")  # all read: the quizzes are next


def find_prompt(app):
    for module in course(app).modules:
        for section in module.sections:
            if section.reflect_prompts:
                return module, section, section.reflect_prompts[0]
    raise AssertionError("no reflect prompt in the course")


def test_a_reflection_is_saved_shown_again_and_editable(app, client, trainee):
    module, section, prompt = find_prompt(app)
    url = f"/modules/{module.id}/{section.id}"
    page = client.get(url).text
    form_action = f"{url}/reflections/{prompt.id}"
    assert elements(page, "form", action=f"{form_action}#reflect-{prompt.id}")
    assert elements(page, "label", for_=f"{prompt.id}-text")

    saved = client.post(
        form_action,
        data={
            f"{prompt.id}-text": "I felt heard when my coach waited.",
            f"{prompt.id}-csrf_token": csrf_token(page),
        },
    )
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"#reflect-{prompt.id}")
    page = client.get(url).text
    assert (
        elements(page, "textarea", name=f"{prompt.id}-text")[0].text.removeprefix(
            "\n"
        )  # HTML drops one newline after <textarea>
        == "I felt heard when my coach waited."
    )

    client.post(
        form_action,
        data={f"{prompt.id}-text": "Second thoughts.", f"{prompt.id}-csrf_token": csrf_token(page)},
    )
    with app.app_context():
        assert db.session.scalars(select(Reflection.text)).all() == ["Second thoughts."]


def test_reflections_are_private_to_their_author(app, client, trainee, make_user):
    module, section, prompt = find_prompt(app)
    url = f"/modules/{module.id}/{section.id}"
    page = client.get(url).text
    client.post(
        f"{url}/reflections/{prompt.id}",
        data={f"{prompt.id}-text": "My private thought.", f"{prompt.id}-csrf_token": csrf_token(page)},
    )
    other = app.test_client()
    Auth(other).login(make_user())
    assert "My private thought." not in other.get(url).text


def test_an_empty_or_oversized_reflection_is_refused_with_a_field_error(app, client, trainee):
    module, section, prompt = find_prompt(app)
    url = f"/modules/{module.id}/{section.id}"
    token = csrf_token(client.get(url).text)
    for text, message in (("   ", "Write your reflection"), ("x" * 5001, "under 5000")):
        response = client.post(
            f"{url}/reflections/{prompt.id}",
            data={f"{prompt.id}-text": text, f"{prompt.id}-csrf_token": token},
        )
        assert response.status_code == 422
        assert message in elements(response.text, "p", id=f"{prompt.id}-text-error")[0].text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Reflection)) == 0


def test_unknown_modules_sections_and_prompts_are_404(app, client, trainee):
    module, section, _ = find_prompt(app)
    assert client.get("/modules/no-such-module").status_code == 404
    assert client.get(f"/modules/{module.id}/no-such-section").status_code == 404
    token = csrf_token(client.get(f"/modules/{module.id}/{section.id}").text)
    response = client.post(
        f"/modules/{module.id}/{section.id}/reflections/no-such-prompt", data={"csrf_token": token}
    )
    assert response.status_code == 404
    assert elements(response.text, "main") and "Page not found" in text_of(response.text)


def test_visitors_see_what_peerpath_is(client):
    page = client.get("/")
    assert page.status_code == 200
    assert elements(page.text, "a", href="/auth/register") and not elements(page.text, "progress")


def test_healthz_answers_without_the_database_or_the_session(app, client):
    statements = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (200, "ok")
    assert statements == []
    assert "Set-Cookie" not in response.headers

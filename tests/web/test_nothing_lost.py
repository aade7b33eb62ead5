"""Nothing a trainee types or chooses is lost: ordering questions moved item by item and kept as
drafts, errors shown at the form with a summary that links each field, a form's address reopened
going to its page, and text sent after the session ended kept until it is shown again."""

from __future__ import annotations

import random
from dataclasses import replace
from urllib.parse import unquote

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.learning.grading import DrawnQuestion
from app.learning.ordering import Move, with_move
from app.models import QuizAttempt, Reflection, Role
from app.web import kept_text

from ..conftest import Auth, user_id
from ..helpers import MODULE, answer_fields, drawn_questions, start
from ..html import csrf_token, elements, text_of
from .test_learning import find_prompt

HTML = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


@pytest.fixture
def order_quiz(app):
    """The module's quiz with every question drawn and an ordering question borrowed from another
    quiz (the shipped one has none); returns that question."""
    course = app.extensions["course"]
    order_question = next(q for quiz in course.quizzes for q in quiz.questions if q.type == "order")
    quizzes = tuple(
        replace(q, draw=0, cooldown_minutes=0, questions=(*q.questions, order_question))
        if q.module_id == MODULE
        else q
        for q in course.quizzes
    )
    app.extensions["course"] = replace(course, quizzes=quizzes)
    return order_question


def shown_order(page: str, question) -> list[str]:
    """The option ids of an ordering question in the order its hidden fields carry."""
    prefix = f"q-{question.id}-"
    fields = [e for e in elements(page, "input", type="hidden") if e["name"].startswith(prefix)]
    assert [int(e["value"]) for e in fields] == list(range(1, len(question.options) + 1))
    return [e["name"].removeprefix(prefix) for e in fields]


def page_fields(page: str, question) -> list[tuple[str, str]]:
    """What the page itself sends for an ordering question when nothing is touched."""
    return [
        (e["name"], e["value"])
        for e in elements(page, "input", type="hidden")
        if e["name"] == f"q-{question.id}" or e["name"].startswith(f"q-{question.id}-")
    ]


def stored(app) -> QuizAttempt:
    with app.app_context():
        return db.session.scalars(select(QuizAttempt)).one()


def test_a_move_changes_only_two_neighbours_and_never_duplicates():
    drawn = [DrawnQuestion("q", ("a", "b", "c"))]
    assert with_move(drawn, {}, Move("q", "b", "up")) == {"q": ("b", "a", "c")}
    assert with_move(drawn, {"q": ("c", "a", "b")}, Move("q", "b", "up")) == {"q": ("c", "b", "a")}
    assert with_move(drawn, {}, Move("q", "c", "down")) == {"q": ("a", "b", "c")}  # off the end
    assert with_move(drawn, {}, Move("q", "x", "up")) == {}  # not an option of the question
    assert with_move(drawn, {}, Move("other", "a", "up")) == {}
    assert Move.parse("q-1:a:down") == Move("q-1", "a", "down")
    assert Move.parse("q:a:sideways") is None and Move.parse(None) is None


def test_moving_an_item_keeps_every_answer_as_a_draft_and_returns_to_the_item(
    app, client, trainee, order_quiz
):
    url, page = start(client)
    questions = drawn_questions(app, page)
    before = shown_order(page, order_quiz)
    single = next(q for q in questions if q.type == "single")
    radio = [f for f in answer_fields([single], right=True)]
    fields = radio + page_fields(page, order_quiz)
    moved = client.post(
        url,
        data=MultiDict(
            [("csrf_token", csrf_token(page)), ("move", f"{order_quiz.id}:{before[1]}:up"), *fields]
        ),
    )
    assert moved.status_code == 303
    assert moved.headers["Location"] == f"{url}#item-{order_quiz.id}-{before[1]}"
    attempt = stored(app)
    assert attempt.submitted_at is None
    after = [before[1], before[0], *before[2:]]
    assert attempt.answers == {single.id: [radio[0][1]], order_quiz.id: after}

    again = client.get(url).text
    assert shown_order(again, order_quiz) == after
    assert "checked" in elements(again, "input", id=f"q-{single.id}-{radio[0][1]}")[0]
    assert not elements(again, "input", name=f"q-{order_quiz.id}", value="not-chosen")
    assert "This order is your answer" in again
    buttons = elements(again, "button", name="move")
    assert {b["value"] for b in buttons} >= {
        f"{order_quiz.id}:{after[0]}:down",
        f"{order_quiz.id}:{after[-1]}:up",
    }
    assert f"{order_quiz.id}:{after[0]}:up" not in {b["value"] for b in buttons}  # the first cannot go up
    text = order_quiz.option_by_id[after[1]].text_html
    assert any(text_of(text).strip() in b.text for b in buttons)  # each button names its item
    assert f"Answered 2 of {len(questions)} questions." in text_of(again)


def test_an_untouched_order_is_unanswered_until_chosen(app, client, trainee, order_quiz):
    url, page = start(client)
    questions = drawn_questions(app, page)
    others = [f for f in answer_fields(questions, right=True) if not f[0].startswith(f"q-{order_quiz.id}")]
    untouched = client.post(
        url,
        data=MultiDict(
            [("csrf_token", csrf_token(page)), ("action", "submit"), *others, *page_fields(page, order_quiz)]
        ),
    )
    assert untouched.status_code == 200
    number = [q.id for q in questions].index(order_quiz.id) + 1
    assert elements(untouched.text, "a", href=f"#question-{order_quiz.id}")[0].text == str(number)
    assert stored(app).submitted_at is None

    chosen = client.post(
        url,
        data=MultiDict(
            [
                ("csrf_token", csrf_token(page)),
                ("action", "submit"),
                *others,
                *page_fields(page, order_quiz),
                (f"q-{order_quiz.id}", "chosen"),
            ]
        ),
    )
    assert chosen.status_code == 302
    assert stored(app).answers[order_quiz.id] == shown_order(page, order_quiz)


def test_save_and_finish_later_keeps_what_can_be_read_and_says_what_cannot(app, client, trainee, order_quiz):
    url, page = start(client)
    questions = drawn_questions(app, page)
    single = next(q for q in questions if q.type == "single")
    radio = answer_fields([single], right=True)
    duplicates = [(f"q-{order_quiz.id}-{o.id}", "1") for o in order_quiz.options]  # only a forged form
    saved = client.post(
        url, data=MultiDict([("csrf_token", csrf_token(page)), ("action", "save"), *radio, *duplicates])
    )
    assert saved.status_code == 422
    assert elements(saved.text, "p", id=f"error-{order_quiz.id}")
    assert "checked" in elements(saved.text, "input", id=f"q-{single.id}-{radio[0][1]}")[0]
    attempt = stored(app)
    assert attempt.answers == {single.id: [radio[0][1]]} and attempt.submitted_at is None


def test_a_move_after_submission_changes_nothing(app, client, trainee, order_quiz):
    url, page = start(client)
    fields = answer_fields(drawn_questions(app, page), right=True)
    assert client.post(url, data=MultiDict([("csrf_token", csrf_token(page)), ("action", "submit"), *fields]))
    graded = stored(app)
    first = order_quiz.options[0].id
    late = client.post(
        url,
        data=MultiDict(
            [("csrf_token", csrf_token(page)), ("move", f"{order_quiz.id}:{first}:down"), *fields]
        ),
    )
    assert late.headers["Location"] == f"{url}/result"
    assert stored(app).answers == graded.answers and stored(app).score == graded.score == 100


def test_the_result_counts_right_and_not_right_and_links_the_misses(app, client, trainee):
    url, page = start(client)
    questions = drawn_questions(app, page)
    number, wrong = next((n, q) for n, q in enumerate(questions, 1) if q.type == "single" and not q.critical)
    fields = [f for f in answer_fields(questions, right=True) if not f[0].startswith(f"q-{wrong.id}")]
    fields += answer_fields([wrong], right=False)
    client.post(url, data=MultiDict([("csrf_token", csrf_token(page)), ("action", "submit"), *fields]))
    result = client.get(f"{url}/result").text
    assert f"{len(questions) - 1} right · 1 not right" in text_of(result)
    jump = elements(result, "nav", aria_labelledby="not-right-title")[0]
    assert f"Question {number}" in jump.text  # passed even so: the key and the marks are shown
    assert elements(result, "a", href=f"#review-{wrong.id}")
    marks = [e.text for e in elements(result, "strong") if "Your choice" in e.text]
    assert any("✗" in m and "not right" in m for m in marks)
    assert all(("✓" in m) != ("not right" in m) for m in marks)


def test_a_refused_reflection_comes_back_at_its_form_with_a_linked_summary(app, client, trainee):
    module, section, prompt = find_prompt(app)
    url = f"/modules/{module.id}/{section.id}"
    page = client.get(url).text
    action = f"{url}/reflections/{prompt.id}#reflect-{prompt.id}"
    assert elements(page, "form", action=action)
    refused = client.post(
        action.split("#")[0], data={f"{prompt.id}-text": " ", f"{prompt.id}-csrf_token": csrf_token(page)}
    )
    assert refused.status_code == 422
    summary = elements(refused.text, "div", class_="error-summary")[0]
    assert summary["role"] == "alert" and summary["tabindex"] == "-1" and "autofocus" in summary
    assert summary["id"] == f"reflect-{prompt.id}"  # the fragment the page opens at names the summary
    assert elements(refused.text, "section", id=f"reflect-{prompt.id}-form")
    assert "There is a problem" in summary.text
    link = elements(refused.text, "a", href=f"#{prompt.id}-text")[0]
    assert "Write your reflection" in link.text
    assert elements(refused.text, "p", id=f"{prompt.id}-text-error")


def test_the_shared_error_summary_lists_and_links_every_field(client):
    page = client.get("/auth/register").text
    response = client.post(
        "/auth/register",
        data={"name": "", "email": "not an email", "password": "short", "csrf_token": csrf_token(page)},
    )
    summary = elements(response.text, "div", class_="error-summary")[0]
    assert "marked below" not in summary.text
    linked = {
        e["href"] for e in elements(response.text, "a") if e["href"].startswith("#") and e["href"] != "#main"
    }
    assert {"#name", "#email", "#password"} <= linked


@pytest.mark.parametrize("method", ["get", "head"])
def test_a_reopened_form_address_goes_to_its_page(app, client, trainee, method):
    module, section, prompt = find_prompt(app)
    call = getattr(client, method)
    reflection = call(f"/modules/{module.id}/{section.id}/reflections/{prompt.id}", headers=HTML)
    assert reflection.status_code == 303
    assert reflection.headers["Location"] == f"/modules/{module.id}/{section.id}"
    started = call(f"/modules/{MODULE}/quiz/attempts", headers=HTML)
    assert (started.status_code, started.headers["Location"]) == (303, f"/modules/{MODULE}/quiz")
    done = call(f"/modules/{module.id}/{section.id}/done", headers=HTML)
    assert done.headers["Location"] == f"/modules/{module.id}/{section.id}"
    url, _ = start(client)
    assert client.get(url, headers=HTML).status_code == 200  # the quiz's submit address is its page
    assert client.get("/scenarios/quiet-first-week", headers=HTML).status_code == 200  # and a role-play's
    logout = call("/auth/logout", headers=HTML)
    assert logout.status_code == 303 and logout.headers["Location"] == "/"


def test_a_reopened_sign_off_address_goes_to_the_mentor_record(app, coordinator, make_user):
    mentor = user_id(app, make_user(Role.TRAINEE))
    reopened = coordinator.get(f"/coordinator/mentors/{mentor}/sign-off", headers=HTML, follow_redirects=True)
    assert reopened.status_code == 200
    assert reopened.request.path == f"/coordinator/mentors/{mentor}"


def test_other_refused_methods_keep_their_405(client, trainee):
    scripted = client.get(f"/modules/{MODULE}/quiz/attempts")  # no Accept: text/html
    assert scripted.status_code == 405 and scripted.headers["Allow"] == "OPTIONS, POST"
    api = client.post("/api/v1/mentors", headers=HTML)
    assert api.status_code == 405 and api.is_json


def post_reflection(client, url: str, prompt, token: str, text: str):
    return client.post(
        f"{url}/reflections/{prompt.id}",
        data={f"{prompt.id}-text": text, f"{prompt.id}-csrf_token": token},
        headers=HTML,
    )


def test_a_reflection_sent_after_logging_out_is_kept_until_shown_after_login(app, client, trainee):
    module, section, prompt = find_prompt(app)
    url = f"/modules/{module.id}/{section.id}"
    stale_token = csrf_token(client.get(url).text)
    Auth(client).logout()  # in another tab
    refused = post_reflection(client, url, prompt, stale_token, "What I typed before lunch.")
    assert refused.status_code == 303
    assert unquote(refused.headers["Location"]) == f"/auth/login?next={url}"
    assert "Log in again" in client.get("/auth/login").text
    with client.session_transaction() as session:
        assert session[kept_text.SESSION_KEY]["fields"] == {f"{prompt.id}-text": "What I typed before lunch."}

    login = Auth(client).login(trainee, next_=url)
    assert login.headers["Location"] == url
    page = client.get(url).text
    textarea = elements(page, "textarea", name=f"{prompt.id}-text")[0]
    assert textarea.text.strip() == "What I typed before lunch."
    assert elements(page, "p", data_kept_text="")
    assert "What I typed before lunch." not in client.get(url).text  # shown once
    with app.app_context():
        assert db.session.scalars(select(Reflection)).all() == []  # nothing saved


def test_an_expired_token_while_logged_in_goes_back_to_the_page_with_the_text(app, client, trainee):
    module, section, prompt = find_prompt(app)
    url = f"/modules/{module.id}/{section.id}"
    client.get(url)
    refused = post_reflection(client, url, prompt, "not-the-token", "Kept while logged in.")
    assert (refused.status_code, refused.headers["Location"]) == (303, url)
    page = client.get(url).text
    assert "Your text is below: save it again." in page
    assert elements(page, "textarea", name=f"{prompt.id}-text")[0].text.strip() == "Kept while logged in."


def test_passwords_and_tokens_are_never_kept_and_the_text_is_capped(app, client, trainee):
    client.post(
        "/auth/password",
        data={"current": "old secret", "password": "new secret", "confirm": "new secret", "csrf_token": "x"},
        headers=HTML,
    )
    with client.session_transaction() as session:
        assert kept_text.SESSION_KEY not in session
    module, section, prompt = find_prompt(app)
    url = f"/modules/{module.id}/{section.id}"
    post_reflection(client, url, prompt, "x", "y" * 9000)
    with client.session_transaction() as session:
        kept = session[kept_text.SESSION_KEY]["fields"]
    assert 0 < len(kept[f"{prompt.id}-text"]) <= kept_text.MAX_CHARACTERS
    noise = "".join(random.Random(1).choice("abcdefghijklmnopqrstuvwxyzäöü€😀 ") for _ in range(5000))
    post_reflection(client, url, prompt, "x", noise)  # text that does not compress
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert len(cookie.value) < 3800  # browsers drop a cookie over 4 KB, and the login with it


def test_a_passed_result_leads_on_with_the_next_step_first(app, client, trainee):
    url, page = start(client)
    client.post(
        url,
        data=MultiDict(
            [
                ("csrf_token", csrf_token(page)),
                ("action", "submit"),
                *answer_fields(drawn_questions(app, page), True),
            ]
        ),
    )
    result = client.get(f"{url}/result").text
    step = elements(result, "p", class_="next-step")[0]
    assert "Module overview" in step.text
    assert "Back to the quiz" not in text_of(result)
    assert f"{len(drawn_questions(app, page))} right · 0 not right" in text_of(result)


def test_enter_in_the_quiz_submits_rather_than_moving_an_item(app, client, trainee, order_quiz):
    url, page = start(client)
    buttons = [b for b in elements(page, "button") if b.get("type") == "submit"]
    default = buttons[buttons.index(elements(page, "button", name="move")[0]) - 1]
    assert default.get("tabindex") == "-1" and "name" not in default  # the form's first submit button
    sent = client.post(
        url, data=MultiDict([("csrf_token", csrf_token(page)), *page_fields(page, order_quiz)])
    )
    assert sent.status_code == 200 and "You have not answered" in sent.text  # the submit path, asking first


def test_the_attempts_table_gives_times_the_html_checker_accepts(app, client, trainee):
    url, page = start(client)
    client.post(url, data={"csrf_token": csrf_token(page), "action": "submit", "confirm_unanswered": "yes"})
    home = client.get(f"/modules/{MODULE}/quiz").text
    [stamp] = [e["datetime"] for e in elements(home, "time")]
    assert "." not in stamp and stamp.endswith("+00:00")

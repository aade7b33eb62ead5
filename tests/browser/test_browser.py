"""PeerPath in real Chromium: a trainee's whole journey and a coordinator's sign-off, every
page audited with axe-core for every role, keyboard-only use, and phone-sized screens."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from app.auth.reset import make_token as make_reset_token
from app.course.graph import best_path, graph_of
from app.extensions import db
from app.models import CertificationEvent, User, utcnow

from .conftest import SCREENSHOTS, STAFF_PASSWORD, log_in, register

MODULE, SCENARIO = "active-listening", "quiet-first-week"


def course(server):
    return server.app.extensions["course"]


def answer_quiz_correctly(page, server, module_id: str = MODULE) -> None:
    quiz = course(server).quiz_for_module[module_id]
    for fieldset in page.locator("fieldset.question").all():
        question = quiz.question_by_id[fieldset.get_attribute("id").removeprefix("question-")]
        if question.type == "order":
            put_in_order(page, question)
        else:
            for option in question.options:
                if option.correct:
                    page.check(f"#q-{question.id}-{option.id}")
    page.click("button[value=submit]")


def shown_order(page, question) -> list[str]:
    prefix = f"item-{question.id}-"
    return [
        item.get_attribute("id").removeprefix(prefix)
        for item in page.locator(f"#question-{question.id} li.order-item").all()
    ]


def put_in_order(page, question) -> None:
    """Move items up, one press (and one page load) at a time, until the order is right; an
    order drawn right already is confirmed as the answer (an untouched order is unanswered)."""
    for position, option in enumerate(question.options):
        while shown_order(page, question).index(option.id) > position:
            with page.expect_navigation():
                page.click(f"button[name=move][value='{question.id}:{option.id}:up']")
    if page.locator(f"#chosen-{question.id}").count():
        page.check(f"#chosen-{question.id}")


def play_best_path(page, server) -> None:
    scenario = course(server).scenario_by_id[SCENARIO]
    page.goto(f"{server.url}/scenarios/{SCENARIO}")
    for edge in best_path(graph_of(scenario), scenario.start):
        if page.locator("textarea[name=reply]").count():
            page.fill(
                "textarea[name=reply]", "It sounds like this first week has been lonelier than you expected."
            )
            page.click("main form button[type=submit]")
        page.check(f"#choice-{edge.choice_id}")
        page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/runs/\d+$"))


def result_flags(page) -> tuple[str, str]:
    summary = page.locator("[data-score]").first
    return summary.get_attribute("data-score"), summary.get_attribute("data-passed")


def test_a_trainee_trains_a_coordinator_signs_off_and_the_certificate_verifies(live_server, new_page):
    base = live_server.url
    trainee = new_page()
    register(trainee, base, "Jordan Journey", "jordan@example.org")

    trainee.goto(f"{base}/modules/{MODULE}")
    trainee.click("main a.button")  # "Start: <first section>"
    reflected = False
    while "/quiz" not in trainee.url:
        if not reflected and trainee.locator("section.reflect textarea").count():
            trainee.locator("section.reflect textarea").first.fill(
                "When my tutor waited for me to finish, I felt heard."
            )
            trainee.locator("section.reflect button").first.click()
            assert "Your reflection is saved" in trainee.inner_text("main")
            reflected = True
        trainee.click("button[data-next]")
    assert reflected

    trainee.click("main form button")  # start the quiz
    answer_quiz_correctly(trainee, live_server)
    assert result_flags(trainee) == ("100", "true")

    play_best_path(trainee, live_server)
    assert result_flags(trainee) == ("100", "true")
    trainee.goto(base + "/")
    assert (
        trainee.get_attribute("[data-certification-status]", "data-certification-status") == "awaiting_review"
    )

    coordinator = new_page()
    log_in(coordinator, base, "coordinator@example.org", STAFF_PASSWORD)
    coordinator.goto(f"{base}/coordinator/?q=jordan")
    coordinator.click("text=Jordan Journey")
    coordinator.fill("form[action$='/sign-off'] textarea", "Met in person; ready to be matched.")
    coordinator.click("text=Sign off as ready to be matched")
    assert (
        coordinator.get_attribute("[data-certification-status]", "data-certification-status") == "certified"
    )

    trainee.goto(base + "/")
    assert trainee.get_attribute("[data-certification-status]", "data-certification-status") == "certified"
    trainee.click("a[href^='/verify/']")
    assert trainee.get_attribute("[data-certificate-state]", "data-certificate-state") == "valid"
    assert "Jordan Journey" in trainee.inner_text("main") and "jordan@example.org" not in trainee.content()


def violations(page) -> list[str]:
    """Everything axe-core finds on the page, whatever its impact."""
    return [
        f"{page.url} at {page.viewport_size['width']}px: {v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
        for v in Axe().run(page).response["violations"]
    ]


def audit(page) -> list[str]:
    """axe at a desktop's and a phone's width, and no sideways scrolling at 320 px (WCAG 1.4.10)."""
    shown_at = page.viewport_size
    problems = []
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        problems += violations(page)
    page.set_viewport_size({"width": 320, "height": 900})
    if page.evaluate("document.documentElement.scrollWidth") > 320:
        problems.append(f"{page.url}: scrolls sideways at 320 px")
    page.set_viewport_size(shown_at)
    return problems


def trainee_with_history(page, server, name: str, email: str) -> dict[str, str]:
    """Register, take the quiz and play the role-play; return the URLs of every trainee page type."""
    base = server.url
    register(page, base, name, email)
    module = course(server).module_by_id[MODULE]
    urls = {
        "dashboard": base + "/",
        "module": f"{base}/modules/{MODULE}",
        "section": f"{base}/modules/{MODULE}/{module.sections[4].id}",
        "quiz": f"{base}/modules/{MODULE}/quiz",
        "password": f"{base}/auth/password",
        "player": f"{base}/scenarios/{SCENARIO}",
    }
    page.goto(urls["quiz"])
    page.click("main form button")
    urls["attempt"] = page.url
    answer_quiz_correctly(page, server)
    urls["result"] = page.url
    play_best_path(page, server)
    urls["ending"] = page.url
    with server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.add(
            CertificationEvent(
                user_id=user.id,
                kind="sign_off",
                at=utcnow(),
                certificate_id=f"cert-{user.id}-audit",
                module_versions={m.id: m.version for m in course(server).modules},
            )
        )
        user.standing_stale = True
        db.session.commit()
        urls["mentor"] = f"{base}/coordinator/mentors/{user.id}"
        urls["account"] = f"{base}/admin/users/{user.id}"
        urls["reset"] = f"{base}/auth/reset/{make_reset_token(user)}"
        urls["verify"] = f"{base}/verify/cert-{user.id}-audit"
    urls["certificate"] = f"{base}/certificate"
    return urls


def test_every_page_type_for_every_role_passes_axe_at_both_widths_and_fits_320_px(live_server, new_page):
    base = live_server.url
    trainee = new_page()
    urls = trainee_with_history(trainee, live_server, "Avery Audit", "avery@example.org")
    problems = []
    for name in (
        "dashboard",
        "module",
        "section",
        "quiz",
        "attempt",
        "result",
        "player",
        "ending",
        "password",
        "certificate",
    ):
        if name == "attempt":
            trainee.goto(urls["quiz"])
            trainee.click("main form button")
        else:
            trainee.goto(urls[name])
        problems += audit(trainee)
    visitor = new_page()
    for url in (
        "/",
        "/auth/login",
        "/auth/register",
        "/auth/reset",
        urls["reset"].removeprefix(base),
        "/auth/reset/not-a-valid-link",
        urls["verify"].removeprefix(base),
        "/no-such-page",
        "/verify/",
        "/verify/no-such-certificate",
        "/api/v1/docs",
        "/privacy",
    ):
        visitor.goto(base + url)
        problems += audit(visitor)
    visitor.goto(base + "/auth/login")
    visitor.click("main button[type=submit]")  # a form with errors
    problems += audit(visitor)
    coordinator = new_page()
    log_in(coordinator, base, "coordinator@example.org", STAFF_PASSWORD)
    for url in (
        "/coordinator/",
        "/coordinator/cohorts",
        "/coordinator/standards",
        "/coordinator/sessions",
        urls["mentor"].removeprefix(base),
        urls["mentor"].removeprefix(base) + "/revoke",
        "/coordinator/?status=certified&sort=progress",
    ):
        coordinator.goto(base + url)
        problems += audit(coordinator)
    author = new_page()
    log_in(author, base, "author@example.org", STAFF_PASSWORD)
    for url in ("/author/", f"/author/quizzes/{MODULE}", f"/author/scenarios/{SCENARIO}"):
        author.goto(base + url)
        problems += audit(author)
    admin = new_page()
    log_in(admin, base, "admin@example.org", STAFF_PASSWORD)
    admin.goto(base + "/admin/tokens")
    admin.fill("#name", "Matching system")
    admin.click("main form:last-of-type button[type=submit]")
    assert admin.locator("[data-secret]").count() == 1  # the page that shows a new token once
    problems += audit(admin)
    admin.goto(base + "/admin/webhooks")
    admin.fill("#url", "http://127.0.0.1:9/peerpath")
    admin.click("main form:last-of-type button[type=submit]")
    assert admin.locator("[data-secret]").count() == 1  # the endpoint's signing secret, once
    problems += audit(admin)
    admin.goto(base + "/admin/webhooks")
    admin.fill("#url", "http://matching.example.org/hook")  # refused: not https
    admin.click("main form:last-of-type button[type=submit]")
    problems += audit(admin)
    admin.click("main table a")  # the endpoint's page
    problems += audit(admin)
    for url in ("/admin/users", urls["account"].removeprefix(base), "/admin/audit", "/admin/users?role=nope"):
        admin.goto(base + url)
        problems += audit(admin)
    assert problems == []


def has_visible_focus(page) -> bool:
    return page.evaluate("""() => { const s = getComputedStyle(document.activeElement);
        return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; }""")


def test_the_quiz_and_the_role_play_work_with_the_keyboard_alone(live_server, new_page):
    base = live_server.url
    page = new_page()
    register(page, base, "Kit Keyboard", "kit@example.org")
    page.goto(f"{base}/modules/{MODULE}/quiz")
    page.focus("main form button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/attempts/\d+$"))
    quiz = course(live_server).quiz_for_module[MODULE]
    handled, focus_checked = set(), False
    for _ in range(300):
        page.keyboard.press("Tab")
        active = page.evaluate(
            "() => ({name: document.activeElement.name || '', type: document.activeElement.type || '', value: document.activeElement.value || ''})"
        )
        name = active["name"]
        if active["type"] == "submit" and active["value"] == "submit":
            assert has_visible_focus(page)
            with page.expect_navigation():
                page.keyboard.press("Enter")
            break
        match = re.fullmatch(r"q-(.+)", name)
        if not match and name != "move":
            continue
        if active["type"] in ("radio", "checkbox"):
            question = quiz.question_by_id[match.group(1)]
            focus_checked = focus_checked or has_visible_focus(page)
            if active["type"] == "radio" and question.id not in handled:
                handled.add(question.id)
                right = next(o.id for o in question.options if o.correct)
                for _ in range(len(question.options) + 1):
                    if (
                        page.evaluate(
                            f"() => document.querySelector('input[name=\"q-{question.id}\"]:checked')?.value"
                        )
                        == right
                    ):
                        break
                    if page.evaluate("() => document.activeElement.value") == right:
                        page.keyboard.press("Space")
                    else:
                        page.keyboard.press("ArrowDown")
            elif active["type"] == "checkbox" and active["value"] in question.option_by_id:
                if question.option_by_id[active["value"]].correct:
                    page.keyboard.press("Space")
        elif name == "move":
            # Press "Move up" while the item belongs higher; the page comes back at the moved item,
            # so the next Tab reaches its buttons again.
            question_id, option_id, direction = active["value"].split(":")
            question = quiz.question_by_id[question_id]
            right = [o.id for o in question.options]
            if direction == "up" and right.index(option_id) < shown_order(page, question).index(option_id):
                with page.expect_navigation():
                    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/result$"))
    assert focus_checked
    assert result_flags(page) == ("100", "true")

    scenario = course(live_server).scenario_by_id[SCENARIO]
    page.goto(f"{base}/scenarios/{SCENARIO}")
    for edge in best_path(graph_of(scenario), scenario.start):
        if page.locator("textarea[name=reply]").count():
            page.focus("textarea[name=reply]")
            page.keyboard.type("You sound unsure it is working out.")
            page.keyboard.press("Tab")
            with page.expect_navigation():
                page.keyboard.press("Enter")
        page.focus("input[name=choice] >> nth=0")
        for _ in range(5):
            if page.evaluate("() => document.activeElement.value") == edge.choice_id:
                break
            page.keyboard.press("ArrowDown")
        page.keyboard.press("Space")
        assert has_visible_focus(page)
        page.keyboard.press("Tab")
        with page.expect_navigation():
            page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/runs/\d+$"))
    assert result_flags(page) == ("100", "true")


def test_pages_fit_a_phone_and_screenshots_are_kept(live_server, new_page):
    SCREENSHOTS.mkdir(exist_ok=True)
    phone = new_page(390)
    urls = trainee_with_history(phone, live_server, "Pat Phone", "pat@example.org")
    wide = new_page(1280)
    log_in(wide, live_server.url, "pat@example.org", "a long trainee password")
    for name in (
        "dashboard",
        "module",
        "section",
        "quiz",
        "result",
        "player",
        "ending",
        "certificate",
        "password",
    ):
        phone.goto(urls[name])
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390, name
        assert phone.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 16, name
    for name in ("dashboard", "section", "attempt", "player"):
        for page, width in ((phone, 390), (wide, 1280)):
            if name == "attempt":
                page.goto(urls["quiz"])
                page.locator(
                    "main form button, main a.button"
                ).first.click()  # start, or continue the open one
                page.wait_for_url(re.compile(r".*/attempts/\d+$"))
            else:
                page.goto(urls[name])
            page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 10_000


def test_a_coordinator_sets_up_two_step_login_and_logs_in_with_a_code(live_server, new_page):
    """Two-step login end to end in Chromium: set up with the key typed from the page, then log in
    with the app's code on a phone and with a recovery code on a desktop; the code fields reached
    and used with the keyboard; every page axe-clean and no wider than a phone at 390px."""
    import time

    import pyotp

    from app.auth.services import create_user
    from app.models import Role

    base, email = live_server.url, "tess.two-step@example.org"
    with live_server.app.app_context():
        create_user(email, "Tess Two-Step", STAFF_PASSWORD, Role.COORDINATOR)
        db.session.commit()
    problems = []

    def audit(page, widths=(1280, 390)):
        for width in widths:
            page.set_viewport_size({"width": width, "height": 900})
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (page.url, width)
            problems.extend(violations(page))
        page.set_viewport_size({"width": widths[0], "height": 900})

    def type_in(page, field_id: str, text: str) -> None:
        """Tab to the field from the top of the page, type, and press Enter to submit."""
        page.focus("body")
        for _ in range(30):
            page.keyboard.press("Tab")
            if page.evaluate("() => document.activeElement.id") == field_id:
                break
        assert page.evaluate("() => document.activeElement.id") == field_id
        assert has_visible_focus(page)
        page.keyboard.type(text)
        with page.expect_navigation():
            page.keyboard.press("Enter")

    desk = new_page(1280)
    log_in(desk, base, email, STAFF_PASSWORD)
    desk.goto(f"{base}/auth/two-factor")
    assert desk.locator("main svg.qr-code").is_visible()
    audit(desk)
    totp = pyotp.TOTP(desk.inner_text("[data-secret-key]").replace(" ", ""))  # as someone who cannot scan
    type_in(desk, "code", "000000" if totp.now() != "000000" else "111111")
    assert desk.locator("#code-error").is_visible()  # a wrong code: the form again, with the error
    audit(desk)
    type_in(desk, "code", totp.now())
    codes = desk.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    audit(desk)  # the recovery codes, shown once
    desk.click("main a.button")  # "I have saved them"
    assert desk.locator("[data-second-factor=on]").is_visible()
    audit(desk)
    desk.click(".site-header form button")  # log out

    phone = new_page(390)
    phone.goto(f"{base}/auth/login")
    phone.fill("#email", email)
    phone.fill("#password", STAFF_PASSWORD)
    phone.click("main button[type=submit]")
    phone.wait_for_url(f"{base}/auth/login/code")
    audit(phone, widths=(390, 1280))
    assert phone.get_attribute("#code", "inputmode") == "numeric"
    assert phone.get_attribute("#code", "autocomplete") == "one-time-code"
    # The code of the next 30-second step: the one shown at set-up is used up, and a phone a
    # little ahead of the server is allowed for.
    type_in(phone, "code", totp.at(time.time() + 30))
    assert phone.url == f"{base}/coordinator/"  # a coordinator's home

    desk.goto(f"{base}/auth/login")
    desk.fill("#email", email)
    desk.fill("#password", STAFF_PASSWORD)
    desk.click("main button[type=submit]")
    desk.wait_for_url(f"{base}/auth/login/code")
    type_in(desk, "recovery_code", codes[0])
    assert desk.url == f"{base}/coordinator/" and "9 left" in desk.inner_text("main")
    audit(desk)
    assert problems == []

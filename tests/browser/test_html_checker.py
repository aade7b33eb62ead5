"""The Nu Html Checker (vnu.jar, installed by `make tools`) on the HTML the server sends for
every kind of page, as every role: zero errors."""

from __future__ import annotations

import json
import shutil
import subprocess

from app.config import PROJECT_ROOT

from .conftest import STAFF_PASSWORD, log_in
from .test_browser import MODULE, SCENARIO, trainee_with_history

VNU_JAR = PROJECT_ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


def html_errors(documents: dict[str, str], folder) -> list[str]:
    """``name:line: message`` for every error vnu finds in ``documents`` (name -> HTML)."""
    assert VNU_JAR.exists(), f"{VNU_JAR} is missing: run `make tools` (npm and Java are needed)"
    assert shutil.which("java"), "Java is missing: apt-get install default-jre-headless"
    paths = []
    for number, (name, html) in enumerate(documents.items()):
        path = folder / f"{number:02d}.html"
        path.write_text(html)
        paths.append((path, name))
    names = {path.name: name for path, name in paths}
    finished = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", "--stdout"]
        + [str(path) for path, _ in paths],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(finished.stdout)["messages"]
    return [
        f"{names.get(m.get('url', '').rpartition('/')[2], m.get('url'))}:{m.get('lastLine', '?')}: {m['message']}"
        for m in messages
        if m["type"] == "error"
    ]


def fetch_all(page, base: str, urls) -> dict[str, str]:
    """The server's own HTML (not the browser's DOM), with the page's cookies."""
    documents = {}
    for url in urls:
        response = page.request.get(base + url)
        assert response.ok, (url, response.status)
        documents[url] = response.text()
    return documents


def test_every_page_type_is_valid_html(live_server, new_page, tmp_path):
    base = live_server.url
    trainee = new_page()
    urls = trainee_with_history(trainee, live_server, "Val Idator", "val@example.org")
    relative = {name: url.removeprefix(base) for name, url in urls.items()}
    documents = fetch_all(
        trainee,
        base,
        [
            relative[name]
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
                "verify",
            )
        ],
    )
    trainee.goto(base + relative["quiz"])
    trainee.locator("main form button, main a.button").first.click()  # a fresh attempt page
    documents["open attempt"] = trainee.request.get(trainee.url).text()

    visitor = new_page()
    documents |= {
        f"visitor {url}": html
        for url, html in fetch_all(
            visitor,
            base,
            [
                "/",
                "/auth/login",
                "/auth/register",
                "/auth/reset",
                "/privacy",
                "/api/v1/docs",
                relative["reset"],
            ],
        ).items()
    }
    visitor.goto(base + "/auth/register")
    visitor.click("main button[type=submit]")  # a form with errors
    documents["register with errors"] = visitor.content()
    documents["visitor /verify/"] = visitor.request.get(base + "/verify/").text()
    for missing in ("/no-such-page", "/verify/no-such-certificate"):
        documents[f"visitor {missing}"] = visitor.request.get(base + missing).text()

    for email, pages in (
        (
            "coordinator@example.org",
            [
                "/coordinator/",
                "/coordinator/cohorts",
                "/coordinator/standards",
                "/coordinator/sessions",
                relative["mentor"],
                "/coordinator/?status=certified&sort=progress",
            ],
        ),
        ("author@example.org", ["/author/", f"/author/quizzes/{MODULE}", f"/author/scenarios/{SCENARIO}"]),
        (
            "admin@example.org",
            ["/admin/users", relative["account"], "/admin/audit", "/admin/tokens", "/admin/webhooks"],
        ),
    ):
        staff = new_page()
        log_in(staff, base, email, STAFF_PASSWORD)
        documents |= {f"{email} {url}": html for url, html in fetch_all(staff, base, pages).items()}

    assert html_errors(documents, tmp_path) == []

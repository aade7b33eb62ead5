"""`make bench`: PeerPath under load on this machine, every page as a ratio of a trivial route.

1. A fresh database (SQLite, or PostgreSQL with --pg and DATABASE_URL) is migrated and seeded
   with 100 trainees; each page's SQL statements are counted in-process; it is seeded up to
   10,000 and counted again.
2. gunicorn serves it with 2 workers; a separate load generator (bench/load.py, several
   processes on loopback) measures requests/s and p50/p95 latency per page, /healthz in the
   same run as the baseline.
3. A table is printed with the budgets as pass/fail. Nothing here is a test: it measures.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from flask import session
from flask_login import login_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import event, select, text

from app import create_app
from app.extensions import db
from app.models import QuizAttempt, Role, Standing, User

from .load import USER_AGENT, Request, Result, run_load, send

ROOT = Path(__file__).resolve().parent.parent
QUIZ_MODULE = "active-listening"
SCENARIO = "draft-cover-letter"  # its first turn has no typed reply: one POST is one step
SECRET = "bench-secret"
HEALTHZ_AGAIN = "/healthz (at the end)"
MAX_DRIFT = 0.2  # the most /healthz may move between the start and the end of a trusted run


@dataclass
class Page:
    name: str
    requests: list[Request]
    once: bool = False  # each request may be sent only once (submissions)
    budget_ratio: float | None = None  # minimum throughput as a share of /healthz
    statement_budget: int | None = None


def flask(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def signed_in(app, user_id: int) -> tuple[tuple[str, str], str]:
    """A session cookie for the user and a CSRF token, made as the login form would (no scrypt)
    for the load generator's address and user agent."""
    with app.test_request_context(
        environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": USER_AGENT}
    ):
        login_user(db.session.get(User, user_id))
        token = generate_csrf()
        cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return ("Cookie", f"session={cookie}"), token


def post(path: str, cookie, fields: list[tuple[str, str]]) -> Request:
    return Request(
        "POST",
        path,
        urlencode(fields).encode(),
        (cookie, ("Content-Type", "application/x-www-form-urlencoded")),
    )


def right_answers(quiz, draw: list[dict]) -> list[tuple[str, str]]:
    fields = []
    for item in draw:
        question = quiz.question_by_id[item["question"]]
        if question.type == "order":
            fields += [(f"q-{question.id}-{o.id}", str(n + 1)) for n, o in enumerate(question.options)]
        else:
            right = [o for o in question.options if o.correct]
            fields += [(f"q-{question.id}", o.id) for o in right]
    return fields


# Minimum throughput as a share of /healthz (issue 21). On PostgreSQL every statement is a round
# trip to another process, so its budgets are lower.
BUDGETS = {
    "sqlite": {"learner": 0.33, "staff": 0.15},
    "postgresql": {"learner": 0.25, "staff": 0.12},
}


def build_pages(app, fresh_trainees: list[int], prepared: int, budgets: dict | None = None) -> list[Page]:
    """Every page in the table, with what it takes to request it: sessions, open attempts, runs."""
    budgets = budgets or {"learner": None, "staff": None}
    course = app.extensions["course"]
    module = course.module_by_id[QUIZ_MODULE]
    quiz = course.quiz_for_module[QUIZ_MODULE]
    scenario = course.scenario_by_id[SCENARIO]
    with app.app_context():
        reader = db.session.scalar(select(User.id).where(User.email == "trainee@example.org"))
        coordinator = db.session.scalar(select(User.id).where(User.role == Role.COORDINATOR.value))
    reader_cookie, _ = signed_in(app, reader)
    staff_cookie, _ = signed_in(app, coordinator)
    client = app.test_client()
    section = module.sections[2]
    section_path = f"/modules/{module.id}/{section.id}"
    submissions, turns, first_reads = [], [], []
    for trainee in fresh_trainees[:prepared]:
        cookie, token = signed_in(app, trainee)
        client.set_cookie("session", cookie[1].removeprefix("session="))
        started = client.post(f"/modules/{QUIZ_MODULE}/quiz/attempts", data={"csrf_token": token})
        if started.status_code != 302:
            raise SystemExit(
                f"starting an attempt answered {started.status_code}: {started.text[started.text.find('<main') :][:600]}"
            )
        attempt_path = started.headers["Location"]
        with app.app_context():
            draw = db.session.get(QuizAttempt, int(attempt_path.rsplit("/", 1)[1])).draw
        submissions.append(
            post(
                attempt_path,
                cookie,
                [("csrf_token", token), ("action", "submit"), *right_answers(quiz, draw)],
            )
        )
        first_reads.append(Request("GET", section_path, None, (cookie,)))
        first = scenario.nodes[scenario.start].choices[0]
        turns.append(
            post(
                f"/scenarios/{scenario.id}",
                cookie,
                [("csrf_token", token), ("node", scenario.start), ("position", "0"), ("choice", first.id)],
            )
        )
    return [
        Page("/healthz", [Request("GET", "/healthz")]),
        Page(
            "section page",
            [Request("GET", section_path, None, (reader_cookie,))],
            budget_ratio=budgets["learner"],
            statement_budget=4,
        ),
        # The same page read for the first time by 600 trainees: the two writes that record it.
        Page("  first read", first_reads, once=True, statement_budget=4),
        Page(
            "dashboard",
            [Request("GET", "/", None, (reader_cookie,))],
            budget_ratio=budgets["learner"],
            statement_budget=4,
        ),
        Page("quiz submission", submissions, once=True, statement_budget=None),
        Page("scenario step", turns, once=True, statement_budget=None),
        Page(
            "coordinator list p1",
            [Request("GET", "/coordinator/", None, (staff_cookie,))],
            budget_ratio=budgets["staff"],
        ),
        Page(
            "name search",
            [Request("GET", "/coordinator/?q=patel", None, (staff_cookie,))],
            budget_ratio=budgets["staff"],
        ),
        Page(
            "filtered search",
            [
                Request(
                    "GET",
                    "/coordinator/?q=patel&status=in_training&sort=progress&order=desc",
                    None,
                    (staff_cookie,),
                )
            ],
        ),
        # Typed replies waiting for a score, oldest first (issue 26): the first page of 50.
        Page(
            "reply queue",
            [Request("GET", "/coordinator/replies", None, (staff_cookie,))],
            budget_ratio=budgets["staff"],
        ),
    ]


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statement_counts(database_url: str) -> dict[str, int]:
    """SQL statements per page, in-process, for one request each after a warm-up request."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET})
    counts = {}
    # Requests run outside any pushed app context, as in a server: each gets its own g.
    with app.app_context():
        fresh = fresh_trainees(app, 2)
        engine = db.engine
    pages = build_pages(app, fresh, prepared=2)
    client = app.test_client()
    csv = Request("GET", "/coordinator/mentors.csv", None, pages[-1].requests[0].headers)
    for page in [*pages, Page("CSV export", [csv])]:
        warm, measured = (page.requests[0], page.requests[1]) if page.once else (page.requests[0],) * 2
        if not page.once:
            _in_process(client, warm)
        with counting(engine) as statements:
            _in_process(client, measured)
        counts[page.name] = len(statements)
    engine.dispose()
    return counts


def _in_process(client, request: Request) -> None:
    headers = request.sent_headers
    client.set_cookie(
        "session", headers.pop("Cookie").removeprefix("session=")
    ) if "Cookie" in headers else None
    response = client.open(request.path, method=request.method, data=request.body, headers=headers)
    if response.status_code >= 400:
        raise SystemExit(f"{request.method} {request.path} answered {response.status_code} during counting")
    response.close()


def fresh_trainees(app, count: int) -> list[int]:
    """Seeded trainees who have not started: free to start an attempt and a role-play."""
    return list(
        db.session.scalars(
            select(User.id)
            .join(Standing, Standing.user_id == User.id)
            .where(
                Standing.status == "not_started",
                User.last_activity_at.is_(None),
                User.email.like("trainee-%"),
            )
            .order_by(User.id.desc())
            .limit(count)
        )
    )


def analyze(database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET})
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("ANALYZE"))
        db.engine.dispose()


def serve(env: dict, port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "app:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if send(port, Request("GET", "/healthz"))[0] == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"gunicorn did not start:\n{log.read_text()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pg", action="store_true", help="use DATABASE_URL (PostgreSQL) instead of a new SQLite file"
    )
    parser.add_argument("--trainees", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="per page")
    parser.add_argument("--clients", type=int, default=4, help="concurrent client processes")
    parser.add_argument("--port", type=int, default=8731)
    options = parser.parse_args()

    # The demo content's safeguarding procedure is the shipped example, which only a demo may
    # serve; set before any app is built, here or in the subprocesses that inherit it.
    os.environ.setdefault("PEERPATH_DEMO", "1")
    workdir = Path(tempfile.mkdtemp(prefix="peerpath-bench-"))
    if options.pg:
        database_url = os.environ["DATABASE_URL"]
    else:
        database_url = f"sqlite:///{workdir / 'bench.db'}"
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET, "PYTHONUNBUFFERED": "1"}
    print(
        f"PeerPath benchmark on {database_url.split(':', 1)[0]}, {os.cpu_count()} CPUs, {options.clients} client processes"
    )
    if options.pg:
        flask(env, "db", "downgrade", "base")
    flask(env, "db", "upgrade")
    flask(env, "seed-demo", "--trainees", "100", "--seed", "1")
    counts_small = statement_counts(database_url)
    started = time.perf_counter()
    flask(env, "seed-demo", "--trainees", str(options.trainees - 100), "--seed", "2")
    print(
        f"Seeded {options.trainees:,} trainees in {time.perf_counter() - started:.1f} s (plus 100 for the first count)"
    )
    analyze(database_url)  # fresh statistics, as autovacuum (PostgreSQL) or a DBA (SQLite) keeps them
    counts_large = statement_counts(database_url)

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET})
    with app.app_context():
        fresh = fresh_trainees(app, 600)
    pages = build_pages(app, fresh, prepared=600, budgets=BUDGETS[database_url.split("+")[0].split(":")[0]])
    with app.app_context():
        db.engine.dispose()
    process = serve(env, options.port, workdir / "gunicorn.log")
    try:
        results: dict[str, Result] = {}
        for page in pages:
            if not page.once:
                run_load(options.port, page.requests, options.clients, 0.5)  # warm both workers
            results[page.name] = run_load(
                options.port,
                page.requests,
                options.clients,
                None if page.once else options.seconds,
                server=process.pid,
            )
        # The machine drifts during a run: /healthz again at the end, and the baseline is the mean.
        results[HEALTHZ_AGAIN] = run_load(
            options.port, pages[0].requests, options.clients, options.seconds, server=process.pid
        )
        csv_request = Request("GET", "/coordinator/mentors.csv", None, pages[-1].requests[0].headers)
        csv_times = []
        for _ in range(3):
            began = time.perf_counter()
            status, body = send(options.port, csv_request)
            csv_times.append(time.perf_counter() - began)
        csv_rows = body.count(b"\n") - 1
    finally:
        process.terminate()
        process.wait(timeout=20)
    report(pages, results, counts_small, counts_large, sorted(csv_times)[1], csv_rows, options.trainees)
    shutil.rmtree(workdir, ignore_errors=True)


def report(pages, results, small, large, csv_seconds, csv_rows, trainees) -> None:
    first, last = results["/healthz"].per_second, results[HEALTHZ_AGAIN].per_second
    base = (first + last) / 2
    print()
    print(f"/healthz: {first:.0f} req/s first, {last:.0f} last; ratios are to the mean, {base:.0f}")
    print("CPU columns: milliseconds of CPU per request spent by gunicorn's workers (app) and by")
    print("the load generator (load); both share the machine's CPUs.")
    print(
        f"{'page':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'× healthz':>11}{'errors':>8}"
        f"{'SQL@100':>9}{'SQL@' + format(trainees, ','):>11}{'app CPU':>9}{'load CPU':>10}  budget"
    )
    verdicts = []
    for page in pages:
        result = results[page.name]
        ratio = result.per_second / base if base else 0
        checks = []
        if page.budget_ratio is not None:
            checks.append((ratio >= page.budget_ratio, f"≥{page.budget_ratio}× healthz"))
        if page.name != "/healthz":
            checks.append((small.get(page.name) == large.get(page.name), "same SQL at both sizes"))
        if page.statement_budget is not None:
            checks.append(
                (large.get(page.name, 99) <= page.statement_budget, f"≤{page.statement_budget} SQL")
            )
        checks.append((result.errors == 0, "no errors"))
        verdicts += checks
        verdict = ", ".join(("PASS " if ok else "FAIL ") + what for ok, what in checks)
        print(
            f"{page.name:<22}{result.per_second:>9.0f}{result.percentile(0.5):>9.1f}{result.percentile(0.95):>9.1f}"
            f"{ratio:>11.2f}{result.errors:>8}{small.get(page.name, 0):>9}{large.get(page.name, 0):>11}"
            f"{result.cpu_ms_per_request(result.server_cpu_seconds):>9.2f}"
            f"{result.cpu_ms_per_request(result.client_cpu_seconds):>10.2f}  {verdict}"
        )
    csv_ok = csv_seconds < 2.0 and csv_rows >= trainees
    same = small["CSV export"] == large["CSV export"]
    verdicts += [csv_ok, same]
    print(
        f"{'CSV export':<22}{'':>9}{csv_seconds * 1000:>9.0f}{'':>9}{'':>11}{'':>8}{small['CSV export']:>9}"
        f"{large['CSV export']:>11}{'':>19}  {'PASS' if csv_ok else 'FAIL'} {csv_rows:,} rows in under 2 s, "
        f"{'PASS' if same else 'FAIL'} same SQL at both sizes"
    )
    met = all(v[0] if isinstance(v, tuple) else v for v in verdicts)
    drift = abs(first - last) / max(first, last) if max(first, last) else 0.0
    print()
    if drift > MAX_DRIFT:
        # A baseline that moved this much inflates or deflates every ratio; such a run once
        # printed "Every budget met" because /healthz had halved by its end.
        print(
            f"/healthz moved {drift:.0%} between the start and the end: the ratios are not reliable. Run again."
        )
    elif met:
        print("Every budget met.")
    else:
        print("Some budgets are not met.")


if __name__ == "__main__":
    main()

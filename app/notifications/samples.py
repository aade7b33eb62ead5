"""docs/emails.md: every kind of email as its reader sees the plain-text part, rendered from the
templates with a sample person and context. Regenerate after changing a template:

    .venv/bin/python -m app.notifications.samples > docs/emails.md

tests/web/test_emails.py fails while the committed file differs from what this prints.
"""

from __future__ import annotations

from datetime import date

from ..course.notifications import (
    CERTIFIED,
    DIGEST,
    EXPIRING,
    INACTIVITY,
    RENEWAL,
    REPLIES_SCORED,
    SESSION_CHANGED,
)
from ..models import Role, User
from .emails import describe, render

SITE = "https://peerpath.example.org"
TRAINEE = User(id=101, name="Sam Okafor", email="sam@example.org", role=Role.TRAINEE.value)
COORDINATOR = User(id=102, name="Priya Shah", email="priya@example.org", role=Role.COORDINATOR.value)
EXPIRES = date(2027, 3, 3)

# (heading, recipient, kind, context): each kind once, and the variants a reader would meet.
SAMPLES = (
    (
        "Reminder after a week away",
        TRAINEE,
        INACTIVITY,
        {
            "days_idle": 7,
            "started": True,
            "next_step": "Active listening: the quiz",
            "next_url": f"{SITE}/modules/active-listening/quiz",
        },
    ),
    (
        "Reminder to someone who has not started",
        TRAINEE,
        INACTIVITY,
        {
            "days_idle": 21,
            "started": False,
            "next_step": "Start: Active listening \u2014 Why listening comes first",
            "next_url": f"{SITE}/modules/active-listening/why-listening-comes-first",
        },
    ),
    (
        "Renewal: the window opens",
        TRAINEE,
        RENEWAL,
        {
            "stage": "window",
            "expires_on": EXPIRES,
            "url": f"{SITE}/",
            "to_redo": ["Safeguarding basics (changed since you passed it)", "Background check"],
        },
    ),
    (
        "Renewal: a week before expiry",
        TRAINEE,
        RENEWAL,
        {
            "stage": "final",
            "expires_on": EXPIRES,
            "url": f"{SITE}/",
            "to_redo": ["pass each module's quiz again"],
        },
    ),
    (
        "A requirement lapsing: to the mentor",
        TRAINEE,
        EXPIRING,
        {
            "requirement": "Background check",
            "expires_on": EXPIRES,
            "for_coordinator": False,
            "mentor_name": TRAINEE.name,
            "mentor_url": f"{SITE}/coordinator/mentors/101",
            "url": f"{SITE}/",
        },
    ),
    (
        "A requirement lapsing: to their coordinator (safeguarding)",
        COORDINATOR,
        EXPIRING,
        {
            "requirement": "Background check",
            "expires_on": EXPIRES,
            "for_coordinator": True,
            "mentor_name": TRAINEE.name,
            "mentor_url": f"{SITE}/coordinator/mentors/101",
            "url": f"{SITE}/",
        },
    ),
    (
        "Certified",
        TRAINEE,
        CERTIFIED,
        {
            "verify_url": f"{SITE}/verify/3f2a9c",
            "certificate_url": f"{SITE}/certificate",
            "expires_on": date(2028, 12, 7),
        },
    ),
    ("Replies scored", TRAINEE, REPLIES_SCORED, {"count": 3, "url": f"{SITE}/practice/feedback"}),
    (
        "A live session changed",
        TRAINEE,
        SESSION_CHANGED,
        {
            "title": "Listening practice",
            "cancelled": False,
            "starts": "Tuesday 12 January 2027, 18:00 GMT",
            "place": "Community Hall, Room 2",
            "url": f"{SITE}/sessions/4",
        },
    ),
    (
        "A live session cancelled",
        TRAINEE,
        SESSION_CHANGED,
        {
            "title": "Listening practice",
            "cancelled": True,
            "starts": "Tuesday 12 January 2027, 18:00 GMT",
            "place": "Community Hall, Room 2",
            "url": f"{SITE}/sessions",
        },
    ),
    (
        "The coordinator's weekly digest",
        COORDINATOR,
        DIGEST,
        {
            "cohort": "Spring 2027",
            "awaiting": [{"name": "Alex Moreno", "url": f"{SITE}/coordinator/mentors/7", "since": "4 December 2026, 3 days ago"}],
            "stalled": [
                {"name": "Jo Baker", "url": f"{SITE}/coordinator/mentors/9", "since": "2 November 2026, 35 days ago"}
            ],
            "expiring": [{"name": "Sam Okafor", "url": f"{SITE}/coordinator/mentors/101", "on": EXPIRES}],
            "replies_to_review": 4,
            "queue_url": f"{SITE}/coordinator/replies",
            "list_url": f"{SITE}/coordinator/",
        },
    ),
)

INTRO = """# What PeerPath's emails say

PeerPath sends these emails on its own (`flask --app app notify`; the rules are under
`notifications:` in content/program.yaml). Each is written once, as a Jinja template producing
Markdown in `app/templates/emails/<kind>.md`, and sent with two parts made from it: the plain
text below, and HTML (the same Markdown turned into HTML, in `_layout.html`). Its first line is
the subject; the footer (`_footer.md`) says why the person gets it and carries two links: stop
this kind of email in one click, and choose which emails to get.

Every email also has the headers of RFC 8058, so a mail client can offer its own unsubscribe
button that works without opening the site:

```text
List-Unsubscribe: <https://peerpath.example.org/email/unsubscribe/…>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
```

The links' tokens are signed and never expire. A coordinator's copy of a requirement warning is
a safeguarding notice: only the coordinator's own choice stops it, never the mentor's.

Generated by `.venv/bin/python -m app.notifications.samples > docs/emails.md` with sample people
and links; tokens are shown as `…`.
"""


def document() -> str:
    """The whole of docs/emails.md (inside an app context: the templates and programme's name)."""
    parts = [INTRO]
    for heading, recipient, kind, context in SAMPLES:
        rendered = render(recipient, kind, context)
        parts.append(
            f"## {heading}\n\n`{kind}`: {describe(kind, recipient).lower()}.\n\n"
            f"**Subject:** {rendered.subject}\n\n```text\n{_hide_tokens(rendered.text)}```\n"
        )
    return "\n".join(parts)


def _hide_tokens(text: str) -> str:
    # A token changes with the secret key; the docs show where it goes, not a value.
    lines = []
    for line in text.splitlines(keepends=True):
        for prefix in (f"{SITE}/email/unsubscribe/", f"{SITE}/email/preferences/"):
            if line.startswith(prefix):
                line = prefix + "…\n"
        lines.append(line)
    return "".join(lines)


def main() -> None:
    from .. import create_app

    # TESTING: a generator of docs, not a server, so the shipped example programme may run it.
    settings = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SECRET_KEY": "samples",
        "PUBLIC_URL": SITE,
    }
    app = create_app(settings)
    with app.app_context():
        print(document(), end="")


if __name__ == "__main__":
    main()

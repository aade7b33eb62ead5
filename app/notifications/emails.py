"""Emails PeerPath sends on its own, rendered from ``templates/emails/<kind>.md``.

One Jinja template per kind writes Markdown: its first line is the subject, the rest the body,
ending with the shared footer. It is rendered twice: once as the plain-text part (Markdown reads
well as text, and a link is written out as its address), once for the HTML part, where every
value is escaped for Markdown before markdown-it (with raw HTML off) turns it into HTML, so a
name such as ``[click](…)`` or ``<b>`` stays text. Both parts therefore say the same thing.

Every email carries a one-click unsubscribe link (RFC 8058: the ``List-Unsubscribe`` and
``List-Unsubscribe-Post`` headers point at the same address as the link in the footer) and a
link to the person's preferences. The tokens never expire: an email read a year late must
still let its reader stop the next one.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import NamedTuple

from flask import current_app, has_request_context, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..course.notifications import (
    CERTIFIED,
    DIGEST,
    EXPIRING,
    INACTIVITY,
    KINDS,
    RENEWAL,
    REPLIES_SCORED,
    SESSION_CHANGED,
)
from ..extensions import db
from ..models import OutboxMessage, Role, User
from ..people.invitations import NoPublicAddress
from ..people.mail import send_email
from ..people.password_links import public_url

# Each link signs with its own salt: an unsubscribe token cannot open the preferences page.
UNSUBSCRIBE_SALT = "email-unsubscribe"
PREFERENCES_SALT = "email-preferences"

TRAINEE_KINDS = (INACTIVITY, RENEWAL, EXPIRING, CERTIFIED, REPLIES_SCORED, SESSION_CHANGED)
STAFF_KINDS = (DIGEST, EXPIRING)
STAFF_ROLES = (Role.COORDINATOR.value, Role.SAFEGUARDING_LEAD.value, Role.ADMIN.value)

# What each kind is, as the preferences and unsubscribe pages name it.
DESCRIPTIONS = {
    INACTIVITY: "Reminders when you have not been on your training for a while",
    RENEWAL: "Notices when your certificate is due for renewal",
    EXPIRING: "A warning before a requirement of yours, such as a background check, lapses",
    CERTIFIED: "The news that you are certified, with your verification link",
    REPLIES_SCORED: "A note when a coordinator has scored your typed replies",
    SESSION_CHANGED: "A note when a live session you signed up for is changed or cancelled",
    DIGEST: "The weekly digest of each cohort you follow",
}
STAFF_DESCRIPTIONS = {
    EXPIRING: "A warning before a mentor's requirement, such as a background check, lapses",
}

# Backslash-escaping any ASCII punctuation is a no-op in CommonMark text, and stops a value
# from opening a link, an emphasis or a list.
MARKDOWN_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False})


class Rendered(NamedTuple):
    subject: str
    text: str
    html: str


def kinds_for(user: User) -> tuple[str, ...]:
    """The kinds of email that can come to this person: a trainee's or mentor's own, or a
    coordinator's (the digest, and the warning about a mentor's lapsing requirement)."""
    return STAFF_KINDS if user.role in STAFF_ROLES else TRAINEE_KINDS if user.role == Role.TRAINEE else ()


def describe(kind: str, user: User) -> str:
    if user.role in STAFF_ROLES:
        return STAFF_DESCRIPTIONS.get(kind, DESCRIPTIONS[kind])
    return DESCRIPTIONS[kind]


def absolute_url(endpoint: str, **values) -> str:
    """The full address of one of the site's pages for an email, from a request or the command line."""
    if has_request_context():
        path = url_for(endpoint, **values)
    else:  # `flask notify`: the path alone; the address comes from PUBLIC_URL
        path = current_app.url_map.bind("localhost").build(endpoint, values)
    link = public_url(path)
    if link is None:
        raise NoPublicAddress("set PUBLIC_URL so emails can carry links to this site")
    return link


def unsubscribe_token(user: User, kind: str) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT).dumps(
        {"user": user.id, "kind": kind}
    )


def preferences_token(user: User) -> str:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=PREFERENCES_SALT).dumps({"user": user.id})


def read_unsubscribe_token(token: str) -> tuple[User, str] | None:
    """The person and kind an unsubscribe link names, or None for a forged or stale one."""
    payload = _load(token, UNSUBSCRIBE_SALT)
    if payload is None or payload.get("kind") not in KINDS:
        return None
    user = _active_user(payload)
    return (user, payload["kind"]) if user is not None else None


def read_preferences_token(token: str) -> User | None:
    payload = _load(token, PREFERENCES_SALT)
    return _active_user(payload) if payload is not None else None


def _load(token: str, salt: str) -> dict | None:
    try:
        payload = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=salt).loads(token)
    except BadSignature:
        return None
    return payload if isinstance(payload, dict) and isinstance(payload.get("user"), int) else None


def _active_user(payload: dict) -> User | None:
    user = db.session.get(User, payload["user"])
    return user if user is not None and user.is_active else None


def render(recipient: User, kind: str, context: dict) -> Rendered:
    """The subject, the plain-text part and the HTML part of one email (for sending and previews)."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of email {kind!r}")
    full = _full_context(recipient, kind, context)
    text = _environment(html=False).get_template(f"{kind}.md").render(full)
    subject, _, body = text.partition("\n")
    markdown = _environment(html=True).get_template(f"{kind}.md").render(full).partition("\n")[2]
    html = (
        _environment(html=False)
        .get_template("_layout.html")
        .render(subject=subject.strip(), body=Markup(MARKDOWN.render(_tidy(markdown))))
    )
    return Rendered(subject.strip(), _tidy(body), html)


def send(recipient: User, kind: str, context: dict) -> OutboxMessage:
    """Queue one email to this person in the caller's transaction (the caller commits)."""
    rendered = render(recipient, kind, context)
    unsubscribe = absolute_url("site.unsubscribe", token=unsubscribe_token(recipient, kind))
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return send_email(recipient.email, rendered.subject, rendered.text, html=rendered.html, headers=headers)


def _full_context(recipient: User, kind: str, context: dict) -> dict:
    return {
        **context,
        "name": recipient.name,
        "organisation": current_app.extensions["course"].program.identity.name,
        "kind": kind,
        "unsubscribe_url": absolute_url("site.unsubscribe", token=unsubscribe_token(recipient, kind)),
        "preferences_url": absolute_url(
            "site.email_preferences_by_token", token=preferences_token(recipient)
        ),
    }


def _tidy(text: str) -> str:
    """Template tags leave blank lines behind: at most one blank line between paragraphs."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def _environment(html: bool) -> Environment:
    """The emails' own Jinja environment, one for each part (built once: a pure function of the
    templates). Not the site's: its globals are the pages', and its escaping is HTML's."""
    key = "email_templates_html" if html else "email_templates_text"
    environment = current_app.extensions.get(key)
    if environment is None:
        environment = Environment(
            loader=FileSystemLoader(f"{current_app.root_path}/templates/emails"),
            autoescape=select_autoescape(["html"]),
            undefined=StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            finalize=_for_markdown if html else _as_text,
        )
        environment.globals["link"] = _markdown_link if html else _text_link
        environment.filters["day"] = _day
        current_app.extensions[key] = environment
    return environment


def _day(value: date | datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def _as_text(value) -> str:
    if isinstance(value, date):
        return _day(value)
    return "" if value is None else value


def _for_markdown(value):
    if isinstance(value, Markup):
        return value
    return MARKDOWN_PUNCTUATION.sub(r"\\\1", str(_as_text(value)))


def _text_link(text: str, url: str) -> str:
    return f"{text}:\n{url}"


def _markdown_link(text: str, url: str) -> Markup:
    return Markup(f"[{_for_markdown(text)}](<{url}>)")

"""``programme:`` in program.yaml: the organisation's name, logo, contact and signatory, checked
by ``content check`` at ``path:line``, and the shipped example refused where it must not reach."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from app.course import load_course
from app.course.errors import display_path
from app.course.identity import EXAMPLE_REFUSED, LOGO_MAX_BYTES, Identity, example_problem
from app.course.program import load_program

from ..helpers import FIXTURE_CONTENT, FIXTURE_QUIZZES

HEADER = """\
title: A programme
modules:
  - module: active-listening
minimum_minutes: 0
sign_off: false
validity_days: 365
"""

IDENTITY = """\
programme:
  name: Riverside Youth Mentoring
  short_name: Riverside
  logo: assets/logo.svg
  contact:
    email: mentoring@riverside.example
    phone: 01632 960123
    url: https://riverside.example/mentoring
  signatory:
    name: Dana Okoro
    role: Programme Director
"""

LOGO = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10"/></svg>'


@pytest.fixture(scope="module")
def course():
    return load_course(FIXTURE_CONTENT, FIXTURE_QUIZZES)


@pytest.fixture
def program(course, tmp_path):
    """Load ``HEADER`` plus ``parts`` as program.yaml, with a logo at assets/logo.svg:
    (program, problems as strings, the text)."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "logo.svg").write_bytes(LOGO)

    def load(*parts: str):
        text = HEADER + "".join(parts)
        file = tmp_path / "program.yaml"
        file.write_text(text, encoding="utf-8")
        loaded, problems = load_program(
            file,
            {m.id: replace(m, standards=()) for m in course.modules},
            {q.id: q for q in course.quizzes},
            {s.id: s for s in course.scenarios},
        )
        return loaded, [str(p) for p in problems], text

    return load


def at(text: str, needle: str, tmp_path: Path) -> str:
    """``path:line:`` of the first line of program.yaml containing ``needle``."""
    line = next(n for n, row in enumerate(text.splitlines(), 1) if needle in row)
    return f"{display_path(tmp_path / 'program.yaml')}:{line}:"


def only(problems: list[str]) -> str:
    assert len(problems) == 1, problems
    return problems[0]


def test_a_full_identity_is_read_with_its_logo(program):
    loaded, problems, _ = program(IDENTITY)
    assert problems == []
    identity = loaded.identity
    assert (identity.name, identity.short, identity.example) == (
        "Riverside Youth Mentoring",
        "Riverside",
        False,
    )
    assert (identity.email, identity.phone, identity.url) == (
        "mentoring@riverside.example",
        "01632 960123",
        "https://riverside.example/mentoring",
    )
    assert (identity.signatory.name, identity.signatory.role) == ("Dana Okoro", "Programme Director")
    assert identity.logo.data == LOGO and identity.logo.media_type == "image/svg+xml"
    assert identity.logo.path == "assets/logo.svg" and len(identity.logo.digest) == 10


def test_without_a_programme_block_the_name_is_peerpath_with_no_signatory(program):
    loaded, problems, _ = program()
    assert problems == [] and loaded.identity == Identity()
    assert (loaded.identity.name, loaded.identity.signatory, loaded.identity.logo) == ("PeerPath", None, None)
    assert not loaded.identity.has_contact


def test_only_the_name_is_required_and_the_short_name_falls_back_to_it(program, tmp_path):
    loaded, problems, _ = program("programme:\n  name: Hillside Mentors\n")
    assert problems == [] and loaded.identity.short == "Hillside Mentors"
    _, problems, text = program("programme:\n  short_name: Hillside\n")
    assert only(problems) == f"{at(text, 'short_name', tmp_path)} programme is missing required key 'name'"


def test_a_misspelt_key_is_reported_at_its_line_with_a_suggestion(program, tmp_path):
    _, problems, text = program(IDENTITY.replace("  signatory:", "  signatry:"))
    assert only(problems) == (
        f"{at(text, 'signatry', tmp_path)} unknown key 'signatry' in programme (did you mean 'signatory'?)"
    )


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("../outside.svg", "'logo' must be a path inside the content directory"),
        ("/etc/logo.svg", "'logo' must be a path inside the content directory"),
        ("assets/../../outside.svg", "'logo' must be a path inside the content directory"),
        ("assets/logo.gif", "'logo' must be an .svg, .png or .webp file, not 'logo.gif'"),
        ("assets/missing.png", "'logo' file 'assets/missing.png' does not exist in the content directory"),
    ],
)
def test_a_logo_outside_the_tree_of_another_type_or_missing_is_refused(program, tmp_path, written, message):
    (tmp_path.parent / "outside.svg").write_bytes(LOGO)
    _, problems, text = program(IDENTITY.replace("assets/logo.svg", written))
    assert only(problems).startswith(at(text, "logo:", tmp_path)) and message in problems[0]


def test_a_logo_linked_from_outside_the_tree_is_refused(program, tmp_path):
    (tmp_path.parent / "secret.svg").write_bytes(LOGO)
    os.symlink(tmp_path.parent / "secret.svg", tmp_path / "assets" / "linked.svg")
    _, problems, _ = program(IDENTITY.replace("assets/logo.svg", "assets/linked.svg"))
    assert "'logo' file 'assets/linked.svg' does not exist in the content directory" in only(problems)


def test_a_logo_over_200_kb_is_refused(program, tmp_path):
    (tmp_path / "assets" / "big.png").write_bytes(b"\x89PNG" + b"0" * LOGO_MAX_BYTES)
    _, problems, _ = program(IDENTITY.replace("assets/logo.svg", "assets/big.png"))
    assert "'logo' file 'assets/big.png' is 200 KB: at most 200 KB" in only(problems)
    (tmp_path / "assets" / "fits.webp").write_bytes(b"R" * LOGO_MAX_BYTES)
    loaded, problems, _ = program(IDENTITY.replace("assets/logo.svg", "assets/fits.webp"))
    assert problems == [] and loaded.identity.logo.media_type == "image/webp"


@pytest.mark.parametrize(
    ("contact", "needle", "message"),
    [
        (
            "  contact: {}\n",
            "contact:",
            "the programme's contact needs at least one of 'email', 'phone' or 'url'",
        ),
        ("  contact:\n    email: not-an-address\n", "email:", "'email' must be an email address"),
        (
            "  contact:\n    url: http://riverside.example\n",
            "url:",
            "'url' must be a web address starting https://",
        ),
        (
            "  contact:\n    web: https://riverside.example\n",
            "web:",
            "unknown key 'web' in the programme's contact",
        ),
    ],
)
def test_the_contact_needs_one_way_in_and_checks_its_form(program, tmp_path, contact, needle, message):
    _, problems, text = program("programme:\n  name: Riverside\n" + contact)
    assert only(problems).startswith(at(text, needle, tmp_path)) and message in problems[0]


def test_the_signatory_needs_a_name_and_a_role(program):
    _, problems, _ = program("programme:\n  name: Riverside\n  signatory:\n    name: Dana Okoro\n")
    assert "the certificate's signatory is missing required key 'role'" in only(problems)


def test_the_shipped_example_is_refused_for_a_deployment_at_its_line(program, tmp_path):
    loaded, problems, text = program(IDENTITY.replace("programme:\n", "programme:\n  example: true\n"))
    assert problems == [] and loaded.identity.example
    problem = example_problem(loaded.identity, "content/program.yaml")
    line = at(text, "example: true", tmp_path).rsplit(":", 2)[1]
    assert str(problem) == f"content/program.yaml:{line}: {EXAMPLE_REFUSED}"
    own, _, _ = program(IDENTITY)
    assert example_problem(own.identity, "content/program.yaml") is None
    assert example_problem(None, "content/program.yaml") is None

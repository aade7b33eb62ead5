"""Loading modules: the real course, a valid sample, and each kind of broken file."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from app.course import ContentError, HtmlBlock, ReflectPrompt, load_course

from ..course_quality import SHIPPED, module_problems
from ..helpers import VALID_BODY, VALID_FRONT_MATTER, write_module


def problems_for(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_course(root, root / "quizzes")
    return [str(problem) for problem in caught.value.problems]


def test_the_shipped_course_meets_the_brief():
    """At least two hours of training; every required module has a quiz and two role-plays; every
    module of the shared course is substantial, practised (three "Try it" tasks), reflective and
    sourced. The rules (tests/course_quality.py) read program.yaml, never a list of ids."""
    assert module_problems(load_course(*SHIPPED)) == []


def test_a_valid_module_becomes_sections_with_parts(tmp_path):
    write_module(tmp_path, "sample", VALID_FRONT_MATTER + VALID_BODY)
    module = load_course(tmp_path, tmp_path / "quizzes").module_by_id["sample"]

    assert [s.id for s in module.sections] == ["first-steps", "chosen-id"]
    first = module.sections[0]
    assert first.title == "First steps"
    assert [type(p) for p in first.parts] == [HtmlBlock, ReflectPrompt, HtmlBlock]
    intro, prompt, after = first.parts
    assert "&lt;script&gt;" in intro.html and "<script>" not in intro.html
    assert '<h2 id="a-subheading">A subheading</h2>' in intro.html  # ### moves up under the page's h1
    assert 'class="callout callout-tip"' in intro.html and "Keep it short" in intro.html
    assert prompt.id == "first-thought" and "What did you notice?" in prompt.prompt_html
    assert "More text after the prompt." in after.html
    assert sum(s.minutes for s in module.sections) == pytest.approx(10)


def test_module_content_is_frozen(tmp_path):
    write_module(tmp_path, "sample", VALID_FRONT_MATTER + VALID_BODY)
    module = load_course(tmp_path, tmp_path / "quizzes").module_by_id["sample"]
    with pytest.raises(AttributeError):
        module.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        module.section_by_id["new"] = module.sections[0]  # type: ignore[index]


BROKEN = [
    pytest.param("## Only a body\n\nText.\n", 1, "starts with YAML front matter", id="no-front-matter"),
    pytest.param(VALID_FRONT_MATTER.replace("minutes: 10", "minutes: [10"), 6, "invalid YAML", id="bad-yaml"),
    pytest.param(
        VALID_FRONT_MATTER.replace("title: Sample module\n", ""),
        2,
        "missing required key 'title'",
        id="missing-key",
    ),
    pytest.param(
        VALID_FRONT_MATTER.replace("title:", "tittle:"),
        3,
        "unknown key 'tittle' in front matter (did you mean 'title'?)",
        id="typo-key",
    ),
    pytest.param(
        VALID_FRONT_MATTER.replace("minutes: 10", "minutes: ten"),
        6,
        "'minutes' must be a whole number",
        id="wrong-type",
    ),
    pytest.param(
        VALID_FRONT_MATTER.replace("version: 1\n", "version: 1\nversion: 2\n"),
        6,
        "duplicate key 'version'",
        id="duplicate-key",
    ),
    pytest.param(
        VALID_FRONT_MATTER + "An intro.\n\n" + VALID_BODY,
        13,
        "text before the first '##' heading",
        id="text-before-sections",
    ),
    pytest.param(VALID_FRONT_MATTER + "\n# Title\n\n" + VALID_BODY, 14, "'#' headings are not used", id="h1"),
    pytest.param(
        VALID_FRONT_MATTER + "\n## One\n\n#### Deep\n",
        16,
        "heading level jumps from h2 to h4",
        id="skipped-level",
    ),
    pytest.param(
        VALID_FRONT_MATTER + "\n## One\n\n::: tipp\nx\n:::\n",
        16,
        "unknown container 'tipp'",
        id="unknown-container",
    ),
    pytest.param(
        VALID_FRONT_MATTER + "\n## One\n\n::: reflect\nWhy?\n:::\n",
        16,
        "needs an id",
        id="reflect-without-id",
    ),
    pytest.param(
        VALID_FRONT_MATTER + "\n## One\n\n::: reflect a\nx\n:::\n\n## Two\n\n::: reflect a\ny\n:::\n",
        22,
        "reflect id 'a' is used twice",
        id="duplicate-reflect",
    ),
    pytest.param(
        VALID_FRONT_MATTER + "\n## One\n\n::: warning\nnever closed\n",
        16,
        "container 'warning' is never closed",
        id="unclosed-container",
    ),
    pytest.param(
        VALID_FRONT_MATTER + "\n## One\n\n::: tip\n:::\n",
        16,
        "container 'tip' is empty",
        id="empty-container",
    ),
    pytest.param(
        VALID_FRONT_MATTER + "\n## Quiz\n\nText.\n",
        14,
        "section id 'quiz' is reserved",
        id="reserved-section-id",
    ),
    pytest.param(VALID_FRONT_MATTER, 12, "at least one '##' section", id="no-sections"),
    pytest.param(VALID_FRONT_MATTER + "\n### Next steps\n", 14, "heading level", id="h3-before-any-section"),
    pytest.param(
        VALID_FRONT_MATTER + "\n## One\n\n### Next steps\n\n## Next steps\n",
        18,
        "another heading already makes the id 'next-steps'",
        id="duplicate-heading-id",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN)
def test_broken_module_is_reported_with_path_and_line(tmp_path, text, line, message):
    path = write_module(tmp_path, "sample", text)
    problems = problems_for(tmp_path)
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in problems), problems


def test_every_problem_in_every_file_is_reported_in_one_run(tmp_path):
    write_module(tmp_path, "sample", VALID_FRONT_MATTER.replace("title:", "tittle:") + "\n## Quiz\n\nx\n")
    write_module(
        tmp_path,
        "second",
        VALID_FRONT_MATTER.replace("id: sample", "id: second") + "\n## One\n\n::: tipp\nx\n:::\n",
    )
    problems = problems_for(tmp_path)
    assert len(problems) == 4, problems  # tittle: unknown key and missing title; reserved id; tipp
    assert {p.split(":")[0] for p in problems} == {
        str(tmp_path / "modules" / "sample.md"),
        str(tmp_path / "modules" / "second.md"),
    }


def test_two_modules_cannot_share_an_order(tmp_path):
    write_module(tmp_path, "sample", VALID_FRONT_MATTER + VALID_BODY)
    write_module(tmp_path, "second", (VALID_FRONT_MATTER + VALID_BODY).replace("id: sample", "id: second"))
    problems = problems_for(tmp_path)
    assert problems == [
        f"{tmp_path / 'modules' / 'second.md'}:2: order 1 is also used by {tmp_path / 'modules' / 'sample.md'}: give each module its own place"
    ]


def test_module_ids_are_unique_across_files(tmp_path):
    write_module(tmp_path, "sample", VALID_FRONT_MATTER + VALID_BODY)
    write_module(tmp_path, "renamed-copy", (VALID_FRONT_MATTER + VALID_BODY).replace("order: 1", "order: 2"))
    problems = problems_for(tmp_path)
    assert problems == [
        f"{tmp_path / 'modules' / 'sample.md'}:2: module id 'sample' is also used by {tmp_path / 'modules' / 'renamed-copy.md'}"
    ]


def test_missing_folders_are_reported(tmp_path):
    assert problems_for(tmp_path) == [f"{tmp_path / 'modules'}:1: modules folder not found"]
    write_module(tmp_path, "sample", VALID_FRONT_MATTER + VALID_BODY)
    (tmp_path / "quizzes").rmdir()
    assert problems_for(tmp_path) == [f"{tmp_path / 'quizzes'}:1: quizzes folder not found"]


def test_broken_content_stops_the_app_with_locations_not_a_traceback(tmp_path):
    path = write_module(
        tmp_path, "sample", VALID_FRONT_MATTER.replace("minutes: 10", "minutes: ten") + VALID_BODY
    )
    with pytest.raises(SystemExit) as caught:
        create_app(
            {
                "CONTENT_DIR": tmp_path,
                "QUIZZES_DIR": tmp_path / "quizzes",
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "SECRET_KEY": "x",
            }
        )
    message = str(caught.value.code)
    assert f"{path}:6: 'minutes' must be a whole number" in message
    assert "Traceback" not in message


def test_content_dir_setting_chooses_what_is_served(tmp_path):
    write_module(tmp_path, "sample", VALID_FRONT_MATTER + VALID_BODY)
    app = create_app(
        {
            "CONTENT_DIR": tmp_path,
            "QUIZZES_DIR": tmp_path / "quizzes",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": "x",
        }
    )
    assert [m.id for m in app.extensions["course"].modules] == ["sample"]


def test_content_dir_is_read_from_the_environment(tmp_path, monkeypatch):
    write_module(tmp_path, "sample", VALID_FRONT_MATTER + VALID_BODY)
    monkeypatch.setenv("CONTENT_DIR", str(tmp_path))
    monkeypatch.setenv("QUIZZES_DIR", str(tmp_path / "quizzes"))
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("SECRET_KEY", "x")
    app = create_app()
    assert [m.id for m in app.extensions["course"].modules] == ["sample"]

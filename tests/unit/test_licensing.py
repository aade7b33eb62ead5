"""Licences (issue 18): Apache-2.0 for the code, CC BY-SA 4.0 for the course in content/ and quizzes/.

Each check is a function over a project root, run on the real repository and on small trees in
tmp_path that break it, so every test shows it can fail.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import tomllib
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
COURSE_ROOTS = ("content", "quizzes")
COURSE_LICENCE = "CC-BY-SA-4.0"
CODE_LICENCE = "Apache-2.0"
# Shipped third-party data: licence -> its copyright holder (REUSE.toml annotates each file).
THIRD_PARTY = {"BSD-3-Clause": "Django Software Foundation and individual contributors"}
PACKAGE_LICENCE = "Apache-2.0 AND BSD-3-Clause"  # the wheel holds the code and the password list
COPYRIGHT = "2026 The PeerPath contributors"
LICENCE_FILES = [
    "LICENSE",
    "LICENSES/Apache-2.0.txt",
    "LICENSES/CC-BY-SA-4.0.txt",
    "LICENSES/BSD-3-Clause.txt",
    "content/LICENSE",
    "quizzes/LICENSE",
]

# sha256 of each text with its whitespace collapsed to single spaces: any changed word fails,
# re-wrapping or a trailing newline does not. Apache: https://www.apache.org/licenses/LICENSE-2.0.txt
# (byte-identical copy: sha256 cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30).
# CC BY-SA 4.0: legalcode.txt as kept in creativecommons/creativecommons.org
# (docroot/legalcode/by-sa_4.0.txt); the copies in rust-lang and choosealicense.com agree word for word.
TEXTS = {
    "Apache-2.0": {
        "digest": "0ffddef9e48f8a09aed5caf2d44f7ba1c1be2d9b8e0a6f693b1635b2d5566645",
        "sentences": [
            "Apache License Version 2.0, January 2004",
            "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION",
            "3. Grant of Patent License.",
            '(d) If the Work includes a "NOTICE" text file as part of its distribution,',
            "9. Accepting Warranty or Additional Liability.",
            "END OF TERMS AND CONDITIONS",
        ],
    },
    "CC-BY-SA-4.0": {
        "digest": "b201beff45fc266662d8e5fba407882facbb5cdfafcd4c8aaa45108a939c01a7",
        "sentences": [
            "Attribution-ShareAlike 4.0 International",
            "Creative Commons Attribution-ShareAlike 4.0 International Public License",
            "The License Elements of this Public License are Attribution and ShareAlike.",
            "b. ShareAlike. In addition to the conditions in Section 3(a), if You Share Adapted Material "
            "You produce, the following conditions also apply.",
            "Section 8 -- Interpretation.",
            "Creative Commons may be contacted at creativecommons.org.",
        ],
    },
}


def collapse(text: str) -> str:
    return " ".join(text.split())


def licence_text_problems(text: str, spdx_id: str) -> list[str]:
    """What keeps ``text`` from being the complete, unaltered licence ``spdx_id``."""
    expected = TEXTS[spdx_id]
    flat = collapse(text)
    problems = [f"missing: {s!r}" for s in expected["sentences"] if collapse(s) not in flat]
    if hashlib.sha256(flat.encode()).hexdigest() != expected["digest"]:
        problems.append(f"not the exact {spdx_id} text (a word was added, removed or changed)")
    return problems


# --- REUSE.toml (REUSE specification 3.3) ------------------------------------------------------


def reuse_glob(pattern: str) -> re.Pattern:
    r"""A REUSE.toml path as a regex: ``*`` is anything but ``/``, ``**`` anything, ``\*`` a star."""
    parts, i = [], 0
    while i < len(pattern):
        if pattern.startswith(("\\\\", "\\*"), i):
            parts.append(re.escape(pattern[i + 1]))
            i += 2
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(parts))


def annotations(root: Path) -> list[dict]:
    return tomllib.loads((root / "REUSE.toml").read_text(encoding="utf-8")).get("annotations", [])


def as_list(value) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def licence_of(path: str, notes: list[dict]) -> str | None:
    """The licence REUSE.toml gives ``path``: when several annotations match, the last one wins."""
    for note in reversed(notes):
        if any(reuse_glob(p).fullmatch(path) for p in as_list(note.get("path"))):
            return " AND ".join(as_list(note.get("SPDX-License-Identifier"))) or None
    return None


def course_dirs(root: Path) -> list[Path]:
    """content/ and quizzes/ themselves and every directory directly inside them, found afresh."""
    found = []
    for name in COURSE_ROOTS:
        top = root / name
        if top.is_dir():
            found.append(top)
            found += sorted(d for d in top.iterdir() if d.is_dir() and not d.name.startswith((".", "__")))
    return found


def uncovered_course_dirs(root: Path) -> list[str]:
    """Course directories without a licence notice (a LICENSE in it or in its course root) or
    without a REUSE.toml annotation giving CC-BY-SA-4.0 to each of its files and to a new one."""
    notes = annotations(root)
    problems = []
    for folder in course_dirs(root):
        rel = folder.relative_to(root).as_posix()
        course_root = root / rel.split("/")[0]
        if not ((folder / "LICENSE").is_file() or (course_root / "LICENSE").is_file()):
            problems.append(f"{rel}/: no LICENSE notice in it or in {course_root.name}/")
        # A course root answers for the files directly in it; each folder inside, for all of its own.
        own = folder.iterdir() if folder == course_root else folder.rglob("*")
        files = [f.relative_to(root).as_posix() for f in own if f.is_file() and f.name != "LICENSE"]
        for path in [f"{rel}/a-new-file.md", *files]:
            licence = licence_of(path, notes)
            if licence != COURSE_LICENCE:
                problems.append(
                    f"{rel}/: REUSE.toml gives {path} {licence or 'no licence'}, not {COURSE_LICENCE}"
                )
                break
    return problems


def test_every_course_directory_has_a_notice_and_a_cc_by_sa_annotation():
    assert {"content", "content/modules", "content/scenarios", "quizzes"} <= {
        d.relative_to(PROJECT_ROOT).as_posix() for d in course_dirs(PROJECT_ROOT)
    }
    assert uncovered_course_dirs(PROJECT_ROOT) == []


def course_tree(root: Path, reuse_toml: str) -> Path:
    """A project with the real course notices, a course file per directory, and this REUSE.toml."""
    for name in COURSE_ROOTS:
        (root / name).mkdir(parents=True)
        shutil.copy(PROJECT_ROOT / name / "LICENSE", root / name / "LICENSE")
    for sub in ("content/modules", "content/scenarios"):
        (root / sub).mkdir()
        (root / sub / "one.md").write_text("x")
    (root / "quizzes" / "one.yaml").write_text("x")
    (root / "REUSE.toml").write_text(reuse_toml)
    return root


PER_FOLDER_TOML = """version = 1
[[annotations]]
path = "**"
SPDX-License-Identifier = "Apache-2.0"
[[annotations]]
path = ["content/*", "content/modules/**", "content/scenarios/**", "quizzes/**"]
SPDX-License-Identifier = "CC-BY-SA-4.0"
"""


def test_a_new_course_directory_no_annotation_covers_fails(tmp_path):
    root = course_tree(tmp_path, PER_FOLDER_TOML)
    assert uncovered_course_dirs(root) == []
    (root / "content" / "handouts").mkdir()
    (root / "content" / "handouts" / "week-1.md").write_text("x")
    assert uncovered_course_dirs(root) == [
        "content/handouts/: REUSE.toml gives content/handouts/a-new-file.md Apache-2.0, not CC-BY-SA-4.0"
    ]


def test_the_real_reuse_toml_covers_a_new_course_directory(tmp_path):
    root = course_tree(tmp_path, (PROJECT_ROOT / "REUSE.toml").read_text())
    (root / "content" / "handouts").mkdir()
    (root / "content" / "handouts" / "week-1.md").write_text("x")
    assert uncovered_course_dirs(root) == []


def test_a_missing_notice_or_a_catch_all_after_the_course_annotation_fails(tmp_path):
    real = (PROJECT_ROOT / "REUSE.toml").read_text()
    root = course_tree(tmp_path, real)
    (root / "quizzes" / "LICENSE").unlink()
    assert uncovered_course_dirs(root) == ["quizzes/: no LICENSE notice in it or in quizzes/"]

    shutil.copy(PROJECT_ROOT / "quizzes" / "LICENSE", root / "quizzes" / "LICENSE")
    catch_all = '[[annotations]]\npath = "**"\nSPDX-License-Identifier = "Apache-2.0"\n'
    (root / "REUSE.toml").write_text(real + catch_all)  # the last match wins: the course turns Apache
    assert len(uncovered_course_dirs(root)) == len(course_dirs(root))


@pytest.mark.parametrize(
    "path, licence",
    [
        ("app/__init__.py", CODE_LICENCE),
        ("static/css/peerpath.css", CODE_LICENCE),
        ("tests/unit/test_licensing.py", CODE_LICENCE),
        ("README.md", CODE_LICENCE),
        ("content/program.yaml", COURSE_LICENCE),
        ("content/modules/feedback.md", COURSE_LICENCE),
        ("content/scenarios/last-meeting.yaml", COURSE_LICENCE),
        ("quizzes/feedback.yaml", COURSE_LICENCE),
        ("contents/look-alike.md", CODE_LICENCE),
    ],
)
def test_reuse_toml_gives_code_and_course_their_licences(path, licence):
    assert licence_of(path, annotations(PROJECT_ROOT)) == licence


def test_reuse_toml_names_the_copyright_holder_and_ships_each_licence_text():
    notes = annotations(PROJECT_ROOT)
    assert tomllib.loads((PROJECT_ROOT / "REUSE.toml").read_text())["version"] == 1
    for note in notes:
        (licence,) = as_list(note.get("SPDX-License-Identifier"))
        assert as_list(note.get("SPDX-FileCopyrightText")) == [THIRD_PARTY.get(licence, COPYRIGHT)]
    used = {i for n in notes for i in as_list(n.get("SPDX-License-Identifier"))}
    assert used == {CODE_LICENCE, COURSE_LICENCE, *THIRD_PARTY}
    assert sorted(p.name for p in (PROJECT_ROOT / "LICENSES").iterdir()) == sorted(f"{i}.txt" for i in used)


def test_reuse_glob_follows_the_specification():
    assert reuse_glob("content/*").fullmatch("content/program.yaml")
    assert not reuse_glob("content/*").fullmatch("content/modules/a.md")
    assert reuse_glob("content/**").fullmatch("content/modules/a.md")
    assert not reuse_glob("content/**").fullmatch("contents/a.md")
    assert reuse_glob(r"odd\*name").fullmatch("odd*name")
    assert not reuse_glob(r"odd\*name").fullmatch("oddXname")


# --- The licence texts ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path, spdx_id",
    [
        ("LICENSE", "Apache-2.0"),
        ("LICENSES/Apache-2.0.txt", "Apache-2.0"),
        ("LICENSES/CC-BY-SA-4.0.txt", "CC-BY-SA-4.0"),
    ],
)
def test_the_licence_texts_are_complete_and_unaltered(path, spdx_id):
    assert licence_text_problems((PROJECT_ROOT / path).read_text(encoding="utf-8"), spdx_id) == []


def test_the_licence_check_rejects_the_wrong_licence_and_an_edited_one():
    apache = (PROJECT_ROOT / "LICENSE").read_text(encoding="utf-8")
    by_sa = (PROJECT_ROOT / "LICENSES/CC-BY-SA-4.0.txt").read_text(encoding="utf-8")
    assert len(licence_text_problems(apache, "CC-BY-SA-4.0")) == len(TEXTS["CC-BY-SA-4.0"]["sentences"]) + 1
    assert len(licence_text_problems(by_sa, "Apache-2.0")) == len(TEXTS["Apache-2.0"]["sentences"]) + 1
    assert licence_text_problems(by_sa.replace("30 days", "60 days"), "CC-BY-SA-4.0") == [
        "not the exact CC-BY-SA-4.0 text (a word was added, removed or changed)"
    ]
    header = "Copyright 2026 Someone\n\n"
    assert licence_text_problems(header + apache, "Apache-2.0") != []


def test_each_course_notice_gives_the_licence_and_the_attribution_line():
    for name in COURSE_ROOTS:
        notice = collapse((PROJECT_ROOT / name / "LICENSE").read_text(encoding="utf-8"))
        assert "Creative Commons Attribution-ShareAlike 4.0 International" in notice
        assert COPYRIGHT in notice
        assert (
            collapse(
                "Based on the PeerPath peer-mentor course by the PeerPath contributors, licensed CC BY-SA 4.0, "
                "https://creativecommons.org/licenses/by-sa/4.0/; changes made by <your programme>."
            )
            in notice
        )
        for owned in ("SBI", "GROW", "WOOP", "MITI", "Radical Candor", "Thomas-Kilmann"):
            assert owned in notice, owned


# --- pyproject.toml ---------------------------------------------------------------------------


def pyproject_problems(root: Path) -> list[str]:
    data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    project, problems = data["project"], []
    if project.get("license") != PACKAGE_LICENCE:
        problems.append(
            f"project.license is {project.get('license')!r}, not the SPDX expression {PACKAGE_LICENCE!r}"
        )
    patterns = project.get("license-files", [])
    matched = set()
    for pattern in patterns:
        hits = {p.relative_to(root).as_posix() for p in root.glob(pattern) if p.is_file()}
        if not hits:
            problems.append(f"license-files pattern {pattern!r} matches no file")
        matched |= hits
    problems += [f"{f} is not in license-files" for f in LICENCE_FILES if f not in matched]
    problems += [
        f"classifier {c!r} conflicts with project.license"
        for c in project.get("classifiers", [])
        if c.startswith("License ::")
    ]
    setuptools = [r for r in data["build-system"]["requires"] if r.startswith("setuptools")]
    floor = re.search(r">=\s*(\d+)", setuptools[0]) if setuptools else None
    if not floor or int(floor.group(1)) < 77:
        problems.append(f"build-system needs setuptools>=77 for PEP 639, has {setuptools}")
    return problems


def test_pyproject_declares_the_spdx_licence_and_existing_licence_files():
    assert pyproject_problems(PROJECT_ROOT) == []


def test_the_pyproject_check_rejects_an_old_style_declaration(tmp_path):
    for name in LICENCE_FILES:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools>=68"]\n'
        '[project]\nname = "x"\nlicense = {text = "Apache 2.0"}\n'
        'license-files = ["LICENSE", "NOTICE"]\n'
        'classifiers = ["License :: OSI Approved :: Apache Software License"]\n'
    )
    assert pyproject_problems(tmp_path) == [
        "project.license is {'text': 'Apache 2.0'}, not the SPDX expression 'Apache-2.0 AND BSD-3-Clause'",
        "license-files pattern 'NOTICE' matches no file",
        "LICENSES/Apache-2.0.txt is not in license-files",
        "LICENSES/CC-BY-SA-4.0.txt is not in license-files",
        "LICENSES/BSD-3-Clause.txt is not in license-files",
        "content/LICENSE is not in license-files",
        "quizzes/LICENSE is not in license-files",
        "classifier 'License :: OSI Approved :: Apache Software License' conflicts with project.license",
        "build-system needs setuptools>=77 for PEP 639, has ['setuptools>=68']",
    ]

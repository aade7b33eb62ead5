"""The package picture of docs/architecture.md holds, and import-linter would notice if it broke."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from app.config import PROJECT_ROOT

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
    )


def copy_of_the_code(tmp_path: Path) -> Path:
    shutil.copytree(PROJECT_ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_contracts_hold():
    result = lint(PROJECT_ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_flask_in_the_pure_learning_rules_breaks_a_contract(tmp_path):
    root = copy_of_the_code(tmp_path)
    pacing = root / "app" / "learning" / "pacing.py"
    pacing.write_text("from flask import current_app  # noqa: F401\n" + pacing.read_text())
    result = lint(root)
    assert result.returncode != 0
    assert "app.learning.pacing -> flask" in result.stdout


def test_one_blueprint_importing_another_breaks_a_contract(tmp_path):
    root = copy_of_the_code(tmp_path)
    views = root / "app" / "verify" / "views.py"
    views.write_text(views.read_text() + "\nfrom ..learn import services as learner_services  # noqa: E402,F401\n")
    result = lint(root)
    assert result.returncode != 0
    assert "app.verify is not allowed to import app.learn" in result.stdout

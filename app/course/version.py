"""Which version of the content is being served: the git commit, or a hash of the files."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path


def content_version(*folders: Path) -> str:
    """``git:<commit>`` when the content is committed and unchanged, else ``files:<hash>``.

    Recorded with attempts, runs and certifications, so anyone can later see exactly which
    text a trainee was assessed on.
    """
    files = sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file())
    commit = _git_commit(folders)
    if commit:
        return f"git:{commit[:12]}"
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file.relative_to(file.anchor)).encode())
        digest.update(file.read_bytes())
    return f"files:{digest.hexdigest()[:12]}"


def _git_commit(folders: tuple[Path, ...]) -> str | None:
    existing = [str(f.resolve()) for f in folders if f.is_dir()]
    if not existing:
        return None
    try:

        def git(*args: str) -> str:
            return subprocess.run(
                ["git", "-C", existing[0], *args], capture_output=True, text=True, timeout=5, check=True
            ).stdout.strip()

        if git("status", "--porcelain", "--", *existing):
            return None  # edited since the last commit: the commit does not describe it
        return git("log", "-1", "--format=%H", "--", *existing) or None
    except (OSError, subprocess.SubprocessError):
        return None

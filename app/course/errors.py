"""Content problems, reported like a compiler: ``path:line:column: message``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True, order=True)
class ContentProblem:
    """One thing wrong with one content file, located to a line (1-based)."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" stops the app; "warning" is advice for authors

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def located(self) -> str:
        """The compiler-style form, with the column where the line's content (or YAML key) starts."""
        return f"{self.path}:{self.line}:{_column(self.path, self.line)}: {self.severity}: {self.message}"


def _column(path: str, line: int) -> int:
    try:
        text = Path(path).read_text(encoding="utf-8").splitlines()[line - 1]
    except (OSError, IndexError, UnicodeDecodeError):
        return 1
    content = text.lstrip()
    while content.startswith("- "):  # a YAML list item: point at the key after the dash
        content = content[2:].lstrip()
    return len(text) - len(content) + 1


class ContentError(Exception):
    """Raised when content fails validation; carries every problem found, not just the first."""

    def __init__(self, problems: list[ContentProblem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass
class Reporter:
    """Collects the problems found in one file."""

    path: str
    problems: list[ContentProblem] = field(default_factory=list)

    def __call__(self, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self.path, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(ContentProblem(self.path, line, message, "warning"))

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.problems)


def load_each(folder: Path, load_one) -> tuple[list, list[ContentProblem]]:
    """Run ``load_one(file, report)`` on every ``*.yaml`` in ``folder``, in name order, collecting
    what loads and every problem found."""
    items, problems = [], []
    for file in sorted(folder.glob("*.yaml")):
        report = Reporter(display_path(file))
        item = load_one(file, report)
        problems.extend(report.problems)
        if item is not None:
            items.append(item)
    return items, problems


def display_path(path: Path) -> str:
    """Show a path relative to the working directory when it is inside it, as compilers do."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

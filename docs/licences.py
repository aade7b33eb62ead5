"""Print the dependency table of docs/licences.md from the installed packages' metadata.

    .venv/bin/python docs/licences.py

Follows the requirements of the installed ``peerpath`` (alone, with ``postgres``, with ``test``)
through every package they reach, and prints each one's licence as its metadata declares it:
License-Expression, else a one-line License field, else the License classifiers, else the first
line of its licence file. The compatibility column of docs/licences.md is written by hand.
"""

from __future__ import annotations

from importlib.metadata import Distribution, PackageNotFoundError, distribution

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# Who needs a package -> which extra of peerpath brings it; a package is listed under the first.
NEEDS = {"runtime": "", "postgres": "postgres", "test": "test"}


def declared_licence(dist: Distribution) -> str:
    meta = dist.metadata
    if meta.get("License-Expression"):
        return meta["License-Expression"]
    licence = (meta.get("License") or "").strip()
    if licence and "\n" not in licence:
        return licence
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    if classifiers:
        return " / ".join(classifiers) + " (classifier)"
    for name in meta.get_all("License-File") or []:
        text = dist.read_text(f"licenses/{name}") or dist.read_text(name) or ""
        return text.strip().splitlines()[0] + " (licence file)"
    return "UNKNOWN"


def dependencies() -> dict[str, set[str]]:
    """Every package peerpath needs, by canonical name, with who needs it."""
    needed: dict[str, set[str]] = {}
    for need, extra in NEEDS.items():
        queue, seen = [("peerpath", extra)], set()
        while queue:
            name, wanted = queue.pop()
            if (name, wanted) in seen:
                continue
            seen.add((name, wanted))
            try:
                requires = distribution(name).requires or []
            except PackageNotFoundError:
                continue
            for req in map(Requirement, requires):
                if req.marker is None or req.marker.evaluate({"extra": wanted}):
                    needed.setdefault(canonicalize_name(req.name), set()).add(need)
                    queue += [(req.name, e) for e in ["", *req.extras]]
    return needed


if __name__ == "__main__":
    order = list(NEEDS)
    print("| package | version | licence (declared) | needed by |")
    print("| --- | --- | --- | --- |")
    for name, needs in sorted(dependencies().items(), key=lambda kv: (min(map(order.index, kv[1])), kv[0])):
        try:
            dist = distribution(name)
            row = [dist.metadata["Name"], dist.version, declared_licence(dist)]
        except PackageNotFoundError:
            row = [name, "NOT INSTALLED", "?"]
        print("| " + " | ".join([*row, min(needs, key=order.index)]) + " |")

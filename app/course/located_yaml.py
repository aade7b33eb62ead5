"""YAML loading that remembers where each mapping and key was written.

Authors need ``path:line`` for every problem, and plain ``yaml.safe_load`` forgets lines.
A SafeLoader subclass records them while building ordinary dicts, and refuses duplicate
keys, which PyYAML would otherwise accept silently (the last one winning).
"""

from __future__ import annotations

from typing import Any

import yaml


class LocatedDict(dict):
    """A dict from YAML that knows its own line and the line of each key (1-based)."""

    line: int = 1
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LocatedList(list):
    """A list from YAML that knows its own line and the line of each item (1-based)."""

    line: int = 1
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class YamlProblem(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


class _LocatingLoader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _LocatingLoader, node: yaml.MappingNode) -> LocatedDict:
    loader.flatten_mapping(node)
    mapping = LocatedDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            raise YamlProblem(key_node.start_mark.line + 1, f"key {key!r} must be text")
        if key in mapping:
            raise YamlProblem(key_node.start_mark.line + 1, f"duplicate key '{key}'")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LocatingLoader, node: yaml.SequenceNode) -> LocatedList:
    items = LocatedList(loader.construct_object(child, deep=True) for child in node.value)
    items.line = node.start_mark.line + 1
    items.item_lines = [child.start_mark.line + 1 for child in node.value]
    return items


_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LocatingLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_located_yaml(text: str, first_line: int = 1) -> Any:
    """Parse YAML; lines in the result and in any YamlProblem are offset so ``first_line`` is line 1."""
    offset = first_line - 1
    try:
        data = yaml.load(text, Loader=_LocatingLoader)  # noqa: S506 - SafeLoader subclass
    except YamlProblem as problem:
        raise YamlProblem(problem.line + offset, problem.message) from None
    except yaml.MarkedYAMLError as error:
        # The context mark is where the broken construct began (an unclosed bracket or
        # quote), which is where the author has to look; the problem mark is where the
        # parser gave up, often lines later.
        mark = error.context_mark or error.problem_mark
        line = (mark.line + 1 if mark else 1) + offset
        message = " ".join(part for part in (error.context, error.problem) if part)
        raise YamlProblem(line, f"invalid YAML: {message}") from None
    if offset:
        _shift_lines(data, offset)
    return data


def _shift_lines(value: Any, offset: int) -> None:
    if isinstance(value, LocatedDict):
        value.line += offset
        value.key_lines = {key: line + offset for key, line in value.key_lines.items()}
        for item in value.values():
            _shift_lines(item, offset)
    elif isinstance(value, LocatedList):
        value.line += offset
        value.item_lines = [line + offset for line in value.item_lines]
        for item in value:
            _shift_lines(item, offset)

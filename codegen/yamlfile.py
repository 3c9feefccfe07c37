"""YAML loading that remembers where each value came from, for messages with line numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it: several times faster on the whole spec.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class SourceFile:
    """A parsed YAML file with the line of every mapping key and list item."""

    path: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, where: Path_) -> int:
        """The line of ``where``, or of its closest ancestor that has one."""
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return 1


class YamlFileError(Exception):
    """The file is not valid YAML."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _build(node: yaml.Node, where: Path_, lines: dict[Path_, int], loader: Any) -> Any:
    lines.setdefault(where, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                raise YamlFileError(key_node.start_mark.line + 1, f"duplicate key {key!r}")
            child = (*where, key)
            lines[child] = key_node.start_mark.line + 1
            result[key] = _build(value_node, child, lines, loader)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*where, index), lines, loader) for index, item in enumerate(node.value)]
    return loader.construct_object(node, deep=True)


def load(path: Path, display: str) -> SourceFile:
    """Parse ``path``; raises YamlFileError with a line number on bad YAML."""
    text = path.read_text(encoding="utf-8")
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        lines: dict[Path_, int] = {}
        data = None if node is None else _build(node, (), lines, loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlFileError(line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlFileError(1, f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()
    return SourceFile(display, data, lines)

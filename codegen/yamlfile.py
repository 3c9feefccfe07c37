"""YAML loading that remembers where each value came from, for messages with line numbers.

Aliases are expanded with a bound (a few nested aliases in a 1 KB file expand to gigabytes:
the file is refused once it reaches MAX_VALUES values), and control characters other than
newline and tab are reported: they have no business in a summary or a message and would end
up in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
# libyaml's parser when PyYAML was built with it: several times faster on the whole spec.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_VALUES = 100_000  # the largest spec file has about 1,000
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


@dataclass
class SourceFile:
    """A parsed YAML file with the line of every mapping key and list item."""

    path: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    # For each literal block scalar (``|``), the line its text starts on: lines inside map 1:1.
    blocks: dict[Path_, int] = field(default_factory=dict)
    # (line, message) of what parsed but is not allowed in a spec (control characters).
    problems: list[tuple[int, str]] = field(default_factory=list)

    def line(self, where: Path_) -> int:
        """The line of ``where``, or of its closest ancestor that has one."""
        while where:
            if where in self.lines:
                return self.lines[where]
            where = where[:-1]
        return 1

    def text_line(self, where: Path_, line: int) -> int:
        """The file line of line ``line`` (1-based) of the text value at ``where``."""
        start = self.blocks.get(where)
        return self.line(where) if start is None else start + line - 1


class YamlFileError(Exception):
    """The file is not valid YAML, or uses what the spec does not allow."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class _Builder:
    loader: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    blocks: dict[Path_, int] = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)
    count: int = 0

    def build(self, node: yaml.Node, where: Path_) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            keys = [where[:depth] for depth in range(len(where), 0, -1) if isinstance(where[depth - 1], str)]
            raise YamlFileError(
                self.lines.get(keys[0], 1) if keys else 1,
                f"more than {MAX_VALUES:,} values once aliases are expanded; nested aliases are not allowed to grow so",
            )
        self.lines.setdefault(where, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            self.loader.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlFileError(
                        key_node.start_mark.line + 1, "a key must be a plain value, not a list or mapping"
                    )
                key = self.loader.construct_object(key_node, deep=True)
                if key in result:
                    raise YamlFileError(key_node.start_mark.line + 1, f"duplicate key {key!r}")
                child = (*where, key)
                self.lines[child] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, child)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*where, index)) for index, item in enumerate(node.value)]
        value = self.loader.construct_object(node, deep=True)
        if isinstance(value, str) and isinstance(node, yaml.ScalarNode):
            if node.style == "|":
                self.blocks[where] = node.start_mark.line + 2
            found = CONTROL.search(value)
            if found:
                line = node.start_mark.line + 1
                if node.style == "|":
                    line += 1 + value[: found.start()].count("\n")
                self.problems.append(
                    (line, f"control character U+{ord(found.group()):04X} in text; only newlines and tabs are allowed")
                )
        return value


def load(path: Path, display: str) -> SourceFile:
    """Parse ``path``; raises YamlFileError with a line number on bad YAML."""
    text = path.read_text(encoding="utf-8")
    loader = None
    try:
        loader = _Loader(text)
        node = loader.get_single_node()
        builder = _Builder(loader)
        data = None if node is None else builder.build(node, ())
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        raise YamlFileError(line, f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlFileError(1, f"invalid YAML: {exc}") from None
    finally:
        if loader is not None:
            loader.dispose()
    return SourceFile(display, data, builder.lines, builder.blocks, builder.problems)

"""Split a Markdown file into its YAML front matter and body, keeping the line of every key.

We read front matter ourselves rather than trusting MkDocs: on invalid YAML MkDocs silently
renders the raw block as page text, which would publish a private note's metadata. Here
every failure is a `SyntaxProblem` with the line it happened on.

The YAML dialect is deliberately narrower than PyYAML's YAML 1.1 defaults:
- dates stay strings, so `2025-13-01` is our error with our message, not a crash inside
  PyYAML, and partial dates (`2025-03`) follow the same path as full ones;
- only `true`/`false` are booleans (YAML 1.2), so `titre: Non` stays the word « Non » and
  `draft: yes` is reported instead of silently meaning true;
- no aliases (`*name`), and bounded size, depth and node count: a portfolio is untrusted
  input, and a few lines of nested aliases ("billion laughs") expand into billions of values
  as soon as anything walks or prints them. A learner never needs aliases in front matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .messages import Term

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_FENCE_OPEN = re.compile(r"---[ \t]*")
_FENCE_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*")
# A fence that is not on the first line, or has invisible characters or spaces before it.
_LATE_FENCE = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060]*---[ \t]*")
_INVISIBLE = " \t\ufeff\u200b\u200c\u200d\u2060"
# The first line of a front-matter block: `key:` (what tells it from a thematic break).
_KEY_LINE = re.compile(r"[^\s#:\-][^\s:]*[ \t]*:(?:\s|$)")

# Limits on YAML we read (front matter and référentiel): far above any real portfolio,
# far below what could hang a build.
MAX_YAML_CHARS = 1 << 20  # 1 MiB of text
MAX_YAML_NODES = 100_000  # scalars, lists and mappings
MAX_YAML_DEPTH = 32  # nested lists and mappings
MAX_NUMBER_DIGITS = 4000  # Python refuses to convert longer integers (ValueError)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader (C-accelerated when available) with YAML 1.2-like scalars."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", _BOOL, list("tTfF"))


# A key path: ("competences",) for a top-level key, ("competences", "ecoute-active") or
# ("competences", 0) for an item inside it.
KeyPath = tuple[str | int, ...]


@dataclass
class SyntaxProblem:
    """Why a file could not be read; `code` names the message in the catalogue."""

    code: str
    line: int | None
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class Document:
    """A Markdown file read into front matter, body and line positions (1-based)."""

    meta: dict[str, Any]
    body: str
    body_line: int
    lines: dict[KeyPath, int]
    duplicates: list[tuple[str, int]]
    has_front_matter: bool


def decode(raw: bytes) -> str | SyntaxProblem:
    """Decode UTF-8 (with or without BOM) and normalise line endings to `\\n`."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        return SyntaxProblem("encoding", line, {"byte": f"0x{raw[error.start]:02x}"})
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_yaml(
    text: str, first_line: int = 1, depth: int = 2
) -> tuple[Any, dict[KeyPath, int], list[tuple[str, int]]] | SyntaxProblem:
    """Parse one YAML document; return its data, the line of each key and duplicate keys.

    `first_line` is the file line on which `text` starts, so that errors name file lines;
    `depth` is how deep key lines are recorded (2 for front matter: keys and their items).
    The text is checked for aliases, size, depth and node count before any value is built.
    """
    if len(text) > MAX_YAML_CHARS:
        return SyntaxProblem("yaml-too-large", first_line, {"size": -(-len(text) // 1024), "limit": MAX_YAML_CHARS // 1024})
    last = first_line + max(text.rstrip("\n").count("\n"), 0)
    loader = _Loader(text)
    try:
        refused = _refuse_hostile(text, first_line)
        if refused is not None:
            return refused
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        problem = _yaml_problem(error, first_line)
        # At the end of the text PyYAML points past it; the mistake is on the last line.
        if problem.line is not None and problem.line > last:
            problem.line = last
        return problem
    except yaml.YAMLError as error:
        return SyntaxProblem("yaml-syntax", first_line, {"detail": str(error)})
    except (ValueError, OverflowError, RecursionError, MemoryError):
        # Values PyYAML cannot build (a number too long for Python); the scan catches most.
        return SyntaxProblem("yaml-syntax", first_line, {"detail": Term("yaml.unbuildable")})
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}
    duplicates: list[tuple[str, int]] = []
    if isinstance(node, yaml.MappingNode):
        _record_lines(node, (), first_line, lines, duplicates, depth=min(depth, MAX_YAML_DEPTH))
    return data, lines, duplicates


_NUMBER = re.compile(r"[-+]?[0-9_.]+(?:[eE][-+]?[0-9]+)?")


def _refuse_hostile(text: str, first_line: int) -> SyntaxProblem | None:
    """Scan the YAML events once, before anything is built: refuse aliases, deep nesting,
    too many nodes and numbers Python cannot convert.

    Building the values is safe (PyYAML shares aliased nodes) but walking or printing them
    is not: nine lines of nested aliases stand for a billion values. Events are a flat
    stream, so the scan itself never recurses. An alias to an unknown anchor is left to
    the composer, whose message explains the unquoted `*` (yaml.star).
    """
    scanner = _BaseLoader(text)
    anchors: set[str] = set()
    depth = 0
    try:
        for count, event in enumerate(_events(scanner), start=1):
            line = first_line + (event.start_mark.line if event.start_mark else 0)
            if count > MAX_YAML_NODES:
                return SyntaxProblem("yaml-too-many", line, {"limit": MAX_YAML_NODES})
            if isinstance(event, yaml.AliasEvent):
                if event.anchor in anchors:
                    return SyntaxProblem("yaml-alias", line, {"name": event.anchor})
                return None
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    return SyntaxProblem("yaml-too-deep", line, {"limit": MAX_YAML_DEPTH})
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
            elif isinstance(event, yaml.ScalarEvent) and _too_long_number(event):
                return SyntaxProblem("yaml-syntax", line, {"detail": Term("yaml.number-too-long")})
            anchor = getattr(event, "anchor", None)
            if anchor:
                anchors.add(anchor)
    finally:
        scanner.dispose()
    return None


def _events(scanner: Any) -> Any:
    """The parser's events one by one (the C parser has no iterator of its own)."""
    while scanner.check_event():
        yield scanner.get_event()


def _too_long_number(event: yaml.ScalarEvent) -> bool:
    """A plain scalar that YAML would read as a number too long for Python to convert."""
    return (
        not event.style  # plain: None from PyYAML, "" from libyaml
        and len(event.value) > MAX_NUMBER_DIGITS
        and _NUMBER.fullmatch(event.value) is not None
    )


# PyYAML's explanations, in the learner's words. For the first four the mistake is where
# PyYAML's "context" starts (the opening bracket or quote), not where it gave up.
_YAML_MISTAKES = (
    ("while parsing a flow", "yaml.unclosed-bracket", True),
    ("while scanning a quoted scalar", "yaml.unclosed-quote", True),
    ("while scanning a simple key", "yaml.missing-colon", True),
    ("while scanning an alias", "yaml.star", True),
    ("mapping values are not allowed", "yaml.colon-in-value", False),
    ("found character that cannot start any token", "yaml.tab", False),
    ("while parsing a block mapping", "yaml.indentation", False),
    ("found undefined alias", "yaml.star", False),
    ("could not determine a constructor", "yaml.tag", False),
)


def _yaml_problem(error: yaml.MarkedYAMLError, first_line: int) -> SyntaxProblem:
    said = f"{error.context or ''} {error.problem or ''}"
    for clue, key, at_context in _YAML_MISTAKES:
        if clue in said:
            mark = (error.context_mark if at_context else error.problem_mark) or error.problem_mark
            if key == "yaml.tab" and "\t" not in said:
                key = "yaml.bad-character"
            line = first_line + mark.line if mark else first_line
            return SyntaxProblem("yaml-syntax", line, {"detail": Term(key)})
    mark = error.problem_mark or error.context_mark
    line = first_line + mark.line if mark else first_line
    return SyntaxProblem("yaml-syntax", line, {"detail": said.strip()})


def _record_lines(
    node: yaml.Node,
    path: KeyPath,
    first_line: int,
    lines: dict[KeyPath, int],
    duplicates: list[tuple[str, int]],
    depth: int,
) -> None:
    if depth == 0:
        return
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = first_line + key_node.start_mark.line
            if not path and key in seen:
                duplicates.append((key, line))
            seen.add(key)
            lines.setdefault((*path, key), line)
            _record_lines(value_node, (*path, key), first_line, lines, duplicates, depth - 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            lines[(*path, index)] = first_line + item.start_mark.line
            _record_lines(item, (*path, index), first_line, lines, duplicates, depth - 1)


def split(text: str) -> Document | SyntaxProblem:
    """Split decoded Markdown into front matter and body."""
    lines = text.split("\n")
    if not lines or not _FENCE_OPEN.fullmatch(lines[0]):
        late = misplaced_front_matter(lines)
        if late is not None:
            return SyntaxProblem("frontmatter-not-first", late)
        return Document({}, text, 1, {}, [], has_front_matter=False)
    index = _closing_fence(lines, 1)
    if index is None:
        return SyntaxProblem("frontmatter-unclosed", 1)
    parsed = parse_yaml("\n".join(lines[1:index]) + "\n", first_line=2)
    if isinstance(parsed, SyntaxProblem):
        return parsed
    data, key_lines, duplicates = parsed
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return SyntaxProblem("frontmatter-not-mapping", 2, {"got": Term(f"got.{type(data).__name__}")})
    body = "\n".join(lines[index + 1 :])
    return Document(data, body, index + 2, key_lines, duplicates, has_front_matter=True)


def _closing_fence(lines: list[str], start: int) -> int | None:
    """The index of the line closing a front matter opened just before `start`."""
    for index in range(start, len(lines)):
        if _FENCE_CLOSE.fullmatch(lines[index]):
            return index
    return None


def misplaced_front_matter(lines: list[str]) -> int | None:
    """The line (1-based) of a front matter that does not start on the first line, if any.

    Blank lines, a stray byte-order mark or spaces before the opening `---` make MkDocs and
    every Markdown reader take the block for text: the keys, `visibilite: prive` included,
    would be published as a paragraph. A block counts as front matter when it is closed
    and its first line reads `key:`; a thematic break (`---` then prose) does not.
    """
    for index, line in enumerate(lines):
        if not line.strip(_INVISIBLE):
            continue
        if not _LATE_FENCE.fullmatch(line) or (index == 0 and _FENCE_OPEN.fullmatch(line)):
            return None
        end = _closing_fence(lines, index + 1)
        block = [item for item in lines[index + 1 : end] if item.strip()] if end is not None else []
        return index + 1 if block and _KEY_LINE.match(block[0]) else None
    return None


def read(raw: bytes) -> Document | SyntaxProblem:
    """Decode and split a Markdown file's bytes."""
    text = decode(raw)
    if isinstance(text, SyntaxProblem):
        return text
    return split(text)

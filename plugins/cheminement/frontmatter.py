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

import difflib
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from . import schema
from .messages import Term
from .model import fold

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
_FENCE_OPEN = re.compile(r"---[ \t]*")
_FENCE_CLOSE = re.compile(r"(?:---|\.\.\.)[ \t]*")
# A fence that is not on the first line, or has invisible characters or spaces before it.
_LATE_FENCE = re.compile(r"[\s\ufeff\u200b\u200c\u200d\u2060]*---[ \t]*")
# What a fence may be mistyped or auto-corrected into: hyphens and dashes (smart punctuation
# turns `--` into an en dash and `---` into an em dash), minus signs, the soft hyphen, the
# other characters of a Markdown rule, `...`/`…` (the YAML closing line) and the `+++` or
# `===` of other generators.
_RULE_CHARS = frozenset("-_*+=.\u00ad\u2010\u2011\u2012\u2013\u2014\u2015\u2026\u2043\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d")
_ZERO_WIDTH = "\ufeff\u200b\u200c\u200d\u2060"
# A `key: value` line as a learner might write it outside YAML: a word for key (accents
# allowed, quotes around it tolerated), spaces (non-breaking too) and a colon (full-width
# too) or `=`; `https://` is not a key.
_LOOSE_KEY_LINE = re.compile(
    r"[ \t\u00a0]{0,3}[\"']?(?P<key>\w[\w.-]*)[\"']?[ \t\u00a0\u202f\u2009]*[:\uff1a=](?!//)"
)
# A line that continues a key's value in YAML: indented, or a list item.
_CONTINUATION = re.compile(r"[ \t]+\S|[ \t]*-[ \t]")

# Limits on YAML we read (front matter and référentiel): far above any real portfolio,
# far below what could hang a build.
MAX_YAML_CHARS = 1 << 20  # 1 MiB of text
MAX_YAML_NODES = 100_000  # scalars, lists and mappings
MAX_YAML_DEPTH = 32  # nested lists and mappings
MAX_NUMBER_DIGITS = 4000  # Python refuses to convert longer integers (ValueError)


class _Loader(_BaseLoader):
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
            return late
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


# -- Front matter that MkDocs would take for text -------------------------------------------


@dataclass(frozen=True)
class HeadLine:
    """A line of a file's head: a fence-like line (`key` empty) or a `key: value` line."""

    number: int  # 1-based, within the lines given
    text: str
    key: str = ""

    @property
    def is_fence(self) -> bool:
        return not self.key


def is_fence_like(line: str) -> bool:
    """A line made only of dash-like or rule characters (spaces, NBSP, zero-width allowed).

    `----`, `—`, `–-`, `-- -`, `---` + NBSP, `___`, `−−−` or `***` are what `---` becomes
    in a word processor, after smart punctuation or a slip of the finger: Markdown reads
    them as a rule or as text, and the keys after them as a paragraph.
    """
    core = [char for char in line if not (char.isspace() or char in _ZERO_WIDTH)]
    return bool(core) and all(char in _RULE_CHARS for char in core)


def head_lines(lines: list[str]) -> list[HeadLine]:
    """The fence-like and `key: value` lines at the top of a file, up to the first prose.

    Blank lines are skipped; indented lines and list items after a key are its value. The
    first line that is none of these (a heading, a sentence) ends the head, so a page that
    starts with a rule and then prose has a head of one fence and no key.
    """
    found: list[HeadLine] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.lstrip(_ZERO_WIDTH)
        if _blank(line):
            continue
        if is_fence_like(line):
            found.append(HeadLine(number, raw))
            continue
        key = _LOOSE_KEY_LINE.match(line)
        if key:
            found.append(HeadLine(number, raw, key.group("key")))
        elif not (any(not item.is_fence for item in found) and _CONTINUATION.match(line)):
            break
    return found


def is_note_key(key: str, aliases: bool = True) -> bool:
    """Whether `key` is one of our note keys or looks like a visibility key.

    Keys are folded as `schema.canonical_key` does (`Visibilité`, `TITLE`, and with
    `aliases` the English spellings: `title`, `location`); a misspelt visibility
    (`visibilty`) or another generator's (`published`, `hidden`) counts too.
    """
    folded = fold(key)
    canonical = schema.canonical_key(key) if aliases else folded
    if canonical in schema.ALL_KEYS or schema.canonical_key(key) in schema.VISIBILITY_KEYS:
        return True
    if folded in schema.VISIBILITY_LOOKALIKES or folded in schema.FOREIGN_VISIBILITY_KEYS:
        return True
    return bool(difflib.get_close_matches(folded, schema.VISIBILITY_LOOKALIKES, n=1, cutoff=0.75))


def unfenced_key(doc: Document) -> SyntaxProblem | None:
    """The first of our keys written without `---` fences, if any.

    MkDocs reads `key: value` lines at the top of a file as metadata (MultiMarkdown style)
    and we would read them as text: the same file, two readings. `visibilite: prive` among
    the first lines, fences forgotten or mistyped, must not publish the note. A line of the
    file's head (before the first prose) counts when its key is one of ours or looks like a
    visibility key, so a page that starts with "Attention: …" is left alone. English
    aliases (`title`, `location`) count on the first key line only: further down they are
    as likely another tool's keys (a redirect's `location`), left as text.
    """
    if doc.has_front_matter:
        return None
    keys = [line for line in head_lines(doc.body.split("\n")) if line.key]
    for index, line in enumerate(keys):
        if is_note_key(line.key, aliases=index == 0):
            return SyntaxProblem("frontmatter-unfenced", doc.body_line + line.number - 1, {"key": line.key})
    return None


# Invisible characters that break lines or drive terminals (U+0085 NEL, U+2028…): YAML reads
# them, but no value can be written back or shown as it was typed.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def control_characters(meta: dict[str, Any]) -> list[tuple[str, str]]:
    """The keys whose value holds an invisible control character, with its code (`U+0085`)."""
    found = []
    for key, value in meta.items():
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                stack.extend([*item.keys(), *item.values()])
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, str) and (match := _CONTROL.search(item)):
                found.append((key, f"U+{ord(match.group()):04X}"))
                break
    return found


def misplaced_front_matter(lines: list[str]) -> SyntaxProblem | None:
    """Front matter behind a fence that is not `---` on the first line, if any.

    Blank lines, a stray byte-order mark or spaces before the opening `---`, or a fence
    that only looks like `---` (`----`, `—`, `---` + NBSP, `___`, `***`…) make MkDocs and
    every Markdown reader take the block for text: the keys, `visibilite: prive` included,
    would be published as a paragraph. It counts as front matter when the first line after
    the fence reads `key:` and one of the block's keys is ours (a visibility lookalike
    included), or, for `---` itself, when another `---` closes the block. A rule followed
    by prose, or by a sentence like "Attention: …", does not.
    """
    head = head_lines(lines)
    if not head or not head[0].is_fence or (head[0].number == 1 and _FENCE_OPEN.fullmatch(lines[0])):
        return None
    fence = head[0]
    following = next((n for n in range(fence.number, len(lines)) if not _blank(lines[n])), None)
    if following is None or len(head) < 2 or head[1].number != following + 1 or head[1].is_fence:
        return None
    block = [line.key for line in itertools.takewhile(lambda line: not line.is_fence, head[1:])]
    late = _LATE_FENCE.fullmatch(fence.text) is not None
    if not any(is_note_key(key) for key in block) and not (late and _closing_fence(lines, fence.number) is not None):
        return None
    if late:
        return SyntaxProblem("frontmatter-not-first", fence.number)
    return SyntaxProblem("frontmatter-fence-lookalike", fence.number, {"fence": shown_line(fence.text)})


def _blank(line: str) -> bool:
    """Nothing but spaces (any) and zero-width characters: a blank line to the reader."""
    return all(char.isspace() or char in _ZERO_WIDTH for char in line)


def shown_line(line: str) -> str:
    """A line as the learner can read it in a message: spaces and invisible characters
    other than the plain space written `[U+00A0]`, so that `---` + NBSP shows its NBSP."""
    shown = []
    for char in line.strip(" \t"):
        visible = char == " " or (char.isprintable() and not char.isspace() and char not in _ZERO_WIDTH)
        shown.append(char if visible else f"[U+{ord(char):04X}]")
    return "".join(shown)


def read(raw: bytes) -> Document | SyntaxProblem:
    """Decode and split a Markdown file's bytes."""
    text = decode(raw)
    if isinstance(text, SyntaxProblem):
        return text
    return split(text)

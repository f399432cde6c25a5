"""`[[id]]`, `[[id|text]]` and `[[kind/id]]` links in note bodies.

Finding them skips fenced code blocks and inline code, where `[[` is just text. Resolution
is by id over notes and competences; a `kind/` prefix (folder or kind name) picks one kind
when two kinds share an id.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .model import Kind, Portfolio
from .schema import KIND_NAMES
from .model import fold

_LINK = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")
_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")

# When a bare id names notes of several kinds, the link goes to the first in this order.
PRECEDENCE = (Kind.RECIT, Kind.PARCOURS, Kind.TRACE, Kind.COMPETENCE, Kind.RETOUR)


@dataclass(frozen=True)
class Wikilink:
    target: str
    text: str | None
    line: int  # 1-based, within the body
    start: int  # offsets within that line
    end: int


def find(body: str) -> Iterator[Wikilink]:
    for number, line, spans in _prose_lines(body):
        for match in _LINK.finditer(line):
            if not any(a <= match.start() < b for a, b in spans):
                text = match.group(2).strip() if match.group(2) else None
                yield Wikilink(match.group(1).strip(), text, number, match.start(), match.end())


def sub_outside_code(pattern: re.Pattern[str], render: Callable[[re.Match[str]], str], body: str) -> str:
    """`pattern.sub(render, body)`, leaving fenced code blocks and inline code untouched."""
    lines = body.split("\n")
    for number, line, spans in _prose_lines(body, marker=None):
        def keep_code(match: re.Match[str], spans: list[tuple[int, int]] = spans) -> str:
            if any(a <= match.start() < b for a, b in spans):
                return match.group(0)
            return render(match)

        lines[number - 1] = pattern.sub(keep_code, line)
    return "\n".join(lines)


def replace(body: str, render: Callable[[Wikilink], str]) -> str:
    """Replace every wikilink outside code by `render(link)`."""
    out: list[str] = []
    links_by_line: dict[int, list[Wikilink]] = {}
    for link in find(body):
        links_by_line.setdefault(link.line, []).append(link)
    for number, line in enumerate(body.split("\n"), start=1):
        links = links_by_line.get(number)
        if links:
            parts, cursor = [], 0
            for link in links:
                parts.append(line[cursor : link.start])
                parts.append(render(link))
                cursor = link.end
            parts.append(line[cursor:])
            line = "".join(parts)
        out.append(line)
    return "\n".join(out)


def _prose_lines(body: str, marker: str | None = "[[") -> Iterator[tuple[int, str, list[tuple[int, int]]]]:
    """Lines outside fenced code (containing `marker`), each with its inline code spans."""
    fence: str | None = None
    for number, line in enumerate(body.split("\n"), start=1):
        opening = _FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = None
            continue
        if opening:
            fence = opening.group(1)
            continue
        if marker is None or marker in line:
            yield number, line, [m.span() for m in _CODE_SPAN.finditer(line)]


@dataclass(frozen=True)
class Target:
    kind: Kind
    id: str


class LinkIndex:
    """Which notes and competences an id can name."""

    def __init__(self, portfolio: Portfolio, folders: dict[str, Kind]) -> None:
        self.by_id: dict[str, list[Target]] = {}
        self.prefixes = {**KIND_NAMES, **{fold(name): kind for name, kind in folders.items()}}
        seen: set[tuple[Kind, str]] = set()
        for note in portfolio.notes:
            if note.kind is not Kind.COMPETENCE and note.key not in seen:
                seen.add(note.key)
                self.by_id.setdefault(note.id, []).append(Target(note.kind, note.id))
        for cid in portfolio.competences:
            self.by_id.setdefault(cid, []).append(Target(Kind.COMPETENCE, cid))
        for targets in self.by_id.values():
            targets.sort(key=lambda t: PRECEDENCE.index(t.kind))

    def resolve(self, target: str) -> list[Target]:
        """Every match, best first; several matches mean an ambiguous bare id."""
        if "/" in target:
            prefix, ident = target.split("/", 1)
            kind = self.prefixes.get(fold(prefix))
            if kind is not None:
                return [t for t in self.by_id.get(ident, []) if t.kind is kind]
        return list(self.by_id.get(target, []))

"""`[[links]]` and `![[embeds]]` in note bodies, and what the names in them resolve to.

Finding them skips fenced code blocks and inline code, where `[[` is just text. A name is
read as Obsidian reads it, case aside: a note's id, file name (`[[Mon récit]]`,
`[[bilan.md]]`) or alias, a path from the portfolio's root or from the note (`[[2024/bilan]]`,
`[[../recits/bilan]]`), or a kind prefix (`[[recits/bilan]]`) when two kinds share an id.
After the name may come a heading (`[[bilan#Ce que j'ai appris]]`) or a block
(`[[bilan#^idee]]`), and after a `|` the text to show (`[[bilan|mon bilan]]`) or, for an
image, its size. Other files (`![[Pasted image 20240312101530.png]]`) resolve by path, else
by their name anywhere in the portfolio, the one beside the note first.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .model import Kind, Page, Portfolio, fold, is_markdown, markdown_stem
from .schema import KIND_NAMES

# `!` for an embed, the target up to `|`, the text after it. In a table, Obsidian writes the
# `|` escaped (`[[a\|b]]`): the backslash ends the target, and is dropped (`split_target`).
_LINK = re.compile(r"(!?)\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")
# A fence, also in a quote or a callout (`> ```), or in a list item (indented).
_FENCE = re.compile(r"^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})(.*)$")
_CODE_SPAN = re.compile(r"(`+)(?:.+?)\1")
_SUFFIX = re.compile(r"\.([A-Za-z0-9]{1,8})$")

# When a bare id names notes of several kinds, the link goes to the first in this order.
PRECEDENCE = (Kind.RECIT, Kind.PARCOURS, Kind.TRACE, Kind.COMPETENCE, Kind.RETOUR)


@dataclass(frozen=True)
class Wikilink:
    target: str  # as written between `[[` and `|`: name, then `#heading` or `#^block`
    text: str | None
    line: int  # 1-based, within the body
    start: int  # offsets within that line (an embed's `!` included)
    end: int
    embed: bool = False

    @property
    def name(self) -> str:
        """The note or file named, without heading or block: '' for `[[#Titre]]`."""
        return split_target(self.target)[0]

    @property
    def heading(self) -> str | None:
        return split_target(self.target)[1]

    @property
    def block(self) -> str | None:
        return split_target(self.target)[2]

    @property
    def shown(self) -> str:
        """The link as the learner wrote it, for messages."""
        return ("!" if self.embed else "") + f"[[{self.target}]]"


def split_target(target: str) -> tuple[str, str | None, str | None]:
    """`note#H1#H2` -> (`note`, `H2`, None); `note#^idee` -> (`note`, None, `idee`).

    Obsidian nests headings with `#`: the last one is the heading meant.
    """
    target = target.strip().removesuffix("\\").strip()
    name, _, subpath = target.partition("#")
    if not subpath.strip():
        return name.strip(), None, None
    if subpath.startswith("^"):
        return name.strip(), None, subpath[1:].strip() or None
    headings = [part.strip() for part in subpath.split("#") if part.strip()]
    return name.strip(), headings[-1] if headings else None, None


def is_file_name(name: str) -> bool:
    """Whether a link names a file other than a note: `photo.png`, `cv.pdf` (not `bilan.md`,
    nor `v1.2`, read as a note's name when no file has it)."""
    return bool(_SUFFIX.search(name)) and not is_markdown(name)


def find(body: str, embeds: bool = False) -> Iterator[Wikilink]:
    """The links outside code, and the embeds too when `embeds` is set."""
    for number, line, spans in _prose_lines(body):
        for match in _LINK.finditer(line):
            start = match.start()
            if any(a <= start < b for a, b in spans):
                continue
            embed = bool(match.group(1))
            if embed and start > 0 and line[start - 1] == "\\":  # `\![[x]]`: a link after a `!`
                embed = False
            if embed and not embeds:
                continue
            if not embed:
                start = match.start(2) - 2  # from `[[`: a `!` before it stays as written
            text = match.group(3).strip() if match.group(3) else None
            yield Wikilink(match.group(2).strip(), text, number, start, match.end(), embed)


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


def replace(body: str, render: Callable[[Wikilink], str], embeds: bool = False) -> str:
    """Replace every wikilink outside code by `render(link)` (every embed too, with `embeds`)."""
    out: list[str] = []
    links_by_line: dict[int, list[Wikilink]] = {}
    for link in find(body, embeds):
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
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) and not opening.group(2).strip():
                fence = None
            continue
        if opening and not (opening.group(1)[0] == "`" and "`" in opening.group(2)):  # ```x``` is a code span
            fence = opening.group(1)
            continue
        if marker is None or marker in line:
            yield number, line, [m.span() for m in _CODE_SPAN.finditer(line)]


def name_key(name: str) -> str:
    """A name as Obsidian compares names: case aside (accents count), macOS's decomposed
    accents composed."""
    return unicodedata.normalize("NFC", name.strip()).casefold()


def _note_name(name: str) -> str:
    """A note's name without the Markdown suffix Obsidian allows (`[[bilan.md]]`)."""
    if is_markdown(name):
        folder, _, file = name.rpartition("/")
        return f"{folder}/{markdown_stem(file)}" if folder else markdown_stem(file)
    return name


def _relative(name: str, origin: str | None) -> str | None:
    """`./x` or `../x` written in `origin`, as a path from the root; None for other names."""
    if origin is None or not name.startswith(("./", "../")):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(origin), name))
    return None if path.startswith("../") or path == ".." else path


@dataclass(frozen=True)
class Target:
    kind: Kind | None  # None: an ordinary page (not a note)
    id: str  # a page's path


class LinkIndex:
    """Which notes, competences and pages a name can name."""

    def __init__(self, portfolio: Portfolio, folders: dict[str, Kind]) -> None:
        self.by_id: dict[str, list[Target]] = {}  # exact ids, as `sur:` and messages use them
        self.prefixes = {**KIND_NAMES, **{fold(name): kind for name, kind in folders.items()}}
        self.pages: dict[str, Page] = {page.path: page for page in portfolio.pages}
        self.paths: dict[Target, str] = {}  # where each note or page is
        self._names: dict[str, list[Target]] = {}  # name_key of ids, file names, aliases
        self._page_names: dict[str, list[Target]] = {}
        self._whole: dict[str, list[Target]] = {}  # name_key of a path without its suffix
        self._tails: dict[str, list[Target]] = {}  # and of its tails: `2024/bilan` for `recits/2024/bilan`
        seen: set[tuple[Kind, str]] = set()
        competences = portfolio.competences
        for note in sorted(portfolio.notes, key=lambda n: n.path):
            if note.kind is Kind.COMPETENCE and note.id not in competences:
                continue
            target = Target(note.kind, note.id)
            if note.kind is not Kind.COMPETENCE and note.key not in seen:
                seen.add(note.key)
                self.by_id.setdefault(note.id, []).append(target)
            self.paths.setdefault(target, note.path)
            self._add_names(self._names, target, [note.id, markdown_stem(note.path), *note.aliases])
            self._add_path(note.path, target)
        for cid in competences:
            target = Target(Kind.COMPETENCE, cid)
            self.by_id.setdefault(cid, []).append(target)
            self._add_names(self._names, target, [cid])
        for page in sorted(portfolio.pages, key=lambda p: p.path):
            target = Target(None, page.path)
            self.paths[target] = page.path
            self._add_names(self._page_names, target, [markdown_stem(page.path), *_aliases(page)])
            self._add_path(page.path, target)
        for index in (self.by_id, self._names):
            for targets in index.values():
                targets.sort(key=lambda t: PRECEDENCE.index(t.kind) if t.kind else len(PRECEDENCE))

    @staticmethod
    def _add_names(index: dict[str, list[Target]], target: Target, names: Iterable[str]) -> None:
        for name in names:
            bucket = index.setdefault(name_key(name), [])
            if name.strip() and target not in bucket:
                bucket.append(target)

    def _add_path(self, path: str, target: Target) -> None:
        parts = _note_name(path).split("/")
        self._whole.setdefault(name_key("/".join(parts)), []).append(target)
        for start in range(1, len(parts) - 1):
            self._tails.setdefault(name_key("/".join(parts[start:])), []).append(target)

    def resolve(self, target: str, pages: bool = False, origin: str | None = None) -> list[Target]:
        """Every match, best first; several mean an ambiguous name. Ordinary pages count
        only with `pages` (a link may name one; a coach's `sur:` names a note)."""
        name = _note_name(split_target(target)[0])
        if not name:
            return []
        relative = _relative(name, origin)
        if relative is not None:
            found = list(self._whole.get(name_key(_note_name(relative)), []))
        elif "/" in name.strip("/"):
            found = self._at_path(name.strip("/"))
        else:
            found = self._named(name.strip("/"))
            if not found and pages:
                found = list(self._page_names.get(name_key(name.strip("/")), []))
        return found if pages else [t for t in found if t.kind is not None]

    def _named(self, name: str) -> list[Target]:
        """Exact ids first (as before names were read as Obsidian reads them), then the
        others: ids and file names without case, aliases."""
        found = list(self.by_id.get(name, []))
        found += [t for t in self._names.get(name_key(name), []) if t not in found]
        return found

    def _at_path(self, name: str) -> list[Target]:
        """`recits/bilan`: a kind and an id, else a path from the root or its tail."""
        prefix, ident = name.split("/", 1)
        kind = self.prefixes.get(fold(prefix))
        if kind is not None:
            found = [t for t in self._named(ident) if t.kind is kind]
            if found:
                return found
        return list(self._whole.get(name_key(name)) or self._tails.get(name_key(name), []))

    def names(self) -> list[str]:
        """Every id and name a link may use, for suggestions."""
        return [*self.by_id, *(name for name in self._names if name not in self.by_id)]


def _aliases(page: Page) -> list[str]:
    """An ordinary page's `aliases` (notes have theirs read by load.py)."""
    value = page.meta.get("aliases")
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value if isinstance(v, (str, int))] if isinstance(value, list) else []


class FileIndex:
    """The files that are not notes (images, PDFs…), as Obsidian finds them: by path from
    the root or from the note, else by name anywhere, the one in the note's folder first."""

    def __init__(self, paths: Iterable[str]) -> None:
        self._by_path: dict[str, str] = {}
        self._by_tail: dict[str, list[str]] = {}
        for path in sorted(paths):
            self._by_path.setdefault(name_key(path), path)
            parts = path.split("/")
            for start in range(1, len(parts)):
                self._by_tail.setdefault(name_key("/".join(parts[start:])), []).append(path)

    def resolve(self, name: str, origin: str) -> list[str]:
        """Every match, best first; several mean an ambiguous name."""
        name = name.strip()
        relative = _relative(name, origin)
        if relative is not None:
            found = self._by_path.get(name_key(relative))
            return [found] if found else []
        name = name.strip("/")
        exact = self._by_path.get(name_key(name))
        if exact is not None:
            return [exact]
        folder = posixpath.dirname(origin)
        return sorted(self._by_tail.get(name_key(name), []), key=lambda path: (posixpath.dirname(path) != folder, path))


def used_files(text: str, origin: str, files: FileIndex) -> set[str]:
    """The files `text` (written in `origin`) shows or links to with `![[…]]` or `[[…]]`."""
    found = set()
    for link in find(text, embeds=True):
        if is_file_name(link.name):
            found.update(files.resolve(link.name, origin)[:1])
    return found

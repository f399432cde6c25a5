"""`pymdownx.snippets` transclusions (`--8<-- "file"`) that would publish what is not public.

The extension reads files while Markdown is converted, long after our filter removed private
files from the engine's list: `--8<-- "journal/doute.md"` in a public note would copy a
private note into it. Under a plain `mkdocs build` the private files are still on disk, so
we refuse, before anything is rendered, every transclusion of a file that is not published.
(`cheminement build` builds from a stage where private files do not exist at all.)

The syntax follows pymdown-extensions: a line `--8<-- "path"` (any number of `-` around
`8<`), or a block of paths between two `--8<--` lines; a line starting with `;` is escaped;
a path may end with `:section` or `:start:end` line ranges. Snippets are expanded before
Markdown sees code fences, so lines inside fenced code count too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from pathlib import Path

from .model import Page, Problem, Severity, is_markdown

_INLINE = re.compile(r"""^[ \t]*(;*)-+8<-+[ \t]+("(?:\\"|[^"\n])+?"|'(?:\\'|[^'\n])+?')[ \t]*$""")
_BLOCK = re.compile(r"^[ \t]*(;*)-+8<-+[ \t]*$")


@dataclass(frozen=True)
class Transclusion:
    path: str  # as written, without quotes, section or line range
    line: int  # 1-based, within the text


def find(text: str) -> Iterator[Transclusion]:
    """Every local file a text transcludes (URLs are not files of the portfolio)."""
    in_block = False
    for number, line in enumerate(text.split("\n"), start=1):
        inline = _INLINE.match(line)
        if inline:
            if not inline.group(1):
                yield from _candidates(inline.group(2)[1:-1], number)
            continue
        block = _BLOCK.match(line)
        if block:
            if not block.group(1):
                in_block = not in_block
            continue
        if in_block and line.strip() and not line.lstrip().startswith(";"):
            yield from _candidates(line, number)


def _candidates(written: str, line: int) -> Iterator[Transclusion]:
    """Every file a written path may name, so that no reading of it escapes the check.

    pymdown-extensions strips spaces inside the quotes, and cuts `file.md:section` or
    `file.md:3:8` at a colon only when a section or range follows: `a:b.md` may be a file.
    Both readings are checked (a path that names no file is harmless).
    """
    path = written.replace('\\"', '"').replace("\\'", "'").strip()
    if not path or _is_url(path):
        return
    yield Transclusion(path, line)
    slash = max(path.rfind("/"), path.rfind("\\"))
    colon = path.find(":", slash + 1)
    if colon > 0:
        yield Transclusion(path[:colon].strip(), line)


def _is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://"))


# How deep transclusions are followed. pymdown-extensions nests until Python's recursion
# limit is near (a few hundred levels); a chain longer than this is refused rather than
# followed further, since what lies beyond it would go unchecked.
MAX_DEPTH = 64


@dataclass(frozen=True)
class _Finding:
    """A file a transclusion chain reaches that must not be published, or a chain too deep."""

    chain: tuple[str, ...]  # the paths as written, from the page's transclusion on
    too_deep: bool = False


def refused(pages: Iterable[Page], bases: Sequence[Path], docs_dir: Path, project: Path,
            published: Set[str], auto_append: Sequence[str] = ()) -> list[Problem]:
    """Transclusions in published pages that bring in a file that is not published itself.

    A path resolves like pymdown-extensions does (the first base folder where it exists).
    Allowed: a published file of the portfolio, or a file of the project outside the
    portfolio folder (an abbreviations list beside mkdocs.yml). Refused: a private or
    unpublished file of the portfolio, and anything outside the project. The extension
    expands transclusions inside transcluded files too, so every allowed file is followed
    in turn (`auto_append` files included); the problem is reported on the page's line that
    starts the chain, and names the chain.
    """
    graph = _Graph(bases, Path(os.path.realpath(docs_dir)), Path(os.path.realpath(project)), published)
    problems = []
    for page in pages:
        found = [*find(page.body)]
        found += [Transclusion(path, 0) for path in auto_append]
        for item in found:
            finding = graph.first_refused(item.path)
            if finding is not None:
                line = page.body_line + item.line - 1 if item.line else None
                problems.append(_problem(page.path, line, finding))
    return problems


def _problem(page: str, line: int | None, finding: _Finding) -> Problem:
    """The problem for one refused chain: direct, nested (the chain named) or too deep."""
    chain = finding.chain
    if finding.too_deep:
        return Problem(page, line, Severity.ERROR, "snippet-too-deep", {"path": chain[0], "limit": MAX_DEPTH},
                       (("snippet-too-deep.fix", {}),))
    if len(chain) == 1:
        return Problem(page, line, Severity.ERROR, "snippet-not-public", {"path": chain[0]},
                       (("snippet-not-public.fix", {}),))
    shown = " → ".join(f"« {path} »" for path in chain)
    return Problem(page, line, Severity.ERROR, "snippet-nested-not-public",
                   {"path": chain[0], "chain": shown, "target": chain[-1]},
                   (("snippet-nested-not-public.fix", {"target": chain[-1], "parent": chain[-2]}),))


class _Graph:
    """Files and what they transclude, read once per build whatever the number of pages.

    pymdown-extensions resolves a nested path against the same base folders as a page's,
    never against the including file, so what a file brings in does not depend on who
    includes it: one answer per path serves every page.
    """

    def __init__(self, bases: Sequence[Path], docs: Path, root: Path, published: Set[str]) -> None:
        self.bases, self.docs, self.root, self.published = bases, docs, root, published
        self._answers: dict[str, _Finding | None] = {}
        self._found: dict[Path, list[str]] = {}

    def first_refused(self, path: str) -> _Finding | None:
        """The shortest chain from the transclusion of `path` to a refused file, if any."""
        if path not in self._answers:
            self._answers[path] = self._search(path)
        return self._answers[path]

    def _search(self, path: str) -> _Finding | None:
        """Breadth first from `path`, level by level: a file already seen is not read again
        (pymdown skips a file that includes itself, and what a file brings in is the same
        wherever it is included)."""
        seen: set[Path] = set()
        frontier: list[tuple[str, ...]] = [(path,)]
        for depth in range(1, MAX_DEPTH + 2):
            reached: list[tuple[tuple[str, ...], Path]] = []
            for chain in frontier:
                target = _resolve(chain[-1], self.bases)
                if target is None or target in seen:
                    continue
                if not _allowed(target, self.docs, self.root, self.published):
                    return _Finding(chain)
                if depth > MAX_DEPTH:
                    return _Finding(chain, too_deep=True)
                seen.add(target)
                reached.append((chain, target))
            frontier = [(*chain, nested) for chain, target in reached for nested in self._transcluded(target)]
            if not frontier:
                break
        return None

    def _transcluded(self, target: Path) -> list[str]:
        """The local paths a file transcludes, as the extension reads it (raw, comments and
        front matter included), once per file."""
        if target not in self._found:
            self._found[target] = [item.path for item in find(_read(target))] if target.is_file() else []
        return self._found[target]


def _read(target: Path) -> str:
    """A file's text for the search: UTF-8, or Latin-1 when it is not (the extension's
    `encoding` may say so), so that no path written in it escapes us."""
    try:
        raw = target.read_bytes()
    except OSError:
        return ""  # the extension cannot read it either: nothing is transcluded from it
    if b"8<" not in raw:
        return ""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n")  # read in text mode, as the extension does


def _resolve(path: str, bases: Sequence[Path]) -> Path | None:
    """The file the extension would read for `path`: in the first base folder where it
    exists, or a base that is a file itself when `path` names it."""
    for base in bases:
        if base.is_file():
            candidate = base.parent / path
            if candidate.exists() and os.path.samefile(candidate, base):
                return Path(os.path.realpath(base))
            continue
        candidate = Path(os.path.realpath(base / path))
        if candidate.exists():
            return candidate
    return None


def _allowed(target: Path, docs: Path, root: Path, published: Set[str]) -> bool:
    """A published file of the portfolio that is not a note, or a visible file of the project.

    A note is refused even when published: the extension inserts its file as written, front
    matter and private `%%` remarks included. Hidden folders of the project (`.git/`, a kept
    `.stage/`) and an old site folder (`site/`, built perhaps without our filter) may hold
    private text, so they are refused too.
    """
    if target.is_relative_to(docs):
        relative = target.relative_to(docs).as_posix()
        return relative in published and not is_markdown(relative)
    if not target.is_relative_to(root):
        return False
    parts = target.relative_to(root).parts
    return not any(part.startswith(".") for part in parts) and parts[:1] != ("site",)

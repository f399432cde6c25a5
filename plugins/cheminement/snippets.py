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

from .model import Page, Problem, Severity

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
            path = _bare(inline.group(2)[1:-1])
            if not inline.group(1) and not _is_url(path):
                yield Transclusion(path, number)
            continue
        block = _BLOCK.match(line)
        if block:
            if not block.group(1):
                in_block = not in_block
            continue
        if in_block and line.strip() and not line.lstrip().startswith(";") and not _is_url(line.strip()):
            yield Transclusion(_bare(line.strip()), number)


def _bare(path: str) -> str:
    """The file part of `file.md:section` or `file.md:3:8` (a colon after the last `/`)."""
    path = path.replace('\\"', '"').replace("\\'", "'")
    slash = max(path.rfind("/"), path.rfind("\\"))
    colon = path.find(":", slash + 1)
    return path[:colon] if colon > 0 else path


def _is_url(path: str) -> bool:
    return path.lower().startswith(("http://", "https://"))


def refused(pages: Iterable[Page], bases: Sequence[Path], docs_dir: Path, project: Path,
            published: Set[str], auto_append: Sequence[str] = ()) -> list[Problem]:
    """Transclusions in published pages of a file that is not published itself.

    A path resolves like pymdown-extensions does (the first base folder where it exists).
    Allowed: a published file of the portfolio, or a file of the project outside the
    portfolio folder (an abbreviations list beside mkdocs.yml). Refused: a private or
    unpublished file of the portfolio, and anything outside the project.
    """
    docs = Path(os.path.realpath(docs_dir))
    root = Path(os.path.realpath(project))
    problems = []
    for page in pages:
        found = [*find(page.body)]
        found += [Transclusion(path, 0) for path in auto_append]
        for item in found:
            target = _resolve(item.path, bases)
            if target is None or _allowed(target, docs, root, published):
                continue
            line = page.body_line + item.line - 1 if item.line else None
            problems.append(Problem(page.path, line, Severity.ERROR, "snippet-not-public", {"path": item.path},
                                    (("snippet-not-public.fix", {}),)))
    return problems


def _resolve(path: str, bases: Sequence[Path]) -> Path | None:
    for base in bases:
        candidate = Path(os.path.realpath(base / path))
        if candidate.exists():
            return candidate
    return None


def _allowed(target: Path, docs: Path, root: Path, published: Set[str]) -> bool:
    if target.is_relative_to(docs):
        return target.relative_to(docs).as_posix() in published
    return target.is_relative_to(root)

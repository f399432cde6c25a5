"""The one place that decides what is published.

Every view, page and link is computed from the public portfolio this module returns, never
from the full one, so a private note cannot leak through a side door (an index count, a
backlink, a link title). The engine adapter removes the excluded paths from its files.

A name is not a file: a symbolic or hard link gives a private note, file or folder a second,
innocent-looking name (`archives -> journal`), so privacy is judged on the real file too.
What leaves the learner's machine as Markdown (the stage, and what the manifest hashes) is
`PublishedText`: one function, so that no published byte and no published hash covers
something private.
"""

from __future__ import annotations

import enum
import functools
import html
import json
import os
import posixpath
import re
from collections.abc import Callable, Iterable, Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml

from . import frontmatter, targets, wikilinks
from .mdsource import code_regions, redact_markdown, strip_comments
from .model import CompetencePage, Kind, Note, Page, Portfolio, Recit, Retour, Trace, Visibility, is_markdown
from .scan import RealPaths
from .settings import Settings

# Relative targets of Markdown links and images, and of HTML src/href attributes.
_MD_TARGET = re.compile(r"\]\(\s*<?([^)\s>]+)>?(?:\s+[\"'][^)]*)?\)")
_HTML_TARGET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
# A Markdown backslash escape (`photo\_1.png`): what the reader sees is the character alone.
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


class Reason(enum.StrEnum):
    """Why something stays private; `cheminement publication` shows it to the learner."""

    DECLARED = "declared"  # visibilite: prive, or draft: true
    FOLDER = "folder"  # in a private folder such as journal/
    KIND = "kind"  # a coach's feedback note: private unless marked public, wherever it is
    EXCLUDED = "excluded"  # left out by the engine's own settings (exclude_docs, draft_docs)
    EXPLICIT = "explicit"  # publication: explicite and not marked public
    PRIVATE_ONLY = "private-only"  # a file that only private notes use
    ALIAS = "alias"  # another name (a symbolic or hard link) for a private note, file or folder
    ABOUT_PRIVATE = "about-private"  # feedback about a note or competence that is not published


def private_reason(page: Page, settings: Settings) -> Reason | None:
    """Why one note or page stays private by itself, or None when nothing in it says so.

    The portfolio may add reasons (`_split`): another name of a private file, feedback about
    a private note.
    """
    if page.path in settings.excluded:
        return Reason.EXCLUDED
    if page.visibility is Visibility.PRIVATE:
        return Reason.DECLARED
    if page.visibility is Visibility.PUBLIC:
        return None
    if settings.is_in_private_folder(page.path):
        return Reason.FOLDER
    if isinstance(page, Retour):
        # Feedback is private by its nature, not by where it was saved: a `retours` folder
        # left out of `dossiers_prives` must not publish what a coach wrote.
        return Reason.KIND
    # In explicit mode a note is published only when it says so; ordinary pages (home,
    # about) stay published unless marked private.
    if settings.explicit_publication and isinstance(page, Note):
        return Reason.EXPLICIT
    return None


def is_public(page: Page, settings: Settings) -> bool:
    return private_reason(page, settings) is None


@dataclass
class Publication:
    """The public portfolio and what stays on the learner's machine, with the reason.

    In a local preview (`preview=True`, only ever for `mkdocs serve`) private notes are
    kept in `public` so the learner sees them in place, and listed in `previewed`.
    """

    public: Portfolio
    private: dict[str, Reason] = field(default_factory=dict)
    previewed: set[str] = field(default_factory=set)

    @property
    def private_paths(self) -> set[str]:
        return set(self.private)


def publish(portfolio: Portfolio, settings: Settings, preview: bool = False,
            uses: UseCache | None = None) -> Publication:
    """Split the portfolio into what is published and what stays private (`uses`: what
    pages used in an earlier call, which serve keeps between rebuilds)."""
    publication = _split(portfolio, settings, uses or UseCache())
    if not preview:
        return publication
    # The preview shows private notes in place, but not what the engine itself leaves out.
    left_out: dict[str, Reason] = {path: reason for path, reason in publication.private.items() if reason is Reason.EXCLUDED}
    shown = Portfolio(
        portfolio.referentiel,
        [n for n in portfolio.notes if n.path not in left_out],
        [p for p in portfolio.pages if p.path not in left_out],
        [a for a in portfolio.assets if a not in left_out],
    )
    return Publication(shown, left_out, set(publication.private) - set(left_out))


# -- The split ------------------------------------------------------------------------------


def _split(portfolio: Portfolio, settings: Settings, cache: UseCache) -> Publication:
    """Decide every note, page and file until nothing changes.

    Reasons feed one another: a retour about a note made private by a link becomes private,
    and what it uses then counts as used by a private note. Every rule only ever makes more
    things private, so the loop ends (at most once per item).
    """
    pages = [*portfolio.notes, *portfolio.pages]
    # The référentiel and the reference library are sources of the build, not site files.
    sources = {_relative(path, settings) for path in (settings.referentiel_path, settings.bibliography) if path}
    assets = sorted(set(portfolio.assets) - sources)
    files = _RealFiles(settings, [page.path for page in pages] + assets)
    uses = _Uses(pages, set(assets), files, settings.docs_dir, cache)
    about = _About(portfolio, settings)
    private: dict[str, Reason] = {}
    while _decide(pages, assets, settings, files, uses, about, private):
        pass
    public = Portfolio(
        portfolio.referentiel,
        [n for n in portfolio.notes if n.path not in private],
        [p for p in portfolio.pages if p.path not in private],
        [a for a in assets if a not in private],
    )
    return Publication(public, private)


def _decide(pages: list[Page], assets: list[str], settings: Settings, files: _RealFiles, uses: _Uses,
            about: _About, private: dict[str, Reason]) -> bool:
    """One pass over everything not yet private; whether it made anything private."""
    count = len(private)
    public_index = about.public_index(private)
    for page in pages:
        if page.path not in private:
            reason = private_reason(page, settings) or files.alias_reason(page.path, private)
            if reason is None and about.is_about_private(page, public_index):
                reason = Reason.ABOUT_PRIVATE
            if reason is not None:
                private[page.path] = reason
    used_by_public, used_by_private = uses.by_public(private), uses.by_private(private)
    for asset in assets:
        if asset not in private:
            reason = _asset_reason(asset, settings, files, used_by_public, used_by_private, private)
            if reason is not None:
                private[asset] = reason
    return len(private) > count


def _asset_reason(asset: str, settings: Settings, files: _RealFiles, used_by_public: Set[str],
                  used_by_private: Set[object], private: Mapping[str, Reason]) -> Reason | None:
    """Why a file stays private, or None: use decides.

    A name a public note shows is published even from `journal/` (the learner chose to
    show it), unless it is another name for a private note, an excluded file or the
    reference library. A private note's use counts through any name of the file.
    """
    if asset in settings.excluded:
        return Reason.EXCLUDED
    if files.is_sealed(asset, private):
        return Reason.ALIAS
    if asset in used_by_public:
        return None
    if files.key(asset) in used_by_private:
        return Reason.PRIVATE_ONLY
    if settings.is_in_private_folder(asset):
        return Reason.FOLDER
    return files.alias_reason(asset, private)


def _relative(path: Path, settings: Settings) -> str | None:
    relative = os.path.relpath(path, settings.docs_dir)
    return None if relative.startswith("..") else Path(relative).as_posix()


# -- Two names for one file -------------------------------------------------------------------


def real_path(docs_dir: Path, path: str, realpath: Callable[[str], str] = os.path.realpath) -> str | None:
    """Where `path` really is, relative to the real portfolio folder; None outside it
    (`realpath`: `os.path.realpath`, or the same kept for a build: scan.RealPaths).

    `archives/carnet.md` is `journal/carnet.md` when `archives` links to `journal`.
    """
    root = realpath(str(docs_dir))
    real = realpath(os.path.join(docs_dir, path))
    if real != root and not real.startswith(root.rstrip(os.sep) + os.sep):
        return None
    return Path(os.path.relpath(real, root)).as_posix()


class _RealFiles:
    """The real place and identity (device, inode) of every name in the portfolio.

    The identity catches hard links, which have no "real" path; the real path catches a
    link into a private folder whose file has no other name in the portfolio.
    """

    def __init__(self, settings: Settings, paths: Iterable[str]) -> None:
        self.settings = settings
        self.real: dict[str, str | None] = {}
        self._keys: dict[str, object] = {}
        self.names: dict[object, list[str]] = {}
        realpath = RealPaths()
        for path in paths:
            self.real[path] = real_path(settings.docs_dir, path, realpath)
            self._keys[path] = key = _identity(settings.docs_dir / path) or path
            self.names.setdefault(key, []).append(path)
        library = settings.bibliography
        self.library = _identity(library) if library is not None else None

    def key(self, path: str) -> object:
        """What two names of one file share: its identity, or the name when it has none."""
        return self._keys.get(path, path)

    def others(self, path: str) -> list[str]:
        return [name for name in self.names.get(self.key(path), []) if name != path]

    def is_sealed(self, path: str, private: Mapping[str, Reason]) -> bool:
        """Private whatever uses it: no real place inside the portfolio, the reference
        library under another name, or another name of a private note or excluded file."""
        if self.real.get(path) is None or (self.library is not None and self.key(path) == self.library):
            return True
        return any(other in private and (is_markdown(other) or private[other] is Reason.EXCLUDED)
                   for other in self.others(path))

    def alias_reason(self, path: str, private: Mapping[str, Reason]) -> Reason | None:
        """ALIAS when the real file is private under its real path or any other name."""
        real = self.real.get(path)
        if self.is_sealed(path, private):
            return Reason.ALIAS
        if real != path and (real in private or self.settings.is_in_private_folder(real or "")):
            return Reason.ALIAS
        if any(other in private for other in self.others(path)):
            return Reason.ALIAS
        return None


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return None
    return (status.st_dev, status.st_ino)


# -- Feedback about a private note ------------------------------------------------------------


class _About:
    """Feedback (`sur`) about a note or competence that is not published is private too:
    what a coach wrote about `emploi-secret` is about `emploi-secret`."""

    def __init__(self, portfolio: Portfolio, settings: Settings) -> None:
        self.portfolio = portfolio
        self.folders = settings.folders
        self.retours = [n for n in portfolio.notes if isinstance(n, Retour) and n.about is not None]
        self.full = wikilinks.LinkIndex(portfolio, settings.folders) if self.retours else None

    def public_index(self, private: Mapping[str, Reason]) -> wikilinks.LinkIndex | None:
        if self.full is None:
            return None
        notes = [note for note in self.portfolio.notes if note.path not in private]
        return wikilinks.LinkIndex(Portfolio(self.portfolio.referentiel, notes), self.folders)

    def is_about_private(self, page: Page, public_index: wikilinks.LinkIndex | None) -> bool:
        """Whether `sur` names anything the public portfolio lacks (or nothing at all)."""
        if not isinstance(page, Retour) or page.about is None or self.full is None or public_index is None:
            return False
        found = self.full.resolve(page.about.id)
        shown = public_index.resolve(page.about.id)
        return not found or any(target not in shown for target in found)


# -- Which files a page uses -------------------------------------------------------------------


class _Uses:
    """The files each page uses: as published for a public page, as written for a private one.

    A public page uses what its published text links to or embeds, never a mention inside
    a comment or a code sample (they show no file). A private page uses every file it
    names in any form, comments included (fail closed).
    """

    def __init__(self, pages: list[Page], assets: set[str], files: _RealFiles, docs_dir: Path,
                 cache: UseCache) -> None:
        self.pages = pages
        self.assets = assets
        self.files = files
        self.docs_dir = docs_dir
        self.file_names = wikilinks.FileIndex(assets)  # as `![[Pasted image ….png]]` names them
        self.by_name: dict[str, set[str]] = {}
        for asset in assets:
            self.by_name.setdefault(targets.fold(posixpath.basename(asset)), set()).add(asset)
        self._shown, self._named = cache.among(frozenset(assets))

    def by_public(self, private: Mapping[str, Reason]) -> set[str]:
        """The names public pages show (a name, not a file: `journal/x.png` is not shown
        because a public note shows `recits/x.png`, the same file)."""
        found: set[str] = set()
        for page in self.pages:
            if page.path not in private:
                found |= self._shown_by(page)
        return found

    def by_private(self, private: Mapping[str, Reason]) -> set[object]:
        """The files private pages name, under any of their names (`_RealFiles.key`)."""
        found: set[object] = set()
        for page in self.pages:
            if page.path in private:
                found |= self._named_by(page)
        return found

    def _shown_by(self, page: Page) -> set[str]:
        known = self._shown.get(page.path)
        if known is None or known[0] is not page:
            known = self._shown[page.path] = (
                page, frozenset(_referenced_assets(page, self.assets, published_prose(page.body), self.file_names)))
        return set(known[1])

    def _named_by(self, page: Page) -> set[object]:
        known = self._named.get(page.path)
        if known is None or known[0] is not page:
            paths = _referenced_assets(page, self.assets, page.body, self.file_names)
            paths |= _mentioned_assets(_source_text(page, self.docs_dir), self.by_name)
            known = self._named[page.path] = (page, frozenset(paths))
        return {self.files.key(path) for path in known[1]}  # which names are one file: asked each time


class UseCache:
    """The files each page uses (`_Uses`), by page object: a `serve` session keeps it between
    rebuilds, where a note whose bytes did not change is the same object (reread.py). Valid
    among the same files only: a file added or removed changes what a name designates."""

    def __init__(self) -> None:
        self._assets: frozenset[str] | None = None
        self._shown: dict[str, tuple[Page, frozenset[str]]] = {}
        self._named: dict[str, tuple[Page, frozenset[str]]] = {}

    def among(self, assets: frozenset[str]) -> tuple[dict[str, tuple[Page, frozenset[str]]],
                                                     dict[str, tuple[Page, frozenset[str]]]]:
        """The files shown and named by each page, as kept for these `assets` (else none)."""
        if assets != self._assets:
            self._assets, self._shown, self._named = assets, {}, {}
        return self._shown, self._named


def published_prose(body: str) -> str:
    """The Markdown a reader's page is made of: no comment, and code samples blanked.

    A link inside `<!-- -->`, `%%…%%`, a fenced block or a code span shows no file.
    """
    text = strip_comments(body, html_comments=True)
    pieces: list[str] = []
    position = 0
    for start, end in code_regions(text):
        pieces.append(text[position:start])
        pieces.append(" ")
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


def _source_text(page: Page, docs_dir: Path) -> str:
    """Everything a private page says: the file as written (comments included), else what
    we read of it."""
    try:
        raw = (docs_dir / page.path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        raw = ""
    meta = json.dumps(page.meta, ensure_ascii=False, default=str)
    return "\n".join((raw, page.title, page.body, meta))


def loose_forms(text: str) -> str:
    """The text in every form a file name may take in it, folded as `targets` folds URLs.

    Entities (`&#45;`, `&period;`) and percent-escapes undone, Markdown backslash escapes
    undone, `+` read as a space, Unicode composed (macOS names files decomposed) and case
    folded. The forms are joined by newlines: search it with `name in …`.
    """
    folded = targets.fold(text)
    decoded = targets.decode(text)
    unescaped = targets.decode(_MARKDOWN_ESCAPE.sub(r"\1", text))
    return "\n".join((folded, decoded, unescaped, decoded.replace("+", " ")))


def _mentioned_assets(text: str, by_name: Mapping[str, set[str]]) -> set[str]:
    """Files whose name appears anywhere in a private page's text, however it is written.

    Links take many forms (reference definitions, srcset, poster, unquoted attributes,
    absolute paths, entities, another case…): for a private page, a mention is enough to
    keep a file private. Names are compared folded (`loose_forms`).
    """
    haystack = loose_forms(text)
    found: set[str] = set()
    for name, paths in by_name.items():
        if name and name in haystack:
            found |= paths
    return found


def _referenced_assets(page: Page, assets: Set[str], text: str, names: wikilinks.FileIndex) -> set[str]:
    """Files of the portfolio that `text` (a page's) links to or embeds, and its trace file."""
    found = wikilinks.used_files(text, page.path, names)  # `![[photo.png]]`, `[[cv.pdf]]`
    if isinstance(page, Trace) and page.file:
        found.add(page.file)
    for pattern in (_MD_TARGET, _HTML_TARGET):
        for match in pattern.finditer(text):
            path = local_target(match.group(1), page.path)
            if path is not None and path in assets:
                found.add(path)
    return found


def local_target(url: str, page_path: str) -> str | None:
    """The portfolio path a relative URL in `page_path` points to, or None if external."""
    target = urlsplit(url)
    if target.scheme or target.netloc or not target.path:
        return None
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), unquote(target.path)))


def redact_links(body: str, page_path: str, private_paths: Set[str]) -> str:
    """Markdown links and images to private notes or files become their text alone.

    A learner may link a private note from a public one; the link must not reveal that the
    note exists, nor its address. See `mdsource.redact_markdown`, which this calls.
    """
    return redact_markdown(body, page_path, private_paths)


# -- The published text ------------------------------------------------------------------------

# Keys that name other notes, and the kind they name.
_NOTE_REFERENCES = {"parcours": Kind.PARCOURS, "traces": Kind.TRACE}
_YAML_WIDTH = 1 << 16  # never fold a long title over several lines


class PublishedText:
    """A public page as it leaves the learner's machine: what the stage writes and the
    manifest hashes.

    - front matter written from what our reader read, without the ids of notes or
      competences that are not published (a staged `parcours: [emploi-secret]` would name
      the note, and fail the stage's own check where `mkdocs build` succeeds); YAML
      comments do not survive;
    - the body without `%%…%%` and `<!-- -->` comments, wikilinks to anything not public
      reduced to their text, and links to private notes and files redacted.
    """

    def __init__(self, public: Portfolio, private: Set[str], folders: Mapping[str, Kind]) -> None:
        self.private = frozenset(private)
        self.links = wikilinks.LinkIndex(public, dict(folders))
        self.files = wikilinks.FileIndex(public.assets)
        self.notes = frozenset(note.key for note in public.notes)
        self.competences = frozenset(public.competences)

    def text(self, page: Page) -> str:
        return self.head(page) + self.body(page)

    def fingerprint(self, page: Page) -> str:
        """What the manifest hashes: the text with every wikilink reduced to its words.

        Less than the published text, never more; and a note does not count as changed
        because a note it links to was deleted or made private (its own text did not move).
        The front matter is hashed as data (what the stage writes as YAML): the same in every
        build, without writing and re-reading YAML for each note of a large portfolio.
        """
        return self.fingerprint_of(self.meta(page), self.body(page, flat_links=True))

    @staticmethod
    def fingerprint_of(meta: dict[str, Any], flat_body: str) -> str:
        """`fingerprint` from a page's published `meta` and its `body` with `flat_links`."""
        return json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str) + "\n" + flat_body

    def head(self, page: Page) -> str:
        """The front matter block, as many lines as the source's when it fits (so that
        problems found in the stage name the learner's lines)."""
        return front_matter(self.meta(page), page.body_line - 1)

    def meta(self, page: Page) -> dict[str, Any]:
        meta = dict(page.meta)
        if isinstance(page, Recit):
            for key, kind in _NOTE_REFERENCES.items():
                _keep_references(meta, key, functools.partial(self._is_public_note, kind))
        if isinstance(page, Note) and not isinstance(page, CompetencePage):
            _keep_references(meta, "competences", lambda ident: ident in self.competences)
        return meta

    def _is_public_note(self, kind: Kind, ident: str) -> bool:
        return (kind, ident) in self.notes

    def body(self, page: Page, flat_links: bool = False) -> str:
        # `page.body` has no `%%comments%%` left (load.py); HTML comments go too, since
        # another engine would publish them as they are.
        body = strip_comments(page.body, html_comments=True, keep_separator=True)  # Material's `<!-- more -->`
        render = _link_words if flat_links else functools.partial(self._wikilink_text, page.path)
        body = wikilinks.replace(body, render, embeds=True)
        return redact_links(body, page.path, self.private)

    def _wikilink_text(self, origin: str, link: wikilinks.Wikilink) -> str:
        """A link or embed of a public note, page, heading or file stays for our plugin to
        resolve; any other link becomes its text, any other embed goes.

        `links` and `files` index the public portfolio only: a private note or file resolves
        to nothing.
        """
        public = (not link.name or self.links.resolve(link.target, pages=True, origin=origin)
                  or (wikilinks.is_file_name(link.name) and self.files.resolve(link.name, origin)))
        if public:
            written = f"{link.target}|{link.text}" if link.text else link.target
            return ("!" if link.embed else "") + f"[[{written}]]"
        return "" if link.embed else _link_words(link)


def _link_words(link: wikilinks.Wikilink) -> str:
    """A wikilink as the text a reader sees without it, escaped as Markdown text."""
    return html.escape(link.text or link.target, quote=False)


def _keep_references(meta: dict[str, Any], key: str, wanted: Callable[[str], bool]) -> None:
    """Drop from `meta[key]` the ids `wanted` refuses; the key goes when none is left.

    Shapes we do not know are kept as they are: the check reports them as errors, and
    nothing is staged or built then.
    """
    value = meta.get(key)
    if isinstance(value, str):
        kept: object = value if wanted(value.strip()) else None
    elif isinstance(value, list):
        kept = [item for item in value if _reference_id(item) is None or wanted(_reference_id(item) or "")]
        kept = kept if kept or not value else None
    elif isinstance(value, dict):
        kept = {ident: level for ident, level in value.items() if wanted(str(ident).strip())}
        kept = kept if kept or not value else None
    else:
        return
    if kept is None:
        del meta[key]
    else:
        meta[key] = kept


def _reference_id(item: object) -> str | None:
    """The id in one list item: `emploi-1`, or `ecoute-active` in `{ecoute-active: 3}`."""
    if isinstance(item, str):
        return item.strip()
    if isinstance(item, dict) and len(item) == 1:
        return str(next(iter(item))).strip()
    return None


def front_matter(meta: Mapping[str, Any], lines: int = 0) -> str:
    """`meta` as a `---` YAML block padded to `lines` lines; '' for a page that had none.

    Our reader keeps dates as strings; `safe_dump` quotes any string YAML 1.1 would read
    as something else (`'2024-01-05'`, `'yes'`), so every value reads back as it was, which
    is checked: a block that would not is never written (fail closed).
    """
    if lines <= 0 and not meta:
        return ""
    text = _yaml(meta)
    if not _reads_back(text):
        raise ValueError("front matter would not read back as written")
    padding = "\n" * max(0, lines - 2 - text.count("\n"))
    return f"---\n{text}{padding}---\n"


def _reads_back(text: str) -> bool:
    """Whether our reader reads `text` into data that dumps to `text` again (NaN included)."""
    parsed = frontmatter.parse_yaml(text)
    if isinstance(parsed, frontmatter.SyntaxProblem):
        return False
    data = parsed[0] if parsed[0] is not None else {}
    return isinstance(data, dict) and _yaml(data) == text


def _yaml(meta: Mapping[str, Any]) -> str:
    """One top-level key per line in block style, lists and mappings of scalars inline."""
    entries = []
    for key, value in meta.items():
        inline = None if isinstance(value, (list, dict)) else False
        entries.append(yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False,
                                      default_flow_style=inline, width=_YAML_WIDTH))
    return "".join(entries) or "{}\n"

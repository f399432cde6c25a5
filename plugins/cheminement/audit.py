"""The privacy audit: does any byte of private content appear in a built site?

From the portfolio we take what would betray a private note if it showed up — its title,
its front-matter values, the sentences of its body, its file name, and the bytes of files
only private notes use — and we search every file of the site for them (HTML as text and
as markup, JSON, XML and gzipped files included). Strings that a public source also
contains are not evidence of a leak and are left out.

Files get a second, independent look that does not trust the filter's decisions: the bytes
of every file a private note names (in any spelling) or that lives in a private folder,
under any of its names, are leaks when found in the site, unless a public page's published
text names that file too. A filter that misread a comment, a code sample or an `&#45;` as
public use would publish the file; this check would still find it.
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import posixpath
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .model import Page, Portfolio, Trace
from .publish import Publication, Reason, loose_forms, published_prose, real_path
from .settings import Settings, folder_key
from .targets import fold

MIN_SENTENCE = 24  # shorter body fragments are too common to mean anything
MIN_VALUE = 8  # titles, front-matter values and file names
# Keys whose values name shared things (competences, dates, kinds), not the note itself.
STRUCTURAL_KEYS = frozenset({
    "id", "type", "competences", "parcours", "traces", "modele", "visibilite", "draft",
    "date", "debut", "fin", "niveau", "objectif", "domaine", "template", "hide", "search",
})

_MARKUP = re.compile(r"[*_`#>|\[\]()!~]+")
_TAGS = re.compile(r"<[^>]+>")
_SENTENCE_END = re.compile(r"[.!?;:…]\s|\n")


@dataclass(frozen=True)
class Canary:
    source: str  # the private path it comes from
    what: str  # "title", "value", "text", "name" or "file"
    value: str  # normalised text, or the sha256 of a file


@dataclass(frozen=True)
class Leak:
    site_file: str
    canary: Canary


def normalise(text: str) -> str:
    """Entities decoded, runs of whitespace as one space (str.split's whitespace is the
    regex `\\s`'s, Unicode included, and several times faster on a whole page)."""
    return " ".join(html.unescape(text).split())


def _fragments(body: str) -> Iterator[str]:
    for piece in _SENTENCE_END.split(_MARKUP.sub(" ", body)):
        piece = normalise(piece)
        if len(piece) >= MIN_SENTENCE:
            yield piece


def _values(value: object) -> Iterator[str]:
    """Every string in a YAML or JSON value, keys included, depth-first.

    Walked with a stack, not recursion: front matter is bounded when read (no aliases, a
    size and depth limit, frontmatter.py), but a site's JSON nests as deep as it likes.
    Never cut short: a string left unread could be a leak left unreported.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                stack.append(child)
                stack.append(key if isinstance(key, str) else str(key) if isinstance(key, (int, float, bool)) else "")
        elif isinstance(item, list):
            stack.extend(reversed(item))


def canaries(portfolio: Portfolio, publication: Publication, docs_dir: Path,
             settings: Settings | None = None) -> list[Canary]:
    """What would betray each private note or file, minus what public sources also say.

    `settings` tells the private folders; without them, they are inferred from the
    publication (see `_private_folders`).
    """
    pages = {p.path: p for p in [*portfolio.notes, *portfolio.pages]}
    referentiel = "\n".join(f"{c.id} {c.title} {c.description}" for c in portfolio.referentiel.competences.values())
    public_text = normalise(_MARKUP.sub(" ", referentiel + "\n".join(
        f"{p.title}\n{p.body}\n{json.dumps(p.meta, ensure_ascii=False, default=str)}"
        for p in [*publication.public.notes, *publication.public.pages]
    )))
    found: list[Canary] = []
    for path in sorted(publication.private):
        page = pages.get(path)
        if page is not None:
            found.extend(_page_canaries(page))
        elif (docs_dir / path).is_file():
            found.append(Canary(path, "file", hashlib.sha256((docs_dir / path).read_bytes()).hexdigest()))
        stem = posixpath.splitext(posixpath.basename(path))[0]
        if len(stem) >= MIN_VALUE:
            found.append(Canary(path, "name", stem))
    # A private file with the same bytes as a published one proves nothing when found.
    public_files = {hashlib.sha256((docs_dir / a).read_bytes()).hexdigest()
                    for a in publication.public.assets if (docs_dir / a).is_file()}
    kept = [c for c in found
            if (c.what == "file" and c.value not in public_files) or (c.what != "file" and c.value not in public_text)]
    kept.extend(_private_bytes(portfolio, publication, docs_dir, settings))
    return list({(c.source, c.what, c.value): c for c in kept}.values())


def _private_bytes(portfolio: Portfolio, publication: Publication, docs_dir: Path,
                   settings: Settings | None) -> Iterator[Canary]:
    """The bytes of files that are private by our own reading, not by the filter's.

    Private: a private note names the file (folded: entities, %XX, case, NFC/NFD), or the
    file lives in a private folder under its own or its real path. Shown: a public page's
    published text (no comment, no code) names the file, or it is a public trace's file,
    or it is private by neither rule. Bytes that some shown file also has prove nothing.
    """
    pages = [*portfolio.notes, *portfolio.pages]
    said = loose_forms("\n".join(_written(page, docs_dir) for page in pages if page.path in publication.private))
    shown = loose_forms("\n".join(published_prose(page.body) for page in pages if page.path not in publication.private))
    trace_files = {page.file for page in pages if isinstance(page, Trace) and page.file and page.path not in publication.private}
    in_private_folder = _private_folders(publication, settings)
    hidden: dict[str, str] = {}
    public: set[str] = set()
    for asset in portfolio.assets:
        path = docs_dir / asset
        if not path.is_file() or path.stat().st_size == 0:
            continue  # no bytes, no secret: an empty file proves nothing when found
        name = fold(posixpath.basename(asset))
        real = real_path(docs_dir, asset)
        private = name in said or in_private_folder(asset) or real is None or in_private_folder(real)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if not private or name in shown or asset in trace_files:
            public.add(digest)
        else:
            hidden.setdefault(digest, asset)
    for digest, asset in hidden.items():
        if digest not in public:
            yield Canary(asset, "file", digest)


def _written(page: Page, docs_dir: Path) -> str:
    """A private page as written (comments included), and what we read of it."""
    try:
        raw = (docs_dir / page.path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        raw = ""
    return "\n".join((raw, page.title, page.body, json.dumps(page.meta, ensure_ascii=False, default=str)))


def _private_folders(publication: Publication, settings: Settings | None) -> Callable[[str], bool]:
    """Whether a path lies in a private folder: the settings say, else the folders of what
    the publication kept private for that very reason (never a folder that is not private)."""
    if settings is not None:
        return settings.is_in_private_folder
    folders = {folder_key(posixpath.dirname(path)) for path, reason in publication.private.items() if reason is Reason.FOLDER}

    def inside(path: str) -> bool:
        key = folder_key(path)
        return any(folder == "." or key == folder or key.startswith(folder + "/") for folder in folders)

    return inside


def _page_canaries(page: Page) -> Iterator[Canary]:
    if len(page.title) >= MIN_VALUE:
        yield Canary(page.path, "title", normalise(page.title))
    extra = {k: v for k, v in page.meta.items() if k not in STRUCTURAL_KEYS and k != "titre"}
    for value in _values(extra):
        value = normalise(value)
        if len(value) >= MIN_VALUE and not value.isdigit():
            yield Canary(page.path, "value", value)
    for fragment in _fragments(page.body):
        yield Canary(page.path, "text", fragment)


def _texts(path: Path, data: bytes) -> Iterator[str]:
    """The forms in which a site file may show text: raw, visible text, JSON strings."""
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except OSError:
            return
    text = data.decode("utf-8", errors="ignore")
    yield normalise(text)
    if "<" in text:
        yield normalise(_TAGS.sub(" ", text))
    if path.suffix == ".json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            return
        strings = " ".join(_values(parsed))
        yield normalise(strings)
        yield normalise(_TAGS.sub(" ", strings))


def scan(site_dir: Path, found: Iterable[Canary]) -> list[Leak]:
    """Every place a canary appears in the files of `site_dir`."""
    found = list(found)
    hashes = {c.value: c for c in found if c.what == "file"}
    texts = [c for c in found if c.what != "file"]
    leaks: list[Leak] = []
    for path in sorted(p for p in site_dir.rglob("*") if p.is_file()):
        shown = path.relative_to(site_dir).as_posix()
        data = path.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        if digest in hashes:
            leaks.append(Leak(shown, hashes[digest]))
        # One search per canary: the forms are normalised (no line break in them), so a
        # canary without one is found in them joined by line breaks exactly when it is found
        # in one of them (one with a line break, a file name, could only raise a false alarm).
        forms = "\n".join(_texts(path, data))
        leaks.extend(Leak(shown, canary) for canary in texts if canary.value in forms)
    return leaks

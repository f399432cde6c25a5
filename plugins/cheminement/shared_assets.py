"""The theme's files in a published site: tidied, and in `build-all` stored once for all portfolios.

Every site MkDocs writes carries a copy of the theme's assets (Material's scripts, sheets,
search worker and its 32 language files, our sheets and scripts, the institution's logo
and colours): 2.5 MB, of which the source maps are half and the search languages a third.

- `tidy` (every build): drops the theme's source maps and the comments naming them, and the
  search-language files the site's own search does not load.
- `share` (`build-all`, in the child): removes the files that are byte for byte the theme's
  and points the site's pages at one copy stored beside the portfolios,
  `SITE/_assets/<key>/assets/…`, with relative URLs (any sub-path, any static server).
- `Store` (`build-all`, in the parent): writes that copy from the installed packages' bytes,
  never from a learner's build; the key is a hash of every file the theme publishes, so a
  folder's content is fixed by its name. Old keys no portfolio names are removed at the end.

A file counts as the theme's only when its site path AND its bytes are those of the
installed theme; anything else (a learner's file, a theme folder of their own) is left as
it is. No MkDocs import here: the theme folders are found as packages.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import posixpath
import re
import shutil
import stat
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit, urlunsplit

import lxml.html

from .htmltree import Element, name_of

STORE = "_assets"  # SITE/_assets/<key>/: a learner's folder name never starts with "_"
ASSETS = "assets/"  # the theme's static files (MkDocs copies them at the same path)
LUNR = "assets/javascripts/lunr/"  # loaded by Material's search worker, by language
SEARCH_INDEX = "search/search_index.json"
# The worker loads `${base}/min/lunr.${lang}.min.js` (Material 9): only then can we tell
# which language files it needs; another worker keeps them all.
WORKER_PATTERN = b"/min/lunr.${"
SOURCE_MAP_COMMENT = re.compile(rb"\n(?://# sourceMappingURL=[^\n]*|/\*# sourceMappingURL=[^\n]*\*/)\s*\Z")
URL_ATTRIBUTES = ("href", "src")
# Elements naming a URL, and Material's settings (whose `search` is the worker's URL).
LINKING = "//*[@href or @src] | //script[@id='__config']"
KEY_LENGTH = 20


@dataclass(frozen=True)
class ThemeFiles:
    """What the installed theme publishes: each asset's site path and bytes.

    `published` holds the bytes a tidied site carries (source-map comments removed; maps
    are not published). `maps` and `installed` hold the digests of the installed files
    that `tidy` removes or rewrites, as MkDocs copied them.
    """

    published: dict[str, bytes]
    maps: dict[str, str] = field(default_factory=dict)
    installed: dict[str, str] = field(default_factory=dict)  # files whose map comment is removed

    @classmethod
    def load(cls, folders: Sequence[Path]) -> ThemeFiles:
        """The assets of `folders`, the first folder winning as in MkDocs' theme search."""
        published: dict[str, bytes] = {}
        maps: dict[str, str] = {}
        installed: dict[str, str] = {}
        seen: set[str] = set()
        for folder in folders:
            for path, source in _assets_of(folder):
                if path in seen:
                    continue
                seen.add(path)
                data = source.read_bytes()
                if path.endswith(".map"):
                    maps[path] = _digest(data)
                    continue
                published[path] = _without_map_comment(path, data)
                if published[path] != data:
                    installed[path] = _digest(data)
        return cls(published, maps, installed)

    @property
    def key(self) -> str:
        """The store folder's name: a hash of every published path and its bytes."""
        digest = hashlib.sha256()
        for path in sorted(self.published):
            digest.update(path.encode() + b"\0" + _digest(self.published[path]).encode() + b"\n")
        return digest.hexdigest()[:KEY_LENGTH]


def theme_folders(first: Sequence[Path] = ()) -> list[Path]:
    """`first` (the institution's folder), then our theme, then Material's: MkDocs' order."""
    folders = list(first)
    for package, inner in (("cheminement.theme", ""), ("material", "templates")):
        spec = importlib.util.find_spec(package)
        if spec is not None and spec.origin:
            folders.append(Path(spec.origin).parent / inner)
    return folders


def _assets_of(folder: Path) -> list[tuple[str, Path]]:
    """(site path, file) for every regular file under `folder/assets`, hidden ones aside."""
    found: list[tuple[str, Path]] = []
    for top, dirs, files in os.walk(folder / ASSETS):
        dirs[:] = sorted(d for d in dirs if not d.startswith((".", "__")))
        for name in sorted(files):
            source = Path(top, name)
            if not name.startswith(".") and source.is_file():
                found.append((source.relative_to(folder).as_posix(), source))
    return found


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _without_map_comment(path: str, data: bytes) -> bytes:
    """A script or sheet without its last-line `sourceMappingURL` (its map is not published:
    the comment would only make a browser's developer tools ask for it in vain)."""
    if not path.endswith((".js", ".css")):
        return data
    return SOURCE_MAP_COMMENT.sub(b"\n", data)


def _regular_bytes(path: Path) -> bytes | None:
    """A regular file's bytes (never through a link), None for anything else."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return None
        return path.read_bytes()
    except OSError:
        return None


# -- Every build: no source map, no unused search language ------------------------------------


def tidy_site(site: Path) -> None:
    """`tidy` with the installed theme (`cheminement build`)."""
    tidy(site, ThemeFiles.load(theme_folders()))


def tidy(site: Path, theme: ThemeFiles) -> None:
    """Remove the theme's source maps and the search languages the site does not use."""
    for path, digest in theme.maps.items():
        data = _regular_bytes(site / path)
        if data is not None and _digest(data) == digest:
            (site / path).unlink()
    for path, digest in theme.installed.items():
        data = _regular_bytes(site / path)
        if data is not None and _digest(data) == digest:
            (site / path).write_bytes(theme.published[path])
    needed = lunr_needed(site, theme)
    if needed is not None:
        for path, data in theme.published.items():
            if path.startswith(LUNR) and path not in needed and _regular_bytes(site / path) == data:
                (site / path).unlink()
    _remove_empty_folders(site / ASSETS)


def lunr_needed(site: Path, theme: ThemeFiles) -> frozenset[str] | None:
    """The language files Material's worker will load for the site's search languages.

    None (keep them all) when that cannot be known: no readable search index, or a worker
    that does not load them the way Material 9's does.
    """
    if not any(path.startswith("assets/javascripts/workers/") and WORKER_PATTERN in data
               for path, data in theme.published.items()):
        return None
    try:
        langs = json.loads((site / SEARCH_INDEX).read_text(encoding="utf-8"))["config"]["lang"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(langs, list) or not all(isinstance(lang, str) for lang in langs):
        return None
    files: set[str] = set()
    for lang in langs:
        if lang == "ja":
            files.add("tinyseg.js")
        elif lang in ("hi", "th"):
            files.add("wordcut.js")
        if lang != "en":
            files.add(f"min/lunr.{lang}.min.js")
    if len(langs) > 1:
        files.add("min/lunr.multi.min.js")
    if files:
        files.add("min/lunr.stemmer.support.min.js")
    return frozenset(LUNR + name for name in files)


def _remove_empty_folders(folder: Path) -> None:
    if not folder.is_dir() or folder.is_symlink():
        return
    for top, _, _ in os.walk(folder, topdown=False):  # children first: a parent may empty in turn
        if not os.listdir(top):
            with contextlib.suppress(OSError):
                os.rmdir(top)


# -- build-all, in the child: the site points at the shared copy --------------------------------


def share(site: Path, theme: ThemeFiles, site_path: str | None = None) -> list[str]:
    """Remove the theme's files from a tidied site and point its pages at the store.

    The store is `../_assets/<key>/` from the site's root, the same layout below it, so
    the search worker still finds its language files beside it. `site_path` is the site's
    URL path when MkDocs wrote absolute links (`site_url`, on the 404 page). Returns the
    site paths removed: the files the store must hold for this site.
    """
    moved = sorted(path for path, data in theme.published.items() if _regular_bytes(site / path) == data)
    for path in moved:
        (site / path).unlink()
    _remove_empty_folders(site / ASSETS)
    relocate = _Relocation(frozenset(moved), f"../{STORE}/{theme.key}", site_path)
    for page in sorted(site.rglob("*.html")):
        if page.is_file() and not page.is_symlink():
            relocate.page(page, page.relative_to(site).as_posix())
    return moved


@dataclass(frozen=True)
class _Relocation:
    """URLs of the moved files, rewritten in a page's parsed markup."""

    moved: frozenset[str]
    store: str  # from the site's root
    site_path: str | None

    def page(self, file: Path, path: str) -> None:
        text = file.read_text(encoding="utf-8")
        if ASSETS not in text:
            return
        document = lxml.html.document_fromstring(text)
        changed = False
        for element in document.xpath(LINKING):  # selected by libxml2: far fewer than all
            changed |= self._element(element, path)
        if changed:
            doctype = document.getroottree().docinfo.doctype or "<!doctype html>"
            file.write_text(lxml.html.tostring(document, encoding="unicode", doctype=doctype) + "\n", encoding="utf-8")

    def _element(self, element: Element, path: str) -> bool:
        changed = False
        for attribute in URL_ATTRIBUTES:
            value = element.get(attribute)
            new = self.url(value, path) if value else None
            if new is not None:
                element.set(attribute, new)
                changed = True
        if name_of(element) == "script" and element.get("id") == "__config":
            changed |= self._config(element, path)
        return changed

    def _config(self, element: Element, path: str) -> bool:
        """Material's page settings: `search` is the worker's URL, relative to the page."""
        try:
            config = json.loads(element.text or "")
        except ValueError:
            return False
        worker = config.get("search") if isinstance(config, dict) else None
        new = self.url(worker, path) if isinstance(worker, str) else None
        if new is None:
            return False
        config["search"] = new
        # As Jinja's `tojson` writes it: `<`, `>`, `&` and `'` escaped, so no `</script>`.
        element.text = json.dumps(config).replace("<", "\\u003c").replace(">", "\\u003e").replace(
            "&", "\\u0026").replace("'", "\\u0027")
        return True

    def url(self, value: str, page: str) -> str | None:
        """The URL of a moved file's stored copy, from `page`; None for any other URL."""
        if ASSETS not in value:  # every moved file is under assets/ (most links are not)
            return None
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        if parts.path.startswith("/"):
            return self._absolute(parts)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(parts.path)))
        if target not in self.moved:
            return None
        depth = posixpath.dirname(page).count("/") + 1 if posixpath.dirname(page) else 0
        return urlunsplit(("", "", "../" * depth + f"{self.store}/{target}", parts.query, parts.fragment))

    def _absolute(self, parts: SplitResult) -> str | None:
        """`/prefix/alice/assets/x.css` -> `/prefix/_assets/<key>/assets/x.css`."""
        if self.site_path is None or not parts.path.startswith(self.site_path):
            return None
        target = unquote(parts.path[len(self.site_path):])
        if target not in self.moved:
            return None
        stored = posixpath.normpath(posixpath.join(self.site_path, self.store, target))
        return urlunsplit(("", "", stored, parts.query, parts.fragment))


# -- build-all, in the parent: the store ----------------------------------------------------------


class Store:
    """SITE/_assets/<key>/: the theme's files, written here from the installed packages only.

    Whatever a portfolio's build produced, a stored file's bytes are those of `theme`: a
    learner cannot replace a file that another learner's pages load. Files are checked once
    per run and rewritten when they differ (a truncated copy from an interrupted run).
    """

    def __init__(self, out: Path, theme: ThemeFiles) -> None:
        self.out = out
        self.theme = theme
        self.key = theme.key
        self._checked: set[str] = set()

    @property
    def folder(self) -> Path:
        return self.out / STORE / self.key

    def add(self, paths: Iterable[str]) -> list[str]:
        """Store these site paths (those of the theme only); the paths stored, sorted."""
        stored = sorted({path for path in paths if isinstance(path, str) and path in self.theme.published})
        for path in stored:
            if path not in self._checked:
                self._write(path)
                self._checked.add(path)
        return stored

    def holds(self, key: object, paths: object) -> bool:
        """Whether a previous build's files are all there (completed from the theme when the
        key is this run's: a folder lost from a CI cache)."""
        if not isinstance(paths, list):
            return False
        if key == self.key:
            return len(self.add(paths)) == len(paths)
        return isinstance(key, str) and all(
            isinstance(p, str) and _regular_bytes(self.out / STORE / key / p) is not None for p in paths)

    def _write(self, path: str) -> None:
        target = self.folder / path
        data = self.theme.published[path]
        if _regular_bytes(target) == data:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)  # never half a file under its final name


def collect(out: Path, states: dict[str, dict[str, Any]]) -> list[str]:
    """Remove store folders no portfolio of SITE names; the keys removed.

    `states` holds each portfolio folder's state (an empty one when unreadable): when any
    is unreadable nothing is removed, since it might name any folder (fail safe).
    """
    store = out / STORE
    if not store.is_dir() or any(not state for state in states.values()):
        return []
    named = {str(state["assets"].get("store")) for state in states.values() if isinstance(state.get("assets"), dict)}
    removed = []
    for folder in sorted(store.iterdir()):
        if folder.name not in named and folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
            removed.append(folder.name)
    return removed


"""The MkDocs side of publication: which of MkDocs's files are the portfolio's, which leave.

Under a plain `mkdocs build` or `serve` the private notes are on disk, so the plugin must
take them out of MkDocs's files before anything else reads them. Every rule here fails
closed: when in doubt, a file does not reach the site.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
from collections.abc import Callable, Iterable, Set
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link

from . import ecosystem, manifest, pagesource, snippets
from .messages import message
from .model import MARKDOWN_SUFFIXES, Problem
from .publish import Publication
from .scan import RealPaths
from .settings import Settings
from .targets import private_targets

SNIPPETS = "pymdownx.snippets"
# Written by the build itself (search index, sitemap, our manifest, build-all's state).
RESERVED_OUTPUTS = ("sitemap.xml", "sitemap.xml.gz", "cheminement-manifeste.json", ".cheminement-build.json")
RESERVED_FOLDERS = ("search/",)
# Opened from the site, these run script with the site's origin.
ACTIVE_SUFFIXES = frozenset((".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".svgz", ".xml", ".xsl", ".xslt",
                             ".js", ".mjs", ".wasm", ".swf", ".webmanifest", ".appcache"))


def ensure_first(config: MkDocsConfig, handler: Callable[..., Any], lang: str) -> None:
    """Stop the build when another plugin reads the files before our privacy filter.

    A plugin that runs first (Material's blog, listed before us with a higher priority)
    would read and publish private posts before we remove them.
    """
    handlers = config.plugins.events["files"]
    if not handlers or _same(handlers[0], handler):
        return
    first = handlers[0]
    # A plugin's handler is a bound method; a hook's (`hooks:` in mkdocs.yml) is a function.
    name = next((key for key, plugin in config.plugins.items() if getattr(plugin, "on_files", None) == first),
                getattr(first, "__qualname__", repr(first)))
    raise PluginError(message("plugin-order", lang, plugin=name))


def _same(a: Callable[..., Any], b: Callable[..., Any]) -> bool:
    return getattr(a, "__func__", a) is getattr(b, "__func__", b) and getattr(a, "__self__", None) is getattr(b, "__self__", None)


def of_portfolio(files: Files, config: MkDocsConfig) -> list[File]:
    """MkDocs's files that come from the portfolio folder, excluded ones included.

    Files under `exclude_docs` are never published by MkDocs, but what they use must still
    count as used by a private note, so the filter sees them too.
    """
    docs_dir = os.path.normpath(config.docs_dir)
    return [f for f in files if f.src_dir and os.path.normpath(f.src_dir) == docs_dir]


def remove_private(files: Files, ours: list[File], publication: Publication, settings: Settings,
                   read_by_plugins: Set[str] = frozenset()) -> None:
    """Private notes and files leave MkDocs's files: excluded, not merely hidden. The
    référentiel and the reference library are sources, not pages to publish either.

    `read_by_plugins`: names of files another plugin reads (awesome-nav's `.nav.yml`); the
    engine leaves them out of the site (`exclude_docs`), they stay for that plugin to read.
    """
    sources = {_src_uri(path, settings.docs_dir) for path in (settings.referentiel_path, settings.bibliography) if path}
    private = set(publication.private)
    for file in ours:
        if file.src_uri in sources or (file.src_uri in private and not (
                file.inclusion.is_excluded() and ecosystem.keeps(file.src_uri, read_by_plugins, settings))):
            remove(files, file)


def _src_uri(path: Path, docs_dir: Path) -> str | None:
    """The source path MkDocs gives a file inside docs_dir; None for a file outside it."""
    relative = os.path.relpath(path, docs_dir)
    return None if relative.startswith("..") else Path(relative).as_posix()


def remove_unsafe(files: Files, ours: list[File], docs_dir: Path, active_allowed: bool) -> list[File]:
    """Files whose real place is outside the portfolio go; so do files a browser runs
    (unless `fichiers_actifs`), which are returned for a warning each."""
    active = []
    realpath = RealPaths()
    for file in ours:
        if file.src_uri not in files.src_uris:
            continue
        # Links out of the portfolio are errors already; should one get through, MkDocs,
        # which follows links, must still not copy another folder into the site.
        if leaves(file, docs_dir, realpath):
            remove(files, file)
        elif not active_allowed and is_active(file):
            active.append(file)
            remove(files, file)
    return active


def give_our_reading(files: Files, published: Set[str], directives: tuple[str, ...]) -> None:
    """Each published page's source, as MkDocs and every later plugin will read it: our
    reading of its front matter and its text without comments (pagesource.py).

    The file keeps its place on disk (`abs_src_path`) for plugins that ask git about it.
    A page that no longer reads (changed since it was loaded) leaves the build.
    """
    for file in list(files.documentation_pages()):
        if file.src_uri not in published or file.abs_src_path is None:
            continue
        place = file.abs_src_path
        try:
            source = pagesource.engine_source(file.content_bytes, directives)
        except OSError:
            source = None
        if source is None:
            remove(files, file)
            continue
        file.content_string = source  # this forgets the file's place on disk: give it back
        file.abs_src_path = place


def snippet_problems(config: MkDocsConfig, publication: Publication, settings: Settings) -> list[Problem]:
    """Transclusions (`--8<--`) of files that are not published, in published pages."""
    found = snippet_bases(config)
    if found is None:
        return []
    bases, appended = found
    public = publication.public
    published = {p.path for p in [*public.notes, *public.pages]} | set(public.assets)
    project = Path(config.config_file_path or config.docs_dir).parent
    return snippets.refused([*public.notes, *public.pages], bases, settings.docs_dir, project, published, appended)


def leaves(file: File, docs_dir: Path, realpath: Callable[[str], str] = os.path.realpath) -> bool:
    """A file whose real place is outside the portfolio (a symbolic link): never published.

    MkDocs follows links, so `journal -> ../other/journal` would publish another folder.
    """
    real = Path(realpath(file.abs_src_path or ""))
    return not real.is_relative_to(realpath(str(docs_dir)))


def remove(files: Files, file: File) -> None:
    """Take a file out of the build, and out of a site an earlier build left (`--dirty`)."""
    files.remove(file)
    _unlink_inside(Path(file.abs_dest_path), Path(file.dest_dir))


def _plain_relative(path: str) -> bool:
    """A relative POSIX path that stays where it is put: no `..`, root, drive, `\\` or NUL."""
    return (bool(path) and not path.startswith(("/", "\\")) and "\\" not in path and "\0" not in path
            and ":" not in path.split("/", 1)[0] and ".." not in path.split("/"))


def _unlink_inside(target: Path, site: Path) -> None:
    """Delete one file of the site folder, and its folder when that leaves it empty.

    Never through a link: a `site/x -> /elsewhere` planted beside the output must not make
    a build delete files outside the site.
    """
    root = Path(os.path.realpath(site))
    for parent in [target, *target.parents]:
        if parent in (site, root):
            break
        if parent.is_symlink():
            return
    if not Path(os.path.realpath(target)).is_relative_to(root) or not target.is_file():
        return
    target.unlink()
    with contextlib.suppress(OSError):
        target.parent.rmdir()  # only when empty, e.g. recits/x/ of recits/x/index.html


def force_rebuild(files: Files) -> None:
    """Under --dirty MkDocs rebuilds only pages whose own source changed, but every page
    shows data from others (backlinks, indexes, nav): a note made private would stay on the
    pages that cite it. Removing their output makes MkDocs rebuild them all."""
    for file in files.documentation_pages():
        with contextlib.suppress(OSError):
            _unlink_inside(Path(file.abs_dest_path), Path(file.dest_dir))


def remove_unpublished(config: MkDocsConfig, published: Set[str]) -> None:
    """Under --dirty, delete what an earlier build published and this one does not.

    A note moved into `journal/` (or deleted) is no longer among MkDocs's files, so nothing
    else would remove its old page from the site folder. The previous build's manifest says
    what it published; a site folder without one is cleaned entirely (fail closed).
    """
    site = Path(config.site_dir)
    if not site.is_dir():
        return
    try:
        previous = manifest.read(site / manifest.FILENAME)["files"]
    except ValueError:
        for child in site.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()
        return
    remove_outputs(config, set(previous) - set(published))


def remove_outputs(config: MkDocsConfig, paths: Iterable[str]) -> None:
    """Under --dirty, delete what earlier builds wrote for these source paths."""
    site = Path(config.site_dir)
    for path in paths:
        if not _plain_relative(path):
            continue  # a manifest is a file anyone may have put there: never a way out
        old = File(path, config.docs_dir, config.site_dir, config.use_directory_urls)
        _unlink_inside(Path(old.abs_dest_path), site)


def snippet_bases(config: MkDocsConfig) -> tuple[list[Path], list[str]] | None:
    """Where `pymdownx.snippets` looks for files and what it appends, when it is enabled.

    Its base paths are relative to the working folder, as the extension resolves them.
    `restrict_base_path` is forced on so that no `../` climbs out of them.
    """
    if SNIPPETS not in config.markdown_extensions:
        return None
    options = config.mdx_configs.setdefault(SNIPPETS, {})
    options["restrict_base_path"] = True
    bases = options.get("base_path", ["."])
    bases = [bases] if isinstance(bases, str) else list(bases)
    return [Path(os.path.abspath(b)) for b in bases], [str(p) for p in options.get("auto_append", [])]


def nav_sources(url: str) -> set[str]:
    """The source paths a hand-written nav URL may point at (`a.md#x`, `a/`, `/a/`…)."""
    path = urlsplit(url).path.strip().lstrip("/")
    while path.startswith("./"):
        path = path[2:]
    if path.endswith("/"):
        stems = {path.rstrip("/"), path + "index", path + "README"}
    elif path.endswith(".html"):
        stems = {path[: -len(".html")], path.replace("index.html", "index")}
    else:
        return {path}
    # Any suffix MkDocs renders: a private `notes/x.markdown` is served at `notes/x/` too.
    return {stem + suffix for stem in stems for suffix in MARKDOWN_SUFFIXES}


def drop_private_links(items: list, private: Set[str]) -> None:
    """Hand-written nav entries that name a private note or file, however spelt, go.

    `journal//carnet.md`, `./Journal/carnet.md`, `journal/carnet/index.html`: the same
    folding as the redaction of links in pages (targets.py), read from the site's root.
    """
    targets = private_targets(private)
    if targets is None:
        return
    for item in list(items):
        if isinstance(item, Link) and (nav_sources(item.url) & set(private) or targets.in_value(item.url, "")):
            items.remove(item)
        elif getattr(item, "children", None):
            drop_private_links(item.children, private)
            if not item.children:  # a section of private entries only: its title names them
                items.remove(item)


def reserved_paths(config: MkDocsConfig) -> frozenset[str]:
    """Site paths a portfolio file must not take: the theme's files and what the build writes.

    MkDocs lets a file of the docs folder replace a theme file of the same name, so
    `assets/javascripts/bundle….min.js` in a portfolio would run on every page (and on an
    institution's shared origin, on every learner's).
    """
    own = os.path.realpath(config.theme.custom_dir) if config.theme.custom_dir else None
    # The learner's own overrides (`custom_dir`) are theirs to shadow.
    installed = tuple(folder for folder in config.theme.dirs if own is None or os.path.realpath(folder) != own)
    return _theme_files(installed) | {path.casefold() for path in RESERVED_OUTPUTS}


@functools.lru_cache(maxsize=8)
def _theme_files(folders: tuple[str, ...]) -> frozenset[str]:
    """The files of installed themes (packages: they do not change while serve runs)."""
    theme: set[str] = set()
    for folder in folders:
        for parent, _, names in os.walk(folder):
            relative = os.path.relpath(parent, folder)
            theme.update(_posix_join(relative, name).casefold() for name in names)
    return frozenset(theme)


def _posix_join(folder: str, name: str) -> str:
    return name if folder == "." else Path(folder, name).as_posix()


def is_active(file: File) -> bool:
    """A file a browser runs when opened from the site: a page, an SVG, a script…"""
    return not file.is_documentation_page() and Path(file.src_uri).suffix.lower() in ACTIVE_SUFFIXES


def takes_reserved_path(file: File, reserved: frozenset[str]) -> bool:
    if file.is_documentation_page():
        return False  # pages are rendered through the theme, not copied over it
    path = file.src_uri.casefold()
    return path in reserved or path.startswith(RESERVED_FOLDERS)


def context(config: MkDocsConfig, ours: list[File], settings: Settings) -> list[object]:
    """What every page may depend on, beyond the notes: for incremental rebuilds, any
    change here rebuilds everything. Files are compared by size and time (cheap)."""
    places = [Path(p) for p in (config.config_file_path, settings.referentiel_path, settings.bibliography) if p]
    places += [Path(f.abs_src_path) for f in ours if f.abs_src_path and not f.is_documentation_page()]
    if config.theme.custom_dir:
        places += sorted(p for p in Path(config.theme.custom_dir).rglob("*") if p.is_file())
    return [config.site_dir, settings.today, sorted(settings.excluded), [(str(p), _stamp(p)) for p in places],
            sorted(f.src_uri for f in ours),
            sorted((k, v) for k, v in os.environ.items() if k.startswith("CHEMINEMENT_"))]


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        found = path.stat()
    except OSError:
        return None
    return found.st_mtime_ns, found.st_size

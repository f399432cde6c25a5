"""The MkDocs side of our pages: generated files, URLs between pages, table-of-contents
entries and the short navigation. Adapter code (it imports MkDocs), kept out of plugin.py
so that the plugin reads as the list of events it handles."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
import os

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import get_relative_url

from . import mkdocs_files, pagehtml
from .model import Kind, Problem, Severity
from .settings import Settings

log = get_plugin_logger(__name__)


def set_inclusion(files: Files, path: str, level: InclusionLevel) -> None:
    file = files.get_file_from_path(path)
    if file is not None and file.inclusion.is_included():
        file.inclusion = level


def ensure(files: Files, config: MkDocsConfig, path: str, level: InclusionLevel = InclusionLevel.UNDEFINED) -> None:
    """Generate the page at `path` unless the learner wrote one, which we then extend."""
    file = files.get_file_from_path(path)
    if file is None:
        files.append(File.generated(config, path, content="", inclusion=level))
    elif level is not InclusionLevel.UNDEFINED and file.inclusion.is_included():
        file.inclusion = level


def site_nav(settings: Settings, pages_with_roles: Iterable[tuple[str, str]], files: Files) -> Navigation:
    """Home, the sections and the timeline, then the learner's other pages; notes are
    reached through those pages. Material renders the whole nav into every page: a nav of
    every note would make large portfolios build several times slower, and read worse."""
    order = ["index.md", settings.review_page if settings.review else "", settings.listing_page(Kind.PARCOURS), settings.competence_index,
             settings.listing_page(Kind.RECIT), settings.listing_page(Kind.TRACE),
             settings.listing_page(Kind.RETOUR), settings.timeline_page, settings.bibliography_page,
             settings.changes_page, settings.dossier_page or ""]
    kind_folders = set(settings.folders)
    for path, role in sorted(pages_with_roles):
        top = path.split("/", 1)[0] if "/" in path else ""
        if role == "page" and path not in order and top not in kind_folders:
            order.append(path)
    pages = []
    for path in order:
        file = files.get_file_from_path(path)
        if file is not None and isinstance(file.page, Page) and file.inclusion.is_included():
            pages.append(file.page)
    for page in pages:
        page.parent = None
    for previous, page, following in zip([None, *pages[:-1]], pages, [*pages[1:], None]):
        page.previous_page, page.next_page = previous, following
    return Navigation(list(pages), list(pages))


def add_headings(page: Page, content: str) -> None:
    """Our h2 headings in the page's table of contents (Material's right sidebar)."""
    known = {link.id for link in page.toc}
    for anchor, text in pagehtml.h2_headings(content):
        if anchor not in known:
            # Material prints TOC titles raw: the text stays escaped as it is in the page.
            page.toc.items.append(AnchorLink(text, anchor, 2))


def safe_toc(links: list[AnchorLink]) -> None:
    """Material prints a TOC entry's anchor raw into `href="#…"`: an id written by the
    learner (`{: id='x" onfocus=…' }`, a raw `<h2 id=…>`) must not break out of it."""
    for link in links:
        link.id = pagehtml.safe_anchor(link.id)
        safe_toc(link.children)


def reserved(ours: list[File], config: MkDocsConfig) -> list[Problem]:
    """Portfolio files that would replace a theme file or an output of the build."""
    paths = mkdocs_files.reserved_paths(config)
    return [Problem(f.src_uri, None, Severity.ERROR, "reserved-path", {"path": f.src_uri}, (("reserved-path.fix", {}),))
            for f in ours if mkdocs_files.takes_reserved_path(f, paths)]


def is_within(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def src_uri(path: Path, docs_dir: Path) -> str | None:
    """The source path MkDocs gives a file inside docs_dir; None for a file outside it."""
    relative = os.path.relpath(path, docs_dir)
    return None if relative.startswith("..") else Path(relative).as_posix()


def docs_in_project(config: MkDocsConfig) -> str:
    """The docs folder as a path from mkdocs.yml's folder (`content`), "" when they coincide."""
    project = Path(config.config_file_path or config.docs_dir).parent
    relative = os.path.relpath(config.docs_dir, project)
    return "" if relative == "." else Path(relative).as_posix()


def config_name(config: MkDocsConfig) -> str:
    """The configuration file as messages name it: `mkdocs.yml` (`build-all` hands in a
    stand-in configuration that names none)."""
    return os.path.basename(getattr(config, "config_file_path", None) or "mkdocs.yml")


def url_maker(files: Files, page: Page) -> Callable[[str], str]:
    """Relative URLs from `page` to source paths, memoised (the same targets recur)."""
    sources = files.src_uris
    cache: dict[str, str] = {}

    def url_for(path: str) -> str:
        if path not in cache:
            target = sources.get(path)
            if target is None:
                log.warning(f"{page.file.src_uri}: internal link to missing '{path}'")
                cache[path] = "#"
            else:
                cache[path] = get_relative_url(target.url, page.url)
        return cache[path]

    return url_for

"""The MkDocs side of our pages: theme files, generated files, URLs between pages,
table-of-contents entries, the short navigation, and the other plugins as ecosystem.py
sees them. Adapter code (it imports MkDocs), kept out of plugin.py so that the plugin
reads as the list of events it handles."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import get_relative_url

from . import mkdocs_files, pagehtml
from .ecosystem import Configured
from .model import Kind, Problem, Severity
from .settings import Settings

log = get_plugin_logger(__name__)

# Copied by MkDocs with the theme's static files, since our theme folder is on its path.
# One sheet per part of the site, so that each stays readable.
CSS_URIS = tuple(f"assets/cheminement/{name}.css" for name in
                 ("cheminement", "vitrine", "frise", "competences", "dossier", "revue"))
# Progressive enhancement only (the timeline's filters): every page works without it.
JS_URI = "assets/cheminement/cheminement.js"
# The coach's feedback form (`relecture: true` only: without it, no page loads them).
REVIEW_CSS_URI = "assets/cheminement/relecture.css"
REVIEW_JS_URI = "assets/cheminement/relecture.js"


def add_theme(config: MkDocsConfig, theme_dir: Path, review: bool, tabs: bool) -> None:
    """Our templates, sheets and scripts; with `tabs`, the site's sections as header tabs."""
    if str(theme_dir) not in config.theme.dirs:
        # After the learner's custom_dir, before Material: our templates are namespaced
        # (cheminement/…), and our one Material partial (search.html) must win.
        config.theme.dirs.insert(1 if config.theme.custom_dir else 0, str(theme_dir))
    features = config.theme.get("features", [])
    if tabs and "navigation.tabs" not in features:
        # Our generated pages use the whole width (no sidebar): the site's sections go
        # in the header as tabs, where every page shows them (the drawer on phones).
        config.theme["features"] = [*features, "navigation.tabs"]
    for position, uri in enumerate(CSS_URIS + ((REVIEW_CSS_URI,) if review else ())):
        if uri not in config.extra_css:
            config.extra_css.insert(position, uri)
    for uri in (JS_URI, *([REVIEW_JS_URI] if review else [])):
        if uri not in config.extra_javascript:
            config.extra_javascript.append(uri)


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
    for previous, page, following in zip([None, *pages[:-1]], pages, [*pages[1:], None], strict=True):
        page.previous_page, page.next_page = previous, following
    return Navigation(list(pages), list(pages))


def add_headings(page: Page, content: str) -> None:
    """Our h2 headings in the page's table of contents (Material's right sidebar)."""
    known = {link.id for link in page.toc}
    for anchor, text in pagehtml.h2_headings(content):
        if anchor not in known:
            # Material prints TOC titles raw: the text stays escaped as it is in the page.
            page.toc.items.append(AnchorLink(text, anchor, 2))


def lift_toc(page: Page) -> None:
    """The page's own h1 gave way to ours: its sections move up a level in the TOC."""
    page.toc.items = [i for item in page.toc.items for i in (item.children if item.level == 1 else [item])]


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


def configured_plugins(config: MkDocsConfig) -> list[Configured]:
    """The plugins of mkdocs.yml (hooks too), in the terms of ecosystem.py."""
    return [Configured(name, type(plugin).__module__, _options(plugin)) for name, plugin in config.plugins.items()]


def _options(plugin: object) -> Mapping[str, Any]:
    options = getattr(plugin, "config", None)
    return options if isinstance(options, Mapping) else {}


def plugins_from(config: MkDocsConfig, package: str) -> list[object]:
    """The configured plugin objects whose class comes from `package`."""
    return [plugin for plugin in config.plugins.values()
            if Configured("", type(plugin).__module__).comes_from(package)]

"""The MkDocs side of our pages: theme files, generated files, URLs between pages,
table-of-contents entries, the short navigation, and the other plugins as ecosystem.py
sees them. Adapter code (it imports MkDocs), kept out of plugin.py so that the plugin
reads as the list of events it handles."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink
from mkdocs.utils import get_relative_url

from . import incremental, mkdocs_files, pagehtml
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


class PageUrls:
    """Relative URLs from one page to source paths, memoised (the same targets recur);
    `page` is the page's own URL, which the pieces kept under serve are keyed on."""

    def __init__(self, files: Files, page: Page) -> None:
        self.page = page.url
        self._source = page.file.src_uri
        self._sources = files.src_uris
        self._cache: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        if path not in self._cache:
            target = self._sources.get(path)
            if target is None:
                log.warning(f"{self._source}: internal link to missing '{path}'")
                self._cache[path] = "#"
            else:
                self._cache[path] = get_relative_url(target.url, self.page)
        return self._cache[path]


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


# Plugins whose output an incremental rebuild keeps right (the search index is merged here).
SEARCH_MODULES = ("material.plugins.search",)
# Markdown extensions that read no other file: anything else (snippets, includes) → full.
SAFE_EXTENSION_PREFIXES = ("markdown.extensions.", "pymdownx.", "material.")


class Rebuilds:
    """What `serve --dirty` keeps between rebuilds, so that a rebuild writes only the
    pages an edit changes (incremental.py decides which) and the site stays the one a full
    build would write: each page's search entries and rendered text (for the dossier) are
    kept from the build that last wrote it. Any failed build makes the next one complete."""

    def __init__(self) -> None:
        self.previous: incremental.Snapshot | None = None
        self.pending: incremental.Snapshot | None = None
        self.plan = incremental.Plan(incremental.Full.FIRST)
        self.contents: dict[str, str] = {}  # src_uri -> page.content after every page handler
        self.entries: dict[str, list[dict[str, Any]]] = {}  # page url -> its search entries
        self.order: list[str] = []  # page urls in the order MkDocs builds them
        self.built: set[str] = set()  # page urls written by this build
        self.titled: dict[str, dict[str, Any]] = {}  # kept pages of the nav -> their meta
        self.nav: frozenset[str] = frozenset()  # the last build's pages that are not notes: every page lists them

    def start(self, after: incremental.Snapshot | None) -> incremental.Plan:
        """This build's plan from the previous build's snapshot; None: cannot be incremental."""
        self.built = set()
        self.titled = {}
        self.pending = after
        self.plan = incremental.plan(self.previous, after) if after else incremental.Plan(incremental.Full.SETUP)
        return self.plan

    def unread(self, notes: Iterable[str]) -> set[str]:
        """The notes this build will not rebuild, so need not read (`keep_unchanged` checks)."""
        return set() if self.plan.full is not None else set(notes) - self.plan.pages

    def keep_unchanged(self, files: Files, notes: Iterable[str], competences: Mapping[str, str],
                       summaries: Mapping[str, dict[str, Any]], nav: frozenset[str]) -> bool:
        """Notes outside the plan, competence pages no edit names (path -> id) and, when
        only texts changed, the generated `summaries` (path -> the meta our on_page_markdown
        gives them) keep what the previous build wrote: MkDocs skips a page whose
        `is_modified()` is false. False when one has no output, or when the pages that are
        not notes (`nav`: every page's navigation lists them) are not the same: rebuild
        everything."""
        previous_nav, self.nav = self.nav, nav
        if self.plan.full is None and nav != previous_nav:
            self.plan = incremental.Plan(incremental.Full.FILES)
            return False
        if self.plan.full is not None or self.previous is None or self.pending is None:
            return self.plan.full is not None
        paths = self.unread(notes) | incremental.untouched_competences(self.plan, self.previous, self.pending, competences)
        self.titled = {} if self.plan.levels else {path: meta for path, meta in summaries.items()
                                                   if path not in self.plan.pages}
        paths |= set(self.titled)
        kept = [files.get_file_from_path(path) for path in paths]
        if any(f is None or not os.path.isfile(f.abs_dest_path) for f in kept):
            self.plan = incremental.Plan(incremental.Full.FIRST)
            return False
        for file in kept:
            # MkDocs's own dirty-build test; our reading of the file (content_string) would
            # otherwise make every page count as modified.
            setattr(file, "is_modified", _unchanged)  # noqa: B010 - an instance's own answer
        return True

    def give_titles(self, files: Files) -> None:
        """Pages of the nav that MkDocs will not read still show their title in every other
        page's nav: they get the meta a read would have given them (`on_nav`)."""
        for path, meta in self.titled.items():
            file = files.get_file_from_path(path)
            if file is not None and file.page is not None:
                file.page.markdown = ""  # read, as far as `Page.title` goes
                file.page.meta = dict(meta)

    def remember(self, files: Files) -> None:
        """Every page's final text (`on_env`), and the order MkDocs builds them in."""
        self.order = []
        contents = {}
        for file in files.documentation_pages(inclusion=InclusionLevel.is_in_serve):
            if file.page is not None:
                self.order.append(file.page.url)
                content = file.page.content if file.page.content is not None else self.contents.get(file.src_uri)
                if content is not None:
                    contents[file.src_uri] = content
        self.contents = contents  # a page no longer published leaves no text behind

    def content(self, file: File) -> str | None:
        """A page's final text: this build's, or the last build's when MkDocs skipped it."""
        if file.page is not None and file.page.content is not None:
            return file.page.content
        return self.contents.get(file.src_uri)

    def merge_search(self, config: MkDocsConfig) -> None:
        """Before the search plugin writes its index: the entries of pages this build did not
        write come from the build that did, in a full build's order. (Material's own merge
        under dirty assumes one page per rebuild.)"""
        search: Any
        for search in plugins_from(config, SEARCH_MODULES[0]):
            index = getattr(search, "search_index", None)
            if index is None:
                continue
            fresh: dict[str, list[dict[str, Any]]] = {}
            for entry in index.entries:
                fresh.setdefault(str(entry["location"]).split("#", 1)[0], []).append(entry)
            self.entries = {url: fresh.get(url, []) if url in self.built else self.entries.get(url, [])
                            for url in self.order}
            index.entries = [entry for url in self.order for entry in self.entries[url]]
            search.search_index_prev = None

    @staticmethod
    def forget_search(config: MkDocsConfig) -> None:
        """A full build indexes every page itself: Material's search must not add the index
        an earlier dirty build of this process left it (another site's, in one process)."""
        for search in plugins_from(config, SEARCH_MODULES[0]):
            if hasattr(search, "search_index_prev"):
                search.search_index_prev = None

    def finish(self) -> None:
        self.previous = self.pending

    def fail(self) -> None:
        """A build that stopped left the site half-written: the next one is complete."""
        self.previous = self.pending = None
        self.contents, self.entries = {}, {}


def _unchanged() -> bool:
    return False


def overrides_ours(config: MkDocsConfig, theme_dir: Path) -> bool:
    """Whether a theme folder searched before ours replaces one of our templates
    (configuration.md « Personnaliser l'apparence »): the learner's template may show any
    note's data on any page, which neither incremental.py nor fragments.py can know."""
    dirs = [Path(d) for d in config.theme.dirs]
    before = dirs[:dirs.index(theme_dir)] if theme_dir in dirs else dirs
    return any(next((d / "cheminement").rglob("*.html"), None) is not None for d in before)


def can_be_incremental(config: MkDocsConfig, ours: object, theme_dir: Path) -> bool:
    """Only our plugin and Material's search, only Markdown extensions that read no file,
    only our own templates: another plugin, an include or a template of ours replaced in a
    `custom_dir` could make any page (or any kept piece of one) depend on any file."""
    plugins = config.plugins.values()
    if not all(plugin is ours or type(plugin).__module__.startswith(SEARCH_MODULES) for plugin in plugins):
        return False
    if overrides_ours(config, theme_dir):
        return False
    return all(isinstance(name, str) and name != mkdocs_files.SNIPPETS
               and ("." not in name or name.startswith(SAFE_EXTENSION_PREFIXES))
               for name in config.markdown_extensions)

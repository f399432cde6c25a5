"""The MkDocs adapter: event wiring, MkDocs objects translated into the core's terms, and
errors mapped to MkDocs's. What a page is and holds is decided by the core (assemble.py,
pagesource.py, ecosystem.py, pagehtml.py); this file says when.

Event flow of one build (`serve` repeats it on every change; under `--dirty`, as
`cheminement serve` runs it, only the pages an edit reaches are rebuilt: incremental.py
decides, mkdocs_pages.Rebuilds keeps the rest of the site as the last build wrote it):
- `on_config`: reset per-build state, settings from options, refuse plugins that cannot
  build a portfolio, add our templates and CSS.
- `on_files`, first (100): read and validate every note, fail on errors (under serve: shown
  on every page, the files in error left out: mkdocs_serve.py), take private files out,
  give MkDocs our reading of every published page, keep macros' includes public.
- `on_files`, late (-50): views and page roles; generated pages as `File.generated`.
- `on_nav`: a short navigation when neither mkdocs.yml nor awesome-nav makes one.
- `on_page_markdown` (-25: after macros, hooks and callouts at 0, before Material's tags
  and blog at -50): the Markdown they hand over, links resolved, private links out.
- `on_page_content`: the page's HTML for its role, before search indexes it.
- `on_env`: the theme's compiled templates kept; the dossier, once every page is rendered.
- `on_post_page`, `on_post_template`: the footer and robots rule on every page.
"""

from __future__ import annotations

import functools
import gc
import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from . import config as options_module
from . import dossier as dossier_module
from . import (
    ecosystem,
    incremental,
    manifest,
    mkdocs_files,
    mkdocs_pages,
    mkdocs_serve,
    pagehtml,
    pagesource,
    profile,
    render,
    reread,
)
from .assemble import MAIN_ROLES, Assembler, Role, prepare
from .check import Report, analyse
from .config import CheminementConfig
from .fragments import Fragments
from .markup import make_inert, redact_private_links
from .messages import message, printable
from .model import CompetencePage, Kind, Problem, Severity
from .pagetext import CitationError
from .publish import Publication, UseCache, publish
from .settings import Settings
from .views import CompetenceView

PREVIEW_VARIABLE = "CHEMINEMENT_APERCU_PRIVE"

log = get_plugin_logger(__name__)


def _theme_dir() -> Path:
    """Our templates and CSS: the `cheminement.theme` package (themes/cheminement here)."""
    return Path(importlib.import_module(f"{__package__}.theme").__file__ or "").resolve().parent


def _guarded(handler: Callable[..., str | None]) -> Callable[..., str | None]:
    """`on_page_content`, safe whichever branch returns.

    The learner's HTML is made inert and redacted before the handler sees it (notes keep it
    as their search text), and the page's final content is redacted again: generated panels,
    feedback and the learner's own pages alike, even when the handler returns None.
    """

    @functools.wraps(handler)
    def on_page_content(self: CheminementPlugin, html_content: str, /, **context: Any) -> str | None:
        if self.settings is None:
            return handler(self, html_content, **context)
        source = context["page"].file.src_uri
        html_content = self._redact(self._inert(html_content, source), source)
        content = handler(self, html_content, **context)
        mkdocs_pages.safe_toc(context["page"].toc.items)
        return self._redact(html_content if content is None else content, source)

    return on_page_content


class CheminementPlugin(BasePlugin[CheminementConfig]):
    """Publishes a Cheminement portfolio: competence index and pages, timeline, note panels."""

    def __init__(self) -> None:
        self.is_serve = False
        self.is_dirty = False
        self.rebuilds = mkdocs_pages.Rebuilds()  # kept between serve's rebuilds (--dirty)
        self.serve_errors = mkdocs_serve.ServeErrors()  # kept across serve's rebuilds
        self.readings, self.records, self.states = reread.Readings(), reread.Records(), reread.States()  # likewise
        self.uses, self.fragments = UseCache(), Fragments()
        self._reset()

    def _reset(self) -> None:
        self.settings: Settings | None = None
        self.publication: Publication | None = None
        self.report: Report | None = None
        self.assembler: Assembler | None = None
        self.preview = False
        self.footer_block = ""
        self.private_paths: frozenset[str] = frozenset()
        self.roles: dict[str, Role] = {}  # src_uri -> what the page is to us
        self.plugins: list[ecosystem.Configured] = []
        self.includes: ecosystem.PublishedIncludes | None = None  # mkdocs-macros' loader, guarded
        self._full_content: dict[str, str] = {}  # pages whose search view is swapped in
        self._search_content: dict[str, str] = {}
        self._unread: set[str] = set()  # published notes an incremental rebuild does not read

    # -- Lifecycle -------------------------------------------------------------------------

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Defining on_startup also keeps this instance across serve rebuilds.
        self.is_serve = command == "serve"
        self.is_dirty = dirty
        self.rebuilds = mkdocs_pages.Rebuilds()
        # What a rebuild need not do again for a file that did not change.
        self.readings, self.records, self.states = reread.Readings(), reread.Records(), reread.States()
        self.uses, self.fragments = UseCache(), Fragments()
        self.serve_errors = mkdocs_serve.ServeErrors()  # MkDocs may reuse this instance for another run

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._reset()
        self.rebuilds.start(None)  # every page, unless _plan_rebuild finds better
        # `enabled: false` turns our pages off, never privacy: the filter always runs.
        self.settings = self.settings_for(config)
        self.plugins = mkdocs_pages.configured_plugins(config)
        refused = ecosystem.refusal(self.plugins, self.settings)
        if refused:
            raise PluginError(refused)
        # Private notes are shown only in a local preview that the learner asked for.
        asked = self.config.apercu_prive or os.environ.get(PREVIEW_VARIABLE, "").lower() in ("1", "true", "oui", "yes")
        self.preview = self.is_serve and asked
        if not self.config.services_tiers:
            # Material loads Google Fonts by default: the visitor's browser would tell Google.
            config.theme["font"] = False
            if "analytics" in config.extra:
                del config.extra["analytics"]
        if not self.config.enabled:
            return config
        mkdocs_pages.add_theme(config, _theme_dir(), review=self.config.relecture, tabs=self._our_nav(config))
        self.footer_block = pagehtml.legal_block(self.config.pied_de_page, self.config.mentions_legales,
                                                 self.config.services_tiers)
        ref = self.settings.referentiel_path
        if not mkdocs_pages.is_within(ref, self.settings.docs_dir) and ref.exists():
            config.watch.append(str(ref))
        return config

    def _our_nav(self, config: MkDocsConfig) -> bool:
        """Whether we make the navigation: not when mkdocs.yml or awesome-nav makes one."""
        return config.nav is None and self.config.navigation and not ecosystem.makes_nav(self.plugins)

    def settings_for(self, config: MkDocsConfig) -> Settings:
        """Our options and MkDocs's, in the terms of the core."""
        return options_module.settings(self.config, config)

    # -- Files: load, validate, publish, generate -------------------------------------------

    @event_priority(100)  # first: no other plugin may read a private file
    def _keep_private_out(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Read and check every note, fail on errors, take private files out of the build."""
        if self.settings is None:
            return None
        settings = self.settings
        mkdocs_files.ensure_first(config, self._keep_private_out, settings.lang)
        ours = mkdocs_files.of_portfolio(files, config)
        settings.excluded = frozenset(f.src_uri for f in ours if f.inclusion.is_excluded())
        self.serve_errors.start()
        self.readings.start(settings, [f.src_uri for f in ours])
        report = analyse(settings, [f.src_uri for f in ours], self.readings.read)
        publication, problems = self._publication(report, settings, ours, config)
        for problem in problems:
            if problem.severity is not Severity.ERROR:
                log.warning(problem.describe(settings.lang))
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors and self.is_serve:  # shown in the browser, the files in error left out (mkdocs_serve.py)
            kept = self.serve_errors.tolerate(errors, settings, ours,
                                              lambda: self._publication(report, settings, ours, config),
                                              frozenset(publication.private) | frozenset(publication.previewed))
            if kept is None:  # an error outside the notes: nothing of the portfolio is built
                self.private_paths = self.serve_errors.leave_all_out(files, ours, config, settings.lang, self.is_dirty)
                return files
            publication, errors = kept, []
        if errors:
            details = "\n".join(p.describe(settings.lang) for p in errors)
            raise PluginError(f"{message('build.failed', settings.lang, count=len(errors))}\n{details}")
        self.report, self.publication = report, publication
        self.private_paths = frozenset(publication.private)
        mkdocs_files.remove_private(files, ours, publication, settings, ecosystem.nav_files(self.plugins))
        for file in mkdocs_files.remove_unsafe(files, ours, settings.docs_dir, self.config.fichiers_actifs):
            log.warning(printable(f"{file.src_uri}: {message('active-file', settings.lang)}"))
        public = publication.public
        published = {p.path for p in [*public.notes, *public.pages]} | set(public.assets)
        if self.is_dirty:
            mkdocs_files.remove_unpublished(config, published)
            self._plan_rebuild(config, files, ours, report, publication)
        # Every later reader (MkDocs, macros, hooks) gets our reading of a page, never its own;
        # a note an incremental rebuild leaves as it is is not read (see _generate).
        self._unread = self.rebuilds.unread(p.path for p in public.notes if not isinstance(p, CompetencePage))
        mkdocs_files.give_our_reading(files, {p.path for p in [*public.notes, *public.pages]} - self._unread,
                                      ecosystem.directives(self.plugins))
        self._guard_includes(config, settings, published)
        if self.is_serve:
            self.serve_errors.stand_ins(files, config, publication, settings.lang)
        return files

    def _publication(self, report: Report, settings: Settings, ours: list[File],
                     config: MkDocsConfig) -> tuple[Publication, list[Problem]]:
        """What is published, and every problem: the notes' and the publication's own."""
        publication = publish(report.portfolio, settings, preview=self.preview, uses=self.uses)
        problems = report.problems + mkdocs_files.snippet_problems(config, publication, settings)
        problems += mkdocs_pages.reserved(ours, config)
        problems += profile.unpublished_photo(settings.profile, profile.home_page(report.portfolio.pages),
                                              {f.src_uri for f in ours}, set(publication.private))
        return publication, problems

    def _plan_rebuild(self, config: MkDocsConfig, files: Files, ours: list[File], report: Report,
                      publication: Publication) -> None:
        """Under --dirty: what the previous build wrote may stay where no edit reaches it
        (incremental.py); otherwise every page is rebuilt."""
        after = None
        if self.settings is not None and self.config.enabled and self._our_nav(config) \
                and mkdocs_pages.can_be_incremental(config, self, _theme_dir()) \
                and not self.serve_errors.every_page_changes:  # the errors' banner comes or goes
            hidden = [p for p in [*report.portfolio.notes, *report.portfolio.pages] if p.path in publication.private]
            after = incremental.snapshot(publication.public, mkdocs_files.context(config, ours, self.settings), hidden,
                                         self.states.state)
        if self.rebuilds.start(after).full is not None:
            mkdocs_files.force_rebuild(files)
            self.fragments.start(None)  # no piece of a page is kept past a complete rebuild

    def _guard_includes(self, config: MkDocsConfig, settings: Settings, published: set[str]) -> None:
        """mkdocs-macros reads `{% include %}` through its Jinja loader: public files only."""
        for found in mkdocs_pages.plugins_from(config, ecosystem.MACROS):
            env = getattr(found, "env", None)
            if isinstance(env, jinja2.Environment) and env.loader is not None:
                self.includes = ecosystem.PublishedIncludes(
                    env.loader, settings.docs_dir, frozenset(published),
                    lambda path: message("ecosystem.macros-include.short", settings.lang, path=path))
                env.loader = self.includes

    @event_priority(-50)  # late: after plugins that add files of their own, like Material's blog
    def _generate(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Views over the public portfolio, and the generated pages as `File.generated`."""
        if self.settings is None or self.publication is None or self.report is None or not self.config.enabled:
            return None
        settings = self.settings
        try:
            self.assembler = assembler = prepare(
                self.report, self.publication, settings, templates=config.theme.dirs,
                markdown_options=(list(config.markdown_extensions), dict(config.mdx_configs)), inert=self._inert,
                programme=self.config.programme, since=options_module.since(self.config, config, settings.lang),
                site_name=config.site_name, fragments=self.fragments if self.is_dirty else None)
        except CitationError as error:
            raise PluginError(message("bib-format", settings.lang, path=error.text, detail=error.detail)) from None
        if notice := assembler.dossier_notice():
            log.info(notice)
        for planned in assembler.pages(self.publication.public, home=self.config.accueil):
            self.roles[planned.path] = planned.role
            level = InclusionLevel.UNDEFINED if planned.in_nav else InclusionLevel.NOT_IN_NAV
            if planned.generate:
                mkdocs_pages.ensure(files, config, planned.path, level)
            elif not planned.in_nav:
                mkdocs_pages.set_inclusion(files, planned.path, level)
        # Everything loaded so far lives until the end of the build: keep it out of the
        # garbage collector's full passes, which otherwise grow with the portfolio.
        if self.is_dirty:
            self._keep_unchanged(files, config)
        self._log_plan(settings.lang)
        gc.freeze()
        return files

    def _keep_unchanged(self, files: Files, config: MkDocsConfig) -> None:
        """Under --dirty, the pages no edit reaches stay as written; a note left unread that
        must be built after all (another role, or a complete rebuild) gets our reading now."""
        notes = {path for path, role in self.roles.items() if role.role == "note"}
        competences = {path: role.subject.id for path, role in self.roles.items()
                       if role.role == "competence" and isinstance(role.subject, CompetenceView)}
        nav = frozenset(path for path, role in self.roles.items() if role.role not in ("note", "competence"))
        # A generated page no longer made (« Retours », « Nouveautés ») is in no manifest.
        mkdocs_files.remove_outputs(config, self.rebuilds.nav - nav)
        if self.rebuilds.keep_unchanged(files, notes, competences, self._summaries(files, config), nav):
            unread = self._unread - self.rebuilds.unread(notes)
        else:
            unread = self._unread
            mkdocs_files.force_rebuild(files)
            self.fragments.start(None)
        mkdocs_files.give_our_reading(files, unread, ecosystem.directives(self.plugins))

    def _summaries(self, files: Files, config: MkDocsConfig) -> dict[str, dict[str, Any]]:
        """Generated pages that show no note's text (timeline, competence index, listings
        of parcours, récits, traces), with the meta `on_page_markdown` would give them."""
        if self.assembler is None:
            return {}
        tabs = "navigation.tabs" in config.theme.get("features", [])
        found = {}
        for path, role in self.roles.items():
            file = files.get_file_from_path(path)
            if file is not None and file.generated_by is not None and (
                    role.role in ("timeline", "competences")
                    or (role.role == "listing" and role.subject in (Kind.PARCOURS, Kind.RECIT, Kind.TRACE))):
                found[path] = self.assembler.meta(role, path, {}, tabs)
        return found

    def _log_plan(self, lang: str) -> None:
        if not self.is_dirty:
            return
        plan = self.rebuilds.plan
        if plan.full is None:
            log.info(message("serve.incremental.partial", lang, count=len(plan.pages)))
        else:
            log.info(message(f"serve.incremental.full.{plan.full.value}", lang))

    on_files = CombinedEvent(_keep_private_out, _generate)

    # -- Navigation ---------------------------------------------------------------------

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """Home, the sections and the timeline (mkdocs_pages.site_nav); a nav the learner
        wrote (mkdocs.yml, or `.nav.yml` through awesome-nav) keeps its entries, less those
        to private pages, and we say which of our main pages it leaves out."""
        self.rebuilds.give_titles(files)
        if self.settings is None:
            return None
        if config.nav is not None or ecosystem.makes_nav(self.plugins):
            # A hand-written nav entry to a private page would show its title and address.
            mkdocs_files.drop_private_links(nav.items, set(self.private_paths))
            if config.nav is None and self.assembler is not None:
                self._report_missing(nav)
            return nav
        if not self.config.navigation:
            return None
        return mkdocs_pages.site_nav(self.settings, ((path, role.role) for path, role in self.roles.items()), files)

    def _report_missing(self, nav: Navigation) -> None:
        """awesome-nav makes the menu from `.nav.yml`: say which of our pages it leaves out."""
        main = [path for path, role in self.roles.items() if role.role in MAIN_ROLES]
        missing = ecosystem.missing_from_nav(main, {page.file.src_uri for page in nav.pages})
        if missing and self.settings is not None:
            log.info(message("ecosystem.nav-missing", self.settings.lang, pages=", ".join(missing)))

    # -- Pages --------------------------------------------------------------------------

    @event_priority(-25)  # after macros, hooks and callouts (0); before tags and the blog (-50)
    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        source = page.file.src_uri
        self._refuse_includes(source)
        role = self.roles.get(source)
        if role is None or self.settings is None or self.assembler is None:
            return None
        page.meta = self.assembler.meta(role, source, page.meta, "navigation.tabs" in config.theme.get("features", []))
        # What MkDocs and the plugins before us made of our reading of the file: comments
        # a macro or hook brought in go too, then links are resolved and redacted.
        text = pagesource.without_comments(markdown, ecosystem.directives(self.plugins))
        try:
            return self.assembler.markdown(role, text, source)
        except CitationError as error:
            raise PluginError(message("bib-format", self.settings.lang, path=error.text, detail=error.detail)) from None

    def _refuse_includes(self, source: str) -> None:
        """Stop the build when a macro on this page asked for a file the site does not publish."""
        refused = self.includes.take() if self.includes is not None else []
        if refused and self.settings is not None:
            raise PluginError(message("ecosystem.macros-include", self.settings.lang, page=source, path=refused[0]))

    @_guarded  # html_content arrives inert and redacted; what is returned is redacted again
    def on_page_content(self, html_content: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        role = self.roles.get(page.file.src_uri)
        if role is None or self.assembler is None:
            return None
        made = self.assembler.page(role, html_content, page.file.src_uri, mkdocs_pages.PageUrls(files, page))
        if made is None:
            return None
        if made.search is not None:
            self._search_content[page.file.src_uri] = made.search
        if made.own_h1_removed:
            mkdocs_pages.lift_toc(page)
        if role.role != "page":
            mkdocs_pages.add_headings(page, made.html)
        return made.html

    def _redact(self, content: str, source: str) -> str:
        """Every link, image or embed naming a private file removed, whatever its form."""
        return redact_private_links(content, source, self.private_paths)

    def _inert(self, content: str, source: str) -> str:
        """HTML from a note made inert; what was refused is a warning on that note."""
        content, findings = make_inert(content, self.config.services_tiers)
        lang = self.settings.lang if self.settings else "fr"
        for finding in findings:
            log.warning(f"{source}: {finding.message(lang)} {finding.suggestion(lang)}")
        return content

    # -- What the search index sees, and the blog's excerpts -------------------------------

    @event_priority(50)  # before the search plugins (priority 0)
    def _search_view(self, context: object, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> None:
        """Let search index a note's own text, not the panels and lists we add around it."""
        self.rebuilds.built.add(page.url)
        light = self._search_content.pop(page.file.src_uri, None)
        if light is not None:
            self._full_content[page.file.src_uri] = page.content or ""
            page.content = light

    @event_priority(-50)  # after the search plugins: the page is rendered in full
    def _full_view(self, context: object, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> None:
        full = self._full_content.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full

    @event_priority(-110)  # after Material's blog (-100) renders its excerpts
    def _excerpts(self, context: dict[str, Any], /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> None:
        """The blog renders post excerpts with a Markdown of its own, past on_page_content:
        they are made inert and redacted like the posts' pages."""
        if self.settings is None:
            return
        for excerpt in context.get("posts") or []:
            content = getattr(excerpt, "content", None)
            if isinstance(content, str):
                # Refusals are the post's; its links are written from the view's page.
                excerpt.content = self._redact(self._inert(content, excerpt.file.src_uri), page.file.src_uri)

    on_page_context = CombinedEvent(_search_view, _full_view, _excerpts)

    # -- The printable dossier ------------------------------------------------------------

    def _compiled_templates(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> None:
        """The theme's templates as compiled by an earlier build of this process (a rebuild
        under serve gets a new environment, which would compile them all again)."""
        if env.bytecode_cache is None:
            env.bytecode_cache = render.COMPILED

    @event_priority(-50)  # after other plugins have finished their pages' content
    def _dossier(self, env: object, /, *, config: MkDocsConfig, files: Files) -> None:
        """Assemble the dossier from the rendered pages (all are rendered by now, or kept
        from the build that last wrote them under --dirty)."""
        if self.is_dirty:
            self.rebuilds.remember(files)
        if self.settings is None or self.assembler is None or not self.settings.dossier_page:
            return None
        target = files.get_file_from_path(self.settings.dossier_page)
        if target is None or target.page is None:
            return None
        page, settings = target.page, self.settings
        selection = options_module.dossier_selection(self.config, config, settings.lang)
        try:
            dossier_module.check_competences(selection, list(self.assembler.views.competences),
                                             os.environ.get(dossier_module.SELECTION_VARIABLE),
                                             options_module.config_name(config))
        except dossier_module.SelectionError as error:
            raise PluginError(error.describe(settings.lang)) from None

        def read(path: str) -> tuple[str, str] | None:
            found = files.get_file_from_path(path)
            content = None if found is None else self.rebuilds.content(found)
            return None if found is None or found.page is None else (content or "", found.page.url)

        page.content = self.assembler.dossier(selection, page.content or "", page.url,
                                              mkdocs_pages.PageUrls(files, page), read)
        mkdocs_pages.add_headings(page, page.content)
        return None

    on_env = CombinedEvent(_compiled_templates, _dossier)

    # -- Whole pages, and the end of the build ---------------------------------------------

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        return self._whole_page(output)

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str | None:
        return self._whole_page(output_content) if template_name.endswith(".html") else None

    def _whole_page(self, output: str) -> str:
        if self.settings is None:
            return output
        output = self.serve_errors.page(output, self.settings.lang)  # the banner, while errors last
        return pagehtml.whole_page(output, self.footer_block, noindex=not self.config.indexation)

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
        # Zotero's auto-export rewrites the library wherever the learner pointed it, often
        # outside docs_dir, which is all `serve` watches on its own.
        if self.settings is not None and self.settings.bibliography is not None:
            server.watch(str(self.settings.bibliography))
        return server

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()
        self.rebuilds.fail()

    @event_priority(100)  # before the search plugin writes its index
    def _complete_search(self, *, config: MkDocsConfig) -> None:
        """Under --dirty, the pages MkDocs skipped keep their search entries; otherwise the
        index holds this build's pages only."""
        if self.is_dirty:
            self.rebuilds.merge_search(config)
        else:
            self.rebuilds.forget_search(config)

    def _write_manifest(self, *, config: MkDocsConfig) -> None:
        gc.unfreeze()
        self.rebuilds.finish()
        if self.publication is None or self.settings is None:
            return
        plan = self.rebuilds.plan
        self.records.expect(plan.pages if self.is_dirty and plan.full is None else None)
        data = manifest.build_manifest(self.publication.public, self.settings.docs_dir, self.publication.previewed,
                                      today=self.settings.today, record=self.records.record)
        manifest.write(Path(config.site_dir), data)

    on_post_build = CombinedEvent(_complete_search, _write_manifest)

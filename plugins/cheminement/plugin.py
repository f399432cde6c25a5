"""The MkDocs adapter: events only, delegating to the core (load, check, publish, views, render).

Event flow of one build (`serve` repeats it in full on every change):
- `on_config`: reset per-build state, settings from options, add our templates and CSS.
- `on_files`: read and validate every note, fail on errors, drop private files, add the
  generated pages as `File.generated` (never written into `docs_dir`).
- `on_nav`: a short navigation (home, sections, timeline) when mkdocs.yml has none.
- `on_page_markdown`: our own parse of the body (never MkDocs's view of the front matter),
  wikilinks turned into ordinary Markdown links that MkDocs checks and rewrites.
- `on_page_content`: the generated HTML (panels, indexes, timeline), before search indexes it.
"""

from __future__ import annotations

import functools
import gc
import html
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from . import dossier as dossier_module
from . import dossier_html
from . import biblio, changes, engine_meta, manifest, mkdocs_files, mkdocs_pages, pagehtml, profile, snippets, theme
from . import views as views_module
from .check import Report, analyse
from .config import CheminementConfig
from .dates import PartialDate
from .messages import language, message, printable
from .model import CompetencePage, Kind, Note, Portfolio, Problem, Severity
from .model import Page as CorePage
from .markup import make_inert, redact_private_links
from .publish import Publication, publish
from .pagetext import CitationError, PageText
from .render import Renderer
from .settings import DossierSelection, Settings

# Copied by MkDocs with the theme's static files, since our theme folder is on its path.
# One sheet per part of the site, so that each stays readable.
CSS_URIS = tuple(f"assets/cheminement/{name}.css" for name in
                 ("cheminement", "vitrine", "frise", "competences", "dossier", "revue"))
# Progressive enhancement only (the timeline's filters): every page works without it.
JS_URI = "assets/cheminement/cheminement.js"
# The coach's feedback form (`relecture: true` only: without it, no page loads them).
REVIEW_CSS_URI = "assets/cheminement/relecture.css"
REVIEW_JS_URI = "assets/cheminement/relecture.js"

PREVIEW_VARIABLE = "CHEMINEMENT_APERCU_PRIVE"
# Generated pages left out of the search index: they only repeat what notes index.
UNSEARCHED_ROLES = ("competences", "timeline", "listing", "changes", "dossier", "review")
# Generated pages that need the whole width: Material's side columns (the table of contents,
# and the site navigation when it is shown as tabs) are hidden there, as its documented
# `hide` front matter does.
FULL_WIDTH_ROLES = ("home", "competences", "timeline", "dossier", "review")
SINCE_VARIABLE = "CHEMINEMENT_DEPUIS"


log = get_plugin_logger(__name__)


def _theme_dir() -> Path:
    """Our templates and CSS: the `cheminement.theme` package (themes/cheminement here)."""
    return Path(theme.__file__).resolve().parent


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
        html_content = self._redact_html(self._inert(html_content, source), source)
        content = handler(self, html_content, **context)
        mkdocs_pages.safe_toc(context["page"].toc.items)
        return self._redact_html(html_content if content is None else content, source)

    return on_page_content


class CheminementPlugin(BasePlugin[CheminementConfig]):
    """Publishes a Cheminement portfolio: competence index and pages, timeline, note panels."""

    def __init__(self) -> None:
        self.is_serve = False
        self.is_dirty = False
        self._reset()

    def _reset(self) -> None:
        self.settings: Settings | None = None
        self.views: views_module.Views | None = None
        self.renderer: Renderer | None = None
        self.text: PageText | None = None  # the learner's words as our pages publish them
        self.publication: Publication | None = None
        self.report: Report | None = None
        self.preview = False
        self.changes: changes.Changed | None = None
        self.citations: views_module.Citations | None = None
        self.formatter: biblio.Formatter | None = None
        self.footer_block = ""
        self.private_paths: frozenset[str] = frozenset()
        self._full_content: dict[str, str] = {}  # pages whose search view is swapped in
        self._search_content: dict[str, str] = {}
        self.roles: dict[str, tuple[str, object]] = {}  # src_uri -> (role, subject)
        self.profile = profile.Profile()
        self._site_name = ""

    # -- Lifecycle -------------------------------------------------------------------------

    def on_startup(self, *, command: Literal["build", "gh-deploy", "serve"], dirty: bool) -> None:
        # Defining on_startup also keeps this instance across serve rebuilds.
        self.is_serve = command == "serve"
        self.is_dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        self._reset()
        # `enabled: false` turns our pages off, never privacy: the filter always runs.
        self.settings = self.settings_for(config)
        self._site_name = config.site_name
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
        theme_dir = str(_theme_dir())
        if theme_dir not in config.theme.dirs:
            # After the learner's custom_dir, before Material: our templates are namespaced
            # (cheminement/…), and our one Material partial (search.html) must win.
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        self.footer_block = self._footer_block()
        if config.nav is None and self.config.navigation and "navigation.tabs" not in config.theme.get("features", []):
            # Our generated pages use the whole width (no sidebar): the site's sections go
            # in the header as tabs, where every page shows them (the drawer on phones).
            config.theme["features"] = [*config.theme.get("features", []), "navigation.tabs"]
        for position, uri in enumerate(CSS_URIS + ((REVIEW_CSS_URI,) if self.config.relecture else ())):
            if uri not in config.extra_css:
                config.extra_css.insert(position, uri)
        for uri in (JS_URI, *([REVIEW_JS_URI] if self.config.relecture else [])):
            if uri not in config.extra_javascript:
                config.extra_javascript.append(uri)
        ref = self.settings.referentiel_path
        if not mkdocs_pages.is_within(ref, self.settings.docs_dir) and ref.exists():
            config.watch.append(str(ref))
        return config

    def settings_for(self, config: MkDocsConfig) -> Settings:
        """Our options and MkDocs's, in the terms of the core."""
        options = self.config
        return Settings(
            docs_dir=Path(config.docs_dir),
            referentiel=Path(options.referentiel) if options.referentiel else None,
            bibliography=Path(options.bibliographie) if options.bibliographie else None,
            bibliography_page=options.page_bibliographie,
            folders={name: Kind(kind) for name, kind in options.dossiers.items()},
            private_folders=tuple(options.dossiers_prives),
            explicit_publication=options.publication == "explicite",
            lang=options.langue or language(config.theme.get("language")),
            competence_index=options.page_competences,
            timeline_page=options.page_chronologie,
            changes_page=options.page_nouveautes,
            dossier_page=options.page_dossier if options.dossier else None,
            review=options.relecture,
            review_page=options.page_relecture,
            repository=(options.depot, options.depot_branche, options.depot_dossier if options.depot_dossier is not None
                        else mkdocs_pages.docs_in_project(config)) if options.depot else None,
            newest_first=options.ordre_chronologie == "recent",
            profile=options.profil,
            home_text=options.texte_accueil,
            dossier_selection=self._dossier_selection(config),
        )

    def _since(self, config: MkDocsConfig) -> changes.Since | None:
        """The reference point of the "Nouveautés" page: a date or a previous manifest."""
        value = os.environ.get(SINCE_VARIABLE) or (str(self.config.depuis) if self.config.depuis else None)
        if not value:
            return None
        lang = self.settings.lang if self.settings else "fr"
        try:
            return changes.Since(date=PartialDate.parse(value).start, label=PartialDate.parse(value).display(lang))
        except ValueError:
            pass
        path = Path(value)
        if not path.is_absolute():
            path = Path(config.config_file_path or ".").parent / path
        try:
            return changes.Since(manifest=manifest.read(path), label=value)
        except ValueError as error:
            raise PluginError(message("since.invalid", lang, value=value, detail=manifest.in_language(error, lang))) from None

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
        report = analyse(settings, [f.src_uri for f in ours])
        publication = publish(report.portfolio, settings, preview=self.preview)
        problems = report.problems + self._snippet_problems(config, publication) + mkdocs_pages.reserved(ours, config)
        problems += profile.unpublished_photo(settings.profile, profile.home_page(report.portfolio.pages),
                                              {f.src_uri for f in ours}, set(publication.private))
        for problem in problems:
            if problem.severity is not Severity.ERROR:
                log.warning(problem.describe(settings.lang))
        errors = [p for p in problems if p.severity is Severity.ERROR]
        if errors:
            details = "\n".join(p.describe(settings.lang) for p in errors)
            raise PluginError(f"{message('build.failed', settings.lang, count=len(errors))}\n{details}")
        self.report, self.publication = report, publication
        self._remove_private(files, ours, publication)
        for file in ours:
            if file.src_uri not in files.src_uris:
                continue
            # Links out of the portfolio are errors above; should one get through, MkDocs,
            # which follows links, must still not copy another folder into the site.
            if mkdocs_files.leaves(file, settings.docs_dir):
                mkdocs_files.remove(files, file)
            elif not self.config.fichiers_actifs and mkdocs_files.is_active(file):
                log.warning(printable(f"{file.src_uri}: {message('active-file', settings.lang)}"))
                mkdocs_files.remove(files, file)
        if self.is_dirty:
            public = publication.public
            mkdocs_files.remove_unpublished(config, {p.path for p in [*public.notes, *public.pages]} | set(public.assets))
            mkdocs_files.force_rebuild(files)
        return files

    def _snippet_problems(self, config: MkDocsConfig, publication: Publication) -> list[Problem]:
        """Transclusions (`--8<--`) of files that are not published, in published pages."""
        snippet_config = mkdocs_files.snippet_bases(config)
        if snippet_config is None or self.settings is None:
            return []
        bases, appended = snippet_config
        public = publication.public
        published = {p.path for p in [*public.notes, *public.pages]} | set(public.assets)
        project = Path(config.config_file_path or config.docs_dir).parent
        return snippets.refused([*public.notes, *public.pages], bases, self.settings.docs_dir, project,
                                published, appended)

    @event_priority(-50)  # late: after plugins that add files of their own, like Material's blog
    def _generate(self, files: Files, /, *, config: MkDocsConfig) -> Files | None:
        """Views over the public portfolio, and the generated pages as `File.generated`."""
        if self.settings is None or self.publication is None or self.report is None or not self.config.enabled:
            return None
        settings, report, publication = self.settings, self.report, self.publication
        public = publication.public
        self.views = views = views_module.build(public, settings, settings.newest_first)
        # Read from the public home page only: a private one's profile is never shown.
        self.profile, _ = profile.read(settings.profile, profile.home_page(public.pages), set(public.assets),
                                       self.config.programme)
        self.renderer = Renderer(config.theme.dirs, settings, public.referentiel, views,
                                 frozenset(publication.previewed), self.profile)
        if report.bibliography is not None:
            self.citations = views_module.citations(public, set(report.bibliography.entries))
            try:
                self.formatter = biblio.Formatter(report.bibliography, self.citations.all, settings.lang)
            except Exception as error:  # noqa: BLE001 - citeproc's errors on data it cannot format
                raise PluginError(message("bib-format", settings.lang, path=report.bibliography.path,
                                          detail=f"{type(error).__name__}: {error}")) from None
        # Links resolve over the public portfolio only: a link to a private note is text.
        self.text = PageText(settings, views, self.renderer, self.private_paths,
                             (list(config.markdown_extensions), dict(config.mdx_configs)), self._inert,
                             self.formatter, self.citations)
        # The "since" of the review: the option, else the coach's last review (relecture: true).
        since = self._since(config) or changes.last_review(public, settings)
        if since is not None:
            self.changes = changes.since_publication(since, publication.public, settings.docs_dir, publication.previewed, settings)
        self._attach_pages(files, config, public, since)
        # Everything loaded so far lives until the end of the build: keep it out of the
        # garbage collector's full passes, which otherwise grow with the portfolio.
        gc.freeze()
        return files

    on_files = CombinedEvent(_keep_private_out, _generate)

    def _remove_private(self, files: Files, ours: list[File], publication: Publication) -> None:
        """Private notes and files leave MkDocs's files: excluded, not merely hidden."""
        assert self.settings is not None
        settings = self.settings
        self.private_paths = frozenset(publication.private)
        # The référentiel and the reference library are sources, not pages to publish.
        sources = {mkdocs_pages.src_uri(path, settings.docs_dir) for path in (settings.referentiel_path, settings.bibliography) if path}
        for file in ours:
            if file.src_uri in self.private_paths or file.src_uri in sources:
                mkdocs_files.remove(files, file)

    def _attach_pages(self, files: Files, config: MkDocsConfig, public: Portfolio, since: changes.Since | None) -> None:
        """Give every page we render a role, generating the ones the learner did not write."""
        assert self.settings is not None and self.views is not None
        settings = self.settings
        for page in public.pages:
            self.roles[page.path] = ("page", page)
        if self.config.accueil:
            mkdocs_pages.ensure(files, config, profile.HOME)
            self.roles[profile.HOME] = ("home", profile.home_page(public.pages))
        for note in public.notes:
            if not isinstance(note, CompetencePage):
                self.roles[note.path] = ("note", note)
                mkdocs_pages.set_inclusion(files, note.path, InclusionLevel.NOT_IN_NAV)
        for cid, view in self.views.competences.items():
            path = settings.competence_page(cid)
            mkdocs_pages.ensure(files, config, path, InclusionLevel.NOT_IN_NAV)
            self.roles[path] = ("competence", view)
        generated: list[tuple[str, str, object]] = [
            (settings.competence_index, "competences", None),
            (settings.timeline_page, "timeline", None),
        ]
        for kind in (Kind.PARCOURS, Kind.RECIT, Kind.TRACE, Kind.RETOUR):
            if kind is not Kind.RETOUR or public.of_kind(Kind.RETOUR):  # "Retours" once there are some
                generated.append((settings.listing_page(kind), "listing", kind))
        if self.formatter is not None:
            generated.append((settings.bibliography_page, "bibliography", None))
        if since is not None:
            generated.append((settings.changes_page, "changes", since))
        if settings.dossier_page:
            generated.append((settings.dossier_page, "dossier", None))
        if settings.review:
            generated.append((settings.review_page, "review", since))
        for path, role, subject in generated:
            mkdocs_pages.ensure(files, config, path)
            self.roles[path] = (role, subject)

    # -- Navigation ---------------------------------------------------------------------

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation | None:
        """Home, the sections and the timeline (mkdocs_pages.site_nav); a hand-written
        nav keeps its entries, less those to private pages."""
        if self.settings is None:
            return None
        if config.nav is not None:
            # A hand-written nav entry to a private page would show its title and address.
            mkdocs_files.drop_private_links(nav.items, set(self.publication.private) if self.publication else set())
            return nav
        if not self.config.navigation:
            return None
        return mkdocs_pages.site_nav(self.settings, ((path, role) for path, (role, _) in self.roles.items()), files)

    # -- Pages --------------------------------------------------------------------------

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        role = self.roles.get(page.file.src_uri)
        if role is None or self.settings is None:
            return None
        kind, subject = role
        title = self._title(kind, subject, page)
        # MkDocs parsed the front matter itself and Material prints some values raw: the
        # theme sees only what our reader checked and escaped (engine_meta.py).
        read = subject.page if isinstance(subject, views_module.CompetenceView) else subject
        if not isinstance(read, CorePage) and self.publication is not None:
            read = next((p for p in self.publication.public.pages if p.path == page.file.src_uri), None)
        if isinstance(read, CorePage):
            page.meta = engine_meta.for_theme(page.meta, read.meta, read.engine_meta)
        if title:
            # Material prints page.title raw into <title>, the header and every page's nav.
            page.meta["title"] = html.escape(title, quote=False)
        if kind in FULL_WIDTH_ROLES:
            hidden = page.meta.get("hide")
            # The site navigation leaves the side only where it is in the header (tabs): a
            # hand-written nav without tabs stays where visitors find it.
            tabs = "navigation.tabs" in config.theme.get("features", [])
            page.meta["hide"] = [*(hidden if isinstance(hidden, list) else []), *(["navigation"] if tabs else []), "toc"]
        if kind in UNSEARCHED_ROLES:
            # These pages repeat titles and summaries that the notes' own pages index; the
            # search plugin would spend more time on them than on all the notes.
            page.meta["search"] = {"exclude": True}
        if isinstance(subject, views_module.CompetenceView):
            subject = subject.page  # the learner's own text about the competence, if any
        assert self.text is not None
        # Our own parse of a note's body: MkDocs would render broken front matter as text.
        body = subject.body if isinstance(subject, CorePage) else markdown
        try:
            return self.text.body(body, page.file.src_uri, with_links=isinstance(subject, CorePage))
        except CitationError as error:
            raise PluginError(message("bib-format", self.settings.lang, path=error.text, detail=error.detail)) from None

    def _title(self, role: str, subject: object, page: Page) -> str:
        lang = self.settings.lang if self.settings else "fr"
        if role == "home":
            # The page's title is the person's name, as on the hero: "Claire Moreau".
            return self.profile.name or (subject.title if isinstance(subject, CorePage) else "") or self._site_name
        if isinstance(subject, CorePage):
            return subject.title
        if role == "competence":
            view = subject
            assert isinstance(view, views_module.CompetenceView)
            return view.competence.title
        if page.meta.get("title") or page.meta.get("titre"):
            return str(page.meta.get("titre") or page.meta.get("title"))
        labels = {"competences": "ui.competences", "timeline": "ui.timeline", "changes": "ui.changes",
                  "dossier": "ui.dossier", "bibliography": "ui.bibliography", "review": "revue.title"}
        if role == "listing":
            return message(f"ui.{_listing_label(subject)}", lang)  # type: ignore[arg-type]
        return message(labels.get(role, "ui.home"), lang)

    @_guarded  # html_content arrives inert and redacted; what is returned is redacted again
    def on_page_content(self, html_content: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        source = page.file.src_uri
        role = self.roles.get(source)
        if role is None or self.renderer is None or self.views is None:
            return None
        kind, subject = role
        if kind == "page":
            return html_content + self.text.references(source)
        renderer = self.renderer
        if kind == "home":
            own = html_content
            if self.settings.home_text != "debut":  # type: ignore[union-attr]
                # The name is the page's heading: the learner's own h1 gives way, in the
                # table of contents too (its children move up a level).
                own = pagehtml.without_h1(html_content)
                page.toc.items = [i for item in page.toc.items for i in (item.children if item.level == 1 else [item])]
            self._search_content[source] = own  # search indexes the learner's words, not our sections
            content = renderer.home(mkdocs_pages.url_maker(files, page), own, html.unescape(page.title or ""),
                                    self.settings.home_text) + self.text.references(source)  # type: ignore[union-attr]
            mkdocs_pages.add_headings(page, content)
            return content

        url_for = mkdocs_pages.url_maker(files, page)

        if kind == "note":
            assert isinstance(subject, Note)
            self._search_content[source] = html_content
            header = renderer.note_header(subject, url_for)
            content = (pagehtml.after_h1(html_content, header) + self.text.feedback(self.views.feedback.get(subject.key, []), url_for)
                       + renderer.note_footer(subject, url_for) + renderer.feedback_form(subject, url_for))
        elif kind == "competence":
            assert isinstance(subject, views_module.CompetenceView)
            own = ""
            if subject.page is not None and html_content.strip():
                own = f'<h2 id="en-mes-mots">{html.escape(message("ui.my-words", self.settings.lang))}</h2>\n{html_content}'  # type: ignore[union-attr]
            header = renderer.competence_header(subject, url_for) + own
            self._search_content[page.file.src_uri] = header
            content = (header + renderer.competence_evidence(subject, url_for) + self.text.feedback(subject.feedback, url_for)
                       + renderer.feedback_form(subject, url_for))
        elif kind == "competences":
            content = html_content + renderer.competence_index(url_for)
        elif kind == "timeline":
            content = html_content + renderer.timeline(url_for)
        elif kind == "listing":
            content = html_content + renderer.listing(subject, url_for)  # type: ignore[arg-type]
        elif kind == "changes":
            content = html_content + renderer.changes(subject, self.changes, url_for)  # type: ignore[arg-type]
        elif kind == "dossier":
            return None  # assembled in on_env, once every page is rendered
        elif kind == "review":
            content = html_content + renderer.review(subject, self.changes, url_for)  # type: ignore[arg-type]
        elif kind == "bibliography":
            assert self.formatter is not None and self.citations is not None
            # Formatted references carry the library's text: inert like a note's (defence in depth).
            content = html_content + self._inert(renderer.bibliography(url_for, self.formatter, self.citations), page.file.src_uri)
        else:
            return None
        content += self.text.references(source)
        if self.publication and page.file.src_uri in self.publication.previewed:
            content = pagehtml.preview_banner(self.settings.lang if self.settings else "fr") + content
        mkdocs_pages.add_headings(page, content)
        return content

    def _redact_html(self, content: str, source: str) -> str:
        """Every link, image or embed naming a private file removed, whatever its form."""
        return redact_private_links(content, source, self.private_paths)

    def _inert(self, content: str, source: str) -> str:
        """HTML from a note made inert; what was refused is a warning on that note."""
        content, findings = make_inert(content, self.config.services_tiers)
        lang = self.settings.lang if self.settings else "fr"
        for finding in findings:
            log.warning(f"{source}: {finding.message(lang)} {finding.suggestion(lang)}")
        return content

    # -- What the search index sees ------------------------------------------------------

    @event_priority(50)  # before the search plugins (priority 0)
    def _search_view(self, context: object, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> None:
        """Let search index a note's own text, not the panels and lists we add around it."""
        light = self._search_content.pop(page.file.src_uri, None)
        if light is not None:
            self._full_content[page.file.src_uri] = page.content or ""
            page.content = light

    @event_priority(-50)  # after the search plugins: the page is rendered in full
    def _full_view(self, context: object, /, *, page: Page, config: MkDocsConfig, nav: Navigation) -> None:
        full = self._full_content.pop(page.file.src_uri, None)
        if full is not None:
            page.content = full

    on_page_context = CombinedEvent(_search_view, _full_view)

    # -- The printable dossier ------------------------------------------------------------

    @event_priority(-50)  # after other plugins have finished their pages' content
    def on_env(self, env: object, /, *, config: MkDocsConfig, files: Files) -> None:
        """Assemble the dossier from the rendered pages (all are rendered by now).

        Only the notes the dossier holds are read back (dossier.py chooses them), each from
        its own page: their text there is already inert, redacted and linked.
        """
        if self.settings is None or self.renderer is None or self.views is None or not self.settings.dossier_page:
            return None
        target = files.get_file_from_path(self.settings.dossier_page)
        if target is None or target.page is None:
            return None
        page, settings = target.page, self.settings
        selection = self._dossier_selection(config, strict=True)
        try:
            dossier_module.check_competences(selection, list(self.views.competences),
                                             os.environ.get(dossier_module.SELECTION_VARIABLE), mkdocs_pages.config_name(config))
        except dossier_module.SelectionError as error:
            raise PluginError(error.describe(settings.lang)) from None
        plan = dossier_module.plan(self.views, selection, settings.today)
        home = files.get_file_from_path("index.md")
        introduction = ""
        if home is not None and home.page is not None and not self.renderer.profile.summary:
            introduction = dossier_html.introduction(home.page.content or "", home.page.url, page.url)
        works = self._dossier_works(plan, with_home=bool(introduction))
        anchors = [biblio.anchor(key) for key, _ in works]
        url_for = mkdocs_pages.url_maker(files, page)
        # Links between the notes it holds stay inside the dossier, which is read on paper.
        local = {url_for(settings.competence_page(cid)): f"dossier-competence-{cid}" for cid in plan.shown}
        local.update((url_for(note.path), anchor) for note in plan.notes if (anchor := plan.anchors.get(note.key)))

        def text_of(note: Note) -> str:
            """A note's own text from its page, moved into the dossier."""
            source = files.get_file_from_path(note.path)
            if source is None or source.page is None or not source.page.content:
                return ""
            prefix = plan.anchors.get(note.key) or f"dossier-{note.kind.value}-{note.id}-texte"
            return dossier_html.note_body(source.page.content, source.page.url, page.url, prefix, anchors, local)

        fallback = next((p.title for p in self.publication.public.pages if p.path == "index.md"), "") if self.publication else ""
        page.content = self.renderer.dossier(url_for, plan, text_of, introduction, page.content or "",
                                             works, fallback or config.site_name)
        mkdocs_pages.add_headings(page, page.content)
        return None

    def _dossier_selection(self, config: MkDocsConfig, strict: bool = False) -> DossierSelection:
        """The dossier's selection: mkdocs.yml's, each key the command line gives replacing it.

        A wrong one fails the build in `on_env` (`strict`), the one place it matters: a
        build with a dossier; `check` and the other commands read the settings too.
        """
        try:
            return dossier_module.read_selection(self.config.selection_dossier,
                                                 os.environ.get(dossier_module.SELECTION_VARIABLE), mkdocs_pages.config_name(config))
        except dossier_module.SelectionError as error:
            if strict:
                raise PluginError(error.describe(self.settings.lang if self.settings else "fr")) from None
            return DossierSelection()

    def _dossier_works(self, plan: dossier_module.Plan, with_home: bool) -> list[tuple[str, str]]:
        """The works cited by what the dossier prints, in APA order, made inert like a page's."""
        if self.formatter is None or self.citations is None or self.settings is None:
            return []
        settings = self.settings
        paths = [n.path for n in plan.printed()]
        paths += [s.view.page.path for part in plan.parts for s in part.sections if s.view.page]
        paths += ["index.md"] if with_home else []
        keys = {i.key for path in paths for c in self.citations.by_page.get(path, []) for i in c.items}
        # Each in an element of its own, which inert HTML is written back from.
        return [(key, self._inert(f"<span>{html}</span>", settings.dossier_page or ""))
                for key, html in self.formatter.ordered(keys)]

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str | None:
        return self._whole_page(output)

    def on_post_template(self, output_content: str, /, *, template_name: str, config: MkDocsConfig) -> str | None:
        if not template_name.endswith(".html"):
            return None
        return self._whole_page(output_content)

    def _whole_page(self, output: str) -> str:
        """What every page carries: the robots rule unless indexing is allowed, the footer."""
        if self.settings is None:
            return output
        if not self.config.indexation:
            output = pagehtml.with_robots(output)
        return pagehtml.with_footer(output, self.footer_block)

    def _footer_block(self) -> str:
        """The institution's footer line and legal notice, rendered once per build."""
        notice = None
        if self.config.mentions_legales:
            # Markdown from a configuration file: rendered like a note's text, made inert like it.
            notice, _ = make_inert(markdown.markdown(self.config.mentions_legales), self.config.services_tiers)
        return pagehtml.footer_block(self.config.pied_de_page, notice)

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
        # Zotero's auto-export rewrites the library wherever the learner pointed it, often
        # outside docs_dir, which is all `serve` watches on its own.
        if self.settings is not None and self.settings.bibliography is not None:
            server.watch(str(self.settings.bibliography))
        return server

    def on_build_error(self, *, error: Exception) -> None:
        gc.unfreeze()

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        gc.unfreeze()
        if self.publication is None or self.settings is None:
            return
        data = manifest.build_manifest(self.publication.public, self.settings.docs_dir, self.publication.previewed,
                                      today=self.settings.today)
        manifest.write(Path(config.site_dir), data)


# -- Helpers -------------------------------------------------------------------------------


def _listing_label(kind: Kind) -> str:
    return {Kind.PARCOURS: "parcours", Kind.RECIT: "recits", Kind.TRACE: "traces", Kind.RETOUR: "retours"}[kind]

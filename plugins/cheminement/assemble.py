"""Our pages, put together: which page plays which role, and each role's final HTML.

Engine-free, like the rest of the core. An adapter hands in the rendered HTML of a page's
own text (what the learner wrote, already inert and redacted), a `url_for` that turns
source paths into relative URLs from that page, and gets back the page's HTML and the
text search should index. The adapter keeps what belongs to its engine: files, the table
of contents, logging and error mapping.
"""

from __future__ import annotations

import dataclasses
import html
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import biblio, dossier_html, engine_meta, pagehtml, profile
from . import dossier as dossier_module
from . import views as views_module
from .changes import Changed, Since, last_review, since_publication
from .check import Report
from .fragments import Fragments
from .messages import message
from .model import CompetencePage, Kind, Note, Page, Portfolio
from .pagetext import CitationError, PageText
from .publish import Publication
from .render import Renderer, UrlFor
from .settings import DossierSelection, Settings

# Generated pages left out of the search index: they only repeat what notes index.
UNSEARCHED_ROLES = ("competences", "timeline", "listing", "changes", "dossier", "review")
# Generated pages that need the whole width: the theme's side columns are hidden there.
FULL_WIDTH_ROLES = ("home", "competences", "timeline", "dossier", "review")
# Pages a visitor finds the portfolio through: a navigation should lead to them.
MAIN_ROLES = ("home", "competences", "timeline", "listing", "bibliography", "changes", "dossier", "review")
_LABELS = {"competences": "ui.competences", "timeline": "ui.timeline", "changes": "ui.changes",
           "dossier": "ui.dossier", "bibliography": "ui.bibliography", "review": "revue.title"}
_LISTING_LABELS = {Kind.PARCOURS: "parcours", Kind.RECIT: "recits", Kind.TRACE: "traces", Kind.RETOUR: "retours"}

Inert = Callable[[str, str], str]  # (html, source path) -> the same HTML made inert
# A rendered page by source path: its HTML and its site URL, or None when not rendered.
ReadPage = Callable[[str], "tuple[str, str] | None"]


@dataclass(frozen=True)
class Role:
    """What a page is to us: `role` (see MAIN_ROLES, plus `note`, `competence`, `page`) and
    what it shows (a note, a competence's view, a listing's kind, a reference date…)."""

    role: str
    subject: object = None

    @property
    def own_page(self) -> Page | None:
        """The learner's file behind the page, if any (a competence's own note, the home's)."""
        subject = self.subject.page if isinstance(self.subject, views_module.CompetenceView) else self.subject
        return subject if isinstance(subject, Page) else None


@dataclass(frozen=True)
class Planned:
    """A page of the site: its source path, its role, whether the engine must generate it
    (when the learner wrote none) and whether it belongs in a navigation."""

    path: str
    role: Role
    generate: bool = False
    in_nav: bool = True


@dataclass(frozen=True)
class Assembled:
    """A page's final HTML; `search` is what search indexes instead (the learner's words,
    not the panels around them), None for the whole page; `own_h1_removed` when the page's
    own first heading gave way to ours (its table of contents moves up a level)."""

    html: str
    search: str | None = None
    own_h1_removed: bool = False


def prepare(report: Report, publication: Publication, settings: Settings, *, templates: Sequence[str],
            markdown_options: tuple[Sequence[object], dict[str, object]], inert: Inert,
            programme: str | None, since: Since | None, site_name: str,
            fragments: Fragments | None = None) -> Assembler:
    """One build's assembly over the public portfolio: views, profile, templates, references.

    `since` is the reference date or manifest the options give (else the coach's last
    review); `fragments`, the pieces of pages serve keeps between rebuilds. Raises
    CitationError when the library holds a work APA cannot format.
    """
    public = publication.public
    dossier_left_out = bool(settings.dossier_page) and not dossier_module.wanted(
        settings, public, os.environ.get(dossier_module.SELECTION_VARIABLE))
    if dossier_left_out:
        # No page, no link to it (home page, navigation): as with `dossier: false`.
        settings = dataclasses.replace(settings, dossier_page=None)
    views = views_module.build(public, settings, settings.newest_first)
    # Read from the public home page only: a private one's profile is never shown.
    shown, _ = profile.read(settings.profile, profile.home_page(public.pages), set(public.assets), programme)
    renderer = Renderer(templates, settings, public.referentiel, views, frozenset(publication.previewed), shown,
                        fragments)
    citations = formatter = None
    if report.bibliography is not None:
        citations = views_module.citations(public, set(report.bibliography.entries))
        try:
            formatter = biblio.Formatter(report.bibliography, citations.all, settings.lang)
        except Exception as error:  # noqa: BLE001 - citeproc's errors on data it cannot format
            raise CitationError(str(report.bibliography.path), f"{type(error).__name__}: {error}") from None
    # Links resolve over the public portfolio only: a link to a private note is text.
    text = PageText(settings, views, renderer, frozenset(publication.private), markdown_options, inert,
                    formatter, citations)
    since = since or last_review(public, settings)
    changed = since_publication(since, public, settings.docs_dir, publication.previewed, settings) if since else None
    home = profile.home_page(public.pages)
    return Assembler(settings, views, renderer, text, inert, site_name, frozenset(publication.previewed), changed,
                     formatter, citations, since, home.title if home is not None else "",
                     {page.path: page for page in [*public.notes, *public.pages]}, dossier_left_out)


@dataclass
class Assembler:
    """One build's page assembly over the public portfolio (views, templates, text)."""

    settings: Settings
    views: views_module.Views
    renderer: Renderer
    text: PageText
    inert: Inert
    site_name: str = ""
    previewed: frozenset[str] = frozenset()
    changed: Changed | None = None
    formatter: biblio.Formatter | None = None
    citations: views_module.Citations | None = None
    since: Since | None = None  # what "Nouveautés" and the review compare with
    home_title: str = ""  # the learner's home page's title: who the dossier presents, failing a name
    files: Mapping[str, Page] = field(default_factory=dict)  # the public notes and pages by path
    # The dossier was left out: large portfolio, nothing chosen for it (dossier.wanted).
    dossier_left_out: bool = False

    def pages(self, public: Portfolio, home: bool) -> list[Planned]:
        """Every page we render and its role; a later entry for the same path wins."""
        settings = self.settings
        pages = [Planned(page.path, Role("page", page)) for page in public.pages]
        if home:
            pages.append(Planned(profile.HOME, Role("home", profile.home_page(public.pages)), generate=True))
        pages += [Planned(note.path, Role("note", note), in_nav=False)
                  for note in public.notes if not isinstance(note, CompetencePage)]
        pages += [Planned(settings.competence_page(cid), Role("competence", view), generate=True, in_nav=False)
                  for cid, view in self.views.competences.items()]
        generated = [(settings.competence_index, Role("competences")), (settings.timeline_page, Role("timeline"))]
        generated += [(settings.listing_page(kind), Role("listing", kind))
                      for kind in (Kind.PARCOURS, Kind.RECIT, Kind.TRACE, Kind.RETOUR)
                      if kind is not Kind.RETOUR or public.of_kind(Kind.RETOUR)]  # "Retours" once there are some
        if self.formatter is not None:
            generated.append((settings.bibliography_page, Role("bibliography")))
        if self.since is not None:
            generated.append((settings.changes_page, Role("changes", self.since)))
        if settings.dossier_page:
            generated.append((settings.dossier_page, Role("dossier")))
        if settings.review:
            generated.append((settings.review_page, Role("review", self.since)))
        return pages + [Planned(path, role, generate=True) for path, role in generated]

    # -- What the engine shows around the page ------------------------------------------

    def title(self, role: Role, meta: Mapping[str, object]) -> str:
        """The page's title as text (the adapter escapes it where the theme prints it raw)."""
        subject = role.subject
        if role.role == "home":
            # The page's title is the person's name, as on the hero: "Claire Moreau".
            return self.renderer.profile.name or (subject.title if isinstance(subject, Page) else "") or self.site_name
        if isinstance(subject, Page):
            return subject.title
        if isinstance(subject, views_module.CompetenceView):
            return subject.competence.title
        if meta.get("titre") or meta.get("title"):
            return str(meta.get("titre") or meta.get("title"))
        if role.role == "listing" and isinstance(subject, Kind):
            return message(f"ui.{_LISTING_LABELS[subject]}", self.settings.lang)
        return message(_LABELS.get(role.role, "ui.home"), self.settings.lang)

    def meta(self, role: Role, source: str, meta: Mapping[str, Any], tabs: bool) -> dict[str, Any]:
        """What the theme sees of a page's front matter (`meta`: the engine's, with what
        other plugins added): the learner's values as our reader checked and escaped them
        (engine_meta.py), our title escaped (Material prints it raw in every page's nav),
        the theme's side columns hidden on wide pages, and search kept off generated lists.
        `tabs`: the site's sections are in the header, so the side navigation may go."""
        title = self.title(role, meta)
        read = role.own_page or self.files.get(source)
        shown = engine_meta.for_theme(meta, read.meta, read.engine_meta) if read is not None else dict(meta)
        if title:
            shown["title"] = html.escape(title, quote=False)
        if role.role in FULL_WIDTH_ROLES:
            hidden = shown.get("hide")
            shown["hide"] = [*(hidden if isinstance(hidden, list) else []), *(["navigation"] if tabs else []), "toc"]
        if role.role in UNSEARCHED_ROLES:
            # These pages repeat titles and summaries that the notes' own pages index; the
            # search plugin would spend more time on them than on all the notes.
            shown["search"] = {"exclude": True}
        return shown

    def markdown(self, role: Role, markdown: str, source: str) -> str:
        """The page's own Markdown as we publish it: links resolved, private ones out,
        citations formatted (`text.body`). Raises pagetext.CitationError."""
        return self.text.body(markdown, source, with_links=role.own_page is not None)

    # -- The page's content -------------------------------------------------------------

    def page(self, role: Role, own: str, source: str, url_for: UrlFor) -> Assembled | None:
        """The final HTML of a page from the HTML of its own text; None leaves it as it is
        (the dossier is assembled once every page is rendered: `dossier`)."""
        name, subject, renderer = role.role, role.subject, self.renderer
        if name == "page":
            return Assembled(own + self.text.references(source))
        if name == "home":
            return self._home(role, own, source, url_for)
        search: str | None = None
        if name == "note" and isinstance(subject, Note):
            search = own
            content = (pagehtml.after_h1(own, renderer.note_header(subject, url_for))
                       + self.text.feedback(self.views.feedback.get(subject.key, []), url_for)
                       + renderer.note_footer(subject, url_for) + renderer.feedback_form(subject, url_for))
        elif name == "competence" and isinstance(subject, views_module.CompetenceView):
            mine = ""
            if subject.page is not None and own.strip():
                heading = html.escape(message("ui.my-words", self.settings.lang))
                mine = f'<h2 id="en-mes-mots">{heading}</h2>\n{own}'
            search = renderer.competence_header(subject, url_for) + mine
            content = (search + renderer.competence_evidence(subject, url_for)
                       + self.text.feedback(subject.feedback, url_for) + renderer.feedback_form(subject, url_for))
        else:
            generated = self._generated(role, url_for, source)
            if generated is None:
                return None
            content = own + generated
        content += self.text.references(source)
        if source in self.previewed:
            content = pagehtml.preview_banner(self.settings.lang) + content
        return Assembled(content, search)

    def _home(self, role: Role, own: str, source: str, url_for: UrlFor) -> Assembled:
        """The home page: the learner's text where they chose it, among our sections."""
        place = self.settings.home_text
        if place != "debut":
            # The name is the page's heading: the learner's own h1 gives way.
            own = pagehtml.without_h1(own)
        content = self.renderer.home(url_for, own, self.title(role, {}), place) + self.text.references(source)
        return Assembled(content, search=own, own_h1_removed=place != "debut")

    def _generated(self, role: Role, url_for: UrlFor, source: str) -> str | None:
        """What a generated page adds after the learner's own text, if they wrote any."""
        renderer, subject = self.renderer, role.subject
        if role.role == "competences":
            return renderer.competence_index(url_for)
        if role.role == "timeline":
            return renderer.timeline(url_for)
        if role.role == "listing" and isinstance(subject, Kind):
            return renderer.listing(subject, url_for)
        if role.role == "changes" and isinstance(subject, Since) and self.changed is not None:
            return renderer.changes(subject, self.changed, url_for)
        if role.role == "review":
            return renderer.review(subject if isinstance(subject, Since) else None, self.changed, url_for)
        if role.role == "bibliography" and self.formatter is not None and self.citations is not None:
            # Formatted references carry the library's text: inert like a note's (defence in depth).
            return self.inert(renderer.bibliography(url_for, self.formatter, self.citations), source)
        return None

    # -- The printable dossier ----------------------------------------------------------

    def dossier_notice(self) -> str | None:
        """Why the site has no dossier page this time, for the build's log; None when it has
        one or the learner turned it off."""
        if not self.dossier_left_out:
            return None
        count = sum(1 for note in self.views.notes.values() if note.kind is not Kind.COMPETENCE)
        return message("dossier.left-out", self.settings.lang, count=count, limit=dossier_module.WHOLE_LIMIT,
                       config=self.settings.config_name)

    def dossier(self, selection: DossierSelection, own: str, page_url: str, url_for: UrlFor, read: ReadPage) -> str:
        """The dossier from the rendered pages (`read`): only the notes it holds are read
        back, each from its own page, where their text is already inert, redacted, linked."""
        settings = self.settings
        chosen = dossier_module.plan(self.views, selection, settings.today)
        home = read(profile.HOME)
        introduction = ""
        if home is not None and not self.renderer.profile.summary:
            introduction = dossier_html.introduction(home[0], home[1], page_url)
        works = self._works(chosen, with_home=bool(introduction))
        anchors = [biblio.anchor(key) for key, _ in works]
        # Links between the notes it holds stay inside the dossier, which is read on paper.
        local = {url_for(settings.competence_page(cid)): f"dossier-competence-{cid}" for cid in chosen.shown}
        local.update((url_for(note.path), anchor) for note in chosen.notes if (anchor := chosen.anchors.get(note.key)))

        def text_of(note: Note) -> str:
            """A note's own text from its page, moved into the dossier."""
            found = read(note.path)
            if found is None or not found[0]:
                return ""
            prefix = chosen.anchors.get(note.key) or f"dossier-{note.kind.value}-{note.id}-texte"
            return dossier_html.note_body(found[0], found[1], page_url, prefix, anchors, local)

        return self.renderer.dossier(url_for, chosen, text_of, introduction, own, works,
                                     self.home_title or self.site_name)

    def _works(self, chosen: dossier_module.Plan, with_home: bool) -> list[tuple[str, str]]:
        """The works cited by what the dossier prints, in APA order, made inert like a page's."""
        if self.formatter is None or self.citations is None:
            return []
        paths = [n.path for n in chosen.printed()]
        paths += [s.view.page.path for part in chosen.parts for s in part.sections if s.view.page]
        paths += [profile.HOME] if with_home else []
        keys = {i.key for path in paths for c in self.citations.by_page.get(path, []) for i in c.items}
        # Each in an element of its own, which inert HTML is written back from.
        return [(key, self.inert(f"<span>{text}</span>", self.settings.dossier_page or ""))
                for key, text in self.formatter.ordered(keys)]

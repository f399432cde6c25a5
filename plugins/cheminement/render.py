"""Views -> HTML fragments, through our Jinja templates, with autoescape on.

MkDocs's own Jinja environment has autoescape off; ours has it on, so every value that
comes from a learner's note is escaped by default. Links are computed by a `url_for`
callable given by the engine adapter, so this module knows nothing about MkDocs URLs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import re
from collections.abc import Callable, Hashable, Sequence
from urllib.parse import urlsplit

import jinja2
from babel.numbers import format_decimal
from markupsafe import Markup
from slugify import slugify as slug

from . import frise, jsonld, retour_form
from .biblio import Formatter, anchor, authors
from .changes import Changed, Since
from .chart import Chart, layout, levels_layout, marks
from .dates import PartialDate
from .dossier import Plan as DossierPlan
from .fragments import Fragments
from .messages import message, plural
from .model import Kind, Note, Referentiel, Retour, Scale, fold
from .profile import Profile
from .settings import Settings
from .views import Citations, CompetenceView, Views

UrlFor = Callable[[str], str]
LATEST = 6  # notes listed under "Dernières notes" on the home page

_HEADING = re.compile(r"<(/?)h([1-6])\b")


def lower_headings(html: str, by: int) -> str:
    """Shift headings down (h2 -> h3) so a fragment nests under the page's own headings."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + by, 6)}", html)


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept for the process: each rebuild under serve would compile them
    all again, ours and the engine's theme (whose environment is new on every rebuild).

    Jinja checks each template's source checksum before using what is kept, so an edited
    template (our theme, or an institution's override) is compiled afresh; and what is kept
    for one environment is never used by another that compiles differently (ours trims
    blocks and escapes, the engine's does not), even for the same file.
    """

    def __init__(self) -> None:
        self._store: dict[tuple[str, tuple[object, ...]], tuple[str, bytes]] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        found = self._store.get((bucket.key, _compiling(bucket.environment)))
        if found is not None and found[0] == bucket.checksum:
            bucket.bytecode_from_string(found[1])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._store[(bucket.key, _compiling(bucket.environment))] = (bucket.checksum, bucket.bytecode_to_string())


def _compiling(env: jinja2.Environment) -> tuple[object, ...]:
    """Every option of an environment that changes the code Jinja compiles a template to,
    the way each filter and test is called included (Jinja compiles `pass_context` in)."""
    def name(value: object) -> str:
        return value if isinstance(value, str) else f"{getattr(value, '__module__', '')}.{getattr(value, '__qualname__', '?')}"

    escape = env.autoescape if isinstance(env.autoescape, bool) else name(env.autoescape)
    calls = tuple(sorted((kind, key, str(getattr(function, "jinja_pass_arg", None)))
                         for kind, table in (("filter", env.filters), ("test", env.tests))
                         for key, function in table.items()))
    policies = tuple(sorted((key, repr(value)) for key, value in env.policies.items() if key.startswith("compiler.")))
    return (env.block_start_string, env.block_end_string, env.variable_start_string, env.variable_end_string,
            env.comment_start_string, env.comment_end_string, env.line_statement_prefix, env.line_comment_prefix,
            env.trim_blocks, env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized,
            env.is_async, escape, name(env.finalize) if env.finalize else None, tuple(sorted(env.extensions)),
            calls, policies)


COMPILED = CompiledTemplates()


class Renderer:
    """Renders our templates for one build; `search_path` lets a theme override them."""

    def __init__(
        self,
        search_path: Sequence[str],
        settings: Settings,
        referentiel: Referentiel,
        views: Views,
        previewed: frozenset[str] = frozenset(),
        profile: Profile | None = None,
        fragments: Fragments | None = None,
    ) -> None:
        self.settings = settings
        self.profile = profile or Profile()
        self.lang = settings.lang
        self.scale = referentiel.scale
        self.referentiel = referentiel
        self.views = views
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(list(search_path)),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
            auto_reload=False,  # one build, templates do not change under us
            bytecode_cache=COMPILED,
        )
        # The page being rendered: macros reach links through these globals, so they can be
        # imported without context, which lets Jinja cache them across renders.
        self._url_for: UrlFor = lambda path: path
        self.env.globals.update(
            t=lambda key, **params: message(key, self.lang, **params),
            plural=lambda key, n: plural(key, n, self.lang),
            date=self.date,
            level=self.level,
            kind_label=lambda kind: message(f"kind.{Kind(kind).value}", self.lang),
            Kind=Kind,
            lang=self.lang,
            scale=self.scale,
            scale_for=referentiel.scale_for,
            views=views,
            profile=self.profile,
            today=settings.today,
            competence_index_path=settings.competence_index,
            previewed=previewed,
            url=lambda path: self._url_for(path),
            note_url=lambda note: self._url_for(note.path),
            competence_url=lambda cid: self._url_for(settings.competence_page(cid)),
            file_name=posixpath.basename,
            host=lambda link: urlsplit(link).netloc,
        )
        self.env.filters.update(
            parcours_note=lambda ident: views.notes.get((Kind.PARCOURS, ident)),
            trace_note=lambda ident: views.notes.get((Kind.TRACE, ident)),
        )
        # Pieces of the generated pages kept between serve's rebuilds (fragments.py).
        self.fragments = fragments
        if fragments is not None:
            fragments.start(self._context(search_path, previewed))
        self.env.globals["memo"] = self._memo

    def _context(self, search_path: Sequence[str], previewed: frozenset[str]) -> Hashable:
        """Everything a kept piece shows besides its own note and the values it is keyed on."""
        competences = tuple((cid, view.competence.title, tuple(view.scale.labels), view.domain.id,
                             self.settings.competence_page(cid)) for cid, view in self.views.competences.items())
        settings = dataclasses.replace(self.settings, excluded=frozenset())
        return (tuple(search_path), repr(settings), tuple(sorted(previewed)), repr(self.referentiel), competences)

    def _memo(self, *parts: object, caller: Callable[[], str]) -> Markup:
        """`{% call memo("name", note, …) %}…{% endcall %}`: the block, kept under serve for
        this page and these parts (notes by identity, other values by value); the name tells
        one block of a page from another."""
        page = getattr(self._url_for, "page", None)
        if self.fragments is None or not isinstance(page, str):
            return Markup(caller())
        return self.fragments.piece(page, parts, lambda: Markup(caller()))

    # Helpers available in templates ----------------------------------------------------

    def date(self, value: PartialDate | None) -> str:
        return value.display(self.lang) if value else ""

    def level(self, rank: int | None, scale: Scale | None = None) -> str:
        """A level in words against `scale` (the competence's framework's; the first one's
        by default): "Maîtrise (3/4)"."""
        if not rank:
            return message("ui.no-level", self.lang)
        scale = scale or self.scale
        if rank > len(scale.labels):
            return str(rank)
        return message("ui.level", self.lang, label=scale.label(rank), rank=rank, count=len(scale.labels))

    def _render(self, template: str, url_for: UrlFor, **context: object) -> str:
        self._url_for = url_for
        return self.env.get_template(template).render(**context)

    # Pages ---------------------------------------------------------------------------

    def home(self, url_for: UrlFor, own: str, name: str, place: str) -> str:
        """The home page: the profile, the learner's own text where they chose, coverage,
        featured notes, the latest ones and the path at a glance."""
        dated = [n for n in self.views.notes.values()
                 if n.kind in (Kind.RECIT, Kind.TRACE, Kind.PARCOURS) and n.sort_date is not None]
        dated.sort(key=lambda n: (n.sort_date.start, n.title), reverse=True)  # type: ignore[union-attr]
        featured = [n for n in dated if n.featured] + sorted(
            (n for n in self.views.notes.values() if n.featured and n.sort_date is None), key=lambda n: n.title)
        coverage = self.coverage_overview(url_for) if self.views.competences else ""
        strip = self.timeline_strip(url_for) if self.views.timeline else ""
        return self._render(
            "cheminement/accueil.html", url_for, own=own, name=name, place=place, own_has_h1="<h1" in own,
            featured=featured, latest=[n for n in dated if not n.featured][:LATEST],
            coverage=coverage, strip=strip, timeline_path=self.settings.timeline_page,
            dossier_path=self.settings.dossier_page,
            jsonld=jsonld.script(jsonld.person(self.views, self.profile, self.referentiel, url_for)),
        )

    def feedback_form(self, subject: Note | CompetenceView, url_for: UrlFor) -> str:
        """The coach's "Écrire un retour" form (`relecture`); nothing otherwise."""

        found = retour_form.subject_of(subject, self.views) if self.settings.review else None
        if found is None:
            return ""
        return self._render("cheminement/retour-form.html", url_for,
                            **retour_form.context(found, self.settings, self.profile))

    def review(self, since: Since | None, changed: Changed | None, url_for: UrlFor) -> str:
        """The coach's review page: what changed since the last review (as "Nouveautés"
        computes it), then every competence by domain with its status, levels, evidence in
        place and earlier feedback; `since` is None before any review."""
        return self._render(
            "cheminement/relecture.html", url_for, since=since, changed=changed,
            built=since.published if since else None,
            new=self._newest_first(changed.new) if changed else [],
            changed_notes=self._newest_first(changed.changed) if changed else [],
            fresh={**dict.fromkeys(changed.changed, "changed" if changed.separated else "changed-or-new"),
                   **dict.fromkeys(changed.new, "new")} if changed else {},
        )

    def competence_index(self, url_for: UrlFor) -> str:
        return self._render("cheminement/competences.html", url_for, referentiel=self.referentiel)

    def coverage_overview(self, url_for: UrlFor) -> str:
        """The home page's coverage block: the sentence, status counts linking to the index,
        and self-assessed / shown / target levels by domain (chart and table)."""
        return self._render(
            "cheminement/couverture-apercu.html", url_for, groups=self._level_groups(),
            mean=self.mean_level, number=self.number,
        )

    def _level_groups(self) -> list[dict[str, object]]:
        """One levels chart per framework (each has its own scale), one in a v1 portfolio;
        only domains with competences are drawn."""
        levels = ("self_level", "latest_level", "target_level")
        if self.views.frameworks:
            parts = [(fv.framework.title, fv.scale, fv.domains) for fv in self.views.frameworks]
        else:
            parts = [("", self.scale, self.views.domains)]
        groups: list[dict[str, object]] = []
        for title, scale, domain_views in parts:
            domains = [dv for dv in domain_views if dv.competences]
            if not domains:
                continue
            means = [[dv.mean(name) for name in levels] for dv in domains]
            groups.append({"title": title, "scale": scale, "domains": list(zip(domains, means, strict=True)),
                           "chart": levels_layout(means, len(scale.labels))})
        return groups

    def competence_header(self, view: CompetenceView, url_for: UrlFor) -> str:
        return self._render("cheminement/competence.html", url_for, view=view)

    def competence_evidence(self, view: CompetenceView, url_for: UrlFor) -> str:
        return self._render("cheminement/competence-evidence.html", url_for, view=view, chart=self.chart(view))

    def timeline(self, url_for: UrlFor) -> str:
        """The timeline page: the frise, its filters, then the list per year."""
        entries = [e for year in self.views.timeline for e in year.entries]
        kinds = [kind for kind in (Kind.PARCOURS, Kind.RECIT, Kind.TRACE) if any(e.note.kind is kind for e in entries)]
        used = {ref.id for e in entries for ref in e.note.competences}
        competences = [view for domain in self.views.domains for view in domain.competences if view.id in used]
        return self._render("cheminement/chronologie.html", url_for, frise=frise.layout(self.views, self.settings.today),
                            kinds=kinds, competences=competences)

    def timeline_strip(self, url_for: UrlFor) -> str:
        """The home page's compact frise (parcours lanes and axis), or "" without parcours."""
        strip = frise.layout(self.views, self.settings.today, points=False)
        if not strip.bars:
            return ""
        return self._render("cheminement/frise-bandeau.html", url_for, frise=strip,
                            timeline_url=url_for(self.settings.timeline_page))

    def listing(self, kind: Kind, url_for: UrlFor) -> str:
        return self._render("cheminement/liste.html", url_for, kind=kind, notes=self.views.listing(kind))

    def note_header(self, note: Note, url_for: UrlFor) -> str:
        return self._render("cheminement/fiche.html", url_for, note=note)

    def note_footer(self, note: Note, url_for: UrlFor) -> str:
        return self._render("cheminement/cite-dans.html", url_for, note=note,
                            sources=self.views.backlinks.get(note.key, []))

    def feedback(self, retours: Sequence[Retour], url_for: UrlFor, bodies: dict[str, str]) -> str:
        """The coach's feedback on a page; `bodies` holds each note's rendered Markdown."""
        return self._render("cheminement/retours.html", url_for, retours=retours, bodies=bodies)

    def changes(self, since: Since, changed: Changed, url_for: UrlFor) -> str:
        """"Nouveautés": the date compared with, the new notes, the changed ones and what
        changed in each (`changed.details`)."""
        return self._render(
            "cheminement/nouveautes.html", url_for, since=since, built=since.published,
            new=self._newest_first(changed.new), changed=self._newest_first(changed.changed),
            details=changed.details, separated=changed.separated,
        )

    def _newest_first(self, paths: list[str]) -> list[Note]:
        """The public notes of `paths`, most recent first (undated last)."""
        notes = {n.path: n for n in self.views.notes.values()}
        found = [notes[p] for p in paths if p in notes]
        return sorted(found, key=lambda n: n.sort_date.start if n.sort_date else dt.date.min, reverse=True)

    def dossier(self, url_for: UrlFor, plan: DossierPlan, text_of: Callable[[Note], str],
                introduction: str, own: str, works: list[tuple[str, str]], name: str) -> str:
        """The dossier for a jury, as `plan` orders it (see dossier.py).

        `text_of` gives a note's own text from its rendered page, moved into the dossier;
        `introduction` the home page's opening, used when the profile has no summary; `own`
        what the learner wrote on the dossier page; `works` the references cited, in APA
        order; `name` who the dossier presents when the profile does not say.
        """
        today = self.settings.today
        return self._render(
            "cheminement/dossier.html", url_for, plan=plan, introduction=lower_headings(introduction, 1),
            own=lower_headings(own, 1), works=works, anchor=anchor, name=self.profile.name or name,
            dated=PartialDate(today.year, today.month, today.day),
            # A note's headings go under its title: h2 under an h4 title becomes an h5.
            body=lambda note, level: lower_headings(text_of(note), level - 1),
        )

    def references(self, items: list[tuple[str, str]]) -> str:
        """The page's own « Références » section: the works it cites, in APA order."""
        return self._render("cheminement/references.html", lambda p: p, items=items, anchor=anchor)

    def bibliography(self, url_for: UrlFor, formatter: Formatter, citations: Citations) -> str:
        """Every work cited in the public portfolio, with the notes that cite it, and authors."""
        works = formatter.ordered(citations.cited_by)
        by_author: dict[str, list[str]] = {}
        for key, _ in works:
            for name in authors(formatter.entries[key]):
                by_author.setdefault(name, []).append(key)
        index = sorted(by_author.items(), key=lambda item: fold(item[0]))
        first_work = {name: keys[0] for name, keys in index}
        return self._render(
            "cheminement/bibliographie.html", url_for, works=works, authors=index, anchor=anchor,
            author_anchor=lambda name: "auteur-" + (slug(name) or "x"), first_work=first_work,
            work_authors=lambda key: authors(formatter.entries[key]), cited_by=citations.cited_by,
        )

    # Charts ------------------------------------------------------------------------------

    def chart(self, view: CompetenceView) -> Chart | None:
        """The progression chart's geometry (see `chart.layout`), None without dated levels."""
        return layout(marks(view.evidence, self.settings.today), len(view.scale.labels), view.target_level)

    def mean_level(self, value: float | None, scale: Scale | None = None) -> str:
        """A mean level in words: "2,7 sur 4", with the reader's decimal separator."""
        if value is None:
            return message("ui.no-level", self.lang)
        count = len((scale or self.scale).labels)
        return message("cov.mean", self.lang, value=self.number(value), count=count)

    def number(self, value: float) -> str:
        """A mean rounded to one decimal, with the reader's decimal separator (2,5 / 2.5)."""
        return format_decimal(round(value, 1), format="0.#", locale=self.lang)

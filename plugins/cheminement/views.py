"""Derived data over the public portfolio: competence index, evidence, timeline, backlinks.

Everything is computed in one pass over the notes (no per-competence or per-note scans), so
the cost stays linear in the size of the portfolio.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby

from . import biblio, wikilinks
from .dates import PartialDate
from .mdsource import strip_comments
from .model import (
    Competence,
    CompetencePage,
    Domain,
    Framework,
    Kind,
    Note,
    Parcours,
    Portfolio,
    Recit,
    Retour,
    Scale,
    Trace,
)
from .settings import Settings


class Status(enum.StrEnum):
    """How far a competence is evidenced, from nothing to validated by a coach."""

    NONE = "aucun"  # nothing yet
    DECLARED = "declaree"  # self-assessed only (a level, or a parcours entry)
    SUPPORTED = "etayee"  # a récit or a trace supports it
    REVIEWED = "relue"  # a coach's feedback commented on it
    VALIDATED = "validee"  # a coach's feedback validated it


STATUS_ORDER = (Status.VALIDATED, Status.REVIEWED, Status.SUPPORTED, Status.DECLARED, Status.NONE)
# A competence counts as covered from "supported" up: a récit, a trace or a coach stands behind
# it, not only the learner's word. Index, home page and dossier all use this one notion.
COVERED = frozenset({Status.VALIDATED, Status.REVIEWED, Status.SUPPORTED})


@dataclass(frozen=True)
class Coverage:
    """How far the référentiel is covered: one count per status, and the covered share.

    The single source for every coverage figure on the site, so that the index, the home
    page and the dossier can never disagree.
    """

    counts: dict[Status, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def covered(self) -> int:
        """Competences supported or better (see `COVERED`)."""
        return sum(n for status, n in self.counts.items() if status in COVERED)

    def count(self, status: Status | str) -> int:
        return self.counts.get(Status(status), 0)

    def share(self, status: Status | str) -> float:
        """The percentage of competences at `status`, for a bar's width."""
        return round(100 * self.count(status) / self.total, 2) if self.total else 0.0


@dataclass
class Evidence:
    """A public note that supports a competence, with the level it demonstrates."""

    note: Note
    level: int | None

    @property
    def date(self) -> PartialDate | None:
        return self.note.sort_date


@dataclass
class CompetenceView:
    competence: Competence
    domain: Domain
    page: CompetencePage | None = None
    self_level: int | None = None
    target_level: int | None = None
    evidence: list[Evidence] = field(default_factory=list)
    feedback: list[Retour] = field(default_factory=list)
    feedback_status: dict[str, str] = field(default_factory=dict)  # retour path -> relue/validee
    scale: Scale = field(default_factory=Scale)  # its framework's: every level here is a rank of it

    @property
    def status(self) -> Status:
        statuses = set(self.feedback_status.values())
        if "validee" in statuses:
            return Status.VALIDATED
        if statuses:
            return Status.REVIEWED
        if any(e.note.kind in (Kind.RECIT, Kind.TRACE) for e in self.evidence):
            return Status.SUPPORTED
        if self.self_level or self.evidence:
            return Status.DECLARED
        return Status.NONE

    @property
    def id(self) -> str:
        return self.competence.id

    def count(self, kind: Kind) -> int:
        return sum(1 for e in self.evidence if e.note.kind is kind)

    @property
    def last_date(self) -> PartialDate | None:
        dates = [e.date for e in self.evidence if e.date]
        return max(dates) if dates else None

    @property
    def progression(self) -> list[Evidence]:
        """Demonstrated levels in date order: the growth of this competence over time."""
        return sorted((e for e in self.evidence if e.level and e.date), key=lambda e: e.date)  # type: ignore[arg-type, return-value]

    @property
    def latest_level(self) -> int | None:
        steps = self.progression
        return steps[-1].level if steps else None


@dataclass
class DomainView:
    domain: Domain
    competences: list[CompetenceView]
    scale: Scale = field(default_factory=Scale)  # its framework's

    def mean(self, level: str) -> float | None:
        """The mean of one level (`self_level`, `latest_level`, `target_level`) over the
        competences that have one: the domain's position on the scale, for the overview."""
        values = [value for view in self.competences if (value := getattr(view, level))]
        return sum(values) / len(values) if values else None


@dataclass
class FrameworkView:
    """One framework of the référentiel with its domains, for an index grouped by framework."""

    framework: Framework
    domains: list[DomainView]

    @property
    def scale(self) -> Scale:
        return self.framework.scale


@dataclass
class TimelineEntry:
    note: Note
    start: PartialDate
    end: PartialDate | None = None
    ongoing: bool = False


@dataclass
class TimelineYear:
    year: int
    entries: list[TimelineEntry]


@dataclass
class Views:
    domains: list[DomainView]
    competences: dict[str, CompetenceView]
    timeline: list[TimelineYear]
    backlinks: dict[tuple[Kind, str], list[Note]]
    notes: dict[tuple[Kind, str], Note]
    undated: list[Note]
    feedback: dict[tuple[Kind, str], list[Retour]] = field(default_factory=dict)  # by target
    links: wikilinks.LinkIndex | None = None  # ids of the public portfolio, for [[links]]
    assets: tuple[str, ...] = ()  # its files that are not notes, for ![[embeds]]
    # Domains under their framework when the référentiel holds several; empty otherwise.
    frameworks: list[FrameworkView] = field(default_factory=list)

    def status_counts(self) -> list[tuple[Status, int]]:
        """How many competences are at each status, most advanced first, zeros left out."""
        return [(status, count) for status, count in self.coverage.counts.items() if count]

    @cached_property
    def coverage(self) -> Coverage:
        """Competences per status, every status present (zeros too), most advanced first."""
        counts = {status: 0 for status in STATUS_ORDER}
        for view in self.competences.values():
            counts[view.status] += 1
        return Coverage(counts)

    def by_status(self, status: Status | str) -> list[CompetenceView]:
        """The competences at one status, in référentiel order."""
        return [view for domain in self.domains for view in domain.competences if view.status == status]

    @property
    def to_work_on(self) -> list[CompetenceView]:
        """Competences not covered yet (declared only or nothing), in référentiel order."""
        return [view for domain in self.domains for view in domain.competences if view.status not in COVERED]

    def about(self, retour: Retour) -> Note | CompetenceView | None:
        """What a feedback note is about (a public note or a competence), if anything."""
        key = self._about.get(retour.path)
        if key is None:
            return None
        return self.competences.get(key[1]) if key[0] is Kind.COMPETENCE else self.notes.get(key)

    @cached_property
    def _about(self) -> dict[str, tuple[Kind, str]]:
        return {retour.path: key for key, items in self.feedback.items() for retour in items}

    @property
    def uncovered(self) -> list[CompetenceView]:
        """Competences no public note supports yet: where a coach may start a conversation."""
        return [view for domain in self.domains for view in domain.competences if not view.evidence]

    def listing(self, kind: Kind) -> list[Note]:
        """The notes of one kind, most recent first (undated last, then by title)."""
        notes = [n for n in self.notes.values() if n.kind is kind]
        notes.sort(key=lambda n: n.title.lower())
        notes.sort(key=lambda n: n.sort_date.start if n.sort_date else PartialDate(1).start, reverse=True)
        return notes


def build(public: Portfolio, settings: Settings, newest_first: bool = True) -> Views:
    """Compute every view from the public portfolio only."""
    notes = public.index()
    referentiel = public.referentiel
    competences = public.competences

    views: dict[str, CompetenceView] = {}
    domain_views: list[DomainView] = []
    for domain in referentiel.domains:
        scale = referentiel.scale_of_domain(domain.id)
        members = [c for c in competences.values() if c.domain == domain.id]
        dv = DomainView(domain, [CompetenceView(c, domain, scale=scale) for c in members], scale)
        views.update((v.id, v) for v in dv.competences)
        domain_views.append(dv)

    for note in notes.values():
        if isinstance(note, CompetencePage) and note.id in views:
            view = views[note.id]
            view.page = note
            view.self_level = view.scale.rank(note.level) if note.level is not None else None
            view.target_level = view.scale.rank(note.target) if note.target is not None else None
            continue
        if isinstance(note, Retour):
            continue  # feedback is not evidence; see _feedback
        seen: set[str] = set()
        for ref in note.competences:
            if ref.id in views and ref.id not in seen:
                seen.add(ref.id)
                level = views[ref.id].scale.rank(ref.level) if ref.level is not None else None
                views[ref.id].evidence.append(Evidence(note, level))
    for view in views.values():
        view.evidence.sort(key=lambda e: (e.date.start if e.date else PartialDate(1).start, e.note.title))

    links = wikilinks.LinkIndex(public, settings.folders)
    return Views(
        domains=domain_views,
        competences=views,
        timeline=_timeline(notes.values(), newest_first),
        backlinks=_backlinks(notes, links),
        notes=notes,
        undated=[n for n in notes.values() if n.kind not in (Kind.COMPETENCE, Kind.RETOUR) and n.sort_date is None],
        feedback=_feedback(notes, views, links),
        links=links,
        assets=tuple(public.assets),
        frameworks=_frameworks(referentiel.frameworks, domain_views) if referentiel.several else [],
    )


def _frameworks(frameworks: list[Framework], domains: list[DomainView]) -> list[FrameworkView]:
    """Each framework with its domains, in référentiel order."""
    return [FrameworkView(framework, [dv for dv in domains if dv.domain.framework == framework.id])
            for framework in frameworks]


def _feedback(notes: dict[tuple[Kind, str], Note], competences: dict[str, CompetenceView],
              index: wikilinks.LinkIndex) -> dict[tuple[Kind, str], list[Retour]]:
    """Public feedback by the note or competence it is about; statuses onto competences."""
    found: dict[tuple[Kind, str], list[Retour]] = {}
    retours = [note for note in notes.values() if isinstance(note, Retour)]
    for note in retours:
        targets = index.resolve(note.about.id) if note.about else []
        kind = targets[0].kind if targets else None  # never an ordinary page: `resolve` names notes
        if kind is not None:
            target = (kind, targets[0].id)
            found.setdefault(target, []).append(note)
            if target[0] is Kind.COMPETENCE and target[1] in competences:
                competences[target[1]].feedback_status.setdefault(note.path, "relue")
        for ref in note.competences:
            if ref.id in competences and ref.level in ("relue", "validee"):
                view = competences[ref.id]
                if view.feedback_status.get(note.path) != "validee":
                    view.feedback_status[note.path] = str(ref.level)
    for view in competences.values():
        view.feedback = [n for n in retours if n.path in view.feedback_status]
        view.feedback.sort(key=lambda n: n.date.start if n.date else PartialDate(1).start, reverse=True)
    for items in found.values():
        items.sort(key=lambda n: n.date.start if n.date else PartialDate(1).start, reverse=True)
    return found


@dataclass
class Citations:
    """Where each work is cited, in the public portfolio only."""

    by_page: dict[str, list[biblio.Citation]] = field(default_factory=dict)
    cited_by: dict[str, list[Note]] = field(default_factory=dict)  # key -> citing notes

    @property
    def all(self) -> list[biblio.Citation]:
        return [c for citations in self.by_page.values() for c in citations]


def citations(public: Portfolio, known: set[str]) -> Citations:
    found = Citations()
    for page in [*public.notes, *public.pages]:
        cited = [c for c in biblio.find(visible_text(page.body)) if any(i.key in known for i in c.items)]
        if not cited:
            continue
        found.by_page[page.path] = cited
        if isinstance(page, Note):
            for key in dict.fromkeys(i.key for c in cited for i in c.items if i.key in known):
                found.cited_by.setdefault(key, []).append(page)
    for notes in found.cited_by.values():
        notes.sort(key=lambda n: n.sort_date.start if n.sort_date else PartialDate(1).start, reverse=True)
    return found


def visible_text(body: str) -> str:
    """A body as its readers see it: without `%%` or HTML comments, lines kept.

    Loading strips them already (`load.read_page`); views turn text into public pages of
    their own (backlinks, the bibliography), so a hidden remark must never count here, even
    in a page that was made some other way.
    """
    return strip_comments(body, html_comments=True, keep_lines=True, keep_separator=True)


def _timeline(notes: object, newest_first: bool) -> list[TimelineYear]:
    entries: list[TimelineEntry] = []
    for note in notes:  # type: ignore[attr-defined]
        if isinstance(note, Parcours) and note.start:
            entries.append(TimelineEntry(note, note.start, note.end, note.ongoing))
        elif isinstance(note, (Recit, Trace)) and note.date:  # feedback stays off the timeline
            entries.append(TimelineEntry(note, note.date))
    entries.sort(key=lambda e: (e.start, e.note.title.lower()), reverse=newest_first)
    return [
        TimelineYear(year, list(group))
        for year, group in groupby(entries, key=lambda e: e.start.year)
    ]


def _backlinks(notes: dict[tuple[Kind, str], Note], index: wikilinks.LinkIndex) -> dict[tuple[Kind, str], list[Note]]:
    """For each note, the public notes that cite it by a key, a [[link]] or an ![[embed]]
    in their text (as Obsidian counts them)."""
    found: dict[tuple[Kind, str], list[Note]] = {}

    def add(target: tuple[Kind, str], source: Note) -> None:
        if target in notes and target != source.key:
            bucket = found.setdefault(target, [])
            if source not in bucket:
                bucket.append(source)

    for note in notes.values():
        if isinstance(note, Recit):
            for ref in note.parcours:
                add((Kind.PARCOURS, ref.id), note)
            for ref in note.traces:
                add((Kind.TRACE, ref.id), note)
        for link in wikilinks.find(visible_text(note.body), embeds=True):
            targets = index.resolve(link.target, origin=note.path) if link.name else []
            kind = targets[0].kind if targets else None
            if kind is not None and kind is not Kind.COMPETENCE:
                add((kind, targets[0].id), note)
    for sources in found.values():
        sources.sort(key=lambda n: n.sort_date.start if n.sort_date else PartialDate(1).start, reverse=True)
    return found

"""Validation across notes: ids, references, levels and links.

`load` reports what is wrong inside one file; this module reports what is wrong between
files (a duplicate id names both files, an unknown competence lists the closest ones).
`analyse` runs both and is what `cheminement check` and the plugin call.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import biblio, depot, profile, wikilinks
from .load import did_you_mean, load_portfolio
from .messages import Term
from .model import (
    CompetencePage,
    Kind,
    Note,
    Portfolio,
    Problem,
    Recit,
    Ref,
    Retour,
    Severity,
)
from .publish import is_public
from .settings import Settings


@dataclass
class Report:
    portfolio: Portfolio
    problems: list[Problem] = field(default_factory=list)
    bibliography: biblio.Bibliography | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]


def analyse(settings: Settings, paths: Iterable[str] | None = None) -> Report:
    """Load the portfolio and validate it: every problem, sorted by file and line."""
    portfolio, problems = load_portfolio(settings, paths)
    problems.extend(check(portfolio, settings))
    existing = {p.path for p in [*portfolio.notes, *portfolio.pages]} | set(portfolio.assets)
    problems.extend(profile.read(settings.profile, profile.home_page(portfolio.pages), existing)[1])
    problems.extend(depot.problems(settings, "mkdocs.yml"))
    bibliography = None
    if settings.bibliography is not None:
        shown = Path(os.path.relpath(settings.bibliography, settings.docs_dir)).as_posix()
        bibliography, found = biblio.load(settings.bibliography, shown)
        problems.extend(found)
        problems.extend(check_citations(portfolio, bibliography))
    problems.sort(key=lambda p: p.sort_key)
    return Report(portfolio, problems, bibliography)


def check_citations(portfolio: Portfolio, bibliography: biblio.Bibliography) -> list[Problem]:
    """Every `[@key]` must name an entry of the bibliography file."""
    problems = []
    keys = list(bibliography.entries)
    for page in [*portfolio.notes, *portfolio.pages]:
        for citation in biblio.find(page.body):
            for item in citation.items:
                if item.key in bibliography.entries:
                    continue
                close = difflib.get_close_matches(item.key, keys, n=3, cutoff=0.5)
                fixes = [("unknown-citation.close", {"keys": ", ".join(close)})] if close else []
                fixes.append(("unknown-citation.fix", {"path": bibliography.path}))
                problems.append(Problem(page.path, page.body_line + citation.line - 1, Severity.ERROR,
                                        "unknown-citation", {"key": item.key}, tuple(fixes)))
    return problems


def check(portfolio: Portfolio, settings: Settings) -> list[Problem]:
    checker = _Checker(portfolio, settings)
    checker.duplicate_ids()
    for note in portfolio.notes:
        checker.note(note)
    for page in [*portfolio.notes, *portfolio.pages]:
        checker.links(page.path, page.body, page.body_line)
    return checker.problems


class _Checker:
    def __init__(self, portfolio: Portfolio, settings: Settings) -> None:
        self.portfolio = portfolio
        self.settings = settings
        self.competences = portfolio.competences
        self.scale = portfolio.referentiel.scale
        self.index = portfolio.index()
        self.links_index = wikilinks.LinkIndex(portfolio, settings.folders)
        self.problems: list[Problem] = []

    def add(self, note_path: str, line: int | None, severity: Severity, code: str,
            params: dict[str, Any], *fixes: tuple[str, dict[str, Any]]) -> None:
        self.problems.append(Problem(note_path, line, severity, code, params, fixes))

    def duplicate_ids(self) -> None:
        first: dict[tuple[Kind, str], Note] = {}
        for note in sorted(self.portfolio.notes, key=lambda n: n.path):
            if note.key in first:
                other = first[note.key]
                for this, that in ((note, other), (other, note)):
                    self.add(this.path, this.line_of("id"), Severity.ERROR, "duplicate-id",
                             {"id": note.id, "other": that.path, "kind": Term(f"kind.{note.kind.value}")},
                             ("duplicate-id.fix", {}))
            else:
                first[note.key] = note

    def note(self, note: Note) -> None:
        for ref in note.competences:
            self.competence_ref(note, ref)
        if isinstance(note, Retour) and note.about is not None:
            self.about(note, note.about)
        if isinstance(note, CompetencePage):
            self.competence_page(note)
        if isinstance(note, Recit):
            for ref in note.parcours:
                self.note_ref(note, "parcours", ref, Kind.PARCOURS)
            for ref in note.traces:
                target = self.note_ref(note, "traces", ref, Kind.TRACE)
                if target is not None and is_public(note, self.settings) and not is_public(target, self.settings):
                    self.add(note.path, ref.line, Severity.WARNING, "private-trace-cited", {"id": ref.id},
                             ("private-trace-cited.fix", {}))

    def competence_ref(self, note: Note, ref: Ref) -> None:
        if ref.id not in self.competences:
            guess = did_you_mean(ref.id, self.competences)
            if guess:
                fixes = [("did-you-mean", {"guess": guess}),
                         ("unknown-competence.where", {"referentiel": self.portfolio.referentiel.path})]
            else:
                fixes = [("unknown-competence.fix", {"referentiel": self.portfolio.referentiel.path, "id": ref.id})]
            self.add(note.path, ref.line, Severity.ERROR, "unknown-competence", {"id": ref.id}, *fixes)
        elif ref.level is not None and not isinstance(note, Retour):  # feedback holds statuses
            self.level(note, ref.line, ref.id, ref.level)

    def about(self, note: Retour, ref: Ref) -> None:
        """`sur` names the note or competence the feedback is about."""
        if not self.links_index.resolve(ref.id):
            guess = did_you_mean(ref.id.split("/")[-1], self.links_index.by_id)
            fixes = [("did-you-mean", {"guess": guess})] if guess else []
            fixes.append(("unknown-about.fix", {}))
            self.add(note.path, ref.line, Severity.ERROR, "unknown-about", {"id": ref.id}, *fixes)

    def level(self, note: Note, line: int | None, competence: str, value: object) -> None:
        if self.scale.rank(value) is None:
            labels = self.scale.labels
            guess = did_you_mean(str(value), labels)
            fixes = [("did-you-mean", {"guess": guess})] if guess else []
            fixes.append(("unknown-level.fix", {"labels": ", ".join(labels), "count": len(labels)}))
            shown = str(value).lower() if isinstance(value, bool) else value
            self.add(note.path, line, Severity.ERROR, "unknown-level",
                     {"value": shown, "competence": competence}, *fixes)

    def competence_page(self, note: CompetencePage) -> None:
        domains = ", ".join(d.id for d in self.portfolio.referentiel.domains) or "—"
        if note.id not in self.portfolio.referentiel.competences:
            if not note.meta.get("titre") or not note.domain:
                self.add(note.path, None, Severity.ERROR, "competence-undefined", {"id": note.id},
                         ("competence-undefined.fix", {"domains": domains}))
            elif self.portfolio.referentiel.domain(note.domain) is None:
                guess = did_you_mean(note.domain, [d.id for d in self.portfolio.referentiel.domains])
                fixes = [("did-you-mean", {"guess": guess})] if guess else []
                fixes.append(("unknown-domain.fix", {"domains": domains}))
                self.add(note.path, note.line_of("domaine"), Severity.ERROR, "unknown-domain",
                         {"value": note.domain}, *fixes)
        for key, value in (("niveau", note.level), ("objectif", note.target)):
            if value is not None:
                self.level(note, note.line_of(key), note.id, value)

    def note_ref(self, note: Note, key: str, ref: Ref, kind: Kind) -> Note | None:
        target = self.index.get((kind, ref.id))
        if target is None:
            known = sorted(n.id for n in self.portfolio.of_kind(kind))
            guess = did_you_mean(ref.id, known)
            fixes = [("did-you-mean", {"guess": guess})] if guess else []
            fixes.append(("unknown-reference.fix", {"known": ", ".join(known[:12]) or "—"}))
            self.add(note.path, ref.line, Severity.ERROR, "unknown-reference",
                     {"key": key, "id": ref.id, "kind": Term(f"kind.{kind.value}")}, *fixes)
        return target

    def links(self, path: str, body: str, body_line: int) -> None:
        for link in wikilinks.find(body):
            line = body_line + link.line - 1
            targets = self.links_index.resolve(link.target)
            if not targets:
                guess = did_you_mean(link.target.split("/")[-1], self.links_index.by_id)
                fixes = [("did-you-mean", {"guess": guess})] if guess else []
                fixes.append(("unknown-wikilink.fix", {}))
                self.add(path, line, Severity.WARNING, "unknown-wikilink", {"target": link.target}, *fixes)
            elif len(targets) > 1:
                folders = {kind: self.settings.folder_of(kind) for kind in Kind}
                examples = ", ".join(f"[[{folders[t.kind]}/{t.id}]]" for t in targets)
                candidates = ", ".join(folders[t.kind] for t in targets)
                self.add(path, line, Severity.WARNING, "ambiguous-wikilink",
                         {"target": link.target, "candidates": candidates},
                         ("ambiguous-wikilink.fix", {"examples": examples}))

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
from functools import cached_property
from pathlib import Path
from typing import Any

import markdown

from . import biblio, depot, obsidian, placeholders, profile, wikilinks
from .load import PageReader, did_you_mean, load_portfolio
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
    is_markdown,
    markdown_stem,
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


def analyse(settings: Settings, paths: Iterable[str] | None = None, read: PageReader | None = None) -> Report:
    """Load the portfolio and validate it: every problem, sorted by file and line (`read`:
    see load_portfolio)."""
    portfolio, problems = load_portfolio(settings, paths, read)
    problems.extend(check(portfolio, settings))
    problems = placeholders.supersede(problems, placeholders.find(portfolio))
    existing = {p.path for p in [*portfolio.notes, *portfolio.pages]} | set(portfolio.assets)
    problems.extend(profile.read(settings.profile, profile.home_page(portfolio.pages), existing)[1])
    problems.extend(depot.problems(settings, settings.config_name))
    bibliography = None
    if settings.bibliography is not None:
        shown = Path(os.path.relpath(settings.bibliography, settings.docs_dir)).as_posix()
        bibliography, found = biblio.load(settings.bibliography, shown)
        problems.extend(found)
        problems.extend(check_citations(portfolio, bibliography))
    problems.sort(key=lambda p: p.sort_key)
    return Report(portfolio, problems, bibliography)


def check_citations(portfolio: Portfolio, bibliography: biblio.Bibliography) -> list[Problem]:
    """Every `[@key]` must name an entry of the bibliography file, exactly as written.

    Nothing is said when the file could not be read, nor of a key whose entry has an error of
    its own: that error says it, once, rather than one unknown citation per use.
    """
    if not bibliography.readable:
        return []
    problems = []
    for page in [*portfolio.notes, *portfolio.pages]:
        for citation in biblio.find(page.body):
            for item in citation.items:
                if item.key in bibliography.entries or item.key in bibliography.rejected:
                    continue
                fixes = [*_close_keys(item.key, bibliography), ("unknown-citation.fix", {"path": bibliography.path})]
                problems.append(Problem(page.path, page.body_line + citation.line - 1, Severity.ERROR,
                                        "unknown-citation", {"key": item.key}, tuple(fixes)))
    return problems


def _close_keys(key: str, bibliography: biblio.Bibliography) -> list[tuple[str, dict[str, Any]]]:
    """The key with other capitals if there is one (keys are case-sensitive, Zotero's are
    camelCase), else the closest keys, compared without case."""
    same = [k for k in bibliography.entries if k.lower() == key.lower()]
    if same:
        return [("unknown-citation.case", {"key": same[0]})]
    by_fold: dict[str, str] = {}
    for known in bibliography.entries:
        by_fold.setdefault(known.lower(), known)
    close = difflib.get_close_matches(key.lower(), list(by_fold), n=3, cutoff=0.5)
    return [("unknown-citation.close", {"keys": ", ".join(by_fold[c] for c in close)})] if close else []


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
        """A level read against the scale of the competence's own framework."""
        known = self.competences.get(competence)
        scale = self.portfolio.referentiel.scale_for(competence, known.domain if known else "")
        if scale.rank(value) is None:
            labels = scale.labels
            guess = did_you_mean(str(value), labels)
            fixes: list[tuple[str, dict[str, Any]]] = [("did-you-mean", {"guess": guess})] if guess else []
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
        """`[[links]]` and `![[embeds]]`: what they name exists, once (see `_Links`)."""
        self.problems.extend(self.link_checks.page(path, body, body_line))

    @cached_property
    def link_checks(self) -> _Links:
        return _Links(self.portfolio, self.settings, self.links_index)


# -- Links and embeds ---------------------------------------------------------------------------

_Node = tuple[str, "str | None", "str | None"]  # what an embed shows: a page's path, heading, block


class _Links:
    """Problems with `[[links]]` and `![[embeds]]`, resolved over the whole portfolio as in
    the learner's vault: the learner hears of them all, the site shows only what is public.

    Each says what the page shows instead: a link to the note when a heading or block is
    unknown, nothing for an embed of a missing or private note, a link past a loop of
    embeds or beyond `obsidian.MAX_EMBED_DEPTH` (as `pagetext` renders them).
    """

    def __init__(self, portfolio: Portfolio, settings: Settings, index: wikilinks.LinkIndex) -> None:
        self.settings, self.index = settings, index
        self.files = wikilinks.FileIndex(portfolio.assets)
        self.pages = {page.path: page for page in [*portfolio.notes, *portfolio.pages]}
        self._headings: dict[str, list[str]] = {}
        self._children: dict[_Node, list[_Node]] = {}

    def page(self, path: str, body: str, body_line: int) -> list[Problem]:
        problems: list[Problem] = []
        for link in wikilinks.find(body, embeds=True):
            line = body_line + link.line - 1
            problems.extend(self._embed(path, line, link) if link.embed else self._link(path, line, link))
        return problems

    def _problem(self, path: str, line: int, code: str, params: dict[str, Any], *fixes: tuple[str, dict[str, Any]]) -> Problem:
        return Problem(path, line, Severity.WARNING, code, params, fixes)

    def _named_file(self, path: str, line: int, link: wikilinks.Wikilink) -> list[Problem] | None:
        """The problems of a link or embed that names a file of the portfolio; None if it names none."""
        found = self.files.resolve(link.name, path) if wikilinks.is_file_name(link.name) else None
        return self._ambiguous_file(path, line, link, found) if found else None

    def _link(self, path: str, line: int, link: wikilinks.Wikilink) -> list[Problem]:
        if not link.name:  # `[[#Titre]]`, in the page itself
            return self._subpath(path, line, link, path)
        if (file_problems := self._named_file(path, line, link)) is not None:
            return file_problems
        targets = self.index.resolve(link.target, pages=True, origin=path)
        if not targets:
            if wikilinks.is_file_name(link.name):
                return [self._problem(path, line, "obsidian.unknown-file", {"target": link.shown}, ("obsidian.unknown-file.fix", {}))]
            guess = did_you_mean(link.name.split("/")[-1], self.index.names())
            fixes = [("did-you-mean", {"guess": guess})] if guess else []
            fixes.append(("unknown-wikilink.fix", {}))
            return [self._problem(path, line, "unknown-wikilink", {"target": link.target}, *fixes)]
        problems = self._ambiguous(path, line, link, targets)
        target = self.index.paths.get(targets[0])
        if target is not None and is_public(self.pages[target], self.settings):
            problems += self._subpath(path, line, link, target)
        return problems

    def _embed(self, path: str, line: int, link: wikilinks.Wikilink) -> list[Problem]:
        if not link.name:  # `![[#Titre]]`: shown as a link to the heading
            return self._subpath(path, line, link, path)
        if (file_problems := self._named_file(path, line, link)) is not None:
            return file_problems
        targets = self.index.resolve(link.target, pages=True, origin=path)
        if not targets:
            code = "obsidian.unknown-file" if wikilinks.is_file_name(link.name) else "obsidian.embed-missing"
            return [self._problem(path, line, code, {"target": link.shown}, (f"{code}.fix", {}))]
        problems = self._ambiguous(path, line, link, targets)
        target = self.index.paths.get(targets[0])
        if target is None or targets[0].kind is Kind.COMPETENCE:
            return problems  # a competence shows as a link to its page
        if not is_public(self.pages[target], self.settings):
            if is_public(self.pages[path], self.settings):
                problems.append(self._problem(path, line, "obsidian.embed-private", {"target": link.shown, "path": target},
                                              ("obsidian.embed-private.fix", {})))
            return problems
        problems += self._subpath(path, line, link, target)
        stopped = self._stopped((target, link.heading, link.block), (path,))
        if stopped is not None:
            code, chain = stopped
            problems.append(self._problem(path, line, f"obsidian.embed-{code}",
                                          {"target": link.shown, "chain": " → ".join(chain), "depth": obsidian.MAX_EMBED_DEPTH},
                                          (f"obsidian.embed-{code}.fix", {})))
        return problems

    def _ambiguous(self, path: str, line: int, link: wikilinks.Wikilink, targets: list[wikilinks.Target]) -> list[Problem]:
        """Several notes answer to the name: the link goes to the first."""
        if len(targets) < 2:
            return []
        folders = {kind: self.settings.folder_of(kind) for kind in Kind}
        if all(t.kind is not None and t.id == link.name for t in targets):  # one id, several kinds
            examples = ", ".join(f"[[{folders[t.kind]}/{t.id}]]" for t in targets if t.kind)
            candidates = ", ".join(folders[t.kind] for t in targets if t.kind)
            return [self._problem(path, line, "ambiguous-wikilink", {"target": link.target, "candidates": candidates},
                                  ("ambiguous-wikilink.fix", {"examples": examples}))]
        where = [self.index.paths.get(t) or self.settings.competence_page(t.id) for t in targets]
        examples = ", ".join(f"[[{_link_path(p)}]]" for p in where)
        return [self._problem(path, line, "obsidian.ambiguous-name",
                              {"target": link.shown, "candidates": ", ".join(where), "chosen": where[0]},
                              ("obsidian.ambiguous-name.fix", {"examples": examples}))]

    def _ambiguous_file(self, path: str, line: int, link: wikilinks.Wikilink, found: list[str]) -> list[Problem]:
        if len(found) < 2:
            return []
        example = ("!" if link.embed else "") + f"[[{found[0]}]]"
        return [self._problem(path, line, "obsidian.ambiguous-file",
                              {"target": link.shown, "candidates": ", ".join(found), "chosen": found[0]},
                              ("obsidian.ambiguous-file.fix", {"example": example}))]

    def _subpath(self, path: str, line: int, link: wikilinks.Wikilink, target: str) -> list[Problem]:
        """The heading or block a link names must be in the note (else: the note's top)."""
        page = self.pages[target]
        title = page.title or markdown_stem(target)
        if link.heading and obsidian.heading_key(link.heading) not in {obsidian.heading_key(h) for h in self._heading_names(target)}:
            known = ", ".join(f"« {h} »" for h in dict.fromkeys(self._heading_names(target))) or "—"
            return [self._problem(path, line, "obsidian.unknown-heading", {"target": link.shown, "heading": link.heading, "title": title},
                                  ("obsidian.unknown-heading.fix", {"headings": known}))]
        if link.block and obsidian.block(page.body, link.block) is None:
            return [self._problem(path, line, "obsidian.unknown-block", {"target": link.shown, "block": link.block, "title": title},
                                  ("obsidian.unknown-block.fix", {"block": link.block}))]
        return []

    @cached_property
    def _converter(self) -> markdown.Markdown:
        """Python-Markdown's table of contents, for the headings links name (not their ids)."""
        return markdown.Markdown(extensions=["toc", "attr_list"])

    def _heading_names(self, path: str) -> list[str]:
        """The page's headings, as written and as the table of contents names them."""
        if path not in self._headings:
            body = self.pages[path].body
            names = [h.text for h in obsidian.headings(body)]
            rendered = obsidian.callouts(body, obsidian.CalloutStyle(self.settings.lang))
            names += [name for name, _ in obsidian.toc_headings(self._converter, rendered)]
            self._headings[path] = names
        return self._headings[path]

    def _stopped(self, node: _Node, chain: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
        """("loop", chain) or ("depth", chain) when showing `node` inside the pages of `chain`
        stops at a link somewhere (as `pagetext` stops), else None."""
        path = node[0]
        if path in chain:
            return "loop", (*chain, path)
        if len(chain) > obsidian.MAX_EMBED_DEPTH:
            return "depth", (*chain, path)
        for child in self._embedded(node):
            found = self._stopped(child, (*chain, path))
            if found is not None:
                return found
        return None

    def _embedded(self, node: _Node) -> list[_Node]:
        """The public notes and pages that what `node` shows embeds in turn."""
        if node not in self._children:
            self._children[node] = self._embeds_of(node)
        return self._children[node]

    def _embeds_of(self, node: _Node) -> list[_Node]:
        path, heading, block_id = node
        body = self.pages[path].body
        part = obsidian.section(body, heading) if heading else obsidian.block(body, block_id) if block_id else body
        children: list[_Node] = []
        for link in wikilinks.find(part or "", embeds=True):
            if not link.embed or not link.name or (wikilinks.is_file_name(link.name) and self.files.resolve(link.name, path)):
                continue
            targets = self.index.resolve(link.target, pages=True, origin=path)
            target = self.index.paths.get(targets[0]) if targets and targets[0].kind is not Kind.COMPETENCE else None
            if target is not None and is_public(self.pages[target], self.settings):
                children.append((target, link.heading, link.block))
        return children


def _link_path(path: str) -> str:
    """A note's path as a link names it: without its Markdown suffix."""
    return path.rsplit(".", 1)[0] if is_markdown(path) else path

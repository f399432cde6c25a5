"""Which pages a rebuild under `serve` must write again, from what the previous build published.

A learner who keeps `cheminement serve` open edits one note at a time. Most edits change a
note's text or the levels it claims, and only a few pages show those: the note itself, the
notes it points at or that point at it (backlinks, panels, embeds), and the pages that are
not notes (home, competence pages, timeline, listings, news, review, dossier), which the
adapter always rebuilds. Everything else may stay as the previous build wrote it.

A note made private (and what only it used, which publish.py then keeps private too) is
the third small edit (not an ordinary page: those are in every page's navigation): its old page and files are deleted (mkdocs_files.remove_unpublished,
from the previous build's manifest), and the pages that showed it are rebuilt: the notes it
named or that named it, as they stood before, and the pages that are not notes.

Anything else is rebuilt in full, because a stale page could show what is no longer
published: a file added, renamed or deleted, a note made public, any change to a private
file, to a non-Markdown file, to the référentiel or the configuration (the `context`), or a
change to what a note shows outside its text (title, dates, summary, links in its front
matter, everything but the competence levels). When in doubt, everything.

Plain data in (the public portfolio, strings for the context), paths out: no engine here.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import html
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from .model import Note, Page, Portfolio, fold, markdown_stem
from .schema import canonical_key

LEVELS_KEY = "competences"  # the front-matter key whose levels a "small" edit may change
EMBED = "![["  # an Obsidian embed: a page may show another note's text, then its embedders'


class Full(enum.StrEnum):
    """Why a rebuild is complete (a catalogue key each: `serve.incremental.full.<value>`)."""

    FIRST = "first"  # nothing built yet in this session, or the previous build failed
    CONTEXT = "context"  # configuration, référentiel, library, private or non-Markdown files
    FILES = "files"  # a page added, renamed, deleted or made public
    HEAD = "head"  # what a note shows outside its text changed (title, dates, links…)
    SETUP = "setup"  # other plugins, a hand-written nav or included files: any page may change


@dataclass(frozen=True)
class PageState:
    """One published page as far as the next build's decision goes."""

    head: str  # digest of everything but its text and its competence levels
    detail: str  # digest of its text
    levels: str  # digest of its competence levels (statuses on feedback)
    is_note: bool
    tokens: frozenset[str]  # the names other pages may point at it by (id, file name, title, aliases)
    text: str  # its text and front matter, folded: the names it points at are in there


@dataclass(frozen=True)
class Snapshot:
    """What one build published: its context digest and each page's state."""

    context: str
    pages: Mapping[str, PageState]
    embeds: bool  # some page embeds another (`![[…]]`): dependencies are followed transitively
    hidden: Mapping[str, str]  # the pages not published (private, or left out): path -> digest


@dataclass(frozen=True)
class Plan:
    """The next build: everything (`full` says why) or only `pages` among the notes;
    `changed` are the pages whose text or levels changed or that are no longer published,
    `levels` whether any level did or any page left (the pages that sum levels up or list
    the notes are then rebuilt, not only those showing the text)."""

    full: Full | None
    pages: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()
    levels: bool = False


def digest(parts: Iterable[object]) -> str:
    """One digest for an ordered series of values (their repr: dataclasses, dicts, dates)."""
    sha = hashlib.sha256()
    for part in parts:
        sha.update(repr(part).encode("utf-8", "surrogatepass"))
        sha.update(b"\0")
    return sha.hexdigest()


def page_state(page: Page) -> PageState:
    """Split a page into what a small edit may change (text, levels) and the rest."""
    head: list[object] = [type(page).__name__]
    levels: list[object] = []
    for item in dataclasses.fields(page):
        value = getattr(page, item.name)
        if item.name == "body":
            continue
        if item.name == "competences" and isinstance(page, Note):
            head.append([(ref.id, ref.line) for ref in page.competences])
            levels.append([ref.level for ref in page.competences])
        elif item.name == "meta":
            head.append({k: v for k, v in value.items() if canonical_key(str(k)) != LEVELS_KEY})
            levels.append({k: v for k, v in value.items() if canonical_key(str(k)) == LEVELS_KEY})
        else:
            head.append((item.name, value))
    tokens = {page.path, markdown_stem(page.path), page.title}
    if isinstance(page, Note):
        tokens |= {page.id, *page.aliases}
    return PageState(digest(head), digest([page.body]), digest(levels), isinstance(page, Note),
                     frozenset(t for t in (_folded(token) for token in tokens) if t),
                     _folded(f"{page.body}\n{page.meta!r}"))


def _folded(text: str) -> str:
    """Text as names are compared: entities and %XX decoded, lower case, no accents.

    Over-matching only rebuilds more pages; a link written in another form must never
    escape the match, so every form a resolver accepts folds to the same string.
    """
    return fold(unquote(html.unescape(text)).casefold())  # `fold` lowers; resolvers casefold (ß, ss)


def snapshot(public: Portfolio, context: Iterable[object], hidden: Iterable[Page] = (),
             state: Callable[[Page], PageState] = page_state) -> Snapshot:
    """The state of a build: `context` holds whatever else the site depends on (digests
    of the configuration, the référentiel, non-Markdown files…), `hidden` the pages it
    does not publish, whole (any change to them may move what is published). `state` is
    `page_state` or a memo of it (reread.py)."""
    pages = {page.path: state(page) for page in [*public.notes, *public.pages]}
    return Snapshot(digest([public.referentiel, *context]), pages,
                    any(EMBED in page.body for page in [*public.notes, *public.pages]),
                    {page.path: digest([page]) for page in hidden})


def plan(before: Snapshot | None, after: Snapshot) -> Plan:
    """Everything, or the notes whose output may differ from what `before` wrote."""
    if before is None:
        return Plan(Full.FIRST)
    if before.context != after.context:
        return Plan(Full.CONTEXT)
    left = before.pages.keys() - after.pages.keys()
    # Only published pages that are now hidden may leave: a page added, deleted or made
    # public changes what every page may link to.
    if after.pages.keys() - before.pages.keys() or after.hidden.keys() != before.hidden.keys() | left:
        return Plan(Full.FILES)
    if any(after.hidden[path] != state for path, state in before.hidden.items()):
        return Plan(Full.CONTEXT)
    if any(not before.pages[path].is_note for path in left):
        return Plan(Full.FILES)  # an ordinary page is in the navigation of every page
    if any(before.pages[path].head != state.head for path, state in after.pages.items()):
        return Plan(Full.HEAD)
    changed = {path for path, state in after.pages.items()
               if (before.pages[path].detail, before.pages[path].levels) != (state.detail, state.levels)}
    if not changed and not left:
        return Plan(None)
    levels = bool(left) or any(before.pages[path].levels != after.pages[path].levels for path in changed)
    pages = changed | left | _related(changed | left, before) | _related(changed, after)
    return Plan(None, frozenset(pages), frozenset(changed | left), levels)


def untouched_competences(plan: Plan, before: Snapshot, after: Snapshot, pages: Mapping[str, str]) -> set[str]:
    """Competence pages (path -> competence id) that no changed note names, before or after
    the edit: a competence page shows its own evidence, levels and feedback only, so an
    edit elsewhere leaves it as it was. Pages among `plan.pages` are never untouched."""
    if plan.full is not None:
        return set()
    texts = [snap.pages[path] for snap in (before, after) for path in plan.changed if path in snap.pages]
    return {path for path, ident in pages.items()
            if path not in plan.pages and (folded := _folded(ident))
            and not any(folded in state.text or folded in state.tokens for state in texts)}


def _related(changed: set[str], snap: Snapshot) -> set[str]:
    """The notes that point at a changed one or that it points at, in one build's state;
    with embeds, the notes pointing at those too, and so on (an embed shows an embed)."""
    found = set().union(*(_neighbours(path, snap, both_ways=True) for path in changed))
    frontier = found - changed if snap.embeds else set()
    while frontier:
        new = set().union(*(_neighbours(path, snap, both_ways=False) for path in frontier))
        frontier = new - found - changed
        found |= new
    return found


def _neighbours(path: str, snap: Snapshot, *, both_ways: bool) -> set[str]:
    """The notes whose text names `path`'s note; with `both_ways`, those its text names too."""
    state = snap.pages[path]
    return {other for other, seen in snap.pages.items()
            if other != path and seen.is_note
            and (any(token in seen.text for token in state.tokens)
                 or (both_ways and any(token in state.text for token in seen.tokens)))}

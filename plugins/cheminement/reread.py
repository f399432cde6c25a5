"""What a `serve` session keeps from one rebuild to the next, so that a rebuild after one
edit does not read and digest a thousand unchanged notes again.

Each memo answers exactly what the function it stands for would answer: a reading is
reused only for the same bytes under the same settings and the same set of files, a page's
state for incremental rebuilds only for the same page object (a reading reused), and a
manifest record only for the same page object in the same published context. Anything
else is computed again. Plain data in and out: no engine here.

The rule that makes identity a safe key: nothing changes a `Page` once it is read (the
pipeline makes new values; tests/test_incremental_privacy.py checks that a build leaves
its readings as `read_page` gives them).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from .incremental import PageState, page_state
from .load import read_page
from .manifest import note_record
from .model import Note, Page, Problem, Referentiel, Trace
from .publish import PublishedText
from .settings import Settings


class Readings:
    """`load.read_page`, remembered by path and bytes."""

    def __init__(self) -> None:
        self._key: object = None
        self._pages: dict[str, tuple[bytes, Page | None, list[Problem]]] = {}

    def start(self, settings: Settings, paths: Sequence[str]) -> None:
        """A new build: readings stand only while the settings and the folder's files do
        (whether a trace's `fichier` names a file depends on both: the engine lists every
        file of the folder, those it excludes too, so a file added, removed or replaced by
        a folder changes `paths`). `excluded` is left out: reading a file does not depend
        on it (load.py reads the folders' kinds, the language and the folder itself)."""
        key = (repr(dataclasses.replace(settings, excluded=frozenset())), tuple(paths))
        if key != self._key:
            self._key, self._pages = key, {}

    def read(self, path: str, raw: bytes, settings: Settings) -> tuple[Page | None, list[Problem]]:
        """`read_page`'s answer, the page object kept when the bytes are the same."""
        known = self._pages.get(path)
        # A trace's `fichier` is looked for on disk (a file, inside the portfolio): a file
        # replaced under the same name by a link out reads differently from the same bytes.
        if known is not None and known[0] == raw and not (isinstance(known[1], Trace) and "fichier" in known[1].meta):
            return known[1], list(known[2])
        page, problems = read_page(path, raw, settings)
        self._pages[path] = (raw, page, list(problems))
        return page, problems


class Records:
    """`manifest.note_record`, remembered for a page object in one published context.

    When the context changes (a note made private), every record is made again, unless the
    build is an incremental one: then only the notes it rebuilds (`expect`) and the pages
    that are not notes can differ. A note's record reads what its published page shows,
    and incremental.py rebuilds every note whose text names a page that left.
    """

    def __init__(self) -> None:
        self._form: PublishedText | None = None  # the build's, the same for all its records
        self._context: object = None
        self._records: dict[str, tuple[Page, dict[str, Any]]] = {}
        self._rebuilt: frozenset[str] | None = None

    def expect(self, rebuilt: frozenset[str] | None) -> None:
        """The notes this build writes again, or None: it writes every page."""
        self._rebuilt = rebuilt

    def record(self, form: PublishedText, page: Page, referentiel: Referentiel) -> dict[str, Any]:
        """`note_record`'s answer, kept for the same page object and context."""
        if form is not self._form:
            context = (form.private, form.notes, form.competences, repr(referentiel))
            if context != self._context:
                rebuilt = self._rebuilt
                self._records = {} if rebuilt is None else {
                    path: known for path, known in self._records.items()
                    if path not in rebuilt and isinstance(known[0], Note)}
            self._form, self._context = form, context
        known = self._records.get(page.path)
        if known is not None and known[0] is page:  # the same reading: the same bytes
            return dict(known[1])
        entry = note_record(form, page, referentiel)
        self._records[page.path] = (page, entry)
        return dict(entry)


class States:
    """`incremental.page_state`, remembered for a page object (a reading reused)."""

    def __init__(self) -> None:
        self._states: dict[str, tuple[Page, PageState]] = {}

    def state(self, page: Page) -> PageState:
        """`page_state`'s answer, kept for the same page object."""
        known = self._states.get(page.path)
        if known is not None and known[0] is page:
            return known[1]
        found = page_state(page)
        self._states[page.path] = (page, found)
        return found

"""Pieces of the generated pages kept from one `serve` rebuild to the next.

A level raised in one récit changes one line of the timeline, one card of the récits'
listing and one line of the competence index; the thousand others read as before. Under
serve, such a piece (a template's `{% call memo("name", note, …) %}` block) is rendered once for a
note object on one page and kept: a note whose bytes did not change is the same object
between rebuilds (reread.py), an edited one is a new object, so a new piece.

What a piece shows besides its own note comes from the build's context (the settings,
the référentiel, every competence's title, scale and page, the previewed notes, the
templates), which is compared at each build: any difference, or any complete rebuild,
starts afresh. A piece names only its own note and competences, so a note that leaves the
publication takes its pieces with it. Plain data in and out: no engine here.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Hashable

from markupsafe import Markup

from .dates import PartialDate
from .model import Page

# Values a piece may be keyed on besides notes: compared by value.
_PLAIN = (str, int, float, bool, type(None), PartialDate, enum.Enum)


class Fragments:
    """Rendered pieces by page, note object and plain values, for one build context."""

    def __init__(self) -> None:
        self._context: object = None
        self._kept: dict[tuple[Hashable, ...], tuple[tuple[object, ...], Markup]] = {}
        self._used: set[tuple[Hashable, ...]] = set()

    def start(self, context: Hashable | None) -> None:
        """A new build in `context`; None: a complete rebuild, nothing is kept. The pieces
        of a page the previous build wrote and did not use go (their note was edited or
        left); a page it kept as it was keeps its pieces."""
        if context is None or context != self._context:
            self._kept = {}
        else:
            written = {key[0] for key in self._used}
            self._kept = {key: kept for key, kept in self._kept.items() if key in self._used or key[0] not in written}
        self._context, self._used = context, set()

    def piece(self, page: str, parts: tuple[object, ...], render: Callable[[], Markup]) -> Markup:
        """The piece of `page` for `parts`, rendered now or kept from an earlier build."""
        key = _key(page, parts)
        if key is None:
            return render()
        self._used.add(key)
        kept = self._kept.get(key)
        if kept is None:
            # The parts are kept with the piece: an object's id is not reused while it lives.
            kept = self._kept[key] = (parts, Markup(render()))
        return kept[1]


def _key(page: str, parts: tuple[object, ...]) -> tuple[Hashable, ...] | None:
    """Notes by identity, plain values by value; None for anything else (not kept)."""
    key: list[Hashable] = [page]
    for part in parts:
        if isinstance(part, Page):
            key.append((type(part).__name__, id(part)))
        elif isinstance(part, _PLAIN):
            key.append(part)
        else:
            return None
    return tuple(key)

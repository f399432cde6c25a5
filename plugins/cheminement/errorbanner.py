"""Errors shown where the learner is looking: under a live preview (`mkdocs serve`).

A build that fails under `serve` leaves the browser waiting in silence (MkDocs holds every
request until a build succeeds) while the message sits in the terminal. So under `serve`
only, a portfolio with errors still builds, failing closed:

- every file an error names is left out of the site (never built from its broken text),
  and so is, through publish.py, whatever only that file used; a left-out file may point
  at others in turn (`leave_out` repeats until the rest has no error);
- when an error names something that cannot be left out (the référentiel, the library,
  mkdocs.yml), nothing of the portfolio is shown at all;
- a page that the previous build published, and that is now left out, keeps its address
  with a stand-in page (`stand_in_markdown`): no word of the note, so that the browser the
  learner is looking at reloads onto the explanation, and back onto the page once fixed;
- every page carries a banner (`with_banner`) listing each problem: file, line, message and
  fix, as the terminal prints them; a problem in a private file says only that a private
  file has an error (its path and values stay in the terminal: a preview may be served
  to others, `serve -a 0.0.0.0`).

The banner is built as elements (text is escaped by construction) and put in the parsed
page. `mkdocs build` and `cheminement build` never get here: errors still stop them.
"""

from __future__ import annotations

import functools
import importlib.resources
from collections.abc import Callable, Iterable, Sequence

import lxml.html

from .htmltree import Element
from .messages import message, plural, printable
from .model import Problem, Severity

# Problems shown in full at the top of the banner; the rest fold under a <details>.
SHOWN_FIRST = 5
# Beyond this, the banner says how many more and points at the terminal: a renamed
# competence can put an error in hundreds of notes, and every page carries the banner.
SHOWN_AT_MOST = 100
STYLESHEET = "assets/cheminement/erreurs.css"
_DOCTYPE = "<!DOCTYPE html>"
_CONTENT = "//article[contains(concat(' ', normalize-space(@class), ' '), ' md-content__inner ')]"


def leave_out(errors: Sequence[Problem], removable: Iterable[str],
              republish: Callable[[frozenset[str]], list[Problem]]) -> tuple[frozenset[str] | None, list[Problem]]:
    """The files to leave out so that the rest of the portfolio has no error, and every
    error met on the way (sorted, each once).

    `removable`: the portfolio's own files (notes, pages, assets), not its sources (the
    référentiel, the library). `republish(left_out)` decides publication again without those
    files and returns the errors that remain, which may name other files (a profile photo
    only a left-out note used). None when an error names something that cannot be left
    out: then nothing of the portfolio may be shown.
    """
    allowed = frozenset(removable)
    left: frozenset[str] = frozenset()
    seen = list(errors)
    current = list(errors)
    while True:
        named = {problem.file for problem in current if problem.severity is Severity.ERROR}
        new = named - left
        if not new:
            return left, _unique(seen)
        if not new <= allowed:
            return None, _unique(seen)
        left |= new
        current = republish(left)
        seen += current


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    kept: list[Problem] = []
    for problem in problems:
        if problem.severity is Severity.ERROR and problem not in kept:
            kept.append(problem)
    return sorted(kept, key=lambda p: p.sort_key)


def stand_in_markdown(lang: str) -> str:
    """A left-out page's stand-in: a title and one sentence, none of the note's words.

    Macros must not run on it (`render_macros: false`), and search has nothing to index.
    """
    title = message("serve.errors.stand-in.title", lang)
    text = message("serve.errors.stand-in.text", lang)
    return f"---\nrender_macros: false\nsearch:\n  exclude: true\n---\n\n# {title}\n\n{text}\n"


def with_banner(page: str, problems: Sequence[Problem], lang: str, nothing_shown: bool = False,
                hidden: frozenset[str] = frozenset()) -> str:
    """The whole page with the banner at the top of its content, and its style in <head>.

    Material's content column (`article.md-content__inner`) takes it; a page of another
    shape (a theme's 404) gets it at the start of <main>, else of <body>.
    """
    if not problems or "<body" not in page.lower():
        return page
    document = lxml.html.document_fromstring(page)
    where = next(iter(document.xpath(_CONTENT) or document.xpath("//main") or [document.body]))
    where.insert(0, banner(problems, lang, nothing_shown, hidden))
    head = document.find("head")
    if head is not None:
        style = lxml.html.Element("style")
        style.text = _stylesheet()
        head.append(style)
    return lxml.html.tostring(document, encoding="unicode", doctype=_DOCTYPE)


def banner(problems: Sequence[Problem], lang: str, nothing_shown: bool = False,
           hidden: frozenset[str] = frozenset()) -> Element:
    """The banner: what is wrong, what the site shows meanwhile (`nothing_shown`: nothing
    of the portfolio), then each problem (one in a `hidden` file: only that there is one)."""
    aside = _element("aside", {"class": "chm-errors", "role": "alert", "lang": lang})
    title = _element("p", {"class": "chm-errors__title"})
    _element("strong", {}, plural("serve.errors.title", len(problems), lang), parent=title)
    aside.append(title)
    _element("p", {"class": "chm-errors__meanwhile"}, message("serve.errors.nothing-shown" if nothing_shown else "serve.errors.meanwhile", lang), parent=aside)
    shown = list(problems[:SHOWN_AT_MOST])
    aside.append(_problem_list(shown[:SHOWN_FIRST], lang, 1, hidden))
    if len(shown) > SHOWN_FIRST:
        more = _element("details", {"class": "chm-errors__more"}, parent=aside)
        _element("summary", {}, plural("serve.errors.more", len(shown) - SHOWN_FIRST, lang), parent=more)
        more.append(_problem_list(shown[SHOWN_FIRST:], lang, SHOWN_FIRST + 1, hidden))
    if len(problems) > SHOWN_AT_MOST:
        _element("p", {"class": "chm-errors__rest"},
                 plural("serve.errors.rest", len(problems) - SHOWN_AT_MOST, lang), parent=aside)
    return aside


def _problem_list(problems: Sequence[Problem], lang: str, start: int, hidden: frozenset[str]) -> Element:
    items = _element("ol", {"class": "chm-errors__list", **({"start": str(start)} if start > 1 else {})})
    for problem in problems:
        item = _element("li", {}, parent=items)
        if problem.file in hidden:
            _element("span", {"class": "chm-errors__message"}, message("serve.errors.private-file", lang), parent=item)
            continue
        where = _element("span", {"class": "chm-errors__where"}, parent=item)
        _element("code", {}, printable(problem.file), parent=where)
        where[-1].tail = (message("serve.errors.line", lang, line=problem.line) if problem.line
                          else message("serve.errors.colon", lang))
        where.tail = " "
        said = _element("span", {"class": "chm-errors__message"}, printable(problem.message(lang)), parent=item)
        suggestion = printable(problem.suggestion(lang))
        if suggestion:
            said.tail = " "
            _element("span", {"class": "chm-errors__fix"}, suggestion, parent=item)
    return items


def _element(tag: str, attributes: dict[str, str], text: str | None = None, parent: Element | None = None) -> Element:
    """An element whose text is set as text: whatever it holds (`<script>`) stays text."""
    element = lxml.html.Element(tag, attributes)
    if text is not None:
        element.text = text
    if parent is not None:
        parent.append(element)
    return element


@functools.cache
def _stylesheet() -> str:
    """The banner's style, from the theme's sheet: inlined, since the banner appears only
    while errors last and on pages whose links to sheets we do not write."""
    return importlib.resources.files("cheminement.theme").joinpath(STYLESHEET).read_text(encoding="utf-8")

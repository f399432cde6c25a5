"""Citations and bibliography: `[@paul2009, p. 12]` in a récit becomes an APA 7 citation.

The bibliography file is the one Zotero exports (read by `bibsource`): Better BibLaTeX,
Better BibTeX or Better CSL JSON. Citations and references are formatted by citeproc-py with
the official APA CSL style (shipped in this package), in French or English. What citeproc does
not do is done here on its parsed output: each work under its own key whatever its case, DOI
and URL as links, no `?.` after a title, and French spacing in French.
"""

from __future__ import annotations

import html
import io
import json
import re
from collections.abc import Iterable, Iterator, Set
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import lxml.html
from lxml import etree

from . import htmltree
from .bibsource import NAMES, Bibliography, load
from .wikilinks import _prose_lines

__all__ = ["CITATION", "Bibliography", "Citation", "CiteItem", "Formatter", "anchor", "authors", "find", "load",
           "write_subset"]

# [@key], [@key, p. 12], [@a; @b, chap. 3], [voir @key] (Pandoc's syntax).
# `[`, then text without brackets holding an `@`, then `]`: the first class cannot hold `@`,
# so a long unclosed `[@a @a …` is scanned once, not once per `@` (quadratic).
CITATION = re.compile(r"\[([^\[\]@]*@[^\[\]]+)\]")
_ITEM = re.compile(r"^\s*(?P<prefix>[^@]*?)\s*-?@(?P<key>[\w][\w:.#$%&+?<>~/-]*?)\s*(?:,\s*(?P<locator>.+?))?\s*$")
_LOCATOR = re.compile(r"^(?P<label>pp?\.|chap\.|ch\.|sect\.|§|para\.|fig\.|vol\.|n°|no\.)?\s*(?P<value>.+)$", re.IGNORECASE)
LOCATOR_LABELS = {
    "p.": "page", "pp.": "page", "chap.": "chapter", "ch.": "chapter", "sect.": "section",
    "§": "paragraph", "para.": "paragraph", "fig.": "figure", "vol.": "volume", "n°": "issue", "no.": "issue",
}
CSL_LOCALES = {"fr": "fr-FR", "en": "en-US"}
CSL = "{http://purl.org/net/xbiblio/csl}"
# What APA in French writes and the CSL French locale does not: an en dash in page ranges (the
# locale has a non-breaking hyphen), « Consulté le 2 mai 2024 », a space before « av. J.-C. ».
FRENCH_TERMS = {"page-range-delimiter": "–", "retrieved": "consulté le", "bc": " av. J.-C.", "ad": " apr. J.-C."}

# CSL rich text, the markup Zotero keeps in its fields: these exact tags and nothing else.
RICH_TAGS = {"<i>": "</i>", "<b>": "</b>", "<sup>": "</sup>", "<sub>": "</sub>",
             '<span class="nocase">': "</span>", '<span style="font-variant:small-caps;">': "</span>"}
_RICH = re.compile("|".join(re.escape(tag) for tag in {*RICH_TAGS, *RICH_TAGS.values()}))


@dataclass(frozen=True)
class CiteItem:
    key: str
    locator: str | None = None
    label: str = "page"
    prefix: str = ""


@dataclass(frozen=True)
class Citation:
    items: tuple[CiteItem, ...]
    line: int  # 1-based, within the body
    start: int
    end: int


# -- Finding citations in a body --------------------------------------------------------------


def find(body: str) -> Iterable[Citation]:
    for number, line, spans in _prose_lines(body, marker="@"):
        for match in CITATION.finditer(line):
            if any(a <= match.start() < b for a, b in spans):
                continue
            items = tuple(_item(part) for part in match.group(1).split(";"))
            if all(items):
                yield Citation(tuple(i for i in items if i), number, match.start(), match.end())


def _item(text: str) -> CiteItem | None:
    match = _ITEM.match(text)
    if not match:
        return None
    locator, label = match.group("locator"), "page"
    if locator:
        parsed = _LOCATOR.match(locator.strip())
        if parsed and parsed.group("label"):
            label = LOCATOR_LABELS.get(parsed.group("label").lower(), "page")
            locator = parsed.group("value")
    return CiteItem(match.group("key"), locator, label, match.group("prefix").strip())


def anchor(key: str) -> str:
    """A safe HTML id for a reference."""
    return "ref-" + re.sub(r"[^A-Za-z0-9_-]+", "-", key)


# -- A subset for the stage ----------------------------------------------------------------------


def write_subset(bibliography: Bibliography, keys: Set[str], target: Path) -> Path:
    """Write the works of the library whose key is in `keys` to `target`, as CSL-JSON.

    The stage's library holds only what public notes cite: a work cited by a private note
    alone tells what that note read. The works are written as read (normalised CSL-JSON,
    which reads back the same), whatever the source's format: nothing is lost in rewriting
    BibTeX, and only our plugin reads the stage's library.
    """
    wanted = [entry for key, entry in bibliography.entries.items() if key in keys]
    target.write_text(json.dumps(wanted, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


# -- Formatting with citeproc-py ----------------------------------------------------------------


class Formatter:
    """APA 7 citations and references for one build, disambiguated across the whole site."""

    def __init__(self, bibliography: Bibliography, cited: Iterable[Citation], lang: str) -> None:
        from citeproc import CitationStylesBibliography, formatter  # noqa: PLC0415 - only with citations
        from citeproc.source.json import CiteProcJSON  # noqa: PLC0415

        citations = list(cited)
        wanted = {item.key for citation in citations for item in citation.items}
        self.lang = lang
        self.entries = {key: entry for key, entry in bibliography.entries.items() if key in wanted}
        # citeproc lowercases every key: each work gets an id of its own, so that `Smith2020`
        # is found as written and `smith2020`, another work, stays another.
        self._ids = {key: f"w{number}" for number, key in enumerate(self.entries)}
        source = CiteProcJSON([_for_citeproc(self._ids[key], entry) for key, entry in self.entries.items()])
        self.engine = CitationStylesBibliography(_style(lang), source, formatter.html)
        self._citeproc = __import__("citeproc")
        for citation in citations:
            self.engine.register(self._citation(citation.items))
        self.engine.sort()
        keys = {work: key for key, work in self._ids.items()}
        rendered = zip(self.engine.keys, (str(item) for item in self.engine.bibliography()), strict=True)
        self.references = {keys[work]: self._finish(text, keys[work]) for work, text in rendered}

    def _citation(self, items: Iterable[CiteItem]) -> Any:
        citeproc = self._citeproc
        return citeproc.Citation([
            citeproc.CitationItem(self._ids[i.key], locator=citeproc.Locator(i.label, i.locator))
            if i.locator else citeproc.CitationItem(self._ids[i.key])
            for i in items if i.key in self.entries
        ])

    def _render(self, items: Iterable[CiteItem]) -> str:
        citation = self._citation(items)
        # citeproc renders only registered citations; every key is registered already, so
        # this leaves the bibliography's order (and disambiguation) as it was.
        self.engine.register(citation)
        return str(self.engine.cite(citation, lambda _: None))

    def cite(self, citation: Citation) -> str:
        """The citation as HTML, each work linked to its reference on the page."""
        items = [i for i in citation.items if i.key in self.entries]
        whole = self._render(items)
        inner = whole[1:-1] if whole.startswith("(") and whole.endswith(")") else whole
        linked = inner
        for item in items:
            single = self._render([item])
            core = single[1:-1] if single.startswith("(") and single.endswith(")") else single
            if core and core in linked:
                linked = linked.replace(core, f'<a href="#{anchor(item.key)}">{core}</a>', 1)
            else:  # grouped by citeproc ("Paul, 2009, 2015"): one link, to the first work
                linked = f'<a href="#{anchor(items[0].key)}">{inner}</a>'
                break
        prefix = " ".join(i.prefix for i in citation.items if i.prefix)
        opening = f"({prefix} " if prefix else "("
        text = f"{opening}{linked})" if whole.startswith("(") else linked
        body = htmltree.parse(f'<span class="chm-cite">{text}</span>')
        _typography(body, self.lang, citation=True)
        return htmltree.serialize(body)

    def _finish(self, reference: str, key: str) -> str:
        """A reference as the page shows it: its DOI or URL a link, its punctuation fixed."""
        entry = self.entries[key]
        body = htmltree.parse(reference)
        doi = entry.get("DOI")
        if doi:
            _link(body, "https://doi.org/" + doi, "https://doi.org/" + quote(doi, safe="/:;()._-~!$&'*+,=@[]"))
        url = entry.get("URL", "")
        if _is_web_address(url):
            _link(body, url, url)
        literal = (entry.get("issued") or {}).get("literal")
        if literal:  # citeproc prints a literal date for the year and again for the month and day
            _replace_once(body, f"({literal}, {literal})", f"({literal})")
        _typography(body, self.lang, citation=False)
        return htmltree.serialize(body)

    def ordered(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        """The references of `keys`, in the bibliography's (APA) order."""
        wanted = set(keys)
        return [(key, html) for key, html in self.references.items() if key in wanted]


@cache
def _style_xml(lang: str) -> bytes:
    """The APA style as citeproc-py should read it; the file itself is shipped unchanged.

    citeproc-py tests `is-numeric="locator"` on the work, never true: "chap. 3" fell in the
    branch for chapters without a number and lost its label, which APA keeps. In French, the
    terms above go in the style's French locale, and the day comes before the month
    ("2023, 15 juin", not "2023, juin 15").
    """
    tree = etree.parse(io.BytesIO((resources.files("cheminement") / "csl" / "apa.csl").read_bytes()))
    for branch in tree.iterfind(f".//{CSL}macro[@name='label-locator']//{CSL}else-if[@locator='chapter line verse']"):
        branch.getparent().remove(branch)
    if lang == "fr":
        terms = tree.find(f"{CSL}locale[@{{http://www.w3.org/XML/1998/namespace}}lang='fr']/{CSL}terms")
        assert terms is not None  # the style's own French locale
        for name, value in FRENCH_TERMS.items():
            etree.SubElement(terms, f"{CSL}term", name=name).text = value
        for date in tree.iterfind(f".//{CSL}macro[@name='date-issued-month-day']/{CSL}date"):
            month, day = date.findall(f"{CSL}date-part")
            day.attrib.pop("prefix", None)
            month.set("prefix", " ")
            date[:] = [day, month]
    return etree.tostring(tree)


def _style(lang: str) -> Any:
    from citeproc import CitationStylesStyle  # noqa: PLC0415 - only with citations

    return CitationStylesStyle(io.BytesIO(_style_xml(lang)), locale=CSL_LOCALES.get(lang, "fr-FR"), validate=False)


def _for_citeproc(work: str, entry: dict[str, Any]) -> dict[str, Any]:
    """An item as citeproc is given it: our id, and HTML (citeproc escapes nothing it prints):
    names and numbers as escaped text, titles with their balanced rich-text tags."""
    item: dict[str, Any] = {}
    for name, value in entry.items():
        if name == "id":
            item[name] = work
        elif name in NAMES:
            # Rich text in a name would be cut by initials ("<i>" -> "<."): plain text only.
            item[name] = [{part: html.escape(plain(text), quote=False) for part, text in person.items()} for person in value]
        elif isinstance(value, str) and name not in ("type", "language"):
            item[name] = to_html(value, rich="title" in name)
        else:
            item[name] = value
    return item


def authors(entry: dict[str, Any]) -> list[str]:
    """Family names of a work's authors (or editors), as the index of authors shows them."""
    people = entry.get("author") or entry.get("editor") or []
    return [plain(p.get("family") or p.get("literal") or "") for p in people if isinstance(p, dict)]


# -- CSL rich text -----------------------------------------------------------------------------------


def rich_tokens(text: str) -> Iterator[tuple[str, bool]]:
    """`text` cut into (piece, is_tag): only the tags of CSL rich text, and only balanced ones."""
    tags = _RICH.findall(text)
    balanced = _balanced(tags)
    for index, piece in enumerate(_RICH.split(text)):
        if piece:
            yield piece, False
        if index < len(tags):
            yield tags[index], index in balanced


def _balanced(tags: list[str]) -> set[int]:
    stack: list[int] = []
    matched: set[int] = set()
    for index, tag in enumerate(tags):
        if tag in RICH_TAGS:
            stack.append(index)
        elif stack and RICH_TAGS[tags[stack[-1]]] == tag:
            matched.update((stack.pop(), index))
        else:
            stack.clear()
    return matched


def plain(text: str) -> str:
    """CSL rich text without its tags."""
    return "".join(piece for piece, is_tag in rich_tokens(text) if not is_tag)


def to_html(text: str, rich: bool) -> str:
    """CSL rich text as HTML: text escaped, the balanced tags kept when `rich`, but small
    capitals, which inert HTML would not keep either (a `style`), left as plain text."""
    out, kept = [], []
    for piece, is_tag in rich_tokens(text):
        if not is_tag:
            out.append(html.escape(piece, quote=False))
        elif piece in RICH_TAGS:
            kept.append(rich and "font-variant" not in piece)
            out.append(piece if kept[-1] else "")
        else:
            out.append(piece if kept.pop() else "")
    return "".join(out)


# -- Output, on parsed markup --------------------------------------------------------------------------

Slot = tuple[Any, str]  # an element and "text" or "tail": where text is, in document order


def _slots(root: Any) -> Iterator[Slot]:
    yield root, "text"
    for child in root:
        yield from _slots(child)
        yield child, "tail"


def _in_address(slot: Slot) -> bool:
    """Whether the text is that of a link to an address (a DOI, a URL), not to a reference."""
    element, where = slot
    start = element if where == "text" else element.getparent()
    return any(htmltree.name_of(e) == "a" and not (e.get("href") or "").startswith("#")
               for e in [start, *start.iterancestors()])


def _link(root: Any, text: str, href: str) -> None:
    """The first `text` outside a link made a link to `href` (citeproc's HTML has none)."""
    for element, where in _slots(root):
        value = getattr(element, where) or ""
        index = value.find(text)
        if index < 0 or _in_address((element, where)):
            continue
        link = lxml.html.Element("a", href=href)
        link.text, link.tail = text, value[index + len(text):]
        setattr(element, where, value[:index])
        if where == "text":
            element.insert(0, link)
        else:
            element.addnext(link)
        return


def _is_web_address(url: str) -> bool:
    """Only http(s) addresses are links: a `javascript:` or `file:` URL stays text."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[" and the like
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc) and url == url.strip()


def _replace_once(root: Any, old: str, new: str) -> None:
    for element, where in _slots(root):
        value = getattr(element, where) or ""
        if old in value:
            setattr(element, where, value.replace(old, new, 1))
            return


_LABEL = re.compile(r"(?<![\w.])(pp?\.|chap\.|vol\.|fig\.|sect\.|para\.|no\.|n°|§|t\.) (?=[\dIVXLC])")


def _typography(root: Any, lang: str, citation: bool) -> None:
    """No period after a title's own `?`, `!` or `.`; in French, non-breaking spaces where
    French puts them (before `:` and `»`, thin before `;`, `?`, `!`, after « and a locator's
    label), the space a French citation has before the `;` between works. A DOI or a URL is
    left as it is: it is an address."""
    before = ""  # the last two characters of text so far
    for slot in list(_slots(root)):
        element, where = slot
        value = getattr(element, where)
        if value and not _in_address(slot):
            value = _no_double_stop(value, before)
            if lang == "fr":
                value = _french(value, citation, before)
            setattr(element, where, value)
        before = (before + (value or ""))[-2:]


def _no_double_stop(text: str, before: str) -> str:
    out = before
    for char in text:
        if char == "." and (out[-1:] in ("?", "!") or (out[-1:] == "." and out[-2:-1] not in ("", "."))):
            continue
        out += char
    return out[len(before):]


def _french(text: str, citation: bool, before: str) -> str:
    text = re.sub(r" ([:»])", "\u00a0\\1", text)
    text = re.sub(r" ([;?!])", "\u202f\\1", text)
    text = text.replace("« ", "«\u00a0")
    if citation:  # "; " between two works, often right after the link to the first
        text = re.sub(r"(?<=[^\s\u00a0\u202f]); ", "\u202f; ", (before[-1:] or " ") + text)[1:]
    return _LABEL.sub("\\1\u00a0", text)

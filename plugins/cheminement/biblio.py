"""Citations and bibliography: `[@paul2009, p. 12]` in a récit becomes an APA 7 citation.

The bibliography file is the one Zotero exports: BibTeX (read with pybtex) or CSL-JSON.
Citations and references are formatted by citeproc-py with the official APA CSL style
(shipped in this package), in French or English — nothing is formatted by hand here.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Set
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from .model import Problem, Severity
from .wikilinks import _prose_lines

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

BIBTEX_TYPES = {
    "article": "article-journal", "book": "book", "booklet": "pamphlet", "inbook": "chapter",
    "incollection": "chapter", "inproceedings": "paper-conference", "conference": "paper-conference",
    "manual": "book", "mastersthesis": "thesis", "phdthesis": "thesis", "proceedings": "book",
    "techreport": "report", "report": "report", "thesis": "thesis", "online": "webpage",
    "misc": "document", "unpublished": "manuscript",
}
BIBTEX_FIELDS = {
    "title": "title", "journal": "container-title", "journaltitle": "container-title",
    "booktitle": "container-title", "publisher": "publisher", "address": "publisher-place",
    "location": "publisher-place", "volume": "volume", "number": "issue", "pages": "page",
    "edition": "edition", "doi": "DOI", "url": "URL", "isbn": "ISBN", "school": "publisher",
    "institution": "publisher", "note": "note", "series": "collection-title",
}


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


@dataclass
class Bibliography:
    path: str  # as shown to the learner
    entries: dict[str, dict[str, Any]] = field(default_factory=dict)  # CSL-JSON by key
    lines: dict[str, int] = field(default_factory=dict)


# -- Reading the bibliography file ----------------------------------------------------------


def load(path: Path, shown: str) -> tuple[Bibliography, list[Problem]]:
    """Read a BibTeX or CSL-JSON file; problems name the file's own line."""
    bibliography = Bibliography(shown)
    if not path.is_file():
        return bibliography, [Problem(shown, None, Severity.ERROR, "bib-missing", {"path": shown}, (("bib-missing.fix", {}),))]
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        return bibliography, [Problem(shown, None, Severity.ERROR, "encoding", {"byte": "?"}, (("encoding.fix", {}),))]
    if path.suffix.lower() == ".json":
        return _load_csl_json(text, bibliography)
    return _load_bibtex(text, bibliography)


def _problem(bibliography: Bibliography, line: int | None, detail: str) -> Problem:
    return Problem(bibliography.path, line, Severity.ERROR, "bib-syntax", {"detail": detail}, (("bib-syntax.fix", {}),))


def _load_csl_json(text: str, bibliography: Bibliography) -> tuple[Bibliography, list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return bibliography, [_problem(bibliography, error.lineno, error.msg)]
    except (RecursionError, ValueError):  # nested past any library's needs, or a huge number
        return bibliography, [_problem(bibliography, 1, "CSL-JSON: [ {…}, {…} ]")]
    if not isinstance(data, list):
        return bibliography, [_problem(bibliography, 1, "CSL-JSON: [ … ]")]
    problems = []
    for item in data:
        key = item.get("id") if isinstance(item, dict) else None
        if not isinstance(key, str):
            problems.append(_problem(bibliography, _line_of(text, json.dumps(item)[:20]), "CSL-JSON: « id »"))
            continue
        line = _line_of(text, f'"id": "{key}"') or _line_of(text, f'"{key}"') or 1
        mistake = _csl_mistake(item)
        if mistake:
            problems.append(_problem(bibliography, line, f"« {key} » : {mistake}"))
            continue
        bibliography.entries[key] = {"type": "document", **item}
        bibliography.lines[key] = line
    return bibliography, problems


def _csl_mistake(item: dict[str, Any]) -> str | None:
    """What citeproc would choke on in a CSL-JSON item, said in CSL terms."""
    for role in ("author", "editor"):
        people = item.get(role)
        if people is None:
            continue
        if not isinstance(people, list) or not all(
            isinstance(p, dict) and all(isinstance(v, str) for v in p.values()) for p in people
        ):
            return f"{role}: [{{\"family\": \"…\", \"given\": \"…\"}}]"
    for key in ("issued", "accessed"):
        date = item.get(key)
        if date is None:
            continue
        parts = date.get("date-parts") if isinstance(date, dict) else None
        if not (isinstance(parts, list) and parts and all(
            isinstance(p, list) and all(isinstance(n, int) or (isinstance(n, str) and n.isdigit()) for n in p) for p in parts
        )):
            return f'{key}: {{"date-parts": [[2015, 3]]}}'
    for key, value in item.items():
        # Any other field is text or a number: citeproc prints a list or a mapping as
        # Python's repr, keys and all, past every escaping.
        if key not in ("author", "editor", "issued", "accessed") and not isinstance(value, (str, int, float)):
            return f'{key}: "…"'
    return None


def _line_of(text: str, needle: str) -> int | None:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else None


def _load_bibtex(text: str, bibliography: Bibliography) -> tuple[Bibliography, list[Problem]]:
    from pybtex.database import parse_string  # noqa: PLC0415 - only with a BibTeX file
    from pybtex.exceptions import PybtexError  # noqa: PLC0415
    from pybtex.scanner import PybtexSyntaxError  # noqa: PLC0415

    try:
        data = parse_string(text, "bibtex")
    except PybtexSyntaxError as error:
        # pybtex stops where the file ends or the next entry starts; the mistake is usually
        # in the entry that was open then.
        lines = text.split("\n")
        line = min(error.lineno or len(lines), len(lines))
        while line > 1 and not lines[line - 1].lstrip().startswith("@"):
            line -= 1
        return bibliography, [_problem(bibliography, line, str(error).split(": ", 1)[-1])]
    except PybtexError as error:
        key = re.search(r"entry\s+(\S+)", str(error))
        line = _line_of(text, key.group(1)) if key else None
        return bibliography, [_problem(bibliography, line, str(error))]
    starts = {m.group(1): text.count("\n", 0, m.start()) + 1 for m in re.finditer(r"@\w+\s*[{(]\s*([^,\s]+)\s*,", text)}
    for key, entry in data.entries.items():
        bibliography.entries[key] = _csl_from_bibtex(key, entry)
        bibliography.lines[key] = starts.get(key, 1)
    return bibliography, []


def _plain(value: str) -> str:
    from pybtex.richtext import Text  # noqa: PLC0415

    return Text.from_latex(value).render_as("text")


def _csl_from_bibtex(key: str, entry: Any) -> dict[str, Any]:
    """One BibTeX entry as CSL-JSON: the fields citeproc needs, LaTeX turned into text."""
    item: dict[str, Any] = {"id": key, "type": BIBTEX_TYPES.get(entry.type.lower(), "document")}
    for role in ("author", "editor"):
        people = entry.persons.get(role, [])
        if people:
            item[role] = [
                {"family": _plain(" ".join(p.prelast_names + p.last_names)),
                 "given": _plain(" ".join(p.first_names + p.middle_names))}
                if p.last_names else {"literal": _plain(str(p))}
                for p in people
            ]
    for name, csl in BIBTEX_FIELDS.items():
        if name in entry.fields and csl not in item:
            item[csl] = _plain(entry.fields[name]).replace("--", "–")
    year = entry.fields.get("year") or entry.fields.get("date", "")[:4]
    if str(year).isdigit():
        item["issued"] = {"date-parts": [[int(year)]]}
    return item


# -- A subset for the stage ----------------------------------------------------------------------


def write_subset(source: Path, bibliography: Bibliography, keys: Set[str], target: Path) -> Path:
    """Write the works of `source` whose key is in `keys` to `target`, in the same format.

    The stage's library holds only what public notes cite: a work cited by a private note
    alone tells what that note read. A BibTeX subset that would not read back into the same
    works (pybtex rewrites what it writes) is written as CSL-JSON instead, beside it.
    """
    wanted = {key: entry for key, entry in bibliography.entries.items() if key in keys}
    text = source.read_text(encoding="utf-8-sig")
    if source.suffix.lower() == ".json":
        items = [item for item in json.loads(text) if isinstance(item, dict) and item.get("id") in wanted]
        target.write_text(json.dumps(items, ensure_ascii=False, indent=1), encoding="utf-8")
        return target
    target.write_text(_bibtex_subset(text, set(wanted)), encoding="utf-8")
    if load(target, target.name)[0].entries == wanted:
        return target
    target.unlink()
    fallback = target.with_suffix(".json")
    fallback.write_text(json.dumps(list(wanted.values()), ensure_ascii=False, indent=1), encoding="utf-8")
    return fallback


def _bibtex_subset(text: str, keys: Set[str]) -> str:
    """The BibTeX entries of `text` whose key is in `keys` (no preamble, no comment)."""
    from pybtex.database import BibliographyData, parse_string  # noqa: PLC0415 - only with a BibTeX file

    data = parse_string(text, "bibtex")
    subset = BibliographyData(entries={key: entry for key, entry in data.entries.items() if key in keys})
    return subset.to_string("bibtex") if subset.entries else ""


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


# -- Formatting with citeproc-py ----------------------------------------------------------------


class Formatter:
    """APA 7 citations and references for one build, disambiguated across the whole site."""

    def __init__(self, bibliography: Bibliography, cited: Iterable[Citation], lang: str) -> None:
        from citeproc import CitationStylesBibliography, CitationStylesStyle, formatter  # noqa: PLC0415
        from citeproc.source.json import CiteProcJSON  # noqa: PLC0415

        style_path = resources.files("cheminement") / "csl" / "apa.csl"
        with resources.as_file(style_path) as style_file:
            style = CitationStylesStyle(str(style_file), locale=CSL_LOCALES.get(lang, "fr-FR"), validate=False)
        self.entries = bibliography.entries
        # citeproc's HTML formatter adds markup (italics) but does not escape field text.
        escaped = [_escaped(entry) for entry in bibliography.entries.values()]
        self.engine = CitationStylesBibliography(style, CiteProcJSON(escaped), formatter.html)
        self._citeproc = __import__("citeproc")
        for citation in cited:
            self.engine.register(self._citation(citation.items))
        self.engine.sort()
        self.references = dict(zip(self.engine.keys, (str(item) for item in self.engine.bibliography())))

    def _citation(self, items: Iterable[CiteItem]) -> Any:
        citeproc = self._citeproc
        return citeproc.Citation([
            citeproc.CitationItem(i.key, locator=citeproc.Locator(i.label, i.locator))
            if i.locator else citeproc.CitationItem(i.key)
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
        return f'<span class="chm-cite">{opening}{linked})</span>' if whole.startswith("(") else f'<span class="chm-cite">{linked}</span>'

    def ordered(self, keys: Iterable[str]) -> list[tuple[str, str]]:
        """The references of `keys`, in the bibliography's (APA) order."""
        wanted = set(keys)
        return [(key, html) for key, html in self.references.items() if key in wanted]


def _escaped(value: Any) -> Any:
    """Every string of a CSL-JSON item HTML-escaped (keys and numbers untouched)."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(item) for item in value]
    if isinstance(value, dict):
        return {key: (item if key == "id" else _escaped(item)) for key, item in value.items()}
    return value


def authors(entry: dict[str, Any]) -> list[str]:
    """Family names of a work's authors (or editors), as the index of authors shows them."""
    people = entry.get("author") or entry.get("editor") or []
    return [p.get("family") or p.get("literal") or "" for p in people if isinstance(p, dict)]

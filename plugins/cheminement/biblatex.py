"""One BibTeX or BibLaTeX entry as CSL-JSON, as Better BibTeX writes them.

The fields citeproc prints, BibLaTeX's EDTF dates (`2023-06-15`, `2011-05~`, `2019/2020`) and
BibTeX's `year` + `month = jan`, `urldate`, `langid`; names with BibLaTeX's `family=…, prefix=…`
form and institutions in braces as one literal name; LaTeX as CSL rich text (`\\emph` → `<i>`,
`{{…}}` → `<span class="nocase">`), and the Title Case BBT gives English titles back in sentence
case, as APA wants them (what Pandoc does with English BibTeX). Nothing here reads a file.
"""

from __future__ import annotations

import codecs
import re
from functools import cache
from typing import Any

TYPES = {
    "article": "article-journal", "book": "book", "mvbook": "book", "collection": "book", "mvcollection": "book",
    "proceedings": "book", "mvproceedings": "book", "reference": "book", "mvreference": "book", "manual": "book",
    "booklet": "pamphlet", "inbook": "chapter", "bookinbook": "chapter", "suppbook": "chapter", "incollection": "chapter",
    "suppcollection": "chapter", "inreference": "entry-encyclopedia", "inproceedings": "paper-conference",
    "conference": "paper-conference", "online": "webpage", "www": "webpage", "electronic": "webpage", "report": "report",
    "techreport": "report", "thesis": "thesis", "phdthesis": "thesis", "mastersthesis": "thesis", "unpublished": "manuscript",
    "misc": "document", "patent": "patent", "periodical": "periodical", "legislation": "legislation", "legal": "legislation",
    "jurisdiction": "legal_case", "audio": "song", "music": "song", "video": "motion_picture", "movie": "motion_picture",
    "artwork": "graphic", "image": "graphic", "letter": "personal_communication", "interview": "interview",
}
SUBTYPES = {"magazine": "article-magazine", "newspaper": "article-newspaper"}
# BibTeX or BibLaTeX field -> CSL variable; the first field present wins.
FIELDS = (
    ("title", "title"), ("shorttitle", "title-short"), ("journaltitle", "container-title"), ("journal", "container-title"),
    ("booktitle", "container-title"), ("series", "collection-title"), ("publisher", "publisher"),
    ("institution", "publisher"), ("school", "publisher"), ("location", "publisher-place"), ("address", "publisher-place"),
    ("edition", "edition"), ("volume", "volume"), ("issue", "issue"), ("pages", "page"), ("pagetotal", "number-of-pages"),
    ("chapter", "chapter-number"), ("isbn", "ISBN"), ("issn", "ISSN"), ("version", "version"), ("eventtitle", "event"),
    ("venue", "event-place"),
)
SUBTITLES = {"title": "subtitle", "journaltitle": "journalsubtitle", "booktitle": "booksubtitle"}
SENTENCE_CASE = frozenset({"title", "shorttitle", "booktitle", "subtitle", "booksubtitle"})  # not journal names
PERIODICALS = frozenset({"article-journal", "article-magazine", "article-newspaper", "periodical"})
ROLES = (("author", "author"), ("editor", "editor"), ("translator", "translator"), ("bookauthor", "container-author"))
# BibLaTeX's own words for a thesis or report type, which are not a genre to print.
TYPE_KEYS = frozenset({"phdthesis", "mathesis", "candthesis", "techreport", "resreport", "software", "datacd", "audiocd"})
DATE_FIELDS = (("urldate", "accessed"), ("eventdate", "event-date"), ("origdate", "original-date"))


def csl_item(key: str, entry: Any) -> tuple[dict[str, Any], list[str]]:
    """One pybtex entry (names unparsed) as a CSL-JSON item, and the dates it could not read."""
    fields = {name.lower(): value for name, value in entry.fields.items()}
    lang = next((found for name in ("langid", "language") if (found := language(fields.get(name, "")))), None)
    kind = SUBTYPES.get(fields.get("entrysubtype", "").lower()) or TYPES.get(entry.type.lower(), "document")
    item: dict[str, Any] = {"id": key, "type": kind}
    for role, variable in ROLES:
        if fields.get(role):
            item[variable] = _names(fields[role])
    sentence = _is_english(lang, fields.get("title", ""))
    for name, variable in FIELDS:
        if name in fields and variable not in item:
            item[variable] = _field(fields, name, lang, sentence)
    if fields.get("number"):
        item["issue" if kind in PERIODICALS else "number"] = _field(fields, "number", lang, False)
    if fields.get("organization"):
        item.setdefault("container-title" if kind == "webpage" else "publisher", _field(fields, "organization", lang, False))
    if fields.get("type", "").lower() not in TYPE_KEYS | {""}:
        item["genre"] = _field(fields, "type", lang, False)
    item.update(_identifiers(fields))
    if lang:
        item["language"] = lang
    dates, unrecognised = _dates(fields)
    item.update(dates)
    return item, unrecognised


def _field(fields: dict[str, str], name: str, language: str | None, sentence: bool) -> str:
    french = bool(language and language.startswith("fr"))
    runs = _runs(fields[name], french)
    subtitle = SUBTITLES.get(name)
    if subtitle and fields.get(subtitle):
        runs += [(" : " if french else ": ", frozenset()), *_runs(fields[subtitle], french)]
    if sentence and name in SENTENCE_CASE:
        runs = _sentence_case(runs)
    return _rich(runs) if "title" in name else "".join(text for text, _ in runs)


def _identifiers(fields: dict[str, str]) -> dict[str, str]:
    """DOI and URL as written: verbatim fields, never LaTeX (`--` or `~` in a URL are theirs)."""
    found = {}
    url = fields.get("url") or _url_in(fields.get("howpublished", ""))
    if url:
        found["URL"] = _unescape(url)
    if fields.get("doi"):
        found["DOI"] = _unescape(fields["doi"])
    return found


def _url_in(value: str) -> str:
    """Better BibTeX puts a web page's address in `howpublished`, bare or in `\\url{…}`."""
    match = re.fullmatch(r"\s*(?:\\url\s*\{(.*)\}|(https?://\S+))\s*", value)
    return (match.group(1) or match.group(2)) if match else ""


def _unescape(value: str) -> str:
    return re.sub(r"\\([_%#&$~{}])", r"\1", value).strip()


# -- Names -------------------------------------------------------------------------------------------

_EXTENDED = re.compile(r"\s*(?:family|given|prefix|suffix|useprefix)\s*=", re.IGNORECASE)


def _names(value: str) -> list[dict[str, str]]:
    """`A and B and {Institution}`: people, institutions as one literal name, `others` left out."""
    from pybtex.bibtex.utils import split_name_list  # noqa: PLC0415 - only with a BibTeX file

    people = []
    for name in split_name_list(value):
        if name.strip().lower() == "others":
            continue
        people.append(_extended_name(name) if _EXTENDED.match(name) else _classic_name(name))
    return [p for p in people if p]


def _classic_name(name: str) -> dict[str, str]:
    from pybtex.database import Person  # noqa: PLC0415 - only with a BibTeX file
    from pybtex.exceptions import PybtexError  # noqa: PLC0415

    if _one_group(name):
        return {"literal": _plain(name)}
    try:
        person = Person(name)
    except PybtexError:  # "Too many commas": shown as written rather than lost
        return {"literal": _plain(name)}
    parts = {
        "family": _plain(" ".join(person.last_names)),
        "given": _plain(" ".join(person.first_names + person.middle_names)),
        "non-dropping-particle": _plain(" ".join(person.prelast_names)),
        "suffix": _plain(" ".join(person.lineage_names)),
    }
    return {k: v for k, v in parts.items() if v}


def _one_group(name: str) -> bool:
    """`{France compétences}`: the whole name in one brace group, an institution's name."""
    name = name.strip()
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0:
            return index == len(name) - 1
    return False


def _extended_name(name: str) -> dict[str, str]:
    """BibLaTeX's `family=Beauvoir, given=Simone, prefix=de, useprefix=false` (how BBT writes particles)."""
    from pybtex.bibtex.utils import split_tex_string  # noqa: PLC0415 - only with a BibTeX file

    parts = dict(part.partition("=")[::2] for part in split_tex_string(name, ","))
    parts = {k.strip().lower(): _plain(v) for k, v in parts.items()}
    particle = "non-dropping-particle" if parts.get("useprefix", "").lower() == "true" else "dropping-particle"
    found = {"family": parts.get("family", ""), "given": parts.get("given", ""), particle: parts.get("prefix", ""),
             "suffix": parts.get("suffix", "")}
    return {k: v for k, v in found.items() if v}


# -- LaTeX as CSL rich text ------------------------------------------------------------------------

Run = tuple[str, frozenset[str]]  # text, and what applies to it: i, b, sup, sub, nocase
FORMATS = {"emph": "i", "textit": "i", "mkbibemph": "i", "mkbibitalic": "i", "textsl": "i", "textbf": "b",
           "mkbibbold": "b", "textsuperscript": "sup", "mkbibsuperscript": "sup", "textsubscript": "sub",
           "mkbibsubscript": "sub"}
QUOTES = frozenset({"mkbibquote", "enquote"})
SILENT = frozenset({"noopsort"})  # BBT's sorting trick: prints nothing
_COMMAND = re.compile(r"\\([A-Za-z]+)\s*$")
_TAGS = (("nocase", '<span class="nocase">', "</span>"), ("i", "<i>", "</i>"), ("b", "<b>", "</b>"),
         ("sup", "<sup>", "</sup>"), ("sub", "<sub>", "</sub>"))


def _runs(value: str, french: bool) -> list[Run]:
    from pybtex.exceptions import PybtexError  # noqa: PLC0415 - only with a BibTeX file
    from pybtex.markup import LaTeXParser  # noqa: PLC0415

    try:
        return _walk(list(LaTeXParser(decode_latex(value)).iter_string_parts()), frozenset(), french)
    except (PybtexError, RecursionError):  # braces nested past reason: the text, without them
        return [(_text(value.replace("{", "").replace("}", "")), frozenset())]


def _walk(parts: list[Any], marks: frozenset[str], french: bool) -> list[Run]:
    """pybtex's brace groups as runs: a command's group formats its text, any other group of
    more than one character keeps its case (`{{X-ray}}`; `{\\'E}` is an accent, not a word)."""
    from pybtex.richtext import Protected  # noqa: PLC0415 - only with a BibTeX file

    runs: list[Run] = []
    index = 0
    while index < len(parts):
        part, index = parts[index], index + 1
        if isinstance(part, Protected):
            inner = _walk(part.parts, marks, french)
            protect = len("".join(text for text, _ in inner).strip()) > 1
            runs += [(text, m | {"nocase"}) if protect else (text, m) for text, m in inner]
            continue
        text = str(part)
        command = _COMMAND.search(text)
        if command is None or index >= len(parts) or not isinstance(parts[index], Protected):
            runs.append((_text(text), marks))
            continue
        runs.append((_text(text[:command.start()]), marks))
        name, argument, index = command.group(1), parts[index], index + 1
        if name == "href" and index < len(parts) and isinstance(parts[index], Protected):
            argument, index = parts[index], index + 1  # \href{url}{text}: the text
        if name in SILENT:
            continue
        inner = _walk(argument.parts, marks | ({FORMATS[name]} if name in FORMATS else set()), french)
        if name in QUOTES:
            opening, closing = ("«\u00a0", "\u00a0»") if french else ("“", "”")
            inner = [(opening, marks), *inner, (closing, marks)]
        runs += inner
    return [run for run in runs if run[0]]


def _text(text: str) -> str:
    """Text between groups: math dollars and leftover commands (`\\relax`) out, `\\$` kept as `$`."""
    text = re.sub(r"(?<!\\)\$", "", text)
    return re.sub(r"\\([$&%#_{}])|\\[A-Za-z]+\s?|\\", lambda m: m.group(1) or "", text)


def _plain(value: str) -> str:
    return " ".join("".join(text for text, _ in _runs(value, False)).split())


def _rich(runs: list[Run]) -> str:
    """Runs as CSL rich text, adjacent runs alike merged."""
    merged: list[Run] = []
    for text, marks in runs:
        if merged and merged[-1][1] == marks:
            merged[-1] = (merged[-1][0] + text, marks)
        else:
            merged.append((text, marks))
    out = []
    for text, marks in merged:
        tags = [(opening, closing) for mark, opening, closing in _TAGS if mark in marks]
        out.append("".join(o for o, _ in tags) + text + "".join(c for _, c in reversed(tags)))
    return "".join(out)


def _is_english(language: str | None, title: str) -> bool:
    """Whether BBT wrote the title in Title Case: English, or no language and it looks so."""
    if language:
        return language.lower().startswith("en")
    words = [w for w in re.findall(r"[^\W\d_]{4,}", decode_latex(title)) if w]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) > len(words) / 2


def _sentence_case(runs: list[Run]) -> list[Run]:
    """Title Case back to sentence case (what Pandoc does with English BibTeX): a capitalised
    word is lowercased unless it opens the title or follows `:`, `.`, `?` or `!`, or keeps its
    case (`{{…}}`). `iPhone`, `NASA` and `I` are left as they are."""
    chars = [(char, marks) for text, marks in runs for char in text]
    flat = "".join(char for char, _ in chars)
    for word in re.finditer(r"[^\s\-–—/]+", flat):
        before = flat[:word.start()].rstrip()
        letters = [(i, c) for i, c in enumerate(word.group(), start=word.start()) if c.isalpha()]
        if not before or before[-1] in ":.?!" or not letters or any("nocase" in chars[i][1] for i, _ in letters):
            continue
        first, rest = letters[0], letters[1:]
        if first[1].isupper() and all(c.islower() for _, c in rest) and word.group() != "I":
            chars[first[0]] = (first[1].lower(), chars[first[0]][1])
    return [(char, marks) for char, marks in chars]


# -- Dates and languages -----------------------------------------------------------------------------

MONTHS = {name: number for number, names in enumerate((
    "january jan janvier janv", "february feb février fevrier févr", "march mar mars", "april apr avril avr",
    "may mai", "june jun juin", "july jul juillet juil", "august aug août aout", "september sep sept septembre",
    "october oct octobre", "november nov novembre", "december dec décembre decembre déc"), start=1) for name in names.split()}
_SINGLE = re.compile(r"(?P<year>[+-]?\d{1,4})(?:-(?P<month>\d{2}|[Xu]{2})(?:-(?P<day>\d{2}|[Xu]{2}))?)?"
                     r"(?:T[\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?[~?%]*")
OPEN = frozenset({"", "..", "unknown", "open"})


def _dates(fields: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    dates: dict[str, Any] = {}
    if fields.get("date"):
        dates["issued"] = parse_date(fields["date"])
    elif fields.get("year"):
        dates.update(_year(fields))
    for name, variable in DATE_FIELDS:
        if fields.get(name):
            dates[variable] = parse_date(fields[name])
    unrecognised = [d.pop("_unrecognised") for d in dates.values() if "_unrecognised" in d]
    return {k: v for k, v in dates.items() if v}, unrecognised


def _year(fields: dict[str, str]) -> dict[str, Any]:
    """BibTeX's `year`, `month` (`jan`, `3`, `mars`) and `day`; BBT's `[1890] 1995` for an original date."""
    year = _plain(fields["year"])
    original = re.fullmatch(r"\[(\d{1,4})\]\s*(\d{1,4})", year)
    if original:
        return {"issued": date_from_parts([[int(original.group(2))]]),
                "original-date": date_from_parts([[int(original.group(1))]])}
    if not re.fullmatch(r"-?\d{1,4}", year):
        return {"issued": parse_date(year)}
    parts = [int(year)]
    month = MONTHS.get(_plain(fields.get("month", "")).lower().rstrip(".")) or _number(fields.get("month", ""), 12)
    if month:
        parts.append(month)
        day = _number(fields.get("day", ""), 31)
        parts += [day] if day else []
    return {"issued": date_from_parts([parts])}


def _number(value: str, highest: int) -> int | None:
    value = value.strip()
    return int(value) if value.isdigit() and 1 <= int(value) <= highest else None


def parse_date(value: str) -> dict[str, Any]:
    """A BibLaTeX/EDTF date (`2023-06-15`, `2011-05~`, `2019/2020`, `1999-uu`), or the text as a
    literal: unspecified digits as written, anything else also marked `_unrecognised`."""
    text = value.strip()
    start, _, end = text.partition("/")
    first, last = _single(start), _single(end)
    if (first is None and start not in OPEN) or (last is None and end not in OPEN) or (first is last is None):
        literal: dict[str, Any] = {"literal": text}
        if not re.fullmatch(r"[+-]?[\dXu]{1,4}(?:-[\dXu]{2}){0,2}", text):
            literal["_unrecognised"] = text
        return literal
    parts = [p for p in (first, last) if p is not None]
    return date_from_parts(parts, "~" in text or "?" in text or "%" in text)


def _single(text: str) -> list[int] | None:
    match = _SINGLE.fullmatch(text.strip())
    if match is None:
        return None
    parts = [int(match.group("year"))]
    month, day = match.group("month"), match.group("day")
    if month and month.isdigit() and 1 <= int(month) <= 12:  # 21-24 are seasons, which citeproc fails on
        parts.append(int(month))
        if day and day.isdigit():
            if not 1 <= int(day) <= 31:
                return None
            parts.append(int(day))
    elif month and month.isdigit() and not 21 <= int(month) <= 41:
        return None
    return parts


# Babel names (what BBT writes in `langid`), ISO 639-2 codes and names Zotero users type.
LANGUAGES = {name: code for code, names in {
    "fr-FR": "french francais français frenchb fre fra", "fr-CA": "acadian canadien", "en-US": "english american usenglish eng anglais",
    "en-GB": "british ukenglish", "en-CA": "canadian", "en-AU": "australian", "en-NZ": "newzealand",
    "de-DE": "german ngerman ger deu allemand", "de-AT": "austrian naustrian", "de-CH": "swissgerman nswissgerman",
    "es-ES": "spanish spa espagnol", "ca-AD": "catalan", "it-IT": "italian ita italien", "pt-PT": "portuguese portuges por portugais",
    "pt-BR": "brazil brazilian", "nl-NL": "dutch dut nld néerlandais", "da-DK": "danish", "nb-NO": "norsk norwegian",
    "nn-NO": "nynorsk", "sv-SE": "swedish", "fi-FI": "finnish", "pl-PL": "polish", "ru-RU": "russian", "el-GR": "greek",
    "cs-CZ": "czech", "sk-SK": "slovak", "tr-TR": "turkish", "ja-JP": "japanese", "zh-CN": "chinese chinese-simplified",
    "zh-TW": "chinese-traditional", "la": "latin lat", "ar": "arabic", "he-IL": "hebrew", "ro-RO": "romanian",
    "hu-HU": "hungarian magyar", "uk-UA": "ukrainian", "eu": "basque", "gl-ES": "galician", "et-EE": "estonian",
    "id-ID": "indonesian", "br": "breton", "oc": "occitan",
}.items() for name in names.split()}


def language(value: str) -> str | None:
    """A language as CSL wants it (`fr-FR`), from a babel name, a code or a name; else None."""
    value = value.strip().strip("{}").strip()
    if value.lower() in LANGUAGES:
        return LANGUAGES[value.lower()]
    return value.replace("_", "-") if re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", value) else None


def date_from_parts(parts: list[list[int]], circa: bool = False) -> dict[str, Any]:
    """A date or range as citeproc prints it: a range within one year would vanish from the
    reference (citeproc 0.11), so it keeps its start; across years, the years."""
    parts = [part for part in ([n for n in part if n][:3] for part in parts) if part]
    if len(parts) == 2:
        parts = [parts[0][:1], parts[1][:1]] if parts[0][0] != parts[1][0] else parts[:1]
    date: dict[str, Any] = {"date-parts": parts}
    if circa:
        date["circa"] = True
    return date if parts else {}


_LATEX = re.compile(r"\\|--|~|``|''|[!?]`")


@cache
def decode_latex(value: str) -> str:
    """LaTeX accents, dashes and ties as Unicode (what latexcodec knows). Cached, and skipped
    for plain text: a library repeats its publishers and places, and the codec is slow."""
    if not _LATEX.search(value):
        return value
    import latexcodec  # noqa: F401, PLC0415 - registers the "ulatex" codec

    decoded: str = codecs.decode(value, "ulatex")  # type: ignore[call-overload]  # latexcodec's codec: str -> str
    return decoded

"""Obsidian's Markdown in the terms of Python-Markdown and Material, before rendering.

- Callouts (`> [!tip]- Titre`) become Material admonitions (`!!!`, or `???` when they fold)
  when the `admonition` extension is on; otherwise a quote with its title in bold, which
  any Markdown renders.
- Block ids (`^idee` at the end of a paragraph) only serve Obsidian's links: they go.
- A note's section (`#Titre`) or block (`#^idee`), for embeds; its headings as the table of
  contents names them, for links.
- What an embed needs around it: an image's size, a quote that keeps a list item's or a
  quote's place, relative links moved to the page that shows the text.

Everything leaves fenced code as written.
"""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import markdown

from .messages import message
from .wikilinks import sub_outside_code

_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_QUOTE = re.compile(r"^[ ]{0,3}>[ ]?")
_CALLOUT = re.compile(r"\[!([^\]\n]+)\]([+-]?)[ \t]*(.*?)[ \t]*")
_ATX = re.compile(r"^[ ]{0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")
_NOT_SETEXT_TEXT = re.compile(r"^[ ]{0,3}(?:[>#|]|[-*+][ \t]|\d{1,9}[.)][ \t])")
_BLOCK_ID = r"\^([A-Za-z0-9-]+)"
_BLOCK_ID_LINE = re.compile(rf"^([ \t>]*){_BLOCK_ID}[ \t]*$")
_BLOCK_ID_END = re.compile(rf"(?<=\S)[ \t]+{_BLOCK_ID}[ \t]*$")
_SIZE = re.compile(r"([0-9]{1,5})(?:[xX]([0-9]{1,5}))?")
# What may stand before an embed that fills its line: quote markers, list markers, indentation.
_LEAD = re.compile(r"(?:[ \t]*>[ \t]?|[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]+|[ \t]+)*")
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]+")
_INLINE_TARGET = re.compile(r"(\]\([ \t]*)(<[^<>\n]*>|[^\s()<>]+)")
_DEFINITION_TARGET = re.compile(r"^([ \t>]*\[[^\]\n]+\]:[ \t]*)(<[^<>\n]*>|\S+)")
# Characters Obsidian leaves out of a heading in a link, and Markdown's emphasis marks.
_HEADING_BREAKS = re.compile(r"[#|^:%\[\]]+")
_HEADING_MARKS = re.compile(r"[*_`~=]+")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "“": '"', "”": '"', "«": '"', "»": '"', "\u00a0": " "})

# Obsidian's callout types and their aliases, each with the Material admonition that shows it.
CALLOUT_TYPES = {
    "note": "note", "abstract": "abstract", "info": "info", "todo": "info", "tip": "tip",
    "success": "success", "question": "question", "warning": "warning", "failure": "failure",
    "danger": "danger", "bug": "bug", "example": "example", "quote": "quote",
}
CALLOUT_ALIASES = {
    "summary": "abstract", "tldr": "abstract", "hint": "tip", "important": "tip", "check": "success",
    "done": "success", "help": "question", "faq": "question", "caution": "warning", "attention": "warning",
    "fail": "failure", "missing": "failure", "error": "danger", "cite": "quote",
}
TAB = "    "  # Python-Markdown's indentation of a block's content
MAX_EMBED_DEPTH = 3  # notes shown inside notes shown inside notes: deeper, a link


@dataclass(frozen=True)
class CalloutStyle:
    """How callouts are written for the Markdown extensions at hand."""

    lang: str = "fr"
    admonition: bool = False  # `admonition`: `!!! tip "Titre"`
    details: bool = False  # `pymdownx.details`: `??? tip "Titre"` folds


# -- Callouts -------------------------------------------------------------------------------


def callouts(text: str, style: CalloutStyle) -> str:
    """Every callout outside code, as an admonition (or a quote with a bold title)."""
    if "[!" not in text:
        return text
    return "\n".join(_callouts(text.split("\n"), style))


def _callouts(lines: list[str], style: CalloutStyle) -> list[str]:
    out: list[str] = []
    index = 0
    while index < len(lines):
        end = _fence_end(lines, index)
        if end is not None:
            out.extend(lines[index:end])
            index = end
        elif _QUOTE.match(lines[index]):
            end = index
            while end < len(lines) and _QUOTE.match(lines[end]):
                end += 1
            out.extend(_quote(lines[index:end], style, bool(out and out[-1].strip()), end < len(lines) and bool(lines[end].strip())))
            index = end
        else:
            out.append(lines[index])
            index += 1
    return out


def _fence_end(lines: list[str], index: int) -> int | None:
    """The line after the fenced block opening at `index`, if one opens there and closes."""
    opening = _FENCE.match(lines[index])
    if opening is None or (opening.group(1)[0] == "`" and "`" in lines[index][opening.end():]):
        return None
    fence = opening.group(1)
    for end in range(index + 1, len(lines)):
        closing = _FENCE.match(lines[end])
        if closing and closing.group(1)[0] == fence[0] and len(closing.group(1)) >= len(fence) \
                and not lines[end][closing.end():].strip():
            return end + 1
    return None


def _quote(lines: list[str], style: CalloutStyle, after_text: bool, before_text: bool) -> list[str]:
    """One quote: a callout when its first line says `[!type]`, else a quote whose content
    may hold callouts (nested quotes)."""
    inner = [_QUOTE.sub("", line, count=1) for line in lines]
    head = _CALLOUT.fullmatch(inner[0].strip())
    if head is None:
        return [">" + (" " + line if line else "") for line in _callouts(inner, style)]
    body = _callouts(inner[1:], style)
    while body and not body[-1].strip():
        body.pop()
    block = _admonition(head.group(1), head.group(2), head.group(3), body, style)
    # A block of its own, whatever the learner's text runs into.
    return ([""] if after_text else []) + block + ([""] if before_text else [])


def _admonition(written: str, fold: str, title: str, body: list[str], style: CalloutStyle) -> list[str]:
    kind = written.strip().lower()
    kind = CALLOUT_ALIASES.get(kind, kind)
    if kind in CALLOUT_TYPES:
        classes = CALLOUT_TYPES[kind]
        title = title or message(f"obsidian.callout.{kind}", style.lang)
    else:
        # Unknown types show as notes (as in Obsidian), keeping their name as a class for CSS.
        custom = re.sub(r"[^a-z0-9_-]+", "-", kind).strip("-")
        classes = f"note {custom}" if custom else "note"
        title = title or written.strip().capitalize()
    if not style.admonition:
        return [f"> **{title}**", *([">"] if body else []), *(">" + (" " + line if line else "") for line in body)]
    marker = "!!!"
    if fold and style.details:
        marker = "???+" if fold == "+" else "???"
    return [f'{marker} {classes} "{title}"', *(TAB + line if line.strip() else "" for line in body)]


# -- Block ids ------------------------------------------------------------------------------


def strip_block_ids(text: str) -> str:
    """The text without Obsidian's block ids (`… ^idee`, or `^idee` alone on its line)."""
    if "^" not in text:
        return text
    text = sub_outside_code(_BLOCK_ID_LINE, lambda match: match.group(1).rstrip(), text)
    return sub_outside_code(_BLOCK_ID_END, lambda match: "", text)


def block(body: str, block_id: str) -> str | None:
    """The paragraph (or list, quote, table before a line `^id`) that `^block_id` marks."""
    lines = body.split("\n")
    for number in _prose_line_numbers(lines):
        line = lines[number]
        alone = _BLOCK_ID_LINE.match(line)
        if alone and alone.group(2) == block_id:
            last = number - 1
            while last >= 0 and not lines[last].strip():
                last -= 1
            return "\n".join(lines[_paragraph_start(lines, last):last + 1]) if last >= 0 else None
        ending = _BLOCK_ID_END.search(line)
        if ending and ending.group(1) == block_id:
            return strip_block_ids("\n".join(lines[_paragraph_start(lines, number):number + 1]))
    return None


def _paragraph_start(lines: list[str], last: int) -> int:
    start = last
    while start > 0 and lines[start - 1].strip():
        start -= 1
    return start


def _prose_line_numbers(lines: list[str]) -> Iterator[int]:
    """Indexes of the lines outside fenced code blocks."""
    index = 0
    while index < len(lines):
        end = _fence_end(lines, index)
        if end is not None:
            index = end
            continue
        yield index
        index += 1


# -- Headings -------------------------------------------------------------------------------


def heading_key(text: str) -> str:
    """A heading as links name it: Obsidian leaves `# | ^ : %% [[ ]]` out of a link, the
    table of contents drops emphasis; case, typographic quotes and spacing aside."""
    text = unicodedata.normalize("NFKC", html.unescape(text)).translate(_QUOTES)
    return " ".join(_HEADING_BREAKS.sub(" ", _HEADING_MARKS.sub("", text)).split()).casefold()


@dataclass(frozen=True)
class Heading:
    line: int  # index of its first line in the body
    level: int
    text: str


def headings(body: str) -> list[Heading]:
    """The body's ATX (`## Titre`) and setext (`Titre` over `---`) headings, outside code."""
    lines = body.split("\n")
    found: list[Heading] = []
    previous: int | None = None
    for number in _prose_line_numbers(lines):
        line = lines[number]
        atx = _ATX.match(line)
        setext = _SETEXT.match(line)
        if atx:
            found.append(Heading(number, len(atx.group(1)), atx.group(2) or ""))
        elif setext and previous == number - 1 and lines[number - 1].strip() and not _NOT_SETEXT_TEXT.match(lines[number - 1]) \
                and not (found and found[-1].line == number - 1):
            found.append(Heading(number - 1, 1 if setext.group(1)[0] == "=" else 2, lines[number - 1].strip()))
        previous = number
    return found


def section(body: str, heading: str) -> str | None:
    """The heading named `heading` and what follows it, up to the next heading of its level
    or higher; None when the body has no such heading."""
    wanted = heading_key(heading)
    found = headings(body)
    for position, candidate in enumerate(found):
        if heading_key(candidate.text) == wanted:
            end = next((h.line for h in found[position + 1:] if h.level <= candidate.level), None)
            lines = body.split("\n")
            return "\n".join(lines[candidate.line:end]).strip("\n")
    return None


def toc_headings(converter: markdown.Markdown, text: str) -> list[tuple[str, str]]:
    """(name, id) of every heading of `text` as `converter`'s table of contents gives them:
    the ids the page will have, with the configured slugify and duplicates numbered."""
    converter.reset()
    converter.convert(text)
    found: list[tuple[str, str]] = []

    def walk(tokens: list[dict[str, object]]) -> None:
        for token in tokens:
            found.append((html.unescape(str(token.get("name", ""))), str(token.get("id", ""))))
            walk(token.get("children", []))  # type: ignore[arg-type]

    walk(getattr(converter, "toc_tokens", []))
    return found


def anchor(names: list[tuple[str, str]], heading: str) -> str | None:
    """The id of the heading a link names, if the page has it."""
    wanted = heading_key(heading)
    return next((ident for name, ident in names if heading_key(name) == wanted), None)


def without_title(body: str) -> str:
    """A whole note as an embed shows it: its leading `# Titre` goes (the link names it)."""
    lines = body.split("\n")
    first = next((index for index, line in enumerate(lines) if line.strip()), None)
    if first is None:
        return ""
    match = _ATX.match(lines[first])
    if match and len(match.group(1)) == 1:
        return "\n".join(lines[first + 1:]).strip("\n")
    return body.strip("\n")


# -- Embeds ---------------------------------------------------------------------------------


def image_options(text: str | None) -> tuple[str | None, str | None, str | None]:
    """(alt text, width, height) from what follows `|` in `![[image.png|…]]`: `300`,
    `300x200`, a text, or a text and a size (`Mon schéma|300`)."""
    alt = width = height = None
    for part in (text or "").split("|"):
        size = _SIZE.fullmatch(part.strip())
        if size:
            width, height = size.group(1), size.group(2)
        elif part.strip():
            alt = part.strip()
    return alt, width, height


def lead(before: str) -> tuple[str, str] | None:
    """When the text before an embed is only quote markers, list markers and indentation:
    the prefix of the embed's first line, and of the lines after it (list markers become
    the indentation Python-Markdown reads as the item's content). None for an embed in a
    sentence."""
    if not _LEAD.fullmatch(before):
        return None
    return before, _LIST_MARKER.sub(_item_indent, before)


def _item_indent(marker: re.Match[str]) -> str:
    """The indentation of a list item's content: the marker's own, plus one level."""
    text = marker.group()
    return " " * (len(text) - len(text.lstrip(" \t")) + len(TAB))


def quoted(lines: list[str], source: str, first: str, rest: str) -> list[str]:
    """`lines` as a quote followed by `source` (where they come from), at the place of a
    line that started with `first` (`rest` for the next ones), set apart from the text
    around it. In a list item, `source` is the item's text and the quote follows: Python-
    Markdown reads a quote that opens an item as one paragraph."""
    blank = rest.rstrip()
    body = [rest + ">" + (" " + line if line.strip() else "") for line in lines]
    if first.strip() != rest.strip():
        return [first + source, blank, *body, blank]
    return [blank, first + body[0][len(rest):], *body[1:], rest + ">", rest + "> " + source, blank] if body else [first + source]


def rebase(text: str, origin: str, page: str) -> str:
    """Relative link and image targets of `text`, written in `origin`, made relative to
    `page`, which shows the text."""
    if posixpath.dirname(origin) == posixpath.dirname(page):
        return text

    def moved(target: str) -> str:
        bracketed = target.startswith("<")
        url = target[1:-1] if bracketed else target
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path or url.startswith(("/", "#")):
            return target
        path = posixpath.normpath(posixpath.join(posixpath.dirname(origin), parts.path))
        rest = url[len(parts.path):]
        new = posixpath.relpath(path, posixpath.dirname(page) or ".") + rest
        return f"<{new}>" if bracketed or " " in new else new

    text = sub_outside_code(_INLINE_TARGET, lambda match: match.group(1) + moved(match.group(2)), text)
    return sub_outside_code(_DEFINITION_TARGET, lambda match: match.group(1) + moved(match.group(2)), text)

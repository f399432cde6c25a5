"""A note's published Markdown as Word paragraphs, for `cheminement export docx`.

The Markdown is rendered to HTML by Python-Markdown (the extensions a plain site has), then
the parsed tree (lxml) is walked: headings, paragraphs, lists, quotes, code, tables and
inline emphasis become Word's own styles, so the jury's copy reads like a document written
in Word. Nothing of the HTML survives as markup: raw HTML a learner wrote becomes its text,
scripts and styles are dropped, links become their words plus the address. Engine-free.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import markdown
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .htmltree import Element, parse

# Characters XML 1.0 cannot hold (C0 controls but tab and line ends, non-characters,
# lone surrogates) and C1 controls: python-docx refuses the first kind outright.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")
EXTENSIONS = ["extra", "sane_lists", "admonition"]
MONOSPACE = "Courier New"
# Elements whose content is not the learner's text to read.
_SKIPPED = frozenset({"script", "style", "template", "iframe", "object", "embed", "noscript", "head", "title",
                      "button", "input", "select", "textarea", "hr"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre", "table", "div",
                     "dl", "dt", "dd", "details", "summary", "figure", "figcaption", "section", "article",
                     "aside", "header", "footer", "nav", "main", "address", "center"})
_INLINE_FORMATS = {"strong": "bold", "b": "bold", "em": "italic", "i": "italic", "cite": "italic",
                   "code": "code", "kbd": "code", "samp": "code", "tt": "code", "var": "italic",
                   "del": "strike", "s": "strike", "strike": "strike", "u": "underline", "ins": "underline",
                   "sup": "superscript", "sub": "subscript"}
_LINKED_SCHEMES = ("http", "https", "mailto")


def clean(text: str) -> str:
    """Text Word can hold: without the characters XML forbids (and C1 controls)."""
    return _NOT_XML.sub("", text)


def to_html(text: str) -> str:
    """Markdown as a plain site renders it (tables, footnotes, admonitions, lists)."""
    return markdown.markdown(text, extensions=EXTENSIONS, output_format="html")


class Paragraphs:
    """New paragraphs and tables at the end of the document, in linear time.

    python-docx inserts each block before the section properties by scanning the body, and
    looks each style up by name through every style: a large dossier took tens of seconds.
    Here blocks are appended, style ids looked up once, and `finish` puts the section
    properties back last, where Word expects them.
    """

    def __init__(self, document: Document) -> None:
        self.document = document
        self.body = document.element.body
        self._ids: dict[str, str] = {}

    def add(self, style: str | None = None, text: str = "") -> Paragraph:
        element = OxmlElement("w:p")
        self.body.append(element)
        paragraph = Paragraph(element, self.document._body)  # the body, as python-docx's own
        if text:
            paragraph.add_run(clean(text))
        if style:
            if style not in self._ids:
                self._ids[style] = self.document.styles[style].style_id
            paragraph._p.style = self._ids[style]
        return paragraph

    def heading(self, text: str, level: int) -> Paragraph:
        """Word's `Title` (0) or `Heading 1` to `Heading 9`, what its outline and TOC read."""
        return self.add("Title" if level == 0 else f"Heading {level}", text)

    def table(self, rows: int, cols: int) -> Table:
        table = self.document.add_table(rows=rows, cols=cols)
        table.style = "Table Grid"
        self.body.append(table._tbl)  # after what was appended since the section properties
        return table

    def finish(self) -> None:
        """The section properties (page size, margins, footer) last, as Word requires."""
        properties = self.body.find(qn("w:sectPr"))
        if properties is not None:
            self.body.append(properties)


@dataclass(frozen=True)
class Context:
    """Where the walk is: the style of the paragraphs it makes, and the list depth."""

    style: str | None = None
    depth: int = 0


class MarkupWriter:
    """Writes rendered HTML into a python-docx document.

    `heading_base`: the Word heading level of the text's highest heading (the note's own
    headings nest under the dossier's). `image_label` gives the words standing for an
    image (its alt text).
    """

    def __init__(self, paragraphs: Paragraphs, heading_base: int, image_label: Callable[[str], str]) -> None:
        self.document = paragraphs.document
        self.paragraphs = paragraphs
        self.heading_base = heading_base
        self.image_label = image_label
        self.offset = heading_base - 1
        # The last run written in each paragraph of the text being written (by its element):
        # what decides whether a space is kept, without reading the paragraph back.
        self._last: dict[Any, Run] = {}

    def markdown(self, text: str) -> None:
        self.html(to_html(text))

    def html(self, fragment: str) -> None:
        root = parse(fragment)
        levels = [int(_tag(node)[1]) for node in root.iter() if _tag(node) in _HEADINGS]
        # The text's highest heading (often `##`) lands on `heading_base`, the rest below it.
        self.offset = self.heading_base - min(levels, default=1)
        self._last = {}
        self._flow(root, Context())
        for run in self._last.values():  # the space before a removed comment or script
            if run.text.endswith(" "):
                run.text = run.text.rstrip(" ")

    # Blocks --------------------------------------------------------------------------

    def _flow(self, node: Element, context: Context) -> None:
        """A container's children: blocks as they come, loose text gathered in paragraphs."""
        pending: list[Paragraph] = []

        def paragraph() -> Paragraph:
            if not pending:
                pending.append(self._paragraph(context))
            return pending[0]

        def loose(text: str | None) -> None:
            # Spaces alone matter between words of one paragraph, not between blocks.
            if text and (text.strip() or pending):
                self._text(paragraph(), text, frozenset())

        loose(node.text)
        for child in node:
            tag = _tag(child)
            if tag in _BLOCKS:
                pending.clear()
                self._block(child, tag, context)
            elif tag and tag not in _SKIPPED:
                self._inline(child, tag, frozenset(), paragraph())
            loose(child.tail)

    def _paragraph(self, context: Context) -> Paragraph:
        return self.paragraphs.add(context.style)

    def _block(self, node: Element, tag: str, context: Context) -> None:
        if tag in _HEADINGS:
            heading = self.paragraphs.heading("", min(self.offset + int(tag[1]), 9))
            self._inlines(node, frozenset(), heading)
        elif tag in ("ul", "ol"):
            self._list(node, tag == "ol", context)
        elif tag == "blockquote":
            self._flow(node, replace(context, style="Quote"))
        elif tag == "pre":
            paragraph = self._paragraph(context)
            self._inlines(node, frozenset({"code", "pre"}), paragraph)
            last = self._last.get(paragraph._p)
            if last is not None:  # the line end Markdown keeps after the last line
                last.text = last.text.rstrip("\n")
        elif tag == "table":
            self._table(node)
        elif tag in ("p", "dt", "summary", "figcaption"):
            paragraph = self._paragraph(context)
            extra = frozenset({"bold"}) if tag in ("dt", "summary") or "admonition-title" in _classes(node) else frozenset()
            self._inlines(node, extra, paragraph)
        elif tag == "dd":
            self._flow(node, replace(context, style=_style("List Continue", context.depth + 1)))
        else:
            self._flow(node, context)

    def _list(self, node: Element, numbered: bool, context: Context) -> None:
        """Each item a paragraph in Word's list style; a numbered list starts again at 1."""
        depth = context.depth + 1
        style = _style("List Number" if numbered else "List Bullet", depth)
        number = self._new_numbering(style) if numbered else None
        for item in node:
            if _tag(item) != "li":
                continue
            first = self._paragraph(replace(context, style=style, depth=depth))
            if number is not None:
                _set_numbering(first, number)
            self._item(item, first, replace(context, style=_style("List Continue", depth), depth=depth))

    def _item(self, item: Element, first: Paragraph, context: Context) -> None:
        """A list item: its words in the item's paragraph, its other blocks after it."""
        target: Paragraph | None = first
        if item.text:
            self._text(first, item.text, frozenset())
        for child in item:
            tag = _tag(child)
            if tag == "p" and target is first and first._p not in self._last:
                self._inlines(child, frozenset(), first)
            elif tag in _BLOCKS:
                target = None
                self._block(child, tag, context)
            elif tag and tag not in _SKIPPED:
                target = target or self._paragraph(context)
                self._inline(child, tag, frozenset(), target)
            if child.tail and (child.tail.strip() or target is not None):
                target = target or self._paragraph(context)
                self._text(target, child.tail, frozenset())

    def _table(self, node: Element) -> None:
        rows = [row for row in node.iter("tr")]
        cells = [[cell for cell in row if _tag(cell) in ("td", "th")] for row in rows]
        width = max((len(row) for row in cells), default=0)
        if not width:
            return
        table = self.paragraphs.table(len(cells), width)
        for row, row_cells in zip(table.rows, cells, strict=True):
            for target, cell in zip(row.cells, row_cells, strict=False):
                self._inlines(cell, frozenset({"bold"}) if _tag(cell) == "th" else frozenset(), target.paragraphs[0])

    def _new_numbering(self, style: str) -> int | None:
        """A fresh numbering instance of the style's list, restarting at 1 (python-docx
        would otherwise carry on counting from the previous numbered list)."""
        style_element = self.document.styles[style].element
        num_pr = style_element.pPr.numPr if style_element.pPr is not None else None
        if num_pr is None or num_pr.numId is None:
            return None
        numbering = self.document.part.numbering_part.element
        existing = numbering.num_having_numId(num_pr.numId.val)
        fresh = numbering.add_num(existing.abstractNumId.val)
        override = fresh.add_lvlOverride(ilvl=0)
        override.add_startOverride(1)
        return int(fresh.numId)

    # Inline ------------------------------------------------------------------------

    def _inlines(self, node: Element, formats: frozenset[str], paragraph: Paragraph) -> None:
        """An element's words into one paragraph; `_text` collapses the spaces."""
        if node.text:
            self._text(paragraph, node.text, formats)
        for child in node:
            tag = _tag(child)
            if tag and tag not in _SKIPPED:
                self._inline(child, tag, formats, paragraph)
            if child.tail:
                self._text(paragraph, child.tail, formats)

    def _inline(self, node: Element, tag: str, formats: frozenset[str], paragraph: Paragraph) -> None:
        """One inline element (or a block met inside inline content, read as inline)."""
        if tag == "br":
            before = self._last.get(paragraph._p)
            if before is not None and before.text.endswith(" "):
                before.text = before.text.rstrip(" ")
            run = paragraph.add_run()
            run.add_break()
            self._last[paragraph._p] = run
            return
        if tag == "img":
            self._text(paragraph, self.image_label(node.get("alt") or ""), formats | {"italic"})
            return
        if tag == "a" and "footnote-backref" in _classes(node):
            return
        formats = formats | {_INLINE_FORMATS[tag]} if tag in _INLINE_FORMATS else formats
        self._inlines(node, formats, paragraph)
        if tag == "a":
            href = (node.get("href") or "").strip()
            if urlsplit(href).scheme.lower() in _LINKED_SCHEMES and href.removeprefix("mailto:") != node.text_content().strip():
                self._text(paragraph, f" ({href.removeprefix('mailto:')})", formats)


    def _text(self, paragraph: Paragraph, text: str, formats: frozenset[str]) -> None:
        """A run of text in the given formats; whitespace collapsed as a browser would,
        except in preformatted text (its line breaks become Word's)."""
        text = clean(text)
        last = self._last.get(paragraph._p)
        if "pre" not in formats:
            text = _SPACES.sub(" ", text)
            if last is None or last.text.endswith((" ", "\n")):
                text = text.lstrip()
        if not text:
            return
        run = paragraph.add_run(text)
        _format(run, formats)
        self._last[paragraph._p] = run


def _tag(node: Element) -> str:
    """The element's name in lower case; '' for a comment, a processing instruction, or
    an element the learner hid (`hidden`, `display: none`): the page does not show it."""
    if not isinstance(node.tag, str) or _hidden(node):
        return ""
    return node.tag.lower()


def _hidden(node: Element) -> bool:
    style = (node.get("style") or "").replace(" ", "").lower()
    return node.get("hidden") is not None or "display:none" in style


def _classes(node: Element) -> list[str]:
    return (node.get("class") or "").split()


def _style(name: str, depth: int) -> str:
    """Word's built-in list styles go three levels deep: `List Bullet 2`, `List Bullet 3`."""
    level = min(max(depth, 1), 3)
    return name if level == 1 else f"{name} {level}"


def _format(run: Run, formats: frozenset[str]) -> None:
    run.bold = True if "bold" in formats else None
    run.italic = True if "italic" in formats else None
    if "code" in formats:
        run.font.name = MONOSPACE
    if "strike" in formats:
        run.font.strike = True
    if "underline" in formats:
        run.underline = True
    if "superscript" in formats:
        run.font.superscript = True
    if "subscript" in formats:
        run.font.subscript = True


def _set_numbering(paragraph: Paragraph, number: int) -> None:
    p_pr: Any = paragraph._p.get_or_add_pPr()
    num_pr = p_pr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = number


def add_field(paragraph: Paragraph, instruction: str, placeholder: str) -> None:
    """A Word field (`TOC …`, `PAGE`): Word computes it when it updates fields; until
    then the placeholder shows. python-docx has no field API (issue #36's workaround)."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run._r.append(begin)
    run._r.append(code)
    run._r.append(separate)
    paragraph.add_run(clean(placeholder))
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    paragraph.add_run()._r.append(end)

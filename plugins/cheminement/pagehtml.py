"""Our pages' HTML, assembled on parsed markup: panels after the title, headings for the
table of contents, a page embedded in the dossier, and what every page carries (the legal
footer, the robots rule, the preview banner).

Engine-free, like the rest of the core: an adapter hands in HTML strings and gets HTML back.
Fragments are parsed with lxml (htmltree.py), so an attribute written with single quotes or
none, or a heading with attributes, is found like any other.
"""

from __future__ import annotations

import html
import posixpath
import re
from html.parser import HTMLParser

import markdown

from .htmltree import Element, parse, serialize
from .inert import make_inert
from .messages import message

ROBOTS = '<meta name="robots" content="noindex, nofollow">'
# Attributes that name an element of the same page: renamed when a page is embedded.
_ID_ATTRIBUTES = ("id", "for")
_REFERENCE_ATTRIBUTES = ("aria-describedby", "aria-controls", "aria-owns")
_URL_ATTRIBUTES = ("href", "src")
# Anything but what ids made by Markdown's toc extension use: quotes, spaces, `<`, `&`…
_ANCHOR_UNSAFE = re.compile(r"[^\w.:-]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>])")


def after_h1(content: str, insert: str) -> str:
    """`insert` after the page's leading <h1> when its content starts with one, else first.

    The heading is found by HTML's own tokenizer and `insert` placed at its end, leaving the
    page's bytes as they are (a note page is not re-serialised for a panel).
    """
    closing = content.find("</h1>")
    if not content.lstrip().startswith("<h1") or closing < 0:
        return insert + content
    end = _Headings.scan(content[: closing + len("</h1>")]).first_h1_end  # the heading only
    if end is None:
        return insert + content
    return content[:end] + "\n" + insert + content[end:]


def without_h1(content: str) -> str:
    """The content without its leading <h1> (the home page shows the name in its own)."""
    closing = content.find("</h1>")
    if not content.lstrip().startswith("<h1") or closing < 0:
        return content
    end = _Headings.scan(content[: closing + len("</h1>")]).first_h1_end
    return content if end is None else content[end:].lstrip()


def h2_headings(content: str) -> list[tuple[str, str]]:
    """(id, text) of every <h2 id> of a page, the text escaped as it shows in the page.

    Only the headings are tokenized (each `<h2` up to its `</h2>`; headings do not nest),
    not the whole page: a note page is long, its headings are few.
    """
    found: list[tuple[str, str]] = []
    start = content.find("<h2")
    while start >= 0:
        end = content.find("</h2>", start)
        if end < 0:
            break
        found += _Headings.scan(content[start:end + len("</h2>")]).h2
        start = content.find("<h2", end)
    return [(anchor, html.escape(text.strip(), quote=False)) for anchor, text in found]


class _Headings(HTMLParser):
    """One pass of the tokenizer: where the first <h1> ends, and every <h2 id> with its text."""

    def __init__(self, content: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0]
        for line in content.split("\n")[:-1]:
            self.lines.append(self.lines[-1] + len(line) + 1)
        self.first_h1_end: int | None = None
        self.h2: list[tuple[str, str]] = []
        self._started = False
        self._h1_depth = 0
        self._h2: tuple[str, list[str]] | None = None
        self._permalink = False

    @classmethod
    def scan(cls, content: str) -> _Headings:
        scanner = cls(content)
        scanner.feed(content)
        scanner.close()
        return scanner

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if not self._started:
            self._started = True
            self._h1_depth = 1 if tag == "h1" else -1
        elif tag == "h1" and self._h1_depth > 0:
            self._h1_depth += 1
        if tag == "h2" and self._h2 is None:
            anchor = dict(attrs).get("id")
            if anchor:
                self._h2 = (anchor, [])
        elif tag == "a" and "headerlink" in (dict(attrs).get("class") or "").split():
            self._permalink = True  # the `¶` a heading carries is no part of its title

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._permalink = False
        if tag == "h1" and self._h1_depth > 0:
            self._h1_depth -= 1
            if self._h1_depth == 0 and self.first_h1_end is None:
                line, column = self.getpos()
                self.first_h1_end = self.lines[line - 1] + column + len("</h1>")
        if tag == "h2" and self._h2 is not None:
            anchor, parts = self._h2
            self.h2.append((anchor, "".join(parts)))
            self._h2 = None

    def handle_data(self, data: str) -> None:
        if self._h2 is not None and not self._permalink:
            self._h2[1].append(data)


def embed(content: str, from_url: str, to_url: str, prefix: str) -> str:
    """A page's HTML moved into another page: relative URLs rebased, ids made unique."""
    if not content:
        return content
    body = parse(content)
    for element in body.iter():
        if isinstance(element.tag, str):
            _embed_attributes(element, from_url, to_url, prefix)
    return serialize(body)


def _embed_attributes(element: Element, from_url: str, to_url: str, prefix: str) -> None:
    for name in _ID_ATTRIBUTES:
        if element.get(name):
            element.set(name, f"{prefix}-{element.get(name)}")
    # Inside the dossier a note's sections ("Cité dans", "Références") would become dozens
    # of landmarks with the same name; the note's own article is the landmark.
    element.attrib.pop("aria-labelledby", None)
    for name in _REFERENCE_ATTRIBUTES:
        if element.get(name):
            element.set(name, " ".join(f"{prefix}-{ref}" for ref in element.get(name).split()))
    for name in _URL_ATTRIBUTES:
        value = element.get(name)
        if value is not None:
            element.set(name, _rebase(value, from_url, to_url, prefix))


def _rebase(value: str, from_url: str, to_url: str, prefix: str) -> str:
    if value.startswith("#"):
        return f"#{prefix}-{value[1:]}"
    if not value or "://" in value or value.startswith(("/", "mailto:", "tel:", "data:")):
        return value
    path, _, fragment = value.partition("#")
    base = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"
    target = posixpath.normpath(posixpath.join(base, path)) + ("/" if path.endswith("/") else "")
    return relative_url(target, to_url) + (f"#{fragment}" if fragment else "")


def relative_url(url: str, other: str) -> str:
    """`url` relative to the page at `other`, both site URLs (as MkDocs computes them)."""
    if other != ".":
        folder, name = posixpath.split(other)
        other = folder if "." in name else other
    relative = posixpath.relpath("/" + url, "/" + other)
    return relative + "/" if url.endswith("/") else relative


def footer_block(footer: str | None, notice_html: str | None) -> str:
    """The institution's footer line (text) and legal notice (HTML already made inert)."""
    parts = []
    if footer:
        parts.append(f'<p class="chm-legal__footer">{html.escape(footer)}</p>')
    if notice_html:
        parts.append(f'<div class="chm-legal__notice">{notice_html}</div>')
    return f'<div class="chm-legal">{"".join(parts)}</div>' if parts else ""


def legal_block(footer: str | None, notice: str | None, third_parties: bool) -> str:
    """The footer block from the options: `notice` is Markdown from a configuration file,
    rendered like a note's text and made inert like it."""
    notice_html = make_inert(markdown.markdown(notice), third_parties)[0] if notice else None
    return footer_block(footer, notice_html)


def whole_page(page: str, block: str, noindex: bool) -> str:
    """What every page carries: the robots rule unless indexing is allowed, the footer."""
    return with_footer(with_robots(page) if noindex else page, block)


def with_footer(page: str, block: str) -> str:
    """The footer block in a whole page: before Material's copyright line, else at the end."""
    if not block:
        return page
    # The LAST copyright line is the theme's footer: a learner's page may hold a copy of
    # that markup (hidden) to catch a first-match insertion.
    marker = '<div class="md-copyright">'
    at = page.rfind(marker)
    if at < 0:
        at = page.rfind("</body>")
    if at < 0:
        return page + block
    return page[:at] + block + page[at:]


def with_robots(page: str) -> str:
    """Ask search engines not to index a whole page (portfolios under review are not public)."""
    if "</head>" not in page:
        return page
    return page.replace("</head>", f"  {ROBOTS}\n  </head>", 1)


def preview_banner(lang: str) -> str:
    label = html.escape(message("ui.private-preview", lang))
    return f'<p class="chm-private-banner" role="note"><strong>{label}</strong></p>\n'


def safe_anchor(anchor: str) -> str:
    """An element id as a template may print it raw inside a quoted attribute."""
    return _ANCHOR_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", anchor)


def md_escape(text: str) -> str:
    """Text that Markdown will show as written (and HTML as text)."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))

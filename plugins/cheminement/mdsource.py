"""The learner's Markdown before it is rendered: private remarks and private links taken out.

- `strip_comments`: Obsidian comments (`%%…%%`, inline or over several lines) are the
  learner's notes to self; they never reach a page. An unclosed `%%` hides the rest of the
  note, as in Obsidian.
- `redact_markdown`: no inline link or image, reference definition, autolink, raw-HTML
  attribute or attribute list (`{: … }`) keeps a target that names a private note or file.
  It serves the plugin and the stage (the published Markdown that another engine builds
  without us), so it must hold on its own, before any HTML exists.

Both leave fenced code and code spans as written, and both read the text as a scanner with
balanced brackets over whole paragraphs, never line by line: a link's text may span lines,
its target may hold parentheses. Where CommonMark and Python-Markdown could disagree (an
unclosed fence, an indented block), the text is treated as prose: the safe side.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Set
from functools import lru_cache

from .targets import PRIMARY, VOID, PrivateTargets, is_url_attribute, private_targets

_OPENING_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})", re.MULTILINE)
_BACKTICKS = re.compile(r"`+")
_CODE = re.compile(r"^[ ]{0,3}(?:`{3,}|~{3,})|\\`|`+", re.MULTILINE)
_CODE_OR_COMMENT = re.compile(r"^[ ]{0,3}(?:`{3,}|~{3,})|\\`|`+|%%", re.MULTILINE)
_CODE_OR_ANY_COMMENT = re.compile(r"^[ ]{0,3}(?:`{3,}|~{3,})|\\`|`+|%%|<!--", re.MULTILINE)


@lru_cache(maxsize=32)
def _closing_fence(char: str, length: int) -> re.Pattern[str]:
    return re.compile(rf"^[ ]{{0,3}}{re.escape(char)}{{{length},}}[ \t]*$", re.MULTILINE)


def _fence_end(text: str, start: int) -> int | None:
    """Where the fenced block opening at `start` ends (after its closing line), if it closes."""
    opening = _OPENING_FENCE.match(text, start)
    if opening is None:
        return None
    fence = opening.group(1)
    line_end = text.find("\n", opening.end())
    if line_end < 0 or (fence[0] == "`" and "`" in text[opening.end():line_end]):
        return None  # no body, or a backtick in the info string: not a fence
    closing = _closing_fence(fence[0], len(fence)).search(text, line_end + 1)
    return closing.end() if closing else None


def _span_end(text: str, start: int, ticks: int) -> int | None:
    """Where the code span opened by `ticks` backticks at `start` ends, on the same line.

    Markdown lets a span continue over the lines of one paragraph, but not across a list
    item, a table row, a heading or an HTML block; telling those apart here would be a
    second Markdown parser. Fail closed instead: a span is only code on its own line, so a
    comment after a line break is always treated as a comment (removed), never kept as code.
    """
    line_end = text.find("\n", start)
    limit = len(text) if line_end < 0 else line_end
    for run in _BACKTICKS.finditer(text, start + ticks, limit):
        if len(run.group()) == ticks:
            return run.end()
    return None


def code_regions(text: str) -> list[tuple[int, int]]:
    """Closed fenced blocks and code spans, as (start, end) offsets in document order."""
    regions: list[tuple[int, int]] = []
    position = 0
    while (match := _CODE.search(text, position)) is not None:
        end = _code_end(text, match)
        if end > match.end():
            regions.append((match.start(), end))
        position = end
    return regions


# Material's blog cuts a post's excerpt at this comment (`post_excerpt_separator`'s default):
# it says nothing of the learner, and removing it would change what the blog shows.
EXCERPT_SEPARATOR = "<!-- more -->"


def strip_comments(markdown: str, html_comments: bool = False, keep_lines: bool = False,
                   keep_separator: bool = False) -> str:
    """The Markdown without its `%%…%%` comments outside code; an unclosed one runs to the end.

    With `html_comments`, `<!-- … -->` go too: the learner's hidden remarks must not shape
    the output (a `[[link]]` or `[@key]` in them would make a backlink or a reference), and
    Markdown that leaves us, such as the stage, must not carry them. With `keep_separator`,
    the blog's `<!-- more -->` stays. With `keep_lines`, a comment over several lines leaves
    its line breaks, so that problems found later in the text still name the right line of
    the file. Text on both sides of a comment never joins into a new `%%` or `<!--`.
    """
    if "%%" not in markdown and not (html_comments and "<!--" in markdown):
        return markdown
    pattern = _CODE_OR_ANY_COMMENT if html_comments else _CODE_OR_COMMENT
    out: list[str] = []
    position = 0
    while (match := pattern.search(markdown, position)) is not None:
        token = match.group()
        if keep_separator and token == "<!--" and markdown.startswith(EXCERPT_SEPARATOR, match.start()):
            out.append(markdown[position:match.start()] + EXCERPT_SEPARATOR)
            position = match.start() + len(EXCERPT_SEPARATOR)
            continue
        if token in ("%%", "<!--"):
            out.append(markdown[position:match.start()])
            closing = "%%" if token == "%%" else "-->"
            close = markdown.find(closing, match.end())
            end = len(markdown) if close < 0 else close + len(closing)
            breaks = markdown.count("\n", match.start(), end) if keep_lines else 0
            out.append("\n" * breaks)
            if close < 0:
                return "".join(out)
            if not breaks and _would_join(out, markdown[end:end + 3]):
                out.append(" ")
            position = end
            continue
        end = _code_end(markdown, match)
        out.append(markdown[position:end])
        position = end
    out.append(markdown[position:])
    return "".join(out)


def _would_join(out: list[str], following: str) -> bool:
    """Whether the text before a removed comment and the text after it would read as a new
    comment opening (`%` + `%`, `<!-` + `-`…): a space then keeps them apart."""
    before = _tail(out, 3)
    joined = before + following
    for opening in ("%%", "<!--"):
        index = joined.find(opening, max(0, len(before) - len(opening) + 1))
        if 0 <= index < len(before):
            return True
    return False


def _tail(parts: list[str], size: int) -> str:
    """The last `size` characters of `"".join(parts)`, without joining them all."""
    tail = ""
    for part in reversed(parts):
        tail = part[-(size - len(tail)):] + tail
        if len(tail) >= size:
            break
    return tail


def _code_end(text: str, match: re.Match[str]) -> int:
    """The end of the code region `match` opens, or of the match itself when it opens none."""
    token = match.group()
    if token == "\\`":
        return match.end()
    if token.lstrip(" ")[:3] in ("```", "~~~") and (match.start() == 0 or text[match.start() - 1] == "\n"):
        end = _fence_end(text, match.start())
        if end is not None:
            return end
    stripped = token.strip(" ")
    if stripped.startswith("`") and not _in_html_line(text, match.start()):
        end = _span_end(text, match.start() + len(token) - len(stripped), len(stripped))
        if end is not None:
            return end
    return match.end()


def _in_html_line(text: str, position: int) -> bool:
    """Whether `position` is on a line that starts with a tag: in an HTML block backticks are
    text, not code, so a comment there is a comment."""
    line_start = text.rfind("\n", 0, position) + 1
    return text[line_start:position].lstrip(" \t>").startswith("<")


# -- Links to private notes ---------------------------------------------------------------

# A reference definition, possibly in a quote or a list item, its target possibly on the next
# line, and a title possibly on the line after.
_DEFINITION = re.compile(
    r"^(?P<lead>[ \t>]*+(?:(?:[-*+]|\d{1,9}[.)])[ \t]++[ \t>]*+)?)"
    r"\[(?P<label>[^\[\]\n]+)\]:[ \t]*(?:\n[ \t>]*)?"
    r"(?P<target><[^<>\n]*>|\S+)[^\n]*"
    r"(?:\n[ \t>]*(?:\"[^\"\n]*\"|'[^'\n]*'|\([^()\n]*\))[ \t]*(?=\n|$))?",
    re.MULTILINE,
)
_LINK_OPEN = re.compile(r"!?\[")
_PAIR_TOKENS = {
    "[": re.compile(r"\\.|[\[\]]|\n[ \t]*\n", re.DOTALL),
    "(": re.compile(r"\\.|[()]|\n[ \t]*\n", re.DOTALL),
}
_LONGEST_TARGET = 4096  # how far a `<…>` link target is looked for
_LONGEST_TAG = 4096  # and an HTML start tag
_WORD = re.compile(r"[^\s\"'<>(),;=]+")
_TAG_OPEN = re.compile(r"<[A-Za-z]")
_TAG = re.compile(r"""<(?P<name>[A-Za-z][^\s/>"'=<]*)(?P<attributes>(?:[^>"']|"[^"]*"|'[^']*')*)>""")
_LOOSE_TAG = re.compile(r"<(?P<name>[A-Za-z][^\s/>\"'=<]*)(?P<attributes>[^<>]*)>")
_ATTRIBUTE = re.compile(r"""(?P<name>[^\s"'>/=]+)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<uq>[^\s"'=<>`]+))""")
_ATTRIBUTE_LIST = re.compile(r"\{:?(?P<body>[^{}\n]*)\}")
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def redact_markdown(body: str, page_src: str, private_paths: Set[str]) -> str:
    """The Markdown with every link to a private path neutralised, outside code.

    An inline link becomes its text (an image its alt text); a reference definition, a
    raw-HTML attribute or an attribute list keeps its place with `#` for target; an autolink
    (`<https://…/journal/x/>`), whose text is the address, goes altogether.
    """
    targets = private_targets(private_paths)
    if targets is None or not targets.mentioned(body):
        return body
    for redact in (_definitions, _inline_links, _tags, _attribute_lists, _html_comments):
        body = redact(body, targets, page_src)
    return body


class _Code:
    """One text's code regions (is an offset in code, where does it end?) and, once asked,
    its brackets matched in one pass: a scan per `[` would be quadratic."""

    def __init__(self, text: str) -> None:
        regions = code_regions(text)
        self.text = text
        self.starts = [start for start, _ in regions]
        self.ends = dict(regions)
        self._pairs: dict[str, dict[int, int]] = {}

    def closing(self, opening: int) -> int | None:
        """The `]` or `)` that closes the `[` or `(` at `opening`: nested ones balanced, code
        and escapes skipped, within the paragraph."""
        kind = self.text[opening]
        if kind not in self._pairs:
            self._pairs[kind] = self._match(kind, "]" if kind == "[" else ")")
        return self._pairs[kind].get(opening)

    def _match(self, opening: str, closing: str) -> dict[int, int]:
        pairs: dict[int, int] = {}
        stack: list[int] = []
        position = 0
        pattern = _PAIR_TOKENS[opening]
        while (token := pattern.search(self.text, position)) is not None:
            end = self.end_at(token.start())
            if end is not None:
                position = end
                continue
            position = token.end()
            if token.group() == opening:
                stack.append(token.start())
            elif token.group() == closing:
                if stack:
                    pairs[stack.pop()] = token.start()
            elif token.group().startswith("\n"):
                stack.clear()  # a blank line ends the paragraph, and any link in it
        return pairs

    def end_at(self, position: int) -> int | None:
        """The end of the code region containing `position`, if any."""
        index = bisect_right(self.starts, position) - 1
        if index < 0:
            return None
        end = self.ends[self.starts[index]]
        return end if position < end else None


def _escaped(text: str, position: int) -> bool:
    """Whether the character at `position` follows an odd number of backslashes."""
    count = 0
    while position - count > 0 and text[position - count - 1] == "\\":
        count += 1
    return count % 2 == 1


Render = Callable[[re.Match[str], _Code], "tuple[str, int] | None"]


def _outside_code(pattern: re.Pattern[str], text: str, render: Render) -> str:
    """Replace what each match of `pattern` starting outside code opens, by what `render`
    returns: (replacement, end of the replaced text), or None to keep it."""
    code = _Code(text)
    out: list[str] = []
    position = search_from = 0
    while (match := pattern.search(text, search_from)) is not None:
        end = code.end_at(match.start())
        if end is not None:
            search_from = end
            continue
        result = render(match, code)
        if result is None:
            search_from = match.start() + 1
            continue
        out.append(text[position:match.start()])
        out.append(result[0])
        position = search_from = result[1]
    out.append(text[position:])
    return "".join(out)


def _definitions(text: str, targets: PrivateTargets, page_src: str) -> str:
    """`[label]: ../journal/x.md "title"` -> `[label]: #` (footnotes, `[^1]:`, are text)."""

    def render(match: re.Match[str], code: _Code) -> tuple[str, int] | None:
        label = match.group("label")
        if label.startswith("^") or not targets.in_value(match.group("target").strip("<>"), page_src):
            return None
        return f"{match.group('lead')}[{label}]: #", match.end()

    return _outside_code(_DEFINITION, text, render)


def _inline_links(text: str, targets: PrivateTargets, page_src: str) -> str:
    """`[text](target)` -> `text`, `![alt](target)` -> `alt` when the target is private."""

    def render(match: re.Match[str], code: _Code) -> tuple[str, int] | None:
        opening = match.end() - 1
        if _escaped(text, match.start()):
            return None
        close = code.closing(opening)
        if close is None or text[close + 1:close + 2] != "(":
            return None
        destination = _destination(text, close + 1, code)
        if destination is None or not targets.in_value(destination[1], page_src):
            return None
        return _inline_links(text[opening + 1:close], targets, page_src), destination[0]

    return _outside_code(_LINK_OPEN, text, render)


def _destination(text: str, opening: int, code: _Code) -> tuple[int, str] | None:
    """The end of `(target "title")` opening at `opening`, and what is inside: parentheses
    balanced (`a(b).md`), a `<…>` target read whole, within the paragraph."""
    inside = text[opening + 1:opening + 1 + _LONGEST_TARGET]
    if inside.lstrip(" \t\n").startswith("<"):
        angle_end = text.find(">", opening)
        close = text.find(")", angle_end) if angle_end >= 0 and "\n\n" not in text[opening:angle_end] else -1
    else:
        close = code.closing(opening) or -1
    return (close + 1, text[opening + 1:close]) if close > opening else None


def _tags(text: str, targets: PrivateTargets, page_src: str) -> str:
    """Raw HTML: a private attribute value becomes `#`; an autolink to a private URL goes."""

    def render(match: re.Match[str], code: _Code) -> tuple[str, int] | None:
        if _escaped(text, match.start()):
            return None
        start = match.start()
        window = min(len(text), start + _LONGEST_TAG)
        tag = _TAG.match(text, start, window) or _LOOSE_TAG.match(text, start, window)
        if tag is None:  # a very long tag, or one never closed: its words, read once
            closing = text.find(">", start)
            end = len(text) if closing < 0 else closing + 1
            return _redacted_words(text[start:end], targets, page_src), end
        if not targets.mentioned(tag.group()):
            return None
        return _redacted_tag(tag, targets, page_src), tag.end()

    return _outside_code(_TAG_OPEN, text, render)


def _redacted_words(text: str, targets: PrivateTargets, page_src: str) -> str:
    """Every word of `text` that names a private path, replaced by `#`."""
    if not targets.mentioned(text):
        return text

    def render(match: re.Match[str]) -> str:
        return "#" if targets.in_value(match.group(), page_src) else match.group()

    return _WORD.sub(render, text)


def _redacted_tag(tag: re.Match[str], targets: PrivateTargets, page_src: str) -> str:
    """A start tag naming a private path: a link loses its attributes (its title may be the
    note's), an image or embed goes, any other attribute gets `#` for value."""
    inner = tag.group()[1:-1]
    if not any(c.isspace() for c in inner) and targets.in_value(inner, page_src):
        return ""  # <https://…/journal/x/> or <journal/x.md>: the address is all there is
    name = tag.group("name")
    element = name.lower()
    private: set[str] = set()
    attributes = _redacted_attributes(tag.group("attributes"), targets, page_src, private)
    if any((element, attribute) in PRIMARY for attribute in private):
        return "" if element in VOID else f"<{name}>"
    if targets.in_value(attributes, page_src, url=False):
        return f"<{name}>"  # a value our reading missed (a quote left open): drop them all
    return f"<{name}{attributes}>"


def _redacted_attributes(attributes: str, targets: PrivateTargets, page_src: str, private: set[str] | None = None) -> str:
    """`name="value"` pairs whose value names a private path get `#` for value (their
    names, lower case, are added to `private`)."""

    def render(match: re.Match[str]) -> str:
        value = next(v for v in (match.group("dq"), match.group("sq"), match.group("uq")) if v is not None)
        name = match.group("name")
        if not targets.in_value(value, page_src, is_url_attribute(name)):
            return match.group()
        if private is not None:
            private.add(name.lower())
        quote = '"' if match.group("dq") is not None else "'" if match.group("sq") is not None else ""
        return f"{name}={quote}#{quote}"

    return _ATTRIBUTE.sub(render, attributes)


def _attribute_lists(text: str, targets: PrivateTargets, page_src: str) -> str:
    """`{: data-src="../journal/x.png" }` (attr_list) -> `{: data-src="#" }`."""

    def render(match: re.Match[str], code: _Code) -> tuple[str, int] | None:
        if not targets.mentioned(match.group()):
            return None
        return "{" + _redacted_attributes(match.group()[1:-1], targets, page_src) + "}", match.end()

    return _outside_code(_ATTRIBUTE_LIST, text, render)


def _html_comments(text: str, targets: PrivateTargets, page_src: str) -> str:
    """`<!-- … -->` naming a private path (Markdown passes comments on to the HTML)."""

    def render(match: re.Match[str], code: _Code) -> tuple[str, int] | None:
        return ("", match.end()) if targets.in_value(match.group(), page_src, url=False) else None

    return _outside_code(_HTML_COMMENT, text, render)

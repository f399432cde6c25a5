"""Which URLs name a private note or file, however they are written.

A link is a leak as soon as its address names a private note, whether or not it works: the
address tells a visitor that `journal/doutes` exists. So a URL is compared with every form
the private path could take (its source path, the URLs MkDocs would give it with or without
directory URLs), after undoing what a browser or a server would undo (HTML entities, percent
encoding, `./`, `../`, `//`, backslashes, case), from every base it may be read against (the
page's source folder and its URL folder). Matching fails closed: a URL whose path merely ends
with a private note's folder and name is taken as naming it.

Used by `markup` (HTML) and `mdsource` (Markdown); no MkDocs here.
"""

from __future__ import annotations

import html
import posixpath
import re
import unicodedata
from collections.abc import Iterator, Set
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, unquote, urlsplit

# The extensions MkDocs reads as Markdown pages, and the names it serves as a folder's index.
MARKDOWN_EXTENSIONS = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
INDEX_NAMES = ("index", "readme")

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_CSS_ESCAPE = re.compile(r"\\[0-9a-f]")
_CSS_ESCAPE_SEQUENCE = re.compile(r"\\([0-9a-fA-F]{1,6})[ \t\n\r\f]?|\\(.)", re.DOTALL)
_CSS_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*\)|@import\s+(["'])(.*?)\3""", re.IGNORECASE | re.DOTALL)
_C0_AND_SPACE = "".join(map(chr, range(0x21)))
_WORD_BREAK = re.compile(r"[\s\"'<>(),;=]+")

# Attributes that hold a URL, whatever the element (other attributes are only searched for
# path-like words); a name with src, href or url in it (`data-src`) counts as one.
URL_ATTRIBUTES = frozenset({
    "href", "src", "srcset", "poster", "data", "action", "formaction", "cite", "background",
    "xlink:href", "ping", "longdesc", "codebase", "archive", "classid", "usemap", "icon",
    "manifest", "profile", "lowsrc", "dynsrc", "imagesrcset", "content", "value", "style",
})


# (element, attribute): the element is nothing without that URL; it goes when the URL must.
PRIMARY = frozenset({
    ("a", "href"), ("a", "xlink:href"), ("img", "src"), ("source", "src"), ("source", "srcset"),
    ("track", "src"), ("video", "src"), ("audio", "src"), ("iframe", "src"), ("frame", "src"),
    ("embed", "src"), ("object", "data"), ("script", "src"), ("input", "src"), ("link", "href"),
    ("area", "href"), ("image", "href"), ("image", "xlink:href"), ("use", "href"),
    ("use", "xlink:href"), ("feimage", "href"), ("feimage", "xlink:href"), ("meta", "content"),
    ("param", "value"),
})
# Elements HTML5 makes empty (libxml2's HTML parser lets some of them hold what follows).
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
                  "source", "track", "wbr", "keygen", "image", "frame"})


def is_url_attribute(name: str) -> bool:
    name = name.lower()
    return name in URL_ATTRIBUTES or any(part in name for part in ("src", "href", "url"))


def fold(text: str) -> str:
    """Case-folded NFC text: hosts and file systems may ignore case, macOS decomposes accents."""
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text.casefold()


def decode(text: str) -> str:
    """What a browser and then a server make of the text: entities, then percent-escapes.

    Percent-decoding is repeated (a proxy may decode twice): over-decoding can only make more
    URLs look private, never fewer.
    """
    if "&" in text:
        text = html.unescape(text)
    for _ in range(3):
        if "%" not in text:
            break
        decoded = unquote(text)
        if decoded == text:
            break
        text = decoded
    return fold(text)


def clean_url(url: str) -> str:
    """The URL as a browser's parser reads it: ends trimmed of controls, tabs and newlines gone,
    backslashes taken as slashes."""
    url = url.strip(_C0_AND_SPACE)
    return url.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")


def scheme_of(url: str) -> str:
    """The URL's scheme, lower case ('' for a relative URL), after entity decoding."""
    match = _SCHEME.match(clean_url(html.unescape(url)).lower())
    return match.group(1) if match else ""


def is_remote(url: str) -> bool:
    """Whether loading the URL asks another host: a scheme with a host, or `//host/…`."""
    cleaned = clean_url(html.unescape(url))
    return cleaned.startswith("//") or scheme_of(cleaned) in ("http", "https", "ftp", "ftps", "ws", "wss")


def srcset_urls(value: str) -> list[str]:
    """The URLs of a `srcset` (`a.png 1x, b.png 2x`).

    Candidates are split at commas followed by a space, and again at every comma: a URL may
    itself hold a comma, and one reading too many only means one more URL checked.
    """
    urls: list[str] = []
    for separator in (r",\s+", r","):
        urls.extend(piece.split()[0] for piece in re.split(separator, value) if piece.split())
    return urls


def css_unescape(css: str) -> str:
    """CSS text with its backslash escapes (`\\6a ournal`) undone."""

    def replace(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF else "\ufffd"
        return match.group(2)

    return _CSS_ESCAPE_SEQUENCE.sub(replace, css)


def css_urls(css: str) -> list[str]:
    """The URLs a piece of CSS would load (`url(…)`, `@import "…"`)."""
    text = css_unescape(css)
    return [m.group(2) if m.group(2) is not None else m.group(4) for m in _CSS_URL.finditer(text)]


def _segments(path: str) -> list[str]:
    """A path's segments with `.`, `..` and empty ones resolved; `..` stops at the root."""
    out: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if out:
                out.pop()
        else:
            out.append(segment)
    return out


def url_forms(path: str) -> set[str]:
    """Every path a private file may be reached or named by: source, and MkDocs's URLs."""
    path = "/".join(_segments(fold(path)))
    forms = {path}
    stem, extension = posixpath.splitext(path)
    if extension in MARKDOWN_EXTENSIONS:
        forms |= {stem, stem + ".html", stem + ".htm", stem + "/index.html", stem + "/index.md"}
        if posixpath.basename(stem) in INDEX_NAMES:
            folder = posixpath.dirname(stem)
            forms |= {folder, posixpath.join(folder, "index.html")} if folder else {"", "index.html"}
    return forms


def _name_of(path: str) -> str:
    """What the pre-filter looks for: the name a URL to `path` must contain in any form.

    `journal/x.md` -> `x`, `journal/index.md` -> `journal` (served as `journal/`),
    `recits/photo.png` -> `photo`; '' for the home page, which `../` alone may name.
    """
    stem, extension = posixpath.splitext(fold(path).strip("/"))
    name = posixpath.basename(stem)
    if extension in MARKDOWN_EXTENSIONS and name in INDEX_NAMES:
        return posixpath.basename(posixpath.dirname(stem))
    return name


@dataclass(frozen=True)
class PrivateTargets:
    """The private paths of one build, in every form a URL may name them."""

    exact: frozenset[str]  # whole paths from the site's root
    tails: frozenset[str]  # forms of two segments or more, also matched at the end of a path
    names: re.Pattern[str] | None  # any of their last segments, for the cheap pre-filter
    root: bool  # the home page is private: every page may link to it with `../`

    def mentioned(self, text: str) -> bool:
        """Whether `text` may name a private path at all, so that it is worth parsing.

        A superset test: a URL that names a private path contains one of its names once
        entities and percent-escapes are undone and case folded. CSS escapes (`\\6a`) are
        not undone here: any text that has one is parsed.
        """
        if self.root:
            return True
        folded = decode(text)
        if "\\" in folded and _CSS_ESCAPE.search(folded):
            return True
        return self.names is not None and self.names.search(folded) is not None

    def in_value(self, value: str, page_src: str, url: bool = True) -> bool:
        """Whether an attribute value (or CSS, or a comment) names a private path anywhere.

        A URL attribute is read as one URL and as every word in it (srcset, ping lists,
        `url(…)`, `0;url=…`, a value broken by a missing quote). In any other attribute
        (alt, title, id) only path-like words count (with a slash or a dot): a lone word
        that happens to be a note's name is prose, not a link.
        """
        if not value or not self.mentioned(value):
            return False
        text = css_unescape(value) if "\\" in value else value
        words = [word for word in _WORD_BREAK.split(text) if word]
        if url:
            candidates = [value, text, *words]
        else:
            candidates = [word for word in words if "/" in word or "." in word.strip(".")]
        return any(self.is_private(candidate, page_src) for candidate in candidates)

    def is_private(self, url: str, page_src: str) -> bool:
        """Whether `url`, read in the page whose source is `page_src`, names a private path."""
        return any(self._matches(path) for path in self._candidates(url, page_src))

    def _candidates(self, url: str, page_src: str) -> Iterator[str]:
        """The site paths `url` may stand for, from every base it may be read against."""
        cleaned = clean_url(html.unescape(url))
        try:
            parts = urlsplit(cleaned)
            path, query, absolute = parts.path, parts.query, bool(parts.scheme or parts.netloc)
        except ValueError:  # a malformed host such as `//[x`: read the whole text as a path
            path, query, absolute = cleaned, "", False
        values = [value for _, value in parse_qsl(query, keep_blank_values=True)] if query else []
        for candidate, anchored in [(path, absolute), *((value, False) for value in values)]:
            decoded = decode(candidate).replace("\\", "/")
            if anchored or decoded.startswith("/"):
                yield "/".join(_segments(decoded))
            else:
                for base in _bases(fold(page_src)):
                    yield "/".join(_segments(base + "/" + decoded))

    def _matches(self, path: str) -> bool:
        if path in self.exact:
            return True
        segments = path.split("/")
        return any("/".join(segments[i:]) in self.tails for i in range(1, len(segments) - 1))


def _bases(page_src: str) -> tuple[str, ...]:
    """The folders a relative URL in a page is read from: its source's and its URL's."""
    folder = posixpath.dirname(page_src)
    stem, extension = posixpath.splitext(page_src)
    if extension in MARKDOWN_EXTENSIONS and posixpath.basename(stem) not in INDEX_NAMES:
        return (folder, stem)  # recits/a.md is served at recits/a/ with directory URLs
    return (folder,)


def private_targets(paths: Set[str]) -> PrivateTargets | None:
    """The targets of a set of private paths; None when nothing is private (the common case)."""
    if not paths:
        return None
    return _targets(paths if isinstance(paths, frozenset) else frozenset(paths))


@lru_cache(maxsize=8)
def _targets(paths: frozenset[str]) -> PrivateTargets:
    forms = set().union(*(url_forms(path) for path in paths))
    names = {_name_of(path) for path in paths}
    return PrivateTargets(
        exact=frozenset(forms),
        tails=frozenset(form for form in forms if form.count("/") >= 1),
        names=any_of(names - {""}),
        root="" in names,
    )


def any_of(words: Set[str]) -> re.Pattern[str] | None:
    """One pattern that finds any of `words`: a search in C, not a Python loop per word.

    The words are merged by common prefix (`2021-0(?:3-atelier|4-bilan)`): the regex engine
    tries one branch per character instead of every word at every position of the page,
    five times faster on a page with a hundred private names. It finds exactly where
    the plain alternation would.
    """
    if not words:
        return None
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here
    try:
        return re.compile(_branches(trie))
    except (RecursionError, re.error):  # words nested hundreds deep: the plain alternation
        return re.compile("|".join(re.escape(word) for word in sorted(words, key=len, reverse=True)))


def _branches(node: dict[str, dict]) -> str:
    children = sorted((char, child) for char, child in node.items() if char)
    if not children:
        return ""
    parts = [re.escape(char) + _branches(child) for char, child in children]
    pattern = parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"
    return f"(?:{pattern})?" if "" in node else pattern

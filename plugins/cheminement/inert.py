"""The learner's HTML made inert: nothing runs, and nothing loads from another site unless allowed.

A denylist on the parsed tree, so that everything Python-Markdown, pymdown-extensions and
Material produce (admonitions, tabs, task lists, emoji SVG, footnotes, tables, figures) stays
as it is; a page made only of such markup is recognised without parsing (`plain`). Whenever a
page is parsed, the parser's serialisation is returned, never the input: the browser then
reads exactly the tree we checked, so a construct that two parsers read differently
(`<svg><style>`, `<svg><title>` hold markup for a browser, text for libxml2) cannot smuggle
anything past us. Runs on what the learner's Markdown rendered, never on our templates.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator
from dataclasses import dataclass

import lxml.html

from .htmltree import Element, as_link, drop, name_of, parse, replace, serialize, unwrap, visit
from .messages import message
from .targets import clean_url, css_unescape, css_urls, is_remote, scheme_of, srcset_urls


@dataclass(frozen=True)
class Finding:
    """Something `make_inert` took out of a page, for the learner: what, and how to fix it."""

    code: str  # catalogue key (catalogue/markup.yml); `code + ".fix"` is the suggestion
    what: str  # the element or attribute, as written: `<script>`, `onclick`
    url: str = ""  # its address, shortened

    def message(self, lang: str = "fr") -> str:
        return message(self.code, lang, what=self.what, url=self.url)

    def suggestion(self, lang: str = "fr") -> str:
        return message(self.code + ".fix", lang)


# Schemes that run code or open a document of their own; `data:` is also allowed for media.
SCRIPT_SCHEMES = frozenset({"javascript", "vbscript", "livescript", "mocha", "jar", "blob", "filesystem", "data"})
MEDIA_DATA = re.compile(r"^data:(image|audio|video)/", re.IGNORECASE)
# Removed with their content: they run code, change the page or the document around it.
REMOVED = frozenset({
    "script", "noscript", "template", "xmp", "plaintext", "noembed", "noframes", "meta", "base",
    "frameset", "applet", "portal", "fencedframe", "param", "animate", "set", "animatemotion",
    "animatetransform", "animatecolor", "discard", "handler", "listener",
})
EMBEDS = frozenset({"iframe", "frame", "object", "embed"})
# Attributes removed wherever they are: they run code, submit elsewhere or change the base.
DROPPED_ATTRIBUTES = frozenset({"srcdoc", "formaction", "form", "formmethod", "formtarget", "formenctype",
                                "action", "xml:base", "dynsrc", "lowsrc", "http-equiv"})
# Attributes that make the browser fetch something as soon as the page is shown (or clicked,
# for ping); `href` does so on these elements.
LOADING = frozenset({"src", "srcset", "imagesrcset", "poster", "data", "background", "codebase", "archive",
                     "classid", "icon", "manifest", "profile", "ping"})
HREF_LOADERS = frozenset({"image", "use", "feimage", "script", "link"})
NAVIGATION = frozenset({"href", "xlink:href", "cite", "longdesc", "usemap"})
# Elements that go when their one URL runs code or is refused.
RESOURCES = frozenset({"area", "img", "image", "use", "feimage", "source", "track", "input", "video", "audio"})
EMOJI_CLASSES = frozenset({"twemoji", "emojione", "gemoji"})


def make_inert(html: str, allow_third_party: bool) -> tuple[str, list[Finding]]:
    """The learner's HTML with nothing that runs, and (unless allowed) nothing from elsewhere.

    Removed: scripts, event handlers (`on…`), `javascript:`/`vbscript:`/`data:` URLs outside
    media, `srcdoc`, `<meta>`, `<base>`, SVG animations, forms (their content stays) and HTML
    comments (private remarks). Frames, objects and embeds become a plain link, unless they
    come from another site and third-party services are allowed. Without that permission, a
    remote image or video becomes a link (an emoji its character), other remote resources are
    removed and a Mermaid diagram stays a code block. Each refusal is a `Finding`.
    """
    if not html or plain(html, allow_third_party):
        return html, []
    body = parse(html)
    cleaner = _Cleaner(allow_third_party)
    visit(body, cleaner.handle)
    return serialize(body), list(dict.fromkeys(cleaner.findings))


class _Cleaner:
    """One page's cleaning: `handle` each node, top down; refusals gather in `findings`."""

    def __init__(self, allow_third_party: bool) -> None:
        self.allow = allow_third_party
        self.findings: list[Finding] = []

    def report(self, code: str, what: str, url: str = "") -> None:
        url = clean_url(url)
        self.findings.append(Finding(code, what, url if len(url) <= 80 else url[:77] + "…"))

    def handle(self, node: Element) -> list[Element]:
        name = name_of(node)
        if not name:  # a comment or a processing instruction: the learner's private remark,
            return [] if _svg_licence(node) else drop(node)  # not an icon's licence
        if name in REMOVED and not _math_script(node):
            self.report("markup.script" if name == "script" else "markup.removed", f"<{name}>")
            return drop(node)
        if name == "form":  # its fields stay, with nowhere to submit to
            self.report("markup.removed", "<form>")
            return unwrap(node)
        if name in EMBEDS:
            return self._embed(node, name)
        if name == "style" and "<" in (node.text or ""):
            # Markup to a browser inside SVG, and text to libxml2, which writes it back raw.
            self.report("markup.removed", "<style>")
            return drop(node)
        if name == "style" and self._css_refused(node.text or "", "<style>"):
            return drop(node)
        if name == "link" and not self._link_allowed(node):
            return drop(node)
        gone = self._attributes(node, name)
        if gone is not None:
            return gone
        if not self.allow and "mermaid" in (node.get("class") or "").lower().split():
            self._mermaid(node, name)
        return list(node)

    def _attributes(self, node: Element, name: str) -> list[Element] | None:
        """Check every attribute; when the element had to go, the nodes left to visit."""
        for attribute, value in list(node.attrib.items()):
            attribute = attribute.lower()
            if attribute.startswith("on") or attribute in DROPPED_ATTRIBUTES:
                if attribute.startswith("on") or attribute in ("srcdoc", "formaction"):
                    self.report("markup.script", attribute)
                del node.attrib[attribute]
            elif attribute == "style":
                if self._css_refused(value, "style"):
                    del node.attrib[attribute]
            elif attribute in LOADING or attribute in NAVIGATION:
                verdict = self._url_verdict(name, attribute, value)
                if verdict is not None:
                    gone = self._refuse(node, name, attribute, value, verdict)
                    if gone is not None:
                        return gone
        return None

    def _url_verdict(self, name: str, attribute: str, value: str) -> str | None:
        """'script' for a URL that runs code, 'remote' for a refused load, None when fine."""
        urls = srcset_urls(value) if "srcset" in attribute else value.split() if attribute == "ping" else [value]
        loads = attribute in LOADING or (name in HREF_LOADERS and attribute in ("href", "xlink:href"))
        media = loads and name not in EMBEDS | {"script", "link", "use"}
        for url in urls:
            scheme = scheme_of(url)
            if scheme in SCRIPT_SCHEMES and not (scheme == "data" and media and MEDIA_DATA.match(clean_url(url))):
                return "script"
        if self.allow or not loads:
            return None
        return "remote" if any(is_remote(url) for url in urls) else None

    def _refuse(self, node: Element, name: str, attribute: str, value: str, verdict: str) -> list[Element] | None:
        """Neutralise one attribute's URL; when the element went, the nodes left to visit."""
        if verdict == "script":
            self.report("markup.script", f"{attribute}={scheme_of(value)}:")
            if name == "a":
                return unwrap(node)  # its content stays, the link goes
            if name in RESOURCES and attribute in ("src", "href", "xlink:href"):
                return drop(node)
            del node.attrib[attribute]
            return None
        if name in ("img", "video", "audio") and attribute == "src":
            return self._remote_media(node, name, value)
        self.report("markup.remote", f"<{name} {attribute}>", value)
        if name in RESOURCES and attribute in ("src", "href", "xlink:href"):
            return drop(node)
        del node.attrib[attribute]
        return None

    def _remote_media(self, node: Element, name: str, url: str) -> list[Element]:
        """A remote image or media: its address as a plain link (an emoji: its character)."""
        alt = (node.get("alt") or "").strip()
        if name == "img" and set((node.get("class") or "").split()) & EMOJI_CLASSES and alt:
            replace(node, alt)  # Material's emoji from a CDN: the character says the same
            return []
        self.report("markup.remote", f"<{name}>", url)
        as_link(node, url, alt or clean_url(url))
        return []

    def _embed(self, node: Element, name: str) -> list[Element]:
        """Frames, objects and embeds: remote ones stay when allowed, others become a link."""
        url = node.get("data" if name == "object" else "src") or ""
        scheme = scheme_of(url)
        if node.get("srcdoc") is not None or scheme in SCRIPT_SCHEMES:
            self.report("markup.script", f"<{name} srcdoc>" if node.get("srcdoc") is not None else f"<{name}>", url)
            if scheme in SCRIPT_SCHEMES or not url:
                return drop(node)
            del node.attrib["srcdoc"]
        if self.allow and is_remote(url):
            gone = self._attributes(node, name)
            return list(node) if gone is None else gone
        if not url:
            return drop(node)
        self.report("markup.remote" if is_remote(url) else "markup.embed", f"<{name}>", url)
        as_link(node, url, (node.get("title") or "").strip() or clean_url(url))
        return []

    def _link_allowed(self, node: Element) -> bool:
        href = node.get("href") or ""
        if scheme_of(href) in SCRIPT_SCHEMES:
            self.report("markup.script", "<link>")
            return False
        if is_remote(href) and not self.allow:
            self.report("markup.remote", "<link>", href)
            return False
        return True

    def _css_refused(self, css: str, what: str) -> bool:
        """Whether CSS runs code or loads from elsewhere (reported), so that it must go."""
        text = re.sub(r"/\*.*?\*/", "", css_unescape(css), flags=re.DOTALL).lower()
        urls = css_urls(text)
        if any(word in text for word in ("expression", "javascript:", "vbscript:", "behavior", "-moz-binding")) \
                or any(scheme_of(url) in SCRIPT_SCHEMES - {"data"} for url in urls):
            self.report("markup.script", what)
            return True
        if not self.allow and ("//" in text or any(is_remote(url) for url in urls)):
            self.report("markup.remote", what, next((url for url in urls if is_remote(url)), ""))
            return True
        return False

    def _mermaid(self, node: Element, name: str) -> None:
        """A diagram Material would draw with mermaid.js from a CDN: shown as its code."""
        self.report("markup.mermaid", "mermaid")
        classes = [c for c in (node.get("class") or "").split() if c.lower() != "mermaid"]
        if classes:
            node.set("class", " ".join(classes))
        else:
            del node.attrib["class"]
        if name not in ("pre", "code"):
            text = node.text_content()
            for child in list(node):
                node.remove(child)
            node.tag, node.text = "pre", None
            code = lxml.html.Element("code")
            code.text = text
            node.append(code)


def _svg_licence(node: Element) -> bool:
    """An icon's `<!--! licence -->` (Font Awesome's, in Material's emoji SVG): it stays."""
    return (node.text or "").startswith("!") and any(name_of(a) == "svg" for a in node.iterancestors())


def _math_script(node: Element) -> bool:
    """MathJax 2's `<script type="math/tex">`: data, not code (browsers do not run it)."""
    kind = (node.get("type") or "").strip().lower()
    return name_of(node) == "script" and kind.startswith("math/") and not node.get("src") and "<" not in (node.text or "")


# -- The pre-filter: markup that needs no parsing -------------------------------------------

# What Python-Markdown, pymdown-extensions and Material write in a page's content.
PLAIN_TAGS = frozenset({
    "a", "abbr", "article", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "i", "img", "input", "ins",
    "kbd", "label", "li", "mark", "ol", "p", "pre", "q", "s", "samp", "section", "small", "span",
    "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time",
    "tr", "u", "ul", "var", "wbr",
})
PLAIN_ATTRIBUTES = frozenset({
    "id", "class", "href", "src", "alt", "title", "width", "height", "colspan", "rowspan",
    "align", "type", "checked", "disabled", "name", "for", "lang", "dir", "start", "open",
    "datetime", "loading", "decoding", "role", "tabindex", "rel", "target", "value", "reversed",
    "scope", "headers", "hidden", "hreflang", "download",
})
_TAG_OPEN = re.compile(r"<(?:([a-zA-Z][^\s/>]*)|[!?])")
_SPACE = " \t\n\r\f"
_NAME_END = _SPACE + "/>=\"'<"
_TABLE_ALIGN = re.compile(r' style="text-align: (?:left|right|center);"')
_SRC = re.compile(r"""src\s*+=\s*+(?:"([^"]*)"|'([^']*)'|([^\s>]*))""")
_CODE_SCHEMES = ("script:", "data:", "mocha:", "jar:", "blob:", "filesystem:")


def plain(html: str, allow_third_party: bool) -> bool:
    """Whether the HTML is only markup that cannot run or load anything: no need to parse.

    A superset test for anything `make_inert` would change: every tag and attribute name is
    one that Markdown writes, no URL scheme that runs code appears even once entities and
    whitespace are undone, and (unless allowed) no image comes from another site and no
    Mermaid diagram is there. Anything else goes to the parser.
    """
    lowered = html.lower()
    for match in _TAG_OPEN.finditer(lowered):
        if match.group(1) not in PLAIN_TAGS:  # None for comments, doctypes, <?…>
            return False
    if ' style="text-align: ' in lowered:
        lowered = _TABLE_ALIGN.sub("", lowered)
    for name in _attribute_names(lowered):
        if name not in PLAIN_ATTRIBUTES and not name.startswith(("data-", "aria-")):
            return False
    decoded = htmllib.unescape(html) if "&" in html else html
    for control in "\t\n\r\x00":  # a browser drops tabs and newlines inside a URL
        decoded = decoded.replace(control, "")
    decoded = decoded.lower()
    if any(scheme in decoded for scheme in _CODE_SCHEMES):
        return False
    if allow_third_party:
        return True
    if "mermaid" in decoded:
        return False
    return not any(is_remote(next(v for v in match.groups() if v is not None)) for match in _SRC.finditer(decoded))


def _attribute_names(html: str) -> Iterator[str]:
    """The word before every `=` (and its spaces): each attribute name a browser could read
    with a value, and more (prose such as `x = 1`). Faster than a pattern tried at every space.
    """
    equals = html.find("=")
    while equals >= 0:
        end = equals
        while end and html[end - 1] in _SPACE:
            end -= 1
        start = end
        while start and html[start - 1] not in _NAME_END:
            start -= 1
        yield html[start:end]
        equals = html.find("=", equals + 1)

"""Rendered HTML, parsed: links to private notes removed, and the learner's markup made inert.

Both work on a tree built by a real HTML parser (lxml), never on regular expressions over the
text, because attributes come quoted, single-quoted or bare, over several lines, with
entities inside: a pattern that misses one form publishes the address it was meant to hide.

- `redact_private_links` runs on every page's final content. A cheap pre-filter (is any
  private note's name in the page at all?) keeps parsing for the few pages that need it.
- `make_inert` (from `inert`) runs on the HTML rendered from the learner's own Markdown:
  no script runs from a portfolio's content, and no visitor's browser talks to another site
  unless the learner allowed third-party services.

No MkDocs here.
"""

from __future__ import annotations

from collections.abc import Set

from .htmltree import Element, name_of, parse, serialize, visit
from .inert import Finding, make_inert
from .targets import PRIMARY, PrivateTargets, is_url_attribute, private_targets

__all__ = ["Finding", "make_inert", "redact_private_links"]


# Elements whose content a parser may take for text and a browser for markup, or the reverse.
RAW_TEXT = frozenset({"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes",
                      "noscript", "plaintext", "template"})


def redact_private_links(html: str, page_src: str, private_paths: Set[str]) -> str:
    """The page without any link, image or embed whose URL names a private path.

    A link (`<a>`) becomes its content, without title; an image, media, embed, script or
    stylesheet is removed; any other attribute naming a private path is removed. A link whose
    own text is the private URL (an autolink) goes altogether. `page_src` is the page's source
    path (`recits/a.md`): relative URLs are read from its folder and from its URL's.
    """
    targets = private_targets(private_paths)
    if targets is None or not html or not targets.mentioned(html):
        return html
    body = parse(html)
    redactor = _Redactor(targets, page_src)
    visit(body, redactor.handle)
    return serialize(body) if redactor.changed else html


class _Redactor:
    """One page's redaction: `handle` each node, top down; `changed` once anything went."""

    def __init__(self, targets: PrivateTargets, page_src: str) -> None:
        self.targets = targets
        self.page_src = page_src
        self.changed = False

    def names_private(self, value: str | None, url: bool = True) -> bool:
        return value is not None and self.targets.in_value(value, self.page_src, url)

    def handle(self, node: Element) -> list[Element]:
        name = name_of(node)
        if not name:  # a comment (an icon's licence, say): kept unless it names a private path
            return self._remove(node) if self.names_private(node.text, url=False) else []
        if name in RAW_TEXT and self.names_private(node.text, url=name in ("style", "script")):
            return self._remove(node)
        for attribute, value in list(node.attrib.items()):
            attribute = attribute.lower()
            if not self.names_private(value, is_url_attribute(attribute)):
                continue
            self.changed = True
            if name == "a" and (name, attribute) in PRIMARY:
                return self._unwrap(node)
            if (name, attribute) in PRIMARY:
                return self._remove(node)
            del node.attrib[attribute]
        return list(node)

    def _remove(self, node: Element) -> list[Element]:
        self.changed = True
        node.drop_tree()
        return []

    def _unwrap(self, node: Element) -> list[Element]:
        """A link becomes its content; an autolink, whose content is the address, goes."""
        if self.names_private(node.text_content()):
            return self._remove(node)
        children = list(node)
        node.drop_tag()
        return children

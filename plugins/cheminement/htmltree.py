"""lxml helpers shared by `markup` (redaction) and `inert`: parse a fragment, walk it, edit it.

The walk hands each node to a handler that says which nodes to visit inside it, so that an
element removed or unwrapped on the way is never visited twice nor half visited.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import lxml.html

from .targets import VOID, clean_url

Element = Any  # lxml.html.HtmlElement, or a comment or processing instruction of that tree


def parse(html: str) -> Element:
    """The fragment's elements under a <body>, whatever the fragment starts or ends with."""
    return lxml.html.document_fromstring(f"<html><head></head><body>{html}</body></html>").body


def serialize(body: Element) -> str:
    # The text before the first element is parsed text: `&lt;img …&gt;` came in escaped and
    # must leave escaped, or it becomes markup (lxml escapes the rest, in tostring).
    text = html.escape(body.text or "", quote=False)
    return text + "".join(lxml.html.tostring(child, encoding=str) for child in body)


def visit(root: Element, handle: Callable[[Element], list[Element]]) -> None:
    """Every node in document order; `handle` returns the nodes to visit inside the one it
    was given (none when it removed it, the former children when it unwrapped it).

    What libxml2 nested in a void element (`<embed>text<p>…`, where a browser sees siblings)
    is first moved after it, so that removing the element never removes what followed it.
    """
    stack = list(reversed(root))
    while stack:
        node = stack.pop()
        released = release(node)
        stack.extend(reversed(released + handle(node)))


def release(node: Element) -> list[Element]:
    """Move the text and children of a void element after it; returns the moved children."""
    if name_of(node) not in VOID or (not len(node) and not node.text):
        return []
    parent = node.getparent()
    children = list(node)
    text, tail = node.text or "", node.tail or ""
    node.text = None
    node.tail = text
    for offset, child in enumerate(children, start=1):
        parent.insert(parent.index(node) + offset, child)
    last = children[-1] if children else node
    last.tail = (last.tail or "") + tail
    return children


def name_of(node: Element) -> str:
    """An element's local name (`svg:script` is a `script` for us), '' for a comment."""
    return node.tag.lower().rpartition(":")[2] if isinstance(node.tag, str) else ""


def replace(node: Element, new: Element | str) -> None:
    """Put `new` (an element, or text) where `node` was, keeping the text that followed it."""
    if isinstance(new, str):
        node.tail = new + (node.tail or "")
        node.drop_tree()  # which keeps the tail
        return
    new.tail, node.tail = node.tail, None
    node.getparent().replace(node, new)


def drop(node: Element) -> list[Element]:
    """Remove a node and everything in it (the text after it stays)."""
    node.drop_tree()
    return []


def unwrap(node: Element) -> list[Element]:
    """Remove an element but keep its content, which is then visited in turn."""
    children = list(node)
    node.drop_tag()
    return children


def as_link(node: Element, url: str, text: str) -> None:
    """Replace an element by a plain link to `url` (by `text` alone inside another link)."""
    if any(name_of(ancestor) == "a" for ancestor in node.iterancestors()):
        replace(node, text)
        return
    link = lxml.html.Element("a", href=clean_url(url))
    link.text = text
    replace(node, link)

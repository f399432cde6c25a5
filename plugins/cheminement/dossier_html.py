"""A rendered page's HTML as the dossier prints it: the learner's own text, nothing of ours.

A note's page carries our panels around the learner's text (the fiche, the coach's
feedback, « Cité dans », « Références »). The dossier prints its own short header for each
note, each feedback once and one bibliography, so those panels are left out, as are the
permalink marks (`¶`), which mean nothing on paper. Engine-free: HTML strings in and out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from .htmltree import Element, parse, serialize
from .pagehtml import embed

_SECTION_HEADING = re.compile(r"h[2-6]")


def _ours(element: Element) -> bool:
    """A block our templates added to the page (every one has a `chm…` class)."""
    classes = (element.get("class") or "").split() if isinstance(element.tag, str) else []
    return any(name == "chm" or name.startswith("chm-") for name in classes) or element.get("id") == "en-mes-mots"


def _without_permalinks(root: Element) -> None:
    for link in root.xpath(".//a[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ')]"):
        link.drop_tree()


def own_text(content: str) -> str:
    """The learner's own part of a rendered note or competence page, without its title."""
    body = parse(content)
    for child in list(body):
        if _ours(child) or (child.tag == "h1" and child is body[0]):
            child.drop_tree()
    _without_permalinks(body)
    return serialize(body).strip()


def note_body(content: str, from_url: str, to_url: str, prefix: str, references: Iterable[str],
              local: dict[str, str]) -> str:
    """A note's own text moved into the dossier: URLs rebased, ids made unique.

    Its citations point at the dossier's bibliography (`references`: their anchors), and
    its links to pages the dossier holds at their place in it (`local`: URL -> anchor),
    so that the printed dossier reads on its own.
    """
    own = own_text(content)
    if not own:
        return ""
    # In an element of its own: what embedding parses and writes back is elements only.
    moved = parse(embed(f'<div class="chm-dossier__text">{own}</div>', from_url, to_url, prefix))
    cited = {f"#{prefix}-{anchor}": f"#{anchor}" for anchor in references}
    for element in moved.iter():
        href = element.get("href") if isinstance(element.tag, str) else None
        if href is None:
            continue
        if href in cited:
            element.set("href", cited[href])
        elif (page := href.split("#", 1)[0]) and page in local:
            element.set("href", f"#{local[page]}")
    return serialize(moved)


def introduction(content: str, from_url: str, to_url: str) -> str:
    """The presentation from the home page: its own text up to its first section heading.

    What follows a home page's first heading is usually a way into the site (« Explorer
    le portfolio »), which the dossier's own contents replace; links to the site's pages
    become their text, since a printed dossier is read without the site.
    """
    body = parse(content)
    own = body.find_class("chm-home__own")
    home = body.find_class("chm-home")
    root = own[0] if own else home[0] if home else body
    kept = []
    for child in root:
        if not isinstance(child.tag, str) or child.tag == "h1" or _ours(child):
            if child.tag == "header":
                break  # the generated hero: the learner's text placed before it ends here
            continue
        if _SECTION_HEADING.fullmatch(child.tag):
            break
        kept.append(child)
    fragment = parse("")
    fragment.extend(kept)
    _without_permalinks(fragment)
    for link in list(fragment.iter("a")):
        href = link.get("href") or ""
        if not re.match(r"[a-z][a-z0-9+.-]*:", href, re.IGNORECASE):
            link.drop_tag()
    return embed(f"<div>{serialize(fragment)}</div>", from_url, to_url, "dossier-intro")

"""What the publishing engine may see of a note's front matter: checked, escaped, allowlisted.

MkDocs parses every page's front matter itself and hands all of it to the theme as
`page.meta`, and Material's Jinja templates have no autoescape: `description` and `author`
land raw in a `<meta ... content="…">` attribute, `subtitle` and `status` in the
navigation (`status` inside a class attribute), `tags` in the search index, which the
search box inserts as HTML, `icon` in an `{% include %}` path, and `template` chooses the
file that renders the page (`redirect.html` prints `location` into a script; `blog-post.html`
crashes MkDocs on an ordinary page). Keys no template of ours knows (`revision_date`…) are
printed raw too. A portfolio is untrusted input: on an institution's domain, a script in
one learner's front matter runs for every visitor of every portfolio.

So the adapter never shows the engine MkDocs's view: it shows the dict built here, from the
front matter as our reader read it (canonical keys, aliases resolved). Only keys that
engines read are kept; text is HTML-escaped where Material prints it raw; every other value
is checked against what Material accepts, and refused (an error) otherwise.
"""

from __future__ import annotations

import difflib
import functools
import html
import importlib.util
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import schema
from .messages import CATALOGUE, Term
from .model import Severity

# Page templates that render an ordinary page. Material's others do not: `blog-post.html`
# needs the blog plugin (MkDocs crashes with a traceback), `404.html` is the error page and
# `redirect.html` prints `page.meta.location` unescaped into a script.
PAGE_TEMPLATES = ("main.html", "blog.html")
# What Material hides with `hide:` (its templates test `"<value>" in page.meta.hide`).
HIDE_VALUES = ("navigation", "toc", "footer", "feedback", "path", "tags")
SEARCH_KEYS = ("exclude", "boost")
SOCIAL_KEYS = ("cards",)

# An icon name as Material writes them (`material/school`, `fontawesome/brands/github`):
# lower-case words, at least one folder, nothing that could leave `.icons/`.
_ICON = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)+")
# A CSS class suffix or URL segment (`status`, `slug`, blog `authors`).
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*")
# A link of the blog's `links`: a path or URL without anything that could leave an attribute.
_LINK = re.compile(r"[^\s<>\"'`]+")
SHOWN_CHARS = 80  # values quoted in messages are cut there

Suggestion = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class Finding:
    """A problem with one engine key; load.py adds the file and the line of `where`."""

    where: tuple[str | int, ...]
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    fixes: tuple[Suggestion, ...] = ()
    severity: Severity = Severity.ERROR


def type_name(value: object) -> str:
    """The catalogue key naming a value's type, for « must be a text (here: a list) »."""
    key = f"got.{type(value).__name__}"
    return key if key in CATALOGUE else "got.other"  # !!binary, !!set, !!timestamp…


def shown(value: object) -> str:
    """A value as a message may quote it, cut short: a front-matter value may be a megabyte
    (never more, and never an alias bomb: frontmatter.py refuses both before this runs)."""
    text = value if isinstance(value, str) else "true" if value is True else "false" if value is False else str(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def escape(text: str, quote: bool = True) -> str:
    """HTML-escaped text for a template that prints it raw (in an attribute when `quote`)."""
    return html.escape(text, quote=quote)


# -- Reading one value ------------------------------------------------------------------


class _Checker:
    """Checks the engine keys of one front matter, collecting findings."""

    def __init__(self, meta: Mapping[str, Any]) -> None:
        self.meta = meta
        self.findings: list[Finding] = []

    def find(self, where: tuple[str | int, ...], code: str, params: dict[str, Any], *fixes: Suggestion) -> None:
        self.findings.append(Finding(where, code, params, tuple(fixes)))

    def bad_type(self, key: str, expected: str, value: object, example: str) -> None:
        # The same problem as load.py's reader reports, so that one mistake reads once.
        self.find((key,), "bad-type", {"key": key, "expected": Term(expected), "got": Term(type_name(value))},
                  ("bad-type.fix", {"example": example}))

    def text(self, key: str) -> str | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.bad_type(key, "type.text", value, f"{key}: …")
            return None
        return str(value).strip() or None

    def texts(self, key: str) -> list[str] | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return [value.strip()] if value.strip() else []
        if isinstance(value, list) and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in value):
            return [str(v).strip() for v in value if str(v).strip()]
        self.bad_type(key, "type.list", value, f"{key}: [a, b]")
        return None

    def boolean(self, key: str, value: object, where: tuple[str | int, ...]) -> bool | None:
        if isinstance(value, bool):
            return value
        self.find(where, "bad-bool", {"key": ".".join(str(w) for w in where), "value": shown(value)},
                  ("bad-bool.fix", {"key": key}))
        return None

    def token(self, key: str, value: object, where: tuple[str | int, ...], rule: str, example: str,
              pattern: re.Pattern[str] = _TOKEN) -> str | None:
        if isinstance(value, str) and pattern.fullmatch(value.strip()):
            return value.strip()
        self.find(where, "engine-value", {"key": key, "value": shown(value), "rule": Term(rule)},
                  ("engine-value.fix", {"example": example}))
        return None

    def mapping(self, key: str, allowed: tuple[str, ...], expected: str, example: str) -> dict[str, Any] | None:
        value = self.meta.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.bad_type(key, expected, value, example)
            return None
        unknown = [str(k) for k in value if k not in allowed]
        for name in unknown:
            self.find((key,), "unknown-choice", {"key": key, "value": shown(name)},
                      *_guess(name, allowed), ("unknown-choice.fix", {"choices": ", ".join(allowed)}))
        return None if unknown else value


def _guess(value: str, choices: Iterable[str]) -> list[Suggestion]:
    match = difflib.get_close_matches(value.strip().lower(), list(choices), n=1, cutoff=0.6)
    return [("did-you-mean", {"guess": match[0]})] if match else []


# -- One handler per key --------------------------------------------------------------------


def _description(check: _Checker, out: dict[str, Any]) -> None:
    text = check.text("description")
    if text:
        out["description"] = escape(text)  # <meta name="description" content="…">


def _author(check: _Checker, out: dict[str, Any]) -> None:
    text = check.text("auteur")
    if text:
        out["author"] = escape(text)  # <meta name="author" content="…">


def _tags(check: _Checker, out: dict[str, Any]) -> None:
    tags = check.texts("tags")
    if tags:
        # Search inserts tags as HTML; the tags plugin prints them as text. Quotes stay
        # quotes so that tag pages keep readable slugs.
        out["tags"] = [escape(tag, quote=False) for tag in tags]


def _subtitle(check: _Checker, out: dict[str, Any]) -> None:
    text = check.text("subtitle")
    if text:
        out["subtitle"] = escape(text)


def _categories(check: _Checker, out: dict[str, Any]) -> None:
    items = check.texts("categories")
    if items:
        out["categories"] = [escape(item) for item in items]


def _status(check: _Checker, out: dict[str, Any]) -> None:
    value = check.meta.get("status")
    if value is not None:
        token = check.token("status", value, ("status",), "engine.rule.token", "status: new")
        if token:
            out["status"] = token  # class="md-status md-status--…"


def _slug(check: _Checker, out: dict[str, Any]) -> None:
    value = check.meta.get("slug")
    if value is not None:
        token = check.token("slug", value, ("slug",), "engine.rule.token", "slug: mon-article")
        if token:
            out["slug"] = token


def _icon(check: _Checker, out: dict[str, Any]) -> None:
    value = check.meta.get("icon")
    if value is None:
        return
    name = check.token("icon", value, ("icon",), "engine.rule.icon", "icon: material/school", _ICON)
    if name is None:
        return
    known = material_icons()
    if known is not None and name not in known:
        # Material includes `.icons/<name>.svg`: a missing icon crashes the build.
        family = name.split("/", 1)[0]
        close = difflib.get_close_matches(name, [i for i in known if i.startswith(family + "/")], n=1)
        fixes = [("did-you-mean", {"guess": close[0]})] if close else []
        check.find(("icon",), "engine-icon-unknown", {"value": shown(name)}, *fixes, ("engine-icon-unknown.fix", {}))
        return
    out["icon"] = name


def _template(check: _Checker, out: dict[str, Any]) -> None:
    value = check.meta.get("template")
    if value is None:
        return
    if isinstance(value, str) and value.strip() in PAGE_TEMPLATES:
        out["template"] = value.strip()
        return
    text = value if isinstance(value, str) else ""
    check.find(("template",), "engine-template", {"value": shown(value)},
               *_guess(text, PAGE_TEMPLATES), ("engine-template.fix", {"choices": ", ".join(PAGE_TEMPLATES)}))


def _hide(check: _Checker, out: dict[str, Any]) -> None:
    value = check.meta.get("hide")
    if value is None:
        return
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        check.bad_type("hide", "type.list", value, "hide: [navigation, toc]")
        return
    kept = []
    for index, item in enumerate(items):
        where: tuple[str | int, ...] = ("hide", index) if isinstance(value, list) else ("hide",)
        if isinstance(item, str) and item.strip() in HIDE_VALUES:
            kept.append(item.strip())
        else:
            check.find(where, "unknown-choice", {"key": "hide", "value": shown(item)},
                       *_guess(item if isinstance(item, str) else "", HIDE_VALUES),
                       ("unknown-choice.fix", {"choices": ", ".join(HIDE_VALUES)}))
    if kept:
        out["hide"] = kept


def _search(check: _Checker, out: dict[str, Any]) -> None:
    value = check.mapping("search", SEARCH_KEYS, "type.search", "search: {exclude: true}")
    if value is None:
        return
    kept: dict[str, Any] = {}
    if "exclude" in value:
        exclude = check.boolean("exclude", value["exclude"], ("search",))
        if exclude is not None:
            kept["exclude"] = exclude
    if "boost" in value:
        boost = value["boost"]
        if isinstance(boost, (int, float)) and not isinstance(boost, bool) and 0 <= boost <= 100:
            kept["boost"] = boost
        else:
            check.find(("search",), "engine-value", {"key": "search.boost", "value": shown(boost),
                                                     "rule": Term("engine.rule.boost")},
                       ("engine-value.fix", {"example": "search: {boost: 2}"}))
    if kept:
        out["search"] = kept


def _social(check: _Checker, out: dict[str, Any]) -> None:
    value = check.mapping("social", SOCIAL_KEYS, "type.social", "social: {cards: false}")
    if value is not None and "cards" in value:
        cards = check.boolean("cards", value["cards"], ("social",))
        if cards is not None:
            out["social"] = {"cards": cards}


def _flag(key: str) -> Callable[[_Checker, dict[str, Any]], None]:
    def handler(check: _Checker, out: dict[str, Any]) -> None:
        if key in check.meta:
            flag = check.boolean(key, check.meta[key], (key,))
            if flag is not None:
                out[key] = flag

    return handler


def _tokens(key: str, rule: str, example: str, pattern: re.Pattern[str] = _TOKEN,
            single: bool = False) -> Callable[[_Checker, dict[str, Any]], None]:
    """A list of tokens (author ids, link targets), each matching `pattern`; with `single`,
    one token may also be written alone."""
    def handler(check: _Checker, out: dict[str, Any]) -> None:
        value = check.meta.get(key)
        if value is None:
            return
        alone = single and isinstance(value, str)
        items = [value] if alone else value
        if not isinstance(items, list):
            check.bad_type(key, "type.ids" if single else "type.list", value, example)
            return
        kept = [check.token(key, item, (key,) if alone else (key, i), rule, example, pattern)
                for i, item in enumerate(items)]
        if all(kept):
            out[key] = kept

    return handler


def _readtime(check: _Checker, out: dict[str, Any]) -> None:
    value = check.meta.get("readtime")
    if value is None:
        return
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000:
        out["readtime"] = value
    else:
        check.find(("readtime",), "engine-value", {"key": "readtime", "value": shown(value),
                                                   "rule": Term("engine.rule.minutes")},
                   ("engine-value.fix", {"example": "readtime: 5"}))


# Canonical key (as load.py's reader names it) -> what it gives the engine.
HANDLERS: dict[str, Callable[[_Checker, dict[str, Any]], None]] = {
    "description": _description,
    "auteur": _author,
    "tags": _tags,
    "subtitle": _subtitle,
    "status": _status,
    "icon": _icon,
    "template": _template,
    "hide": _hide,
    "search": _search,
    "comments": _flag("comments"),
    "social": _social,
    "authors": _tokens("authors", "engine.rule.token", "authors: [prenom-nom]", single=True),
    "categories": _categories,
    "slug": _slug,
    "pin": _flag("pin"),
    "links": _tokens("links", "engine.rule.link", "links: [recits/mon-recit.md]", _LINK),
    "readtime": _readtime,
    "render_macros": _flag("render_macros"),
}


def build(meta: Mapping[str, Any], title: str = "") -> tuple[dict[str, Any], list[Finding]]:
    """The `page.meta` an engine should see for a note, and what is wrong with its values.

    `meta` is the front matter as load.py's reader holds it (canonical keys); `title` is
    the note's title as text (front matter or first heading), escaped here like every
    value a template prints raw. Keys that no engine reads are left out.
    """
    check = _Checker(meta)
    out: dict[str, Any] = {}
    if title:
        out["title"] = escape(title, quote=False)  # <title>, header, navigation, search
    for key, handler in HANDLERS.items():
        if key in meta:
            handler(check, out)
    return out, check.findings


@functools.cache
def material_icons() -> frozenset[str] | None:
    """The icon names Material ships (`material/school`…), or None without Material.

    Found on disk without importing the theme: the core does not depend on an engine.
    """
    try:
        spec = importlib.util.find_spec("material")
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not locations:
        return None
    folder = Path(locations[0]) / "templates" / ".icons"
    if not folder.is_dir():
        return None
    return frozenset(p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob("*.svg"))


def for_theme(current: Mapping[str, Any], learner: Mapping[str, Any], checked: Mapping[str, Any]) -> dict[str, Any]:
    """What the theme sees of a page's meta: the learner's values only as our reader checked them.

    `current` is the meta the engine built (its own parse of the file, what other plugins
    added); `learner` the front matter as our reader read it (canonical keys); `checked` its
    checked, escaped version (`build`). Keys from the front matter are replaced by `checked`;
    keys other plugins added (a revision date) stay; engine keys from another source
    (Material's meta plugin reads `.meta.yml` files of the portfolio) are checked here too.
    """
    from_learner = {key for key in current if schema.canonical_key(str(key)) in learner}
    others = {key: value for key, value in current.items() if key not in from_learner}
    engine_keys = {key: value for key, value in others.items() if key in schema.ENGINE_KEYS}
    from_others, _ = build(engine_keys)
    kept = {key: value for key, value in others.items() if key not in schema.ENGINE_KEYS and key != "title"}
    return {**kept, **from_others, **checked}

"""The presentation part of a learner's mkdocs.yml in an institution build: theme, nav, Markdown.

These values only change how the learner's own pages look, so they are kept, but checked
against fixed lists (Material's colours, languages, icons and features; Markdown extensions
that read no file and run no code) because Material prints several of them raw into HTML:
text that reaches a page is HTML-escaped here, and anything that would be a path or a URL
must be a plain relative path or an http(s) address.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from .messages import message

if TYPE_CHECKING:
    from .learner import LearnerConfig, Refused

MAX_TEXT = 2000  # characters of a site name, description, footer…
MAX_NAV_ITEMS = 2000
MAX_NAV_DEPTH = 6

# Material features that only change how pages look or behave in the reader's browser.
FEATURES = frozenset({
    "navigation.tabs", "navigation.tabs.sticky", "navigation.sections", "navigation.expand",
    "navigation.path", "navigation.prune", "navigation.indexes", "navigation.top",
    "navigation.footer", "navigation.tracking", "toc.follow", "toc.integrate",
    "search.suggest", "search.highlight", "search.share", "header.autohide",
    "content.code.copy", "content.code.annotate", "content.tabs.link", "content.tooltips",
})
PRIMARY = frozenset({
    "red", "pink", "purple", "deep purple", "indigo", "blue", "light blue", "cyan", "teal",
    "green", "light green", "lime", "yellow", "amber", "orange", "deep orange", "brown",
    "grey", "blue grey", "black", "white",
})
ACCENT = PRIMARY - {"brown", "grey", "blue grey", "black", "white"}
MEDIA = frozenset({"(prefers-color-scheme)", "(prefers-color-scheme: light)", "(prefers-color-scheme: dark)"})
# Markdown extensions that read no file and run no code given in the configuration, with
# the few scalar options each may keep.
EXTENSIONS: dict[str, frozenset[str]] = {
    "abbr": frozenset(), "admonition": frozenset(), "attr_list": frozenset(), "def_list": frozenset(),
    "footnotes": frozenset(), "md_in_html": frozenset(), "tables": frozenset(),
    "toc": frozenset({"permalink", "toc_depth"}),
    "pymdownx.betterem": frozenset(), "pymdownx.caret": frozenset(), "pymdownx.details": frozenset(),
    "pymdownx.highlight": frozenset({"linenums", "anchor_linenums"}), "pymdownx.inlinehilite": frozenset(),
    "pymdownx.keys": frozenset(), "pymdownx.mark": frozenset(), "pymdownx.smartsymbols": frozenset(),
    "pymdownx.superfences": frozenset(), "pymdownx.tabbed": frozenset({"alternate_style"}),
    "pymdownx.tasklist": frozenset({"custom_checkbox"}), "pymdownx.tilde": frozenset(),
}

URL = re.compile(r"https?://[^\s\"'<>`\\]+")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ICON = re.compile(r"(material|fontawesome/(?:solid|regular|brands)|octicons)/[a-z0-9-]+")


def escape(text: str) -> str:
    """HTML-escape a value Material prints raw (in text and in double-quoted attributes).

    The apostrophe is left alone: no template quotes an attribute with it, and French
    names are full of them.
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


class AppearanceChecks:
    """Checks of the theme, the navigation and Markdown extensions, mixed into the reader."""

    lang: str
    result: LearnerConfig

    def refuse(self, key: str, detail: str) -> Refused:
        raise NotImplementedError

    def text(self, key: str, value: object) -> str:
        raise NotImplementedError

    # -- Theme ----------------------------------------------------------------------------------

    def theme(self, key: str, value: object) -> None:
        if isinstance(value, str):
            value = {"name": value}
        if not isinstance(value, dict):
            raise self.refuse(key, message("institution.expected-mapping", self.lang))
        theme: dict[str, Any] = {}
        for name, item in value.items():
            name = str(name)
            if name == "name" and item in ("material", None):
                continue
            if name == "language" and item is not None:
                theme["language"] = self.theme_language(f"theme.{name}", item)
            elif name == "palette" and item is not None:
                theme["palette"] = self.palette(f"theme.{name}", item)
            elif name == "features" and item is not None:
                theme["features"] = self.features(f"theme.{name}", item)
            else:
                self.result.ignored.append(f"theme.{name}")
        if theme:
            self.result.mkdocs["theme"] = theme

    def theme_language(self, key: str, value: object) -> str:
        if not isinstance(value, str) or value not in _material_languages():
            raise self.refuse(key, message("institution.unknown-value", self.lang, value=value))
        return value

    def features(self, key: str, value: object) -> list[str]:
        if not isinstance(value, list):
            raise self.refuse(key, message("institution.expected-list", self.lang))
        kept = [f for f in value if isinstance(f, str) and f in FEATURES]
        self.result.ignored.extend(f"{key}: {f}" for f in value if f not in kept)
        return kept

    def palette(self, key: str, value: object) -> dict[str, Any] | list[dict[str, Any]]:
        if isinstance(value, dict):
            return self.palette_entry(key, value)
        if not isinstance(value, list) or not value or len(value) > 4:
            raise self.refuse(key, message("institution.expected-palette", self.lang))
        return [self.palette_entry(f"{key}[{i}]", entry) for i, entry in enumerate(value)]

    def palette_entry(self, key: str, entry: object) -> dict[str, Any]:
        if not isinstance(entry, dict):
            raise self.refuse(key, message("institution.expected-palette", self.lang))
        allowed: dict[str, frozenset[str]] = {"scheme": frozenset({"default", "slate"}), "primary": PRIMARY,
                                              "accent": ACCENT, "media": MEDIA}
        kept: dict[str, Any] = {}
        for name, item in entry.items():
            name = str(name)
            if name in allowed:
                if not isinstance(item, str) or item not in allowed[name]:
                    raise self.refuse(f"{key}.{name}", message("institution.unknown-value", self.lang, value=item))
                kept[name] = item
            elif name == "toggle" and isinstance(item, dict):
                icon, label = item.get("icon"), item.get("name")
                if not isinstance(icon, str) or not _ICON.fullmatch(icon) or not _icon_exists(icon):
                    raise self.refuse(f"{key}.toggle.icon", message("institution.unknown-value", self.lang, value=icon))
                kept["toggle"] = {"icon": icon, "name": escape(self.text(f"{key}.toggle.name", label or ""))}
            else:
                raise self.refuse(f"{key}.{name}", message("institution.unknown-value", self.lang, value=item))
        return kept

    # -- Navigation -----------------------------------------------------------------------------

    def nav(self, key: str, value: object) -> None:
        count = [0]
        self.result.mkdocs["nav"] = self.nav_items(key, value, 1, count)

    def nav_items(self, key: str, value: object, depth: int, count: list[int]) -> list[Any]:
        if not isinstance(value, list) or depth > MAX_NAV_DEPTH:
            raise self.refuse(key, message("institution.bad-nav", self.lang))
        items: list[Any] = []
        for item in value:
            count[0] += 1
            if count[0] > MAX_NAV_ITEMS:
                raise self.refuse(key, message("institution.bad-nav", self.lang))
            if isinstance(item, str):
                items.append(self.nav_target(key, item))
            elif isinstance(item, dict) and len(item) == 1:
                ((title, target),) = item.items()
                title = escape(self.text(key, title))
                if isinstance(target, list):
                    items.append({title: self.nav_items(key, target, depth + 1, count)})
                else:
                    items.append({title: self.nav_target(key, target)})
            else:
                raise self.refuse(key, message("institution.bad-nav", self.lang))
        return items

    def nav_target(self, key: str, target: object) -> str:
        """A page of the portfolio (relative path) or a web address (http, https)."""
        if isinstance(target, str) and (URL.fullmatch(target) or is_plain_relative(target)):
            return target
        raise self.refuse(key, message("institution.bad-nav-target", self.lang, value=target))

    # -- Markdown extensions --------------------------------------------------------------------------

    def extensions(self, key: str, value: object) -> None:
        if not isinstance(value, list):
            raise self.refuse(key, message("institution.expected-list", self.lang))
        kept: list[Any] = []
        for item in value:
            name, options = (item, {}) if isinstance(item, str) else single(item)
            if name not in EXTENSIONS:
                self.result.ignored.append(f"{key}: {name}")
                continue
            allowed = {k: v for k, v in (options or {}).items()
                       if k in EXTENSIONS[name] and isinstance(v, (bool, int)) and not isinstance(v, float)}
            dropped = sorted(str(k) for k in (options or {}) if k not in allowed)
            self.result.ignored.extend(f"{key}: {name}.{k}" for k in dropped)
            kept.append({name: allowed} if allowed else name)
        self.result.mkdocs["markdown_extensions"] = kept


def single(item: object) -> tuple[str, Any]:
    """`{name: options}` as found in MkDocs' lists of plugins and extensions."""
    if isinstance(item, dict) and len(item) == 1:
        ((name, options),) = item.items()
        return str(name), options if isinstance(options, dict) else {}
    return repr(item)[:60], {}


def is_plain_relative(path: str) -> bool:
    """A relative POSIX path with no `..`, no leading `/`, no backslash or control character."""
    if not path or path.startswith("/") or "\\" in path or ":" in path or CONTROL.search(path):
        return False  # ":" also refuses `javascript:` and `C:` (a nav entry would be a link)
    return all(part not in ("", ".", "..") for part in path.split("/"))


def _material_languages() -> frozenset[str]:
    folder = resources.files("material").joinpath("templates", "partials", "languages")
    return frozenset(entry.name.removesuffix(".html") for entry in folder.iterdir() if entry.name.endswith(".html"))


def _icon_exists(icon: str) -> bool:
    return resources.files("material").joinpath("templates", ".icons", *f"{icon}.svg".split("/")).is_file()

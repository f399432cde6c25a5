"""The plugins learners combine with Cheminement: which work as they are, on what condition,
and which are refused, with the message that says why and what to do instead.

Engine-free: the adapter describes the configured plugins (name, the module of their class,
their options) and applies what is decided here. docs/extensions.md is the learner's side
of the same table; tests/test_ecosystem.py builds each combination.

- mkdocs-static-i18n: refused. It builds the site once per language and rebuilds MkDocs's
  file list from the disk, so it drops what the build generates (our pages) and crashes on
  it; a portfolio is one person's notes in one language, and two languages are two sites.
- Material's blog: works in a folder of its own. In a notes folder or at the root its index
  would replace our listing or home page, and it writes that index into the folder.
- mkdocs-macros: works, in either order; what it includes must be published.
- awesome-nav: its `.nav.yml` makes the navigation; we say which of our pages it leaves out.
- Material's tags: our notes' `tags` feed it; its listing directive survives comment removal.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .messages import message
from .settings import Settings

I18N = "mkdocs_static_i18n"
BLOG = "material.plugins.blog"
TAGS = "material.plugins.tags"
AWESOME_NAV = "mkdocs_awesome_nav"
MACROS = "mkdocs_macros"
TAGS_DIRECTIVE = "material/tags"  # the tags plugin's `listings_directive` default


@dataclass(frozen=True)
class Configured:
    """A plugin as mkdocs.yml configures it: its name there, its class's module, its options."""

    name: str
    module: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def comes_from(self, package: str) -> bool:
        return self.module == package or self.module.startswith(package + ".")


def refusal(plugins: Sequence[Configured], settings: Settings) -> str | None:
    """Why the configured plugins cannot build this portfolio, in the learner's language;
    None when they can. Checked before any plugin touches a file."""
    lang = settings.lang
    for plugin in plugins:
        if plugin.comes_from(I18N):
            return message("ecosystem.i18n", lang, plugin=plugin.name)
        if plugin.comes_from(BLOG) and plugin.options.get("enabled", True) is not False:
            folder = blog_folder(plugin.options.get("blog_dir", "blog"))
            if _not_its_own(folder, settings):
                return message("ecosystem.blog-folder", lang, plugin=plugin.name, folder=folder or ".")
    return None


def blog_folder(value: object) -> str:
    """The blog's folder as a plain relative path ("" for the portfolio's root)."""
    folder = posixpath.normpath(str(value or ".").replace("\\", "/")).strip("/")
    return "" if folder == "." else folder


def _not_its_own(folder: str, settings: Settings) -> bool:
    """Whether the blog's folder is the root, a notes or private folder, or holds our pages."""
    if not folder or folder.startswith(".."):
        return True
    if settings.kind_of_folder(folder.split("/", 1)[0]) is not None or settings.is_in_private_folder(folder):
        return True
    generated = (settings.competence_index, settings.timeline_page, settings.bibliography_page,
                 settings.changes_page, settings.dossier_page or "", settings.review_page)
    return any(path.casefold().startswith(folder.casefold() + "/") for path in generated if path)


def directives(plugins: Iterable[Configured]) -> tuple[str, ...]:
    """The HTML comments other plugins read as instructions, kept when comments go."""
    return tuple(str(p.options.get("listings_directive") or TAGS_DIRECTIVE) for p in plugins
                 if p.comes_from(TAGS) and p.options.get("enabled", True) is not False)


def makes_nav(plugins: Iterable[Configured]) -> bool:
    """Whether another plugin builds the navigation from the learner's files (`.nav.yml`)."""
    return any(p.comes_from(AWESOME_NAV) and p.options.get("enabled", True) is not False for p in plugins)


def nav_files(plugins: Iterable[Configured]) -> frozenset[str]:
    """The names of the files awesome-nav reads its navigation from (`.nav.yml`)."""
    return frozenset(str(p.options.get("filename") or ".nav.yml") for p in plugins
                     if p.comes_from(AWESOME_NAV) and p.options.get("enabled", True) is not False)


def keeps(path: str, names: Set[str], settings: Settings) -> bool:
    """Whether a file the engine leaves out of the site must still stay among its files for
    another plugin to read: awesome-nav's `.nav.yml`, unless in a private folder (its
    titles would name private notes)."""
    return posixpath.basename(path) in names and not settings.is_in_private_folder(path)


def missing_from_nav(main_pages: Iterable[str], in_nav: Set[str]) -> list[str]:
    """Our main pages (home, indexes, timeline…) that the learner's navigation leaves out."""
    return sorted(path for path in set(main_pages) if path not in in_nav)


class PublishedIncludes(jinja2.BaseLoader):
    """A Jinja loader (mkdocs-macros' `{% include %}`, `{% import %}`) that reads a file of
    the portfolio only when the site publishes it: a macro must not put a private note's
    text into a public page. Files outside the portfolio folder are the learner's
    templates, let through. Each refusal is kept for the adapter to report on its page."""

    def __init__(self, loader: jinja2.BaseLoader, docs_dir: Path, published: Set[str],
                 refused_text: Callable[[str], str]) -> None:
        self.loader: jinja2.BaseLoader = loader.loader if isinstance(loader, PublishedIncludes) else loader
        self.docs = Path(os.path.realpath(docs_dir))
        self.published = published
        self.refused_text = refused_text
        self.refused: list[str] = []

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool] | None]:
        source, filename, uptodate = self.loader.get_source(environment, template)
        if filename is not None:
            real = Path(os.path.realpath(filename))
            if real.is_relative_to(self.docs) and real.relative_to(self.docs).as_posix() not in self.published:
                path = real.relative_to(self.docs).as_posix()
                self.refused.append(path)
                raise jinja2.TemplateNotFound(template, self.refused_text(path))
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.loader.list_templates()

    def take(self) -> list[str]:
        """The files refused since the last call (the page being rendered asked for them)."""
        refused, self.refused = self.refused, []
        return refused

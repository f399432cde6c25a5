"""The MkDocs side of publication: which of MkDocs's files are the portfolio's, which leave.

Under a plain `mkdocs build` or `serve` the private notes are on disk, so the plugin must
take them out of MkDocs's files before anything else reads them. Every rule here fails
closed: when in doubt, a file does not reach the site.
"""

from __future__ import annotations

import contextlib
import os
from urllib.parse import urlsplit
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Link

from .messages import message
from .model import MARKDOWN_SUFFIXES

SNIPPETS = "pymdownx.snippets"


def ensure_first(config: MkDocsConfig, handler: Callable[..., Any], lang: str) -> None:
    """Stop the build when another plugin reads the files before our privacy filter.

    A plugin that runs first (Material's blog, listed before us with a higher priority)
    would read and publish private posts before we remove them.
    """
    handlers = config.plugins.events["files"]
    if not handlers or _same(handlers[0], handler):
        return
    first = handlers[0]
    # A plugin's handler is a bound method; a hook's (`hooks:` in mkdocs.yml) is a function.
    name = next((key for key, plugin in config.plugins.items() if getattr(plugin, "on_files", None) == first),
                getattr(first, "__qualname__", repr(first)))
    raise PluginError(message("plugin-order", lang, plugin=name))


def _same(a: Callable[..., Any], b: Callable[..., Any]) -> bool:
    return getattr(a, "__func__", a) is getattr(b, "__func__", b) and getattr(a, "__self__", None) is getattr(b, "__self__", None)


def of_portfolio(files: Files, config: MkDocsConfig) -> list[File]:
    """MkDocs's files that come from the portfolio folder, excluded ones included.

    Files under `exclude_docs` are never published by MkDocs, but what they use must still
    count as used by a private note, so the filter sees them too.
    """
    docs_dir = os.path.normpath(config.docs_dir)
    return [f for f in files if f.src_dir and os.path.normpath(f.src_dir) == docs_dir]


def leaves(file: File, docs_dir: Path) -> bool:
    """A file whose real place is outside the portfolio (a symbolic link): never published.

    MkDocs follows links, so `journal -> ../other/journal` would publish another folder.
    """
    real = Path(os.path.realpath(file.abs_src_path or ""))
    return not real.is_relative_to(os.path.realpath(docs_dir))


def remove(files: Files, file: File) -> None:
    """Take a file out of the build, and out of a site an earlier build left (`--dirty`)."""
    files.remove(file)
    target = Path(file.abs_dest_path)
    if target.is_file():
        target.unlink()
        with contextlib.suppress(OSError):
            target.parent.rmdir()  # only when empty, e.g. recits/x/ of recits/x/index.html


def force_rebuild(files: Files) -> None:
    """Under --dirty MkDocs rebuilds only pages whose own source changed, but every page
    shows data from others (backlinks, indexes, nav): a note made private would stay on the
    pages that cite it. Removing their output makes MkDocs rebuild them all."""
    for file in files.documentation_pages():
        with contextlib.suppress(OSError):
            Path(file.abs_dest_path).unlink()


def snippet_bases(config: MkDocsConfig) -> tuple[list[Path], list[str]] | None:
    """Where `pymdownx.snippets` looks for files and what it appends, when it is enabled.

    Its base paths are relative to the working folder, as the extension resolves them.
    `restrict_base_path` is forced on so that no `../` climbs out of them.
    """
    if SNIPPETS not in config.markdown_extensions:
        return None
    options = config.mdx_configs.setdefault(SNIPPETS, {})
    options["restrict_base_path"] = True
    bases = options.get("base_path", ["."])
    bases = [bases] if isinstance(bases, str) else list(bases)
    return [Path(os.path.abspath(b)) for b in bases], [str(p) for p in options.get("auto_append", [])]


def nav_sources(url: str) -> set[str]:
    """The source paths a hand-written nav URL may point at (`a.md#x`, `a/`, `/a/`…)."""
    path = urlsplit(url).path.strip().lstrip("/")
    while path.startswith("./"):
        path = path[2:]
    if path.endswith("/"):
        stems = {path.rstrip("/"), path + "index", path + "README"}
    elif path.endswith(".html"):
        stems = {path[: -len(".html")], path.replace("index.html", "index")}
    else:
        return {path}
    # Any suffix MkDocs renders: a private `notes/x.markdown` is served at `notes/x/` too.
    return {stem + suffix for stem in stems for suffix in MARKDOWN_SUFFIXES}


def drop_private_links(items: list, private: dict[str, object]) -> None:
    for item in list(items):
        if isinstance(item, Link) and not urlsplit(item.url).netloc and nav_sources(item.url) & set(private):
            items.remove(item)
        elif getattr(item, "children", None):
            drop_private_links(item.children, private)

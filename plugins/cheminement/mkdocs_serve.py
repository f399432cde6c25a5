"""The MkDocs side of errors under `serve` (errorbanner.py decides; this file applies).

MkDocs's live server holds every request while a build fails, so under `serve` the
plugin hands its errors here instead of raising: the files they name leave MkDocs's files,
a page the previous build showed keeps its address with a stand-in, and every page gets
the banner. The state lives as long as the plugin instance, that is the whole `serve`
(the plugin defines `on_startup`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.utils import clean_directory

from . import errorbanner, mkdocs_files
from .messages import message
from .model import Problem, is_markdown
from .publish import Publication
from .settings import Settings

HOME = "index.md"

log = get_plugin_logger(__name__)

Republish = Callable[[], tuple[Publication, list[Problem]]]


class ServeErrors:
    """What the errors of the current build leave out, and what the last build showed."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.nothing_shown = False
        self.left_out: frozenset[str] = frozenset()
        self._shown: frozenset[str] = frozenset()  # pages the previous build showed
        self._banner_before = False
        self.hidden: frozenset[str] = frozenset()  # private files: named in the terminal only

    def start(self) -> None:
        """A new build: no error known yet (the banner goes once they are fixed)."""
        self._banner_before = bool(self.problems)
        self.problems, self.nothing_shown, self.left_out = [], False, frozenset()

    @property
    def every_page_changes(self) -> bool:
        """Whether this build adds or removes the banner: then every page must be rebuilt,
        the ones an incremental rebuild would keep as they are included."""
        return bool(self.problems) or self._banner_before

    def tolerate(self, errors: list[Problem], settings: Settings, ours: list[File],
                 republish: Republish, private: frozenset[str]) -> Publication | None:
        """Leave out what the errors name until the rest has none; the publication without
        them, or None when an error is outside the portfolio's files (nothing is shown).

        `republish` decides publication again with `settings.excluded` as it now stands:
        the left-out files are excluded, so even a private preview leaves them out, and
        what only they used stays private with them (publish.py).
        """
        # A page the last build showed is no secret; any other private file (or one whose
        # visibility cannot be read) is only said to have an error.
        self.hidden = private - self._shown
        excluded = settings.excluded
        last: list[tuple[Publication, list[Problem]]] = []

        def without(left: frozenset[str]) -> list[Problem]:
            settings.excluded = excluded | left
            last[:] = [republish()]
            return last[0][1]

        left, self.problems = errorbanner.leave_out(errors, _removable(ours, settings), without)
        details = "\n".join(problem.describe(settings.lang) for problem in self.problems)
        log.error(f"{message('serve.errors.terminal', settings.lang, count=len(self.problems))}\n{details}")
        if left is None or not last:
            self.nothing_shown = True
            return None
        self.left_out = left
        return last[0][0]

    def leave_all_out(self, files: Files, ours: list[File], config: MkDocsConfig, lang: str,
                      dirty: bool) -> frozenset[str]:
        """Nothing of the portfolio in the build: stand-ins where the last build showed
        pages, and at the home page. Returns every path taken out (all private now).

        A dirty build keeps the site folder as the last build left it: emptied here, or the
        pages of notes and competences built then would still be served.
        """
        if dirty:
            clean_directory(config.site_dir)
        gone = frozenset(file.src_uri for file in ours)
        for file in ours:
            if file.src_uri in files.src_uris:
                mkdocs_files.remove(files, file)
        self._add_stand_ins(files, config, (self._shown & gone) | {HOME}, lang)
        return gone

    def stand_ins(self, files: Files, config: MkDocsConfig, publication: Publication, lang: str) -> None:
        """Stand-ins for the left-out pages the previous build showed; then remember what
        this build shows. The home page is left to the plugin, which makes one anyway."""
        wanted = (self.left_out & self._shown) - {HOME}
        self._add_stand_ins(files, config, wanted, lang)
        public = publication.public
        self._shown = frozenset(page.path for page in [*public.notes, *public.pages]) | wanted

    def _add_stand_ins(self, files: Files, config: MkDocsConfig, paths: Iterable[str], lang: str) -> None:
        for path in sorted(paths):
            if is_markdown(path) and files.get_file_from_path(path) is None:
                files.append(File.generated(config, path, content=errorbanner.stand_in_markdown(lang)))

    def page(self, output: str, lang: str) -> str:
        """A whole page with the banner while the build has errors."""
        if not self.problems:
            return output
        return errorbanner.with_banner(output, self.problems, lang, self.nothing_shown, self.hidden)


def _removable(ours: list[File], settings: Settings) -> set[str]:
    """The portfolio's files that may be left out: not the référentiel nor the library,
    whose errors change every page."""
    sources = {_relative(path, settings.docs_dir) for path in (settings.referentiel_path, settings.bibliography) if path}
    return {file.src_uri for file in ours} - sources


def _relative(path: Path, docs_dir: Path) -> str:
    return Path(os.path.relpath(path, docs_dir)).as_posix()

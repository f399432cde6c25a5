"""The stage: a folder holding only what is published, for an engine to build.

Privacy by construction: rather than asking an engine (MkDocs, ProperDocs, Zensical…) and
every plugin it runs to skip private notes, we give it a folder where they do not exist.
Whatever reads files there — another plugin, a Markdown extension that transcludes files,
an engine that ignores our plugin — cannot publish what is not there.

The stage holds:
- `docs/`: the public notes and pages as `publish.PublishedText` writes them (front matter
  without the ids of private notes, bodies without comments and with links to private
  notes reduced to text), and the files that public notes use (never one that only private
  notes use);
- `referentiel.yml` and the reference library, beside `docs/` so that no engine publishes
  them as files; our plugin reads them from there. The library holds only the works that
  public notes cite: a work cited by a private note alone says what that note read.

Nothing is written when the portfolio has errors: the learner fixes them first.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from . import biblio
from .check import Report, analyse
from .model import Page
from .publish import Publication, PublishedText, publish
from .settings import Settings

STAGE_DOCS = "docs"


class StageError(Exception):
    """The portfolio has errors (in `report`): no stage was written."""

    def __init__(self, report: Report, lang: str) -> None:
        super().__init__(f"{len(report.errors)} error(s)")
        self.report = report
        self.lang = lang


@dataclass
class Stage:
    root: Path
    docs_dir: Path  # root/docs: published notes and files only
    referentiel: Path | None  # root/referentiel.yml, outside docs so never a site file
    bibliography: Path | None
    report: Report  # the analysis of the source portfolio
    publication: Publication
    settings: Settings  # the source settings, pointed at the stage


def build_stage(settings: Settings, dest: Path) -> Stage:
    """Check the portfolio in `settings.docs_dir` and write its published part into `dest`.

    `dest` must not exist or be empty. Raises StageError when the portfolio has errors.
    """
    report = analyse(settings)
    if report.errors:
        raise StageError(report, settings.lang)
    publication = publish(report.portfolio, settings)
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty")
    docs = dest / STAGE_DOCS
    docs.mkdir()
    form = PublishedText(publication.public, publication.private.keys(), settings.folders)
    bodies: list[str] = []
    for page in [*publication.public.notes, *publication.public.pages]:
        body = form.body(page)
        bodies.append(body)
        _write(docs / page.path, _staged_text(page, form, body))
    for asset in publication.public.assets:
        _copy(settings.docs_dir, asset, docs)
    referentiel = _copy_source(settings.referentiel_path, dest / "referentiel.yml")
    bibliography = None
    if settings.bibliography is not None and report.bibliography is not None:
        bibliography = biblio.write_subset(report.bibliography, _cited(bodies), dest / "bibliographie.json")
    staged = dataclasses.replace(
        settings,
        docs_dir=docs,
        referentiel=referentiel,
        bibliography=bibliography,
        excluded=frozenset(),
    )
    return Stage(dest, docs, referentiel, bibliography, report, publication, staged)


def _staged_text(page: Page, form: PublishedText, body: str) -> str:
    """The page as published: nothing in it names a private note (`PublishedText`)."""
    return form.head(page) + body


def _cited(bodies: Iterable[str]) -> set[str]:
    """The keys cited by the published bodies: what the stage's own build will look up."""
    return {item.key for body in bodies for citation in biblio.find(body) for item in citation.items}


def _write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def _copy(docs_dir: Path, relative: str, dest_docs: Path) -> None:
    """Copy one published file's bytes; a link leaving the portfolio is never followed."""
    source = docs_dir / relative
    if not _inside(source, docs_dir):
        return
    target = dest_docs / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)


def _copy_source(source: Path, target: Path) -> Path | None:
    if not source.is_file():
        return None
    shutil.copyfile(source, target)
    return target


def _inside(path: Path, folder: Path) -> bool:
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))

"""The stage: a folder holding only what is published, for an engine to build.

Privacy by construction: rather than asking an engine (MkDocs, ProperDocs, Zensical…) and
every plugin it runs to skip private notes, we give it a folder where they do not exist.
Whatever reads files there — another plugin, a Markdown extension that transcludes files,
an engine that ignores our plugin — cannot publish what is not there.

The stage holds:
- `docs/`: the public notes and pages, their front matter as written and their bodies with
  links to private notes reduced to text and Obsidian comments removed, and the files that
  public notes use (never one that only private notes use);
- `referentiel.yml` and the reference library, beside `docs/` so that no engine publishes
  them as files; our plugin reads them from there.

Nothing is written when the portfolio has errors: the learner fixes them first.
"""

from __future__ import annotations

import dataclasses
import html
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import wikilinks
from .check import Report, analyse
from .frontmatter import decode
from .mdsource import strip_comments
from .model import Page
from .publish import Publication, publish, redact_links
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
    private = frozenset(publication.private)
    links = wikilinks.LinkIndex(publication.public, settings.folders)
    for page in [*publication.public.notes, *publication.public.pages]:
        _write(docs / page.path, _staged_text(settings.docs_dir / page.path, page, private, links))
    for asset in publication.public.assets:
        _copy(settings.docs_dir, asset, docs)
    referentiel = _copy_source(settings.referentiel_path, dest / "referentiel.yml")
    bibliography = None
    if settings.bibliography is not None:
        bibliography = _copy_source(settings.bibliography, dest / f"bibliographie{settings.bibliography.suffix}")
    staged = dataclasses.replace(
        settings,
        docs_dir=docs,
        referentiel=referentiel,
        bibliography=bibliography,
        excluded=frozenset(),
    )
    return Stage(dest, docs, referentiel, bibliography, report, publication, staged)


def _staged_text(source: Path, page: Page, private: frozenset[str], links: wikilinks.LinkIndex) -> str:
    """The file as written, its body made safe for any engine: nothing names a private note."""
    text = decode(source.read_bytes())
    assert isinstance(text, str)  # the check passed, so the file decodes
    head = "\n".join(text.split("\n")[: page.body_line - 1])
    # `page.body` has no `%%comments%%` left (load.py); HTML comments go too, since another
    # engine would publish them as they are.
    body = strip_comments(page.body, html_comments=True)
    body = wikilinks.replace(body, lambda link: _wikilink_text(link, links))
    body = redact_links(body, page.path, private)
    return (head + "\n" if head else "") + body


def _wikilink_text(link: wikilinks.Wikilink, links: wikilinks.LinkIndex) -> str:
    """A link to a public target stays for our plugin to resolve; any other becomes text.

    `links` indexes the public portfolio only, so a private note's id resolves to nothing.
    """
    if links.resolve(link.target):
        return f"[[{link.target}|{link.text}]]" if link.text else f"[[{link.target}]]"
    return html.escape(link.text or link.target, quote=False)


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

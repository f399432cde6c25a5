"""The plugin's options in mkdocs.yml, as a typed MkDocs `Config`, and what they mean in
the terms of the core (`settings`, `since`, `dossier_selection`).

Option names are French, like the format's keys, because learners write them.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
import re
from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config, ValidationError
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

from . import changes, manifest
from . import dossier as dossier_module
from .dates import PartialDate
from .messages import language, message
from .model import Kind
from .settings import DossierSelection, Settings

SINCE_VARIABLE = "CHEMINEMENT_DEPUIS"

_PAGE_PATH = re.compile(r"[\w.-]+(?:/[\w.-]+)*\.md")


class PagePath(c.Type):
    """Where a generated page goes: a relative `.md` path inside the site, nothing else.

    `/tmp/x.md` or `../x.md` would make MkDocs write outside the site folder (over
    another learner's site on an institution's server).
    """

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        normal = posixpath.normpath(text) if text else ""
        if not _PAGE_PATH.fullmatch(text) or normal != text or normal.startswith(".") or "\\" in text:
            lang = language(os.environ.get("CHEMINEMENT_LANGUE") or os.environ.get("LANG"))
            raise ValidationError(message("config.page-path", lang, value=text))
        return text


class CheminementConfig(Config):
    enabled = c.Type(bool, default=True)

    # Where the competence framework is, relative to mkdocs.yml (default: in docs_dir).
    referentiel = c.Optional(c.File(exists=False))

    # The learner's references (BibTeX or CSL-JSON, as Zotero exports them), relative to
    # mkdocs.yml; `[@key]` in a note then becomes an APA citation.
    bibliographie = c.Optional(c.File(exists=False))
    page_bibliographie = PagePath("bibliographie.md")

    # Language of labels and messages; default: the theme's language.
    langue = c.Optional(c.Choice(("fr", "en")))

    # Top-level folders that hold each kind of note (folder name -> kind).
    dossiers = c.DictOfItems(c.Choice(tuple(k.value for k in Kind)), default={
        "parcours": "parcours",
        "competences": "competence",
        "recits": "recit",
        "traces": "trace",
        "retours": "retour",
    })

    # Folders whose notes are private unless marked `visibilite: public`.
    dossiers_prives = c.ListOfItems(c.Type(str), default=["journal", "retours"])

    # `tout`: every note not marked private is published; `explicite`: only notes marked
    # `visibilite: public` are.
    publication = c.Choice(("tout", "explicite"), default="tout")

    # Preview private notes under `mkdocs serve` (never in `mkdocs build`), each with a
    # "privé — non publié" banner. Also CHEMINEMENT_APERCU_PRIVE=1 in the environment.
    apercu_prive = c.Type(bool, default=False)

    # Let search engines index the site (default: <meta name="robots" content="noindex">).
    indexation = c.Type(bool, default=False)

    # Allow requests to third parties: Google Fonts, analytics. Off by default, so a
    # visitor's browser talks to the portfolio's host only.
    services_tiers = c.Type(bool, default=False)

    # Publish files a browser runs when opened (.html, .svg, .js…) as they are. On a site of
    # one's own, a choice; `build-all` turns it off, since every learner shares one origin.
    fichiers_actifs = c.Type(bool, default=True)

    # Generated pages (source paths; MkDocs turns them into URLs).
    page_competences = PagePath("competences/index.md")
    page_chronologie = PagePath("chronologie.md")

    # Coach review: the "Nouveautés" page lists what changed since this date (AAAA-MM-JJ)
    # or since a previous build (its site folder or its cheminement-manifeste.json).
    # The environment variable CHEMINEMENT_DEPUIS gives it on the command line.
    depuis = c.Optional(c.Type((str, dt.date)))  # YAML reads an unquoted 2026-10-01 as a date
    page_nouveautes = PagePath("nouveautes.md")

    # The printable dossier: the public portfolio on one page, for a jury.
    dossier = c.Type(bool, default=True)
    page_dossier = PagePath("dossier.md")
    # What the dossier holds when not everything (notes marked `dossier: true` always):
    # `competences` (ids), `depuis` and `jusqu_a` (dates). Checked by the core (dossier.py).
    selection_dossier = c.Type(dict, default={})

    # Who the portfolio presents (name, headline, photo, programme, contact, summary), shown
    # on the home page and the dossier's cover; the home page's front matter may hold it too.
    # Checked by the core (profile.py), so that a problem names the key.
    profil = c.Optional(c.Type(dict))
    # Where the home page's own text goes among the generated sections.
    texte_accueil = c.Choice(("debut", "apres-profil", "fin"), default="apres-profil")
    # The generated home page (profile, coverage, highlights, latest notes, timeline strip).
    accueil = c.Type(bool, default=True)

    # Coach review from the published site (off by default: visitors never see it): a form
    # "Écrire un retour" on note and competence pages, and the review page.
    relecture = c.Type(bool, default=False)
    page_relecture = PagePath("relecture.md")
    # The portfolio's repository (GitHub, GitLab, Forgejo/Gitea URL): the form then opens
    # that host's "new file" page with the feedback filled in. `depot_branche`: its branch;
    # `depot_dossier`: the portfolio folder inside it (default: docs_dir next to mkdocs.yml).
    depot = c.Optional(c.Type(str))
    depot_branche = c.Type(str, default="main")
    depot_dossier = c.Optional(c.Type(str))

    # Institutions (see `cheminement build-all`): a footer line and a legal notice on every
    # page (Markdown), the learner's programme and whether the portfolio is listed in the
    # institution's index page.
    pied_de_page = c.Optional(c.Type(str))
    mentions_legales = c.Optional(c.Type(str))
    programme = c.Optional(c.Type(str))
    annuaire = c.Type(bool, default=True)

    # Timeline order: `recent` (newest first, like a CV) or `ancien` (oldest first).
    ordre_chronologie = c.Choice(("recent", "ancien"), default="recent")

    # Build the navigation (home, sections, timeline) when mkdocs.yml declares no `nav`.
    navigation = c.Type(bool, default=True)


def settings(options: CheminementConfig, config: MkDocsConfig) -> Settings:
    """Our options and MkDocs's, in the terms of the core."""
    return Settings(
        docs_dir=Path(config.docs_dir),
        referentiel=Path(options.referentiel) if options.referentiel else None,
        bibliography=Path(options.bibliographie) if options.bibliographie else None,
        config_name=config_name(config),
        bibliography_page=options.page_bibliographie,
        folders={name: Kind(kind) for name, kind in options.dossiers.items()},
        private_folders=tuple(options.dossiers_prives),
        explicit_publication=options.publication == "explicite",
        lang=options.langue or language(config.theme.get("language")),
        competence_index=options.page_competences,
        timeline_page=options.page_chronologie,
        changes_page=options.page_nouveautes,
        dossier_page=options.page_dossier if options.dossier else None,
        review=options.relecture,
        review_page=options.page_relecture,
        repository=(options.depot, options.depot_branche, options.depot_dossier if options.depot_dossier is not None
                    else docs_in_project(config)) if options.depot else None,
        newest_first=options.ordre_chronologie == "recent",
        profile=options.profil,
        home_text=options.texte_accueil,
        dossier_selection=dossier_selection(options, config),
    )


def since(options: CheminementConfig, config: MkDocsConfig, lang: str) -> changes.Since | None:
    """The reference point of the "Nouveautés" page: a date or a previous manifest."""
    value = os.environ.get(SINCE_VARIABLE) or (str(options.depuis) if options.depuis else None)
    if not value:
        return None
    try:
        date = PartialDate.parse(value)
        return changes.Since(date=date.start, label=date.display(lang))
    except ValueError:
        pass
    path = Path(value)
    if not path.is_absolute():
        path = Path(config.config_file_path or ".").parent / path
    try:
        return changes.Since(manifest=manifest.read(path), label=value)
    except ValueError as error:
        raise PluginError(message("since.invalid", lang, value=value, detail=manifest.in_language(error, lang))) from None


def dossier_selection(options: CheminementConfig, config: MkDocsConfig, lang: str | None = None) -> DossierSelection:
    """The dossier's selection: mkdocs.yml's, each key the command line gives replacing it.

    With `lang`, a wrong one fails the build: the one place it matters is a build with a
    dossier; `check` and the other commands read the settings too.
    """
    try:
        return dossier_module.read_selection(options.selection_dossier,
                                             os.environ.get(dossier_module.SELECTION_VARIABLE), config_name(config))
    except dossier_module.SelectionError as error:
        if lang is not None:
            raise PluginError(error.describe(lang)) from None
        return DossierSelection()


def docs_in_project(config: MkDocsConfig) -> str:
    """The docs folder as a path from mkdocs.yml's folder (`content`), "" when they coincide."""
    project = Path(config.config_file_path or config.docs_dir).parent
    relative = os.path.relpath(config.docs_dir, project)
    return "" if relative == "." else Path(relative).as_posix()


def config_name(config: MkDocsConfig) -> str:
    """The configuration file as messages name it: `mkdocs.yml` (`build-all` hands in a
    stand-in configuration that names none)."""
    return os.path.basename(getattr(config, "config_file_path", None) or "mkdocs.yml")

"""The plugin's options in mkdocs.yml, as a typed MkDocs `Config`.

Option names are French, like the format's keys, because learners write them.
"""

from __future__ import annotations

import datetime as dt

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from .model import Kind


class CheminementConfig(Config):
    enabled = c.Type(bool, default=True)

    # Where the competence framework is, relative to mkdocs.yml (default: in docs_dir).
    referentiel = c.Optional(c.File(exists=False))

    # The learner's references (BibTeX or CSL-JSON, as Zotero exports them), relative to
    # mkdocs.yml; `[@key]` in a note then becomes an APA citation.
    bibliographie = c.Optional(c.File(exists=False))
    page_bibliographie = c.Type(str, default="bibliographie.md")

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

    # Generated pages (source paths; MkDocs turns them into URLs).
    page_competences = c.Type(str, default="competences/index.md")
    page_chronologie = c.Type(str, default="chronologie.md")

    # Coach review: the "Nouveautés" page lists what changed since this date (AAAA-MM-JJ)
    # or since a previous build (its site folder or its cheminement-manifeste.json).
    # The environment variable CHEMINEMENT_DEPUIS gives it on the command line.
    depuis = c.Optional(c.Type((str, dt.date)))  # YAML reads an unquoted 2026-10-01 as a date
    page_nouveautes = c.Type(str, default="nouveautes.md")

    # The printable dossier: the whole public portfolio on one page.
    dossier = c.Type(bool, default=True)
    page_dossier = c.Type(str, default="dossier.md")

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

"""`cheminement export`: the public portfolio as data, for tools (JSON) and for a coach's or
a jury's spreadsheet (CSV).

Only the public portfolio is read (`publish.publish(...).public`, the site's own filter), and
every body goes out as the stage publishes it (`publish.PublishedText`): comments gone,
links to private notes redacted. Ids of private notes named in a public note's front matter
are left out too. The JSON format is versioned and described by
`schemas/portfolio.schema.json`; docs/exports.md says what maps to what.

Engine-free: the command line hands in the portfolio and the settings.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from . import profile as profile_module
from . import views as views_module
from .dates import PartialDate
from .messages import message
from .model import CompetencePage, Kind, Note, Parcours, Portfolio, Recit, Ref, Retour, Scale, Trace
from .publish import PublishedText, publish
from .settings import Settings
from .views import CompetenceView, Views

FORMAT = "cheminement-portfolio"
VERSION = 1
# Cells a spreadsheet would read as a formula (OWASP "CSV injection"), and the mark that
# keeps them text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SEPARATORS = {";": ";", ",": ",", "tab": "\t"}


class Exported:
    """The public portfolio and what every format reads of it."""

    def __init__(self, portfolio: Portfolio, settings: Settings) -> None:
        publication = publish(portfolio, settings)
        self.settings = settings
        self.public = publication.public
        self.views: Views = views_module.build(self.public, settings, newest_first=False)
        self.text = PublishedText(self.public, publication.private.keys(), settings.folders)
        self.scale: Scale = self.public.referentiel.scale
        home = profile_module.home_page(self.public.pages)
        self.profile, _ = profile_module.read(settings.profile, home, set(self.public.assets))

    def rank(self, value: object, competence: str) -> int | None:
        """A level as a rank of the competence's own framework's scale."""
        view = self.views.competences.get(competence)
        scale = view.scale if view else self.scale
        return scale.rank(value) if value is not None else None

    def competence_refs(self, refs: list[Ref]) -> list[dict[str, Any]]:
        """A note's competences that the public portfolio knows, with the level claimed."""
        return [{"id": ref.id, "niveau": self.rank(ref.level, ref.id)} for ref in refs
                if ref.id in self.views.competences]

    def note_ids(self, kind: Kind, refs: list[Ref]) -> list[str]:
        """Ids of the public notes among `refs`: a private note's id never leaves."""
        return [ref.id for ref in refs if (kind, ref.id) in self.views.notes]


def iso_date(date: PartialDate | None) -> str | None:
    return date.iso if date else None


# -- JSON ----------------------------------------------------------------------------------


def as_json(portfolio: Portfolio, settings: Settings) -> dict[str, Any]:
    """The whole public portfolio, as `schemas/portfolio.schema.json` describes it."""
    data = Exported(portfolio, settings)
    notes: dict[str, list[dict[str, Any]]] = {kind.value: [] for kind in Kind}
    for note in sorted(data.views.notes.values(), key=lambda n: n.path):
        notes[note.kind.value].append(_note(data, note))
    return {
        "format": FORMAT,
        "version": VERSION,
        "langue": settings.lang,
        "profil": _profile(data.profile),
        "referentiel": _referentiel(data),
        "notes": notes,
    }


def _profile(shown: profile_module.Profile) -> dict[str, Any]:
    programme = shown.programme
    return {
        "nom": shown.name, "accroche": shown.headline, "photo": shown.photo,
        "contact": shown.contact, "resume": shown.summary,
        "formation": {"titre": programme.title, "rncp": programme.rncp, "lien": programme.link} if programme else None,
    }


def _referentiel(data: Exported) -> dict[str, Any]:
    referentiel = data.public.referentiel
    found: dict[str, Any] = {
        "titre": referentiel.title,
        "echelle": list(data.scale.labels),
        "domaines": [{"id": dv.domain.id, "titre": dv.domain.title,
                      "competences": [_competence(view) for view in dv.competences]} for dv in data.views.domains],
    }
    if data.views.frameworks:  # several: each level is a rank of its own framework's scale
        found["referentiels"] = [
            {"id": fv.framework.id, "titre": fv.framework.title, "echelle": list(fv.scale.labels),
             "references": dict(fv.framework.refs), "source": fv.framework.source,
             "licence": fv.framework.licence, "domaines": [dv.domain.id for dv in fv.domains]}
            for fv in data.views.frameworks
        ]
    return found


def _competence(view: CompetenceView) -> dict[str, Any]:
    competence = view.competence
    return {
        "id": competence.id, "titre": competence.title, "description": competence.description,
        "references": dict(competence.refs),
        "statut": view.status.value,
        "niveau_declare": view.self_level, "niveau_vise": view.target_level, "niveau_atteint": view.latest_level,
        "preuves": [{"type": e.note.kind.value, "id": e.note.id, "niveau": e.level} for e in view.evidence],
        "retours": [{"id": retour.id, "statut": view.feedback_status.get(retour.path)} for retour in view.feedback],
    }


def _note(data: Exported, note: Note) -> dict[str, Any]:
    """A note's public fields, then those of its kind, then its Markdown as published."""
    fields: dict[str, Any] = {
        "id": note.id, "titre": note.title, "chemin": note.path, "resume": note.summary,
        "etiquettes": list(note.tags), "a_la_une": note.featured,
    }
    if not isinstance(note, (CompetencePage, Retour)):
        fields["competences"] = data.competence_refs(note.competences)
    fields.update(_kind_fields(data, note))
    fields["corps"] = data.text.body(note)
    return fields


def _kind_fields(data: Exported, note: Note) -> dict[str, Any]:
    if isinstance(note, Parcours):
        return {"type": note.type, "organisation": note.organisation, "lieu": note.place,
                "debut": iso_date(note.start), "fin": iso_date(note.end), "en_cours": note.ongoing}
    if isinstance(note, Recit):
        return {"date": iso_date(note.date), "parcours": data.note_ids(Kind.PARCOURS, note.parcours),
                "traces": data.note_ids(Kind.TRACE, note.traces), "modele": note.model}
    if isinstance(note, Trace):
        return {"date": iso_date(note.date), "fichier": note.file, "lien": note.link, "description": note.description}
    if isinstance(note, CompetencePage):
        return {"domaine": note.domain, "description": note.description,
                "niveau": data.rank(note.level, note.id), "cible": data.rank(note.target, note.id)}
    if isinstance(note, Retour):
        return _retour_fields(data, note)
    return {}


def _retour_fields(data: Exported, retour: Retour) -> dict[str, Any]:
    about = data.views.about(retour)
    target = None
    if isinstance(about, CompetenceView):
        target = {"type": Kind.COMPETENCE.value, "id": about.id}
    elif about is not None:
        target = {"type": about.kind.value, "id": about.id}
    statuses = [{"id": ref.id, "statut": ref.level} for ref in retour.competences
                if ref.id in data.views.competences and ref.level in ("relue", "validee")]
    return {"auteur": retour.author, "date": iso_date(retour.date), "sur": target,
            "relecture": retour.review, "competences": statuses}


# -- CSV -----------------------------------------------------------------------------------

_COLUMNS = ("domaine", "competence", "competence-titre", "statut", "preuve-type", "preuve", "preuve-titre",
            "date", "niveau", "niveau-libelle", "chemin")


def as_csv(portfolio: Portfolio, settings: Settings, lang: str, separator: str = ";") -> str:
    """The competence × evidence matrix: one row per competence and public note supporting
    it, and one row with empty evidence for a competence nothing supports yet.

    Starts with a byte order mark so that Excel reads UTF-8 (accents) right; `;` is the
    separator Excel expects where the decimal mark is a comma (France).
    """
    data = Exported(portfolio, settings)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=SEPARATORS[separator], lineterminator="\r\n")
    writer.writerow([message(f"export.csv.{column}", lang) for column in _COLUMNS])
    for row in _rows(data, lang):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _rows(data: Exported, lang: str) -> list[list[object]]:
    rows: list[list[object]] = []
    for dv in data.views.domains:
        for view in dv.competences:
            head: list[object] = [dv.domain.title, view.id, view.competence.title, message(f"status.{view.status.value}", lang)]
            if not view.evidence:
                rows.append([*head, *[""] * 7])
            for evidence in view.evidence:
                note, level = evidence.note, evidence.level
                rows.append([*head, message(f"kind.{note.kind.value}", lang), note.id, note.title,
                             iso_date(evidence.date) or "", level or "", view.scale.label(level) if level else "", note.path])
    return rows


def _cell(value: object) -> str:
    """A cell as text, with a leading `'` where a spreadsheet would run it as a formula."""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text

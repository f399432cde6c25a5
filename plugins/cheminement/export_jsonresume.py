"""`cheminement export jsonresume`: the public portfolio as a JSON Resume (jsonresume.org),
valid against the official schema vendored in `schemas/jsonresume.schema.json`.

A CV holds less than a portfolio: the profile, the parcours sorted by type, and the
competences something stands behind. What maps to what is in docs/exports.md. Keys with no
value are left out (the schema requires none, and an empty `url` would not be a URI).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from .export import Exported, iso_date
from .model import Kind, Parcours, Portfolio, Recit
from .settings import Settings
from .views import Status

# The JSON Resume section of each parcours type; any other type (or none) is work.
_SECTIONS = {"formation": "education", "benevolat": "volunteer", "projet": "projects", "certification": "certificates"}


def as_jsonresume(portfolio: Portfolio, settings: Settings) -> dict[str, Any]:
    """The résumé: `basics` from the profile, sections from parcours, `skills` from competences."""
    data = Exported(portfolio, settings)
    resume: dict[str, Any] = {"basics": _basics(data)}
    highlights = _highlights(data)
    entries = sorted((n for n in data.views.notes.values() if isinstance(n, Parcours)),
                     key=lambda n: n.start.start.isoformat() if n.start else "", reverse=True)
    for parcours in entries:
        section = _SECTIONS.get(parcours.type or "", "work")
        resume.setdefault(section, []).append(_compact(_entry(section, parcours, highlights.get(parcours.id, []))))
    skills = _skills(data)
    if skills:
        resume["skills"] = skills
    return resume


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in ("", None, [], {})}


def _basics(data: Exported) -> dict[str, Any]:
    shown = data.profile
    contact = shown.contact
    email = contact.removeprefix("mailto:") if contact.startswith("mailto:") else ""
    url = contact if urlsplit(contact).scheme in ("http", "https") else ""
    return _compact({"name": shown.name, "label": shown.headline, "email": email, "url": url, "summary": shown.summary})


def _highlights(data: Exported) -> dict[str, list[str]]:
    """Titles of the public récits told about each parcours entry."""
    found: dict[str, list[str]] = {}
    for note in data.views.notes.values():
        if isinstance(note, Recit):
            for ident in data.note_ids(Kind.PARCOURS, note.parcours):
                found.setdefault(ident, []).append(note.title)
    return found


def _entry(section: str, parcours: Parcours, highlights: list[str]) -> dict[str, Any]:
    start = iso_date(parcours.start)
    end = None if parcours.ongoing else iso_date(parcours.end)
    if section == "education":
        return {"institution": parcours.organisation, "area": parcours.title,
                "startDate": start, "endDate": end}
    if section == "volunteer":
        return {"organization": parcours.organisation, "position": parcours.title,
                "startDate": start, "endDate": end, "summary": parcours.summary, "highlights": highlights}
    if section == "projects":
        return {"name": parcours.title, "entity": parcours.organisation, "description": parcours.summary,
                "startDate": start, "endDate": end, "highlights": highlights}
    if section == "certificates":
        return {"name": parcours.title, "issuer": parcours.organisation, "date": end or start}
    return {"name": parcours.organisation, "position": parcours.title, "location": parcours.place,
            "startDate": start, "endDate": end, "summary": parcours.summary, "highlights": highlights}


def _skills(data: Exported) -> list[dict[str, Any]]:
    """Each competence something stands behind, with its level in words (demonstrated, else
    self-assessed) and its domain as keyword."""
    skills = []
    for dv in data.views.domains:
        for view in dv.competences:
            if view.status is Status.NONE:
                continue
            level = view.latest_level or view.self_level
            skills.append(_compact({"name": view.competence.title, "level": view.scale.label(level) if level else "",
                                    "keywords": [dv.domain.title]}))
    return skills

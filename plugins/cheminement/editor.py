"""JSON Schemas of the front matter of each note kind and of the référentiel, for editors.

Built from the same tables that loading uses (`schema.py`), and from the portfolio's own
référentiel when there is one, so an editor completes the learner's real competence ids and
level labels.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import schema
from .messages import message
from .model import Kind, Referentiel

DRAFT = "http://json-schema.org/draft-07/schema#"
DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _described(lang: str, key: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"description": message(f"schema.key.{key}", lang), **spec}


def note_schema(kind: Kind, referentiel: Referentiel, lang: str) -> dict[str, Any]:
    ids = sorted(referentiel.competences)
    labels = list(referentiel.scale.labels)
    competence_id: dict[str, Any] = {"type": "string", **({"enum": ids} if ids else {})}
    level = {"oneOf": [{"type": "string", "enum": labels},
                       {"type": "integer", "minimum": 1, "maximum": len(labels)}]}
    date = {"type": ["string", "integer"], "pattern": DATE_PATTERN}
    ids_or_list = {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
    specs: dict[str, dict[str, Any]] = {
        "id": {"type": "string", "pattern": r"^[\w][\w.-]*$"},
        "titre": {"type": "string"},
        "visibilite": {"enum": ["public", "prive", "privé", "private"]},
        "draft": {"type": "boolean"},
        "a_la_une": {"type": "boolean"},
        "dossier": {"type": "boolean"},
        "tags": {"type": "array", "items": {"type": "string"}},
        "aliases": {"type": "array", "items": {"type": "string"}},
        "resume": {"type": ["string", "null"]},
        "competences": {"oneOf": [
            {"type": "array", "items": competence_id},
            {"type": "object", "propertyNames": competence_id, "additionalProperties": {"oneOf": [level, {"type": "null"}]}},
        ]},
        "organisation": {"type": ["string", "null"]},
        "lieu": {"type": ["string", "null"]},
        "debut": date,
        "fin": {"oneOf": [date, {"enum": ["en cours"]}]},
        "date": date,
        "parcours": ids_or_list,
        "traces": ids_or_list,
        "modele": {"enum": list(schema.REFLECTION_MODELS)},
        "fichier": {"type": "string"},
        "lien": {"type": "string", "format": "uri", "pattern": "^https?://"},
        "description": {"type": ["string", "null"]},
        "domaine": {"type": "string", **({"enum": [d.id for d in referentiel.domains]} if referentiel.domains else {})},
        "niveau": level,
        "objectif": level,
        "type": {"enum": list(schema.PARCOURS_TYPES) if kind is Kind.PARCOURS else [kind.value]},
        "auteur": {"type": "string"},
        "sur": {"type": "string"},
        "relecture": {"type": "boolean"},
    }
    if kind is Kind.RETOUR:
        statuses = sorted(set(schema.FEEDBACK_STATUSES.values()))
        specs["competences"] = {"oneOf": [
            {"type": "array", "items": competence_id},
            {"type": "object", "propertyNames": competence_id, "additionalProperties": {"enum": statuses}},
        ]}
    keys = schema.known_keys(kind)
    result: dict[str, Any] = {
        "$schema": DRAFT,
        "title": f"Cheminement — {message(f'kind.{kind.value}', lang)}",
        "type": "object",
        "properties": {key: _described(lang, key, specs[key]) for key in keys},
        "required": [*schema.REQUIRED_KEYS[kind], *(("titre",) if kind not in (Kind.COMPETENCE, Kind.RETOUR) else ())],
    }
    if kind is Kind.TRACE:
        result["anyOf"] = [{"required": ["fichier"]}, {"required": ["lien"]}]
    return result


def referentiel_schema(lang: str) -> dict[str, Any]:
    identifier = {"type": "string", "pattern": r"^[\w][\w.-]*$"}
    competence = {
        "type": "object",
        "required": ["id", "titre"],
        "properties": {
            "id": _described(lang, "id", identifier),
            "titre": _described(lang, "titre", {"type": "string"}),
            "description": _described(lang, "description", {"type": "string"}),
            "ref": _described(lang, "ref", {"type": "object", "additionalProperties": {"type": ["string", "number"]}}),
        },
    }
    domain = {
        "type": "object",
        "required": ["id", "titre", "competences"],
        "properties": {
            "id": _described(lang, "id", identifier),
            "titre": _described(lang, "titre", {"type": "string"}),
            "competences": {"type": "array", "items": competence},
        },
    }
    return {
        "$schema": DRAFT,
        "title": "Cheminement — référentiel",
        "type": "object",
        "properties": {
            "titre": _described(lang, "titre", {"type": "string"}),
            "echelle": _described(lang, "echelle", {"type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True}),
            "domaines": _described(lang, "domaines", {"type": "array", "items": domain}),
        },
        "required": ["domaines"],
    }


def write_schemas(folder: Path, referentiel: Referentiel, lang: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    documents = {f"{kind.value}.schema.json": note_schema(kind, referentiel, lang) for kind in Kind}
    documents["referentiel.schema.json"] = referentiel_schema(lang)
    written = []
    for name, document in documents.items():
        path = folder / name
        path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written

"""Which front-matter keys each note kind knows, their aliases and their allowed values.

One table serves loading (aliases, required keys), validation (unknown keys, did-you-mean)
and, later, the JSON Schemas for editors.
"""

from __future__ import annotations

from .model import Kind, fold

PARCOURS_TYPES = ("emploi", "formation", "stage", "benevolat", "projet", "certification", "autre")
REFLECTION_MODELS = ("gibbs", "kolb", "star", "schon", "quoi-et-alors")
# What a coach's feedback says of a competence: read and commented, or validated.
FEEDBACK_STATUSES = {
    "relue": "relue",
    "relu": "relue",
    "commentee": "relue",
    "reviewed": "relue",
    "validee": "validee",
    "valide": "validee",
    "validated": "validee",
}
ONGOING = ("en cours", "en-cours", "ongoing", "present", "aujourd'hui")
VISIBILITY_VALUES = {
    "public": "public",
    "publique": "public",
    "publie": "public",
    "prive": "prive",
    "privee": "prive",
    "private": "prive",
}

# Keys every note and page understands.
COMMON_KEYS = ("id", "type", "titre", "visibilite", "draft", "tags", "resume", "a_la_une", "dossier", "aliases")
# Obsidian's default properties that only change how Obsidian shows a note: accepted, unused.
EDITOR_KEYS = ("cssclasses",)
# Keys of ordinary pages: the home page may hold the learner's profile (profile.py).
PAGE_KEYS = ("profil",)

KIND_KEYS: dict[Kind, tuple[str, ...]] = {
    Kind.PARCOURS: ("organisation", "lieu", "debut", "fin", "competences"),
    Kind.RECIT: ("date", "competences", "parcours", "traces", "modele"),
    Kind.TRACE: ("date", "fichier", "lien", "competences", "description"),
    Kind.COMPETENCE: ("domaine", "description", "niveau", "objectif"),
    Kind.RETOUR: ("auteur", "date", "sur", "competences", "relecture"),
}

REQUIRED_KEYS: dict[Kind, tuple[str, ...]] = {
    Kind.PARCOURS: ("debut",),
    Kind.RECIT: ("date",),
    Kind.TRACE: (),
    Kind.COMPETENCE: (),
    Kind.RETOUR: ("auteur", "date", "sur"),
}

# Keys that MkDocs, Material or common plugins read: never "unknown". They are the keys
# engine_meta.py passes on to the engine, checked (`title` and `author` are spelt `titre`
# and `auteur` here, their canonical form); any other key never reaches the theme.
# Material: title, description, author, tags, template, hide, icon, status, subtitle,
# search, comments, social; its blog: authors, categories, slug, pin, links, readtime;
# mkdocs-macros: render_macros.
ENGINE_KEYS = (
    "template", "hide", "search", "icon", "status", "subtitle", "render_macros",
    "comments", "description", "authors", "categories", "slug", "pin", "links",
    "social", "readtime",
)

# Accented spellings fold onto the canonical keys by themselves (`début` -> `debut`);
# these are the other accepted spellings, mostly English.
ALIASES = {
    "title": "titre",
    "start": "debut",
    "end": "fin",
    "skills": "competences",
    "competencies": "competences",
    "visibility": "visibilite",
    "summary": "resume",
    "organization": "organisation",
    "location": "lieu",
    "place": "lieu",
    "model": "modele",
    "file": "fichier",
    "link": "lien",
    "url": "lien",
    "domain": "domaine",
    "level": "niveau",
    "target": "objectif",
    "goal": "objectif",
    "evidence": "traces",
    "kind": "type",
    "brouillon": "draft",
    "author": "auteur",
    "about": "sur",
    "feedback": "retour",
    "featured": "a_la_une",
    "highlight": "a_la_une",
}

KIND_NAMES = {
    "parcours": Kind.PARCOURS,
    "recit": Kind.RECIT,
    "recits": Kind.RECIT,
    "trace": Kind.TRACE,
    "traces": Kind.TRACE,
    "competence": Kind.COMPETENCE,
    "competences": Kind.COMPETENCE,
    "retour": Kind.RETOUR,
    "retours": Kind.RETOUR,
}

# Keys a learner writes on the wrong kind, and what they meant there.
LIKELY_MEANT = {
    (Kind.PARCOURS, "date"): "debut",
    (Kind.RECIT, "debut"): "date",
    (Kind.TRACE, "debut"): "date",
}

EXAMPLES = {
    "titre": "Mon titre",
    "debut": "2024-09",
    "fin": "2025-06",
    "date": "2025-03-12",
    "competences": "[ecoute-active]",
    "auteur": "Prénom Nom",
    "sur": "identifiant-de-la-note",
}


# Every key a note of some kind knows.
ALL_KEYS = tuple(dict.fromkeys(COMMON_KEYS + tuple(k for keys in KIND_KEYS.values() for k in keys)))

# The keys that decide visibility, and what a misspelling of them looks like: a key close
# to one of these (case and accents aside) is an error and keeps the note private. Other
# generators' keys (Jekyll's `published: false`, `hidden: true`) count when spelt exactly:
# `hidde` is closer to Material's `hide` than to a visibility.
VISIBILITY_KEYS = ("visibilite", "draft")
VISIBILITY_LOOKALIKES = (
    "visibilite", "visibility", "draft", "brouillon", "prive", "privee", "private", "public", "publique",
)
FOREIGN_VISIBILITY_KEYS = ("published", "hidden")


def canonical_key(key: str) -> str:
    """The canonical spelling of a key: `Début` -> `debut`, `skills` -> `competences`."""
    folded = fold(key)
    return ALIASES.get(folded, folded)


def known_keys(kind: Kind | None) -> tuple[str, ...]:
    return COMMON_KEYS + (KIND_KEYS[kind] if kind else PAGE_KEYS)

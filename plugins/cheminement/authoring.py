"""Helping a learner write: a new portfolio, a new note with its front matter filled in.

A learner is not a developer: `init` gives a portfolio that builds at once, `new` writes a
note whose keys are already right (today's date, checked competence ids, the sections of a
reflection model), so the first errors they meet are about their writing, not YAML.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from slugify import slugify

from .load import did_you_mean, load_referentiel
from .messages import CATALOGUE, message
from .model import Kind
from .schema import REFLECTION_MODELS
from .settings import Settings

STARTER = "starter"


class AuthoringError(Exception):
    """A refusal with a message for the learner (nothing was written)."""


# -- init ---------------------------------------------------------------------------------


def starter_files(lang: str) -> dict[str, str]:
    """The starter portfolio's files (path -> template text), from inside the package."""
    root = resources.files("cheminement") / STARTER / (lang if lang in ("fr", "en") else "fr")
    found: dict[str, str] = {}

    def walk(folder: resources.abc.Traversable, prefix: str) -> None:
        for item in folder.iterdir():
            if item.is_dir():
                walk(item, f"{prefix}{item.name}/")
            else:
                # `gitignore` ships without its dot, which packaging tools tend to drop.
                name = ".gitignore" if item.name == "gitignore" else item.name
                found[prefix + name] = item.read_text(encoding="utf-8")

    walk(root, "")
    return dict(sorted(found.items()))


def init(target: Path, lang: str = "fr", today: dt.date | None = None) -> list[Path]:
    """Create a starter portfolio in `target`; refuse if any of its files already exists."""
    today = today or dt.date.today()
    files = starter_files(lang)
    existing = [target / path for path in files if (target / path).exists()]
    if existing:
        raise AuthoringError(message("init.exists", lang, files=", ".join(str(p) for p in existing)))
    site_name = message("init.site-name", lang)
    values = {
        "site_name": site_name,
        "site_name_yaml": json.dumps(site_name, ensure_ascii=False),
        "today": today.isoformat(),
        "year": str(today.year),
    }
    written = []
    for path, text in files.items():
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(string.Template(text).substitute(values), encoding="utf-8")
        written.append(destination)
    return written


# -- new ----------------------------------------------------------------------------------


@dataclass
class NewNote:
    kind: Kind
    title: str
    competences: tuple[str, ...] = ()
    model: str | None = None
    file: Path | None = None
    link: str | None = None
    domain: str | None = None


def reflection_sections(model: str, lang: str) -> str:
    """The headings of a reflection model, each with its prompting question."""
    parts = []
    index = 1
    while f"reflexion.{model}.{index}" in CATALOGUE:
        heading = message(f"reflexion.{model}.{index}", lang)
        question = message(f"reflexion.{model}.{index}.question", lang)
        parts.append(f"## {heading}\n\n*{question}*\n")
        index += 1
    return "\n".join(parts)


def _yaml_text(value: str) -> str:
    """A YAML scalar that stays the same string whatever it contains."""
    return json.dumps(value, ensure_ascii=False)


def new_note(settings: Settings, note: NewNote, today: dt.date | None = None) -> Path:
    """Write a new note into the portfolio and return its path; nothing is overwritten."""
    lang = settings.lang
    today = today or dt.date.today()
    slug = slugify(note.title) or "note"
    referentiel, _ = load_referentiel(settings)
    known = referentiel.competences
    for cid in note.competences:
        if cid not in known:
            guess = did_you_mean(cid, known)
            hint = message("did-you-mean", lang, guess=guess) if guess else message(
                "new.known-competences", lang, known=", ".join(sorted(known)) or "—")
            raise AuthoringError(f"{message('unknown-competence', lang, id=cid)} {hint}")
    if note.model and note.model not in REFLECTION_MODELS:
        raise AuthoringError(message("unknown-choice", lang, key="modele", value=note.model)
                             + " " + message("unknown-choice.fix", lang, choices=", ".join(REFLECTION_MODELS)))
    if note.file is not None and not note.file.is_file():
        raise AuthoringError(message("trace-file-missing", lang, path=note.file))
    if note.kind is Kind.TRACE and note.file is None and not note.link:
        raise AuthoringError(message("new.trace-needs-source", lang))

    folder = settings.docs_dir / settings.folder_of(note.kind)
    name = f"{today.isoformat()}-{slug}" if note.kind is Kind.RECIT else slug
    path = folder / f"{name}.md"
    if path.exists():
        raise AuthoringError(message("new.exists", lang, path=path))

    meta: list[str] = []
    body = ""
    if note.kind is Kind.COMPETENCE:
        # A page for a competence of the référentiel keeps its title; a new one needs a domain.
        if slug not in known:
            domains = [d.id for d in referentiel.domains]
            if note.domain not in domains:
                raise AuthoringError(message("new.needs-domain", lang, id=slug, domains=", ".join(domains) or "—"))
            meta += [f"titre: {_yaml_text(note.title)}", f"domaine: {note.domain}"]
        meta += [f"niveau: {referentiel.scale.labels[0]}", f"objectif: {referentiel.scale.labels[-1]}"]
        body = message("new.competence-body", lang) + "\n"
    else:
        meta.append(f"titre: {_yaml_text(note.title)}")
        if note.kind is Kind.PARCOURS:
            meta += ["type: autre", "organisation: ", "lieu: ", f"debut: {today.isoformat()}", "fin: en cours"]
        else:
            meta.append(f"date: {today.isoformat()}")
        if note.competences:
            if note.kind is Kind.RECIT:
                level = referentiel.scale.labels[0]
                meta.append("competences:")
                meta += [f"  {cid}: {level}" for cid in note.competences]
            else:
                meta.append(f"competences: [{', '.join(note.competences)}]")
        if note.kind is Kind.RECIT:
            meta.append(f"modele: {note.model}" if note.model else "# modele: gibbs | kolb | star | schon | quoi-et-alors")
            body = reflection_sections(note.model, lang) if note.model else message("new.recit-body", lang) + "\n"
        if note.kind is Kind.TRACE:
            if note.file is not None:
                meta.append(f"fichier: {_yaml_text(note.file.name)}")
            else:
                meta.append(f"lien: {_yaml_text(note.link or '')}")
            meta.append("description: ")
        meta.append("resume: ")
    folder.mkdir(parents=True, exist_ok=True)
    if note.file is not None:
        target = folder / note.file.name
        if target.exists() and target.resolve() != note.file.resolve():
            raise AuthoringError(message("new.exists", lang, path=target))
        if not target.exists():
            shutil.copy2(note.file, target)
    path.write_text("---\n" + "\n".join(meta) + "\n---\n" + body, encoding="utf-8")
    return path

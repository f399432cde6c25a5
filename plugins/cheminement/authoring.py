"""Helping a learner write: a new portfolio, a new note with its front matter filled in.

A learner is not a developer: `init` gives a portfolio that builds at once, `new` writes a
note whose keys are already right (today's date, checked competence ids, the sections of a
reflection model), so the first errors they meet are about their writing, not YAML. Every
kind has its command, the coach's feedback and the private logbook included: a format
written by hand is a format written wrong.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import string
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from slugify import slugify

from . import editor, packs, placeholders, referentiel_import
from .load import did_you_mean, load_portfolio
from .messages import CATALOGUE, message
from .model import Competence, Kind, Referentiel, fold, is_markdown, markdown_stem
from .publish import is_public
from .schema import REFLECTION_MODELS, field_of
from .settings import Settings, folder_key
from .wikilinks import LinkIndex

STARTER = "starter"
REFERENTIEL = "referentiel.yml"  # where the starter keeps it, inside its docs folder


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


@dataclass(frozen=True)
class Initialised:
    """What `init` wrote, and what the learner should know (translated lines)."""

    written: list[Path]
    notices: tuple[str, ...] = ()


def init(target: Path, lang: str = "fr", today: dt.date | None = None, pack: str | None = None) -> Initialised:
    """Create a starter portfolio in `target`, set up for VS Code; refuse if any of the
    portfolio's files already exists (editor settings the learner has are merged into).

    `pack` (`crcn`, `digcomp`) puts that framework beside the starter's own, whose example
    competences the starter's notes use: both are in the index, the learner replaces theirs.
    """
    today = today or dt.date.today()
    if pack is not None and not packs.is_pack(pack):
        raise AuthoringError(message("packs.unknown", lang, name=pack, packs=", ".join(packs.names())))
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
    referentiel = next(path for path in files if path.endswith("/" + REFERENTIEL))
    if pack is not None:
        _add_pack(target / referentiel, pack, lang)
    setup = _set_up_editor(target, referentiel, lang)
    return Initialised(written + setup.written, tuple(setup.notices))


def _add_pack(path: Path, name: str, lang: str) -> None:
    """The starter's référentiel with the pack beside it (`referentiels:`), as
    `referentiel importer <pack>` would write it, under a comment saying what is what."""
    imported = packs.load(name, lang)
    merged, _ = referentiel_import.merge_framework(referentiel_import.read_existing(path), imported.framework, True)
    header = message("packs.init-header", lang, title=imported.framework.get("titre") or name)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.split("\n"))
    path.write_text(comment + referentiel_import.dump(merged), encoding="utf-8")


def _set_up_editor(target: Path, referentiel: str, lang: str) -> editor.EditorSetup:
    """The editor's files for the new portfolio: its schemas and snippets hold the starter's
    competences, and `.vscode/settings.json` ties `referentiel` (its path) to its schema."""
    settings = Settings(docs_dir=target / Path(referentiel).parent, lang=lang)
    portfolio, _ = load_portfolio(settings)
    return editor.set_up_vscode(target, portfolio.referentiel, referentiel, lang, portfolio.competences)


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


@dataclass(frozen=True)
class Created:
    """The file written, and what the learner should know about it (translated lines)."""

    path: Path
    notices: tuple[str, ...] = ()


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


def _yaml_plain(value: str) -> str:
    """`value` as a YAML key or value: plain when YAML reads it back as the same string,
    quoted when it would not be (`2024`, `yes`, `a: b`, `#x`)."""
    try:
        same = yaml.safe_load(f"{value}: {value}") == {value: value}
    except yaml.YAMLError:
        same = False
    return value if same else _yaml_text(value)


def _write(path: Path, meta: list[str], body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\n" + "\n".join(meta) + "\n---\n" + body, encoding="utf-8")


def _unknown_competence(cid: str, known: dict[str, Competence], lang: str) -> AuthoringError:
    guess = did_you_mean(cid, known)
    hint = message("did-you-mean", lang, guess=guess) if guess else message(
        "new.known-competences", lang, known=", ".join(sorted(known)) or "—")
    return AuthoringError(f"{message('unknown-competence', lang, id=cid)} {hint}")


def _letters(text: str) -> str:
    """Text compared as a learner reads it: no case, accents, spaces or punctuation (’ or ')."""
    return re.sub(r"[^0-9a-z]+", "", fold(text))


def existing_competence(title: str, known: dict[str, Competence]) -> str | None:
    """The competence a title names, by its id or its title, whatever the case, accents
    and punctuation: "Pratiquer l'écoute active" is `ecoute-active`, not a new competence."""
    wanted = _letters(title)
    return next((cid for cid, c in known.items() if wanted and wanted in (_letters(cid), _letters(c.title))), None)


_SECTION_PAGES = {"index", "readme"}
# A title pasted whole must still make a file name every file system accepts (255 bytes).
_SLUG_LENGTH = 80


def _free_name(folder: Path, slug: str, kind: Kind, links: LinkIndex, lang: str) -> tuple[str, list[str]]:
    """The file name of a new note: its title's slug, never a date (the name is the id that
    `[[…]]` and `sur:` use, and a date in it would outlive a change of `date:`).

    The same file already there is refused (the command was run twice, or the title is
    taken); an id another note or a competence answers to gets `-2`, `-3`… and a notice, so
    that `[[id]]` keeps naming one thing. A competence page is named by its competence.
    """
    path = folder / f"{slug}.md"
    if path.exists():
        code = "new.competence-exists" if kind is Kind.COMPETENCE else "new.exists"
        raise AuthoringError(message(code, lang, path=path, id=slug))
    # `index` is a folder's introduction, not a note, and MkDocs serves a README as one too.
    reserved = slug.lower() in _SECTION_PAGES
    if kind is Kind.COMPETENCE or not (reserved or links.resolve(slug)):
        return slug, []
    number = 2
    while (folder / f"{slug}-{number}.md").exists() or links.resolve(f"{slug}-{number}"):
        number += 1
    return f"{slug}-{number}", [message("new.id-taken", lang, id=slug, new=f"{slug}-{number}")]


def new_note(settings: Settings, note: NewNote, today: dt.date | None = None) -> Created:
    """Write a new note into the portfolio and return its path; nothing is overwritten.

    What only the learner knows (levels, a path entry's type and dates) is written as a
    visible placeholder with the allowed values beside it, which `check` reports until
    filled (placeholders.py): a guess would be published as the learner's word.
    """
    lang = settings.lang
    today = today or settings.today
    slug = slugify(note.title, max_length=_SLUG_LENGTH, word_boundary=True) or "note"
    portfolio, _ = load_portfolio(settings)
    referentiel = portfolio.referentiel
    known = portfolio.competences
    for cid in note.competences:
        if cid not in known:
            raise _unknown_competence(cid, known, lang)
    if note.model and note.model not in REFLECTION_MODELS:
        raise AuthoringError(message("unknown-choice", lang, key="modele", value=note.model)
                             + " " + message("unknown-choice.fix", lang, choices=", ".join(REFLECTION_MODELS)))
    if note.file is not None and not note.file.is_file():
        raise AuthoringError(message("trace-file-missing", lang, path=note.file))
    if note.kind is Kind.TRACE and note.file is None and not note.link:
        raise AuthoringError(message("new.trace-needs-source", lang))

    notices: list[str] = []
    if note.kind is Kind.COMPETENCE:
        found = existing_competence(note.title, known)
        if found and found != slug:
            notices.append(message("new.competence-recognised", lang, title=note.title, id=found))
        slug = found or slug
    folder = settings.docs_dir / settings.folder_of(note.kind)
    name, taken = _free_name(folder, slug, note.kind, LinkIndex(portfolio, settings.folders), lang)
    notices += taken
    path = folder / f"{name}.md"

    if note.kind is Kind.COMPETENCE:
        meta, body = _competence_page(note, slug, referentiel, lang), message("new.competence-body", lang) + "\n"
    else:
        meta, body = _note_meta(note, referentiel, today, lang), ""
        if note.kind is Kind.RECIT:
            body = reflection_sections(note.model, lang) if note.model else message("new.recit-body", lang) + "\n"
    folder.mkdir(parents=True, exist_ok=True)
    if note.file is not None:
        target = folder / note.file.name
        if target.exists() and target.resolve() != note.file.resolve():
            raise AuthoringError(message("new.exists", lang, path=target))
        if not target.exists():
            shutil.copy2(note.file, target)
    _write(path, meta, body)
    unfilled = [line.split(":", 1)[0].strip() for line in meta if placeholders.placeholder(lang) + "  #" in line]
    if unfilled:
        notices.append(message("new.fill-in", lang, keys=", ".join(dict.fromkeys(unfilled))))
    return Created(path, tuple(notices))


def _competence_page(note: NewNote, slug: str, referentiel: Referentiel, lang: str) -> list[str]:
    """A competence page's keys: its own level and target are the learner's to say."""
    meta = []
    domain = note.domain or ""
    if slug not in referentiel.competences:
        # A page for a known competence keeps its title; a new one needs a domain.
        domains = [d.id for d in referentiel.domains]
        if domain not in domains:
            raise AuthoringError(message("new.needs-domain", lang, id=slug, domains=", ".join(domains) or "—"))
        meta += [f"titre: {_yaml_text(note.title)}", f"domaine: {domain}"]
    scale = referentiel.scale_for(slug, domain)
    return meta + [placeholders.line(Kind.COMPETENCE, key, scale, lang) for key in ("niveau", "objectif")]


def _note_meta(note: NewNote, referentiel: Referentiel, today: dt.date, lang: str) -> list[str]:
    """A path entry's, story's or piece of evidence's keys, placeholders where only the learner knows."""
    meta = [f"titre: {_yaml_text(note.title)}"]
    if note.kind is Kind.PARCOURS:
        meta += [placeholders.line(Kind.PARCOURS, "type", referentiel.scale, lang), "organisation: ", "lieu: ",
                 placeholders.line(Kind.PARCOURS, "debut", referentiel.scale, lang),
                 placeholders.line(Kind.PARCOURS, "fin", referentiel.scale, lang)]
    else:
        meta.append(f"date: {today.isoformat()}")
    if note.competences and note.kind is Kind.RECIT:
        meta.append("competences:")
        meta += ["  " + placeholders.line(Kind.RECIT, "competences", referentiel.scale_for(cid), lang, _yaml_plain(cid))
                 for cid in note.competences]
    elif note.competences:
        meta.append(f"competences: [{', '.join(_yaml_plain(cid) for cid in note.competences)}]")
    if note.kind is Kind.RECIT:
        meta.append(f"modele: {note.model}" if note.model else "# modele: " + " | ".join(REFLECTION_MODELS))
    if note.kind is Kind.TRACE:
        meta.append(f"fichier: {_yaml_text(note.file.name)}" if note.file is not None else f"lien: {_yaml_text(note.link or '')}")
        meta.append("description: ")
    meta.append("resume: ")
    return meta


# -- new retour -----------------------------------------------------------------------------


@dataclass
class NewRetour:
    """A coach's feedback: `about` as typed (`id`, `kind/id`, or the note's file path);
    `statuses` each `id` or `id=relue|validee`."""

    about: str
    author: str
    statuses: tuple[str, ...] = ()
    title: str = ""
    review: bool = False
    public: bool = False


# How a status is written: the spelling of the format's examples and of the coach's form.
STATUS_SPELLING = {"relue": "relue", "validee": "validée"}


def _reference(typed: str) -> str:
    """`sur` as the learner may type it: `[[id]]`, `kind/id`, or a file path
    (`portfolio/recits/x.md`, from the shell's completion) reduced to `recits/x`."""
    text = typed.strip().removeprefix("[[").removesuffix("]]").replace("\\", "/").strip("/")
    parents, _, name = text.rpartition("/")
    name = markdown_stem(name) if is_markdown(name) else name
    parent = parents.rsplit("/", 1)[-1]
    return f"{parent}/{name}" if parent else name


def _statuses(items: tuple[str, ...], known: dict[str, Competence], lang: str) -> dict[str, str]:
    """`id` or `id=status` as typed, each status read as a feedback note's are (schema.FIELDS)."""
    entry = field_of(Kind.RETOUR, "competences")
    assert entry is not None  # a feedback note always has its competences
    found: dict[str, str] = {}
    for item in items:
        cid, _, typed = (part.strip() for part in item.partition("="))
        if cid not in known:
            raise _unknown_competence(cid, known, lang)
        status = entry.choices.get(fold(typed or entry.values[0]))
        if status is None:
            raise AuthoringError(message("unknown-choice", lang, key=entry.key, value=typed)
                                 + " " + message("unknown-choice.fix", lang, choices=", ".join(entry.values)))
        found[cid] = STATUS_SPELLING.get(status, status)
    return found


def new_retour(settings: Settings, retour: NewRetour, today: dt.date | None = None) -> Created:
    """Write a coach's feedback note in `retours/`, private unless asked; nothing overwritten.

    `sur` is written `folder/id` even when the bare id is unique today: a note given the
    same id later would otherwise make the feedback ambiguous.
    """
    lang = settings.lang
    today = today or settings.today
    author = retour.author.strip()
    if not author:
        raise AuthoringError(message("new.retour-needs-author", lang))
    portfolio, _ = load_portfolio(settings)
    links = LinkIndex(portfolio, settings.folders)
    wanted = _reference(retour.about)
    targets = links.resolve(wanted) if wanted else []
    if not targets:
        # A note's title is what the learner remembers: it names the id to give.
        by_title = [n.id for n in portfolio.notes if n.title and _letters(n.title) == _letters(retour.about)]
        guess = by_title[0] if len(by_title) == 1 else did_you_mean(wanted.split("/")[-1], links.by_id)
        hint = message("did-you-mean", lang, guess=guess) if guess else message("unknown-about.fix", lang)
        raise AuthoringError(f"{message('new.unknown-about', lang, id=retour.about)} {hint}")
    if len(targets) > 1:
        choices = ", ".join(f"{settings.folder_of(t.kind)}/{t.id}" if t.kind else t.id for t in targets)
        raise AuthoringError(message("new.ambiguous-about", lang, id=wanted, choices=choices))
    target = targets[0]
    if target.kind is None:  # not asked for (`pages`), so never found: a note is needed
        raise AuthoringError(f"{message('new.unknown-about', lang, id=retour.about)} {message('unknown-about.fix', lang)}")
    statuses = _statuses(retour.statuses, portfolio.competences, lang)

    folder = settings.folder_of(Kind.RETOUR)
    name = f"{today.isoformat()}-{target.id}-{slugify(author, max_length=_SLUG_LENGTH, word_boundary=True) or 'retour'}.md"
    path = settings.docs_dir / folder / name
    if path.exists():
        raise AuthoringError(message("new.retour-exists", lang, path=path))
    meta = [f"auteur: {_yaml_plain(author)}", f"date: {today.isoformat()}",
            f"sur: {_yaml_plain(settings.folder_of(target.kind) + '/' + target.id)}"]
    if retour.title.strip():
        meta.append(f"titre: {_yaml_plain(retour.title.strip())}")
    if statuses:
        meta.append("competences:")
        meta += [f"  {_yaml_plain(cid)}: {status}" for cid, status in statuses.items()]
    if retour.review:
        meta.append("relecture: true")
    notices = []
    if retour.public:
        meta.append("visibilite: public")
        note = portfolio.index().get((target.kind, target.id))
        if note is not None and not is_public(note, settings):
            notices.append(message("new.retour-about-private", lang, id=target.id))
        else:
            notices.append(message("new.retour-public", lang))
    else:
        # `retours/` is private by default; a portfolio that made it public still gets a
        # private retour, as asked.
        if not settings.is_in_private_folder(f"{folder}/{name}"):
            meta.append("visibilite: prive")
        notices.append(message("new.retour-private", lang))
    _write(path, meta, message("new.retour-body", lang) + "\n")
    return Created(path, tuple(notices))


# -- new journal ----------------------------------------------------------------------------


def journal_folder(settings: Settings) -> str | None:
    """The logbook's folder: the first private folder that holds no kind of note (a
    journal entry in `retours/` would be read as feedback), else `journal` when private."""
    candidates = [f for f in settings.private_folders if f != "."] + ["journal"]  # ".": everything
    for folder in candidates:
        if settings.kind_of_folder(folder.split("/")[0]) is None and settings.is_in_private_folder(f"{folder}/x.md"):
            return folder
    return None


def new_journal(settings: Settings, title: str, today: dt.date | None = None) -> Created:
    """Write a logbook entry: private by its folder, never by a key the learner could drop."""
    lang = settings.lang
    today = today or settings.today
    folder = journal_folder(settings)
    if folder is None:
        raise AuthoringError(message("new.no-journal-folder", lang))
    # Private folders are compared case-folded (`journal`): an existing `Journal/` keeps its
    # spelling, a second folder beside it would be the same on macOS and a new one on Linux.
    on_disk = next((p.name for p in settings.docs_dir.glob("*") if p.is_dir() and folder_key(p.name) == folder), folder)
    path = settings.docs_dir / on_disk / f"{today.isoformat()}-{slugify(title, max_length=_SLUG_LENGTH, word_boundary=True) or 'note'}.md"
    if path.exists():
        raise AuthoringError(message("new.exists", lang, path=path))
    meta = [f"titre: {_yaml_plain(title.strip())}", f"date: {today.isoformat()}"]
    _write(path, meta, message("new.journal-body", lang) + "\n")
    return Created(path, (message("new.journal-private", lang, folder=on_disk),))

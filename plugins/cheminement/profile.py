"""The learner's profile: who the portfolio presents, for the home page and the dossier.

A `profil` mapping lives in the plugin's options (mkdocs.yml) or in the home page's front
matter; the home page's wins key by key, so an institution's template can give defaults.
Every value is checked here, once: a misspelt key, a photo outside the portfolio or a
contact that is not an address or a web link is a problem naming the file and the line,
never a broken or silently empty home page.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .load import did_you_mean
from .model import Page, Problem, Severity, fold, is_markdown

KEYS = ("nom", "accroche", "photo", "formation", "contact", "resume")
ALIASES = {
    "name": "nom",
    "headline": "accroche",
    "titre": "accroche",
    "title": "accroche",
    "image": "photo",
    "certification": "formation",
    "programme": "formation",
    "program": "formation",
    "objectif": "formation",
    "email": "contact",
    "courriel": "contact",
    "summary": "resume",
}
PROGRAMME_KEYS = ("intitule", "rncp", "lien")
PROGRAMME_ALIASES = {"titre": "intitule", "title": "intitule", "code": "rncp", "url": "lien", "link": "lien"}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg")
# RNCP fiches are numbered RNCP12345; a bloc adds BC01. Anything else is worth a warning.
RNCP = re.compile(r"RNCP\d{3,6}(?:BC\d{2})?")
EMAIL = re.compile(r"[^@\s<>\"]+@[^@\s<>\"]+\.[^@\s<>\"]+")


@dataclass(frozen=True)
class Programme:
    """The certification or programme the portfolio is aimed at."""

    title: str
    rncp: str = ""
    link: str = ""

    @property
    def rncp_link(self) -> str:
        """France Compétences' public page of the fiche (a link, never a request)."""
        match = re.fullmatch(r"RNCP(\d+)(?:BC\d{2})?", self.rncp)
        return f"https://www.francecompetences.fr/recherche/rncp/{match.group(1)}/" if match else ""


@dataclass(frozen=True)
class Profile:
    name: str = ""
    headline: str = ""
    photo: str = ""  # a path in the portfolio, relative to its folder
    programme: Programme | None = None
    contact: str = ""  # a mailto: or http(s) URL, checked
    summary: str = ""

    @property
    def contact_label(self) -> str:
        return self.contact.removeprefix("mailto:") if self.contact.startswith("mailto:") else urlsplit(self.contact).netloc


class _Reader:
    """One source of profile values, with where its problems are reported."""

    def __init__(self, source: str, lines: dict[tuple[str | int, ...], int], prefix: tuple[str, ...]) -> None:
        self.source = source
        self.lines = lines
        self.prefix = prefix
        self.problems: list[Problem] = []

    def line(self, *path: str) -> int | None:
        return self.lines.get((*self.prefix, *path)) or self.lines.get(self.prefix)

    def problem(self, severity: Severity, code: str, path: tuple[str, ...], params: dict[str, Any], fix: str, **fix_params: Any) -> None:
        self.problems.append(Problem(self.source, self.line(*path), severity, code, params, ((fix, fix_params),)))


def read(settings_profile: object, home: Page | None, existing: set[str], programme_option: str | None = None,
         config_file: str = "mkdocs.yml") -> tuple[Profile, list[Problem]]:
    """The profile from the options and the home page, and every problem found in either.

    `existing` holds the portfolio's files (paths relative to its folder), to check the photo.
    """
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    sources: list[tuple[object, _Reader, str]] = [
        (settings_profile, _Reader(config_file, {}, ()), "")]
    if home is not None and "profil" in home.meta:
        sources.append((home.meta["profil"], _Reader(home.path, home.lines, ("profil",)), posixpath.dirname(home.path)))
    for raw, reader, base in sources:
        if raw is None:
            continue
        if not isinstance(raw, dict):
            reader.problem(Severity.ERROR, "profile.not-mapping", (), {}, "profile.not-mapping.fix")
        else:
            values.update(_read_mapping(raw, reader, base, existing))
        problems.extend(reader.problems)
    if "formation" not in values and programme_option:
        values["formation"] = Programme(programme_option)
    return Profile(**{_FIELDS[k]: v for k, v in values.items()}), problems


_FIELDS = {"nom": "name", "accroche": "headline", "photo": "photo", "formation": "programme",
           "contact": "contact", "resume": "summary"}


def _canonical(key: object, aliases: dict[str, str]) -> str:
    folded = fold(str(key)).replace(" ", "_")
    return aliases.get(folded, folded)


def _read_mapping(raw: dict[Any, Any], reader: _Reader, base: str, existing: set[str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for raw_key, value in raw.items():
        key = _canonical(raw_key, ALIASES)
        where = (str(raw_key),)
        if key not in KEYS:
            guess = did_you_mean(key, KEYS)
            fix, hint = (("profile.unknown-key.fix", {"guess": guess}) if guess else ("profile.keys", {}))
            reader.problem(Severity.WARNING, "profile.unknown-key", where, {"key": raw_key}, fix,
                           known=", ".join(KEYS), **hint)
            continue
        if value is None or value == "":
            continue
        if key == "formation":
            programme = _programme(value, reader, where)
            if programme is not None:
                found[key] = programme
            continue
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            reader.problem(Severity.ERROR, "profile.not-text", where, {"key": raw_key}, "profile.not-text.fix", key=raw_key)
            continue
        text = " ".join(str(value).split())
        if key == "photo":
            text = _photo(text, reader, where, base, existing)
        elif key == "contact":
            text = _contact(text, reader, where)
        if text:
            found[key] = text
    return found


def _programme(value: object, reader: _Reader, where: tuple[str, ...]) -> Programme | None:
    if isinstance(value, str):
        return Programme(" ".join(value.split()))
    if not isinstance(value, dict):
        reader.problem(Severity.ERROR, "profile.bad-programme", where, {}, "profile.bad-programme.fix")
        return None
    fields: dict[str, str] = {}
    for raw_key, item in value.items():
        key = _canonical(raw_key, PROGRAMME_ALIASES)
        if key not in PROGRAMME_KEYS or not isinstance(item, (str, int)) or isinstance(item, bool):
            reader.problem(Severity.ERROR, "profile.bad-programme", (*where, str(raw_key)), {}, "profile.bad-programme.fix")
            continue
        fields[key] = " ".join(str(item).split())
    if not fields.get("intitule"):
        reader.problem(Severity.ERROR, "profile.bad-programme", where, {}, "profile.bad-programme.fix")
        return None
    rncp = fields.get("rncp", "").upper().replace(" ", "")
    if rncp and not RNCP.fullmatch(rncp):
        reader.problem(Severity.WARNING, "profile.bad-rncp", (*where, "rncp"), {"value": fields["rncp"]}, "profile.bad-rncp.fix")
        rncp = ""
    link = fields.get("lien", "")
    if link and urlsplit(link).scheme not in ("http", "https"):
        reader.problem(Severity.ERROR, "profile.bad-link", (*where, "lien"), {"value": link}, "profile.bad-link.fix")
        link = ""
    return Programme(fields["intitule"], rncp, link)


def _photo(text: str, reader: _Reader, where: tuple[str, ...], base: str, existing: set[str]) -> str:
    """A photo is a picture file of the portfolio: no URL (a request to another site), no way out."""
    if urlsplit(text).scheme or text.startswith("//"):
        reader.problem(Severity.ERROR, "profile.photo-url", where, {"value": text}, "profile.photo.fix")
        return ""
    path = posixpath.normpath(posixpath.join(base, text.lstrip("/")) if not text.startswith("/") else text.lstrip("/"))
    if path.startswith("..") or "\\" in text:
        reader.problem(Severity.ERROR, "profile.photo-outside", where, {"value": text}, "profile.photo.fix")
        return ""
    if not path.lower().endswith(IMAGE_SUFFIXES) or is_markdown(path):
        reader.problem(Severity.ERROR, "profile.photo-not-image", where, {"value": text}, "profile.photo.fix")
        return ""
    if path not in existing:
        reader.problem(Severity.ERROR, "profile.photo-missing", where, {"value": text}, "profile.photo.fix")
        return ""
    return path


def _contact(text: str, reader: _Reader, where: tuple[str, ...]) -> str:
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:"):]
    if EMAIL.fullmatch(text):
        return "mailto:" + text
    if urlsplit(text).scheme in ("http", "https") and urlsplit(text).netloc:
        return text
    reader.problem(Severity.ERROR, "profile.bad-contact", where, {"value": text}, "profile.bad-contact.fix")
    return ""


HOME = "index.md"  # the home page, at the root of the portfolio


def home_page(pages: list[Page]) -> Page | None:
    return next((page for page in pages if page.path == HOME), None)


def unpublished_photo(settings_profile: object, home: Page | None, existing: set[str], private: set[str]) -> list[Problem]:
    """The photo must be published: one in a private folder, or used by a private note, is
    an error (the home page would show a broken image, or the build would publish it)."""
    shown, _ = read(settings_profile, home, existing)
    if not shown.photo or shown.photo not in private:
        return []
    in_home = home is not None and isinstance(home.meta.get("profil"), dict) and any(
        _canonical(k, ALIASES) == "photo" for k in home.meta["profil"])
    source, line = (home.path, home.line_of("profil")) if in_home and home else ("mkdocs.yml", None)
    return [Problem(source, line, Severity.ERROR, "profile.photo-private", {"value": shown.photo},
                    (("profile.photo.fix", {}),))]

"""What a learner's mkdocs.yml (or properdocs.yml) may set in an institution build: an allow-list.

An institution builds hundreds of folders it did not write. A mkdocs.yml is code in
disguise: `hooks:` and plugins run Python, Markdown extensions and `theme.custom_dir` read
files, `!ENV` copies the build machine's secrets into the site, `docs_dir` and path options
reach other learners' folders. So the learner's file is never given to MkDocs: it is read
here with a YAML loader that refuses every tag and anchor, and only plain presentation
values and our plugin's options survive, each validated. Everything else is dropped and
named, so that the learner sees what was ignored.

Values that Material prints without escaping (site name, description, author, copyright,
nav titles, palette toggle names) are HTML-escaped here, before they reach the config.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .appearance import CONTROL, MAX_TEXT, AppearanceChecks, escape, is_plain_relative, single
from .configfile import CONFIG_NAMES
from .dates import PartialDate
from .messages import message
from .model import Kind

MAX_CONFIG_BYTES = 256 * 1024

# Our plugin's options (config.py), by how they are checked.
BOOLEANS = ("indexation", "services_tiers", "fichiers_actifs", "dossier", "annuaire", "navigation", "accueil", "relecture")
CHOICES = {"langue": ("fr", "en"), "publication": ("tout", "explicite"), "ordre_chronologie": ("recent", "ancien"),
           "texte_accueil": ("debut", "apres-profil", "fin")}
# Options that are plain data, checked by the core when the stage is built (profile.py,
# dossier.py): here only their shape (text, numbers, dates and lists of them, two levels).
DATA = ("profil", "selection_dossier")
PAGES = ("page_bibliographie", "page_competences", "page_chronologie", "page_nouveautes", "page_dossier", "page_relecture")
TEXTS = ("pied_de_page", "mentions_legales", "programme", "depot", "depot_branche", "depot_dossier")
SOURCES = ("referentiel", "bibliographie")
FORCED = {"enabled": True, "apercu_prive": False}  # privacy cannot be switched off
VALIDATION_KEYS = frozenset({"nav", "links", "omitted_files", "not_found", "absolute_links", "unrecognized_links", "anchors"})
VALIDATION_LEVELS = frozenset({"warn", "info", "ignore", "relative_to_docs"})


class Refused(Exception):
    """The learner's configuration cannot be built safely; the message says why (localised)."""


@dataclass
class LearnerConfig:
    """The allow-listed part of a learner's mkdocs.yml."""

    docs_dir: Path  # resolved, inside the learner's folder
    mkdocs: dict[str, Any] = field(default_factory=dict)  # escaped, ready for the stage's mkdocs.yml
    options: dict[str, Any] = field(default_factory=dict)  # our plugin's options, validated
    referentiel: Path | None = None  # resolved, inside the learner's folder
    bibliography: Path | None = None
    name: str = ""  # the site name as written (the index escapes it)
    excluded_patterns: list[str] = field(default_factory=list)  # exclude_docs and draft_docs lines
    ignored: list[str] = field(default_factory=list)  # keys dropped, for the learner to see


def read_yaml(path: Path, shown: str, lang: str) -> Any:
    """Plain YAML data: every tag (`!ENV`, `!relative`, `!!python/…`) and alias is refused."""
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise Refused(message("institution.config-too-big", lang, file=shown, size=MAX_CONFIG_BYTES // 1024))
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(message("institution.config-encoding", lang, file=shown)) from None
    except OSError as error:
        raise Refused(message("institution.config-unreadable", lang, file=shown, detail=error.strerror or error)) from None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            line = event.start_mark.line + 1 if event.start_mark is not None else 1
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                raise Refused(message("institution.yaml-alias", lang, file=shown, line=line))
            tag = getattr(event, "tag", None)
            if tag is not None:
                raise Refused(message("institution.yaml-tag", lang, file=shown, line=line, tag=tag))
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise Refused(message("institution.yaml-syntax", lang, file=shown, line=line,
                              detail=getattr(error, "problem", None) or error)) from None


def inside(path: Path, folder: Path) -> bool:
    """Whether `path`, symbolic links resolved, is `folder` or lies within it."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(folder))


def default_docs(folder: Path) -> Path:
    """Without a configuration file: `portfolio/` when there is one, else the folder itself."""
    candidate = folder / "portfolio"
    return candidate if candidate.is_dir() and not candidate.is_symlink() else folder


def config_file_of(folder: Path) -> Path | None:
    """The learner's configuration file, in ProperDocs' order of names (properdocs.yml
    first); a symbolic link counts, so that it is refused rather than passed over."""
    return next((folder / name for name in CONFIG_NAMES if (folder / name).exists() or (folder / name).is_symlink()), None)


def read_learner(folder: Path, lang: str) -> LearnerConfig:
    """The allow-listed settings of the portfolio in `folder` (raises Refused)."""
    config_file = config_file_of(folder)
    if config_file is None:
        return LearnerConfig(docs_dir=Path(os.path.realpath(default_docs(folder))), name=folder.name)
    shown = config_file.name
    if config_file.is_symlink() or not config_file.is_file():
        raise Refused(message("institution.config-symlink", lang, file=shown))
    data = read_yaml(config_file, shown, lang)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise Refused(message("institution.config-not-mapping", lang, file=shown))
    return _Reader(folder, data, lang, shown).read()


class _Reader(AppearanceChecks):
    """One pass over a learner's mkdocs.yml: keep, check and escape, or drop and name."""

    def __init__(self, folder: Path, data: dict[Any, Any], lang: str, file: str = "mkdocs.yml") -> None:
        self.folder = folder
        self.data = data
        self.lang = lang
        self.file = file  # the configuration file's name, as messages show it
        self.result = LearnerConfig(docs_dir=folder)

    def refuse(self, key: str, detail: str) -> Refused:
        return Refused(message("institution.bad-value", self.lang, file=self.file, key=key, detail=detail))

    def read(self) -> LearnerConfig:
        handlers = {
            "site_name": self.site_text, "site_description": self.site_text, "site_author": self.site_text,
            "copyright": self.site_text, "theme": self.theme, "docs_dir": self.docs_dir, "nav": self.nav,
            "use_directory_urls": self.use_directory_urls, "not_in_nav": self.patterns,
            "exclude_docs": self.patterns, "draft_docs": self.patterns,
            "markdown_extensions": self.extensions, "plugins": self.plugins, "validation": self.validation,
        }
        if self.data.get("docs_dir") is None:
            self.docs_dir("docs_dir", "docs")  # MkDocs' default
        for key, value in self.data.items():
            handler = handlers.get(str(key))
            if handler is None:
                self.result.ignored.append(str(key))
            elif value is not None:
                handler(str(key), value)
        self.result.name = self.result.name or self.folder.name
        options = self.result.options
        if options.get("depot") and "depot_dossier" not in options:
            # The stage moves the portfolio: its place in the repository is where it is here.
            relative = Path(os.path.relpath(self.result.docs_dir, os.path.realpath(self.folder))).as_posix()
            options["depot_dossier"] = "" if relative == "." else relative
        return self.result

    # -- Plain values -------------------------------------------------------------------------

    def text(self, key: str, value: object) -> str:
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.refuse(key, message("institution.expected-text", self.lang))
        text = CONTROL.sub(" ", str(value)).strip()
        if len(text) > MAX_TEXT:
            raise self.refuse(key, message("institution.too-long", self.lang, limit=MAX_TEXT))
        return text

    def plain_data(self, key: str, value: object, depth: int) -> object:
        """A mapping or list of texts (dates as ISO text), nested at most `depth` levels."""
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, dict) and depth:
            if len(value) > 50:
                raise self.refuse(key, message("institution.too-long", self.lang, limit=50))
            return {self.text(key, k): self.plain_data(f"{key}.{k}", v, depth - 1) for k, v in value.items()}
        if isinstance(value, list) and depth:
            if len(value) > 200:
                raise self.refuse(key, message("institution.too-long", self.lang, limit=200))
            return [self.plain_data(key, item, depth - 1) for item in value]
        return self.text(key, value)

    def site_text(self, key: str, value: object) -> None:
        text = self.text(key, value)
        if key == "site_name":
            self.result.name = text
        self.result.mkdocs[key] = escape(text)

    def use_directory_urls(self, key: str, value: object) -> None:
        if not isinstance(value, bool):
            raise self.refuse(key, message("institution.expected-bool", self.lang))
        self.result.mkdocs[key] = value

    def patterns(self, key: str, value: object) -> None:
        """exclude_docs, draft_docs, not_in_nav: gitignore-style lines, matched in the stage."""
        text = self.text(key, value) if not isinstance(value, str) else value
        if len(text) > MAX_TEXT * 5 or "\0" in text:
            raise self.refuse(key, message("institution.too-long", self.lang, limit=MAX_TEXT * 5))
        if key == "not_in_nav":
            self.result.mkdocs[key] = text
        else:
            self.result.excluded_patterns.extend(text.splitlines())

    def validation(self, key: str, value: object, depth: int = 0) -> None:
        """MkDocs' link checks: how loudly to report a broken link (warn, info, ignore)."""
        if not isinstance(value, dict) or not all(
            name in VALIDATION_KEYS and (level in VALIDATION_LEVELS or (depth == 0 and name in ("nav", "links")
                                                                        and isinstance(level, dict)))
            for name, level in value.items()
        ):
            raise self.refuse(key, message("institution.unknown-value", self.lang, value=value))
        for name, level in value.items():
            if isinstance(level, dict):
                self.validation(f"{key}.{name}", level, depth + 1)
        if depth == 0:
            self.result.mkdocs[key] = value

    # -- Paths --------------------------------------------------------------------------------

    def path_in_folder(self, key: str, value: object) -> Path:
        """A path written relative to mkdocs.yml that must stay in the learner's folder."""
        if not isinstance(value, str) or not value.strip() or "\0" in value:
            raise self.refuse(key, message("institution.expected-path", self.lang))
        if os.path.isabs(value) or value.startswith("~"):
            raise Refused(message("institution.outside", self.lang, file=self.file, key=key, value=value))
        path = self.folder / value
        if not inside(path, self.folder):
            raise Refused(message("institution.outside", self.lang, file=self.file, key=key, value=value))
        return Path(os.path.realpath(path))

    def docs_dir(self, key: str, value: object) -> None:
        path = self.path_in_folder(key, value)
        if not path.is_dir():
            raise self.refuse(key, message("institution.no-folder", self.lang, value=value))
        self.result.docs_dir = path

    def page(self, key: str, value: object) -> str:
        """A generated page's source path: relative, `.md`, never climbing out."""
        if not isinstance(value, str) or not is_plain_relative(value) or not value.endswith(".md"):
            raise Refused(message("institution.bad-page", self.lang, file=self.file, key=key, value=value))
        return value

    # -- Our plugin's options --------------------------------------------------------------------

    def plugins(self, key: str, value: object) -> None:
        """Only our plugin's options are read; every other plugin is named and dropped."""
        if isinstance(value, dict):
            entries = [(str(name), options) for name, options in value.items()]
        elif isinstance(value, list):
            entries = [(item, {}) if isinstance(item, str) else single(item) for item in value]
        else:
            raise self.refuse(key, message("institution.expected-list", self.lang))
        for name, options in entries:
            if name == "cheminement":
                self.plugin_options(options or {})
            elif name == "search" and not options:
                continue
            else:
                self.result.ignored.append(f"{key}: {name}")

    def plugin_options(self, options: object) -> None:
        if not isinstance(options, dict):
            raise self.refuse("plugins.cheminement", message("institution.expected-mapping", self.lang))
        kept = self.result.options
        for raw_name, value in options.items():
            name = str(raw_name)
            key = f"plugins.cheminement.{name}"
            if name in FORCED:
                if value != FORCED[name]:
                    self.result.ignored.append(key)
            elif value is None:
                continue
            elif name in BOOLEANS:
                if not isinstance(value, bool):
                    raise self.refuse(key, message("institution.expected-bool", self.lang))
                kept[name] = value
            elif name in CHOICES:
                if value not in CHOICES[name]:
                    raise self.refuse(key, message("institution.unknown-value", self.lang, value=value))
                kept[name] = value
            elif name in PAGES:
                kept[name] = self.page(key, value)
            elif name in TEXTS:
                kept[name] = self.text(key, value)
            elif name in DATA:
                kept[name] = self.plain_data(key, value, depth=2)
            elif name == "referentiel":
                self.result.referentiel = self.source_file(key, value)
            elif name == "bibliographie":
                self.result.bibliography = self.source_file(key, value)
            elif name == "dossiers":
                kept[name] = self.folders(key, value)
            elif name == "dossiers_prives":
                if not isinstance(value, list) or not all(isinstance(f, str) and is_plain_relative(f.strip("/")) for f in value):
                    raise self.refuse(key, message("institution.expected-folders", self.lang))
                kept[name] = [f.strip("/") for f in value]
            elif name == "depuis":
                kept[name] = self.since(key, value)
            else:
                self.result.ignored.append(key)

    def source_file(self, key: str, value: object) -> Path:
        path = self.path_in_folder(key, value)
        if path.exists() and not path.is_file():
            raise self.refuse(key, message("institution.expected-path", self.lang))
        return path

    def folders(self, key: str, value: object) -> dict[str, str]:
        kinds = {k.value for k in Kind}
        if not isinstance(value, dict) or not all(
            isinstance(name, str) and is_plain_relative(name) and "/" not in name and kind in kinds
            for name, kind in value.items()
        ):
            raise self.refuse(key, message("institution.expected-folders", self.lang))
        return {str(name): str(kind) for name, kind in value.items()}

    def since(self, key: str, value: object) -> str:
        """Only a date: a path to a previous build would read files outside the portfolio."""
        text = value.isoformat() if isinstance(value, dt.date) else value
        try:
            PartialDate.parse(str(text))
        except ValueError:
            raise self.refuse(key, message("institution.expected-date", self.lang)) from None
        return str(text)

"""The portfolio's configuration file (properdocs.yml or mkdocs.yml), found and read without any engine.

`check`, `publication`, `audit`, `schema` and `new` only need to know where the notes are
and what our plugin's options say. They read that here, so they run where no engine is
installed (a lint job in CI, an editor's task) and never import or run anything the file
names: no hook, no plugin, no `!!python/name` tag. What the file says about the site (theme,
navigation, other plugins) is the engine's business when it builds.

Files are looked for in ProperDocs' order (`properdocs.yml`, `properdocs.yaml`, `mkdocs.yml`,
`mkdocs.yaml`, the first that exists wins), so the command and the engine read the same
file. Values mean what MkDocs 1.6 makes of them: paths relative to the file's folder,
`INHERIT`, `!ENV`, `exclude_docs`/`draft_docs`, Material's default language. The options
follow the plugin's config class (config.py); tests compare both readings.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .dossier import SELECTION_VARIABLE, SelectionError, read_selection
from .messages import language, message
from .model import Kind
from .settings import DEFAULT_FOLDERS, Settings

CONFIG_NAMES = ("properdocs.yml", "properdocs.yaml", "mkdocs.yml", "mkdocs.yaml")
MAX_INHERIT = 10
# MkDocs' own defaults that decide which files it leaves out (structure/files.py).
DEFAULT_EXCLUDED = (".*", "/templates/")
# A theme's language when the file names none: what the theme's mkdocs_theme.yml says.
THEME_LANGUAGES = {"material": "en"}
_PAGE_PATH = re.compile(r"[\w.-]+(?:/[\w.-]+)*\.md")


Reason = tuple[str, dict[str, Any]]  # a catalogue key and its parameters


class ConfigError(Exception):
    """The configuration file cannot be used; `describe(lang)` says why and what to do.

    `reason`, when given, is a catalogue entry shown as the message's `detail`, so that
    the whole message follows the command's language.
    """

    def __init__(self, code: str, reason: Reason | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.reason = reason
        self.params = params

    def describe(self, lang: str) -> str:
        params = dict(self.params)
        if self.reason is not None:
            params["detail"] = message(self.reason[0], lang, **self.reason[1])
        return message(self.code, lang, **params)


# -- Finding the file ---------------------------------------------------------------------


def find(folder: Path) -> Path | None:
    """The configuration file of a portfolio folder, in ProperDocs' order of names."""
    return next((folder / name for name in CONFIG_NAMES if (folder / name).is_file()), None)


def locate(path: Path | None) -> Path | None:
    """The file a command works on: the one given, else the one of the folder given (or
    of the current folder); None when a folder holds none."""
    if path is None:
        return find(Path.cwd())
    return find(path) if path.is_dir() else path


# -- Reading YAML as MkDocs does, without running anything -------------------------------------


def _loader(config_dir: str) -> type[yaml.SafeLoader]:
    """A safe loader that knows MkDocs' tags and takes any other tag's plain value."""

    class Loader(yaml.SafeLoader):
        pass

    def env(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        """`!ENV NAME` or `!ENV [NAME, OTHER, default]` (pyyaml-env-tag's rules)."""
        default = None
        if isinstance(node, yaml.SequenceNode):
            names = node.value[:-1] if len(node.value) > 1 else node.value
            default = loader.construct_object(node.value[-1]) if len(node.value) > 1 else None
        else:
            names = [node]
        for name in names:
            variable = str(loader.construct_scalar(name))
            if variable in os.environ:
                value = os.environ[variable]
                tag = loader.resolve(yaml.ScalarNode, value, (True, False))
                return loader.construct_object(yaml.ScalarNode(tag, value))
        return default

    def relative(loader: yaml.SafeLoader, node: yaml.Node) -> str:
        value = str(loader.construct_scalar(node))  # type: ignore[arg-type]
        prefix, _, suffix = value.partition("/")
        return os.path.join(config_dir, suffix) if prefix == "$config_dir" else value

    def other(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        """`!!python/name:…` and the like: the plain value, never the object it names."""
        if isinstance(node, yaml.MappingNode):
            return loader.construct_mapping(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_scalar(node)  # type: ignore[arg-type]

    Loader.add_constructor("!ENV", env)
    Loader.add_constructor("!relative", relative)
    Loader.add_multi_constructor("", other)
    return Loader


def read(config_file: Path, depth: int = 0) -> dict[str, Any]:
    """The file's data, `INHERIT` merged in as MkDocs merges it (mappings deeply)."""
    path = os.path.abspath(config_file)
    try:
        with open(path, "rb") as handle:
            data = yaml.load(handle, Loader=_loader(os.path.dirname(path)))
    except FileNotFoundError:
        raise ConfigError("configfile.missing", path=config_file) from None
    except OSError as error:
        raise ConfigError("configfile.unreadable", path=config_file, detail=error.strerror or error) from None
    except UnicodeDecodeError:
        raise ConfigError("configfile.encoding", path=config_file) from None
    except yaml.YAMLError as error:
        raise ConfigError("configfile.yaml", path=config_file, detail=error) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError("configfile.not-mapping", path=config_file)
    parent = data.pop("INHERIT", None)
    if parent is None:
        return data
    inherited = os.path.normpath(os.path.join(os.path.dirname(path), str(parent)))
    if depth >= MAX_INHERIT:
        raise ConfigError("configfile.inherit-loop", path=config_file, parent=parent)
    if not os.path.isfile(inherited):
        raise ConfigError("configfile.inherit-missing", path=config_file, parent=parent)
    return _merged(read(Path(inherited), depth + 1), data)


def _merged(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` on `base`: mappings merged key by key, anything else replaced (mergedeep's rule)."""
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def plugin_options(data: dict[str, Any]) -> dict[str, Any] | None:
    """Our plugin's options as written (`- cheminement`, `- cheminement: {…}` or a mapping);
    None when the file does not list it."""
    plugins = data.get("plugins")
    entries: list[Any] = list(plugins.items()) if isinstance(plugins, dict) else plugins if isinstance(plugins, list) else []
    for entry in entries:
        if isinstance(entry, tuple):
            name, options = entry
        elif isinstance(entry, dict) and len(entry) == 1:
            name, options = next(iter(entry.items()))
        else:
            name, options = entry, None
        if name == "cheminement":
            return options if options is not None else {}
    return None


def theme_language(data: dict[str, Any]) -> str | None:
    """`theme.language`, else the theme's own default (Material's is English)."""
    theme = data.get("theme")
    if isinstance(theme, str):
        return THEME_LANGUAGES.get(theme)
    if not isinstance(theme, dict):
        return None
    chosen = theme.get("language")
    return str(chosen) if chosen else THEME_LANGUAGES.get(str(theme.get("name")))


def language_of(config_file: Path | None) -> str | None:
    """The portfolio's language for the command's own text; None when it cannot be read.

    Used before anything else (the help), so it never fails: a broken file is reported by
    the command that reads it for real.
    """
    if config_file is None:
        return None
    try:
        data = read(config_file)
    except ConfigError:
        return None
    options = plugin_options(data)
    chosen = options.get("langue") if isinstance(options, dict) else None
    return chosen if chosen in ("fr", "en") else language(theme_language(data))


# -- Our plugin's options, checked as config.py checks them ---------------------------------


@dataclass(frozen=True)
class Rule:
    """One option: its default and the check of a value given (None: the value is fine)."""

    default: Any
    check: Callable[[Any], Reason | None]


def _boolean(value: Any) -> Reason | None:
    return None if isinstance(value, bool) else ("configfile.expected-bool", {})


def _text(value: Any) -> Reason | None:
    return None if isinstance(value, str) else ("configfile.expected-text", {})


def _mapping(value: Any) -> Reason | None:
    return None if isinstance(value, dict) else ("configfile.expected-mapping", {})


def _date_or_text(value: Any) -> Reason | None:
    return None if isinstance(value, (str, dt.date)) else ("configfile.expected-date", {})


def _one_of(*choices: str) -> Callable[[Any], Reason | None]:
    def check(value: Any) -> Reason | None:
        return None if value in choices else ("configfile.expected-choice", {"choices": ", ".join(choices)})

    return check


def _page(value: Any) -> Reason | None:
    """A generated page's source path: relative, `.md`, never climbing out (config.PagePath)."""
    if not isinstance(value, str):
        return ("configfile.expected-text", {})
    normal = posixpath.normpath(value) if value else ""
    if not _PAGE_PATH.fullmatch(value) or normal != value or normal.startswith(".") or "\\" in value:
        return ("config.page-path", {"value": value})
    return None


def _folders(value: Any) -> Reason | None:
    kinds = tuple(kind.value for kind in Kind)
    if not isinstance(value, dict) or not all(isinstance(name, str) and kind in kinds for name, kind in value.items()):
        return ("configfile.expected-folders", {"choices": ", ".join(kinds)})
    return None


def _texts(value: Any) -> Reason | None:
    return None if isinstance(value, list) and all(isinstance(v, str) for v in value) else ("configfile.expected-texts", {})


def _optional(check: Callable[[Any], Reason | None]) -> Callable[[Any], Reason | None]:
    return lambda value: None if value is None else check(value)


OPTIONS: dict[str, Rule] = {
    "enabled": Rule(True, _boolean),
    "referentiel": Rule(None, _optional(_text)),
    "bibliographie": Rule(None, _optional(_text)),
    "page_bibliographie": Rule("bibliographie.md", _page),
    "langue": Rule(None, _optional(_one_of("fr", "en"))),
    "dossiers": Rule({name: kind.value for name, kind in DEFAULT_FOLDERS.items()}, _folders),
    "dossiers_prives": Rule(["journal", "retours"], _texts),
    "publication": Rule("tout", _one_of("tout", "explicite")),
    "apercu_prive": Rule(False, _boolean),
    "indexation": Rule(False, _boolean),
    "services_tiers": Rule(False, _boolean),
    "fichiers_actifs": Rule(True, _boolean),
    "page_competences": Rule("competences/index.md", _page),
    "page_chronologie": Rule("chronologie.md", _page),
    "depuis": Rule(None, _optional(_date_or_text)),
    "page_nouveautes": Rule("nouveautes.md", _page),
    "dossier": Rule(True, _boolean),
    "page_dossier": Rule("dossier.md", _page),
    "selection_dossier": Rule({}, _mapping),
    "profil": Rule(None, _optional(_mapping)),
    "texte_accueil": Rule("apres-profil", _one_of("debut", "apres-profil", "fin")),
    "accueil": Rule(True, _boolean),
    "relecture": Rule(False, _boolean),
    "page_relecture": Rule("relecture.md", _page),
    "depot": Rule(None, _optional(_text)),
    "depot_branche": Rule("main", _text),
    "depot_dossier": Rule(None, _optional(_text)),
    "pied_de_page": Rule(None, _optional(_text)),
    "mentions_legales": Rule(None, _optional(_text)),
    "programme": Rule(None, _optional(_text)),
    "annuaire": Rule(True, _boolean),
    "ordre_chronologie": Rule("recent", _one_of("recent", "ancien")),
    "navigation": Rule(True, _boolean),
}


def checked_options(written: Any, config_file: Path) -> dict[str, Any]:
    """Every option with its value or default; a wrong value is a ConfigError naming it.

    Unknown names are left out, as MkDocs leaves them (it only warns).
    """
    if written is not None and not isinstance(written, dict):
        raise ConfigError("configfile.bad-option", ("configfile.expected-mapping", {}), path=config_file, key="plugins.cheminement")
    given = written or {}
    options: dict[str, Any] = {}
    for name, rule in OPTIONS.items():
        value = given.get(name)
        if value is None:
            # A null or missing value takes the default, as an absent one does in MkDocs.
            options[name] = rule.default
            continue
        wrong = rule.check(value)
        if wrong is not None:
            raise ConfigError("configfile.bad-option", wrong, path=config_file, key=f"plugins.cheminement.{name}")
        options[name] = value
    return options


# -- Settings ------------------------------------------------------------------------------------


def read_settings(config_file: Path) -> Settings:
    """The core's settings from a configuration file, as our plugin would map them."""
    data = read(config_file)
    config_dir = os.path.dirname(os.path.abspath(config_file))
    docs_dir = _docs_dir(data, config_dir, config_file)
    options = checked_options(plugin_options(data), config_file)

    def path(value: str | None) -> Path | None:
        """A file option as MkDocs' `c.File` reads it: relative to the configuration's folder."""
        return None if value is None else Path(os.path.abspath(os.path.join(config_dir, value)))

    relative = os.path.relpath(docs_dir, config_dir)
    settings = Settings(
        docs_dir=Path(docs_dir),
        referentiel=path(options["referentiel"]),
        bibliography=path(options["bibliographie"]),
        bibliography_page=options["page_bibliographie"],
        folders={name: Kind(kind) for name, kind in options["dossiers"].items()},
        private_folders=tuple(options["dossiers_prives"]),
        explicit_publication=options["publication"] == "explicite",
        lang=options["langue"] or language(theme_language(data)),
        competence_index=options["page_competences"],
        timeline_page=options["page_chronologie"],
        changes_page=options["page_nouveautes"],
        dossier_page=options["page_dossier"] if options["dossier"] else None,
        review=options["relecture"],
        review_page=options["page_relecture"],
        repository=(options["depot"], options["depot_branche"], options["depot_dossier"] if options["depot_dossier"] is not None
                    else ("" if relative == "." else Path(relative).as_posix())) if options["depot"] else None,
        newest_first=options["ordre_chronologie"] == "recent",
        profile=options["profil"],
        home_text=options["texte_accueil"],
        config_name=Path(config_file).name,
    )
    with contextlib.suppress(SelectionError):  # reported where it matters: a build with a dossier
        settings.dossier_selection = read_selection(options["selection_dossier"], os.environ.get(SELECTION_VARIABLE),
                                                    Path(config_file).name)
    settings.excluded = excluded(docs_dir, data, config_file)
    return settings


def _docs_dir(data: dict[str, Any], config_dir: str, config_file: Path) -> str:
    """`docs_dir` as MkDocs checks it: an existing folder beside (not above) the file."""
    value = data.get("docs_dir")
    value = "docs" if value is None else value
    if not isinstance(value, str):
        raise ConfigError("configfile.bad-option", ("configfile.expected-text", {}), path=config_file, key="docs_dir")
    docs_dir = os.path.abspath(os.path.join(config_dir, value))
    if not os.path.isdir(docs_dir):
        raise ConfigError("configfile.no-docs", path=config_file, value=value)
    if docs_dir == config_dir:
        raise ConfigError("configfile.docs-is-parent", path=config_file)
    return docs_dir


def excluded(docs_dir: str, data: dict[str, Any], config_file: Path) -> frozenset[str]:
    """Source paths MkDocs leaves out of the site: hidden files, `templates/`, `exclude_docs`
    and `draft_docs` (gitignore patterns, matched by pathspec as MkDocs matches them)."""
    from pathspec.gitignore import GitIgnoreSpec  # noqa: PLC0415 - only needed here

    lines = list(DEFAULT_EXCLUDED)
    for key in ("exclude_docs", "draft_docs"):
        value = data.get(key)
        if isinstance(value, str):
            lines += value.splitlines()
        elif value is not None:
            raise ConfigError("configfile.bad-option", ("configfile.expected-lines", {}), path=config_file, key=key)
    spec = GitIgnoreSpec.from_lines(lines)
    found: set[str] = set()
    for top, dirs, files in os.walk(docs_dir, followlinks=True):
        dirs.sort()
        relative = os.path.relpath(top, docs_dir)
        for name in files:
            uri = Path(os.path.normpath(os.path.join(relative, name))).as_posix()
            if spec.match_file(uri):
                found.add(uri)
    return frozenset(found)

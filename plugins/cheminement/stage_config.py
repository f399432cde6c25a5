"""An institution build's settings for one portfolio, and the mkdocs.yml of its stage.

The learner's allow-listed values (learner.py) meet the institution's: its MkDocs defaults
below, its required plugin options, footer and legal notice above. From them come the
core's Settings (to check and stage the source portfolio) and a plain mkdocs.yml for the
stage, written with `yaml.safe_dump` so that it carries no tag, and naming no plugin,
hook, template folder or Markdown extension that the learner chose beyond the allow-list.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import yaml

from .appearance import EXTENSIONS, escape
from .learner import LearnerConfig, Refused, inside
from .messages import message
from .scan import is_utf8
from .settings import Settings
from .targets import private_targets

if TYPE_CHECKING:
    from .institution import Institution
    from .stage import Stage

# MkDocs keys of the institution's defaults that the build decides itself.
MANAGED = frozenset({"INHERIT", "docs_dir", "site_dir", "theme", "plugins", "markdown_extensions", "extra_css"})
SOURCES = ("referentiel", "bibliographie")
MAX_LISTED = 3
THEME_FOLDER = "institution-theme"  # in the scratch folder: the institution's logo and colours


def _entries(items: object) -> list[tuple[str, Any]]:
    """MkDocs' plugin and extension lists (`- name`, `- name: {options}`, or a mapping)."""
    if isinstance(items, dict):
        return [(str(name), options) for name, options in items.items()]
    found: list[tuple[str, Any]] = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            found.extend((str(name), options) for name, options in item.items())
        else:
            found.append((str(item), None))
    return found


def _institution_options(institution: Institution) -> dict[str, Any]:
    """Options the institution gives our plugin in its `mkdocs:` defaults (paths aside)."""
    for name, options in _entries(institution.defaults.get("plugins")):
        if name == "cheminement" and isinstance(options, dict):
            return {k: v for k, v in options.items() if k not in SOURCES}
    return {}


def settings_for(learner: LearnerConfig, institution: Institution) -> tuple[Settings, dict[str, Any]]:
    """The core's settings for the source portfolio, and the plugin options they come from.

    Options are layered: the institution's defaults, the learner's allowed ones, then what
    the institution requires (`obligatoire`, footer, legal notice). Our plugin's own
    config class checks their types and fills in the defaults, so the mapping onto
    Settings is the plugin's and cannot drift from a plain build's.
    """
    from .plugin import CheminementPlugin  # noqa: PLC0415 - imports MkDocs

    options = {**_institution_options(institution), **learner.options, **institution.required,
               "enabled": True, "apercu_prive": False}
    if institution.footer:
        options["pied_de_page"] = institution.footer
    if institution.legal_notice:
        options["mentions_legales"] = institution.legal_notice
    plugin = CheminementPlugin()
    errors, _ = plugin.load_config({k: v for k, v in options.items() if k not in SOURCES})
    if errors:
        raise Refused("; ".join(f"plugins.cheminement.{name}: {error}" for name, error in errors))
    theme = learner.mkdocs.get("theme", {})
    language = theme.get("language") or _theme_defaults(institution).get("language") or institution.lang
    settings = plugin.settings_for(cast(Any, SimpleNamespace(docs_dir=str(learner.docs_dir), theme={"language": language})))
    settings.referentiel = _required_source(institution, "referentiel") or learner.referentiel
    settings.bibliography = _required_source(institution, "bibliographie") or learner.bibliography
    settings.excluded = _excluded(learner)
    options["langue"] = settings.lang
    return settings, options


def _required_source(institution: Institution, option: str) -> Path | None:
    """A référentiel or library the institution imposes on everyone (a path from ROOT)."""
    value = institution.required.get(option)
    return (institution.root / str(value)).resolve() if value else None


def _excluded(learner: LearnerConfig) -> frozenset[str]:
    """Files the learner left out with exclude_docs or draft_docs: they stay unpublished."""
    if not learner.excluded_patterns:
        return frozenset()
    from pathspec.gitignore import GitIgnoreSpec  # noqa: PLC0415 - MkDocs' own matcher

    from .scan import portfolio_files  # noqa: PLC0415

    spec = GitIgnoreSpec.from_lines(learner.excluded_patterns)
    return frozenset(path for path in portfolio_files(learner.docs_dir) if spec.match_file(path))


def check_files(folder: Path, settings: Settings, institution: Institution, lang: str) -> None:
    """Refuse what the stage must never read: links leaving the folder, odd names, pipes.

    A symbolic link to another learner's journal or to /etc would otherwise be read as the
    learner's own note; a named pipe would stall the build; a name that is not UTF-8 cannot
    become an address.
    """
    problems: list[str] = []
    imposed = {_required_source(institution, "referentiel"), _required_source(institution, "bibliographie")}
    sources = [p for p in (settings.referentiel_path, settings.bibliography) if p is not None and p not in imposed]
    for path in sources:
        if (path.is_symlink() or path.exists()) and not inside(path, folder):
            problems.append(message("institution.link-outside", lang, path=_shown(path, folder)))
    for top, dirs, files in os.walk(settings.docs_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in [*dirs, *files]:
            if name.startswith("."):
                continue
            path = Path(top) / name
            if not is_utf8(name):
                problems.append(message("institution.name-encoding", lang, path=_shown(path, folder)))
            elif path.is_symlink() and not inside(path, folder):
                problems.append(message("institution.link-outside", lang, path=_shown(path, folder)))
            elif not path.is_symlink() and not (path.is_file() or path.is_dir()):
                problems.append(message("institution.special-file", lang, path=_shown(path, folder)))
        if len(problems) > MAX_LISTED:
            break
    if problems:
        raise Refused("\n    ".join(problems[:MAX_LISTED] + (["…"] if len(problems) > MAX_LISTED else [])))


def _shown(path: Path, folder: Path) -> str:
    text = os.path.relpath(path, folder)
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _theme_defaults(institution: Institution) -> dict[str, Any]:
    theme = institution.defaults.get("theme")
    return dict(theme) if isinstance(theme, dict) else {}


def write_config(scratch: Path, slug: str, learner: LearnerConfig, institution: Institution,
                 stage: Stage, options: dict[str, Any]) -> Path:
    """scratch/mkdocs.yml: the institution's defaults, the learner's allowed values, the stage."""
    theme_dir, logo = institution_theme(institution, scratch)
    theme = {**_theme_defaults(institution), **learner.mkdocs.get("theme", {}),
             "name": "material", "custom_dir": theme_dir.name}
    theme.setdefault("language", institution.lang)
    if logo:
        theme["logo"] = logo
    plugin_options = {k: v for k, v in options.items() if k not in SOURCES}
    if stage.referentiel is not None:
        plugin_options["referentiel"] = os.path.relpath(stage.referentiel, scratch)
    if stage.bibliography is not None:
        plugin_options["bibliographie"] = os.path.relpath(stage.bibliography, scratch)
    plugins: list[Any] = [name if opts is None else {name: opts}
                          for name, opts in _entries(institution.defaults.get("plugins", ["search"]))
                          if name != "cheminement"]
    plugins.append({"cheminement": plugin_options})
    extra_css = institution.defaults.get("extra_css")
    config: dict[str, Any] = {
        **{k: v for k, v in institution.defaults.items() if k not in MANAGED},
        "site_name": escape(slug),
        **{k: v for k, v in learner.mkdocs.items() if k not in ("theme", "markdown_extensions")},
        "docs_dir": os.path.relpath(stage.docs_dir, scratch),
        "theme": theme,
        "extra_css": [*(extra_css if isinstance(extra_css, list) else []), "assets/institution/institution.css"],
        "plugins": plugins,
        "markdown_extensions": _extensions(institution, learner),
    }
    if "nav" in config:
        config["nav"] = _public_nav(config["nav"], frozenset(stage.publication.private))
    if isinstance(config.get("site_url"), str):
        config["site_url"] = site_url_for(config["site_url"], slug)
    target = scratch / "mkdocs.yml"
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def site_url_for(site_url: str, slug: str) -> str:
    """The portfolio's own address under the institution's `site_url`."""
    return f"{site_url.rstrip('/')}/{slug}/"


def _public_nav(items: list[Any], private: frozenset[str]) -> list[Any]:
    """The learner's navigation without its entries to private notes (nor their titles)."""
    kept: list[Any] = []
    for item in items:
        title, target = next(iter(item.items())) if isinstance(item, dict) else (None, item)
        if isinstance(target, list):
            inner = _public_nav(target, private)
            if inner:
                kept.append({title: inner})
        elif not _names_private(target, private):
            kept.append(item)
    return kept


def _names_private(target: str, private: frozenset[str]) -> bool:
    """Whether a nav target names a private note or file, however spelt (`journal/x`,
    `journal/x.md#a`, `Journal//x/`): the folding used for links in pages (targets.py)."""
    targets = private_targets(private)
    return targets is not None and (posixpath.normpath(target) in private or targets.in_value(target, ""))


def _extensions(institution: Institution, learner: LearnerConfig) -> list[Any]:
    """The institution's Markdown extensions, then the learner's allowed ones it lacks."""
    chosen = _entries(institution.defaults.get("markdown_extensions"))
    names = {name for name, _ in chosen}
    for name, opts in _entries(learner.mkdocs.get("markdown_extensions")):
        if name in EXTENSIONS and name not in names:
            chosen.append((name, opts))
    return [name if not opts else {name: opts} for name, opts in chosen]


def institution_theme(institution: Institution, scratch: Path) -> tuple[Path, str | None]:
    """A theme folder with the institution's logo and colours, searched before Material's."""
    folder = scratch / THEME_FOLDER
    assets = folder / "assets" / "institution"
    assets.mkdir(parents=True)
    logo = None
    if institution.logo is not None:
        shutil.copy2(institution.logo, assets / institution.logo.name)
        logo = f"assets/institution/{institution.logo.name}"
    colours = institution.colours
    rules = []
    if "primaire" in colours:
        rules += [f"--md-primary-fg-color: {colours['primaire']};", f"--md-primary-fg-color--dark: {colours['primaire']};"]
    if "accent" in colours:
        rules.append(f"--md-accent-fg-color: {colours['accent']};")
    css = f":root, [data-md-color-scheme] {{ {' '.join(rules)} }}\n" if rules else ""
    (assets / "institution.css").write_text(css, encoding="utf-8")
    return folder, logo

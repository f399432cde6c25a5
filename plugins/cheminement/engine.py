"""Run the engine (MkDocs, or ProperDocs when that is what is installed) on a stage.

`cheminement build` and `cheminement dossier` publish through here: the portfolio is
checked, its published part written to a stage (stage.py), and the engine builds the
stage with the learner's own mkdocs.yml, its `docs_dir` pointed at the stage. Private
notes are not in the stage, so no plugin, Markdown extension or theme can publish them.

This is an adapter: it imports the engine lazily, so the core stays engine-free and a
machine with ProperDocs alone (the maintained 1.x fork) builds the same way.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from .stage import Stage, build_stage

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml")
SNIPPETS = "pymdownx.snippets"


class EngineError(Exception):
    """The engine refused the configuration or failed to build; the message says why."""


@dataclass
class Engine:
    name: str  # "mkdocs" or "properdocs"
    config: ModuleType  # <engine>.config, with load_config
    build: ModuleType  # <engine>.commands.build, with build
    files: ModuleType  # <engine>.structure.files, with get_files
    exceptions: ModuleType


def find_engine(preferred: str | None = None) -> Engine:
    """MkDocs when installed (or asked for), else ProperDocs."""
    names = [preferred] if preferred else ["mkdocs", "properdocs"]
    for name in names:
        if importlib.util.find_spec(name) is None:
            continue
        if name == "properdocs":
            # ProperDocs aliases `mkdocs.*` imports (ours and Material's) to itself.
            importlib.import_module("properdocs.replacement")
        return Engine(
            name,
            importlib.import_module(f"{name}.config"),
            importlib.import_module(f"{name}.commands.build"),
            importlib.import_module(f"{name}.structure.files"),
            importlib.import_module(f"{name}.exceptions"),
        )
    raise EngineError(f"no engine installed ({' or '.join(names)})")


def config_file_in(path: Path) -> Path | None:
    """The configuration file of a portfolio folder, or the file given."""
    if path.is_file():
        return path
    return next((path / name for name in CONFIG_NAMES if (path / name).is_file()), None)


def _failures(engine: Engine) -> tuple[type[BaseException], ...]:
    """The engine's own exceptions (ProperDocs keeps MkDocs' names), and reading errors."""
    names = ("MkDocsException", "ProperDocsException", "Abort", "ConfigurationError")
    found = tuple(getattr(engine.exceptions, name) for name in names if hasattr(engine.exceptions, name))
    return (*found, OSError, yaml.YAMLError)


def load(engine: Engine, config_file: Path, **overrides: Any) -> Any:
    try:
        return engine.config.load_config(config_file=str(config_file), **overrides)
    except _failures(engine) as error:
        raise EngineError(str(error) or type(error).__name__) from None


def our_plugin(config: Any) -> Any:
    """Our plugin instance in a loaded config, added when the learner left it out.

    Without it the engine would publish every file of the folder; the privacy rules hold
    whatever the configuration says.
    """
    from .plugin import CheminementPlugin  # noqa: PLC0415 - imports the engine

    for plugin in config.plugins.values():
        if isinstance(plugin, CheminementPlugin):
            return plugin
    plugin = CheminementPlugin()
    plugin.load_config({}, config.config_file_path)
    config.plugins["cheminement"] = plugin
    return plugin


def excluded_files(engine: Engine, config: Any) -> frozenset[str]:
    """Source paths the engine itself leaves out (exclude_docs, draft_docs)."""
    files = engine.files.get_files(config)
    return frozenset(f.src_uri for f in files if not f.inclusion.is_included() and f.inclusion.is_excluded())


@contextmanager
def staged(config_file: Path, stage_dir: Path | None = None, engine: Engine | None = None,
           **overrides: Any) -> Iterator[tuple[Engine, Any, Stage]]:
    """Check the portfolio, stage it, and load the configuration pointed at the stage.

    Yields (engine, config, stage). The stage lives in `stage_dir` when given (kept, for
    inspection or another engine), else in a temporary folder removed afterwards.
    """
    engine = engine or find_engine()
    source = load(engine, config_file, **overrides)
    settings = our_plugin(source).settings_for(source)
    settings.excluded = excluded_files(engine, source)
    with tempfile.TemporaryDirectory(prefix="cheminement-stage-") as scratch:
        stage = build_stage(settings, stage_dir or Path(scratch))
        write_stage_config(stage, source)
        config = load(engine, config_file, docs_dir=str(stage.docs_dir), **overrides)
        plugin = our_plugin(config)
        plugin.config["referentiel"] = str(stage.referentiel) if stage.referentiel else None
        plugin.config["bibliographie"] = str(stage.bibliography) if stage.bibliography else None
        if settings.repository is not None:
            # The stage moves the portfolio, not its place in the repository.
            plugin.config["depot_dossier"] = settings.repository[2]
        _confine_snippets(config, stage)
        yield engine, config, stage


def build(engine: Engine, config: Any) -> None:
    """One build, with the engine's own lifecycle events."""
    config.plugins.on_startup(command="build", dirty=False)
    try:
        engine.build.build(config)
    except _failures(engine) as error:
        raise EngineError(str(error) or type(error).__name__) from None
    finally:
        config.plugins.on_shutdown()


def _confine_snippets(config: Any, stage: Stage) -> None:
    """`pymdownx.snippets` transcludes files: only the stage's, never the source folder's."""
    if SNIPPETS in config.markdown_extensions:
        options = config.mdx_configs.setdefault(SNIPPETS, {})
        options["base_path"] = [str(stage.docs_dir)]
        options["restrict_base_path"] = True
        options["url_download"] = False


def write_stage_config(stage: Stage, source: Any) -> Path:
    """A plain mkdocs.yml in the stage, so that any engine can build the stage on its own.

    It carries no code (no hooks, no other plugin, no tag): whatever builds the stage
    with it sees only the published part of the portfolio.
    """
    plugin_options: dict[str, Any] = {"langue": stage.settings.lang}
    if stage.referentiel is not None:
        plugin_options["referentiel"] = stage.referentiel.name
    if stage.bibliography is not None:
        plugin_options["bibliographie"] = stage.bibliography.name
    data = {
        "site_name": str(source.site_name),
        "docs_dir": stage.docs_dir.name,
        "site_dir": "site",
        "theme": {"name": "material", "language": stage.settings.lang},
        "plugins": ["search", {"cheminement": plugin_options}],
    }
    target = stage.root / "mkdocs.yml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def quiet_engine_logs() -> None:
    """Our own command prints the outcome; the engine's INFO lines are noise there."""
    logging.getLogger("mkdocs").setLevel(logging.WARNING)

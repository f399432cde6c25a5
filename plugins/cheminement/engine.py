"""Run the engine (MkDocs or ProperDocs, whichever is installed or asked for) on a stage.

`cheminement build`, `dossier` and `build-all` publish through here: the portfolio is
checked, its published part written to a stage (stage.py), and the engine builds the
stage with the learner's own configuration file (properdocs.yml or mkdocs.yml), its
`docs_dir` pointed at the stage. Private notes are not in the stage, so no plugin,
Markdown extension or theme can publish them.

This is an adapter: it imports the engine lazily, so the core and the commands that need
no engine (`check`, `schema`…) stay engine-free. ProperDocs, the maintained 1.x fork, runs
our plugin unchanged: it answers `mkdocs.*` imports with its own modules. Zensical runs no
MkDocs plugin at all, so it is refused with an explanation.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from .messages import message
from .shared_assets import tidy_site
from .stage import Stage, build_stage

SNIPPETS = "pymdownx.snippets"
ENGINES = ("mkdocs", "properdocs")
PACKAGES = {"mkdocs": "mkdocs", "properdocs": "properdocs", "zensical": "zensical"}
NAMES = {"mkdocs": "MkDocs", "properdocs": "ProperDocs", "zensical": "Zensical"}


class EngineError(Exception):
    """The engine refused the configuration or failed to build; the message says why."""


class NoEngine(Exception):
    """No engine that runs our plugin can be loaded; `describe(lang)` says what to install.

    `name` is the engine asked for (None: any); `detail` why an installed one failed to load.
    """

    def __init__(self, name: str | None = None, detail: str = "", other: str = "") -> None:
        super().__init__(name or "")
        self.name = name
        self.detail = detail
        self.other = other

    def describe(self, lang: str) -> str:
        if self.name == "zensical":
            return message("moteur.zensical", lang)
        if self.name is None:
            return message("moteur.none", lang)
        params = {"name": NAMES[self.name], "package": PACKAGES[self.name]}
        if self.other:
            return message("moteur.mixed", lang, other=NAMES.get(self.other, self.other), **params)
        if self.detail:
            return message("moteur.broken", lang, detail=self.detail, **params)
        return message("moteur.missing", lang, **params)


@dataclass
class Engine:
    name: str  # "mkdocs" or "properdocs"
    config: ModuleType  # <engine>.config, with load_config
    build: ModuleType  # <engine>.commands.build, with build
    files: ModuleType  # <engine>.structure.files, with get_files
    exceptions: ModuleType


def installed(name: str) -> bool:
    """Whether the engine's package is there (nothing is imported to know it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def choose(preferred: str | None = None, config_file: Path | None = None) -> str:
    """The engine to run: the one asked for, else ProperDocs for a properdocs.yml, else
    MkDocs when installed, else ProperDocs. Raises NoEngine when none can run."""
    if preferred is not None:
        if preferred not in ENGINES or not installed(preferred):
            raise NoEngine(preferred)
        return preferred
    own = config_file is not None and config_file.name.startswith("properdocs.")
    for name in ("properdocs", "mkdocs") if own else ENGINES:
        if installed(name):
            return name
    raise NoEngine()


def find_engine(preferred: str | None = None, config_file: Path | None = None) -> Engine:
    """The chosen engine's modules, loaded (see `choose`)."""
    name = choose(preferred, config_file)
    loaded = sys.modules.get("mkdocs")
    running = None if loaded is None else "properdocs" if loaded.__name__.startswith("properdocs") else "mkdocs"
    if running not in (None, name):
        # ProperDocs answers `mkdocs.*` imports (ours and Material's) with its own modules:
        # one process runs one engine, never a mix of both.
        raise NoEngine(name, other=running or "")
    try:
        if name == "properdocs":
            importlib.import_module("properdocs.replacement")
        return Engine(
            name,
            importlib.import_module(f"{name}.config"),
            importlib.import_module(f"{name}.commands.build"),
            importlib.import_module(f"{name}.structure.files"),
            importlib.import_module(f"{name}.exceptions"),
        )
    except ImportError as error:
        raise NoEngine(name, detail=str(error)) from None


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
    engine = engine or find_engine(None, config_file)
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
        _without_git_history(config)
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
    tidy_site(Path(config.site_dir))  # no source map, no search language the site never loads


class NotOurs(EngineError):
    """The configuration does not run our plugin: serving it would publish everything."""


def serve(engine: Engine, config_file: Path, *, full: bool = False, dev_addr: str | None = None,
          lang: str = "fr") -> None:
    """The engine's `serve` on the portfolio itself, where our plugin filters in-process.

    By default its builds are dirty ones: our plugin keeps its state between them and has
    only the pages an edit reaches rebuilt (incremental.py); `full` rebuilds every page on
    every change, as plain `mkdocs serve` does. Returns when the learner stops the server.
    """
    from .plugin import CheminementPlugin  # noqa: PLC0415 - imports the engine

    config = load(engine, config_file)
    if not any(isinstance(plugin, CheminementPlugin) for plugin in config.plugins.values()):
        # serve reloads the configuration on each change: our plugin cannot be added to it.
        raise NotOurs(message("serve.incremental.no-plugin", lang, file=config_file.name))
    _show_engine_logs(engine)
    module = importlib.import_module(f"{engine.name}.commands.serve")
    overrides = {"dev_addr": dev_addr} if dev_addr else {}
    try:
        module.serve(config_file=str(config_file), livereload=True, build_type=None if full else "dirty", **overrides)
    except _failures(engine) as error:
        raise EngineError(str(error) or type(error).__name__) from None


def _show_engine_logs(engine: Engine) -> None:
    """The engine's INFO lines (address, rebuilds) on the terminal, less its warning that
    dirty builds may leave stale pages: ours decide which pages to rebuild."""
    logger = logging.getLogger(engine.name)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logging.getLogger(f"{engine.name}.commands.build").addFilter(
        lambda record: not str(record.msg).startswith("A 'dirty' build is being performed"))


# Plugins that read each page's git history (mkdocs-git-revision-date-localized,
# -revision-date, -committers, -authors).
GIT_HISTORY_PLUGINS = ("git-revision-date-localized", "git-revision-date", "git-committers", "git-authors")


def _without_git_history(config: Any) -> None:
    """The stage is a copy without history: these plugins would stop on it with a traceback,
    or print the build date as if it were the page's. The staged build leaves them out (the
    pages show no date); `mkdocs build` on the portfolio itself keeps them."""
    for name, plugin in config.plugins.items():
        if name.rsplit("/", 1)[-1] in GIT_HISTORY_PLUGINS and "enabled" in plugin.config:
            plugin.config["enabled"] = False


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


def quiet_engine_logs(engine: Engine) -> None:
    """Our own command prints the outcome; the engine's INFO lines are noise there."""
    logging.getLogger(engine.name).setLevel(logging.WARNING)

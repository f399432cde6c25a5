"""One learner's portfolio, built inside a process of its own that `build-all` started and limits.

`run_job` runs here, in a process forked for this portfolio by build-all's worker
(zygote.py), or in a plain `python -I -m cheminement.isolated JOB.json` when that worker
is not there. Everything that touches the learner's files happens in this process:
reading their properdocs.yml or mkdocs.yml through the allow-list (learner.py), checking
and staging the portfolio (stage.py),
building the stage with the engine the parent chose (MkDocs or ProperDocs). The parent
gave it an emptied environment (no CI token to copy), a scratch HOME, and a time limit;
the first thing it does is to cap its own memory and file sizes, before it reads a byte of
the learner's. The engine never sees the learner's file: it builds a configuration written
here from validated values, so no hook, plugin, Markdown extension or template of the
learner's runs or reads anything.

The outcome goes to a JSON file that the parent reads; the site goes to the staging
folder that the parent swaps in. Before that, the site loses the theme's source maps and
unused search languages, and (unless the institution keeps each site whole) the theme's
files themselves, its pages pointing at the copy the parent stores once for all
(shared_assets.py): the result names the files that copy must hold.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .engine import Engine
    from .institution import Institution
    from .settings import Settings
    from .stage import Stage

EXIT_MEMORY = 3  # the memory limit was reached (MemoryError)
MAX_DETAIL_LINES = 3


def apply_limits(memory: int | None, file_size: int | None) -> None:
    """Cap this process: address space (memory) and the size of any file it writes (POSIX)."""
    import resource  # noqa: PLC0415 - POSIX only, like build-all

    def lower(kind: int, value: int) -> None:
        _, hard = resource.getrlimit(kind)
        value = value if hard == resource.RLIM_INFINITY else min(value, hard)  # never above the machine's
        resource.setrlimit(kind, (value, value))

    lower(resource.RLIMIT_CORE, 0)
    if memory:
        lower(resource.RLIMIT_AS, memory)
    if file_size:
        lower(resource.RLIMIT_FSIZE, file_size)


def main(argv: list[str]) -> int:
    """`python -I -m cheminement.isolated JOB.json`: the plain child, one per portfolio."""
    job = json.loads(Path(argv[1]).read_text(encoding="utf-8"))  # the parent's file, not the learner's
    apply_limits(job.get("memory"), job.get("file_size"))
    return run_job(Path(argv[1]))


def run_job(path: Path) -> int:
    """Build the job the parent wrote in `path` and write its result; the exit code.

    Called once the limits are set: by `main`, or by a grandchild of the zygote.
    """
    job = json.loads(path.read_text(encoding="utf-8"))
    try:
        result = build(job)
    except MemoryError:
        os._exit(EXIT_MEMORY)  # nothing more can be allocated to report it
    except Exception as error:  # noqa: BLE001 - an unexpected failure is this learner's outcome
        traceback.print_exc()
        result = {"status": "failed", "errors": 1, "detail": f"{type(error).__name__}: {error}"}
    Path(job["result"]).write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    return 0


class _Records(logging.Handler):
    """MkDocs' warnings and errors, counted and kept for the summary table."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def build(job: dict[str, Any]) -> dict[str, Any]:
    from .engine import NoEngine, find_engine  # noqa: PLC0415 - after the limits are set
    from .institution import Institution  # noqa: PLC0415
    from .learner import Refused, read_learner  # noqa: PLC0415
    from .stage import StageError, build_stage  # noqa: PLC0415
    from .stage_config import check_files, settings_for, write_config  # noqa: PLC0415

    try:
        # First: ProperDocs must answer the `mkdocs.*` imports that our plugin makes below.
        engine = find_engine(str(job.get("engine") or "mkdocs"))
    except NoEngine as error:
        return {"status": "failed", "errors": 1, "detail": error.describe(str(job["institution"].get("lang") or "fr"))}
    institution = Institution.from_dict(job["institution"])
    folder, scratch, lang = Path(job["folder"]), Path(job["scratch"]), institution.lang
    try:
        learner = read_learner(folder, lang)
        settings, options = settings_for(learner, institution)
        lang = settings.lang
        check_files(folder, settings, institution, lang)
    except Refused as error:
        return {"status": "failed", "errors": 1, "detail": str(error)}
    ignored = _ignored(learner.ignored, lang)
    try:
        stage = build_stage(settings, scratch / "stage")
    except StageError as error:
        errors = error.report.errors
        lines = [_describe(p, lang) for p in errors]
        return {"status": "failed", "errors": len(errors), "warnings": len(error.report.warnings),
                "detail": _detail(lines, ignored)}
    config_file = write_config(scratch, job["slug"], learner, institution, stage, options)
    records = _Records()
    logger = logging.getLogger(engine.name)
    logger.addHandler(records)
    failure = _run_engine(engine, config_file, Path(job["staging"]))
    # Our plugin logs the stage's problems again; the source report already counted them.
    others = [r for r in records.records if not r.name.startswith(f"{engine.name}.plugins.cheminement")]
    warnings = len(stage.report.warnings) + sum(1 for r in others if r.levelno == logging.WARNING)
    if failure is not None:
        logged = [line for r in records.records if r.levelno >= logging.ERROR for line in r.getMessage().splitlines()]
        return {"status": "failed", "errors": 1, "warnings": warnings,
                "detail": _detail(logged or [failure], ignored)}
    # The audit reads the site as it will be published: pages pointing at the shared theme
    # files, which left it (their bytes are the installed packages', never a learner's).
    shared = theme_files(job, Path(job["staging"]), scratch, institution)
    leak = audit_site(stage, settings, Path(job["staging"]), lang)
    if leak is not None:
        return {"status": "failed", "errors": 1, "warnings": warnings, "detail": _detail([leak], ignored)}
    listed = bool(options.get("annuaire", True))
    return {
        "shared": shared,
        "status": "built",
        "errors": 0,
        "warnings": warnings + (1 if ignored else 0),
        "published": len(stage.publication.public.notes),
        "detail": _detail([], ignored),
        "name": learner.name if listed else "",
        "programme": str(options.get("programme") or "") if listed else "",
        "listed": listed,
    }


def audit_site(stage: Stage, settings: Settings, site: Path, lang: str) -> str | None:
    """Search the built site for private content (audit.py); a message when any is found.

    Defence in depth: the stage holds no private note, so this should never find one. It
    runs here, with the allow-listed settings, rather than as `cheminement audit` in CI,
    which would load the learner's mkdocs.yml with MkDocs (and so run its hooks).
    """
    from .audit import canaries, scan  # noqa: PLC0415
    from .messages import message  # noqa: PLC0415

    leaks = scan(site, canaries(stage.report.portfolio, stage.publication, settings.docs_dir))
    if not leaks:
        return None
    return message("institution.leak", lang, count=len(leaks), site_file=leaks[0].site_file, source=leaks[0].canary.source)


def theme_files(job: dict[str, Any], site: Path, scratch: Path, institution: Institution) -> list[str] | None:
    """Tidy the site's theme files and, when the parent stores them, hand them over.

    The theme is read from the folders this build used (the institution's, ours,
    Material's); when its key is not the parent's (it never should be), the site keeps
    its own copy rather than naming a folder that would not hold the same files.
    Returns the site paths the store must hold, None when the site keeps them.
    """
    from .shared_assets import ThemeFiles, share, theme_folders, tidy  # noqa: PLC0415
    from .stage_config import THEME_FOLDER, site_url_for  # noqa: PLC0415

    theme = ThemeFiles.load(theme_folders([scratch / THEME_FOLDER]))
    tidy(site, theme)
    if job.get("shared") != theme.key:
        return None
    site_url = institution.defaults.get("site_url")
    site_path = urlsplit(site_url_for(site_url, str(job["slug"]))).path if isinstance(site_url, str) else None
    return share(site, theme, site_path)


def _run_engine(engine: Engine, config_file: Path, staging: Path) -> str | None:
    """Build the stage's configuration into `staging`; the error's text when it failed."""
    from .engine import EngineError, build, load  # noqa: PLC0415

    shutil.rmtree(staging, ignore_errors=True)
    try:
        config = load(engine, config_file, site_dir=str(staging))
        _compiled_templates(config)
        build(engine, config)
    except EngineError as error:
        return str(error)
    return None


def _compiled_templates(config: Any) -> None:
    """Every Jinja environment of this build's theme uses the process's compiled templates.

    Our plugin lends them (render.COMPILED) to the environment MkDocs renders pages with,
    but Material's search plugin makes its own environments before that, three a build;
    in a process forked by the zygote (zygote.compile_themes) this saves their compilation
    too. Jinja still checks each template's source and the environment's options.
    """
    from .render import COMPILED  # noqa: PLC0415

    make = config.theme.get_env

    def get_env() -> Any:
        env = make()
        env.bytecode_cache = COMPILED
        return env

    config.theme.get_env = get_env


def _describe(problem: Any, lang: str) -> str:
    where = f"{problem.file}:{problem.line}" if problem.line else str(problem.file)
    return f"{where}: {problem.message(lang)}"


def _ignored(keys: list[str], lang: str) -> list[str]:
    from .messages import message  # noqa: PLC0415

    return [message("institution.ignored", lang, keys=", ".join(keys))] if keys else []


def _detail(lines: list[str], ignored: list[str]) -> str:
    """The first problems for the summary table, then the settings that were ignored."""
    shown = lines[:MAX_DETAIL_LINES] + ([f"… (+{len(lines) - MAX_DETAIL_LINES})"] if len(lines) > MAX_DETAIL_LINES else [])
    return "\n    ".join([*shown, *ignored])


if __name__ == "__main__":
    sys.exit(main(sys.argv))

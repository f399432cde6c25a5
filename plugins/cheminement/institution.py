"""Many portfolios, one static site: `cheminement build-all`.

ROOT holds one portfolio per sub-folder; each is built in its own process into a temporary
folder and swapped into SITE/<slug>/ only when the build succeeded, so a broken portfolio
never stops the others nor replaces its last good site. A portfolio whose inputs did not
change since its last good build is skipped (content hash). The institution's settings
(`cheminement-institution.yml` in ROOT) are applied over every learner's own, so a learner
cannot remove the legal notice or the privacy settings the institution requires.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
import zlib
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from .check import analyse
from .messages import message

INSTITUTION_FILE = "cheminement-institution.yml"
STATE_FILE = ".cheminement-build.json"  # in each built portfolio: what the index needs, and the hash
SKIPPED_FOLDERS = ("_", ".")


class InstitutionError(Exception):
    """The institution's own configuration is unusable (nothing was built)."""


@dataclass
class Institution:
    """Settings shared by every portfolio of an institution."""

    root: Path
    name: str = ""
    logo: Path | None = None
    colours: dict[str, str] = field(default_factory=dict)
    footer: str = ""
    legal_notice: str = ""
    defaults: dict[str, Any] = field(default_factory=dict)  # mkdocs.yml for folders without one
    required: dict[str, Any] = field(default_factory=dict)  # cheminement options nobody can change
    lang: str = "fr"

    @classmethod
    def load(cls, root: Path) -> Institution:
        path = root / INSTITUTION_FILE
        if not path.is_file():
            return cls(root)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (yaml.YAMLError, UnicodeDecodeError) as error:
            raise InstitutionError(f"{path}: {error}") from None
        if not isinstance(data, dict):
            raise InstitutionError(f"{path}: expected keys (nom, logo, couleurs, …)")
        logo = data.get("logo")
        institution = cls(
            root=root,
            name=str(data.get("nom") or ""),
            logo=(root / logo) if logo else None,
            colours={str(k): str(v) for k, v in (data.get("couleurs") or {}).items()},
            footer=str(data.get("pied_de_page") or ""),
            legal_notice=str(data.get("mentions_legales") or ""),
            defaults=data.get("mkdocs") or {},
            required={"indexation": False, "services_tiers": False, **(data.get("obligatoire") or {})},
            lang=str(data.get("langue") or "fr"),
        )
        if institution.logo is not None and not institution.logo.is_file():
            raise InstitutionError(f"{path}: logo {institution.logo} not found")
        from .config import CheminementConfig  # noqa: PLC0415

        unknown = sorted(set(institution.required) - set(CheminementConfig().keys()))
        if unknown:
            raise InstitutionError(f"{path}: obligatoire: unknown plugin option(s) {', '.join(unknown)}")
        return institution

    def fingerprint(self) -> str:
        parts = [json.dumps(asdict(self), default=str, sort_keys=True).encode()]
        if self.logo is not None:
            parts.append(self.logo.read_bytes())
        return hashlib.sha256(b"\0".join(parts)).hexdigest()


@dataclass
class Job:
    slug: str
    folder: Path
    out: Path  # SITE/<slug>
    institution: Institution
    fingerprint: str


@dataclass
class Outcome:
    slug: str
    status: str  # built, unchanged, failed
    notes: int = 0
    errors: int = 0
    warnings: int = 0
    seconds: float = 0.0
    detail: str = ""


def discover(root: Path) -> list[str]:
    """Sub-folders of ROOT that hold a portfolio (folders starting with `_` or `.` are not)."""
    return sorted(
        p.name for p in root.iterdir()
        if p.is_dir() and not p.name.startswith(SKIPPED_FOLDERS)
        and ((p / "mkdocs.yml").is_file() or (p / "portfolio").is_dir() or any(p.glob("*.md")))
    )


def in_shard(slug: str, shard: tuple[int, int] | None) -> bool:
    """Stable split by learner: adding a learner never moves the others between jobs."""
    if shard is None:
        return True
    index, count = shard
    return zlib.crc32(slug.encode()) % count == index - 1


def _versions() -> str:
    names = ("mkdocs-cheminement", "mkdocs", "mkdocs-material")
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return ",".join(found)


def input_hash(folder: Path, institution_fingerprint: str) -> str:
    """Everything a build depends on: the portfolio's files, the institution, the versions."""
    digest = hashlib.sha256()
    digest.update(institution_fingerprint.encode())
    digest.update(_versions().encode())
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative.startswith(("site/", ".git/")) or "/." in f"/{relative}":
            continue
        digest.update(relative.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def previous_state(out: Path) -> dict[str, Any]:
    try:
        return json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


# -- One portfolio, in a worker process ----------------------------------------------------


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _config_file(job: Job, scratch: Path) -> Path:
    """The learner's mkdocs.yml, or the institution's default written for this folder."""
    own = job.folder / "mkdocs.yml"
    if own.is_file():
        return own
    docs = job.folder / "portfolio" if (job.folder / "portfolio").is_dir() else job.folder
    config = {"site_name": job.slug, "theme": {"name": "material", "language": job.institution.lang},
              "plugins": ["search", "cheminement"], **job.institution.defaults}
    config["docs_dir"] = str(docs.resolve())
    generated = scratch / "mkdocs.yml"
    generated.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return generated


def _institution_theme(job: Job, scratch: Path) -> tuple[Path, str | None]:
    """A theme folder with the institution's logo and colours, placed before the others."""
    folder = scratch / "institution-theme"
    assets = folder / "assets" / "institution"
    assets.mkdir(parents=True)
    logo = None
    if job.institution.logo is not None:
        shutil.copy2(job.institution.logo, assets / job.institution.logo.name)
        logo = f"assets/institution/{job.institution.logo.name}"
    colours = job.institution.colours
    rules = []
    if "primaire" in colours:
        rules += [f"--md-primary-fg-color: {colours['primaire']};", f"--md-primary-fg-color--dark: {colours['primaire']};"]
    if "accent" in colours:
        rules.append(f"--md-accent-fg-color: {colours['accent']};")
    css = f":root, [data-md-color-scheme] {{ {' '.join(rules)} }}\n" if rules else ""
    (assets / "institution.css").write_text(css, encoding="utf-8")
    return folder, logo


def build_one(job: Job) -> Outcome:
    """Build one portfolio into a temporary folder, then swap it in; never raises."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    started = time.monotonic()
    counter = _Counter()
    mkdocs_logger = logging.getLogger("mkdocs")
    mkdocs_logger.addHandler(counter)
    outcome = Outcome(job.slug, "failed")
    try:
        with tempfile.TemporaryDirectory(prefix=f"cheminement-{job.slug}-") as scratch_name:
            scratch = Path(scratch_name)
            staging = job.out.parent / f".{job.slug}.building"
            shutil.rmtree(staging, ignore_errors=True)
            outcome = _build(job, scratch, staging, counter)
    except Exception as error:  # noqa: BLE001 - one learner's portfolio must never stop the others
        outcome.status = "failed"
        outcome.detail = outcome.detail or f"{type(error).__name__}: {error}"
    finally:
        mkdocs_logger.removeHandler(counter)
        shutil.rmtree(job.out.parent / f".{job.slug}.building", ignore_errors=True)
    outcome.seconds = round(time.monotonic() - started, 2)
    return outcome


def _build(job: Job, scratch: Path, staging: Path, counter: _Counter) -> Outcome:
    from mkdocs.commands.build import build  # noqa: PLC0415 - workers import MkDocs themselves
    from mkdocs.config import load_config  # noqa: PLC0415
    from mkdocs.exceptions import Abort, MkDocsException  # noqa: PLC0415

    from .plugin import CheminementPlugin  # noqa: PLC0415

    outcome = Outcome(job.slug, "failed")
    config_file = _config_file(job, scratch)
    try:
        config = load_config(config_file=str(config_file), site_dir=str(staging))
    except (MkDocsException, OSError, yaml.YAMLError) as error:
        outcome.errors = 1
        outcome.detail = _first_errors(counter) or str(error)
        return outcome
    plugin = config.plugins.get("cheminement")
    if not isinstance(plugin, CheminementPlugin):
        # The institution's privacy rules hold even if a learner removed the plugin.
        plugin = CheminementPlugin()
        plugin.load_config({}, str(config_file))
        config.plugins["cheminement"] = plugin
    report = analyse(plugin.settings_for(config))
    outcome.notes = len(report.portfolio.notes)
    for name, value in job.institution.required.items():
        plugin.config[name] = value
    if job.institution.footer:
        plugin.config["pied_de_page"] = job.institution.footer
    if job.institution.legal_notice:
        plugin.config["mentions_legales"] = job.institution.legal_notice
    theme_dir, logo = _institution_theme(job, scratch)
    config.theme.dirs.insert(0, str(theme_dir))
    config.extra_css.append("assets/institution/institution.css")
    if logo:
        config.theme["logo"] = logo
    try:
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config)
        finally:
            config.plugins.on_shutdown()
    except (Abort, MkDocsException, OSError) as error:
        outcome.errors = max(len(report.errors), 1)
        outcome.warnings = len(report.warnings)
        outcome.detail = _first_errors(counter) or str(error)
        return outcome
    outcome.errors = 0
    outcome.warnings = sum(1 for r in counter.records if r.levelno == logging.WARNING)
    listed = plugin.config.annuaire
    state = {
        "hash": job.fingerprint,
        "name": config.site_name if listed else "",
        "programme": (plugin.config.programme or "") if listed else "",
        "listed": bool(listed),
        "built": dt.datetime.now(dt.UTC).date().isoformat(),
        "notes": outcome.notes,
    }
    (staging / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    _swap(staging, job.out)
    outcome.status = "built"
    return outcome


def _first_errors(counter: _Counter, limit: int = 3) -> str:
    """The first lines of what MkDocs and the plugin logged as errors, for the summary table."""
    lines = [line for r in counter.records if r.levelno >= logging.ERROR for line in r.getMessage().splitlines()]
    shown = lines[:limit] + ([f"… (+{len(lines) - limit})"] if len(lines) > limit else [])
    return "\n    ".join(shown)


def _swap(staging: Path, out: Path) -> None:
    """Replace the previous site by the new one with two renames (no half-written site)."""
    old = out.parent / f".{out.name}.old"
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    shutil.rmtree(old, ignore_errors=True)


# -- All portfolios ---------------------------------------------------------------------------


def plan(root: Path, out: Path, institution: Institution, shard: tuple[int, int] | None,
         force: bool) -> tuple[list[Job], list[Outcome]]:
    """The builds to run, and the portfolios skipped because nothing changed."""
    fingerprint = institution.fingerprint()
    out = out.resolve()  # MkDocs resolves a relative site_dir against the config's folder
    jobs, skipped = [], []
    for slug in discover(root):
        if not in_shard(slug, shard):
            continue
        folder = root / slug
        digest = input_hash(folder, fingerprint)
        target = out / slug
        state = previous_state(target)
        if not force and state.get("hash") == digest and target.is_dir():
            skipped.append(Outcome(slug, "unchanged", notes=int(state.get("notes", 0))))
        else:
            jobs.append(Job(slug, folder, target, institution, digest))
    return jobs, skipped


def run(jobs: list[Job], processes: int, on_done: Any = None) -> list[Outcome]:
    """Build in parallel processes; `on_done(outcome)` is called as each one finishes."""
    outcomes: list[Outcome] = []
    if processes <= 1 or len(jobs) <= 1:
        for job in jobs:
            outcomes.append(build_one(job))
            if on_done:
                on_done(outcomes[-1])
        return outcomes
    with ProcessPoolExecutor(max_workers=processes) as pool:
        futures = [pool.submit(build_one, job) for job in jobs]
        for future in as_completed(futures):
            outcomes.append(future.result())
            if on_done:
                on_done(outcomes[-1])
    return outcomes


def write_index(out: Path, institution: Institution) -> int:
    """SITE/index.html: the listed portfolios, with name, programme and last update only."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: PLC0415

    from . import theme  # noqa: PLC0415

    entries = []
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and not p.name.startswith(".")):
        state = previous_state(folder)
        if state.get("listed"):
            entries.append({"slug": folder.name, "name": state.get("name") or folder.name,
                            "programme": state.get("programme", ""), "built": state.get("built", "")})
    entries.sort(key=lambda e: e["name"].lower())
    theme_dir = Path(theme.__file__).parent
    env = Environment(loader=FileSystemLoader(str(theme_dir)), autoescape=select_autoescape(default=True))
    lang = institution.lang
    html = env.get_template("cheminement/annuaire.html").render(
        entries=entries,
        institution=institution,
        lang=lang,
        t=lambda key, **params: message(key, lang, **params),
        css=(theme_dir / "assets" / "cheminement" / "annuaire.css").read_text(encoding="utf-8"),
        logo=institution.logo.name if institution.logo else None,
    )
    (out / "index.html").write_text(html, encoding="utf-8")
    if institution.logo:
        with contextlib.suppress(OSError):
            shutil.copy2(institution.logo, out / institution.logo.name)
    return len(entries)

"""Many portfolios, one static site: `cheminement build-all`.

ROOT holds one portfolio per sub-folder (with a properdocs.yml, a mkdocs.yml, or notes
only), written by learners the institution does not control. Each is built by a process of its own with limits (sandbox.py, forked by zygote.py, isolated.py) into a
temporary folder, and swapped into SITE/<slug>/ only when the build succeeded, so a broken
or hostile portfolio never stops the others nor replaces its last good site. A portfolio
whose inputs did not change since its last good build is skipped (content hash). The
theme's files are stored once for all portfolios, in SITE/_assets/<key>/ (shared_assets.py):
written here from the installed packages, referenced by each site's pages. The
institution's settings (`cheminement-institution.yml` in ROOT) are applied over every
learner's, of which only an allow-list is read (learner.py).

This module runs in the parent and never parses a learner's file: it lists folders,
hashes their bytes (without following links), and writes the index.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import importlib
import json
import os
import re
import shutil
import stat
import tempfile
import zlib
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from .configfile import CONFIG_NAMES, OPTIONS
from .messages import message
from .model import is_markdown
from .scan import is_utf8
from .shared_assets import STORE, Store, ThemeFiles, collect, theme_folders

if TYPE_CHECKING:
    from collections.abc import Callable

    from .sandbox import Limits

INSTITUTION_FILE = "cheminement-institution.yml"
STATE_FILE = ".cheminement-build.json"  # in each built portfolio: what the index needs, and the hash
SKIPPED_FOLDERS = ("_", ".")
# A learner folder's name becomes a URL path and a folder of SITE: letters, digits, -, _ and
# single dots (`jean.dupont`), so that it can neither climb (`..`) nor hide (`.x`).
SLUG = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9_-]|\.(?!\.)){0,99}")
HASH_CHUNK = 1 << 20
HASH_MAX_BYTES = 64 << 20  # larger files are hashed by size and date, not read


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
        root = root.resolve()  # children run elsewhere: every path they get is absolute
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
            defaults=defaults if isinstance(defaults := data.get("mkdocs"), dict) else {},
            required={"indexation": False, "services_tiers": False, "fichiers_actifs": False,
                      **(data.get("obligatoire") or {})},
            lang=str(data.get("langue") or "fr"),
        )
        if institution.logo is not None and not institution.logo.is_file():
            raise InstitutionError(f"{path}: logo {institution.logo} not found")
        unknown = sorted(set(institution.required) - set(OPTIONS))
        if unknown:
            raise InstitutionError(f"{path}: obligatoire: unknown plugin option(s) {', '.join(unknown)}")
        return institution

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Institution:
        """The institution as `to_dict` gave it to a child process."""
        return cls(**{**data, "root": Path(data["root"]), "logo": Path(data["logo"]) if data["logo"] else None})

    def to_dict(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=str))

    def fingerprint(self) -> str:
        parts = [json.dumps(asdict(self), default=str, sort_keys=True).encode()]
        files = [self.logo] + [self.root / str(self.required[k]) for k in ("referentiel", "bibliographie") if self.required.get(k)]
        for path in files:
            if path is not None:
                with contextlib.suppress(OSError):
                    parts.append(path.read_bytes())
        return hashlib.sha256(b"\0".join(parts)).hexdigest()


@dataclass
class Job:
    slug: str
    folder: Path
    out: Path  # SITE/<slug>
    institution: Institution
    fingerprint: str
    store: Store | None = None  # SITE/_assets/<key>: None when each site keeps its theme files

    @property
    def staging(self) -> Path:
        """Where the child writes the new site, beside SITE/<slug> so that the swap is a rename."""
        return self.out.parent / f".{self.slug}.building"


@dataclass
class Outcome:
    slug: str
    status: str  # built, unchanged, failed
    published: int | None = None  # notes published (never a count of private ones)
    errors: int = 0
    warnings: int = 0
    seconds: float = 0.0
    detail: str = ""


# -- Discovery and hashing (no learner file is parsed here) ---------------------------------


def shown_name(name: str) -> str:
    """A folder name fit to print, whatever bytes it holds."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def survey(root: Path, reserved: frozenset[str] = frozenset()) -> tuple[list[str], dict[str, str]]:
    """Learner folders of ROOT, and those refused with the reason (a catalogue key).

    Folders starting with `_` or `.` are not learners. A folder is refused when it is a
    symbolic link (it could point at another learner or anywhere on the machine), when its
    name is not UTF-8 or not a plain slug (it becomes an address), or names a file of SITE.
    """
    slugs: list[str] = []
    refused: dict[str, str] = {}
    for entry in sorted(os.scandir(root), key=lambda e: os.fsencode(e.name)):
        name = entry.name
        if name.startswith(SKIPPED_FOLDERS):
            continue
        try:
            if entry.is_symlink():
                if entry.is_dir():
                    refused[name] = "institution.refused-symlink"
                continue
            if not entry.is_dir(follow_symlinks=False) or not _holds_portfolio(Path(entry.path)):
                continue
        except OSError:
            refused[name] = "institution.refused-unreadable"
            continue
        if not is_utf8(name):
            refused[name] = "institution.refused-encoding"
        elif not SLUG.fullmatch(name) or name.lower() in reserved:
            refused[name] = "institution.refused-name"
        else:
            slugs.append(name)
    return slugs, refused


def _holds_portfolio(folder: Path) -> bool:
    """A configuration file (properdocs.yml or mkdocs.yml), a `portfolio/` folder or notes."""
    return any((folder / name).exists() for name in CONFIG_NAMES) or (folder / "portfolio").is_dir() or any(
        is_markdown(name) for name in os.listdir(folder)
    )


def in_shard(slug: str, shard: tuple[int, int] | None) -> bool:
    """Stable split by learner: adding a learner never moves the others between jobs."""
    if shard is None:
        return True
    index, count = shard
    return zlib.crc32(os.fsencode(slug)) % count == index - 1


def _versions() -> str:
    names = ("mkdocs-cheminement", "mkdocs", "properdocs", "mkdocs-material")
    found = []
    for name in names:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=?")
    return ",".join(found)


def input_hash(folder: Path, institution_fingerprint: str) -> str:
    """Everything a build depends on: the portfolio's files, the institution, the versions.

    Links are hashed as links (their target's text), never followed: a link out of the
    folder is refused by the build anyway, and following one could read anything. Only
    regular files are opened, so a named pipe cannot stall the parent.
    """
    digest = hashlib.sha256()
    digest.update(institution_fingerprint.encode())
    digest.update(_versions().encode())
    for relative, path, info in _walk(folder):
        digest.update(relative + b"\0")
        if stat.S_ISLNK(info.st_mode):
            digest.update(b"link\0" + os.fsencode(os.readlink(path)))
        elif stat.S_ISREG(info.st_mode) and info.st_size <= HASH_MAX_BYTES:
            file_digest = hashlib.sha256()
            with open(path, "rb") as handle:
                while chunk := handle.read(HASH_CHUNK):
                    file_digest.update(chunk)
            digest.update(file_digest.digest())
        elif stat.S_ISREG(info.st_mode):
            # This process has no time limit: a huge (or sparse) file is known by its size
            # and date, and the build, under its limits, decides what to make of it.
            digest.update(b"large\0%d\0%d" % (info.st_size, info.st_mtime_ns))
        else:
            digest.update(b"special\0")
    return digest.hexdigest()


def _walk(folder: Path) -> list[tuple[bytes, str, os.stat_result]]:
    """Files, links and special files under `folder` (bytes paths, sorted), without recursion.

    Hidden entries, `site/` and `.git/` at the top are skipped, as the build skips them.
    """
    found: list[tuple[bytes, str, os.stat_result]] = []
    pending: list[tuple[str, bytes]] = [(str(folder), b"")]
    while pending:
        path, relative = pending.pop()
        with os.scandir(path) as entries:
            for entry in entries:
                name = os.fsencode(entry.name)
                if name.startswith(b".") or (not relative and name == b"site"):
                    continue
                child = relative + b"/" + name if relative else name
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISDIR(info.st_mode):
                    pending.append((entry.path, child))
                else:
                    found.append((child, entry.path, info))
    return sorted(found, key=lambda item: item[0])


def previous_state(out: Path) -> dict[str, Any]:
    try:
        state = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) else {}


# -- After a child process: swap the site in, or keep the old one --------------------------


def complete(job: Job, result: dict[str, Any]) -> Outcome:
    """Turn a child's result into an outcome; a built site is swapped in with its state."""
    outcome = Outcome(job.slug, "failed", errors=_count(result.get("errors")),
                      warnings=_count(result.get("warnings")), detail=str(result.get("detail") or ""))
    if result.get("status") != "built" or not job.staging.is_dir():
        shutil.rmtree(job.staging, ignore_errors=True)
        outcome.errors = max(outcome.errors, 1)
        return outcome
    listed = result.get("listed") is True
    state: dict[str, Any] = {  # what the index needs: nothing about the notes, public or private
        "hash": job.fingerprint,
        "name": str(result.get("name") or "") if listed else "",
        "programme": str(result.get("programme") or "") if listed else "",
        "listed": listed,
        "built": dt.datetime.now(dt.UTC).date().isoformat(),
    }
    shared = result.get("shared")
    if job.store is not None and isinstance(shared, list):
        try:  # before the swap: the new pages never name a file that is not there yet
            state["assets"] = {"store": job.store.key, "files": job.store.add(shared)}
        except OSError as error:
            shutil.rmtree(job.staging, ignore_errors=True)
            outcome.errors = 1
            outcome.detail = message("institution.store-failed", job.institution.lang, error=error)
            return outcome
    (job.staging / STATE_FILE).write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    _swap(job.staging, job.out)
    outcome.status = "built"
    outcome.published = _count(result.get("published"))
    return outcome


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


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
         force: bool, engine: str = "mkdocs", shared: bool = True) -> tuple[list[Job], list[Outcome]]:
    """The builds to run, and the portfolios skipped (unchanged) or refused.

    The engine and the theme's files (their store's key, or none with `shared` off) are
    part of what a build depends on: another one rebuilds every portfolio.
    """
    out = out.resolve()
    store = Store(out, institution_theme_files(institution)) if shared else None
    fingerprint = f"{institution.fingerprint()}:{engine}:{store.key if store else 'autonome'}"
    reserved = frozenset({"index.html"} | ({institution.logo.name.lower()} if institution.logo else set()))
    slugs, refused = survey(root, reserved)
    jobs: list[Job] = []
    others = [Outcome(shown_name(name), "failed", errors=1, detail=message(key, institution.lang))
              for name, key in refused.items() if in_shard(name, shard)]
    for slug in slugs:
        if not in_shard(slug, shard):
            continue
        target = out / slug
        try:
            digest = input_hash(root / slug, fingerprint)
        except (OSError, RecursionError) as error:
            detail = message("institution.refused-unreadable", institution.lang) + f" ({error})"
            others.append(Outcome(slug, "failed", errors=1, detail=detail))
            continue
        state = previous_state(target)
        if not force and state.get("hash") == digest and target.is_dir() and _assets_there(state, store):
            others.append(Outcome(slug, "unchanged"))
        else:
            jobs.append(Job(slug, root / slug, target, institution, digest, store))
    return jobs, others


def institution_theme_files(institution: Institution) -> ThemeFiles:
    """The theme's files as every portfolio's build publishes them, the institution's
    logo and colours included (written by the same function as in the child)."""
    from .stage_config import institution_theme  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="cheminement-theme-") as scratch:
        folder, _ = institution_theme(institution, Path(scratch))
        return ThemeFiles.load(theme_folders([folder]))


def _assets_there(state: dict[str, Any], store: Store | None) -> bool:
    """Whether the shared files an unchanged site names are all in the store."""
    assets = state.get("assets")
    if not isinstance(assets, dict):
        return True  # a site with its own theme files
    return store is not None and store.holds(assets.get("store"), assets.get("files"))


def collect_assets(out: Path) -> list[str]:
    """Remove the store folders that no portfolio of SITE uses any more (after an upgrade)."""
    portfolios = [p for p in out.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith(SKIPPED_FOLDERS)]
    return collect(out, {p.name: previous_state(p) for p in portfolios})


def run(jobs: list[Job], processes: int, on_done: Callable[[Outcome], None] | None = None,
        limits: Limits | None = None, engine: str = "mkdocs") -> list[Outcome]:
    """Build in child processes, `processes` at a time, with `engine` (mkdocs or properdocs);
    `on_done(outcome)` as each finishes."""
    from .sandbox import Limits, run_all  # noqa: PLC0415

    return run_all(jobs, processes, limits or Limits(), on_done, engine)


def write_index(out: Path, institution: Institution) -> int:
    """SITE/index.html: the listed portfolios, with name, programme and last update only."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape  # noqa: PLC0415

    entries = []
    for folder in sorted(p for p in out.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.startswith((".", STORE))):
        state = previous_state(folder)
        if state.get("listed") is True:
            entries.append({"slug": folder.name, "name": str(state.get("name") or folder.name),
                            "programme": str(state.get("programme") or ""), "built": str(state.get("built") or "")})
    entries.sort(key=lambda e: e["name"].lower())
    # The theme package is `themes/cheminement` in the repository: found by name, not by path.
    theme_dir = Path(str(importlib.import_module(f"{__package__}.theme").__file__)).parent
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

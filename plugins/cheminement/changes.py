"""What changed since a coach's last review: by date (git history, else file times) or by
comparing with the manifest of a previous build.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Set
from dataclasses import dataclass, field
from pathlib import Path

from . import manifest
from .model import Portfolio, is_markdown


@dataclass
class Since:
    """The reference point of a review: a date, or the manifest of a previous publication."""

    date: dt.date | None = None
    manifest: dict | None = None
    label: str = ""  # as the learner gave it, for the page's introduction


@dataclass
class Changed:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: int = 0  # never shown on the site: a removed note may have become private


def _git(folder: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def modified_since(docs_dir: Path, paths: list[str], since: dt.date) -> set[str]:
    """Paths (relative to docs_dir) modified on or after `since`.

    In a git repository, committed changes come from one `git log` over the portfolio and
    uncommitted ones from `git status` (file times are reset by every clone); elsewhere,
    file modification times.
    """
    wanted = set(paths)
    top = _git(docs_dir, "rev-parse", "--show-toplevel")
    if top:
        root = Path(top.strip())
        prefix = docs_dir.resolve().relative_to(root.resolve()).as_posix()
        prefix = "" if prefix == "." else prefix + "/"
        log = _git(root, "log", f"--since={since.isoformat()}T00:00:00", "--name-only", "--format=", "--", prefix or ".")
        status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", prefix or ".")
        if log is not None and status is not None:
            touched = {line.strip() for line in log.splitlines() if line.strip()}
            touched |= {line[3:].strip().strip('"') for line in status.splitlines() if len(line) > 3}
            return {p[len(prefix):] for p in touched if p.startswith(prefix)} & wanted
    start = dt.datetime.combine(since, dt.time()).timestamp()
    return {p for p in wanted if _mtime(docs_dir / p) >= start}


def _mtime(path: Path) -> float:
    """A file's modification time; 0 (not changed) when it vanished or cannot be read."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def since_publication(since: Since, public: Portfolio, docs_dir: Path, previewed: Set[str] = frozenset()) -> Changed:
    """The public notes new or changed since `since`: by manifest, else by date."""
    notes = {n.path for n in public.notes}
    if since.manifest is not None:
        now = manifest.build_manifest(public, docs_dir, previewed)
        diff = manifest.compare(since.manifest, now)
        return Changed(
            new=[p for p in diff.new if p in notes],
            changed=[p for p in diff.changed if p in notes],
            removed=sum(1 for p in diff.removed if is_markdown(p)),
        )
    assert since.date is not None
    return Changed(changed=sorted(modified_since(docs_dir, sorted(notes), since.date)))

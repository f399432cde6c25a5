"""What changed since a coach's last review: by date (git history, else file times) or by
comparing with the manifest of a previous build; and, for each changed note, what changed.

Details compare published text only (`manifest.note_record`: the form the manifest hashes,
without comments or private links), so the page never shows what a reader could not see
then or now: the earlier version of a note counts only if it was public itself.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import manifest
from .dates import PartialDate
from .load import read_page
from .model import Note, Portfolio, Retour, Visibility, is_markdown
from .publish import PublishedText
from .settings import Settings

# Notes whose earlier version is read from git in one build; beyond, "changed" without
# detail (a first review of a large portfolio would otherwise read every file's history).
MAX_DETAILED = 500


@dataclass
class Since:
    """The reference point of a review: a date, or the manifest of a previous publication."""

    date: dt.date | None = None
    manifest: dict | None = None
    label: str = ""  # as the learner gave it, for the page's introduction
    author: str = ""  # who marked the review done, when the date comes from a retour

    @property
    def published(self) -> PartialDate | None:
        """The date of the previous publication, when its manifest says (newer ones do)."""
        built = manifest.built_on(self.manifest) if self.manifest is not None else None
        return PartialDate(built.year, built.month, built.day) if built else None


@dataclass
class Detail:
    """What changed in one note, as its readers see it (headings, competence ids, trace ids)."""

    added: list[str] = field(default_factory=list)  # sections, by heading ("" = the opening text)
    rewritten: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    claimed: dict[str, int | None] = field(default_factory=dict)  # competence -> level claimed
    dropped: list[str] = field(default_factory=list)  # competences no longer claimed
    levels: dict[str, tuple[int | None, int | None]] = field(default_factory=dict)  # before, after
    traces: list[str] = field(default_factory=list)  # traces newly linked
    fields: bool = False  # other fields of the note (title, dates, summary…)


@dataclass
class Changed:
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: int = 0  # never shown on the site: a removed note may have become private
    details: dict[str, Detail] = field(default_factory=dict)  # changed path -> what changed
    separated: bool = True  # False by file times: a new note cannot be told from a changed one


def describe(before: Mapping[str, Any], after: Mapping[str, Any]) -> Detail | None:
    """What changed between two manifest records of a note; None when one of them
    predates the detailed records (or is a feedback note): "changed", no more."""
    if "sections" not in before or "sections" not in after:
        return None
    old, new = before["sections"], after["sections"]
    claims_before, claims_after = before.get("competences", {}), after.get("competences", {})
    return Detail(
        added=[h for h in new if h not in old],
        rewritten=[h for h in new if h in old and old[h] != new[h]],
        removed=[h for h in old if h not in new],
        claimed={c: level for c, level in claims_after.items() if c not in claims_before},
        dropped=[c for c in claims_before if c not in claims_after],
        levels={c: (claims_before[c], level) for c, level in claims_after.items()
                if c in claims_before and claims_before[c] != level},
        traces=[t for t in after.get("traces", []) if t not in before.get("traces", [])],
        fields=before.get("meta") != after.get("meta"),
    )


def _visible(detail: Detail | None) -> bool:
    """Whether a reader can see a change: unknown (no detail) counts as seen; a detail with
    nothing in it means only what is not published moved (a comment, blank lines)."""
    return detail is None or any(vars(detail).values())


def _git(folder: Path, *args: str, data: bytes | None = None) -> bytes | None:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], input=data, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout if result.returncode == 0 else None


def _repository(docs_dir: Path) -> tuple[Path, str] | None:
    """The git work tree holding the portfolio and the portfolio's folder in it ("" or
    "folder/"), or None outside git."""
    top = _git(docs_dir, "rev-parse", "--show-toplevel")
    if not top:
        return None
    root = Path(top.decode("utf-8", "replace").strip())
    prefix = docs_dir.resolve().relative_to(root.resolve()).as_posix()
    return root, "" if prefix == "." else prefix + "/"


def modified_since(docs_dir: Path, paths: list[str], since: dt.date) -> set[str]:
    """Paths (relative to docs_dir) modified on or after `since`.

    In a git repository, committed changes come from one `git log` over the portfolio and
    uncommitted ones from `git status` (file times are reset by every clone); elsewhere,
    file modification times.
    """
    wanted = set(paths)
    repository = _repository(docs_dir)
    if repository:
        root, prefix = repository
        log = _git(root, "log", f"--since={since.isoformat()}T00:00:00", "--name-only", "--format=", "--", prefix or ".")
        status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", prefix or ".")
        if log is not None and status is not None:
            touched = {line.strip() for line in log.decode("utf-8", "replace").splitlines() if line.strip()}
            touched |= {line[3:].strip().strip('"') for line in status.decode("utf-8", "replace").splitlines() if len(line) > 3}
            return {p[len(prefix):] for p in touched if p.startswith(prefix)} & wanted
    start = dt.datetime.combine(since, dt.time()).timestamp()
    return {p for p in wanted if _mtime(docs_dir / p) >= start}


def _mtime(path: Path) -> float:
    """A file's modification time; 0 (not changed) when it vanished or cannot be read."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def earlier_versions(docs_dir: Path, paths: list[str], since: dt.date) -> dict[str, bytes | None] | None:
    """Each path's content in the last commit before `since` (None: it did not exist then),
    or None outside git.

    The commit is the one `git rev-list -1 --before` names, the repository as it was that
    day, and all contents come from one `git cat-file --batch`: two processes for the whole
    portfolio, not two per note.
    """
    repository = _repository(docs_dir)
    if repository is None:
        return None
    root, prefix = repository
    head = _git(root, "rev-list", "-1", f"--before={since.isoformat()}T00:00:00", "HEAD")
    revision = head.decode("ascii", "replace").strip() if head else ""
    found: dict[str, bytes | None] = dict.fromkeys(paths)
    asked = [p for p in paths if "\n" not in p]
    if not revision or not asked:
        return found
    output = _git(root, "cat-file", "--batch", data="".join(f"{revision}:{prefix}{p}\n" for p in asked).encode("utf-8"))
    if output is None:
        return found
    position = 0
    for path in asked:
        end = output.find(b"\n", position)
        if end < 0:
            break
        header = output[position:end].split()
        position = end + 1
        if len(header) == 3 and header[1] == b"blob":
            size = int(header[2])
            found[path] = output[position:position + size]
            position += size + 1
    return found


def _earlier_record(raw: bytes, note: Note, settings: Settings, form: PublishedText, public: Portfolio) -> dict[str, Any] | None:
    """The manifest record of a note's earlier text, if that version was public.

    Whether a note is public depends on its path, kind and settings (the same as now) and on
    its declared visibility: the earlier version was public when it declared `public`, or
    declared the same as the public version does now; anything else counts as private.
    """
    page, _ = read_page(note.path, raw, settings)
    if not isinstance(page, Note) or page.kind is not note.kind:
        return None
    if page.visibility is not Visibility.PUBLIC and page.visibility is not note.visibility:
        return None
    return manifest.note_record(form, page, public.referentiel)


def since_publication(since: Since, public: Portfolio, docs_dir: Path, previewed: Set[str] = frozenset(),
                      settings: Settings | None = None) -> Changed:
    """The public notes new or changed since `since`, with what changed in each: by
    manifest, else by date (from git, where an earlier version also says what changed).

    `settings` reads earlier versions as the build does (folders, language); without it,
    the default folders: a note of another folder is then "changed" without detail.
    """
    notes = {n.path: n for n in public.notes}
    if since.manifest is not None:
        now = manifest.build_manifest(public, docs_dir, previewed)
        diff = manifest.compare(since.manifest, now)
        described = {p: describe(since.manifest["files"][p], now["files"][p]) for p in diff.changed if p in notes}
        return Changed(
            new=[p for p in diff.new if p in notes],
            changed=[p for p, d in described.items() if _visible(d)],
            removed=sum(1 for p in diff.removed if is_markdown(p)),
            details={p: d for p, d in described.items() if d is not None and _visible(d)},
        )
    assert since.date is not None
    touched = sorted(modified_since(docs_dir, sorted(notes), since.date))
    history = earlier_versions(docs_dir, touched[:MAX_DETAILED], since.date)
    if history is None:
        return Changed(changed=touched, separated=False)
    reader = settings or Settings(docs_dir=docs_dir)
    _, form = manifest.published_form(public, docs_dir, previewed)
    result = Changed()
    for path in touched:
        if path not in history:  # beyond MAX_DETAILED
            result.changed.append(path)
            continue
        raw = history[path]
        before = _earlier_record(raw, notes[path], reader, form, public) if raw is not None else None
        if before is None:
            result.new.append(path)  # did not exist, or was not public: new to a reader
            continue
        after = manifest.note_record(form, notes[path], public.referentiel)
        detail = describe(before, after)
        if before["hash"] == after["hash"] or not _visible(detail):
            continue  # what changed is not published (a comment, a private link)
        result.changed.append(path)
        if detail is not None:
            result.details[path] = detail
    return result


def last_review(public: Portfolio, settings: Settings) -> Since | None:
    """The date of the coach's last review: the latest public retour with `relecture: true`.

    A private retour never counts: its date would reach the site. A retour is public only
    when it says so (feedback is private by its kind), which also leaves out the private
    notes a local preview shows.
    """
    reviews = [n for n in public.notes if isinstance(n, Retour) and n.review and n.date is not None
               and n.visibility is Visibility.PUBLIC]
    if not reviews:
        return None
    latest = max(reviews, key=lambda n: n.date.start)  # type: ignore[union-attr]
    assert latest.date is not None
    return Since(date=latest.date.start, label=latest.date.display(settings.lang), author=latest.author)

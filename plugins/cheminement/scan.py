"""Which files of a portfolio folder may be read: names and links checked before any read.

A link out of the portfolio is never followed (it could be another learner's journal or a
system file), nor a broken or looping one; a name that is not UTF-8 is reported with its
bytes escaped. Used for notes (load.py) and the référentiel alike.

A portfolio kept as an Obsidian vault also holds the editor's own files: its settings
(`.obsidian/`), its trash (`.trash/`) and the templates folder named in its settings, whose
notes are full of `{{date}}` placeholders. `is_editor_file` names them: they are no notes.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from .model import Problem, Severity
from .settings import folder_key

# Where Obsidian's core "Templates" plugin and the Templater plugin keep their folder setting.
_TEMPLATE_SETTINGS = ((".obsidian/templates.json", "folder"),
                      (".obsidian/plugins/templater-obsidian/data.json", "templates_folder"))


def shown_path(path: str) -> str:
    """A path as a report can print it: bytes that are not UTF-8 written `\\xe9`.

    A folder made on another system may have names in Latin-1: `os.walk` gives them as
    str with surrogates, which cannot be printed, written to JSON or made into a URL.
    """
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def portfolio_files(docs_dir: Path) -> list[str]:
    """Every file of the portfolio, as MkDocs sees it: hidden files and folders skipped."""
    return scan_portfolio(docs_dir)[0]


def scan_portfolio(docs_dir: Path) -> tuple[list[str], list[Problem]]:
    """Every file of the portfolio, and the links to folders that we refuse to follow.

    MkDocs follows links to folders; so do we, to check what it would publish, except a
    link that leaves the portfolio, is broken or loops (`loop -> ..` would be walked until
    the system gives up, publishing the same notes at every depth).
    """
    found: list[str] = []
    problems: list[Problem] = []
    for folder, dirs, files in os.walk(docs_dir, followlinks=True):
        rel = Path(folder).relative_to(docs_dir).as_posix()
        prefix = "" if rel == "." else f"{rel}/"
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            code = _link_code(docs_dir, prefix + name) if os.path.islink(os.path.join(folder, name)) else None
            if code is None:
                kept.append(name)
            else:
                problems.append(_refusal(code, prefix + name))
        dirs[:] = kept
        found.extend(prefix + name for name in sorted(files) if not name.startswith("."))
    return found, problems


def is_editor_file(docs_dir: Path, path: str) -> bool:
    """Whether `path` belongs to the editor rather than to the portfolio: a hidden file or
    folder (Obsidian's `.obsidian/` settings, its `.trash/`), or the templates folder that
    Obsidian's settings name. MkDocs leaves hidden files out of the site; templates are
    notes in the making, whose placeholders (`date: {{date}}`) are no values.
    """
    key = folder_key(path)
    if any(part.startswith(".") for part in key.split("/")):
        return True
    return any(key.startswith(folder + "/") for folder in template_folders(docs_dir))


def template_folders(docs_dir: Path) -> tuple[str, ...]:
    """The templates folders the vault's settings name (compared as `folder_key` compares).

    Asked once per file of the portfolio: the settings are read again only when they change
    (a learner may set the folder while `serve` runs).
    """
    stamps: list[int | None] = []
    for settings_file, _ in _TEMPLATE_SETTINGS:
        try:
            stamps.append(os.stat(docs_dir / settings_file).st_mtime_ns)
        except (OSError, ValueError):
            stamps.append(None)
    return _template_folders(str(docs_dir), tuple(stamps))


@lru_cache(maxsize=64)
def _template_folders(docs_dir: str, stamps: tuple[int | None, ...]) -> tuple[str, ...]:
    """`template_folders`, for settings files whose modification times are `stamps`."""
    found = []
    for settings_file, key in _TEMPLATE_SETTINGS:
        try:
            data = json.loads(Path(docs_dir, settings_file).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError):
            continue  # no such plugin, or settings Obsidian would not read either
        folder = data.get(key) if isinstance(data, dict) else None
        normal = folder_key(folder) if isinstance(folder, str) else "."  # `../x` reads as `x`: never outside
        if normal != ".":  # never the whole vault
            found.append(normal)
    return tuple(found)


def _link_code(docs_dir: Path, rel: str) -> str | None:
    """Why the link `rel` must not be followed (a catalogue code), or None when it may."""
    link = docs_dir / rel
    try:
        target = link.resolve(strict=True)
    except FileNotFoundError:
        return "symlink-broken"
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError on a loop, later ones OSError
        return "symlink-loop"
    if not target.is_relative_to(docs_dir.resolve()):
        return "symlink-outside"
    if target.is_dir() and link.parent.resolve().is_relative_to(target):
        return "symlink-loop"
    return None


def _refusal(code: str, rel: str) -> Problem:
    shown = shown_path(rel)
    return Problem(shown, None, Severity.ERROR, code, {"path": shown}, ((f"{code}.fix", {}),))


def path_problem(docs_dir: Path, path: str, reported: set[str]) -> tuple[bool, Problem | None]:
    """Whether a file must be left out, and the problem to report (None when the link it
    goes through was already reported): a name that is not UTF-8, or a link on its way
    that leaves the portfolio, is broken or loops.

    A link out of the portfolio is never read: it could be another learner's journal.
    """
    parts = path.split("/")
    for depth in range(1, len(parts) + 1):
        rel = "/".join(parts[:depth])
        if not os.path.islink(docs_dir / rel):
            continue
        code = _link_code(docs_dir, rel)
        if code is None:
            continue
        if rel in reported:
            return True, None
        reported.add(rel)
        return True, _refusal(code, rel)
    if shown_path(path) != path:
        return True, _refusal("file-name-encoding", path)
    return False, None


def unreadable_problem(path: str, error: OSError) -> Problem:
    return Problem(path, None, Severity.ERROR, "file-unreadable", {"detail": error.strerror or type(error).__name__},
                   (("file-unreadable.fix", {}),))


def is_utf8(name: str) -> bool:
    """Whether a name read from the disk is valid UTF-8 (`os` hands others in escaped form)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class RealPaths:
    """`os.path.realpath` for the many files of a few folders: each folder is resolved once
    (a portfolio of a thousand notes has a thousand paths and a dozen folders).

    The same answer as `os.path.realpath`: a name that is itself a link is resolved in full,
    any other is its folder's real place and its name. Keep one per build: a folder made a
    link later would not be seen.
    """

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: str | os.PathLike[str]) -> str:
        if ".." in os.fspath(path).split(os.sep):
            return os.path.realpath(path)  # a link before `..` is followed first: no shortcut
        folder, name = os.path.split(os.path.abspath(path))
        if not name:
            return os.path.realpath(folder)
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = self._folders[folder] = os.path.realpath(folder)
        candidate = os.path.join(real_folder, name)
        return os.path.realpath(candidate) if os.path.islink(candidate) else candidate

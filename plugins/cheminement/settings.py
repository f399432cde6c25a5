"""What the core needs to know about a portfolio, whatever engine publishes it."""

from __future__ import annotations

import datetime as dt
import posixpath
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .dates import PartialDate
from .model import Kind

DEFAULT_FOLDERS: dict[str, Kind] = {
    "parcours": Kind.PARCOURS,
    "competences": Kind.COMPETENCE,
    "recits": Kind.RECIT,
    "traces": Kind.TRACE,
    "retours": Kind.RETOUR,
}


@dataclass(frozen=True)
class DossierSelection:
    """What the dossier holds when not everything: notes marked `dossier: true` always;
    with competences or dates given, the notes about those competences or in those dates."""

    competences: tuple[str, ...] = ()
    since: PartialDate | None = None
    until: PartialDate | None = None

    @property
    def is_set(self) -> bool:
        return bool(self.competences or self.since or self.until)


@dataclass
class Settings:
    """Where the portfolio is and how to read it (the plugin maps its options onto this)."""

    docs_dir: Path
    referentiel: Path | None = None  # None: <docs_dir>/referentiel.yml, optional
    bibliography: Path | None = None  # BibTeX or CSL-JSON; None: no citations
    config_name: str = "mkdocs.yml"  # the configuration file's name, as messages show it
    folders: dict[str, Kind] = field(default_factory=lambda: dict(DEFAULT_FOLDERS))
    private_folders: tuple[str, ...] = ("journal", "retours")
    explicit_publication: bool = False  # only notes marked `visibilite: public` are published
    lang: str = "fr"
    competence_index: str = "competences/index.md"  # generated pages, as source paths
    timeline_page: str = "chronologie.md"
    changes_page: str = "nouveautes.md"
    dossier_page: str | None = "dossier.md"  # None: no dossier
    bibliography_page: str = "bibliographie.md"
    newest_first: bool = True  # timeline order
    # Source paths the engine leaves out of the site (MkDocs' exclude_docs, draft_docs):
    # they are never published, and what they use counts as used by a private note.
    excluded: frozenset[str] = frozenset()
    # The learner's profile as written in the engine's configuration (`profil:`); the
    # home page's front matter may hold one too (profile.py reads both).
    profile: dict[str, Any] | None = None
    home_text: str = "apres-profil"  # where the home page's own text goes: debut, apres-profil, fin
    dossier_selection: DossierSelection = field(default_factory=DossierSelection)
    review: bool = False  # `relecture`: the coach's form and review page
    review_page: str = "relecture.md"
    # The repository the form opens a "new file" page in: (URL, branch, folder of the
    # portfolio inside it); None without `depot`.
    repository: tuple[str, str, str] | None = None
    # "Now" for ongoing periods (timeline, charts): one value per build, settable in tests.
    today: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self) -> None:
        self.private_folders = tuple(folder_key(f) for f in self.private_folders)

    def is_in_private_folder(self, path: str) -> bool:
        """Whether a source path lies in a private folder, whatever its case or spelling.

        `Journal/`, `./journal`, `journal/` and a decomposed `é` all name the same folder on
        the learner's disk (macOS and Windows ignore case): a comparison that missed one of
        them would publish the folder (fail open).
        """
        key = folder_key(path)
        return any(folder == "." or key == folder or key.startswith(folder + "/") for folder in self.private_folders)

    def kind_of_folder(self, top: str) -> Kind | None:
        """The note kind of a top-level folder, compared like private folders."""
        wanted = folder_key(top)
        return next((kind for name, kind in self.folders.items() if folder_key(name) == wanted), None)

    @property
    def referentiel_path(self) -> Path:
        return self.referentiel or self.docs_dir / "referentiel.yml"

    def folder_of(self, kind: Kind) -> str:
        return next((name for name, k in self.folders.items() if k is kind), kind.value)

    def listing_page(self, kind: Kind) -> str:
        """The landing page of a kind's folder, e.g. `recits/index.md`."""
        return f"{self.folder_of(kind)}/index.md"

    def competence_page(self, competence_id: str) -> str:
        """A competence's page: the learner's `competences/<id>.md` when it exists."""
        return f"{self.folder_of(Kind.COMPETENCE)}/{competence_id}.md"


def folder_key(path: str) -> str:
    """A folder or file path in the form used to compare it: `./Journal/` -> `journal`."""
    text = unicodedata.normalize("NFC", path.strip().replace("\\", "/"))
    normal = posixpath.normpath("/" + text).lstrip("/")  # "/" first: "../x" cannot climb out
    return (normal or ".").casefold()

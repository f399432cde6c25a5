"""What the core needs to know about a portfolio, whatever engine publishes it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .model import Kind

DEFAULT_FOLDERS: dict[str, Kind] = {
    "parcours": Kind.PARCOURS,
    "competences": Kind.COMPETENCE,
    "recits": Kind.RECIT,
    "traces": Kind.TRACE,
    "retours": Kind.RETOUR,
}


@dataclass
class Settings:
    """Where the portfolio is and how to read it (the plugin maps its options onto this)."""

    docs_dir: Path
    referentiel: Path | None = None  # None: <docs_dir>/referentiel.yml, optional
    bibliography: Path | None = None  # BibTeX or CSL-JSON; None: no citations
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

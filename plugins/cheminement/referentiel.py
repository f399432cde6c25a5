"""The référentiel (`referentiel.yml`): the competence framework, read with every problem.

Bounded like front matter (size, aliases, depth: frontmatter.py), and never read from
outside the portfolio unless the configuration names such a file itself.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from . import frontmatter, schema
from .model import Competence, Domain, Framework, Problem, Referentiel, Scale, Severity, fold
from .scan import path_problem, unreadable_problem
from .settings import Settings

_ID = re.compile(r"[\w][\w.-]*")


def load_referentiel(settings: Settings) -> tuple[Referentiel, list[Problem]]:
    path = settings.referentiel_path
    shown = Path(os.path.relpath(path, settings.docs_dir)).as_posix()
    if not path.is_file():
        # Without a référentiel the site still builds; only an explicit path must exist.
        severity = Severity.ERROR if settings.referentiel else Severity.WARNING
        return Referentiel(path=shown), [
            Problem(shown, None, severity, "referentiel-missing", {"path": shown}, (("referentiel-missing.fix", {}),))
        ]
    refused = _referentiel_refused(path, shown, settings.docs_dir)
    if refused is not None:
        return Referentiel(path=shown), [refused]
    text = frontmatter.decode(path.read_bytes())
    # Key lines down to a competence's `ref` entries:
    # referentiels > n > domaines > n > competences > n > ref > key.
    parsed = frontmatter.parse_yaml(text, depth=10) if isinstance(text, str) else text
    if isinstance(parsed, frontmatter.SyntaxProblem):
        return Referentiel(path=shown), [
            Problem(shown, parsed.line, Severity.ERROR, parsed.code, parsed.params, ((f"{parsed.code}.fix", {}),))
        ]
    data, lines, _ = parsed
    return read_data(data, lines, shown)


def read_data(data: object, lines: dict[tuple[str | int, ...], int], shown: str) -> tuple[Referentiel, list[Problem]]:
    """A référentiel from parsed YAML and its key lines: what a build reads, and what the
    import checks before writing."""
    return _ReferentielReader(shown, lines).read(data)


def _referentiel_refused(path: Path, shown: str, docs_dir: Path) -> Problem | None:
    """A référentiel we must not read: a link out of the portfolio, or absurdly large.

    The size is checked before reading, so a huge file costs nothing; a path given in the
    configuration outside the portfolio is the configuration's choice and is read.
    """
    relative = os.path.relpath(path, docs_dir)
    if not relative.startswith(".."):
        refused, problem = path_problem(docs_dir, Path(relative).as_posix(), set())
        if refused:
            return problem
    try:
        size = path.stat().st_size
    except OSError as error:
        return unreadable_problem(shown, error)
    if size > frontmatter.MAX_YAML_CHARS:
        limit = frontmatter.MAX_YAML_CHARS // 1024
        return Problem(shown, None, Severity.ERROR, "yaml-too-large", {"size": -(-size // 1024), "limit": limit},
                       (("yaml-too-large.fix", {}),))
    return None


class _ReferentielReader:
    def __init__(self, path: str, lines: dict[tuple[str | int, ...], int]) -> None:
        self.path = path
        self.lines = lines
        self.problems: list[Problem] = []
        self.seen: dict[str, int | None] = {}

    def shape(self, what: str, *where: str | int, **params: object) -> None:
        """A structural mistake; `what` names its message (`referentiel.<what>`)."""
        line = self.lines.get(tuple(where)) if where else None
        self.problems.append(
            Problem(self.path, line, Severity.ERROR, f"referentiel.{what}", params, (("referentiel-shape.fix", {}),))
        )

    def unique(self, ident: str, line: int | None) -> bool:
        if ident in self.seen:
            self.problems.append(
                Problem(self.path, line, Severity.ERROR, "referentiel-duplicate",
                        {"id": ident, "first": self.seen[ident] or "?"}, (("referentiel-duplicate.fix", {}),))
            )
            return False
        self.seen[ident] = line
        return True

    def read(self, data: object) -> tuple[Referentiel, list[Problem]]:
        """Either one framework (the v1 form: titre, echelle, domaines) or a list of them
        under `referentiels:`; both give the flat `domains` other code reads."""
        ref = Referentiel(path=self.path)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.shape("not-mapping")
            return ref, self.problems
        data = {schema.canonical_key(str(k)): v for k, v in data.items()}
        if "referentiels" in data:
            if any(key in data for key in ("domaines", "domains", "echelle", "scale")):
                self.shape("mixed", "referentiels")
            items = data["referentiels"]
            if not isinstance(items, list) or not items:
                self.shape("frameworks-shape", "referentiels")
                return ref, self.problems
            for index, item in enumerate(items):
                framework = self.framework(item, ("referentiels", index), number=index + 1)
                if framework is not None:
                    ref.frameworks.append(framework)
        else:
            framework = self.framework(data, (), number=0)
            if framework is not None:
                ref.frameworks.append(framework)
        ref.title = str(data.get("titre") or " ; ".join(f.title for f in ref.frameworks if f.title))
        if ref.frameworks:
            ref.scale = ref.frameworks[0].scale
        ref.domains = [domain for framework in ref.frameworks for domain in framework.domains]
        return ref, self.problems

    def framework(self, data: object, where: tuple[str | int, ...], number: int) -> Framework | None:
        """One framework; `number` is its place in `referentiels:` (0 for the v1 form)."""
        if not isinstance(data, dict):
            self.shape("framework-shape", *where, number=number)
            return None
        data = {schema.canonical_key(str(k)): v for k, v in data.items()}
        ident = ""
        if number:
            ident = str(data["id"]) if isinstance(data.get("id"), str) else ""
            if not _ID.fullmatch(ident):
                self.shape("framework-id", *where, number=number)
                return None
            if not self.unique(ident, self.lines.get((*where, "id"))):
                return None
        framework = Framework(ident, str(data.get("titre") or data.get("title") or ident))
        framework.source = str(data.get("source") or "")
        framework.licence = str(data.get("licence") or data.get("license") or "")
        refs = data.get("ref")
        if isinstance(refs, dict):
            framework.refs = {str(k): str(v) for k, v in refs.items()}
        scale = data.get("echelle", data.get("scale"))
        if scale is not None:
            if isinstance(scale, list) and scale and all(isinstance(s, str) and s.strip() for s in scale):
                if len({fold(s) for s in scale}) != len(scale):
                    self.shape("scale-duplicate", *where, "echelle")
                framework.scale = Scale(tuple(s.strip() for s in scale))
            else:
                self.shape("scale-shape", *where, "echelle")
        domains = data.get("domaines", data.get("domains", []))
        if not isinstance(domains, list):
            self.shape("domains-shape", *where, "domaines")
            return framework
        for d_index, item in enumerate(domains):
            domain = self.domain(d_index, item, where)
            if domain:
                domain.framework = ident
                framework.domains.append(domain)
        return framework

    def domain(self, index: int, item: object, within: tuple[str | int, ...] = ()) -> Domain | None:
        where = (*within, "domaines", index)
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            self.shape("domain-id", *where, number=index + 1)
            return None
        domain = Domain(item["id"], str(item.get("titre") or item.get("title") or item["id"]))
        if not self.unique(domain.id, self.lines.get((*where, "id"))):
            return None
        comps = item.get("competences", [])
        if not isinstance(comps, list):
            self.shape("competences-shape", *where, "competences", domain=domain.id)
            return domain
        for c_index, comp in enumerate(comps):
            c_where = (*where, "competences", c_index)
            if not isinstance(comp, dict) or not isinstance(comp.get("id"), str):
                self.shape("competence-id", *c_where, number=c_index + 1, domain=domain.id)
                continue
            line = self.lines.get((*c_where, "id"))
            if not _ID.fullmatch(comp["id"]) or not self.unique(comp["id"], line):
                if not _ID.fullmatch(comp["id"]):
                    self.shape("bad-id", *c_where, "id", id=comp["id"])
                continue
            refs = comp.get("ref") or {}
            domain.competences.append(
                Competence(
                    id=comp["id"],
                    title=str(comp.get("titre") or comp.get("title") or comp["id"]),
                    domain=domain.id,
                    description=str(comp.get("description") or ""),
                    refs={str(k): str(v) for k, v in refs.items()} if isinstance(refs, dict) else {},
                    line=line,
                )
            )
        return domain

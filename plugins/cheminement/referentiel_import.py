"""Import a competence framework into `referentiel.yml`: an RNCP fiche or an in-house CSV.

Sources:
- France compétences' open-data XML export (flux V4.1, root `FICHES`, one `FICHE` per
  certification): each `BLOC_COMPETENCES` becomes a domain, each item of its free-text
  `LISTE_COMPETENCES` a competence, and the bloc's `MODALITES_EVALUATION` the description.
- A CSV with the columns domain, id, title, description (French names accepted).

Ids are stable across re-imports: a domain is its bloc code in lower case (`rncp35809bc01`),
a competence that code plus its position in the bloc (`rncp35809bc01-03`). The merge keeps
everything the learner added: entries absent from the source are kept (and reported), extra
keys and the scale are kept; the title and description of an entry present in the source
follow the source. Nothing is written when anything is wrong.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from . import frontmatter, packs
from .model import Severity
from .referentiel import read_data

MAX_SOURCE_BYTES = 1024 * 1024 * 1024  # the full RNCP export is about 600 MB
_BULLET = re.compile(r"(?:^|\n|\s{2,})\s*(?:[-*•–]|\d+(?:\.\d+)*[.)])\s+")
_SPACES = re.compile(r"\s+")
CSV_COLUMNS = {"domain": ("domain", "domaine"), "id": ("id",), "title": ("title", "titre"),
               "description": ("description",)}


class ImportFailure(Exception):
    """A source or a référentiel we cannot use: a catalogue key and its parameters."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class Report:
    """What the merge changed, by id; `converted`: the id given to the learner's framework
    when a one-framework file became a `referentiels:` list (the migration)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    converted: str = ""
    framework: str = ""  # the framework imported into, in a `referentiels:` file


# -- RNCP XML ------------------------------------------------------------------------------------


def read_rncp(path: Path, fiche: str | None) -> dict[str, Any]:
    """The référentiel of one fiche of an RNCP export (`fiche`: its number, needed when several).

    Streamed one FICHE at a time (the full export is about 600 MB); no entities, no network,
    no huge text nodes: the export is data from outside.
    """
    wanted = _fiche_number(fiche) if fiche else None
    numbers: list[str] = []
    found = None
    try:
        for event, element in etree.iterparse(str(path), events=("start", "end"), resolve_entities=False,
                                              no_network=True, huge_tree=False, load_dtd=False):
            if event == "start":
                if element.getparent() is None and element.tag not in ("FICHES", "FICHE"):
                    raise ImportFailure("referentiel-import.not-rncp", path=path, line=element.sourceline or "?",
                                        tag=element.tag)
                continue
            if element.tag != "FICHE":
                continue
            numbers.append(_text(element, "NUMERO_FICHE") or "?")
            if wanted is not None and numbers[-1].upper() == wanted:
                return _fiche_referentiel(path, element)
            if wanted is None and len(numbers) > 1:
                raise ImportFailure("referentiel-import.many-fiches", path=path, first=", ".join(numbers))
            if wanted is None:
                found = element
            else:
                _forget(element)
    except etree.XMLSyntaxError as error:
        raise ImportFailure("referentiel-import.xml-syntax", path=path, line=error.lineno or "?",
                            error=error.msg) from None
    except OSError as error:
        raise ImportFailure("referentiel-import.unreadable", path=path, error=error.strerror or error) from None
    if wanted is not None:
        raise ImportFailure("referentiel-import.unknown-fiche", path=path, fiche=fiche, count=len(numbers))
    if found is None:
        raise ImportFailure("referentiel-import.no-fiche", path=path)
    return _fiche_referentiel(path, found)


def _fiche_number(given: str) -> str:
    """`RNCP37488`, `rncp37488` or `37488` → `RNCP37488` (RS numbers kept as given)."""
    key = given.strip().upper()
    return key if key.startswith(("RNCP", "RS")) else f"RNCP{key}"


def _forget(element: etree._Element) -> None:
    """Free a fiche we passed, and those before it, so memory stays flat over the export."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    while parent is not None and element.getprevious() is not None:
        del parent[0]


def _text(element: etree._Element, tag: str) -> str:
    return _SPACES.sub(" ", element.findtext(tag) or "").strip()


def _fiche_referentiel(path: Path, fiche: etree._Element) -> dict[str, Any]:
    number = _text(fiche, "NUMERO_FICHE")
    if not number:
        raise ImportFailure("referentiel-import.no-number", path=path, line=fiche.sourceline or "?")
    blocs = fiche.findall("BLOCS_COMPETENCES/BLOC_COMPETENCES")
    if not blocs:
        raise ImportFailure("referentiel-import.no-blocs", path=path, fiche=number, line=fiche.sourceline or "?")
    domains = [_bloc_domain(path, bloc) for bloc in blocs]
    _no_duplicates(path, [(d["id"], None) for d in domains])
    return {"titre": _text(fiche, "INTITULE") or number, "ref": {"rncp": number}, "domaines": domains}


def _bloc_domain(path: Path, bloc: etree._Element) -> dict[str, Any]:
    code = _text(bloc, "CODE")
    if not code or not re.fullmatch(r"[\w][\w.-]*", code):
        raise ImportFailure("referentiel-import.bloc-code", path=path, line=bloc.sourceline or "?")
    ident = code.lower()
    criteria = _text(bloc, "MODALITES_EVALUATION")
    items = split_competences(bloc.findtext("LISTE_COMPETENCES") or "")
    competences = []
    for index, sentence in enumerate(items, start=1):
        entry: dict[str, Any] = {"id": f"{ident}-{index:02d}", "titre": sentence}
        if criteria:
            entry["description"] = criteria
        entry["ref"] = {"rncp": code}
        competences.append(entry)
    return {"id": ident, "titre": _text(bloc, "LIBELLE") or code, "ref": {"rncp": code}, "competences": competences}


def split_competences(text: str) -> list[str]:
    """The items of a bloc's free text: bullets (`-`, `*`, `•`, `1.`) or else one per line."""
    text = text.replace("\r", "")
    parts = _BULLET.split(text) if _BULLET.search(text) else text.split("\n")
    return [sentence for part in parts if (sentence := _SPACES.sub(" ", part).strip(" ;.\t"))]


# -- CSV -----------------------------------------------------------------------------------------


def read_csv(path: Path) -> dict[str, Any]:
    """The référentiel of a CSV (domain, id, title, description); `,` or `;`, UTF-8."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailure("referentiel-import.csv-encoding", path=path, position=error.start) from None
    except OSError as error:
        raise ImportFailure("referentiel-import.unreadable", path=path, error=error.strerror or error) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [_fold(name) for name in next(reader, [])]
    columns = _columns(path, header)
    domains: dict[str, dict[str, Any]] = {}
    seen: list[tuple[str, int | None]] = []
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: (row[at].strip() if at < len(row) else "") for name, at in columns.items()}
        _csv_row_ok(path, line, cells)
        seen.append((cells["id"], line))
        domain_id = slug(cells["domain"])
        domain = domains.setdefault(domain_id, {"id": domain_id, "titre": cells["domain"], "competences": []})
        entry: dict[str, Any] = {"id": cells["id"], "titre": cells["title"] or cells["id"]}
        if cells.get("description"):
            entry["description"] = cells["description"]
        domain["competences"].append(entry)
    if not seen:
        raise ImportFailure("referentiel-import.csv-empty", path=path)
    _no_duplicates(path, seen + [(d, None) for d in domains])
    return {"domaines": list(domains.values())}


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    found = {}
    for name, accepted in CSV_COLUMNS.items():
        at = next((header.index(a) for a in accepted if a in header), None)
        if at is not None:
            found[name] = at
    missing = ["/".join(CSV_COLUMNS[name]) for name in ("domain", "id", "title") if name not in found]
    if missing:
        raise ImportFailure("referentiel-import.csv-columns", path=path, missing=", ".join(missing),
                            found=", ".join(header) or "—")
    return found


def _csv_row_ok(path: Path, line: int, cells: dict[str, str]) -> None:
    if not cells["domain"]:
        raise ImportFailure("referentiel-import.csv-no-domain", path=path, line=line)
    if not re.fullmatch(r"[\w][\w.-]*", cells["id"]):
        raise ImportFailure("referentiel-import.csv-bad-id", path=path, line=line, id=cells["id"])


def _no_duplicates(path: Path, ids: list[tuple[str, int | None]]) -> None:
    first: dict[str, int | None] = {}
    for ident, line in ids:
        if ident in first:
            raise ImportFailure("referentiel-import.duplicate", path=path, id=ident, line=line or "?",
                                first=first[ident] or "?")
        first[ident] = line


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip().lower()


def slug(text: str) -> str:
    """A domain id from its title: ASCII, lower case, hyphens (`Relation d'aide` → `relation-d-aide`)."""
    return re.sub(r"[^a-z0-9]+", "-", _fold(text)).strip("-") or "domaine"


# -- Merge ---------------------------------------------------------------------------------------


def read_existing(path: Path) -> dict[str, Any] | None:
    """The current référentiel, or None when there is none yet."""
    if not path.is_file():
        return None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise ImportFailure("referentiel-import.existing-yaml", path=path,
                            line=mark.line + 1 if mark is not None else "?") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ImportFailure("referentiel-import.unreadable", path=path, error=error) from None
    if data is None:
        return None
    if not isinstance(data, dict):
        raise ImportFailure("referentiel-import.existing-shape", path=path)
    frameworks = data.get("referentiels")
    if frameworks is None:
        _framework_shape(path, data)
    elif not isinstance(frameworks, list) or not all(isinstance(f, dict) for f in frameworks):
        raise ImportFailure("referentiel-import.existing-shape", path=path)
    for framework in frameworks or []:
        _framework_shape(path, framework)
    return data


def _framework_shape(path: Path, data: dict[str, Any]) -> None:
    """A framework's `domaines` must be a list (under the loader's English spelling too)."""
    if "domaines" not in data and "domains" in data:
        data["domaines"] = data.pop("domains")  # one list, not two
    if not isinstance(data.get("domaines", []), list):
        raise ImportFailure("referentiel-import.existing-shape", path=path)


def merge(existing: dict[str, Any] | None, imported: dict[str, Any]) -> tuple[dict[str, Any], Report]:
    """`imported` merged into `existing`: kept entries, updated titles, new entries at the end."""
    report = Report()
    if existing is None:
        for domain in imported["domaines"]:
            report.added += [c["id"] for c in domain["competences"]]
        return imported, report
    result = dict(existing)
    result.setdefault("titre", imported.get("titre"))
    domains = [d for d in result.get("domaines") or [] if isinstance(d, dict)]
    by_id = {d.get("id"): d for d in domains}
    for new in imported["domaines"]:
        current = by_id.get(new["id"])
        if current is None:
            domains.append(new)
            report.added += [c["id"] for c in new["competences"]]
            continue
        current.update({k: v for k, v in new.items() if k not in ("competences", "id")})
        if "ref" in imported:  # RNCP: ids are positions, so an item found by its wording keeps its id
            _settle_ids(current.get("competences"), new["competences"])
        _merge_competences(current, new["competences"], report)
    result["domaines"] = domains
    return result, report


def _settle_ids(existing: object, new: list[dict[str, Any]]) -> None:
    """Give RNCP items the id they had: same wording, same id, even if the list was reordered.

    An item without a match keeps its position id unless an item found by wording took it;
    then it gets the next free number of its bloc.
    """
    comps = [c for c in existing if isinstance(c, dict)] if isinstance(existing, list) else []
    by_title = {_fold(str(c.get("titre") or "")): str(c.get("id")) for c in comps}
    taken: set[str] = set()
    loose = []
    for entry in new:
        known = by_title.get(_fold(entry["titre"]))
        if known is not None and known not in taken:
            entry["id"] = known
            taken.add(known)
        else:
            loose.append(entry)
    used = taken | {str(c.get("id")) for c in comps}
    for entry in loose:
        if entry["id"] in taken:
            prefix = entry["id"].rsplit("-", 1)[0]
            number = next(n for n in range(1, len(used) + len(new) + 2) if f"{prefix}-{n:02d}" not in used)
            entry["id"] = f"{prefix}-{number:02d}"
        used.add(entry["id"])
        taken.add(entry["id"])


def _merge_competences(domain: dict[str, Any], new: list[dict[str, Any]], report: Report) -> None:
    """Update a domain's competences in place; the learner's own ones stay, reported when absent."""
    comps = domain.get("competences")
    if not isinstance(comps, list):
        comps = domain["competences"] = []
    by_id = {c.get("id"): c for c in comps if isinstance(c, dict)}
    for entry in new:
        current = by_id.get(entry["id"])
        if current is None:
            comps.append(entry)
            report.added.append(entry["id"])
            continue
        if any(current.get(k) != entry.get(k) for k in ("titre", "description")):
            report.changed.append(entry["id"])
        current.update({k: v for k, v in entry.items() if k != "ref"})
        current["ref"] = {**(current.get("ref") or {}), **entry.get("ref", {})}
    wanted = {e["id"] for e in new}
    report.absent += [str(c.get("id")) for c in comps if isinstance(c, dict) and c.get("id") not in wanted]


def dump(data: dict[str, Any]) -> str:
    """The référentiel as YAML, keys in the order of the format reference."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100, default_flow_style=False)


# -- Several frameworks -------------------------------------------------------------------------


def merge_framework(existing: dict[str, Any] | None, imported: dict[str, Any],
                    pack: bool) -> tuple[dict[str, Any], Report]:
    """`imported` into the référentiel, one framework or several.

    A pack goes beside the learner's framework: a one-framework file becomes a
    `referentiels:` list, the learner's first and unchanged; importing the pack again updates
    it in place. An RNCP fiche merges into the framework with the same RNCP code, else (like a
    CSV) into the learner's: the first that is not a pack, made first when there is none. In a
    one-framework file a fiche or a CSV merges into the file itself, as before packs.
    """
    if existing is not None and "referentiels" not in existing and not pack:
        return merge(existing, imported)
    if existing is None and not pack:
        return merge(None, imported)
    converted = ""
    if existing is not None and "referentiels" not in existing:
        existing, converted = _converted(existing, imported)
    result = dict(existing or {})
    frameworks = [dict(f) for f in result.get("referentiels") or []]
    at = _target(frameworks, imported, pack)
    if at is None:
        fresh = imported if pack else {"id": _free_id(_base_id(imported), frameworks), **imported}
        at = len(frameworks) if pack else 0
        frameworks.insert(at, fresh)
        report = Report(added=[c["id"] for d in imported["domaines"] for c in d["competences"]])
    else:
        merged, report = merge(frameworks[at], imported)
        if pack:  # the pack's own facts follow the pack; the learner's additions stay
            merged.update({k: imported[k] for k in ("titre", "version", "source", "licence") if k in imported})
        elif "ref" in imported:
            merged["ref"] = {**(merged.get("ref") or {}), **imported["ref"]}
        frameworks[at] = merged
    result["referentiels"] = frameworks
    report.converted = converted
    report.framework = str(frameworks[at].get("id") or "")
    return result, report


def _converted(v1: dict[str, Any], imported: dict[str, Any]) -> tuple[dict[str, Any], str]:
    """The migration: a one-framework file as a list holding that framework, first, with an
    id (its RNCP code, else `referentiel`) that no domain or competence uses."""
    ident = _free_id(_base_id(v1), [v1, imported])
    return {"referentiels": [{"id": ident, **{k: v for k, v in v1.items() if k != "id"}}]}, ident


def _base_id(framework: dict[str, Any]) -> str:
    """The id a learner's framework gets: its RNCP code in lower case, else `referentiel`."""
    refs = framework.get("ref")
    rncp = refs.get("rncp") if isinstance(refs, dict) else None
    return slug(str(rncp)) if rncp else "referentiel"


def _free_id(base: str, frameworks: list[dict[str, Any]]) -> str:
    """`base`, or `base-2`, `base-3`…: the first no framework, domain or competence uses."""
    taken = set().union(*(_ids(f) | {str(f.get("id"))} for f in frameworks)) if frameworks else set()
    return next(ident for n in range(1, len(taken) + 2)
                if (ident := base if n == 1 else f"{base}-{n}") not in taken)


def _ids(framework: dict[str, Any]) -> set[str]:
    """Every domain and competence id of a framework (as written, shapes not checked)."""
    found = set()
    for domain in framework.get("domaines") or []:
        if isinstance(domain, dict):
            found.add(str(domain.get("id")))
            comps = domain.get("competences")
            found |= {str(c.get("id")) for c in comps if isinstance(c, dict)} if isinstance(comps, list) else set()
    return found


def _target(frameworks: list[dict[str, Any]], imported: dict[str, Any], pack: bool) -> int | None:
    """Where `imported` goes: the framework with the pack's id or the fiche's RNCP code, else
    (fiche, CSV) the learner's, the first that is not a pack; None: a new framework."""
    def rncp(framework: dict[str, Any]) -> object:
        refs = framework.get("ref")
        return refs.get("rncp") if isinstance(refs, dict) else None

    for index, framework in enumerate(frameworks):
        if pack and framework.get("id") == imported.get("id"):
            return index
        if not pack and "ref" in imported and rncp(framework) == imported["ref"].get("rncp"):
            return index
    if pack:
        return None
    return next((i for i, f in enumerate(frameworks) if not packs.is_pack(str(f.get("id")))), None)


def _checked(text: str, target: Path, lang: str) -> str:
    """The new référentiel, read as a build reads it: an id defined twice across frameworks
    (the learner's `crcn-1.1` and the pack's) stops the import before anything is written."""
    parsed = frontmatter.parse_yaml(text, depth=10)
    if isinstance(parsed, frontmatter.SyntaxProblem):  # our own dump: cannot happen, but never write it
        raise ImportFailure("packs.import-invalid", path=target, problem=parsed.code, line="?")
    _, problems = read_data(parsed[0], parsed[1], target.name)
    # Only what the import itself can cause: a problem already in the file is `check`'s to report.
    errors = [p for p in problems if p.severity is Severity.ERROR and p.code == "referentiel-duplicate"]
    if errors:
        first = errors[0]
        raise ImportFailure("packs.import-invalid", path=target, line=first.line or "?",
                            problem=f"{first.message(lang)} {first.suggestion(lang)}".strip())
    return text


def import_source(source: Path, target: Path, fiche: str | None = None, lang: str = "fr") -> tuple[str, Report]:
    """The new text of `target` and what changed; writes nothing (the caller does).

    `source` is a file, or the name of a pack (`crcn`, `digcomp`) when no such file exists;
    `lang` chooses the pack's language.
    """
    pack = not source.exists() and packs.is_pack(str(source))
    if pack:
        if fiche:
            raise ImportFailure("packs.fiche-with-pack", name=source)
        imported = packs.load(str(source), lang).framework
    elif not source.is_file():
        key = "packs.not-a-file" if source.exists() else "packs.no-source"
        raise ImportFailure(key, path=source, packs=", ".join(packs.names()))
    elif source.suffix.lower() == ".csv":
        if fiche:
            raise ImportFailure("referentiel-import.fiche-with-csv", path=source)
        imported = read_csv(source)
    else:
        imported = read_rncp(source, fiche)
    merged, report = merge_framework(read_existing(target), imported, pack)
    return _checked(dump(merged), target, lang), report

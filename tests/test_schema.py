"""One definition of the note format: the checker and the editors' JSON Schemas agree.

Both come from `schema.FIELDS`. Each direction is tested on real notes: every note that
`cheminement check` accepts without error (the sample portfolio, every fixture, every
`tests/broken` case, the starter portfolios) validates against its kind's schema, and every
note the checker refuses for a value it can see (wrong type, value not allowed, required key
missing) is invalid for the schema. The patterns the schemas hold (dates, spellings,
identifiers) are compared with the checker's own reading, character by character.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from cheminement import editor, frontmatter, schema
from cheminement.authoring import init
from cheminement.check import Report, analyse
from cheminement.dates import PartialDate
from cheminement.model import Kind, Note, Severity
from cheminement.referentiel import load_referentiel
from cheminement.settings import Settings

TESTS = Path(__file__).parent
ROOT = TESTS.parent
BASE = TESTS / "fixtures" / "base"
BROKEN = TESTS / "broken"


# -- Helpers ---------------------------------------------------------------------------------


def as_json(value: Any) -> Any:
    """A front-matter value as a JSON validator (an editor) sees it: keys are strings."""
    if isinstance(value, dict):
        return {str(key): as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value


def front_matter(path: Path) -> dict[str, Any]:
    doc = frontmatter.read(path.read_bytes())
    assert isinstance(doc, frontmatter.Document), path
    return as_json(doc.meta)


class Schemas:
    """The schemas of one portfolio, as `cheminement schema` writes them."""

    def __init__(self, report: Report) -> None:
        self.validators = {
            kind: jsonschema.Draft7Validator(editor.note_schema(kind, report.portfolio.referentiel, "fr",
                                                                report.portfolio.competences))
            for kind in Kind
        }

    def errors(self, note: Note, docs: Path) -> list[str]:
        found = self.validators[note.kind].iter_errors(front_matter(docs / note.path))
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


def refused(report: Report) -> set[str]:
    return {p.file for p in report.problems if p.severity is Severity.ERROR}


def accepted_notes_validate(docs: Path, settings: Settings) -> int:
    """Every note without an error validates; how many were checked."""
    report = analyse(settings)
    schemas, bad = Schemas(report), refused(report)
    checked = 0
    for note in report.portfolio.notes:
        if note.path in bad:
            continue
        errors = schemas.errors(note, docs)
        assert not errors, f"{note.path} is accepted by the checker, not by {note.kind}.schema.json:\n" + "\n".join(errors)
        checked += 1
    return checked


def with_base(tmp_path: Path, case: str | None = None) -> Path:
    docs = tmp_path / "docs"
    shutil.copytree(BASE, docs)
    if case:
        shutil.copytree(BROKEN / case, docs, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.yml"))
    return docs


def write(docs: Path, path: str, text: str) -> Path:
    target = docs / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return target


# -- (a) Whatever the checker accepts validates ---------------------------------------------------


def test_the_sample_portfolio_validates() -> None:
    docs = ROOT / "content"
    settings = Settings(docs_dir=docs, bibliography=docs / "bibliographie.bib")
    assert accepted_notes_validate(docs, settings) >= 25


def test_the_base_fixture_validates() -> None:
    assert accepted_notes_validate(BASE, Settings(docs_dir=BASE)) == 6


@pytest.mark.parametrize("case", sorted(p.name for p in BROKEN.iterdir() if p.is_dir()))
def test_every_note_of_the_broken_corpus_the_checker_accepts_validates(tmp_path: Path, case: str) -> None:
    docs = with_base(tmp_path, case)
    assert accepted_notes_validate(docs, Settings(docs_dir=docs)) >= 3


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_starter_portfolio_validates(tmp_path: Path, lang: str) -> None:
    init(tmp_path, lang)
    docs = tmp_path / "portfolio"
    assert accepted_notes_validate(docs, Settings(docs_dir=docs, lang=lang)) == 4


# Spellings and values the checker accepts: accents, case, English aliases, NFD text,
# integer years, date-times, ranks as text, a list mixing ids and `id: level`.
ACCEPTED = {
    "parcours/accents.md": """
        ---
        Titre: Bénévole
        type: Bénévolat
        Début: 2010
        FIN: En Cours
        compétences: {ecoute-active: maitrise, alliance: "2"}
        visibilité: Privé
        ---
        """,
    "parcours/anglais.md": """
        ---
        title: Volunteer
        kind: benevolat
        start: 2010-9
        end: aujourd'hui
        skills: [ecoute-active, {alliance: 3}, conception]
        visibility: PRIVATE
        summary: 2024
        organization: 42
        location: Lyon
        ---
        """,
    "parcours/nfd.md": "---\ntitre: NFD\nde\u0301but: 2024-02-29\nfin: 2024-03\n---\n",
    "recits/heure.md": """
        ---
        titre: Avec l'heure
        date: 2024-03-12T10:30
        modèle: Schön
        Tags: seul
        aliases: [Autre nom, 2024]
        cssclasses: [large]
        traces: grille
        parcours: [master]
        inconnue: une clé que le vérificateur signale seulement
        a_la_une: true
        dossier: false
        ---
        """,
    "recits/fuseau.md": """
        ---
        titre: Fuseau
        date: 2024-03-12 10:30:00 +01:00
        competences: ecoute-active
        id: écoute-2
        brouillon: false
        ---
        """,
    "traces/lien.md": """
        ---
        titre: Un lien
        date: 2023
        lien: https://exemple.fr/page?a=b#c
        fichier: ""
        ---
        """,
    "traces/fichier.md": """
        ---
        titre: Un fichier
        file: grille.pdf
        description: 2
        ---
        """,
    "competences/alliance.md": """
        ---
        Niveau: 2
        target: "04"
        domaine: relation
        ---
        """,
    "retours/accents.md": """
        ---
        author: Marie Dupont
        Date: 2025-11-20
        about: recits/atelier
        competences: {ecoute-active: Validée, alliance: null, conception: relu}
        relecture: true
        ---
        """,
    "retours/liste.md": """
        ---
        auteur: Paul
        date: 2025
        sur: [atelier]
        compétences: [ecoute-active, {alliance: VALIDATED}]
        ---
        """,
}


def test_every_spelling_the_checker_accepts_validates(tmp_path: Path) -> None:
    docs = with_base(tmp_path)
    for path, text in ACCEPTED.items():
        write(docs, path, text)
    report = analyse(Settings(docs_dir=docs))
    ours = {p.file: p for p in report.problems if p.severity is Severity.ERROR and p.file in ACCEPTED}
    assert not ours, "\n".join(f"{p.file}:{p.line} {p.code}" for p in ours.values())
    assert accepted_notes_validate(docs, Settings(docs_dir=docs)) == 6 + len(ACCEPTED)


# -- (b) Whatever the checker refuses for a value is invalid ------------------------------------------

# Problems about a key's value or presence, which a schema can state. Others are about the
# file (YAML, fences, encoding), other files (unknown notes, duplicate ids) or the engine's
# keys (Material's `hide`, `template`), which the schemas leave to the checker.
VALUE_CODES = {
    "bad-type", "bad-date", "bad-bool", "unknown-choice", "missing-key", "bad-url", "bad-id",
    "unknown-competence", "unknown-level", "trace-without-source", "trace-file-is-note",
}

REFUSED = [
    ("parcours/p.md", "titre: P\ndébut: hier", "bad-date"),
    ("parcours/p.md", "titre: P\ndebut: 2024\nfin: bientôt", "bad-date"),
    ("parcours/p.md", "titre: P\nfin: 2024", "missing-key"),
    ("parcours/p.md", "titre: P\nDébut: ''", "missing-key"),
    ("parcours/p.md", "titre: P\ndebut: 2024\ntype: bénévola", "unknown-choice"),
    ("parcours/p.md", "titre: P\ndebut: 2024\ntype: parcours", "unknown-choice"),
    ("parcours/p.md", "titre: P\ndebut: 2024\ntype:", "bad-type"),
    ("parcours/p.md", "titre: P\ndebut: 2024\ncompetences: 5", "bad-type"),
    ("parcours/p.md", "titre: P\ndebut: 2024\nlieu: [Lyon, Paris]", "bad-type"),
    ("recits/r.md", "titre: R\ndate: 2025-02-29", "bad-date"),
    ("recits/r.md", "titre: R\ndate: 2024-13", "bad-date"),
    ("recits/r.md", "titre: R\ndate: 24", "bad-date"),
    ("recits/r.md", "titre: R\ndate: 0000", "bad-date"),
    ("recits/r.md", "titre: R\ndate: 12/03/2024", "bad-date"),
    ("recits/r.md", "titre: R\ndate: 2024-03-12T25:00", "bad-date"),
    ("recits/r.md", "titre: R\ndate: 2024-03T10:30", "bad-date"),
    ("recits/r.md", "titre: R\ndate: true", "bad-date"),
    ("recits/r.md", "titre: R", "missing-key"),
    ("recits/r.md", "titre: R\ndate: null", "missing-key"),
    ("recits/r.md", "titre: R\ndate: 2024\nmodèle: gibs", "unknown-choice"),
    ("recits/r.md", "titre: R\ndate: 2024\nvisibilité: secret", "unknown-choice"),
    ("recits/r.md", "titre: R\ndate: 2024\nvisibilite: [prive]", "unknown-choice"),
    ("recits/r.md", "titre: R\ndate: 2024\ndraft: 'false'", "bad-bool"),
    ("recits/r.md", "titre: R\ndate: 2024\nbrouillon: oui", "bad-bool"),
    ("recits/r.md", "titre: R\ndate: 2024\na_la_une: 1", "bad-bool"),
    ("recits/r.md", "titre: R\ndate: 2024\ndossier: yes", "bad-bool"),
    ("recits/r.md", "titre: R\ndate: 2024\ntags: {a: 1}", "bad-type"),
    ("recits/r.md", "titre: R\ndate: 2024\naliases: [true]", "bad-type"),
    ("recits/r.md", "titre: [R]\ndate: 2024", "bad-type"),
    ("recits/r.md", "titre: R\ndate: 2024\nresume: {a: b}", "bad-type"),
    ("recits/r.md", "titre: R\ndate: 2024\ntraces: {grille: 1}", "bad-type"),
    ("recits/r.md", "titre: R\ndate: 2024\nparcours: [2024]", "bad-type"),
    ("recits/r.md", "titre: R\ndate: 2024\ntype: 3", "bad-type"),
    ("recits/r.md", "titre: R\ndate: 2024\nid: a b", "bad-id"),
    ("recits/r.md", "titre: R\ndate: 2024\nid: -a", "bad-id"),
    ("recits/r.md", "titre: R\ndate: 2024\nid: «a»", "bad-id"),
    ("recits/r.md", "titre: R\ndate: 2024\ncompetences: [ecoute-activ]", "unknown-competence"),
    ("recits/r.md", "titre: R\ndate: 2024\ncompetences: {inconnue: 2}", "unknown-competence"),
    ("recits/r.md", "titre: R\ndate: 2024\ncompetences: {ecoute-active: Expert}", "unknown-level"),
    ("recits/r.md", "titre: R\ndate: 2024\ncompetences: {ecoute-active: 5}", "unknown-level"),
    ("recits/r.md", "titre: R\ndate: 2024\ncompetences: {ecoute-active: '0'}", "unknown-level"),
    ("recits/r.md", "titre: R\ndate: 2024\ncompetences: {ecoute-active: true}", "unknown-level"),
    ("recits/r.md", "titre: R\ndate: 2024\ncompétences: [{ecoute-active: 7}]", "unknown-level"),
    ("recits/r.md", "titre: R\ndate: 2024\ncompetences: [[ecoute-active]]", "bad-type"),
    ("traces/t.md", "titre: T", "trace-without-source"),
    ("traces/t.md", "titre: T\nfichier: ''\nlien: ' '", "trace-without-source"),
    ("traces/t.md", "titre: T\nlien: ftp://exemple.fr/x", "bad-url"),
    ("traces/t.md", "titre: T\nurl: exemple.fr", "bad-url"),
    ("traces/t.md", "titre: T\nlien: 42", "bad-url"),
    ("traces/t.md", "titre: T\nfichier: ../recits/atelier.md", "trace-file-is-note"),
    ("traces/t.md", "titre: T\nfichier: /etc/passwd", "trace-file-outside"),
    ("traces/t.md", "titre: T\nfichier: C:\\\\Users\\\\moi\\\\a.pdf", "trace-file-outside"),
    ("traces/t.md", "titre: T\nfichier: grille.pdf\ndate: 2024-02-30", "bad-date"),
    ("competences/alliance.md", "niveau: Experte", "unknown-level"),
    ("competences/alliance.md", "objectif: 9", "unknown-level"),
    ("competences/alliance.md", "level: 0", "unknown-level"),
    ("competences/alliance.md", "niveau: [1]", "unknown-level"),
    ("retours/f.md", "date: 2025\nsur: atelier", "missing-key"),
    ("retours/f.md", "auteur: ''\ndate: 2025\nsur: atelier", "missing-key"),
    ("retours/f.md", "auteur: A\ndate: 2025", "missing-key"),
    ("retours/f.md", "auteur: A\nsur: atelier", "missing-key"),
    ("retours/f.md", "auteur: A\ndate: 2025\nsur: atelier\ncompetences: {ecoute-active: acquise}", "unknown-choice"),
    ("retours/f.md", "auteur: A\ndate: 2025\nsur: atelier\ncompetences: {ecoute-active: 2}", "unknown-choice"),
    ("retours/f.md", "auteur: A\ndate: 2025\nsur: atelier\nrelecture: oui", "bad-bool"),
    ("retours/f.md", "auteur: {a: b}\ndate: 2025\nsur: atelier", "bad-type"),
]


@pytest.mark.parametrize(("path", "meta", "code"), REFUSED, ids=[f"{p}:{m.splitlines()[-1]}" for p, m, _ in REFUSED])
def test_a_value_the_checker_refuses_is_invalid(tmp_path: Path, path: str, meta: str, code: str) -> None:
    docs = with_base(tmp_path)
    (docs / path).parent.mkdir(parents=True, exist_ok=True)
    (docs / path).write_text(f"---\n{meta}\n---\nTexte.\n", encoding="utf-8")
    report = analyse(Settings(docs_dir=docs))
    codes = {p.code for p in report.problems if p.file == path and p.severity is Severity.ERROR}
    assert code in codes, f"the checker should refuse {meta!r} with {code}, got {codes}"
    note = next(n for n in report.portfolio.notes if n.path == path)
    assert Schemas(report).errors(note, docs), f"{note.kind}.schema.json accepts {meta!r}"


def _key_of(line: int | None, path: Path) -> str | None:
    """The canonical key a problem's line is on (None: the file, or no line)."""
    doc = frontmatter.read(path.read_bytes())
    if not isinstance(doc, frontmatter.Document) or line is None:
        return None
    on_line = [key for key, at in doc.lines.items() if at == line]
    return schema.canonical_key(str(on_line[0][0])) if on_line else None


@pytest.mark.parametrize("case", sorted(p.name for p in BROKEN.iterdir() if p.is_dir() and not p.name.startswith("valid-")))
def test_every_note_of_the_broken_corpus_refused_for_a_value_is_invalid(tmp_path: Path, case: str) -> None:
    docs = with_base(tmp_path, case)
    report = analyse(Settings(docs_dir=docs))
    schemas = Schemas(report)
    for note in report.portfolio.notes:
        ours = set(schema.known_keys(note.kind))
        value_errors = [
            p for p in report.problems
            if p.file == note.path and p.severity is Severity.ERROR and p.code in VALUE_CODES
            and (_key_of(p.line, docs / note.path) in ours if p.line else p.code != "bad-id")  # else: the file name
        ]
        if value_errors:
            assert schemas.errors(note, docs), f"{case}: {note.path} refused ({value_errors[0].code}), schema-valid"


# -- The patterns, compared with the checker's reading ---------------------------------------------


def _parses(text: str) -> bool:
    try:
        PartialDate.parse(text)
    except ValueError:
        return False
    return True


TIMES = ["T10:30", "t9:05", "T10:30:00", "T10:30:60", "T10:30:61", "T24:00", "T23:59:59.123", " 10:30:00",
         " 10:30:00 +01:00", "T10:30Z", "T10:30z", "T10:30+0100", "T10:30-5", "T10:30+24", "T10:30+01:7",
         "T10:30:00,5", "T1:3", "T10", "  10:30", "\t10:30", "T10:30 Z", "T10:30+01:00 ", "x", "T", "T10:3O"]


def test_the_date_pattern_is_the_checker_s_reading_of_dates() -> None:
    pattern = re.compile(schema.DATE_PATTERN)
    samples = [" 2024 ", "2024\n", "２０２４", "", " ", "2024-", "2024-03-", "-2024", "20240", "2024/03/12", "1er mars"]
    for year in ["0000", "0001", "0004", "0100", "0400", "1900", "1999", "2000", "2023", "2024", "2100", "9999"]:
        samples.append(year)
        for month in ["0", "00", "1", "01", "2", "02", "4", "04", "9", "11", "12", "13", "003"]:
            samples.append(f"{year}-{month}")
            for day in ["0", "00", "1", "01", "9", "28", "29", "30", "31", "32", "001"]:
                samples.append(f"{year}-{month}-{day}")
                if year in ("2000", "2023", "2024") and month in ("2", "04", "12"):
                    samples += [f"{year}-{month}-{day}{time}" for time in TIMES]
    different = [s for s in samples if _parses(s) != bool(pattern.search(s))]
    assert not different, different[:20]
    assert sum(map(_parses, samples)) > 400  # control: most samples are dates


def test_a_year_alone_may_be_a_number() -> None:
    low, high = schema.YEARS
    assert _parses(low) and _parses(high) and not _parses(low - 1) and not _parses(high + 1)


def test_key_spellings_fold_like_the_checker() -> None:
    """Every one-letter change of `debut` (any character of the Latin alphabets, accents,
    spaces…) matches the key's pattern exactly when the checker reads it as `debut`."""
    entry = schema.field_of(Kind.PARCOURS, "debut")
    assert entry is not None
    pattern = re.compile(editor.key_spelling(entry))
    different = []
    for code in [*range(0x20, 0x250), *range(0x300, 0x370), *range(0x1E00, 0x1F00), *range(0x2000, 0x2070)]:
        for spelt in (f"d{chr(code)}but", f"de{chr(code)}but", f"{chr(code)}debut"):
            if (schema.canonical_key(spelt) == "debut") != bool(pattern.search(spelt)):
                different.append(spelt)
    assert not different, [s.encode("unicode_escape") for s in different[:10]]
    assert pattern.search("DÉBUT") and pattern.search(" start ") and pattern.search("de\u0301but")
    assert not pattern.search("debuts") and not pattern.search("date")


def test_identifiers_allow_every_letter_the_checker_allows() -> None:
    identifier = re.compile(f"^{editor.IDENTIFIER}$")
    word = re.compile(r"\w")
    too_strict = [chr(c) for c in range(0x20, 0x10000) if word.fullmatch(chr(c)) and not identifier.search(chr(c))]
    assert not too_strict, too_strict[:10]
    for bad in ["a b", "-a", ".a", "a/b", "a'b", "a’b", "«a»", "a\u00a0b", "a:b", "é—", ""]:
        assert not identifier.search(bad) and not re.fullmatch(r"[\w][\w.-]*", bad), bad
    for good in ["écoute-active", "a.b-c_d", "2024", "ß", "日本"]:
        assert identifier.search(good), good


def test_the_schemas_are_valid_json_schemas() -> None:
    report = analyse(Settings(docs_dir=BASE))
    for name, document in editor.schemas(report.portfolio.referentiel, "en", report.portfolio.competences).items():
        jsonschema.Draft7Validator.check_schema(document)
        assert document["$schema"] == editor.DRAFT, name
    recit = editor.note_schema(Kind.RECIT, report.portfolio.referentiel, "en")
    assert recit["definitions"]["modele"]["description"] == "Reflection model used."
    # Keys are completed from `properties`; a wrong value in any spelling fails.
    assert set(recit["properties"]) == set(schema.known_keys(Kind.RECIT))


def test_unknown_keys_are_allowed_and_known_ones_completed() -> None:
    recit = editor.note_schema(Kind.RECIT, analyse(Settings(docs_dir=BASE)).portfolio.referentiel, "fr")
    validator = jsonschema.Draft7Validator(recit)
    assert not list(validator.iter_errors({"titre": "R", "date": "2024", "auteur_du_blog": [1, {"a": 2}]}))
    assert "competences" in recit["properties"] and "modele" in recit["properties"]


def _patterns(document: Any) -> list[str]:
    if isinstance(document, dict):
        found = [document["pattern"]] if isinstance(document.get("pattern"), str) else []
        found += list(document.get("patternProperties", {}))
        return found + [p for value in document.values() for p in _patterns(value)]
    if isinstance(document, list):
        return [p for item in document for p in _patterns(item)]
    return []


def test_patterns_mean_the_same_in_javascript(tmp_path: Path) -> None:
    """Validators and editors run JavaScript: each pattern compiles with the `u` flag and
    matches the same samples as in Python."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is needed in CI")
        pytest.skip("node is not installed")
    report = analyse(Settings(docs_dir=BASE))
    patterns = sorted({p for d in editor.schemas(report.portfolio.referentiel, "fr").values() for p in _patterns(d)})
    samples = ["2024", "2024-02-29", "2023-02-29", "2024-03-12T10:30", " Début ", "de\u0301but", "Privé", "écoute-2",
               "a b", "https://exemple.fr", "../x.MD", "/etc/passwd", "Maîtrise", "02", "validée", "en cours", "x\n"]
    script = tmp_path / "match.js"
    script.write_text(
        "const [patterns, samples] = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "console.log(JSON.stringify(patterns.map(p => { const r = new RegExp(p, 'u'); return samples.map(s => r.test(s)); })));\n",
        encoding="utf-8",
    )
    result = subprocess.run([node, str(script)], input=json.dumps([patterns, samples]), capture_output=True, text=True,
                            check=True)
    in_javascript = json.loads(result.stdout)
    in_python = [[bool(re.search(p, s)) for s in samples] for p in patterns]
    assert len(patterns) > 20
    assert in_javascript == in_python


# -- The référentiel: the one file VS Code checks while the learner types ---------------------------

REFERENTIELS_ACCEPTED = [
    (ROOT / "content" / "referentiel.yml").read_text(encoding="utf-8"),
    (BASE / "referentiel.yml").read_text(encoding="utf-8"),
    "",
    "titre: Vide\nechelle:\n",
    "Échelle: [Bas, Haut]\nDomains:\n  - id: d\n    title: D\n    competences:\n      - {id: é.1-x, title: X, ref: 3}\n",
]
REFERENTIELS_REFUSED = [
    "domaines: 3",
    "domaines:",
    "echelle: []\ndomaines: []",
    "scale: [1, 2]\ndomaines: []",
    "domaines:\n  - titre: Sans id\n",
    "domaines:\n  - id: d\n    competences:\n      - titre: Sans id\n",
    "domaines:\n  - id: d\n    competences:\n      - id: a b\n",
    "domaines:\n  - id: d\n    competences: x\n",
]


def referentiel_problems(tmp_path: Path, text: str) -> tuple[list[str], list[str]]:
    """The checker's errors on a référentiel, and the schema's."""
    (tmp_path / "referentiel.yml").write_text(text, encoding="utf-8")
    _, problems = load_referentiel(Settings(docs_dir=tmp_path))
    data = yaml.safe_load(text)
    invalid = [e.message for e in jsonschema.Draft7Validator(editor.referentiel_schema("fr")).iter_errors(data)]
    return [p.code for p in problems if p.severity is Severity.ERROR], invalid


@pytest.mark.parametrize("text", REFERENTIELS_ACCEPTED)
def test_a_referentiel_the_checker_accepts_validates(tmp_path: Path, text: str) -> None:
    assert referentiel_problems(tmp_path, text) == ([], [])


@pytest.mark.parametrize("text", REFERENTIELS_REFUSED)
def test_a_referentiel_the_checker_refuses_is_invalid(tmp_path: Path, text: str) -> None:
    errors, invalid = referentiel_problems(tmp_path, text)
    assert errors and invalid, (errors, invalid)

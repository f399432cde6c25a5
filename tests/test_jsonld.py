"""JSON-LD (schema.org `Person`) on the home page: built from the public portfolio only,
valid JSON whatever the learner's text holds, and a `<script>` element no text can close."""

from __future__ import annotations

import json
from typing import Any

import pytest
from kit import Portfolio

from cheminement import jsonld

CANARY = "CANARI-PRIVE-5520"
HOSTILE = "Claire </script><script>alert(1)</script> <!-- & Cie"

HOME = f"""\
---
profil:
  nom: "{HOSTILE}"
  accroche: Conseillère en bilan
  resume: Vingt ans de vente, puis l'accompagnement.
  contact: https://exemple.fr/claire
  photo: portrait.png
  formation:
    intitule: Master ingénierie de formation
    rncp: RNCP35912
---
# Accueil
"""


def ld_scripts(folio: Portfolio, page: str) -> list[str]:
    """The raw text of every JSON-LD script of a built page."""
    return [node.string or "" for node in folio.html(page).find_all("script", type="application/ld+json")]


@pytest.fixture
def described(portfolio: Portfolio) -> Portfolio:
    """The base portfolio with a profile, a career path of every kind, and private entries."""
    portfolio.write("index.md", HOME)
    (portfolio.docs / "portrait.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    portfolio.write("parcours/conseil.md", """\
        ---
        titre: Conseillère en bilan de compétences
        type: emploi
        organisation: Trajectoires Conseil
        lieu: Lyon
        debut: 2022-01
        fin: en cours
        ---
        """)
    portfolio.write("parcours/titre.md", """\
        ---
        titre: Titre professionnel Formateur professionnel d'adultes
        type: certification
        organisation: Centre Ariane
        debut: 2020-01
        fin: 2021-06
        ---
        """)
    portfolio.write("parcours/licence.md", """\
        ---
        titre: Licence de sociologie
        type: formation
        organisation: Université Lyon 2
        debut: 1994-09
        fin: 1997-06
        ---
        """)
    portfolio.write("parcours/secret.md", f"""\
        ---
        titre: {CANARY} emploi
        type: emploi
        organisation: {CANARY} SA
        debut: 2019
        fin: 2020
        visibilite: prive
        ---
        """)
    portfolio.write("recits/prive.md", f"""\
        ---
        titre: {CANARY} récit
        date: 2024-01
        visibilite: prive
        competences: [evaluation]
        ---
        """)
    return portfolio


@pytest.fixture
def person(described: Portfolio) -> dict[str, Any]:
    described.build()
    scripts = ld_scripts(described, "index.html")
    assert len(scripts) == 1
    raw = scripts[0]
    assert "</script" not in raw.lower() and "<!--" not in raw and "&" not in raw
    assert CANARY not in raw
    data: dict[str, Any] = json.loads(raw)
    return data


def test_person_from_the_profile(person: dict[str, Any]) -> None:
    assert person["@context"] == "https://schema.org"
    assert person["@type"] == "Person"
    assert person["name"] == HOSTILE  # text, exactly as written
    assert person["jobTitle"] == "Conseillère en bilan"
    assert person["description"] == "Vingt ans de vente, puis l'accompagnement."
    assert person["sameAs"] == ["https://exemple.fr/claire"]
    assert person["image"].endswith("portrait.png")
    assert "email" not in person


def test_career_path_as_roles_and_organisations(person: dict[str, Any]) -> None:
    roles = person["hasOccupation"]
    assert [role["@type"] for role in roles] == ["Role", "Role"]
    assert [role["hasOccupation"]["name"] for role in roles] == ["Commerciale", "Conseillère en bilan de compétences"]
    first, current = roles
    assert first["hasOccupation"]["@type"] == "Occupation"
    assert (first["startDate"], first["endDate"]) == ("1998-09", "2006")
    assert current["startDate"] == "2022-01" and "endDate" not in current  # still in the job
    assert current["hasOccupation"]["occupationLocation"] == {"@type": "City", "name": "Lyon"}
    assert person["worksFor"] == [{"@type": "Organization", "name": "Trajectoires Conseil"}]
    assert person["alumniOf"] == [{"@type": "EducationalOrganization", "name": "Université Lyon 2"}]
    # The master is under way: a member of its school, not an alumnus; no organisation written.
    assert "memberOf" not in person


def test_credentials_are_only_those_obtained(person: dict[str, Any]) -> None:
    credentials = person["hasCredential"]
    assert credentials == [{"@type": "EducationalOccupationalCredential",
                            "name": "Titre professionnel Formateur professionnel d'adultes",
                            "recognizedBy": {"@type": "Organization", "name": "Centre Ariane"},
                            "dateCreated": "2021-06"}]
    assert "Master ingénierie de formation" not in json.dumps(credentials, ensure_ascii=False)


def test_knows_about_competences_with_level_or_evidence(person: dict[str, Any]) -> None:
    names = [term["name"] for term in person["knowsAbout"]]
    assert names == ["Pratiquer l'écoute active", "Construire l'alliance", "Concevoir un dispositif"]
    listening = person["knowsAbout"][0]
    assert listening == {"@type": "DefinedTerm", "name": "Pratiquer l'écoute active", "termCode": "RNCP35504BC02",
                         "inDefinedTermSet": "Référentiel de test"}


def test_only_the_home_page_carries_it(described: Portfolio) -> None:
    site = described.build()
    pages = [p.relative_to(site).as_posix() for p in site.rglob("*.html")]
    assert len(pages) > 5
    with_data = [page for page in pages if ld_scripts(described, page)]
    assert with_data == ["index.html"]
    assert "schema.org" not in (site / "search" / "search_index.json").read_text(encoding="utf-8")  # data, not text


def test_a_portfolio_without_profile_still_gives_valid_data(portfolio: Portfolio) -> None:
    portfolio.build()
    (raw,) = ld_scripts(portfolio, "index.html")
    data = json.loads(raw)
    assert data["@type"] == "Person" and "name" not in data
    assert data["hasOccupation"][0]["hasOccupation"]["name"] == "Commerciale"


@pytest.mark.parametrize("text", ["</script><script>alert(1)</script>", "</SCRIPT >", "<!-- x", "a & b",
                                  "\u2028\u2029", "<\\/script>", "\"'\\"])
def test_script_element_cannot_be_closed_by_any_text(text: str) -> None:
    data = {"@type": "Person", "name": text}
    element = jsonld.script(data)
    assert element.startswith('<script type="application/ld+json">') and element.endswith("</script>")
    inner = element[len('<script type="application/ld+json">'):-len("</script>")]
    assert not set(inner) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(inner) == data


def test_each_competence_is_a_term_of_its_own_framework(empty_portfolio: Portfolio) -> None:
    """With several référentiels, a CRCN competence is named in the CRCN, not in a joined title."""
    empty_portfolio.write("referentiel.yml", """\
referentiels:
  - id: metier
    titre: Métier
    domaines:
      - id: relation
        titre: Relation
        competences:
          - {id: ecoute, titre: Écouter, ref: {rncp: RNCP1BC01}}
  - id: crcn
    titre: CRCN
    echelle: [N1, N2, N3, N4, N5, N6, N7, N8]
    domaines:
      - id: crcn-1
        titre: Information et données
        competences:
          - {id: crcn-1.1, titre: Mener une recherche, ref: {crcn: "1.1"}}
""")
    empty_portfolio.write("recits/veille.md", "---\ntitre: Veille\ndate: 2024-03\ncompetences: {ecoute: 2, crcn-1.1: 5}\n---\nTexte.\n")
    empty_portfolio.build()
    (raw,) = ld_scripts(empty_portfolio, "index.html")
    terms = {term["name"]: term for term in json.loads(raw)["knowsAbout"]}
    assert terms["Écouter"]["inDefinedTermSet"] == "Métier" and terms["Écouter"]["termCode"] == "RNCP1BC01"
    assert terms["Mener une recherche"]["inDefinedTermSet"] == "CRCN" and terms["Mener une recherche"]["termCode"] == "1.1"

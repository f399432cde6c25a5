"""The learner as schema.org data (JSON-LD) for the home page: what search engines, CV
tools and recruiters' crawlers read of a person's page.

Built from the public portfolio only (the views the site renders), so it holds nothing the
site does not already show: the profile, the public career path and the competences
something stands behind. Only what is true goes in: `hasCredential` means awarded, so the
certification the learner is working towards (the profile's `formation`) is not claimed;
finished `certification` entries of the career path are. A training still under way makes
its school an organisation the person is a member of, not an alumnus of. docs/exports.md
says what maps to what.
Engine-free.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from .model import Kind, Parcours, Referentiel, fold
from .profile import Profile
from .views import Status, Views

CONTEXT = "https://schema.org"
# Inside <script>, these would let text close the element or open a comment; JSON reads
# their escapes as the same characters. U+2028/U+2029 end lines in older JavaScript parsers.
_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def person(views: Views, profile: Profile, referentiel: Referentiel, url_for: Callable[[str], str] | None = None) -> dict[str, Any]:
    """The Person the portfolio presents; keys without a value are left out."""
    parcours = sorted((n for n in views.notes.values() if isinstance(n, Parcours)),
                      key=lambda n: (n.start is None, n.start.start if n.start else dt.date.min, n.title))
    contact = profile.contact
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Person",
        "name": profile.name,
        "jobTitle": profile.headline,
        "description": profile.summary,
        "image": url_for(profile.photo) if profile.photo and url_for else "",
        "email": contact.removeprefix("mailto:") if contact.startswith("mailto:") else "",
        "sameAs": [contact] if urlsplit(contact).scheme in ("http", "https") else [],
        "hasOccupation": [_role(p) for p in parcours if p.type == "emploi"],
        "worksFor": _unique([_organisation(p, "Organization") for p in parcours if p.type == "emploi" and p.ongoing]),
        "alumniOf": _unique([_organisation(p, "EducationalOrganization") for p in parcours
                             if p.type == "formation" and not p.ongoing]),
        "memberOf": _unique([_organisation(p, "EducationalOrganization") for p in parcours
                             if p.type == "formation" and p.ongoing]),
        "hasCredential": [_credential(p, profile) for p in parcours if p.type == "certification" and not p.ongoing],
        "knowsAbout": _known(views, referentiel),
    }
    return _compact(data)


def script(data: dict[str, Any]) -> str:
    """The `<script type="application/ld+json">` element, safe whatever the text holds."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escape in _UNSAFE.items():
        text = text.replace(char, escape)
    return f'<script type="application/ld+json">{text}</script>'


def _compact(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in ("", None, [], {})}


def _role(parcours: Parcours) -> dict[str, Any]:
    """A past or present job: schema.org dates a profession through a Role around it."""
    occupation = _compact({"@type": "Occupation", "name": parcours.title,
                           "occupationLocation": {"@type": "City", "name": parcours.place} if parcours.place else None})
    return _compact({"@type": "Role", "hasOccupation": occupation, "roleName": parcours.title,
                     "startDate": parcours.start.iso if parcours.start else None,
                     "endDate": parcours.end.iso if parcours.end and not parcours.ongoing else None,
                     "description": parcours.organisation})


def _organisation(parcours: Parcours, kind: str) -> dict[str, Any] | None:
    return {"@type": kind, "name": parcours.organisation} if parcours.organisation else None


def _unique(items: list[dict[str, Any] | None]) -> list[dict[str, Any]]:
    """Each organisation once (a learner may have had two jobs at the same one)."""
    seen: dict[str, dict[str, Any]] = {}
    for item in items:
        if item is not None:
            seen.setdefault(fold(item["name"]), item)
    return list(seen.values())


def _credential(parcours: Parcours, profile: Profile) -> dict[str, Any]:
    """A certification obtained; its RNCP code when the profile names the same one."""
    programme = profile.programme
    same = programme is not None and fold(programme.title) == fold(parcours.title)
    return _compact({
        "@type": "EducationalOccupationalCredential", "name": parcours.title,
        "identifier": programme.rncp if same and programme else "",
        "url": programme.rncp_link if same and programme else "",
        "recognizedBy": {"@type": "Organization", "name": parcours.organisation} if parcours.organisation else None,
        "dateCreated": parcours.end.iso if parcours.end else None,
    })


def _known(views: Views, referentiel: Referentiel) -> list[dict[str, Any]]:
    """The competences the learner gave a level or a piece of evidence, as terms of their own
    framework (its RNCP bloc, CRCN or DigComp code as the term's code when it has one)."""
    known = []
    for domain in views.domains:
        framework = referentiel.framework(domain.domain.framework) if referentiel.several else None
        term_set = (framework.title if framework else "") or referentiel.title or domain.domain.title
        for view in domain.competences:
            if view.status is Status.NONE or not (view.self_level or any(e.note.kind is not Kind.RETOUR for e in view.evidence)):
                continue
            competence = view.competence
            code = next((competence.refs[key] for key in _TERM_CODES if competence.refs.get(key)), "")
            known.append(_compact({"@type": "DefinedTerm", "name": competence.title,
                                   "termCode": code, "inDefinedTermSet": term_set}))
    return known


# The references that name a competence in a published framework, most specific first.
_TERM_CODES = ("rncp", "rs", "crcn", "digcomp", "esco")

"""`cheminement export openbadges`: the public competences as Open Badges 3.0 documents, in a
ZIP archive (`--sortie` required).

- `achievements/<id>.json`: one `Achievement` definition per competence of the public
  référentiel, aligned to its RNCP / RS / CRCN / DigComp reference and carrying its
  framework's scale as performance levels;
- `credentials/<id>.json`: one `AchievementCredential` per competence a published coach's
  feedback validated, with the public récits and traces as `evidence` and each validating
  feedback as an `EndorsementCredential` issued by the coach it names;
- `LISEZMOI.txt` (`README.txt` in English): what the archive holds and what to do with it.

Nothing is signed and nothing claims to be: a verifiable credential needs its issuer's proof,
and we are not the issuer. The credentials have no `proof`, their issuer is a placeholder the
signing institution replaces, and their description says so. Every document is valid against
1EdTech's JSON Schemas (vendored in `schemas/`, checked in tests). What maps to what:
docs/exports.md.

Engine-free: the configuration file is read with `configfile` only for `site_url`, which gives
the documents addresses on the published site; without it, ids are `urn:uuid:`s derived
from the portfolio and the competence, stable from one export to the next.
"""

from __future__ import annotations

import contextlib
import io
import json
import posixpath
import re
import uuid
import zipfile
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit

from . import configfile
from .export import Exported
from .messages import message
from .model import Framework, Kind, Note, Portfolio, Retour, Trace
from .settings import Settings
from .views import CompetenceView, Status

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
# The namespace of every urn:uuid we derive (uuid5 of a name under it): fixed forever, so
# that the same portfolio and competence give the same id at every export.
NAMESPACE = uuid.UUID("6b1f0c8e-3c1d-5a4e-9f0b-2d7c4e8a1b35")
# A fixed time for every archive entry: the same portfolio gives the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Reference:
    """A kind of `ref:` key a competence may carry, and where its official description lives."""

    framework: str
    target_type: str
    url: str  # an official page, or "" when the value itself names the page (RNCP, RS)


_REFERENCES = {
    "rncp": Reference("Répertoire national des certifications professionnelles (RNCP)", "ceasn:Competency", ""),
    "rs": Reference("Répertoire spécifique (RS)", "ceterms:Credential", ""),
    # Décret n° 2019-919 du 30 août 2019, which sets the CRCN.
    "crcn": Reference("Cadre de référence des compétences numériques (CRCN)", "ceasn:Competency",
                      "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000039005162"),
    "digcomp": Reference("DigComp (European Digital Competence Framework for Citizens)", "ceasn:Competency",
                         "https://joint-research-centre.ec.europa.eu/digcomp/digcomp-framework_en"),
}
_RNCP = re.compile(r"RNCP\s*(\d+)\s*(BC\s*\d+)?", re.IGNORECASE)
_RS = re.compile(r"RS\s*(\d+)", re.IGNORECASE)


@dataclass
class Badges:
    """What the archive holds, by competence id, and what the learner should be told."""

    achievements: dict[str, dict[str, Any]] = field(default_factory=dict)
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Site:
    """Where the portfolio is published: `site_url` (with a final `/`) or None, and how
    MkDocs turns a page's path into its address."""

    url: str | None = None
    directory_urls: bool = True

    def page(self, path: str) -> str | None:
        """The address of the page built from `path` (a Markdown file, docs-relative)."""
        if self.url is None:
            return None
        stem = posixpath.splitext(path)[0]
        name = posixpath.basename(stem)
        if name in ("index", "README"):
            folder = posixpath.dirname(stem)
            return self.url + quote(folder + "/" if folder else "")
        # Percent-encoded as MkDocs writes page URLs: an id must be a URI, not an IRI.
        return self.url + quote(stem + "/" if self.directory_urls else stem + ".html")


def site_of(settings: Settings) -> Site:
    """`site_url` and `use_directory_urls` from the configuration file that names this
    docs_dir: the file sits in docs_dir or one of the folders above it, and is only taken if
    its own docs_dir is this one (so a neighbour's file is never read for ours)."""
    docs_dir = settings.docs_dir.resolve()
    for folder in [docs_dir, *docs_dir.parents][:4]:
        found = configfile.find(folder)
        if found is None or found.name != settings.config_name:
            continue
        with contextlib.suppress(configfile.ConfigError, OSError):
            if configfile.read_settings(found).docs_dir.resolve() == docs_dir:
                return _site(configfile.read(found))
    return Site()


def _site(data: dict[str, Any]) -> Site:
    url = data.get("site_url")
    directory_urls = data.get("use_directory_urls") is not False
    if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc:
        return Site(None, directory_urls)
    return Site(url.rstrip("/") + "/", directory_urls)


# -- The documents ---------------------------------------------------------------------------


def as_openbadges(portfolio: Portfolio, settings: Settings, lang: str, site: Site | None = None) -> Badges:
    """Every competence of the public portfolio as an Achievement, and every validated one as
    an unsigned AchievementCredential."""
    data = Exported(portfolio, settings)
    builder = _Builder(data, lang, site if site is not None else site_of(settings))
    return builder.badges()


class _Builder:
    def __init__(self, data: Exported, lang: str, site: Site) -> None:
        self.data = data
        self.lang = lang
        self.site = site
        self.referentiel = data.public.referentiel
        # What makes this portfolio's ids its own: the learner and the référentiel.
        self.key = "\n".join(("cheminement", data.profile.name, self.referentiel.title))
        self.badges_ = Badges()

    def badges(self) -> Badges:
        for dv in self.data.views.domains:
            for view in dv.competences:
                achievement = self.achievement(view)
                self.badges_.achievements[view.id] = achievement
                if view.status is Status.VALIDATED:
                    self.badges_.credentials[view.id] = self.credential(view, achievement)
        self.badges_.notes[:0] = self.summary()
        return self.badges_

    def summary(self) -> list[str]:
        notes = [message("export.openbadges.unsigned", self.lang)]
        if self.site.url is None:
            notes.append(message("export.openbadges.no-site-url", self.lang))
        if not self.badges_.credentials:
            notes.append(message("export.openbadges.none-validated", self.lang))
        return notes

    def urn(self, *parts: str) -> str:
        return "urn:uuid:" + str(uuid.uuid5(NAMESPACE, "\n".join((self.key, *parts))))

    # Achievement ----------------------------------------------------------------------------

    def achievement(self, view: CompetenceView) -> dict[str, Any]:
        competence, framework = view.competence, self.framework(view)
        page = self.site.page(self.data.settings.competence_page(view.id))
        ident = page or self.urn("achievement", view.id)
        framework_title = (framework.title if framework else "") or self.referentiel.title
        criteria: dict[str, Any] = {"narrative": message("export.openbadges.criteria", self.lang,
                                                         competence=competence.title, domain=view.domain.title)}
        if page:
            criteria = {"id": page, **criteria}
        achievement: dict[str, Any] = {
            "id": ident, "type": ["Achievement"], "achievementType": "Competency",
            "name": competence.title, "description": competence.description or competence.title,
            "criteria": criteria, "humanCode": competence.id, "inLanguage": self.data.settings.lang,
            "tag": [view.domain.title],
        }
        if framework_title:
            achievement["fieldOfStudy"] = framework_title
        alignment = self.alignment(view, framework)
        if alignment:
            achievement["alignment"] = alignment
        achievement["resultDescription"] = [self.levels(view, ident, framework_title)]
        return achievement

    def framework(self, view: CompetenceView) -> Framework | None:
        """The framework a competence belongs to (the only one in a one-framework file)."""
        frameworks = self.referentiel.frameworks
        found = self.referentiel.framework(view.domain.framework) if view.domain.framework else None
        return found or (frameworks[0] if len(frameworks) == 1 else None)

    def alignment(self, view: CompetenceView, framework: Framework | None) -> list[dict[str, Any]]:
        """The competence's own references, then its framework's (a whole certification)."""
        aligned = []
        for key, value in view.competence.refs.items():
            target = self.target(key, value, view.competence.title, "ceasn:Competency")
            if target is None:
                self.badges_.notes.append(message("export.openbadges.unaligned", self.lang, key=key, value=value,
                                                  competence=view.id, file=self.referentiel.path))
            else:
                aligned.append(target)
        if framework is None:
            return aligned
        for key, value in framework.refs.items():
            target = self.target(key, value, framework.title or value, "ceterms:Credential")
            if target is not None and target not in aligned:
                aligned.append(target)
        return aligned

    def target(self, key: str, value: str, name: str, default_type: str) -> dict[str, Any] | None:
        """One alignment, or None when neither the key nor the value gives an address."""
        known = _REFERENCES.get(key.lower())
        url = _reference_url(key.lower(), value, known)
        if url is None:
            return None
        return {"type": ["Alignment"], "targetName": name, "targetUrl": url, "targetCode": value,
                "targetFramework": known.framework if known else key,
                "targetType": _target_type(key.lower(), value, known, default_type)}

    def levels(self, view: CompetenceView, ident: str, framework_title: str) -> dict[str, Any]:
        """The framework's scale as performance levels, lowest first."""
        return {
            "id": f"{ident}#niveaux", "type": ["ResultDescription"], "resultType": "PerformanceLevel",
            "name": message("export.openbadges.levels", self.lang, framework=framework_title or view.domain.title),
            "rubricCriterionLevel": [{"id": f"{ident}#niveau-{rank}", "type": ["RubricCriterionLevel"], "name": label,
                                      "level": str(rank)} for rank, label in enumerate(view.scale.labels, start=1)],
        }

    # AchievementCredential ------------------------------------------------------------------

    def credential(self, view: CompetenceView, achievement: dict[str, Any]) -> dict[str, Any]:
        validations = self.validations(view)
        ident = self.urn("credential", view.id)
        valid_from = self.when(validations[-1])
        subject: dict[str, Any] = {"id": self.urn("learner"), "type": ["AchievementSubject"], "achievement": achievement}
        name = self.data.profile.name
        if name:
            subject["identifier"] = [{"type": "IdentityObject", "hashed": False, "identityHash": name, "identityType": "name"}]
        level = view.latest_level or view.self_level
        if level:
            subject["result"] = [{"type": ["Result"], "resultDescription": f"{achievement['id']}#niveaux",
                                  "achievedLevel": f"{achievement['id']}#niveau-{level}"}]
        credential: dict[str, Any] = {
            "@context": CONTEXT, "id": ident, "type": ["VerifiableCredential", "AchievementCredential"],
            "name": view.competence.title,
            "description": message("export.openbadges.unsigned-description", self.lang),
            "issuer": {"id": self.urn("issuer"), "type": ["Profile"], "name": message("export.openbadges.issuer", self.lang)},
            "validFrom": valid_from, "awardedDate": valid_from,
            "credentialSubject": subject,
        }
        evidence = [self.evidence(e.note) for e in view.evidence if e.note.kind in (Kind.RECIT, Kind.TRACE)]
        if evidence:
            credential["evidence"] = evidence
        credential["endorsement"] = [self.endorsement(view, retour, ident) for retour in validations]
        return credential

    def validations(self, view: CompetenceView) -> list[Retour]:
        """The published feedback notes that validate this competence, oldest first."""
        found = [retour for retour in view.feedback if view.feedback_status.get(retour.path) == "validee"]
        return sorted(found, key=self.when)

    def when(self, retour: Retour) -> str:
        day = retour.date.start if retour.date else self.data.settings.today
        return f"{day.isoformat()}T00:00:00Z"

    def evidence(self, note: Note) -> dict[str, Any]:
        """A public récit or trace: its page when the site has an address, its title and date."""
        kind = message(f"kind.{note.kind.value}", self.lang)
        date = note.sort_date.display(self.lang) if note.sort_date else ""
        found: dict[str, Any] = {"type": ["Evidence"], "name": note.title, "genre": kind,
                                 "narrative": message("export.openbadges.evidence", self.lang, kind=kind[:1].upper() + kind[1:],
                                                      title=note.title, date=date) if date else note.title}
        where = self.site.page(note.path) or (note.link if isinstance(note, Trace) and _is_web(note.link) else None)
        if where:
            found = {"id": where, **found}
        if note.summary:
            found["description"] = note.summary
        return found

    def endorsement(self, view: CompetenceView, retour: Retour, credential_id: str) -> dict[str, Any]:
        """The coach's validation, as an unsigned EndorsementCredential of the credential."""
        author = retour.author or message("export.openbadges.coach", self.lang)
        when = self.when(retour)
        comment = self.data.text.body(retour, flat_links=True).strip()
        subject: dict[str, Any] = {"id": credential_id, "type": ["EndorsementSubject"]}
        if comment:
            subject["endorsementComment"] = comment
        return {
            "@context": CONTEXT, "id": self.urn("endorsement", view.id, retour.path),
            "type": ["VerifiableCredential", "EndorsementCredential"],
            "name": message("export.openbadges.endorsement", self.lang, competence=view.competence.title, author=author),
            "description": message("export.openbadges.unsigned-description", self.lang),
            "issuer": {"id": self.urn("coach", author), "type": ["Profile"], "name": author},
            "validFrom": when, "awardedDate": when, "credentialSubject": subject,
        }


def _reference_url(key: str, value: str, known: Reference | None) -> str | None:
    """The official page of a reference: France compétences' fiche for an RNCP or RS code,
    the framework's page for CRCN and DigComp, the value itself when it is a web address."""
    if key == "rncp":
        found = _RNCP.fullmatch(value.strip())
        return f"https://www.francecompetences.fr/recherche/rncp/{found.group(1)}/" if found else None
    if key == "rs":
        found = _RS.fullmatch(value.strip())
        return f"https://www.francecompetences.fr/recherche/rs/{found.group(1)}/" if found else None
    if _is_web(value):
        return value.strip()
    return known.url if known and known.url else None


def _target_type(key: str, value: str, known: Reference | None, default: str) -> str:
    """A block of an RNCP certification (`…BC02`) is a competence; the certification itself,
    like an RS one, is a credential."""
    if key == "rncp":
        return "ceasn:Competency" if "BC" in value.upper() else "ceterms:Credential"
    return known.target_type if known else default


def _is_web(value: str | None) -> bool:
    parts = urlsplit((value or "").strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)


# -- The archive -----------------------------------------------------------------------------


def as_zip(portfolio: Portfolio, settings: Settings, lang: str) -> bytes:
    """The archive a learner hands to the institution that signs (see the module docstring)."""
    return archive(as_openbadges(portfolio, settings, lang), lang)


def archive(badges: Badges, lang: str) -> bytes:
    """`badges` as that archive: a README, then one JSON file per document."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        _add(archive, message("export.openbadges.readme-name", lang), readme(badges, lang))
        for folder, documents in (("achievements", badges.achievements), ("credentials", badges.credentials)):
            for ident, document in documents.items():
                _add(archive, f"{folder}/{_file_name(ident)}.json", json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return out.getvalue()


def _add(archive: zipfile.ZipFile, name: str, text: str) -> None:
    entry = zipfile.ZipInfo(name, _ZIP_TIME)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    archive.writestr(entry, text.encode("utf-8"))


def _file_name(ident: str) -> str:
    """A competence id as a file name any system accepts (ids are slugs, but be sure)."""
    return re.sub(r"[^\w.-]", "_", ident).lstrip(".") or "_"


def readme(badges: Badges, lang: str) -> str:
    """The archive's own explanation, in the portfolio's language."""
    head = message("export.openbadges.readme", lang, achievements=len(badges.achievements),
                   credentials=len(badges.credentials))
    return head + "\n\n" + "".join(f"- {note}\n" for note in badges.notes)


"""What the coach's "Écrire un retour" form needs about the page it is on (relecture: true).

The form (retour-form.html) and its script (relecture.js) write a `retours/` note that the
format reads back unchanged: `sur` names the page as `kind/id` (never ambiguous), the
competences are those the page concerns, and the levels come from the référentiel's scale.
Everything here is public already: the page's own note, the public profile's contact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from . import depot
from .messages import message
from .model import Kind, Note
from .profile import Profile
from .settings import Settings
from .views import CompetenceView, Views


@dataclass(frozen=True)
class Subject:
    """The page the feedback is about, as the retour note names it."""

    ref: str  # `recit/2022-02-premier-entretien`, `competence/ecoute-active`
    id: str  # used in the file name
    title: str
    competences: list[tuple[str, str]]  # (id, title) of the public competences it concerns


def subject_of(subject: Note | CompetenceView, views: Views) -> Subject | None:
    """The page as a feedback subject; None for a feedback note (no feedback on feedback)."""
    if isinstance(subject, CompetenceView):
        return Subject(f"{Kind.COMPETENCE.value}/{subject.id}", subject.id, subject.competence.title,
                       [(subject.id, subject.competence.title)])
    if subject.kind is Kind.RETOUR:
        return None
    seen: dict[str, str] = {}
    for ref in subject.competences:
        view = views.competences.get(ref.id)
        if view is not None:
            seen.setdefault(ref.id, view.competence.title)
    return Subject(f"{subject.kind.value}/{subject.id}", subject.id, subject.title, list(seen.items()))


def email_of(profile: Profile) -> str:
    """The learner's address when the profile's contact is an e-mail, else ""."""
    if not profile.contact.startswith("mailto:"):
        return ""
    return unquote(profile.contact.removeprefix("mailto:").split("?", 1)[0])


def context(subject: Subject, settings: Settings, profile: Profile) -> dict[str, Any]:
    """The template's variables, with `data`: the JSON the script reads."""
    lang = settings.lang
    folder = settings.folder_of(Kind.RETOUR)
    repository = depot.new_file(settings.repository, folder) if settings.repository else None
    email = email_of(profile)
    today: dt.date = settings.today
    data = {
        "sur": subject.ref,
        "id": subject.id,
        "folder": folder,
        "competences": dict(subject.competences),
        "email": email,
        "subject": message("review-form.mail-subject", lang, title=subject.title),
        "repository": None if repository is None else {
            "base": repository.base, "name": repository.name_param, "content": repository.content_param,
        },
        "texts": {
            key: message(f"review-form.{key}", lang, **params) for key, params in (
                ("level-line", {"competence": "{competence}", "level": "{level}"}),
                ("preview", {"name": "{name}"}),
                ("downloaded", {"name": "{name}", "folder": "{folder}"}),
                ("copied", {}),
                ("copy-failed", {}),
            )
        },
    }
    return {
        "sur": subject.ref,
        "folder": folder,
        "competences": [{"id": cid, "title": title} for cid, title in subject.competences],
        "email": email,
        "repository": repository,
        "initial_name": f"{today.isoformat()}-{subject.id}.md",
        "data": data,
    }

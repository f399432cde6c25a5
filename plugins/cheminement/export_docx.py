"""`cheminement export docx`: the dossier for a VAE jury as a Word document.

Certifiers hand out their *dossier de validation* (formerly *livret 2*) as a word-processor
template, organised by bloc and competence, with the candidate's activities described under
each. This writes the same shape from the public portfolio only (`export.Exported`, the
site's own filter; bodies as the site publishes them): a title page, a table of contents
field, then each domain (bloc) and competence with its description, levels, the coach's
validation and the learner's récits in full, the evidence list, and the career path as an
annex. The selection is the printable dossier's (`dossier.plan`: notes marked
`dossier: true`, or `selection_dossier`), each récit in full once. Engine-free.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import io
import posixpath
import re
from pathlib import Path

import docx
from docx.document import Document
from docx.enum.text import WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu

from . import biblio, dossier, wikilinks
from . import views as views_module
from .dates import PartialDate
from .docx_markup import MarkupWriter, Paragraphs, add_field, clean
from .export import Exported
from .messages import message
from .model import Domain, Kind, Note, Parcours, Portfolio, Recit, Retour, Scale, Trace
from .settings import Settings
from .views import CompetenceView

# What python-docx can place as a picture; anything else is named, not embedded.
PICTURES = (".png", ".jpg", ".jpeg", ".gif", ".bmp")
PICTURE_LIMIT = 20 * 1024 * 1024  # bytes: a larger file is named, not embedded
PICTURE_WIDTH = Cm(15)
LANGUAGES = {"fr": "fr-FR", "en": "en-GB"}
# Word heading levels: 1 bloc, 2 competence, 3 its parts, 4 a récit, 5+ the récit's own.
NOTE_TEXT = 5


def as_docx(portfolio: Portfolio, settings: Settings, lang: str) -> bytes:
    """The dossier as the bytes of a .docx file."""
    data = Exported(portfolio, settings)
    plan = dossier.plan(data.views, settings.dossier_selection, settings.today)
    return _Dossier(data, plan, lang).write()


class _Dossier:
    """One document being written, in reading order."""

    def __init__(self, data: Exported, plan: dossier.Plan, lang: str) -> None:
        self.data = data
        self.plan = plan
        self.lang = lang
        self.document: Document = docx.Document()
        self.paragraphs = Paragraphs(self.document)
        self.notes = MarkupWriter(self.paragraphs, NOTE_TEXT, lambda alt: self.t("docx.image", alt=alt or "—"))
        # Where each note is printed in full: its first competence in référentiel order.
        self.placed = {entry.note.key: section.view for part in plan.parts for section in part.sections
                       for entry in section.entries if entry.full}
        self.formatter = _formatter(data, lang)
        self.cited: dict[str, None] = {}  # works cited by what the dossier prints, in order

    def t(self, key: str, **params: object) -> str:
        return clean(message(key, self.lang, **params))

    def write(self) -> bytes:
        self._properties()
        self._title_page()
        self._contents()
        for index, part in enumerate(self.plan.parts):
            heading = self.paragraphs.heading(self._domain_title(part.domain), 1)
            heading.paragraph_format.page_break_before = index > 0  # each bloc on a page of its own
            for section in part.sections:
                self._competence(section)
        self._others()
        self._references()
        self._annex()
        self._footer()
        self.paragraphs.finish()
        out = io.BytesIO()
        self.document.save(out)
        return out.getvalue()

    def _domain_title(self, domain: Domain) -> str:
        """A bloc's heading; with several référentiels, prefixed by its own one's title, so
        that the table of contents says which framework each bloc belongs to."""
        referentiel = self.data.public.referentiel
        framework = referentiel.framework(domain.framework) if referentiel.several else None
        return f"{framework.title} — {domain.title}" if framework and framework.title else domain.title

    # Front ---------------------------------------------------------------------------

    def _properties(self) -> None:
        """Title, author, language and dates: what Word shows in File › Info, and the
        language its spelling checker uses. No trace of the tool's own defaults."""
        properties = self.document.core_properties
        stamp = dt.datetime.combine(self.data.settings.today, dt.time())
        properties.title = self.t("docx.title")
        properties.author = properties.last_modified_by = clean(self.data.profile.name)
        properties.comments = properties.keywords = properties.subject = properties.category = ""
        properties.language = LANGUAGES.get(self.lang, self.lang)
        properties.created = properties.modified = stamp
        properties.last_printed = stamp
        properties.revision = 1
        defaults = self.document.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr")
        if defaults:
            language = defaults[0].find(qn("w:lang"))
            if language is None:
                language = OxmlElement("w:lang")
                defaults[0].append(language)
            language.set(qn("w:val"), LANGUAGES.get(self.lang, self.lang))
        # Ask Word to update fields on opening, so the table of contents fills itself.
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        self.document.settings.element.append(update)

    def _title_page(self) -> None:
        profile = self.data.profile
        self.paragraphs.heading(self.t("docx.title"), 0)
        if profile.name:
            self.paragraphs.add("Subtitle", profile.name)
        if profile.headline:
            self.paragraphs.add(None, profile.headline)
        target = self._certification()
        if target:
            self._labelled("docx.certification", target)
        referentiel = self.data.public.referentiel.title
        if referentiel and referentiel != (profile.programme.title if profile.programme else ""):
            self._labelled("docx.referentiel", referentiel)
        if profile.contact:
            self._labelled("docx.contact", profile.contact_label or profile.contact)
        self._labelled("docx.date", _day(self.data.settings.today, self.lang))
        if self.plan.is_selection:
            self.paragraphs.add(None, self.t("docx.selection", count=len(self.plan.notes), total=self.plan.published))
        self._page_break()

    def _certification(self) -> str:
        """The certification aimed at: the profile's, else the référentiel's RNCP code."""
        programme = self.data.profile.programme
        codes = [f.refs["rncp"] for f in self.data.public.referentiel.frameworks if f.refs.get("rncp")]
        if programme is not None:
            code = programme.rncp or (codes[0] if codes else "")
            return f"{programme.title} ({code})" if code else programme.title
        return codes[0] if codes else ""

    def _contents(self) -> None:
        self.paragraphs.add("TOC Heading", self.t("docx.contents"))
        add_field(self.paragraphs.add(), r'TOC \o "1-3" \h \z \u', self.t("docx.contents-placeholder"))
        self._page_break()

    # Competences ---------------------------------------------------------------------

    def _competence(self, section: dossier.Section) -> None:
        view = section.view
        competence = view.competence
        self.paragraphs.heading(competence.title, 2)
        description = competence.description or (view.page.description if view.page else "")
        if description:
            self._labelled("docx.description", description)
        if competence.refs:
            self._labelled("docx.reference", ", ".join(competence.refs.values()))
        scale = self._scale(view)
        claimed = view.self_level or view.latest_level
        self._labelled("docx.level", self._level(claimed, scale))
        if view.target_level:
            self._labelled("docx.target", self._level(view.target_level, scale))
        self._labelled("docx.status", message(f"status.{view.status.value}", self.lang))
        for retour in view.feedback:
            self._validation(view, retour)
        if view.page is not None and self.data.text.body(view.page).strip():
            self.paragraphs.heading(self.t("docx.synthesis"), 3)
            self._note_text(view.page)
        self._activities(section)
        self._evidence(section)
        for retour in section.feedback:
            self._feedback(retour)

    def _validation(self, view: CompetenceView, retour: Retour) -> None:
        status = view.feedback_status.get(retour.path, "relue")
        author = retour.author or self.t("docx.coach")
        when = retour.date.display(self.lang) if retour.date else ""
        key = f"docx.{'validated' if status == 'validee' else 'reviewed'}{'-on' if when else ''}"
        self._labelled("docx.validation", self.t(key, author=author, date=when))

    def _activities(self, section: dossier.Section) -> None:
        """The récits under a competence: in full where first placed, else where to read them."""
        recits = [e for e in section.entries if e.note.kind is Kind.RECIT]
        if not recits:
            return
        self.paragraphs.heading(self.t("docx.activities"), 3)
        for entry in recits:
            if entry.full:
                self._recit(entry.note, self._level(entry.level, self._scale(section.view)) if entry.level else "")
            else:
                self._see_also(entry.note)

    def _recit(self, note: Note, level: str, heading: int = 4) -> None:
        """A récit in full (any note, after the competences): title, facts, text, feedback."""
        self.paragraphs.heading(note.title, heading)
        facts = []
        if note.sort_date:
            facts.append(self.t("docx.when", date=note.sort_date.display(self.lang)))
        if isinstance(note, Recit):
            contexts = [self._parcours_words(p) for ref in note.parcours
                        if isinstance(p := self.data.views.notes.get((Kind.PARCOURS, ref.id)), Parcours)]
            if contexts:
                facts.append(self.t("docx.context", context=" ; ".join(contexts)))
        if level:
            facts.append(self.t("docx.shown", level=level))
        if facts:
            paragraph = self.paragraphs.add()
            paragraph.add_run(clean(" · ".join(facts))).italic = True
        if isinstance(note, Trace):
            self.paragraphs.add(None, self._trace_words(note))
            self._picture(note)
        self._note_text(note)
        for retour in self.plan.feedback_on.get(note.key, []):
            self._feedback(retour)

    def _see_also(self, note: Note) -> None:
        where = self.placed.get(note.key)
        key, params = ("docx.see", {"title": note.title, "where": where.competence.title}) if where else \
            ("docx.see-annex", {"title": note.title})
        self.paragraphs.add("List Bullet", self.t(key, **params))

    def _evidence(self, section: dossier.Section) -> None:
        """Traces and parcours standing behind the competence, or the line saying none yet."""
        items = [e for e in section.entries if e.note.kind is not Kind.RECIT]
        if items:
            self.paragraphs.heading(self.t("docx.evidence"), 3)
        for entry in items:
            note = entry.note
            if isinstance(note, Parcours):
                text = self.t("docx.parcours-item", details=self._parcours_words(note))
            else:
                text = self._trace_words(note)
            self.paragraphs.add("List Bullet", text)
            if isinstance(note, Trace) and entry.full:  # its image and text where first listed
                self._picture(note)
                self._note_text(note)
                for retour in self.plan.feedback_on.get(note.key, []):
                    self._feedback(retour)
        if not section.entries:
            paragraph = self.paragraphs.add()
            paragraph.add_run(self.t("docx.nothing-yet")).italic = True

    def _trace_words(self, note: Note) -> str:
        kind = message(f"kind.{note.kind.value}", self.lang).capitalize()
        parts = [self.t("docx.evidence-item", kind=kind, title=note.title)]
        if note.sort_date:
            parts.append(note.sort_date.display(self.lang))
        if isinstance(note, Trace):
            if note.description:
                parts.append(note.description)
            if note.file:
                parts.append(self.t("docx.file", name=posixpath.basename(note.file)))
            if note.link:
                parts.append(note.link)
        return " — ".join(parts)

    def _picture(self, trace: Trace) -> None:
        """A public trace's image under its line; any other file stays a name in the list."""
        if not trace.file or not trace.file.lower().endswith(PICTURES) or trace.file not in self.data.public.assets:
            return
        path = Path(self.data.settings.docs_dir) / trace.file
        paragraph = self.paragraphs.add()
        try:
            if path.stat().st_size > PICTURE_LIMIT:
                raise ValueError(trace.file)
            shape = paragraph.add_run().add_picture(str(path))
        except Exception:  # noqa: BLE001 - the learner's bytes, however broken: named, not embedded
            paragraph.add_run(self.t("docx.image", alt=posixpath.basename(trace.file))).italic = True
            return
        if shape.width and shape.width > PICTURE_WIDTH:
            shape.height = Emu(int(shape.height * PICTURE_WIDTH / shape.width))
            shape.width = PICTURE_WIDTH

    def _feedback(self, retour: Retour) -> None:
        when = retour.date.display(self.lang) if retour.date else ""
        author = retour.author or self.t("docx.coach")
        heading = self.t("docx.feedback-on" if when else "docx.feedback", author=author, date=when)
        paragraph = self.paragraphs.add("Intense Quote")
        paragraph.add_run(heading).bold = True
        self._note_text(retour)

    # After the competences -------------------------------------------------------------

    def _others(self) -> None:
        if self.plan.others:
            self.paragraphs.heading(self.t("docx.others"), 1)
            for note in self.plan.others:
                self._recit(note, "", heading=2)
        if self.plan.feedback_alone:
            self.paragraphs.heading(self.t("docx.feedback-alone"), 1)
            for retour in self.plan.feedback_alone:
                self._feedback(retour)

    def _annex(self) -> None:
        """The career path, oldest first, as the table a jury reads it in."""
        rows = [n for n in self.plan.parcours if isinstance(n, Parcours)]
        self.paragraphs.heading(self.t("docx.annex"), 1).paragraph_format.page_break_before = True
        if not rows:
            self.paragraphs.add(None, self.t("docx.annex-empty"))
            return
        headers = ("period", "what", "organisation", "place", "type")
        table = self.paragraphs.table(1, len(headers))
        for cell, name in zip(table.rows[0].cells, headers, strict=True):
            cell.paragraphs[0].add_run(self.t(f"docx.annex.{name}")).bold = True
        for parcours in rows:
            cells = table.add_row().cells
            cells[0].text = clean(self._period(parcours))
            cells[1].text = clean(parcours.title)
            if parcours.summary:
                cells[1].add_paragraph().add_run(clean(parcours.summary)).italic = True
            cells[2].text = clean(parcours.organisation)
            cells[3].text = clean(parcours.place)
            cells[4].text = message(f"parcours-type.{parcours.type}", self.lang) if parcours.type else ""

    def _footer(self) -> None:
        """The learner's name and the page number on every page."""
        footer = self.document.sections[0].footer.paragraphs[0]
        name = self.data.profile.name
        footer.add_run(clean(f"{name} — " if name else "") + self.t("docx.title") + " — ")
        add_field(footer, "PAGE", "1")

    # Helpers ---------------------------------------------------------------------------

    def _note_text(self, note: Note) -> None:
        """The note's text as the site publishes it, links reduced to their words and
        citations (`[@key]`) in APA style, as on the site."""
        # Links to public notes stay `[[…]]` in the published text; any other is words already.
        text = wikilinks.replace(self.data.text.body(note), functools.partial(self._link_words, note.path), embeds=True)
        if self.formatter is not None:
            text = wikilinks.sub_outside_code(biblio.CITATION, self._cite, text)
        self.notes.markdown(text)

    def _link_words(self, origin: str, link: wikilinks.Wikilink) -> str:
        """A link as a reader of paper sees it: its own text, else the title of what it names
        (a note, a competence, a page); an embedded file is named like an image."""
        if link.embed and wikilinks.is_file_name(link.name):
            words = self.t("docx.image", alt=link.text or posixpath.basename(link.name))
        else:
            words = link.text or self._title_of(link, origin)
        return html.escape(words, quote=False)

    def _title_of(self, link: wikilinks.Wikilink, origin: str) -> str:
        found = self.data.text.links.resolve(link.target, pages=True, origin=origin)
        title = link.name or link.target
        if found:
            target = found[0]
            competence = self.data.views.competences.get(target.id) if target.kind is Kind.COMPETENCE else None
            if competence is not None:
                title = competence.competence.title
            elif target.kind is not None and (target.kind, target.id) in self.data.views.notes:
                title = self.data.views.notes[(target.kind, target.id)].title
            elif target.kind is None and target.id in self.data.text.links.pages:
                title = self.data.text.links.pages[target.id].title or title
        return f"{title} › {link.heading}" if link.heading else title

    def _cite(self, match: re.Match[str]) -> str:
        """One citation as the site prints it; as written if citeproc cannot format it
        (`cheminement check` reports that case before any export)."""
        citations = list(biblio.find(match.group(0)))
        if not citations or self.formatter is None:
            return match.group(0)
        try:
            shown = self.formatter.cite(citations[0])
        except Exception:  # noqa: BLE001 - citeproc's errors on data it cannot format
            return match.group(0)
        self.cited.update((item.key, None) for item in citations[0].items if item.key in self.formatter.entries)
        return shown

    def _references(self) -> None:
        """The works cited by the printed notes, in APA order."""
        if self.formatter is None or not self.cited:
            return
        self.paragraphs.heading(self.t("docx.references"), 1)
        references = MarkupWriter(self.paragraphs, 2, self.notes.image_label)
        for _key, reference in self.formatter.ordered(self.cited):
            references.html(f"<p>{reference}</p>")

    def _labelled(self, key: str, value: str) -> None:
        paragraph = self.paragraphs.add()
        paragraph.add_run(self.t(key)).bold = True
        paragraph.add_run(" " + clean(value))

    def _scale(self, view: CompetenceView) -> Scale:
        """The scale of the competence's framework (a référentiel may hold several)."""
        return self.data.public.referentiel.scale_for(view.id, view.domain.id)

    def _level(self, rank: int | None, scale: Scale) -> str:
        labels = scale.labels
        if not rank or rank > len(labels):
            return message("ui.no-level", self.lang)
        return message("ui.level", self.lang, label=labels[rank - 1], rank=rank, count=len(labels))

    def _parcours_words(self, parcours: Parcours) -> str:
        details = [parcours.title] + [v for v in (parcours.organisation, self._period(parcours)) if v]
        return ", ".join(details)

    def _period(self, parcours: Parcours) -> str:
        start = parcours.start.display(self.lang) if parcours.start else ""
        if parcours.ongoing:
            return self.t("docx.since", start=start) if start else ""
        end = parcours.end.display(self.lang) if parcours.end else ""
        return f"{start} – {end}" if start and end and end != start else start or end

    def _page_break(self) -> None:
        self.paragraphs.add().add_run().add_break(WD_BREAK.PAGE)


def _formatter(data: Exported, lang: str) -> biblio.Formatter | None:
    """APA citations over the public portfolio (as the site numbers and disambiguates them),
    when the portfolio has a readable library and cites something from it."""
    path = data.settings.bibliography
    if path is None:
        return None
    bibliography, _problems = biblio.load(path, path.name)
    if not bibliography.readable:
        return None
    citations = views_module.citations(data.public, set(bibliography.entries))
    if not citations.by_page:
        return None
    try:
        return biblio.Formatter(bibliography, citations.all, lang)
    except Exception:  # noqa: BLE001 - citeproc's errors on data it cannot format: citations stay as written
        return None


def _day(day: dt.date, lang: str) -> str:
    return PartialDate(day.year, day.month, day.day).display(lang)

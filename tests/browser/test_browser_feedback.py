"""#15's "Done when", in Chromium: a coach on the published sample portfolio (relecture on)
writes a retour on a récit validating one competence and downloads it; the file, added to
the portfolio unchanged, passes `cheminement check` and the rebuilt site shows the feedback
on the récit and the competence as validée. The e-mail and repository links carry the same
file; with relecture off no page has the form or its script; axe finds nothing on the form."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browserkit import DESKTOP, PHONE, ROOT, StaticServer, goto, shared_helpers, unavailable
from test_browser_a11y import violations
from test_browser_html import _is_material, _vnu_jar

REPOSITORY = "https://github.com/claire/portfolio"
AUTHOR = "Hélène Garnier, tutrice"
TEXT = "Un récit **précis** : la reformulation est juste.\n\n- À garder : les silences.\n- À travailler : la clôture."


@dataclass
class Project:
    """A copy of the sample portfolio (content/ and mkdocs.yml) with relecture on, served."""

    root: Path
    site: Path
    server: StaticServer

    def url(self, page: str) -> str:
        return f"{self.server.origin}/{page}"


def _build(root: Path, site: Path) -> None:
    shared_helpers().Portfolio(root).build(site_dir=str(site))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    root = tmp_path_factory.mktemp("relecture")
    shutil.copytree(ROOT / "content", root / "content")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    marker = "  - cheminement:\n"
    assert marker in config, "the sample mkdocs.yml lists the plugin with options"
    options = f"{marker}      relecture: true\n      depot: {REPOSITORY}\n"
    (root / "mkdocs.yml").write_text(config.replace(marker, options, 1), encoding="utf-8")
    served = root / "www"
    _build(root, served)
    server = StaticServer(served)
    server.start(not_found_page=served / "404.html")
    yield Project(root, served, server)
    server.stop()


def _recit_with_competences(site: Path) -> tuple[str, str]:
    """A récit page whose form lists competences, and the id of its first competence."""
    from bs4 import BeautifulSoup

    for path in sorted((site / "recits").glob("*/index.html")):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        group = soup.select_one("fieldset.chm-relecture__competence")
        if group is not None:
            return path.parent.name, group["data-competence"]
    pytest.fail("no récit of the sample portfolio names a competence")


def _fill(page, competence: str) -> None:
    page.locator("section.chm-relecture summary").first.click()
    page.fill("#chm-rf-auteur", AUTHOR)
    page.fill("#chm-rf-texte", TEXT)
    page.locator(f'fieldset[data-competence="{competence}"] select[name=statut]').select_option("validée")
    page.check("#chm-rf-public")


def test_a_coach_writes_a_retour_that_the_next_build_shows(project: Project, open_page) -> None:
    recit, competence = _recit_with_competences(project.site)
    page, traffic = open_page("light", DESKTOP, accept_downloads=True, permissions=["clipboard-read", "clipboard-write"])
    goto(page, project.url(f"recits/{recit}/"))
    _fill(page, competence)
    today = page.evaluate("(() => { const d = new Date(); return [d.getFullYear(), String(d.getMonth() + 1).padStart(2, '0'),"
                          " String(d.getDate()).padStart(2, '0')].join('-'); })()")
    with page.expect_download() as info:
        page.get_by_role("button", name="Télécharger le fichier").click()
    download = info.value
    name = f"{today}-{recit}-helene-garnier-tutrice.md"
    assert download.suggested_filename == name
    content = Path(download.path()).read_text(encoding="utf-8")
    assert content == (f"---\nauteur: {AUTHOR}\ndate: {today}\nsur: recit/{recit}\ncompetences:\n"
                       f"  {competence}: validée\nvisibilite: public\n---\n{TEXT}\n")
    assert name in page.locator(".chm-relecture__status").inner_text()

    # The same file in the e-mail to the learner and in the repository's "new file" page.
    mail = urlsplit(page.locator("a[data-action=mail]").get_attribute("href"))
    assert (mail.scheme, mail.path) == ("mailto", "claire.moreau@exemple.fr")
    fields = parse_qs(mail.query)
    assert fields["body"] == [content.replace("\n", "\r\n")]
    assert fields["subject"][0].startswith("Retour sur « ")
    repository = urlsplit(page.locator("a[data-action=repository]").get_attribute("href"))
    assert f"{repository.scheme}://{repository.netloc}{repository.path}" == f"{REPOSITORY}/new/main/content/retours"
    assert parse_qs(repository.query) == {"filename": [name], "value": [content]}

    # Copy: the clipboard holds the file, and the page says so.
    page.get_by_role("button", name="Copier le texte").click()
    assert page.evaluate("navigator.clipboard.readText()") == content
    assert "copié" in page.locator(".chm-relecture__status").inner_text()
    assert not traffic.third_party() and not traffic.failures

    # Added to the portfolio unchanged: `cheminement check` accepts it, the build shows it.
    target = project.root / "content" / "retours" / name
    target.write_text(content, encoding="utf-8")
    checked = subprocess.run([sys.executable, "-m", "cheminement", "check", "--format", "json", str(project.root / "mkdocs.yml")],
                             capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert not [p for p in json.loads(checked.stdout) if p["file"].endswith(name)]
    _build(project.root, project.site)
    goto(page, project.url(f"recits/{recit}/"))
    feedback = page.locator("section.chm-retours")
    assert "la reformulation est juste" in feedback.inner_text()
    assert feedback.locator("strong", has_text=AUTHOR).count() >= 1
    goto(page, project.url(f"competences/{competence}/"))
    assert "validée" in page.locator(".chm-status").first.inner_text()
    target.unlink()
    _build(project.root, project.site)


@pytest.mark.parametrize(("scheme", "viewport"), [("light", DESKTOP), ("dark", PHONE)], ids=["light-desktop", "dark-phone"])
def test_the_open_form_is_accessible(project: Project, open_page, scheme: str, viewport: dict[str, int]) -> None:
    recit, competence = _recit_with_competences(project.site)
    page, _ = open_page(scheme, viewport)
    for path in (f"recits/{recit}/", f"competences/{competence}/"):
        goto(page, project.url(path), scheme)
        # The keyboard alone opens the form and reaches its first field.
        page.locator("section.chm-relecture summary").first.focus()
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.id") == "chm-rf-auteur"
        page.fill("#chm-rf-auteur", AUTHOR)
        page.fill("#chm-rf-texte", TEXT)
        page.locator(".chm-relecture__apercu summary").click()
        assert page.locator(".chm-relecture__manuel").is_hidden()
        found = violations(page)
        assert not found, json.dumps(found, indent=1, ensure_ascii=False)
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_the_form_is_valid_html(project: Project) -> None:
    java = shutil.which("java")
    if java is None:
        unavailable("Java is needed for the Nu HTML Checker: apt-get install default-jre-headless")
    recit, competence = _recit_with_competences(project.site)
    pages = [project.site / "recits" / recit / "index.html", project.site / "competences" / competence / "index.html"]
    run = subprocess.run([java, "-jar", str(_vnu_jar()), "--format", "json", "--errors-only", "--exit-zero-always", *map(str, pages)],
                         capture_output=True, text=True, timeout=300, check=True)
    messages = json.loads(run.stderr or run.stdout)["messages"]
    ours = [f"{m['url']}:{m.get('lastLine')}: {m['message']}" for m in messages
            if m.get("type") in ("error", "non-document-error") and not _is_material(m)]
    assert not ours, "\n".join(ours)


def test_without_javascript_the_page_says_how_to_write_a_retour(project: Project, browser) -> None:
    recit, _ = _recit_with_competences(project.site)
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(project.url(f"recits/{recit}/"))
        page.locator("section.chm-relecture summary").first.click()
        manual = page.locator(".chm-relecture__manuel")
        assert manual.is_visible() and f"sur: recit/{recit}" in manual.inner_text()
        assert page.locator("form.chm-relecture__form").is_hidden()
    finally:
        context.close()


def test_without_relecture_no_page_has_the_form_or_its_script(site, open_page) -> None:
    for name in site.pages():
        html = (site.directory / (name + "index.html" if name.endswith("/") or not name else name)).read_text(encoding="utf-8")
        assert "chm-relecture" not in html and "relecture.js" not in html, name
    page, traffic = open_page()
    goto(page, site.url(site.pick("recits", "2022-02-premier-entretien")))
    assert page.locator("section.chm-relecture").count() == 0
    assert not [url for url in traffic.requests if url.endswith("relecture.js")]

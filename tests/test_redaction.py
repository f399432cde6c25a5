"""Links to private notes, scripts, comments and third parties, on parsed markup (issue #13).

Unit tests feed every spelling an attacker review found (and more) to `redact_private_links`,
`redact_markdown`, `strip_comments` and `make_inert`; build tests then search every byte of
a real site, decoded the way a browser or a server would decode it. Each privacy test holds a
control showing that its input does contain what must not come out.
"""

from __future__ import annotations

import gzip
import html
import logging
import random
import re
from pathlib import Path
from urllib.parse import unquote

import lxml.html
import markdown
import pytest
from kit import Portfolio

from cheminement import inert
from cheminement.markup import make_inert, redact_private_links
from cheminement.mdsource import code_regions, redact_markdown, strip_comments
from cheminement.publish import redact_links
from cheminement.targets import any_of, css_unescape, private_targets

PAGE = "recits/public.md"
PRIVATE = frozenset({"journal/carnet-zq7.md", "recits/secret-zq7.md", "recits/photo-zq7.png"})
NAMES = ("carnet-zq7", "secret-zq7", "photo-zq7")


def decoded(text: str) -> str:
    """Text as any reader may decode it: entities, percent-escapes (thrice), case, and once
    more with CSS escapes undone (`\\70 hoto`), which would garble a Windows path (`\\carnet`)."""
    text = html.unescape(text)
    for _ in range(3):
        text = unquote(text)
    return (text + "\n" + css_unescape(text)).casefold()


def leaks(text: str, names: tuple[str, ...] = NAMES) -> list[str]:
    folded = decoded(text)
    return [name for name in names if name in folded]


def text_of(fragment: str) -> str:
    return " ".join(lxml.html.fragment_fromstring(fragment, create_parent="div").text_content().split())


# -- HTML: every spelling of a link to a private note --------------------------------------

LINKS = [
    '<a href="../journal/carnet-zq7.md">lien</a>',
    "<a href='../journal/carnet-zq7.md' title='Carnet'>lien</a>",
    "<a href=../journal/carnet-zq7.md>lien</a>",
    '<a\nhref="../journal/carnet-zq7.md"\n>lien</a>',
    '<a href="../&#106;ournal/carnet-zq7.md">lien</a>',
    '<a href="../&#x6A;ournal/carnet&#45;zq7.md">lien</a>',
    '<a href="../%6Aournal/carnet-zq7.md">lien</a>',
    '<a href="../%256Aournal/carnet-zq7.md">lien</a>',
    '<a href="../Journal/Carnet-ZQ7.MD">lien</a>',
    '<a href="./../journal/./carnet-zq7.md">lien</a>',
    '<a href="..//journal//carnet-zq7.md">lien</a>',
    '<a href="..\\journal\\carnet-zq7.md">lien</a>',
    '<a href="../../../../journal/carnet-zq7.md">lien</a>',
    '<a href="../jour\tnal/carnet-zq7.md">lien</a>',
    '<a href="  ../journal/carnet-zq7.md  ">lien</a>',
    '<a href="../journal/carnet-zq7/">lien</a>',
    '<a href="../../journal/carnet-zq7/">lien</a>',  # from the page's URL, recits/public/
    '<a href="../journal/carnet-zq7/index.html">lien</a>',
    '<a href="../journal/carnet-zq7.html">lien</a>',
    '<a href="../journal/carnet-zq7">lien</a>',
    '<a href="../journal/carnet-zq7.md#ancre">lien</a>',
    '<a href="../journal/carnet-zq7.md?v=1">lien</a>',
    '<a href="/journal/carnet-zq7/">lien</a>',
    '<a href="/portfolios/claire/journal/carnet-zq7/">lien</a>',
    '<a href="https://claire.example.org/journal/carnet-zq7/">lien</a>',
    '<a href="file:///home/claire/portfolio/journal/carnet-zq7.md">lien</a>',
    '<a href="?fichier=journal/carnet-zq7.md">lien</a>',
    '<a href="journal/carnet-zq7.md">lien</a>',  # written from the wrong folder: still a name
    '<a href="secret-zq7.md">lien</a>',
    '<a href="../secret-zq7/">lien</a>',
    '<a href="../journal/carnet-zq7.md" title="Titre du carnet">lien</a>',
    '<svg><a xlink:href="../journal/carnet-zq7.md"><text>lien</text></a></svg>',
    '<svg><a href="../journal/carnet-zq7.md"><text>lien</text></a></svg>',
]

EMBEDS = [
    '<img src="photo-zq7.png" alt="">',
    "<img src=photo-zq7.png>",
    '<img src="ok.png" srcset="ok.png 1x, photo-zq7.png 2x">',
    '<picture><source srcset="photo-zq7.png"><img src="ok.png"></picture>',
    '<video src="ok.mp4" poster="photo-zq7.png"></video>',
    '<video><source src="../journal/carnet-zq7.md"></video>',
    '<iframe src="../journal/carnet-zq7/"></iframe>',
    '<embed src="../journal/carnet-zq7.md">',
    '<object data="../journal/carnet-zq7.md"></object>',
    '<map name="m"><area href="../journal/carnet-zq7.md" alt="zone"></map>',
    '<link rel="prefetch" href="../journal/carnet-zq7/">',
    '<form action="../journal/carnet-zq7/"><button formaction="../journal/carnet-zq7/">b</button></form>',
    '<blockquote cite="../journal/carnet-zq7.md">c</blockquote>',
    '<a href="ok.md" ping="../journal/carnet-zq7/">ok</a>',
    '<div data-href="../journal/carnet-zq7.md">d</div>',
    '<table><tr><td background="photo-zq7.png">t</td></tr></table>',
    '<p style="background: url(\'photo-zq7.png\')">s</p>',
    '<p style="background: url(\'\\70 hoto-zq7.png\')">s</p>',
    "<style>p { background: url(photo-zq7.png) }</style>",
    '<meta http-equiv="refresh" content="0; url=../journal/carnet-zq7/">',
    '<img src="ok.png" longdesc="../journal/carnet-zq7.md">',
    '<p title="voir ../journal/carnet-zq7.md">t</p>',
    "<!-- ../journal/carnet-zq7.md -->",
    '<svg><image href="photo-zq7.png"/><use xlink:href="photo-zq7.png#a"/></svg>',
]


@pytest.mark.parametrize("link", LINKS)
def test_a_link_to_a_private_note_becomes_its_text(link: str) -> None:
    source = f"<p>Avant {link} après.</p>"
    assert leaks(source)  # control: the input names the private note
    out = redact_private_links(source, PAGE, PRIVATE)
    assert leaks(out) == []
    assert text_of(out) == "Avant lien après."
    assert "title" not in out and "Carnet" not in out


@pytest.mark.parametrize("element", EMBEDS)
def test_images_media_embeds_and_attributes_naming_a_private_file_go(element: str) -> None:
    source = f"<div>{element}<p>fin</p></div>"
    assert leaks(source)
    out = redact_private_links(source, PAGE, PRIVATE)
    assert leaks(out) == []
    assert "fin" in out


@pytest.mark.parametrize("href", [
    "../journal/r%C3%A9cit.md", "../journal/re\u0301cit.md", "../journal/R\u00c9CIT/", "..%2Fjournal%2Fr%C3%A9cit.md",
    "../journal/r&eacute;cit.html",
])
def test_accents_in_any_normal_form(href: str) -> None:
    """macOS writes file names decomposed; MkDocs percent-encodes URLs."""
    out = redact_private_links(f'<p><a href="{href}">lien</a></p>', PAGE, {"journal/re\u0301cit.md"})
    assert out == "<p>lien</p>"


def test_an_autolink_to_a_private_note_goes_with_its_text() -> None:
    source = '<p>Voir <a href="../journal/carnet-zq7/">../journal/carnet-zq7/</a>.</p>'
    assert redact_private_links(source, PAGE, PRIVATE) == "<p>Voir .</p>"


@pytest.mark.parametrize("directory_urls", [True, False])
def test_mkdocs_urls_of_a_private_index_page(directory_urls: bool) -> None:
    href = "../journal/" if directory_urls else "../journal/index.html"
    out = redact_private_links(f'<p><a href="{href}">carnets</a></p>', PAGE, {"journal/index.md"})
    assert out == "<p>carnets</p>"


@pytest.mark.parametrize("kept", [
    '<a href="../journal/carnet-zq7-bis.md">x</a>',
    '<a href="../journal/">x</a>',
    '<a href="autre.md">x</a>',
    '<a href="#carnet-zq7">x</a>',
    '<a href="https://example.org/">x</a>',
    '<p id="secret-zq7" title="secret-zq7">x</p>',
    '<img src="photo-zq7-public.png" alt="photo-zq7">',
])
def test_what_does_not_name_a_private_path_stays(kept: str) -> None:
    source = f"<div>{kept}</div>"
    assert redact_private_links(source, PAGE, PRIVATE) == source


def test_nothing_private_means_nothing_parsed() -> None:
    source = "<p><a href='x'>unbalanced <b>markup</p>"
    assert redact_private_links(source, PAGE, frozenset()) is source
    assert redact_private_links(source, PAGE, PRIVATE) is source  # no private name in the page


def test_the_pre_filter_sees_every_spelling() -> None:
    targets = private_targets(PRIVATE)
    assert targets is not None
    for sample in LINKS + EMBEDS:
        assert targets.mentioned(sample), sample
    assert not targets.mentioned("<p>Une page sans rien de privé.</p>")


# -- Markdown: the same, before rendering (and for the stage) --------------------------------

MARKDOWN_LINKS = [
    "[lien](../journal/carnet-zq7.md)",
    "[lien\nsur deux lignes](../journal/carnet-zq7.md)",
    '[lien](<../journal/carnet-zq7.md> "Titre")',
    "[lien](../journal/carnet-zq7.md 'Titre')",
    "[lien]( ../journal/carnet-zq7.md )",
    "[lien](../journal/carnet-zq7/)",
    "[lien](../Journal/Carnet-ZQ7.md)",
    "[lien](../%6Aournal/carnet-zq7.md)",
    "[lien](../&#106;ournal/carnet-zq7.md)",
    "[lien](./../journal/./carnet-zq7.md#x)",
    "[lien](..\\journal\\carnet-zq7.md)",
    "[[lien]](../journal/carnet-zq7.md)",
    "[`code]` lien](../journal/carnet-zq7.md)",
    "![lien](photo-zq7.png)",
    "[![lien](photo-zq7.png)](autre.md)",
]


@pytest.mark.parametrize("link", MARKDOWN_LINKS)
def test_markdown_links_to_private_paths_become_text(link: str) -> None:
    body = f"Avant {link} après.\n"
    assert leaks(body)
    out = redact_markdown(body, PAGE, PRIVATE)
    assert leaks(out) == []
    assert "lien" in out and out.startswith("Avant ") and out.endswith(" après.\n")


def test_a_target_with_parentheses_is_read_whole() -> None:
    private = {"journal/a(b).md"}
    assert redact_markdown("[x](../journal/a(b).md) [y](../journal/a.md)", PAGE, private) == "x [y](../journal/a.md)"


@pytest.mark.parametrize("definition", [
    "[ref]: ../journal/carnet-zq7.md",
    '[ref]: <../journal/carnet-zq7.md> "Titre du carnet"',
    "[ref]:\n    ../journal/carnet-zq7.md\n    'Titre du carnet'",
    "  [ref]: ../journal/carnet-zq7.md (Titre du carnet)",
])
def test_reference_definitions_lose_their_private_target(definition: str) -> None:
    body = f"Voir [le carnet][ref].\n\n{definition}\n"
    out = redact_markdown(body, PAGE, PRIVATE)
    assert leaks(out) == [] and "Titre du carnet" not in out
    assert "[ref]: #" in out
    rendered = markdown.markdown(out)
    assert 'href="#"' in rendered and "le carnet" in rendered


def test_definitions_in_quotes_and_lists() -> None:
    body = "> [a]: ../journal/carnet-zq7.md\n\n- [b]: ../journal/carnet-zq7.md\n"
    assert redact_markdown(body, PAGE, PRIVATE) == "> [a]: #\n\n- [b]: #\n"


@pytest.mark.parametrize("raw", [
    '<a href="../journal/carnet-zq7.md">lien</a>',
    "<a href='../journal/carnet-zq7.md'>lien</a>",
    "<a href=../journal/carnet-zq7.md>lien</a>",
    '<a\n  href="../journal/carnet-zq7.md"\n  title="x">lien</a>',
    '<img src="ok.png" srcset="ok.png 1x, photo-zq7.png 2x" alt="lien">',
    '<a href="../journal/carnet-zq7.md>lien</a>',  # a quote left open
    "[lien](autre.md){: data-href='../journal/carnet-zq7.md' }",
])
def test_raw_html_and_attribute_lists_lose_private_targets(raw: str) -> None:
    out = redact_markdown(f"Avant {raw} après.\n", PAGE, PRIVATE)
    assert leaks(out) == [] and "lien" in out


def test_autolinks_to_private_paths_go() -> None:
    body = "Voir <https://claire.example.org/journal/carnet-zq7/> et <journal/carnet-zq7.md>.\n"
    assert redact_markdown(body, PAGE, PRIVATE) == "Voir  et .\n"


def test_code_is_never_touched() -> None:
    body = (
        "`[a](../journal/carnet-zq7.md)` et ``<a href='../journal/carnet-zq7.md'>``\n\n"
        "```markdown\n[b](../journal/carnet-zq7.md)\n[r]: ../journal/carnet-zq7.md\n```\n\n"
        "~~~~\n<img src=photo-zq7.png>\n~~~~\n"
    )
    assert redact_markdown(body, PAGE, PRIVATE) == body


def test_an_unclosed_fence_is_prose() -> None:
    """Python-Markdown renders an unclosed fence as text, links included: redact them."""
    out = redact_markdown("```\n[lien](../journal/carnet-zq7.md)\n", PAGE, PRIVATE)
    assert leaks(out) == []


def test_redact_links_is_the_same_function() -> None:
    body = "[a\nb](../journal/carnet-zq7.md)"
    assert redact_links(body, PAGE, PRIVATE) == redact_markdown(body, PAGE, PRIVATE) == "a\nb"


# -- Obsidian comments ------------------------------------------------------------------------


@pytest.mark.parametrize(("source", "expected"), [
    ("Avant %%secret%% après.", "Avant  après."),
    ("Avant %%un\nsecret\nsur trois lignes%% après.", "Avant  après."),
    ("%%\nbloc\nsecret\n%%\nSuite.", "\nSuite."),
    ("Deux %%a%% et %%b%% fois.", "Deux  et  fois."),
    ("Sans fin %%secret\n\njusqu'au bout.", "Sans fin "),
    ("Code `%%garde%%` et %%pas ça%%.", "Code `%%garde%%` et ."),
    ("```\n%%garde%%\n```\n%%pas ça%%", "```\n%%garde%%\n```\n"),
    ("%%commentaire avec ```\nun bloc\n``` dedans%% fin", " fin"),
    ("Aucun commentaire.", "Aucun commentaire."),
])
def test_obsidian_comments_are_stripped_outside_code(source: str, expected: str) -> None:
    assert strip_comments(source) == expected


def test_html_comments_go_too_when_asked() -> None:
    """For Markdown that leaves us (the stage); in our build, `make_inert` removes them."""
    source = "a <!-- note à moi --> b `<!-- code -->` c <!-- sans fin"
    assert strip_comments(source) == source
    assert strip_comments(source, html_comments=True) == "a  b `<!-- code -->` c "


def test_an_html_comment_naming_a_private_path_goes_from_the_markdown() -> None:
    body = "a <!-- voir ../journal/carnet-zq7.md --> b <!-- autre chose --> `<!-- ../journal/carnet-zq7.md -->`"
    assert redact_markdown(body, PAGE, PRIVATE) == "a  b <!-- autre chose --> `<!-- ../journal/carnet-zq7.md -->`"


def test_code_regions() -> None:
    text = "a `b` c\n```\nd\n```\n`` e ` f `` g ``unclosed"
    assert [text[s:e] for s, e in code_regions(text)] == ["`b`", "```\nd\n```", "`` e ` f ``"]


# -- Inert markup -------------------------------------------------------------------------------

DANGERS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<img/src='x'/onerror=alert(1)>",
    '<p onclick="alert(1)">x</p>',
    "<details open ontoggle=alert(1)><summary>s</summary></details>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="java&#115;cript:alert(1)">x</a>',
    '<a href="javascrip&Tab;t:alert(1)">x</a>',
    '<a href="&#1;javascript:alert(1)">x</a>',
    '<a href=" javascript&colon;alert(1)">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<object data="data:text/html,x"></object>',
    '<embed src="javascript:alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="https://evil.example/">',
    '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
    '<svg><animate attributeName="href" to="javascript:alert(1)"/><set attributeName="href" to="javascript:x"/></svg>',
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<form action="https://evil.example/"><input name="q"><button formaction="javascript:alert(1)">go</button></form>',
    '<p style="width: expression(alert(1))">x</p>',
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></noscript>",
    "<!-- commentaire privé -->",
]


def dangers(fragment: str) -> list[str]:
    """Everything in parsed HTML that could run a script or submit elsewhere."""
    body = lxml.html.document_fromstring(f"<html><body>{fragment}</body></html>").body
    found = []
    for node in body.iter():
        if not isinstance(node.tag, str):
            found.append("comment")
            continue
        name = node.tag.lower().rpartition(":")[2]
        if name in ("script", "iframe", "object", "embed", "meta", "base", "form", "animate", "set", "noscript"):
            found.append(name)
        if name == "style" and "<" in (node.text or ""):
            found.append("style markup")
        for attribute, value in node.attrib.items():
            cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
            if attribute.lower().startswith("on") or attribute.lower() in ("srcdoc", "formaction"):
                found.append(attribute)
            elif cleaned.startswith(("javascript:", "vbscript:", "data:text")) or "expression(" in cleaned:
                found.append(f"{attribute}={value}")
    return found


@pytest.mark.parametrize("danger", DANGERS)
@pytest.mark.parametrize("allow_third_party", [False, True])
def test_nothing_in_a_note_can_run(danger: str, allow_third_party: bool) -> None:
    source = f"<p>Avant</p>{danger}<p>Après</p>"
    assert dangers(source)  # control
    assert not inert.plain(source, allow_third_party)  # the pre-filter never skips it
    out, _ = make_inert(source, allow_third_party)
    assert dangers(out) == [], out
    assert "Avant" in out and "Après" in out


def test_a_script_is_reported_with_a_fix() -> None:
    out, findings = make_inert('<p onclick="alert(1)">x</p><script>y()</script>', False)
    assert out == "<p>x</p>"
    assert [(f.code, f.what) for f in findings] == [("markup.script", "onclick"), ("markup.script", "<script>")]
    assert "script" in findings[0].message("fr") and findings[0].suggestion("en")


MATERIAL_EXTENSIONS = ["admonition", "pymdownx.details", "pymdownx.superfences", "pymdownx.tabbed",
                       "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.tasklist", "pymdownx.emoji",
                       "footnotes", "tables", "attr_list", "md_in_html", "toc", "pymdownx.arithmatex",
                       "pymdownx.blocks.caption", "pymdownx.mark", "pymdownx.keys", "def_list", "abbr",
                       "pymdownx.caret", "pymdownx.tilde", "pymdownx.critic"]
MATERIAL_SAMPLE = r"""
# Titre

!!! note "Une note"
    Texte *gras* ==marqué== ++ctrl+c++ H~2~O ^^inséré^^ {++ajout++}.

??? tip "Plus"
    Caché[^1].

=== "Un"
    ```python
    def f(x):
        return x  # commentaire de code
    ```
=== "Deux"
    `#!python print(1)`

- [ ] à faire
- [x] fait

| a | b |
|:--|--:|
| 1 | 2 |

![Une image](image.png){ width="300" loading=lazy }
/// caption
Légende
///

Terme
:   Définition

*[HTML]: Hyper Text

[Un lien](autre.md "titre") et <https://example.org/>.

[^1]: Note de bas de page.
"""


def material_html(sample: str = MATERIAL_SAMPLE, **emoji: object) -> str:
    import material.extensions.emoji as material_emoji

    configs = {
        "pymdownx.emoji": {"emoji_index": material_emoji.twemoji, "emoji_generator": material_emoji.to_svg, **emoji},
        "pymdownx.tabbed": {"alternate_style": True}, "pymdownx.tasklist": {"custom_checkbox": True},
        "pymdownx.arithmatex": {"generic": True}, "toc": {"permalink": True},
        "pymdownx.highlight": {"anchor_linenums": True, "line_spans": "__span", "pygments_lang_class": True},
    }
    return markdown.markdown(sample, extensions=MATERIAL_EXTENSIONS, extension_configs=configs)


def test_material_markup_is_left_as_it_is() -> None:
    source = material_html()
    assert inert.plain(source, False)  # recognised without parsing
    assert make_inert(source, False) == (source, [])


def test_markup_with_math_and_svg_icons_keeps_its_meaning() -> None:
    """Parsed (`E=mc^2` looks like an attribute to the pre-filter): written back the same."""
    icons = "\n$$\nE=mc^2\n$$\n\nIcône :material-account-circle: et :fontawesome-brands-github:.\n"
    source = material_html(MATERIAL_SAMPLE + icons)
    assert "<svg" in source and "<!--!" in source and not inert.plain(source, False)
    out, findings = make_inert(source, False)
    assert findings == []

    def canonical(fragment: str) -> str:
        return lxml.html.tostring(lxml.html.fragment_fromstring(fragment, create_parent="div"), encoding=str)

    assert canonical(out) == canonical(source)


# -- Third parties ------------------------------------------------------------------------------


@pytest.mark.parametrize(("element", "refused"), [
    ('<img src="https://exemple.org/logo.png" alt="Logo">', '<a href="https://exemple.org/logo.png">Logo</a>'),
    ('<img src="//exemple.org/logo.png" alt="Logo">', '<a href="//exemple.org/logo.png">Logo</a>'),
    ('<img src="/\\exemple.org/logo.png" alt="Logo">', '<a href="//exemple.org/logo.png">Logo</a>'),
    ('<iframe src="https://www.youtube-nocookie.com/embed/x" title="Vidéo"></iframe>',
     '<a href="https://www.youtube-nocookie.com/embed/x">Vidéo</a>'),
    ('<video src="https://exemple.org/v.mp4"></video>', '<a href="https://exemple.org/v.mp4">https://exemple.org/v.mp4</a>'),
    ('<audio controls><source src="https://exemple.org/a.mp3"></audio>', "<audio controls></audio>"),
    ('<link rel="stylesheet" href="https://exemple.org/x.css">', ""),
    ('<p style="background: url(https://exemple.org/x.png)">x</p>', "<p>x</p>"),
    ('<img src="ok.png" srcset="ok.png 1x, https://exemple.org/x.png 2x">', '<img src="ok.png">'),
    ('<a href="ok.md" ping="https://traceur.example/">ok</a>', '<a href="ok.md">ok</a>'),
])
def test_remote_resources_need_third_party_services(element: str, refused: str) -> None:
    out, findings = make_inert(element, False)
    assert out == refused
    assert findings and findings[0].code == "markup.remote"
    assert "services_tiers: true" in findings[0].suggestion("fr")
    kept, none = make_inert(element, True)
    assert none == [] and lxml.html.fragment_fromstring(kept, create_parent="div").xpath("//@src|//@href|//@style|//@srcset|//@ping")


def test_an_emoji_from_a_cdn_becomes_its_character() -> None:
    source = material_html("Content :smile:\n")  # Material's twemoji index: an <img> from jsDelivr
    assert "cdn.jsdelivr.net" in source
    out, findings = make_inert(source, False)
    assert "jsdelivr" not in out and "😄" in out and findings == []


def test_a_local_embed_becomes_a_link() -> None:
    out, findings = make_inert('<iframe src="../traces/grille.pdf" title="La grille"></iframe>', True)
    assert out == '<a href="../traces/grille.pdf">La grille</a>' and findings[0].code == "markup.embed"


def test_mermaid_stays_code_without_third_parties() -> None:
    source = '<pre class="mermaid"><code>graph LR\n  A --&gt; B</code></pre><div class="mermaid x">graph TD</div>'
    out, findings = make_inert(source, False)
    assert "mermaid" not in out
    assert out == '<pre><code>graph LR\n  A --&gt; B</code></pre><pre class="x"><code>graph TD</code></pre>'
    assert findings[0].code == "markup.mermaid"
    assert make_inert(source, True) == (source, [])


# -- Whole builds: every byte of the site --------------------------------------------------------


def site_texts(site: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(site.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            texts[str(path.relative_to(site))] = data.decode("utf-8", errors="replace")
    return texts


def site_leaks(site: Path, names: tuple[str, ...]) -> dict[str, list[str]]:
    return {path: found for path, text in site_texts(site).items() if (found := leaks(text, names))}


def bare(folio: Portfolio, extra: str = "") -> None:
    """MkDocs and Material without our plugin: the control builds."""
    (folio.root / "mkdocs.yml").write_text(
        "site_name: Sans plugin\ndocs_dir: docs\ntheme: {name: material}\nplugins: [search]\n" + extra, encoding="utf-8")


PRIVATE_NOTE = """
---
titre: Carnet ZQ7TITLE
---
Ce que je garde pour moi.
"""

EVERY_LINK = """
---
titre: Des liens partout
date: 2025-02
---
Un [lien simple](../journal/carnet-zq7.md), un [lien
sur deux lignes](../journal/carnet-zq7.md), [entre chevrons](<../journal/carnet-zq7.md> "ZQ7TITLE"),
[en majuscules](../Journal/Carnet-ZQ7.md), [avec des détours](./../journal/./carnet-zq7.md),
[en adresse](../journal/carnet-zq7/), [en page](../journal/carnet-zq7.html),
[en index](../journal/carnet-zq7/index.html), [encodé](../%6Aournal/carnet-zq7.md),
[en entité](../&#106;ournal/carnet-zq7.md), [une ancre](../journal/carnet-zq7.md#x),
[une référence][ref], [attribut](atelier.md){ data-href="../journal/carnet-zq7.md" }
et <https://claire.example.org/journal/carnet-zq7/>.

<p>HTML : <a href='../journal/carnet-zq7.md' title="ZQ7TITLE">guillemets simples</a>,
<a href=../journal/carnet-zq7/>sans guillemets</a>, <a
href="../jour&#110;al/carnet-zq7.md">sur deux lignes</a>, <a href="..\\journal\\carnet-zq7.md">barres
inverses</a>, <a href="/journal/carnet-zq7/">absolu</a>.</p>

<map name="m"><area href="../journal/carnet-zq7.md" alt="zone" shape="rect" coords="0,0,1,1"></map>
<object data="../journal/carnet-zq7.md"></object>
<svg width="10" height="10"><a xlink:href="../journal/carnet-zq7.md"><text>svg</text></a></svg>

<img src=../journal/photo-zq7.png alt="photo">
<picture><source srcset="../journal/photo-zq7.png"><img alt="source"></picture>
<video poster=../journal/photo-zq7.png></video>
<p style="background: url('../journal/\\70 hoto-zq7.png')">fond</p>

[ref]: ../journal/carnet-zq7.md "ZQ7TITLE"
"""


@pytest.mark.parametrize("directory_urls", [True, False])
def test_no_trace_of_a_private_note_in_any_file(portfolio: Portfolio, directory_urls: bool) -> None:
    portfolio.write("journal/carnet-zq7.md", PRIVATE_NOTE)
    (portfolio.docs / "journal" / "photo-zq7.png").write_bytes(b"\x89PNG photo")
    source = portfolio.write("recits/liens.md", EVERY_LINK).read_text(encoding="utf-8")
    names = ("carnet-zq7", "photo-zq7", "zq7title")
    assert decoded(source).count("carnet-zq7") >= 20 and leaks(source, names) == list(names)  # control
    site = portfolio.build(use_directory_urls=directory_urls)
    assert (site / "sitemap.xml").is_file() and (site / "search" / "search_index.json").is_file()
    assert site_leaks(site, names) == {}
    page = portfolio.html("recits/liens/index.html" if directory_urls else "recits/liens.html")
    text = " ".join(page.select_one("article").get_text().split())
    for kept in ("Un lien simple, un lien sur deux lignes, entre chevrons", "une référence", "guillemets simples",
                 "sans guillemets", "barres inverses", "absolu", "svg", "fond"):
        assert kept in text


def test_control_the_same_links_to_a_public_note_are_found(portfolio: Portfolio) -> None:
    """The search above can fail: with the note public, its address is all over the site."""
    portfolio.write("journal/carnet-zq7.md", PRIVATE_NOTE.replace("---\nCe", "visibilite: public\n---\nCe"))
    portfolio.write("recits/liens.md", EVERY_LINK)
    site = portfolio.build()
    found = site_leaks(site, ("carnet-zq7", "zq7title"))
    assert "recits/liens/index.html" in found and "search/search_index.json" in found


SCRIPTS = """
---
titre: Des scripts
date: 2025-02
---
Texte avant.

<script>alert("CANARYJS1")</script>
<img src="x.png" onerror="alert('CANARYJS2')" alt="image">
[un lien](<javascript:alert('CANARYJS3')>) et <a href="jav&#x09;ascript:alert('CANARYJS4')">un autre</a>.
<svg><animate attributeName="href" to="javascript:alert('CANARYJS5')"/></svg>
<iframe srcdoc="&lt;script&gt;alert('CANARYJS6')&lt;/script&gt;"></iframe>
<details ontoggle="alert('CANARYJS7')" open><summary>Détails</summary>Contenu.</details>

Texte après.
"""


def test_scripts_handlers_and_javascript_urls_are_gone(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("recits/scripts.md", SCRIPTS)
    with caplog.at_level(logging.WARNING):
        site = portfolio.build()
    assert site_leaks(site, ("canaryjs",)) == {}
    text = " ".join(portfolio.html("recits/scripts/index.html").select_one("article").get_text().split())
    assert "Texte avant." in text and "un lien et un autre." in text and "Texte après." in text
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("mkdocs.plugins.cheminement")]
    assert sum("recits/scripts.md" in w and "script" in w for w in warnings) >= 5
    bare(portfolio)  # control: Material alone publishes every one of them
    assert len(site_leaks(portfolio.build(), ("canaryjs",)).get("recits/scripts/index.html", [])) == 1
    assert "CANARYJS2" in (portfolio.site / "recits" / "scripts" / "index.html").read_text(encoding="utf-8")


COMMENTED = """
---
titre: Des commentaires
date: 2025-02
---
Je publie ceci %%mais pas CANARYPC1%%.

%%
CANARYPC2 sur plusieurs
lignes
%%

<!-- CANARYPC3 -->
Le code garde `%%visible%%`.
"""


def test_comments_never_reach_the_site(portfolio: Portfolio) -> None:
    portfolio.write("recits/commentaires.md", COMMENTED)
    portfolio.write("retours/avis.md", """
        ---
        auteur: Coach
        date: 2024-02
        sur: premier-entretien
        visibilite: public
        ---
        Très bien %%CANARYPC4 entre nous%%. <!-- CANARYPC5 -->
    """)
    site = portfolio.build()
    assert site_leaks(site, ("canarypc",)) == {}
    text = portfolio.html("recits/commentaires/index.html").select_one("article").get_text()
    assert "Je publie ceci" in text and "%%visible%%" in text
    assert "Très bien" in portfolio.html("recits/premier-entretien/index.html").select_one(".chm-retour__body").get_text()
    bare(portfolio)  # control: without the plugin, every comment is in the site
    found = site_leaks(portfolio.build(), ("canarypc1", "canarypc2", "canarypc3"))
    assert found["recits/commentaires/index.html"] == ["canarypc1", "canarypc2", "canarypc3"]


MERMAID = """
---
titre: Un diagramme
date: 2025-02
---
```mermaid
graph LR
  A --> B
```
"""
SUPERFENCES = """
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
"""


@pytest.mark.parametrize("allowed", [False, True])
def test_a_mermaid_diagram_needs_third_party_services(portfolio: Portfolio, caplog: pytest.LogCaptureFixture,
                                                      allowed: bool) -> None:
    portfolio.configure(options="services_tiers: true" if allowed else "", extra=SUPERFENCES)
    portfolio.write("recits/diagramme.md", MERMAID)
    with caplog.at_level(logging.WARNING):
        portfolio.build()
    page = portfolio.html("recits/diagramme/index.html")
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("mkdocs.plugins.cheminement")]
    if allowed:
        assert page.select(".mermaid") and not any("mermaid" in w.lower() for w in warnings)
        return
    assert page.select(".mermaid") == []  # Material loads mermaid.js from a CDN only for .mermaid
    assert "A --> B" in page.select_one("article pre code").get_text()
    assert any("recits/diagramme.md" in w and "services_tiers: true" in w for w in warnings)
    bare(portfolio, SUPERFENCES)  # control: Material alone gives Mermaid its .mermaid block
    portfolio.build()
    assert portfolio.html("recits/diagramme/index.html").select(".mermaid")


def test_a_remote_image_becomes_a_link(portfolio: Portfolio, caplog: pytest.LogCaptureFixture) -> None:
    portfolio.write("recits/image.md", "---\ntitre: Image\ndate: 2025\n---\n![Le logo](https://exemple.org/logo.png)\n")
    with caplog.at_level(logging.WARNING):
        portfolio.build()
    article = portfolio.html("recits/image/index.html").select_one("article")
    assert not [img for img in article.find_all("img") if "exemple.org" in img.get("src", "")]
    assert article.find("a", href="https://exemple.org/logo.png").get_text() == "Le logo"
    warnings = [r.getMessage() for r in caplog.records if r.name.startswith("mkdocs.plugins.cheminement")]
    assert any("recits/image.md" in w and "Téléchargez" in w for w in warnings)


@pytest.mark.parametrize("fragment", [
    "a &amp; b &lt;img src=x onerror=alert(1)&gt;",
    "&lt;script&gt;alert(1)&lt;/script&gt;<p>x</p>",
    "avant &lt;b&gt; <em>après</em>",
])
def test_escaped_text_before_the_first_element_stays_escaped(fragment: str) -> None:
    """Text that comes before any element is escaped again on the way out: an escaped tag in
    a coach's or a library's text must never come back as markup."""
    inert, _ = make_inert(fragment, False)
    redacted = redact_private_links(fragment + '<a href="journal/x.md">x</a>', "index.md", {"journal/x.md"})
    for out in (inert, redacted):
        assert "<img" not in out and "<script" not in out and "<b>" not in out


def test_the_names_pattern_finds_exactly_what_a_plain_alternation_finds() -> None:
    """`targets.any_of` merges private names by prefix for speed: it must find a name
    wherever one is, words that are prefixes of others and special characters included."""
    rng = random.Random(7)
    alphabet = "ab-.(é)1"
    for _ in range(400):
        words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 6))) for _ in range(rng.randint(1, 12))}
        plain = re.compile("|".join(re.escape(word) for word in words))
        pattern = any_of(words)
        assert pattern is not None
        for _ in range(20):
            text = "".join(rng.choice(alphabet + "xyz") for _ in range(rng.randint(0, 30)))
            assert (pattern.search(text) is None) == (plain.search(text) is None), (words, text)
    assert any_of(set()) is None
    deep = {"x" * n for n in range(1, 400)}  # hundreds of nested prefixes still compile
    assert any_of(deep) is not None and any_of(deep).search("yyxyy")  # type: ignore[union-attr]

"""What the publishing engine reads of a published page: our reading of it, not its own.

An engine splits a file into front matter and text with its own rules, and MkDocs's differ
from ours (frontmatter.py): on YAML it cannot load (`date: 2024-02-30`, a front matter of
comments only) it keeps the whole block as page text; without `---` fences it takes the
first `Clé: valeur` lines of the text for metadata and drops them from the page. Plugins
that change a page's Markdown (macros, hooks, callouts) must see the same text we check.

So the adapter hands the engine, for every published page, the source written back from our
reading: the front matter as our reader loaded it, dumped as plain YAML that any YAML loader
reads back the same, then the text without the learner's comments. The engine then splits
where we did, and whatever it and its plugins make of the text comes back to us as Markdown
to transform, never a raw file.

Comments are the learner's remarks to self (`%%…%%`, `<!-- … -->`). Two HTML comments are
instructions to other plugins and stay: Material's blog cuts an excerpt at `<!-- more -->`,
its tags plugin puts a listing at `<!-- material/tags … -->`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml

from . import frontmatter
from .mdsource import strip_comments

# Material's tags plugin: `listings_directive`'s default.
TAGS_DIRECTIVE = "material/tags"
_DUMPER: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# Private-use characters that stand for a kept directive while comments are taken out:
# no comment marker, backtick or Markdown punctuation, so they change nothing around them.
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")


def engine_source(raw: bytes, directives: Iterable[str] = (TAGS_DIRECTIVE,)) -> str | None:
    """The source the engine should read for a published page (`raw`: the file's bytes,
    read as load.py reads them).

    None when the file no longer reads (changed since it was loaded): the caller then keeps
    it out, as load.py would have.
    """
    doc = frontmatter.read(raw)
    if isinstance(doc, frontmatter.SyntaxProblem):
        return None
    return f"---\n{_dump(doc.meta)}---\n\n{without_comments(doc.body, directives)}"


def _dump(meta: dict[str, Any]) -> str:
    """Front matter as YAML that YAML 1.1 and 1.2 loaders read back to the same values.

    Strings that would read as something else (`'2024-02-30'`, `'yes'`) are quoted by the
    dumper. Values it cannot write (an ordered map's pairs) leave the engine an empty map:
    our checked values replace the engine's view before the page is rendered anyway.
    """
    try:
        if not meta:
            return "{}\n"
        return yaml.dump(meta, Dumper=_DUMPER, allow_unicode=True, sort_keys=False, default_flow_style=False)
    except yaml.YAMLError:
        return "{}\n"


def without_comments(markdown: str, directives: Iterable[str] = (TAGS_DIRECTIVE,)) -> str:
    """The Markdown without the learner's comments, the other plugins' directives kept.

    A directive inside a comment (`%% <!-- material/tags --> %%`) goes with it; one inside
    code stays as written. Directives are set aside as placeholders that no comment rule
    reads, the comments taken out, and the placeholders that remain put back.
    """
    names = [name for name in directives if name]
    if "%%" not in markdown and "<!--" not in markdown:
        return markdown
    if not names or _OPEN in markdown:
        return strip_comments(markdown, html_comments=True, keep_separator=True)
    pattern = re.compile(r"<!--\s*?(?:" + "|".join(map(re.escape, names)) + r").*?-->", re.IGNORECASE | re.DOTALL)
    kept: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        kept.append(match.group())
        return f"{_OPEN}{len(kept) - 1}{_CLOSE}"

    stripped = strip_comments(pattern.sub(set_aside, markdown), html_comments=True, keep_separator=True)
    return _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], stripped) if kept else stripped

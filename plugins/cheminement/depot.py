"""The portfolio's repository (`depot`): where a host's "new file" page opens.

The coach's feedback form (relecture.js) can open the repository's web editor with the
retour's file name and text filled in, so that a coach who never used git adds the file in
two clicks. Each host spells that page differently:

- GitHub: `https://github.com/O/R/new/BRANCH/DIR?filename=NAME&value=TEXT`;
- GitLab: `https://HOST/GROUP/PROJECT/-/new/BRANCH/DIR?file_name=NAME&content=TEXT`
  (the new-blob editor reads `params[:file_name]` and `params[:content]`);
- Forgejo and Gitea: `https://HOST/O/R/_new/BRANCH/DIR?filename=NAME&value=TEXT`
  (Gitea's "pre-fill new file" parameters, taken from GitHub's, go-gitea/gitea#16556).

Here we compute the base (everything up to the folder) and the two parameter names; the
script adds the name and the text. A value we cannot turn into such a link is refused at
build time with a message naming the configuration file and the key: a wrong link would
send the coach to an error page once they have written their feedback.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from .model import Kind, Problem, Severity
from .settings import Settings

# Owner, repository and group names on these hosts: letters, digits, `.`, `_`, `-`.
_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")
# A branch as git allows it, less what would need care in a URL or a shell.
_BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._/+-]*")
_FORGES = ("codeberg.org", "gitea.com")


@dataclass(frozen=True)
class NewFile:
    """Where the host's "new file" page opens for the feedback folder, and its parameters."""

    host: str  # github, gitlab or forgejo
    base: str  # the page for the folder, without a query
    folder: str  # the feedback folder inside the repository: the file's path is folder/name
    name_param: str
    content_param: str


class DepotError(ValueError):
    """A `depot` setting we cannot link to: `code` names the catalogue message."""

    def __init__(self, code: str, key: str, value: str) -> None:
        super().__init__(code)
        self.code, self.key, self.value = code, key, value


def new_file(repository: tuple[str, str, str], feedback_folder: str) -> NewFile:
    """The "new file" page for `feedback_folder` (`retours`) of the repository.

    `repository` is (URL, branch, folder of the portfolio inside the repository), as in
    `Settings.repository`. Raises DepotError on a value that would make a wrong link.
    """
    url, branch, portfolio = repository
    parts = urlsplit(url.strip())
    if parts.scheme.lower() != "https" or not parts.hostname:
        raise DepotError("review-form.depot.https", "depot", url)
    if parts.username or parts.password:
        raise DepotError("review-form.depot.credentials", "depot", url)
    if parts.query or parts.fragment or url.strip().endswith(("?", "#")):
        raise DepotError("review-form.depot.query", "depot", url)
    host = _host_kind(parts.hostname, parts.path)
    if host is None:
        raise DepotError("review-form.depot.host", "depot", url)
    path = parts.path.split("/-/", 1)[0] if host == "gitlab" else parts.path
    segments = [s for s in path.strip("/").removesuffix(".git").split("/") if s]
    # GitLab nests projects in groups and subgroups; the others name owner/repository.
    count_ok = len(segments) >= 2 if host == "gitlab" else len(segments) == 2
    if not count_ok or not all(_SEGMENT.fullmatch(s) for s in segments):
        raise DepotError("review-form.depot.path", "depot", url)
    if not _BRANCH.fullmatch(branch) or ".." in branch or branch.endswith(("/", ".lock")) or "//" in branch:
        raise DepotError("review-form.depot.branch", "depot_branche", branch)
    folder = _folder(portfolio, feedback_folder)
    netloc = "github.com" if host == "github" else parts.netloc.lower()
    origin = f"https://{netloc}/{'/'.join(segments)}"
    action = {"github": "new", "gitlab": "-/new", "forgejo": "_new"}[host]
    base = f"{origin}/{action}/{quote(branch, safe='/')}/{quote(folder, safe='/')}"
    names = ("file_name", "content") if host == "gitlab" else ("filename", "value")
    return NewFile(host, base, folder, *names)


def problems(settings: Settings, config_file: str) -> list[Problem]:
    """The `depot` setting's problem, if any, as a build error on the configuration file."""
    if settings.repository is None:
        return []
    try:
        new_file(settings.repository, settings.folder_of(Kind.RETOUR))
    except DepotError as error:
        return [Problem(config_file, None, Severity.ERROR, error.code,
                        {"config": config_file, "key": error.key, "value": error.value},
                        (("review-form.depot.fix", {"key": error.key}),))]
    return []


def _host_kind(hostname: str, path: str) -> str | None:
    """GitHub, GitLab (gitlab.* or a `/-/` address) or Forgejo/Gitea, from the address."""
    name = hostname.lower()
    if name in ("github.com", "www.github.com"):
        return "github"
    if name == "gitlab.com" or name.startswith("gitlab.") or "/-/" in path:
        return "gitlab"
    labels = name.split(".")
    if name in _FORGES or any(label in ("forgejo", "gitea") for label in labels):
        return "forgejo"
    return None


def _folder(portfolio: str, feedback_folder: str) -> str:
    """`content/retours`: the portfolio's folder in the repository, then the feedback's."""
    joined = posixpath.join(portfolio.strip().replace("\\", "/"), feedback_folder)
    normal = posixpath.normpath(joined)
    if joined.startswith("/") or normal == ".." or normal.startswith("../") or normal == ".":
        raise DepotError("review-form.depot.folder", "depot_dossier", portfolio)
    return normal

"""A real `mkdocs serve` process on a free loopback port, and small HTTP helpers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # loopback only
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_for(url: str, marker: bytes, timeout: float = 60) -> bytes:
    """Poll `url` until its body contains `marker`; return the body."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            status, body = fetch(url)
            if status == 200 and marker in body:
                return body
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never showed {marker!r}")


def crawl(base: str) -> dict[str, bytes]:
    """Every page and file reachable from the home page, plus the site-wide JSON and XML."""
    seen: dict[str, bytes] = {}
    queue = [base, base + "search/search_index.json", base + "sitemap.xml", base + "cheminement-manifeste.json"]
    while queue:
        url = queue.pop()
        if url in seen or not url.startswith(base):
            continue
        status, body = fetch(url)
        seen[url] = body
        if status == 200 and b"<html" in body[:500].lower():
            soup = BeautifulSoup(body, "lxml")
            for tag in soup.find_all(["a", "link", "img", "script"]):
                target = tag.get("href") or tag.get("src")
                if target:
                    queue.append(urljoin(url, target).split("#")[0])
    return seen


class MkDocsServe:
    """`mkdocs serve` for one portfolio; its log is collected while it runs."""

    def __init__(self, config: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}/"
        environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
        environment.pop("CHEMINEMENT_APERCU_PRIVE", None)  # a preview only when a test asks for it
        environment.update(env or {})
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "mkdocs"), "serve", "-a", f"127.0.0.1:{self.port}", "-f", str(config)],
            cwd=config.parent, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def log(self) -> str:
        return "\n".join(self.lines)

    def wait_for_log(self, marker: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if marker in self.log:
                return
            time.sleep(0.2)
        raise AssertionError(f"the server log never showed {marker!r}:\n{self.log}")

    def __enter__(self) -> MkDocsServe:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()

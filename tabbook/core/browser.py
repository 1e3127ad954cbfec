"""The one headless Chromium and the one local HTTP server: `make pdf` and the browser tests.

* :func:`launch` starts Debian's Chromium (``$TABBOOK_CHROMIUM`` or :data:`CHROMIUM`),
  driven by Playwright, headless, with :data:`CHROMIUM_ARGS`: nothing leaves 127.0.0.1
  (:data:`OFFLINE_ARGS`), so a printed PDF, like a tested page, shows only what the book
  serves. :class:`Chromium` is that browser as a ``with`` block that says what to do when
  it does not start (a :class:`~tabbook.core.errors.BookError`);
  :func:`kill_launched` stops every Chromium this process launched (a page that never
  returns blocks Playwright's calls until its browser is gone).
* :class:`BookServer` serves a folder (the built site) on 127.0.0.1, an ephemeral port, in
  a thread, like a static host: gzip, ``ETag``/``Last-Modified`` answered with 304,
  ``Cache-Control: no-cache`` (every request reaches it), and a log of what it answered
  (:attr:`BookServer.hits`); :meth:`BookServer.hold` keeps chosen files back, as a slow
  connection does.

Playwright is imported when a browser is launched, not with this module.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import http.server
import os
import re
import signal
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import BookError
from .procs import descendants

CHROMIUM = "/usr/bin/chromium"
"""Debian's Chromium (``apt-get install chromium``); ``$TABBOOK_CHROMIUM`` names another."""
OFFLINE_ARGS = ["--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=127.0.0.1"]
"""Every request but those to 127.0.0.1 goes to a proxy on the discard port, where nothing
listens: it fails (``net::ERR_PROXY_CONNECTION_FAILED``) and is never sent anywhere."""
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", *OFFLINE_ARGS]


def chromium_path() -> str:
    """The Chromium to launch: ``$TABBOOK_CHROMIUM``, else :data:`CHROMIUM`."""
    return os.environ.get("TABBOOK_CHROMIUM") or CHROMIUM


def launch(playwright, executable: str | None = None):
    """Headless Chromium (a fresh, temporary user data dir per launch)."""
    return playwright.chromium.launch(executable_path=executable or chromium_path(),
                                      args=CHROMIUM_ARGS, headless=True)


class Chromium:
    """``with Chromium(given, purpose) as browser``: ``given`` when not None, else a headless
    Chromium launched (with Playwright) for the block and closed after it. ``purpose`` (a
    command, such as "`make pdf`") is named when Playwright or Chromium is missing or
    Chromium does not start."""

    def __init__(self, given=None, purpose: str = "this command"):
        self.given, self.purpose, self.pw, self.launched = given, purpose, None, None

    def __enter__(self):
        if self.given is not None:
            return self.given
        try:
            from playwright.sync_api import Error as PlaywrightError
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise BookError(f"{self.purpose} needs Playwright: "
                            "`pip install -r requirements.txt`") from None
        path = chromium_path()
        if not Path(path).exists():
            raise BookError(f"{self.purpose} runs Chromium, and {path} is missing: install it "
                            "(`apt-get install chromium`) or set TABBOOK_CHROMIUM")
        self.pw = sync_playwright().start()
        try:
            self.launched = launch(self.pw, path)
        except PlaywrightError as exc:
            self.pw.stop()
            self.pw = None
            lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
            raise BookError(f"Chromium ({path}) failed to start: "
                            f"{lines[0] if lines else type(exc).__name__}; check that "
                            f"`{path} --headless --no-sandbox --version` runs (a missing "
                            "library or font, too little memory), or set TABBOOK_CHROMIUM to a "
                            "Chromium that does") from None
        return self.launched

    def __exit__(self, *exc):
        if self.launched is not None:
            close_quietly(self.launched)
        if self.pw is not None:
            self.pw.stop()


def close_quietly(thing) -> None:
    """Close a browser, context or page that may be gone already (killed by
    :func:`kill_launched`: the error that says why is the one to report)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        thing.close()
    except PlaywrightError:
        pass


def kill_launched() -> None:
    """SIGKILL every Chromium this process launched (Playwright's launch: the browser
    process talks to it over ``--remote-debugging-pipe``), with its renderers and helpers."""
    for pid in descendants(os.getpid()):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                argv = fh.read().split(b"\0")
        except OSError:
            continue
        if b"--remote-debugging-pipe" in argv and not any(a.startswith(b"--type=") for a in argv):
            for each in [pid, *descendants(pid)]:
                try:
                    os.kill(each, signal.SIGKILL)
                except OSError:
                    pass


# --------------------------------------------------------------------------- the server

COMPRESSIBLE = {".html", ".js", ".css", ".json", ".svg", ".txt", ".map", ".ttf", ".otf", ".xml",
                ".ipynb", ".md", ".py"}


@dataclass
class Hit:
    path: str
    status: int


class _Handler(http.server.SimpleHTTPRequestHandler):
    server: "_Server"

    def log_message(self, fmt, *args):  # quiet; requests are recorded in server.hits
        pass

    def log_request(self, code="-", size="-"):
        try:
            status = int(getattr(code, "value", code))
        except (TypeError, ValueError):
            status = 0
        with self.server.lock:
            self.server.hits.append(Hit(self.path, status))

    def end_headers(self):
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def do_GET(self):
        for pattern, gate in list(self.server.holds):
            if pattern.search(self.path):
                gate.wait(timeout=60)  # held back until the holder lets it go
        path = Path(self.translate_path(self.path))
        if path.is_dir() and urlsplit(self.path).path.endswith("/"):
            path = path / "index.html"  # (without the slash: the parent class redirects)
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if self.server.gzip and accepts and path.is_file() and path.suffix in COMPRESSIBLE:
            stat = path.stat()
            etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}-gz"'
            modified = self.date_time_string(int(stat.st_mtime))
            if (self.headers.get("If-None-Match") == etag  # the browser's copy is current
                    or ("If-None-Match" not in self.headers
                        and self.headers.get("If-Modified-Since") == modified)):
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            body = self.server.compressed(path, stat)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()  # (answers If-Modified-Since with 304 itself)


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, use_gzip: bool):
        super().__init__(("127.0.0.1", 0), functools.partial(_Handler, directory=str(root)))
        self.gzip = use_gzip
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.holds: list[tuple[re.Pattern, threading.Event]] = []
        self._cache: dict[tuple[str, int, int], bytes] = {}

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the browser went away mid-transfer (a closed page): not the book's fault
        super().handle_error(request, client_address)

    def compressed(self, path: Path, stat: os.stat_result) -> bytes:
        key = (str(path), stat.st_mtime_ns, stat.st_size)
        with self.lock:
            body = self._cache.get(key)
        if body is None:
            body = gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)
            with self.lock:
                self._cache[key] = body
        return body


class BookServer:
    """Serve ``root`` on 127.0.0.1 (ephemeral port) in a thread; ``with BookServer(p) as s``.

    Like GitHub Pages and most static hosts it gzips text files (``use_gzip``), so the
    bytes the browser reports are the bytes a reader downloads, and it answers a browser
    that asks whether its cached copy is current (ETag, Last-Modified) with 304. Every
    answer says ``Cache-Control: no-cache``, so the browser asks each time: every request
    a page makes reaches the server and its log.
    """

    def __init__(self, root: Path, use_gzip: bool = True):
        self.root = Path(root)
        self._server = _Server(self.root, use_gzip)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def url(self, path: str = "") -> str:
        return self.base + path.lstrip("/")

    @property
    def hits(self) -> list[Hit]:
        with self._server.lock:
            return list(self._server.hits)

    @contextlib.contextmanager
    def hold(self, *patterns: str):
        """Answer requests whose path matches one of ``patterns`` (regexes) only after the
        ``with`` block: a slow connection that has not yet delivered those files."""
        gate = threading.Event()
        held = [(re.compile(p), gate) for p in patterns]
        self._server.holds.extend(held)
        try:
            yield
        finally:
            gate.set()
            for item in held:
                self._server.holds.remove(item)

    def errors(self) -> list[str]:
        """Requests the server answered with 4xx/5xx (e.g. a missing /favicon.ico)."""
        return [f"{h.status} {h.path}" for h in self.hits if h.status >= 400]

    def __enter__(self) -> "BookServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()

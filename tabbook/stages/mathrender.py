"""The book's formulas rendered to HTML when it is built: KaTeX, no math JavaScript in the pages.

Every formula of every page (inline ``$...$``, display ``$$...$$`` and ``{math}`` blocks,
in both editions) becomes KaTeX's HTML with MathML beside it (``htmlAndMathml``: the
screen readers read the MathML, the eyes see the HTML, which is ``aria-hidden``). What
that needs:

* the npm package ``katex``, pinned in ``tabbook/stages/mathrender_src/package-lock.json``
  and installed by the book's one npm installer (:func:`tabbook.sources.npm.install_locked`:
  ``npm ci`` into ``~/.cache/d2l-book/npm/mathrender-<hash of the lock file>/``, offline once
  installed); ``$TABBOOK_KATEX_NPM_DIR`` names a folder whose ``node_modules`` holds it
  (machines without npm);
* one Node.js process per Sphinx run (:class:`KatexRenderer`, ``mathrender_src/render.cjs``),
  sent the formulas in batches: many formulas, one node start;
* the stylesheet and fonts the pages use, staged by :func:`stage` in ``<stage>/katex/``:
  ``katex.min.css`` pointing at the ``woff2`` fonts only (every browser that runs the
  book's pages reads woff2), and those fonts; the browser fetches a font only when a
  formula on the page uses it.

A formula KaTeX cannot render is an error (``throwOnError``) naming where it is
(:class:`MathError`). This module does not import Sphinx.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..core.files import write_atomic
from ..sources import npm

SRC = Path(__file__).resolve().parent / "mathrender_src"
"""``package.json``, ``package-lock.json`` (the pinned katex) and ``render.cjs``."""
STATIC_NAME = "katex"
"""The stylesheet and fonts are served as ``_static/katex/``."""
CSS_NAME = "katex.min.css"
OVERRIDE_VAR = "TABBOOK_KATEX_NPM_DIR"


class MathError(Exception):
    """A formula cannot be rendered, or the renderer cannot be installed or started."""

    def __init__(self, message: str, failed: dict | None = None):
        super().__init__(message)
        self.failed: dict[tuple[str, bool], str] = failed or {}
        """KaTeX's reason for each formula (by :attr:`Formula.key`) it could not render."""


@dataclass(frozen=True)
class Formula:
    tex: str
    display: bool
    where: str = ""
    """Where it is, for errors: ``page.md:12``, and the catalog entry of a translation."""

    @property
    def key(self) -> tuple[str, bool]:
        return (self.tex, self.display)


def install() -> Path:
    """The folder whose ``node_modules`` holds the pinned katex (installed once if missing)."""
    override = os.environ.get(OVERRIDE_VAR)
    if override:
        folder = Path(override)
        if not (folder / "node_modules" / "katex" / "dist" / CSS_NAME).is_file():
            raise MathError(f"{OVERRIDE_VAR}={override} has no node_modules/katex (install "
                            "tabbook/stages/mathrender_src/package-lock.json there with `npm ci`)")
        return folder
    try:
        return npm.install_locked(SRC, "mathrender", "the formula renderer (KaTeX)",
                                  OVERRIDE_VAR)
    except npm.NpmError as exc:
        raise MathError(str(exc)) from None


def katex_version(npm_dir: Path) -> str:
    pkg = Path(npm_dir) / "node_modules" / "katex" / "package.json"
    return json.loads(pkg.read_text(encoding="utf-8"))["version"]


def katex_tex(tex: str, display: bool) -> str:
    """The TeX KaTeX is given for a formula of the page.

    A display formula is what Sphinx hands MathJax (``sphinx.ext.mathjax``): paragraphs
    separated by a blank line are equations aligned one under the other, and a paragraph
    with ``\\\\`` line breaks outside any environment is one multi-line equation
    (MathJax's ``split``; KaTeX has ``aligned``, the same layout).
    """
    tex = tex.strip()
    if not display:
        return tex
    tex = re.sub(r"\\(begin|end)\{split\}", r"\\\1{aligned}", tex)
    parts = [p.strip() for p in re.split(r"\n\s*\n", tex) if p.strip()]
    parts = [f"\\begin{{aligned}}{p}\\end{{aligned}}" if "\\\\" in p and "\\begin{" not in p
             else p for p in parts]
    if len(parts) > 1:
        return "\\begin{aligned}" + " \\\\ ".join(parts) + "\\end{aligned}"
    return parts[0] if parts else ""


class KatexRenderer:
    """One Node.js process with KaTeX for a whole Sphinx run; formulas rendered in batches
    and remembered by their TeX (a formula used twice is rendered once)."""

    def __init__(self, npm_dir: Path):
        self.npm_dir = Path(npm_dir)
        self.version = katex_version(self.npm_dir)
        self._proc: subprocess.Popen | None = None
        self._done: dict[tuple[str, bool], str] = {}

    def _start(self) -> subprocess.Popen:
        if self._proc is None or self._proc.poll() is not None:
            node = shutil.which("node")
            if node is None:
                raise MathError("the book's formulas are rendered by KaTeX with Node.js, which "
                                "is not on PATH: install Node.js (e.g. `apt-get install nodejs`)")
            env = {**os.environ, "NODE_PATH": str(self.npm_dir / "node_modules")}
            self._proc = subprocess.Popen([node, str(SRC / "render.cjs")], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                          text=True, encoding="utf-8", env=env)
        return self._proc

    def _ask(self, items: list[dict]) -> list[dict]:
        proc = self._start()
        try:
            proc.stdin.write(json.dumps(items) + "\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
        except OSError as exc:
            line, why = "", str(exc)
        else:
            why = ""
        if not line:
            self.close()
            err = (proc.stderr.read() if proc.stderr else "") or why
            raise MathError(f"the formula renderer (node {SRC / 'render.cjs'}) stopped: "
                            f"{err.strip()[-2000:]}")
        answer = json.loads(line)
        if isinstance(answer, dict):
            raise MathError(f"the formula renderer refused its input: {answer.get('fatal')}")
        return answer

    def render(self, formulas: list[Formula]) -> dict[tuple[str, bool], str]:
        """HTML of each formula, by :attr:`Formula.key`; :class:`MathError` naming every
        formula that cannot be rendered, where it is, and KaTeX's reason."""
        todo: dict[tuple[str, bool], Formula] = {}
        for f in formulas:
            if f.key not in self._done and f.key not in todo:
                todo[f.key] = f
        if todo:
            items = [{"tex": katex_tex(f.tex, f.display), "display": f.display}
                     for f in todo.values()]
            answers = self._ask(items)
            failed = {}
            for f, answer in zip(todo.values(), answers):
                if "html" in answer:
                    self._done[f.key] = answer["html"]
                else:
                    failed[f.key] = answer.get("error", "no answer")
            if failed:
                lines = [f"{f.where or '<unknown>'}: formula ${f.tex}$ cannot be rendered "
                         f"(KaTeX {self.version}): {failed[f.key]}"
                         for f in formulas if f.key in failed]
                raise MathError("\n".join(dict.fromkeys(lines)), failed)
        return {f.key: self._done[f.key] for f in formulas}

    def html(self, formula: Formula) -> str:
        return self.render([formula])[formula.key]

    def close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                try:
                    stream.close()
                except OSError:
                    pass
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


_ANNOTATION = re.compile(r"<annotation\b.*?</annotation>", re.S)
_MATHML = re.compile(r"<math\b.*?</math>", re.S)
_TAG = re.compile(r"<[^>]+>")


def readable(rendered: str) -> str:
    """The text a formula reads as (its MathML's symbols, no TeX): for the search index."""
    mathml = _MATHML.search(rendered)
    if mathml is None:
        return ""
    body = _ANNOTATION.sub("", mathml.group(0))
    text = html.unescape(_TAG.sub("", body))
    return re.sub(r"[\u2061-\u2064\s]+", " ", text).strip()


_FONT_SRC = re.compile(r"src:\s*url\(([^)]*\.woff2)\)\s*format\([\"']?woff2[\"']?\)[^;}]*")


def woff2_only_css(css: str) -> str:
    """KaTeX's stylesheet with each ``@font-face`` pointing at its woff2 file only."""
    return _FONT_SRC.sub(lambda m: f'src:url({m.group(1)}) format("woff2")', css)


def stage(npm_dir: Path, stage_dir: Path) -> Path:
    """Make ``<stage_dir>/katex/`` (``katex.min.css`` and its woff2 fonts); return ``stage_dir``.

    Remade only when the installed katex changed (a marker says which it holds); the
    marker is written last, so an interrupted staging is redone.
    """
    dist = Path(npm_dir) / "node_modules" / "katex" / "dist"
    dst = Path(stage_dir) / STATIC_NAME
    marker = dst / ".staged"
    want = f"katex {katex_version(npm_dir)} {npm.lock_hash(SRC)}"
    if marker.is_file() and marker.read_text(encoding="utf-8") == want:
        return Path(stage_dir)
    shutil.rmtree(dst, ignore_errors=True)
    (dst / "fonts").mkdir(parents=True)
    css = woff2_only_css((dist / CSS_NAME).read_text(encoding="utf-8"))
    if ".woff)" in css or ".ttf)" in css:
        raise MathError(f"{dist / CSS_NAME}: its @font-face rules are not the ones this "
                        "version of the book knows (woff2, woff, ttf)")
    write_atomic(dst / CSS_NAME, css.encode("utf-8"))
    for font in sorted((dist / "fonts").glob("*.woff2")):
        shutil.copy2(font, dst / "fonts" / font.name)
    licence = Path(npm_dir) / "node_modules" / "katex" / "LICENSE"
    if licence.is_file():
        shutil.copy2(licence, dst / "LICENSE")
    marker.write_text(want, encoding="utf-8")  # hidden: Sphinx does not copy dotfiles
    return Path(stage_dir)

"""``make publish``: assemble what goes online, pinned to each other, and check it.

The publish folder (:data:`PUBLISH_DIR`, :mod:`tabbook.core.layout`) holds:

* ``site/``: the HTML site, every language (the build's ``html`` folder, with a translation's
  edition in its folder, e.g. ``zh/``), plus ``_dist/`` with the ``d2l`` library's wheel
  and sdist built from this checkout (``python -m build``). The notebooks' install cells
  name that wheel's URL on the site (:attr:`BookConfig.wheel_url
  <tabbook.sources.config.BookConfig.wheel_url>`), so a notebook installs exactly the library it
  was built with. And the whole-book downloads, each page's download menu offering them
  (:mod:`tabbook.stages.downloads`): the PDFs `make pdf` printed (``_pdf/``) and the
  notebooks of each edition and framework as one zip (``_notebooks/``).
* ``notebooks/``: the tree of the notebooks branch (``tabbook.notebooks_branch``),
  ``<lang_dir><framework>/<page>.ipynb``: the paths the Colab links name.
* ``publish.json``: what was assembled and where it goes (repository, branch, folders,
  library version). The CI workflow reads the branch and folders from it, so they come
  from ``_config.yml`` like the links do.

:func:`check` holds the assembly against its pages: every Colab link of every page
resolves to a notebook of the tree (the same bytes as the page's download), every
notebook is linked, every install cell installs the built wheel, and the wheel holds
the library of this checkout. This module does not import Sphinx.
"""

from __future__ import annotations

import html.parser
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

from ..core.errors import BookError
from ..core.files import write_atomic
from ..core.layout import PUBLISH_DIR, Layout  # noqa: E402  (PUBLISH_DIR re-exported)
from ..sources.config import BookConfig, load_config
from .colab import HTML_DIR
from .downloads import PDF_DIR, ZIP_DIR, offer_downloads, zip_problems  # noqa: F401
from .notebook_code import translated_code_problems

SITE, NOTEBOOKS, DIST, MANIFEST_FILE = "site", "notebooks", "_dist", "publish.json"
LIBRARY_FILES = ("pyproject.toml", "d2l")
"""What the library's distributions are built from (``pyproject.toml`` packages ``d2l`` only)."""


# ---------------------------------------------------------------------------
# Building the library


def build_library(root: Path, out_dir: Path, cfg: BookConfig) -> tuple[Path, Path]:
    """Build the library's wheel and sdist into ``out_dir``; return (wheel, sdist).

    Built from a copy of the library's files (setuptools writes ``build/`` and
    ``*.egg-info`` next to its input), without build isolation: the build environment's
    pinned setuptools is the backend, so no index is needed.
    """
    root, out_dir = Path(root), Path(out_dir)
    with tempfile.TemporaryDirectory(prefix="tabbook-dist-") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in LIBRARY_FILES:
            path = root / name
            if path.is_dir():
                shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__"))
            elif path.exists():
                shutil.copy2(path, src / name)
            else:
                raise BookError(f"the library's {name} is missing (run `make lib`)", path=name)
        res = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir",
                              str(out_dir), str(src)], capture_output=True, text=True,
                             env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
        if res.returncode != 0:
            raise BookError("`python -m build` failed building the d2l library:\n"
                            + (res.stdout + res.stderr)[-3000:], path="pyproject.toml")
    wheel, sdist = out_dir / cfg.wheel_name, out_dir / cfg.sdist_name
    found = sorted(p.name for p in out_dir.iterdir())
    if found != sorted([wheel.name, sdist.name]):
        raise BookError(f"`python -m build` made {found}, expected {wheel.name} and {sdist.name} "
                        "(is the library still pure Python?)", path="pyproject.toml")
    return wheel, sdist


# ---------------------------------------------------------------------------
# Assembling


def _git_commit(root: Path) -> str:
    """The commit the book is built from ('' outside git or with uncommitted changes)."""
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True,
                              text=True, timeout=30)
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return ""
    if head.returncode != 0 or dirty.returncode != 0 or dirty.stdout.strip():
        return ""
    return head.stdout.strip()


def branch_readme(cfg: BookConfig, commit: str) -> str:
    source = f"commit {commit} of " if commit else ""
    return (f"# Colab notebooks of the book\n\n"
            f"Generated by `make publish` from {source}{cfg.repository_url} "
            f"(branch `{cfg.repository_branch}`); the workflow replaces this branch on every "
            f"publication, so do not edit it. One folder per framework "
            f"(`<framework>/<page>.ipynb`), and per language for translations "
            f"(`<language>/<framework>/<page>.ipynb`). Each notebook installs the d2l library "
            f"{cfg.library_name} {cfg.library_version} from {cfg.wheel_url or 'its own cell'}.\n")


INTERMEDIATES = "jupyter_execute"
"""myst-nb's executed notebooks and output files beside the HTML: published only where a
page links them."""
LINK_RE = re.compile(r"""(?:href|src)\s*=\s*["']([^"'#?]+)""")


def _gone_editions(root: Path) -> set[str]:
    """Folders of the translated editions the book no longer has (its catalogs deleted)."""
    from ..sources.i18n import TRANSLATIONS, translations

    present = {e.folder for e in translations(root)}
    return {e.folder for e in TRANSLATIONS if e.folder not in present}


def _not_this_build(top: Path, root: Path):
    """A copytree ``ignore``: what the build at ``top`` did not make for the book as it is
    now: hidden files (the build's own bookkeeping, which names paths of this machine),
    the folders of editions whose catalogs are gone, myst-nb's intermediates."""
    gone = _gone_editions(root)
    top = Path(top).resolve()

    def ignore(folder: str, names: list[str]) -> set[str]:
        here = Path(folder).resolve()
        skip = {n for n in names if n.startswith(".")}
        if here == top:
            skip |= {n for n in names if n in gone}
        return skip | {n for n in names if n == INTERMEDIATES}
    return ignore


def copy_site(root: Path, html_dir: Path, site: Path, log=print) -> list[str]:
    """Copy the built site without what this build did not make (:func:`_not_this_build`)
    and without the files no build wrote (:func:`tabbook.stages.sitefiles.site_files`: a
    note or a page put there by hand is never published), which are logged and returned;
    of myst-nb's intermediates, only the files a page links."""
    from ..sources.i18n import SOURCE, translations
    from .sitefiles import site_files

    html_dir = Path(html_dir)
    wrote = site_files(root, [SOURCE, *translations(root)])
    not_this_build = _not_this_build(html_dir, root)
    left_out: list[str] = []

    def ignore(folder: str, names: list[str]) -> set[str]:
        skip = not_this_build(folder, names)
        here = Path(folder).relative_to(html_dir).as_posix()
        for name in sorted(set(names) - skip):
            rel = name if here == "." else f"{here}/{name}"
            if not (Path(folder) / name).is_dir() and rel not in wrote:
                skip.add(name)
                left_out.append(rel)
        return skip

    shutil.copytree(html_dir, site, ignore=ignore)
    if left_out:
        log(f"[tabbook] warning: left out of the site {len(left_out)} file(s) of {html_dir} "
            f"that no build wrote: {', '.join(left_out[:10])}"
            + (", ..." if len(left_out) > 10 else "") + " (delete them, or `make clean` and "
            "`make html` if a build should make them)")
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8", errors="replace")
        if INTERMEDIATES not in text:
            continue
        for link in LINK_RE.findall(text):
            if INTERMEDIATES not in link or "://" in link:
                continue
            rel = posixpath.normpath(posixpath.join(page.parent.relative_to(site).as_posix(), link))
            src = html_dir / rel
            if (not rel.startswith("../") and src.is_file() and not (site / rel).exists()
                    and rel in wrote):
                (site / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, site / rel)
    return left_out


def assemble(root: Path, out: Path | None = None) -> Path:
    """Assemble :data:`PUBLISH_DIR` (or ``out``) from the built book; check it; return it."""
    root = Path(root)
    cfg = load_config(root)
    if not cfg.published:
        raise BookError("the book is not published: set `repository.url` (and `branch`) in "
                        "_config.yml to the repository the site and notebooks go to",
                        path="_config.yml")
    if os.environ.get("TABBOOK_D2L_PACKAGE"):
        raise BookError("$TABBOOK_D2L_PACKAGE is set: the notebooks would install that instead "
                        "of the published wheel; unset it and run `make html` again")
    html_dir, colab_dir = Layout(root).html(), root / cfg.colab_dir
    if not (html_dir / "index.html").exists() or not colab_dir.is_dir():
        raise BookError(f"the book is not built ({html_dir / 'index.html'} or {colab_dir} is "
                        "missing): run `make html` first")
    out = Path(out) if out else root / PUBLISH_DIR
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        copy_site(root, html_dir, tmp / SITE)
        (tmp / SITE / ".nojekyll").write_text("")  # serve _static/, _dist/ as they are
        build_library(root, tmp / SITE / DIST, cfg)
        # (the manifest and the references file are hidden files: the build's bookkeeping)
        shutil.copytree(colab_dir, tmp / NOTEBOOKS, ignore=_not_this_build(colab_dir, root))
        offered = offer_downloads(tmp / SITE, tmp / NOTEBOOKS, Layout(root).pdf, root, html_dir)
        commit = _git_commit(root)
        (tmp / NOTEBOOKS / "README.md").write_text(branch_readme(cfg, commit), encoding="utf-8")
        manifest = {
            "repository": cfg.repository_url,
            "commit": commit,
            "site": SITE,
            "site_url": cfg.site_url,
            "notebooks": NOTEBOOKS,
            "notebooks_branch": cfg.notebooks_branch,
            "colab_url": cfg.colab_pattern,
            "pdfs": [f"{SITE}/{PDF_DIR}/{name}" for name in offered.names("pdfs")],
            "notebook_zips": [f"{SITE}/{ZIP_DIR}/{name}" for name in offered.names("zips")],
            "library": {"name": cfg.library_name, "version": cfg.library_version,
                        "wheel": f"{SITE}/{DIST}/{cfg.wheel_name}",
                        "sdist": f"{SITE}/{DIST}/{cfg.sdist_name}", "wheel_url": cfg.wheel_url},
        }
        write_atomic(tmp / MANIFEST_FILE, (json.dumps(manifest, indent=2) + "\n").encode())
        problems = check(tmp, cfg, root)
        if problems:
            raise BookError("the assembled site and notebooks disagree:\n  "
                            + "\n  ".join(problems[:30])
                            + (f"\n  ... and {len(problems) - 30} more"
                               if len(problems) > 30 else ""))
        if out.exists():
            old = out.with_name(f".{out.name}-old")
            shutil.rmtree(old, ignore_errors=True)
            out.rename(old)
            tmp.rename(out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            tmp.rename(out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out


# ---------------------------------------------------------------------------
# Checking


class ColabBlocks(html.parser.HTMLParser):
    """The ``data-*`` attributes of each ``.tabbook-colab`` block of a page."""

    def __init__(self):
        super().__init__()
        self.blocks: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "tabbook-colab" in (attrs.get("class") or "").split():
            self.blocks.append(attrs)


def colab_blocks(page: Path) -> list[dict]:
    parser = ColabBlocks()
    parser.feed(page.read_text(encoding="utf-8", errors="replace"))
    return parser.blocks


def url_regex(pattern: str) -> re.Pattern:
    """A regex that reads (lang_dir, framework, path) back from a Colab URL of ``pattern``
    (``lang_dir``: a translated edition's folder, from the translations table, or '')."""
    from ..sources.i18n import TRANSLATIONS

    parts = re.split(r"(\{lang_dir\}|\{framework\}|\{path\})", pattern)
    folders = "|".join(re.escape(e.prefix) for e in TRANSLATIONS)
    groups = {"{lang_dir}": rf"(?P<lang_dir>(?:{folders})?)",
              "{framework}": r"(?P<framework>[a-z0-9]+)", "{path}": r"(?P<path>[^?#]+\.ipynb)"}
    return re.compile("^" + "".join(groups.get(p, re.escape(p)) for p in parts) + "$")


def install_line(nb: nbformat.NotebookNode) -> str:
    """The ``%pip install`` line of a notebook's install cell ('' if none)."""
    cell = next((c for c in nb.cells if c.get("id") == "colab-install"), None)
    if cell is None:
        return ""
    return next((ln for ln in cell.source.splitlines() if ln.startswith("%pip install")), "")


def check(publish: Path, cfg: BookConfig, root: Path | None = None) -> list[str]:
    """Problems of an assembled ``publish`` folder (empty when it is consistent)."""
    publish = Path(publish)
    site, tree = publish / SITE, publish / NOTEBOOKS
    problems: list[str] = []
    regex = url_regex(cfg.colab_pattern)
    linked: set[str] = set()
    pages = 0
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        if rel.startswith(("_static/", f"{DIST}/", f"{PDF_DIR}/", f"{ZIP_DIR}/")) \
                or f"/{HTML_DIR}/" in f"/{rel}":
            continue
        for block in colab_blocks(page):
            pages += 1
            for name in (block.get("data-frameworks") or "").split():
                url = block.get(f"data-colab-{name}") or ""
                m = regex.match(url)
                if not m:
                    problems.append(f"{rel}: the {name} Colab link {url!r} does not follow "
                                    f"{cfg.colab_pattern!r}")
                    continue
                lang_dir = m.groupdict().get("lang_dir") or ""  # (a pattern may lack it)
                nb_rel = lang_dir + m.group("framework") + "/" + m.group("path")
                linked.add(nb_rel)
                if m.group("framework") != name:
                    problems.append(f"{rel}: the {name} Colab link opens {nb_rel}")
                if not (tree / nb_rel).is_file():
                    problems.append(f"{rel}: the {name} Colab link opens {nb_rel}, which is not "
                                    f"in the notebooks tree")
                    continue
                href = block.get(f"data-download-{name}", "")
                download = posixpath.normpath(posixpath.join(posixpath.dirname(rel), href))
                edition, _, below = download.partition(f"{HTML_DIR}/")
                if edition != lang_dir or below != f"{name}/{m.group('path')}":
                    problems.append(f"{rel}: the {name} Colab link opens {nb_rel} but the page's "
                                    f"download is {download}")
                elif not (site / download).is_file() or \
                        (site / download).read_bytes() != (tree / nb_rel).read_bytes():
                    problems.append(f"{rel}: {nb_rel} differs from the page's download {download}")
    if not pages:
        problems.append(f"no page of {site} has Colab links")
    wheel = site / DIST / cfg.wheel_name
    expected = cfg.d2l_package or cfg.wheel_url
    for nb_path in sorted(tree.rglob("*.ipynb")):
        nb_rel = nb_path.relative_to(tree).as_posix()
        if nb_rel not in linked:
            problems.append(f"notebooks/{nb_rel}: no page links to it")
        nb = nbformat.read(nb_path, as_version=4)
        line = install_line(nb)
        if line.split()[3:4] != [expected]:
            problems.append(f"notebooks/{nb_rel}: the install cell does not install "
                            f"{expected} (found {line!r})")
        intro = nb.cells[0].source if nb.cells else ""
        if f"{cfg.library_name} {cfg.library_version}" not in intro:
            problems.append(f"notebooks/{nb_rel}: the first cell does not name the library "
                            f"{cfg.library_name} {cfg.library_version}")
    # a translated notebook runs the English notebook's code (comments aside)
    problems += translated_code_problems(tree, f"{NOTEBOOKS}/")
    if root is not None:  # each notebook zip holds every notebook of its edition and framework
        problems += [f"{SITE}/{p}" for p in zip_problems(site, tree, Path(root))]
    if not wheel.is_file():
        problems.append(f"the wheel {wheel.relative_to(publish)} is missing")
    elif root is not None:
        problems += _library_problems(wheel, Path(root))
    return problems


def _library_problems(wheel: Path, root: Path) -> list[str]:
    """The wheel must hold this checkout's ``d2l`` package, file for file."""
    problems = []
    with zipfile.ZipFile(wheel) as zf:
        inside = {n: zf.read(n) for n in zf.namelist() if n.startswith("d2l/")}
    # the modules, and the exercise checkers' compiled catalogs (`make lib`)
    here = {p.relative_to(root).as_posix(): p.read_bytes()
            for p in [*(root / "d2l").rglob("*.py"), *(root / "d2l").glob("locales/*/*/*.mo")]}
    for name in sorted(set(inside) | set(here)):
        if inside.get(name) != here.get(name):
            problems.append(f"{wheel.name}: {name} differs from the checkout's")
    return problems


def read_manifest(publish: Path) -> dict:
    return json.loads((Path(publish) / MANIFEST_FILE).read_text(encoding="utf-8"))

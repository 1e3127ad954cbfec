"""Publishing: one setting (``repository:``) for every outward URL, and `make publish`.

(The settings, the URLs derived from ``repository.url`` and their bad values are
kernel-free: ``tests/unit/test_config.py``.)

* The assembly (`make publish`, run here into ``_build/publish``) against its pages:
  every Colab link resolves to a notebook of the tree, every install cell installs the
  built wheel of the version in pyproject.toml, and the wheel installs and imports in each
  framework's environment. A table of broken assemblies shows the check catches each.
* A copy of the book built with two ``repository.url`` values, and with none: every link,
  install cell and footer follows.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import nbformat
import pytest
import tomllib
import yaml

from bookutil import HTML, REPO, TINY_PAGE, build, copy_book, tiny_book
from tabbook.core.errors import BookError
from tabbook.core.frameworks import FRAMEWORKS
from tabbook.core.layout import Layout
from tabbook.sources.config import load_config
from tabbook.sources.envs import env_python
from tabbook.stages import publish
from tabbook.stages.colab_cells import NOT_PUBLISHED
from tabbook.stages.publish import colab_blocks

COLAB = "https://colab.research.google.com/github"
PROJECT = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
WHEEL = f"{PROJECT['name'].replace('-', '_')}-{PROJECT['version']}-py3-none-any.whl"


def _write_book(tmp_path: Path, config: dict, pyproject: str | None = None) -> Path:
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        pyproject if pyproject is not None else (REPO / "pyproject.toml").read_text())
    return tmp_path


# ---------------------------------------------------------------------------- the assembly


def _links(site: Path) -> list[tuple[str, str, str]]:
    """(page, framework, Colab URL) for every Colab link of every page of the site."""
    found = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        for block in colab_blocks(page):
            for name in block["data-frameworks"].split():
                found.append((rel, name, block.get(f"data-colab-{name}")))
    return found


def test_every_colab_link_opens_a_notebook_of_the_tree(assembled):
    out, cfg = assembled
    info = json.loads((out / "publish.json").read_text())
    owner, repo = cfg.github
    prefix = f"{COLAB}/{owner}/{repo}/blob/{info['notebooks_branch']}/"
    tree = out / info["notebooks"]
    links = _links(out / info["site"])
    assert {name for _, name, _ in links} == {fw.name for fw in FRAMEWORKS}
    opened = set()
    for page, name, url in links:
        assert url and url.startswith(prefix), f"{page}: {url}"
        rel = url[len(prefix):]
        first = page.split("/")[0]
        lang = first + "/" if (out / info["site"] / first / "_colab").is_dir() else ""
        assert rel == f"{lang}{name}/{page[len(lang):-len('.html')]}.ipynb", (page, url)
        assert (tree / rel).is_file(), f"{page}: {url} opens {rel}, missing from {tree}"
        opened.add(rel)
    notebooks = {p.relative_to(tree).as_posix() for p in tree.rglob("*.ipynb")}
    assert notebooks == opened, "notebooks no page links to: " + ", ".join(notebooks - opened)


def test_every_install_cell_installs_the_built_wheel(assembled):
    out, cfg = assembled
    info = json.loads((out / "publish.json").read_text())
    wheel = out / info["library"]["wheel"]
    assert wheel.name == WHEEL and wheel.is_file()
    assert (out / info["library"]["sdist"]).is_file()
    assert wheel.parent == out / info["site"] / "_dist"  # served by the site, at wheel_url
    url = info["site_url"] + "_dist/" + WHEEL
    for path in sorted((out / info["notebooks"]).rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        install = nb.cells[1].source
        assert f"%pip install -q {url}" in install, path
        assert f"{PROJECT['name']} {PROJECT['version']}" in nb.cells[0].source, path
        assert "git+" not in install, path
    footer = (out / info["site"] / "index.html").read_text()
    assert f'<a href="{url}">{PROJECT["name"]} {PROJECT["version"]}</a>' in footer
    with zipfile.ZipFile(wheel) as zf:
        meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
        assert f"Version: {PROJECT['version']}" in zf.read(meta).decode()
        for fw in FRAMEWORKS:
            assert zf.read(f"d2l/{fw.module}.py") == (REPO / "d2l" / f"{fw.module}.py").read_bytes()


@pytest.mark.parametrize("fw", FRAMEWORKS, ids=lambda fw: fw.name)
def test_wheel_installs_and_imports(assembled, fw, tmp_path):
    """The wheel, installed (--no-deps) on top of the framework's environment, imports."""
    out, _ = assembled
    wheel = out / json.loads((out / "publish.json").read_text())["library"]["wheel"]
    target = tmp_path / "site-packages"
    res = subprocess.run([str(env_python(fw.name)), "-m", "pip", "install", "--quiet",
                          "--no-deps", "--no-index", "--target", str(target), str(wheel)],
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    probe = ("import importlib.metadata as m, d2l\n"
             f"from d2l import {fw.module} as lib\n"
             f"print(lib.__file__, m.version({PROJECT['name']!r}), hasattr(lib, 'Classifier'))")
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
    env["PYTHONPATH"] = str(target)
    res = subprocess.run([str(env_python(fw.name)), "-c", probe], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    path, version, has = res.stdout.split()[-3:]
    assert Path(path).is_relative_to(target) and version == PROJECT["version"] and has == "True"


def _corrupt_notebook(out: Path):
    nb = next((out / "notebooks").rglob("*.ipynb"))
    nb.unlink()
    return "not in the notebooks tree"


def _unpinned_install(out: Path):
    nb_path = next((out / "notebooks" / "jax").rglob("*.ipynb"))
    nb = nbformat.read(nb_path, as_version=4)
    wheel_url = json.loads((out / "publish.json").read_text())["library"]["wheel_url"]
    assert wheel_url in nb.cells[1].source
    nb.cells[1].source = nb.cells[1].source.replace(wheel_url, "git+https://github.com/o/r")
    nbformat.write(nb, nb_path)
    return "the install cell does not install"


def _orphan(out: Path):
    (out / "notebooks" / "pytorch" / "stale.ipynb").write_text(
        nbformat.writes(nbformat.v4.new_notebook()))
    return "no page links to it"


def _wrong_branch(out: Path):
    page = next(p for p in (out / "site").rglob("*.html") if colab_blocks(p))
    page.write_text(page.read_text().replace("/blob/colab/", "/blob/main/"))
    return "does not follow"


def _stale_library(out: Path):
    wheel = next((out / "site" / "_dist").glob("*.whl"))
    with zipfile.ZipFile(wheel, "a") as zf:
        zf.writestr("d2l/extra.py", "x = 1\n")
    return "d2l/extra.py differs"


def _zip_short_of_a_notebook(out: Path):
    path = next((out / "site" / publish.ZIP_DIR).glob("*.zip"))
    with zipfile.ZipFile(path) as zf:
        kept = {n: zf.read(n) for n in zf.namelist()[1:]}
        gone = zf.namelist()[0].split("/", 1)[1]
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in kept.items():
            zf.writestr(name, data)
    return f"{gone} is missing"


@pytest.mark.parametrize("corrupt", [_corrupt_notebook, _unpinned_install, _orphan,
                                     _wrong_branch, _stale_library, _zip_short_of_a_notebook],
                         ids=lambda f: f.__name__)
def test_check_catches_a_broken_assembly(assembled, corrupt, tmp_path):
    out, cfg = assembled
    copy = tmp_path / "publish"
    shutil.copytree(out, copy)
    assert publish.check(copy, cfg, REPO) == []
    expected = corrupt(copy)
    problems = publish.check(copy, cfg, REPO)
    assert any(expected in p for p in problems), problems


def test_each_zip_holds_every_notebook_of_its_framework_and_language(assembled):
    """Issue 32 item 12: each edition's pages offer, per framework, the book's notebooks as
    one zip (site/_notebooks/): it holds the notebook of every page of that edition that
    has a download for that framework, the same bytes, and nothing else; every page's
    download menu links it (data-tabbook-href-<framework>, which the tabs follow)."""
    from bs4 import BeautifulSoup

    from tabbook.sources.i18n import EDITIONS
    from tabbook.stages.downloads import zip_name
    from tabbook.stages.pdf import pdf_tag

    out, _ = assembled
    site = out / "site"
    editions = [e for e in EDITIONS if (site / e.folder / "index.html").is_file()]
    assert len(editions) == len(EDITIONS)
    for edition in editions:
        top = site / edition.folder
        pages = [p for p in sorted(top.rglob("*.html")) if colab_blocks(p)
                 and p.relative_to(top).parts[0] not in {e.folder for e in EDITIONS}]
        assert pages, edition
        for fw in FRAMEWORKS:
            name = zip_name(pdf_tag(edition), fw.name)
            want = {}
            for page in pages:
                for block in colab_blocks(page):
                    download = (page.parent / block[f"data-download-{fw.name}"]).resolve()
                    rel = download.relative_to((top / "_colab" / fw.name).resolve()).as_posix()
                    want[f"{name.removesuffix('-notebooks.zip')}/{rel}"] = download.read_bytes()
            with zipfile.ZipFile(site / publish.ZIP_DIR / name) as zf:
                have = {n: zf.read(n) for n in zf.namelist()}
            assert have == want, (name, sorted(have), sorted(want))
            for page in pages:
                doc = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
                entry = doc.select_one(".dropdown-download-buttons "
                                       "a.btn-download-book-notebooks-button")
                assert entry is not None, page
                href = (page.parent / entry[f"data-tabbook-href-{fw.name}"]).resolve()
                assert href == (site / publish.ZIP_DIR / name).resolve(), (page, href)
    manifest = json.loads((out / "publish.json").read_text())
    assert len(manifest["notebook_zips"]) == len(editions) * len(FRAMEWORKS)


def test_check_follows_a_translation_into_its_folders(assembled, tmp_path):
    """A second edition in site/zh/ links to notebooks/zh/<framework>/...: checked as such."""
    out, cfg = assembled
    copy = tmp_path / "publish"
    shutil.copytree(out, copy)
    pages = [p for p in (copy / "site").rglob("*.html") if colab_blocks(p)
             and p.relative_to(copy / "site").parts[0] != "zh"]
    if not (copy / "site" / "zh").is_dir():  # a book without its Chinese edition: make one
        shutil.copytree(copy / "site" / "_colab", copy / "site" / "zh" / "_colab")
        for page in pages:
            rel = page.relative_to(copy / "site")
            zh = copy / "site" / "zh" / rel
            zh.parent.mkdir(parents=True, exist_ok=True)
            zh.write_text(page.read_text().replace("/blob/colab/", "/blob/colab/zh/"))
        for fw in FRAMEWORKS:
            shutil.copytree(copy / "notebooks" / fw.name, copy / "notebooks" / "zh" / fw.name)
    assert publish.check(copy, cfg, REPO) == []
    # a Chinese page that opens the English notebooks is caught
    zh = copy / "site" / "zh" / pages[0].relative_to(copy / "site")
    zh.write_text(zh.read_text().replace("/blob/colab/zh/", "/blob/colab/"))
    problems = publish.check(copy, cfg, REPO)
    assert any("but the page's download is zh/_colab/" in p for p in problems), problems


def _assembly_texts(out: Path):
    """(name, bytes) of every file of the assembly, the wheel's and sdist's members too."""
    import tarfile

    for path in sorted(out.rglob("*")):
        if not path.is_file():
            continue
        rel = path.relative_to(out).as_posix()
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as zf:
                for name in zf.namelist():
                    yield f"{rel}!{name}", zf.read(name)
        elif path.name.endswith(".tar.gz"):
            with tarfile.open(path) as tf:
                for member in tf.getmembers():
                    if member.isfile():
                        yield f"{rel}!{member.name}", tf.extractfile(member).read()
        else:
            yield rel, path.read_bytes()


def test_assembly_holds_what_the_build_made_and_no_machine_path(assembled):
    """Issue 16 item 11: no myst-nb intermediates nor hidden build files are published,
    and no file names the checkout's path or /tmp/."""
    out, _ = assembled
    site = out / "site"
    assert not [p for p in site.rglob("jupyter_execute")], "myst-nb's intermediates published"
    hidden = [p.relative_to(out).as_posix() for p in out.rglob(".*") if p.name != ".nojekyll"]
    assert hidden == []
    needles = [str(REPO).encode(), str(REPO.resolve()).encode(), b"/tmp/"]
    # Pyodide's runtime is published as npm ships it (its virtual file system has a /tmp/):
    # those files must be the package's own bytes, and only they are let off the search
    from tabbook.stages.tryit import PYODIDE_FILES, install_packages

    shipped = install_packages() / "node_modules" / "pyodide"
    vendored = {f"site/_static/tryit/pyodide/{name}": shipped / name for name in PYODIDE_FILES}
    found = []
    for name, data in _assembly_texts(out):
        if name in vendored:
            assert data == vendored[name].read_bytes(), f"{name} is not the npm package's file"
            continue
        found += [(name, n.decode()) for n in needles if n in data]
    assert found == []


def test_publish_without_catalogs_leaves_the_old_edition_out(tmp_path, monkeypatch):
    """Issue 16 item 10: `locales/` deleted, the assembly holds no Chinese site nor notebooks
    left from the build that had them."""
    if not (HTML / "index.html").exists():
        pytest.fail("the book is not built: run `make html` (make test does it first)")
    (tmp_path / "book").mkdir()
    book = copy_book(tmp_path / "book")
    shutil.rmtree(book / "locales", ignore_errors=True)
    cfg = load_config(book)
    shutil.copytree(HTML, Layout(book).html_root)
    shutil.copytree(REPO / cfg.colab_dir, book / cfg.colab_dir)
    monkeypatch.delenv("TABBOOK_D2L_PACKAGE", raising=False)
    out = publish.assemble(book)
    assert (out / "site" / "index.html").is_file()
    assert not (out / "site" / "zh").exists() and not (out / "notebooks" / "zh").exists()


def test_publish_refuses_an_unpublished_book(tmp_path):
    _write_book(tmp_path, {"title": "x"})
    with pytest.raises(BookError, match="repository.url"):
        publish.assemble(tmp_path)


# ---------------------------------------------------------------------------- two repositories


def _set_repository(book: Path, url: str | None) -> None:
    path = book / "_config.yml"
    data = yaml.safe_load(path.read_text())
    if url is None:
        data.pop("repository", None)
    else:
        data["repository"] = {"url": url, "branch": "main"}
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.book_build
def test_links_and_install_cells_follow_repository_url(tmp_path):
    """Build the tiny book with two repository.url values, then none: everything outward
    follows (the Colab links, the notebooks, the theme's buttons, the footer)."""
    book = tiny_book(tmp_path / "book")
    cfg = load_config(book)
    urls = {"https://github.com/first-owner/first-book": ("first-owner", "first-book"),
            "https://github.com/second-owner/second-book": ("second-owner", "second-book")}
    for url, (owner, repo) in urls.items():
        _set_repository(book, url)
        res = build(book)
        assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
        others = [u for u in urls if u != url]
        site = f"https://{owner}.github.io/{repo}/"
        links = _links(Layout(book).html_root)
        assert links
        for page, name, link in links:
            assert link.startswith(f"{COLAB}/{owner}/{repo}/blob/{cfg.notebooks_branch}/{name}/")
            notebook = link.split(f"/blob/{cfg.notebooks_branch}/")[1]
            assert (book / cfg.colab_dir / notebook).is_file()
        notebooks = sorted((book / cfg.colab_dir).rglob("*.ipynb"))
        assert notebooks
        for path in notebooks:
            text = path.read_text()
            nb = nbformat.reads(text, as_version=4)
            assert f"%pip install -q {site}_dist/{WHEEL}" in nb.cells[1].source, path
            assert f"]({site}" in nb.cells[0].source, path  # links back to its page
            assert not any(o in text or o.split("/")[3] in text for o in others), path
        index = (Layout(book).html_root / "index.html").read_text()
        assert f'href="{url}"' in index and f"{url}/edit/main/index.md" in index
        assert f"{site}_dist/{WHEEL}" in index and not any(o in index for o in others)
    _set_repository(book, None)
    res = build(book)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    assert all(link is None for _, _, link in _links(Layout(book).html_root))
    page = Layout(book).html_root / TINY_PAGE.replace(".md", ".html")
    assert NOT_PUBLISHED in page.read_text() and "tabbook-colab-open" not in page.read_text()
    for path in (book / cfg.colab_dir).rglob("*.ipynb"):
        install = nbformat.read(path, as_version=4).cells[1].source
        assert NOT_PUBLISHED in install and "_dist/" not in install, path
    index = (Layout(book).html_root / "index.html").read_text()
    assert "github.com" not in index and f"{PROJECT['name']} {PROJECT['version']}" in index

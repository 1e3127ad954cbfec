"""tabbook.sphinxext.offline without a browser: staging MathJax, and saying what is missing.

(The browser tests check the result: every page typesets its math from _static/mathjax/
and no request leaves 127.0.0.1.)
"""

from __future__ import annotations

import json

import pytest

from tabbook.sphinxext import offline


def fake_mathjax(root, version=offline.MATHJAX_VERSION):
    pkg = root / "mathjax"
    (pkg / "es5" / "output" / "chtml" / "fonts" / "woff-v2").mkdir(parents=True)
    (pkg / "es5" / "output" / "chtml" / "fonts" / "woff-v2" / "MathJax_Main-Regular.woff").write_text("f")
    (pkg / "es5" / "adaptors").mkdir()
    (pkg / "es5" / offline.MATHJAX_COMPONENT).write_text("// mathjax")
    (pkg / "es5" / "tex-svg.js").write_text("// not needed")
    (pkg / "LICENSE").write_text("Apache-2.0")
    (pkg / "package.json").write_text(json.dumps({"name": "mathjax", "version": version}))
    return pkg


def test_stage_copies_the_component_its_folders_and_license_only(tmp_path):
    pkg = fake_mathjax(tmp_path)
    stage = offline.stage_mathjax(pkg, tmp_path / "stage")
    mj = stage / offline.STATIC_NAME
    assert (mj / offline.MATHJAX_COMPONENT).read_text() == "// mathjax"
    assert (mj / "output/chtml/fonts/woff-v2/MathJax_Main-Regular.woff").is_file()
    assert (mj / "LICENSE").is_file()
    assert not (mj / "tex-svg.js").exists() and not (mj / "adaptors").exists()
    # staged once: a second call with the same package leaves it alone
    (mj / "extra").write_text("x")
    offline.stage_mathjax(pkg, tmp_path / "stage")
    assert (mj / "extra").exists()


def test_override_dir_must_be_a_mathjax_package(tmp_path, monkeypatch):
    monkeypatch.setenv("TABBOOK_MATHJAX_DIR", str(tmp_path))
    with pytest.raises(offline.OfflineError, match="not an unpacked mathjax@3"):
        offline.install_mathjax(tmp_path / "vendor")
    pkg = fake_mathjax(tmp_path)
    monkeypatch.setenv("TABBOOK_MATHJAX_DIR", str(pkg))
    assert offline.install_mathjax(tmp_path / "vendor") == pkg


def test_without_npm_the_error_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.delenv("TABBOOK_MATHJAX_DIR", raising=False)
    monkeypatch.setattr(offline.shutil, "which", lambda name: None)
    with pytest.raises(offline.OfflineError, match="npm.*TABBOOK_MATHJAX_DIR"):
        offline.install_mathjax(tmp_path / "vendor")


def test_a_book_that_sets_its_own_mathjax_keeps_it():
    assert offline._is_default_mathjax("https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js")
    assert not offline._is_default_mathjax("https://example.org/my-mathjax.js")
    assert offline._is_default_mathjax(offline.local_path())

"""The exercise cells that run in the page, as the build makes them (no browser).

The built 4.3 pages (English and Chinese) mark exactly the three "try your answer"
cells; the Chinese page's starter code has Chinese docstrings and comments but the same
code; the runner's settings carry the edition's language and strings; and
``_static/tryit/`` serves Pyodide, the bundled editor and the very ``d2l/exercises.py``
(and compiled catalogs) of the book, and the snapshot of that Pyodide's Python, which the
stage remakes only when what it is made from changed. Also the helpers that find and
translate the cells.
"""

from __future__ import annotations

import ast
import gzip
import json
import os
import re
import struct
from html import unescape
from pathlib import Path

import pytest

from bookutil import REPO
from tabbook.sources import npm
from tabbook.sources.code_prose import code_messages, translate_code
from tabbook.sphinxext.sphinx_tryit import is_runnable, split_checks
from tabbook.stages import tryit
from tabbook.stages.tryit import (
    PYODIDE_FILES,
    SNAPSHOT_NAME,
    snapshot_cache,
    snapshot_inputs,
    stage_snapshot,
)

PAGE = "chapter_linear-classification/classification.html"
CJK = re.compile(r"[\u4e00-\u9fff]")


def runnable_cells(html: Path) -> list[str]:
    text = html.read_text(encoding="utf-8")
    cells = re.findall(r'<div class="cell tag_skip-execution tabbook-tryit[^"]*" '
                       r'id="tryit-[^"]+">.*?<pre>(.*?)</pre>', text, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", c)) for c in cells]


def settings(html: Path) -> dict:
    text = html.read_text(encoding="utf-8")
    m = re.search(r'<script type="application/json" id="tabbook-tryit-settings">(.*?)</script>',
                  text, re.S)
    assert m, f"{html}: no runner settings"
    return json.loads(m.group(1).replace("<\\/", "</"))


def without_docstrings(code: str) -> str:
    tree = ast.parse(code)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(
                getattr(body[0], "value", None), ast.Constant):
            body[0].value.value = ""
    return ast.dump(tree)


def test_the_43_pages_mark_the_three_exercise_cells(built_html):
    en = runnable_cells(built_html / PAGE)
    zh = runnable_cells(built_html / "zh" / PAGE)
    assert len(en) == len(zh) == 3
    for e, z in zip(en, zh):
        assert "exercises.check_" in e and split_checks(e)[1] == split_checks(z)[1]
        # the same code; the docstrings and comments in Chinese
        assert without_docstrings(e) == without_docstrings(z)
        for message in code_messages(split_checks(z)[0]):
            assert CJK.search(message), message
    other = built_html / "chapter_linear-regression" / "oo-design.html"
    assert runnable_cells(other) == [] and "tabbook-tryit-settings" not in other.read_text("utf-8")


def test_the_runner_speaks_the_edition_s_language(built_html):
    en, zh = settings(built_html / PAGE), settings(built_html / "zh" / PAGE)
    assert en["language"] == "en" and zh["language"] == "zh_CN"
    assert en["strings"]["run"] == "Run" and zh["strings"]["run"] == "运行"
    assert set(en["strings"]) == set(zh["strings"])
    assert all(CJK.search(v) for v in zh["strings"].values()), zh["strings"]
    assert en["timeLimit"] == 10 and en["library"][:2] == ["__init__.py", "exercises.py"]


def test_the_site_serves_pyodide_the_editor_and_the_book_s_own_checkers(built_html):
    static = built_html / "_static" / "tryit"
    for name in PYODIDE_FILES:
        assert (static / "pyodide" / name).is_file(), name
    assert (static / "editor.js").stat().st_size > 50_000
    for rel in settings(built_html / PAGE)["library"]:
        served = static / "d2l" / rel
        assert served.is_file(), rel
        if rel.endswith(".py"):
            assert served.read_bytes() == (REPO / "d2l" / rel).read_bytes(), rel
    assert (built_html / "_static" / "tryit.js").is_file()
    assert (built_html / "_static" / "tryit-worker.js").is_file()


@pytest.mark.parametrize("source,tags,want", [
    ("exercises.check_x(f)\n", ["skip-execution"], True),
    ("def f(): ...\n\nexercises.check_exact_loss(f)", ["skip-execution"], True),
    ("def f(): ...\n\nexercises.check_exact_loss(f)", [], False),          # executed cell
    ("assert exercises.check_exact_loss(f)", ["skip-execution"], False),   # a solution
    ("print(1)", ["skip-execution"], False),
])
def test_what_makes_a_cell_runnable(source, tags, want):
    assert is_runnable(source, tags) is want


def test_translated_code_keeps_the_code():
    code = ('def f(x, y):\n    """Add x\n    and y."""\n    return x + y  # the sum\n\n'
            'exercises.check_f(f)\n')
    assert code_messages(code) == ["Add x and y.", "the sum"]
    new = translate_code(code, {"Add x and y.": "把 x 与 y 相加。" * 6, "the sum": "和"}.get)
    assert without_docstrings(new) == without_docstrings(code)
    assert "# 和" in new and "把 x 与 y 相加" in new
    assert all(len(line) < 60 for line in new.splitlines())
    assert translate_code(code, {}.get) == code
    starter, checks = split_checks(code)
    assert checks == ["exercises.check_f(f)"] and "check_f" not in starter


def snapshot_build_id(snapshot: bytes) -> str:
    """The Pyodide build id a memory snapshot says it was made by (its header: the magic
    number "\\0snp", the header's size, the JSON's size, 0, then the id's 32 bytes as
    eight little-endian words)."""
    return "".join(f"{w:08x}" for w in struct.unpack_from("<8I", snapshot, 16))


def test_the_site_serves_a_snapshot_of_its_own_pyodide(built_html):
    """``_static/tryit/snapshot.bin.gz`` is gzip, and what it holds is a memory snapshot
    of the very Pyodide the site serves (its build id), as whole wasm pages: what the
    worker checks before restoring it."""
    static = built_html / "_static" / "tryit"
    packed = (static / SNAPSHOT_NAME).read_bytes()
    assert packed[:2] == b"\x1f\x8b", "not gzip"
    snapshot = gzip.decompress(packed)
    magic, header = struct.unpack_from("<2I", snapshot)
    assert magic == 0x706E7300, hex(magic)
    memory = len(snapshot) - header
    assert memory % 65536 == 0 and memory >= 20 * 1024 * 1024, memory
    ids = re.findall(r'BUILD_ID:"([0-9a-f]{64})"',
                     (static / "pyodide" / "pyodide.js").read_text(encoding="utf-8"))
    assert ids == [snapshot_build_id(snapshot)], ids
    # nothing of the machine that made it (its checkout, its npm cache, the script's path)
    for needle in (str(REPO), str(REPO.resolve()), ".cache/d2l-book", "snapshot.mjs"):
        assert needle.encode() not in snapshot, needle
    print(f"snapshot: {len(snapshot):,} bytes, {len(packed):,} served (gzip)")


def test_the_snapshot_is_made_once_per_machine_and_inputs(built_html, tmp_path, monkeypatch):
    """The stage's snapshot step: made from the staged Pyodide (Node) into the machine's
    cache, kept while the marker beside it names the same inputs (Pyodide, the script,
    Node), taken from the machine's cache by another book, made again when an input
    changed."""
    monkeypatch.setenv(npm.CACHE_VAR, str(tmp_path / "npm-cache"))  # (this test's machine)
    books = [tmp_path / "book", tmp_path / "copy"]
    for book in books:
        (book / "pyodide").mkdir(parents=True)
        for name in PYODIDE_FILES:
            os.link(built_html / "_static" / "tryit" / "pyodide" / name, book / "pyodide" / name)
    made_with_node = []
    real_node = tryit._run_node_snapshot
    monkeypatch.setattr(tryit, "_run_node_snapshot",
                        lambda *a: (made_with_node.append(a), real_node(*a)))

    out = stage_snapshot(books[0])
    assert out == books[0] / SNAPSHOT_NAME and len(made_with_node) == 1
    marker = books[0] / ".snapshot"
    assert marker.read_text(encoding="utf-8") == snapshot_inputs()
    cached = snapshot_cache(snapshot_inputs())
    assert cached.read_bytes() == out.read_bytes()
    made = out.stat().st_mtime_ns
    assert stage_snapshot(books[0]) == out and out.stat().st_mtime_ns == made  # (kept)

    # another book on the machine: staged from the cache, Node not run
    assert stage_snapshot(books[1]).read_bytes() == out.read_bytes()
    assert len(made_with_node) == 1

    # another Node: made again, and cached under its own inputs
    monkeypatch.setattr(tryit, "node_version", lambda: "v99.0.0")
    stage_snapshot(books[0])
    assert len(made_with_node) == 2
    assert marker.read_text(encoding="utf-8") == snapshot_inputs()
    assert snapshot_cache(snapshot_inputs()).read_bytes() == out.read_bytes()
    assert snapshot_cache(snapshot_inputs()) != cached and cached.is_file()
    snapshot = gzip.decompress(out.read_bytes())
    assert snapshot_build_id(snapshot) == snapshot_build_id(
        gzip.decompress((built_html / "_static" / "tryit" / SNAPSHOT_NAME).read_bytes()))
    for folder in [*books, cached.parent]:
        assert not [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_a_failed_snapshot_leaves_nothing_in_the_machines_cache(built_html, tmp_path,
                                                                monkeypatch):
    """Node failing half-way (a partial file written) leaves no snapshot, no marker and no
    cache entry: the next build makes it again."""
    monkeypatch.setenv(npm.CACHE_VAR, str(tmp_path / "npm-cache"))

    def fails(pyodide, out):
        out.write_bytes(b"\x1f\x8b half")
        raise tryit.TryitError("making the exercise runner's Python snapshot: killed")

    monkeypatch.setattr(tryit, "_run_node_snapshot", fails)
    with pytest.raises(tryit.TryitError, match="killed"):
        stage_snapshot(tmp_path)
    cache = snapshot_cache(snapshot_inputs())
    assert not cache.exists() and not [*cache.parent.iterdir()]
    assert not (tmp_path / SNAPSHOT_NAME).exists() and not (tmp_path / ".snapshot").exists()

"""Warm kernels (TABBOOK_WARM_KERNELS=1): no page sees another's state, and a kernel that
dies or hangs fails as a fresh one does.

That warm kernels give the outputs of fresh ones, byte for byte, for every page of the book
in every framework, is checked where the whole book is executed warm anyway:
tests/test_shards.py::test_whole_book_on_three_machines compares its entries with the runs
`make html` left in the repository's cache (fresh kernels). Here, a book of three pages
checks that what one page does to a module, to the environment, to the working directory
or to its globals is not seen by the next page forked from the same server.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bookutil import REPO, exec_cache, one_cell_book, run_tool, runs_of
from bookutil import warm_servers_left as _warm_servers_left

pytestmark = pytest.mark.book_build


def execute(root: Path, *args: str, warm: bool, tmp: str) -> str:
    env = dict(os.environ, TMPDIR=tmp)
    env.pop("TABBOOK_WARM_KERNELS", None)
    if warm:
        env["TABBOOK_WARM_KERNELS"] = "1"
    res = run_tool(root, "execute", *args, env=env, timeout=3600)
    out = res.stdout + res.stderr
    assert res.returncode == 0, out[-4000:]
    return out


LEAKY = """\
# Page {i}

```{{code-cell}} ipython3
import os, sys, torch
print(hasattr(torch, "_tabbook_mark"), os.environ.get("TABBOOK_MARK"),
      "mark" in globals(), os.path.basename(os.getcwd()), "leaky_module" in sys.modules)
torch._tabbook_mark = {i}
os.environ["TABBOOK_MARK"] = "{i}"
mark = {i}
sys.modules["leaky_module"] = sys
```
"""


def test_pages_see_no_state_of_another(tmp_path, own_tmp):
    root = tmp_path / "leaky"
    root.mkdir()
    for name in ("_config.yml", "pyproject.toml", "envs", "d2l", "static"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, root / name)
    for i in (1, 2, 3):
        folder = root / f"part{i}"
        folder.mkdir()
        (folder / "page.md").write_text(LEAKY.format(i=i))
    (root / "index.md").write_text("# Leaky\n")
    (root / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n"
                                   + "".join(f"- file: part{i}/page\n" for i in (1, 2, 3)))
    out = execute(root, "--framework", "pytorch", warm=True, tmp=own_tmp)
    assert len(runs_of(out)) == 3
    import nbformat

    for nb_path in exec_cache(root).glob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        text = "".join(o.get("text", "") for o in nb.cells[0].outputs)
        folder = text.split()[3]  # each page runs in its own folder
        assert folder.startswith("part") and text == f"False None False {folder} False\n", text
    assert not _warm_servers_left(own_tmp)


FAULTY = {
    "dies": "import os\nos._exit(3)",
    "hangs": "import time\ntime.sleep(120)",
}


def test_warm_kernel_faults_fail_as_fresh_ones_do(tmp_path, own_tmp):
    """A kernel that dies and one that hangs past tabbook.timeout fail the run by name, as a
    fresh kernel does, and leave no server or kernel behind."""
    root = one_cell_book(tmp_path / "faulty", FAULTY)
    config = (root / "_config.yml").read_text()
    assert "  timeout: 600\n" in config
    (root / "_config.yml").write_text(config.replace("  timeout: 600\n", "  timeout: 8\n"))
    env = dict(os.environ, TABBOOK_WARM_KERNELS="1", TMPDIR=own_tmp)
    res = run_tool(root, "execute", "--framework", "pytorch", env=env, timeout=600)
    out = res.stdout + res.stderr
    assert res.returncode == 1, out[-3000:]
    assert "dies/page.md:5, cell 2, framework pytorch: the kernel died" in out
    assert "hangs/page.md:5, cell 2, framework pytorch: cell did not finish within 8 s" in out
    assert not list(exec_cache(root).glob("*.ipynb"))
    assert not _warm_servers_left(own_tmp, within=10)

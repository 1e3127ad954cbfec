"""What a whole run of the book's workflow must have produced, read from the run's folder
(its artifacts, the emulated GitHub repository and the deployed site) after every job
passed: the figures issue 27 asks for, checked rather than only printed.

* one shard per framework of the table, each holding only that framework's runs;
* the render job executed nothing (its `make html` never reported a missing run) and made
  no environment (the workflow's own step checks `$TABBOOK_ENV_DIR`);
* the site's tar holds every edition (the translations table's), the library's wheel and the PDFs;
* the notebooks branch (the one the Colab links name) holds every notebook;
* the deploy job unpacked the site.
"""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
from pathlib import Path

from tabbook.core.frameworks import FRAMEWORKS
from tabbook.sources.i18n import TRANSLATIONS


def check(run_dir: Path, source_branch: str) -> list[str]:
    """Lines describing the run; raises AssertionError naming what is missing."""
    lines = []
    artifacts = run_dir / "artifacts"
    for fw in FRAMEWORKS:
        shard = artifacts / f"exec-{fw.name}"
        entries = sorted(shard.glob("*.ipynb")) if shard.is_dir() else []
        assert entries, f"no shard uploaded for {fw.name} (artifact exec-{fw.name})"
        kernels = {json.loads(e.read_text())["metadata"]["kernelspec"]["name"] for e in entries}
        assert kernels == {fw.kernel}, f"exec-{fw.name} holds runs of {sorted(kernels)}"
        lines.append(f"shard exec-{fw.name}: {len(entries)} entries, all {fw.kernel}")
    render_logs = sorted((run_dir / "logs").glob("render/*.log"))
    assert render_logs, "the render job left no log"
    executed = [log.name for log in render_logs
                if re.search(r"\[tabbook\] the cache lacks \d+ of",
                             log.read_text(errors="replace"))]
    assert not executed, f"the render job executed runs (logs {executed})"
    lines.append("render: executed 0 runs, made no framework environment")
    tar = artifacts / "github-pages" / "artifact.tar"
    assert tar.is_file(), "no github-pages artifact (the site)"
    with tarfile.open(tar) as t:
        names = [m.name.removeprefix("./") for m in t.getmembers() if m.isfile()]
    wheels = [n for n in names if re.fullmatch(r"_dist/[^/]+\.whl", n)]
    pdfs = [n for n in names if n.endswith(".pdf")]
    for needed in ["index.html"] + [f"{e.prefix}index.html" for e in TRANSLATIONS]:
        assert needed in names, f"the site lacks {needed}"
    assert wheels, "the site lacks the library's wheel (_dist/*.whl)"
    lines.append(f"site: {len(names)} files, {sum(n.endswith('.html') for n in names)} pages, "
                 f"wheel {', '.join(Path(w).name for w in wheels)}, {len(pdfs)} PDFs")
    origin = run_dir / "origin.git"
    refs = subprocess.run(["git", "--git-dir", str(origin), "for-each-ref",
                           "--format=%(refname:short)", "refs/heads"],
                          capture_output=True, text=True, check=True).stdout.split()
    pushed = [r for r in refs if r != source_branch]
    assert pushed, f"nothing was pushed beside {source_branch} (the notebooks branch)"
    for branch in pushed:
        files = subprocess.run(["git", "--git-dir", str(origin), "ls-tree", "-r", "--name-only",
                                branch], capture_output=True, text=True, check=True).stdout.split()
        notebooks = [f for f in files if f.endswith(".ipynb")]
        assert notebooks, f"branch {branch} holds no notebook"
        lines.append(f"branch {branch}: {len(notebooks)} notebooks")
    deployed = run_dir / "pages" / "index.html"
    assert deployed.is_file(), "the deploy job did not unpack the site"
    lines.append(f"deployed: {deployed.parent}")
    return lines

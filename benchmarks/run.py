"""`make bench`: every benchmark of the book, one after another.

* import time of ``from d2l import <fw> as d2l`` / the bare framework (target <= 1.15)
* page weight of the 4.3 page with an empty cache (target < 1.5 MB)
* build times: cold, no-op, prose edit, one-framework code edit (targets in build_times.py)
* the Chinese edition against the English-only build, cold (target <= 0.5 x, 0 executions)
* the in-page exercise runner: first view, Run after typing, cold Run, later Runs, Run
  after Stop, first-use bytes (tryit.py)
* the cost curve: `execute` per framework and the render with 0 executions, for synthetic
  books of 1, 4 and 16 pages shaped like 4.3, extrapolated to 170 sections, with fresh
  and warm kernels; then pages that only import: the fixed cost per page and framework
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


SMOKE = {
    "import_time.py": ["--runs", "5", "--frameworks", "pytorch"],
    "page_weight.py": [],
    "build_times.py": ["--quick", "--runs", "1"],
    "i18n_build.py": ["--cached", "--runs", "1"],
    "tryit.py": ["--repeat", "1", "--runs", "1", "--typing", "0.5"],
    "cost_curve.py": ["--pages", "1", "--framework", "pytorch", "--kernels", "warm",
                      "--shape", "imports"],
    "synthbook.py": ["{tmp}/book", "1", "imports"],
    "suite_time.py": ["-k", "test_the_runner_speaks_the_edition_s_language"],
}
"""Each benchmark script on its smallest input (``{tmp}``: a new temporary folder): what
``tests/test_benchmarks_smoke.py`` runs, so that no script rots unnoticed (issue 31:
``tryit.py`` crashed for weeks). Every script of this folder but this one is here."""


def smoke_command(script: str, tmp: Path) -> list[str]:
    """The command that runs ``script`` on its smallest input."""
    return [sys.executable, str(HERE / script),
            *(arg.replace("{tmp}", str(tmp)) for arg in SMOKE[script])]


def main() -> int:
    status = 0
    for script, args in (("import_time.py", []), ("page_weight.py", []),
                         ("build_times.py", sys.argv[1:]), ("i18n_build.py", sys.argv[1:]),
                         ("tryit.py", []), ("cost_curve.py", []),
                         ("cost_curve.py", ["--shape", "imports", "--pages", "1", "4", "16"])):
        print(f"\n== {script}", flush=True)
        status |= subprocess.run([sys.executable, str(HERE / script), *args]).returncode
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Every benchmark script runs, on its smallest input (``benchmarks/run.py``'s ``SMOKE``):
a script that no test runs rots (``benchmarks/tryit.py`` crashed on a helper that had
been renamed). Each must exit 0 and print something; the figures are not checked (the
benchmarks say whether they meet their targets; this machine is not a quiet one)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bookutil import REPO

sys.path.insert(0, str(REPO / "benchmarks"))

import run as bench  # noqa: E402


def test_every_benchmark_script_has_a_smallest_input():
    scripts = {p.name for p in (REPO / "benchmarks").glob("*.py")} - {"run.py"}
    assert scripts == set(bench.SMOKE), ("benchmarks/run.py's SMOKE must list every script: "
                                         f"missing {sorted(scripts - set(bench.SMOKE))}, "
                                         f"gone {sorted(set(bench.SMOKE) - scripts)}")


@pytest.mark.parametrize("script", sorted(bench.SMOKE))
def test_the_benchmark_runs_on_its_smallest_input(script, tmp_path):
    res = subprocess.run(bench.smoke_command(script, tmp_path), cwd=REPO, capture_output=True,
                         text=True, timeout=1800)
    assert res.returncode == 0, (f"{script} exited {res.returncode}:\n{res.stdout[-3000:]}\n"
                                 f"{res.stderr[-3000:]}")
    assert res.stdout.strip(), f"{script} printed nothing:\n{res.stderr[-2000:]}"

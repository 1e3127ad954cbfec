"""The cost curve: what executing and rendering cost as the book grows, per framework.

For each N (default 1, 4, 16) a synthetic book of N pages shaped like §4.3
(benchmarks/synthbook.py) is executed one framework at a time, as the workflow's
`execute` jobs do (`python -m tabbook execute --framework NAME`, a cold cache), then
rendered with 0 executions (`python -m tabbook html` with TABBOOK_NO_EXECUTE and an empty
TABBOOK_ENV_DIR, both editions), as the `render` job does. Reported: wall time and CPU
seconds (the command and every process it waited for: kernels included) in all and per
page, and peak memory (the largest single process's resident set). From the N points a
straight line per framework (least squares: cost = per-job + N x per-page) extrapolates a
170-section book's execute job.

    python benchmarks/cost_curve.py                 # N = 1, 4, 16
    python benchmarks/cost_curve.py --pages 1 4     # a smaller curve
    python benchmarks/cost_curve.py --kernels warm  # warm kernels only (default: both ways)

Both ways by default: a new kernel per page (the default build), and warm kernels
(TABBOOK_WARM_KERNELS=1: one process per framework imports it once and forks each page's
kernel); the last table gives the CPU seconds per page and framework each way.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))  # (the tests' helpers)

from bookutil import tool_command, tool_env  # noqa: E402
from synthbook import SHAPES, make_book  # noqa: E402

SECTIONS = 170  # the D2L book this section comes from


def measured(cmd: list[str], env: dict) -> tuple[float, float, float, str]:
    """Run ``cmd``; (wall s, CPU s, peak RSS MiB, output). CPU and memory are the process's
    and its waited-for descendants' (wait4's rusage)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                            text=True)
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out[-4000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def fit(points: list[tuple[int, float]]) -> tuple[float, float]:
    """Least-squares line through (N, cost): (per-job, per-page)."""
    if len(points) == 1:
        n, c = points[0]
        return 0.0, c / n
    mx = sum(n for n, _ in points) / len(points)
    my = sum(c for _, c in points) / len(points)
    sxx = sum((n - mx) ** 2 for n, _ in points)
    slope = sum((n - mx) * (c - my) for n, c in points) / sxx
    return my - slope * mx, slope


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--framework", action="append", default=[],
                        help="only these frameworks (default: all)")
    parser.add_argument("--kernels", choices=("fresh", "warm", "both"), default="both",
                        help="a new kernel per page (fresh), kernels forked from a process "
                        "per framework that imported it once (warm: TABBOOK_WARM_KERNELS=1), "
                        "or both (default)")
    parser.add_argument("--shape", choices=SHAPES, default="4.3",
                        help="pages like 4.3 (default), or pages that only import the "
                        "framework and the library (their cost per page is the fixed cost)")
    args = parser.parse_args()
    modes = ["fresh", "warm"] if args.kernels == "both" else [args.kernels]
    from tabbook.core.frameworks import NAMES
    from tabbook.sources.config import load_config

    names = [n for n in NAMES if not args.framework or n in args.framework]
    env = tool_env()
    rows, renders = [], []
    with tempfile.TemporaryDirectory(prefix="tabbook-cost-") as tmp:
        no_envs = Path(tmp) / "no-envs"
        no_envs.mkdir()
        for n in args.pages:
            for mode in modes:
                root = make_book(Path(tmp) / f"book-{n}-{mode}", n, args.shape)
                mode_env = dict(env, TABBOOK_WARM_KERNELS="1" if mode == "warm" else "")
                for name in names:
                    wall, cpu, rss, out = measured(
                        tool_command(root, "execute", "--framework", name), mode_env)
                    executed = out.count("[tabbook] executed ")
                    assert executed == n, f"expected {n} executions, got {executed}:\n{out[-3000:]}"
                    rows.append((n, f"{name}/{mode}", wall, cpu, rss))
                    print(f"  N={n:<3} {name:<11} {mode:<6} {wall:7.1f} s wall {cpu:7.1f} s CPU",
                          flush=True)
            if len(names) < len(NAMES):
                continue  # (rendering needs every framework's runs)
            wall, cpu, rss, out = measured(
                tool_command(root, "html"),
                dict(env, TABBOOK_NO_EXECUTE="1", TABBOOK_ENV_DIR=str(no_envs)))
            assert "[tabbook] executed " not in out and not any(no_envs.iterdir())
            renders.append((n, wall, cpu, rss))
            print(f"  N={n:<3} render      {wall:7.1f} s wall {cpu:7.1f} s CPU", flush=True)
        jobs = load_config(root).jobs

    what = "shaped like 4.3" if args.shape == "4.3" else "that only import (fixed cost)"
    print(f"\ncost curve (synthetic pages {what}; {os.cpu_count()} CPUs, "
          f"tabbook.jobs = {jobs}; load average at the end "
          f"{os.getloadavg()[0]:.1f})")
    print(f"{'N':>3}  {'execute':<17}{'wall s':>9}{'CPU s':>9}{'wall/page':>11}"
          f"{'CPU/page':>10}{'peak MiB':>10}")
    for n, name, wall, cpu, rss in rows:
        print(f"{n:>3}  {name:<17}{wall:9.1f}{cpu:9.1f}{wall / n:11.1f}{cpu / n:10.1f}"
              f"{rss:10.0f}")
    for n, wall, cpu, rss in renders:
        print(f"{n:>3}  {'render':<17}{wall:9.1f}{cpu:9.1f}{wall / n:11.1f}{cpu / n:10.1f}"
              f"{rss:10.0f}   (0 executions, both editions, no framework)")

    print(f"\nper framework, fitted on N = {', '.join(map(str, args.pages))}: "
          f"cost = per job + N x per page; a {SECTIONS}-section book's execute job")
    print(f"{'framework':<18}{'CPU/job':>9}{'CPU/page':>10}{'wall/job':>10}{'wall/page':>11}"
          f"{f'{SECTIONS} pages: wall':>20}{'CPU':>9}")
    per_page = {}
    for name in [f"{n}/{m}" for n in names for m in modes]:
        cpu_a, cpu_b = fit([(n, c) for n, f, _, c, _ in rows if f == name])
        wall_a, wall_b = fit([(n, w) for n, f, w, _, _ in rows if f == name])
        per_page[name] = cpu_b
        wall170, cpu170 = wall_a + SECTIONS * wall_b, cpu_a + SECTIONS * cpu_b
        print(f"{name:<18}{cpu_a:9.1f}{cpu_b:10.1f}{wall_a:10.1f}{wall_b:11.1f}"
              f"{wall170 / 60:16.0f} min{cpu170 / 60:6.0f} min")
    ra, rb = fit([(n, w) for n, w, _, _ in renders] or [(1, 0.0)])
    print(f"{'render':<18}{'':19}{ra:10.1f}{rb:11.1f}{(ra + SECTIONS * rb) / 60:16.1f} min")
    print("(a 4.3-sized page trains longer than these pages; its CPU per page adds to the "
          "fixed cost measured here)")
    if len(modes) == 2:
        print("\nCPU s per page and framework, fresh -> warm kernels "
              + ("(the fixed cost plus these pages' small training run)" if args.shape == "4.3"
                 else "(the fixed cost per page and framework; target <= 2)"))
        for name in names:
            fresh, warm = per_page[f"{name}/fresh"], per_page[f"{name}/warm"]
            verdict = f"   {'OK' if warm <= 2 else 'MISSED'}" if args.shape == "imports" else ""
            print(f"  {name:<11}{fresh:6.1f} -> {warm:4.1f}{verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

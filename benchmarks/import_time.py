"""Import-time benchmark: ``from d2l import <module> as d2l`` vs ``import <framework>``.

For each framework, in that framework's environment python, fresh subprocesses time
(with ``time.perf_counter`` inside the subprocess, around the import statement only)

* ``import <fw.import_name>``            (the framework alone), and
* ``from d2l import <fw.module> as d2l`` (the framework plus the generated library),

alternating the two, ``--runs`` times each (at least 5). It prints the medians, their
ratio and whether the ratio meets the target (<= 1.15). It is a benchmark: it exits 0
whatever the ratios, and 1 only if an import fails or an interpreter is missing.

    python benchmarks/import_time.py                       # every framework (make envs first)
    python benchmarks/import_time.py --frameworks pytorch jax --runs 9
    python benchmarks/import_time.py --python pytorch=/tmp/envs/torch/bin/python
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tabbook.core.frameworks import BY_NAME, FRAMEWORKS, NAMES  # noqa: E402

TARGET = 1.15
MIN_RUNS = 5
TIMER = ("import time\n"
         "t0 = time.perf_counter()\n"
         "{stmt}\n"
         "print(repr(time.perf_counter() - t0))\n")


class ImportFailed(Exception):
    pass


def time_import(python: Path, stmt: str) -> float:
    """Seconds the import statement takes in a fresh interpreter."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"]
                                     if env.get("PYTHONPATH") else "")
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    proc = subprocess.run([str(python), "-c", TIMER.format(stmt=stmt)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise ImportFailed(f"`{stmt}` failed in {python} (exit {proc.returncode}):\n"
                           f"{proc.stderr.strip()[-2000:]}")
    return float(proc.stdout.strip().splitlines()[-1])


def find_python(name: str, overrides: dict[str, Path]) -> Path:
    if name in overrides:
        return overrides[name]
    from tabbook.sources.envs import env_python  # the book's per-framework environments
    return Path(env_python(name))


def parse_overrides(items: list[str]) -> dict[str, Path]:
    out = {}
    for item in items:
        name, sep, path = item.partition("=")
        if not sep or name not in BY_NAME:
            raise SystemExit(f"--python expects NAME=PATH with NAME one of {', '.join(NAMES)}; "
                             f"got {item!r}")
        out[name] = Path(path)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7,
                        help=f"timed runs of each import (at least {MIN_RUNS}; default 7)")
    parser.add_argument("--frameworks", nargs="+", choices=NAMES, default=list(NAMES),
                        help="frameworks to measure (default: all)")
    parser.add_argument("--python", action="append", default=[], metavar="NAME=PATH",
                        help="use this interpreter for framework NAME (repeatable)")
    args = parser.parse_args(argv)
    runs = max(args.runs, MIN_RUNS)
    overrides = parse_overrides(args.python)
    failed = False
    rows = []
    for fw in FRAMEWORKS:
        if fw.name not in args.frameworks:
            continue
        try:
            python = find_python(fw.name, overrides)
            if not python.exists():
                raise ImportFailed(f"no interpreter at {python}")
            base_stmt = f"import {fw.import_name}"
            lib_stmt = f"from d2l import {fw.module} as d2l"
            # one untimed run of each warms the OS file cache (and compiles .pyc files)
            time_import(python, base_stmt)
            time_import(python, lib_stmt)
            base, lib = [], []
            for _ in range(runs):  # alternate, so drift affects both alike
                base.append(time_import(python, base_stmt))
                lib.append(time_import(python, lib_stmt))
        except Exception as exc:  # ImportFailed, BookError (environment not built), ...
            print(f"{fw.label}: FAILED: {exc}", file=sys.stderr)
            failed = True
            continue
        b, lib_s = statistics.median(base), statistics.median(lib)
        ratio = lib_s / b
        rows.append((fw.label, b, lib_s, ratio))
        print(f"{fw.label:<11} import {fw.import_name}: {b * 1000:8.1f} ms   "
              f"from d2l import {fw.module}: {lib_s * 1000:8.1f} ms   ratio {ratio:5.3f}   "
              f"{'meets' if ratio <= TARGET else 'MISSES'} target <= {TARGET}  "
              f"(median of {runs}, {python})", flush=True)
    if rows:
        met = sum(r[3] <= TARGET for r in rows)
        print(f"{met}/{len(rows)} frameworks meet the import-time target (ratio <= {TARGET})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""What the Chinese edition costs: the both-language build against the English-only one.

On fresh copies of the book (no HTML, no doctrees: a cold Sphinx build), median of
--runs runs:

* the English-only build (`python -m tabbook html` on a copy without ``locales/``);
* the Chinese edition alone, built after it (`python -m tabbook edition zh_CN`),
  cold too: its executions are counted (target 0: it reuses the English runs);
* the whole `make html` of both editions (`python -m tabbook html` with ``locales/``).

Target (from the Chinese-edition issue): the Chinese edition costs <= 0.5 x the English
build on a cold build, and executes nothing. By default the copies start with an empty
execution cache, as a cold build does: the English build executes every page in every
framework (minutes), the Chinese one takes all of it from the cache. ``--cached`` gives
the copies the execution cache, so that neither build executes anything and rendering
alone is compared (reported, no target: the Chinese rendering also re-parses every
translated message and segments Chinese words for search).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # (the tests' helpers)

from bookutil import REPO, copy_book, runs_of, tool_command, tool_env  # noqa: E402  # noqa: E402
from tabbook.sources.i18n import TRANSLATIONS  # noqa: E402

ENV = tool_env()
TARGET = 0.5


def timed(cmd: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=ENV)
    took = time.perf_counter() - start
    out = res.stdout + res.stderr
    if res.returncode != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{out[-5000:]}")
    return took, out


def fresh(tmp: Path, name: str, cache: bool, locales: bool) -> Path:
    root = tmp / name
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    copy_book(root, with_cache=cache)
    if locales:
        shutil.copytree(REPO / "locales", root / "locales")
    return root


def one_run(tmp: Path, cache: bool) -> dict:
    # English only, then the Chinese edition on top of it (cold: no zh HTML or doctrees)
    root = fresh(tmp, "editions", cache, locales=False)
    english, out_en = timed(tool_command(root, "html"))
    shutil.copytree(REPO / "locales", root / "locales")
    chinese, out_zh = timed(tool_command(root, "edition", TRANSLATIONS[0].language))
    # both editions the way `make html` builds them
    both_root = fresh(tmp, "both", cache, locales=True)
    both, out_both = timed(tool_command(both_root, "html"))
    return {
        "english": english, "chinese": chinese, "both": both,
        "english_executed": sum(1 for r in runs_of(out_en) if r[0] == "executed"),
        "chinese_executed": sum(1 for r in runs_of(out_zh) if r[0] == "executed"),
        "chinese_runs": len(runs_of(out_zh)),
        "both_executed": sum(1 for r in runs_of(out_both) if r[0] == "executed"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cached", action="store_true",
                        help="copies with the execution cache: compare rendering alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        results = [one_run(Path(d), cache=args.cached) for _ in range(args.runs)]

    def med(key):
        return statistics.median(r[key] for r in results)

    english, chinese, both = med("english"), med("chinese"), med("both")
    ratio = chinese / english
    executed_zh = max(r["chinese_executed"] for r in results)
    ok = ratio <= TARGET and executed_zh == 0
    cache = "execution cache present" if args.cached else "empty execution cache"
    print(f"both-language build, cold, {cache}, median of {args.runs} runs")
    print(f"{'English-only build':<40}{english:8.2f} s   executed "
          f"{max(r['english_executed'] for r in results)}")
    print(f"{'Chinese edition, built after it':<40}{chinese:8.2f} s   executed {executed_zh} "
          f"of {results[0]['chinese_runs']} page-framework runs (all from the cache)")
    print(f"{'both editions (make html)':<40}{both:8.2f} s   executed "
          f"{max(r['both_executed'] for r in results)}")
    if args.cached:
        print(f"{'Chinese / English (rendering alone)':<40}{ratio:8.2f} x   executions of the "
              f"Chinese edition: {executed_zh} (target 0: {'OK' if not executed_zh else 'MISSED'})")
    else:
        print(f"{'Chinese / English':<40}{ratio:8.2f} x   target <= {TARGET} x and 0 "
              f"executions: {'OK' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How long the tests after the build take (issue 17's measure), and the CPU they use.

    python benchmarks/suite_time.py                # every test after the build, as `make test`
    python benchmarks/suite_time.py --same-checks  # only what the suite checked when issue 17
                                                   # measured it (commit 55c212d)

Runs ``tests/run_after_build.py`` (both groups side by side, as ``make test`` does; extra
arguments go to it, e.g. ``--one-at-a-time``) on an already built book and prints the wall
time and the machine's busy CPU seconds over the run (``/proc/stat``: every process, the
browsers and kernels included). Nothing else should run meanwhile.

Issue 17 asked for the tests after the build to take half the time they took at 55c212d
(505.5 s on this 2-core machine, measured one after the other), checking the same things.
Issues 16, 18, 19 and 20 have since added checks of their own (the in-page runner, shards,
freshness on a copy of the book, the language switch, ...). ``--same-checks`` leaves out
exactly those, as listed in :data:`ADDED_SINCE` with the issue and the commit that added
them, so that the comparison is of the same checks. Checks issue 17 itself moved or
renamed (into ``tests/unit``, the one probe per environment, determinism against the
cache) stay in.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # (the tests' helpers)
from bookutil import REPO  # noqa: E402

BASELINE = "55c212d"

ADDED_SINCE: dict[str, tuple[str, str]] = {
    # node id (or its prefix): (issue, commit that added it)
    "tests/browser/test_tryit.py": ("19", "60cdc7a, e339a56"),
    "tests/browser/test_launch_links.py": ("19", "8eb6e08"),
    "tests/test_tryit_build.py": ("19", "650aea8"),
    "tests/test_exercise_messages.py": ("19", "9d65b52"),
    "tests/test_notebook_solutions.py": ("19", "9d65b52"),
    "tests/test_shards.py": ("20", "03fc372, 0b173e0, ade16bb"),
    "tests/test_warm_kernels.py": ("20", "71a8d33, bc7fe78"),
    "tests/test_workflow.py::test_workflow_executes_per_framework_and_renders_from_the_shards":
        ("20", "7fce19d"),
    "tests/test_freshness.py": ("16", "0b3494e"),
    "tests/browser/test_pdf_faults.py": ("16", "9c9a01b"),
    "tests/test_faults.py::test_a_cell_writing_into_the_library_fails_naming_the_page":
        ("16", "13af2d8"),
    "tests/test_faults.py::test_daemons_a_cell_starts_do_not_outlive_the_build": ("16", "13af2d8"),
    "tests/test_publish.py::test_assembly_holds_what_the_build_made_and_no_machine_path":
        ("16", "4dd21a6"),
    "tests/test_publish.py::test_publish_without_catalogs_leaves_the_old_edition_out":
        ("16", "4dd21a6"),
    "tests/test_zh_visible_text.py": ("18", "9f3c61b"),
    "tests/test_colab.py::test_notebook_references_read_as_the_page": ("18", "1db1117"),
    "tests/browser/test_pdf.py::test_the_published_site_offers_the_pdfs_of_the_chosen_framework":
        ("18", "974f88f"),
    "tests/browser/test_browser_zh.py::test_language_switch_is_on_every_page_in_view_and_keeps_the_place":
        ("18", "da32265"),
    "tests/browser/test_browser_zh.py::test_switching_language_fetches_no_asset_already_fetched":
        ("18", "da32265"),
    "tests/browser/test_browser_zh.py::test_solution_toggles_and_header_buttons_speak_chinese":
        ("18", "d83092a"),
    "tests/browser/test_reader.py::test_framework_parameter_leaves_the_stored_choice_alone":
        ("18", "1f78f06"),
    "tests/browser/test_reader.py::test_focus_is_visible_on_every_header_button_and_formulas_are_not_tab_stops":
        ("18", "c24459f"),
    "tests/browser/test_reader.py::test_no_page_fetches_fontawesomes_web_font": ("18", "c24459f"),
    "tests/browser/test_reader.py::test_phone_code_that_scrolls_says_so": ("18", "c24459f"),
    "tests/browser/test_reader.py::test_search_text_starts_right_of_its_icon": ("18", "c24459f"),
    "tests/browser/test_reader.py::test_print_title_has_its_number_and_wrapped_code_hangs":
        ("18", "c661ace"),
}
"""Tests other issues added after 55c212d. (Also new since, and kept in: the search
snippets test, 83c3a13, whose issue is less clear, and checks other issues added inside
tests that existed then: the comparison leans against this suite, never for it.)"""


def busy_jiffies() -> int:
    with open("/proc/stat") as f:
        fields = [int(v) for v in f.readline().split()[1:9]]
    return sum(fields) - fields[3] - fields[4]  # all but idle and iowait


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--same-checks", action="store_true",
                    help=f"leave out the tests other issues added after {BASELINE}")
    args, rest = ap.parse_known_args(argv)
    cmd = [sys.executable, str(REPO / "tests" / "run_after_build.py"), *rest]
    if args.same_checks:
        for node in ADDED_SINCE:
            cmd += ["--deselect", node]
    ticks = os.sysconf("SC_CLK_TCK")
    began, busy0 = time.monotonic(), busy_jiffies()
    status = subprocess.run(cmd, cwd=REPO).returncode
    wall, cpu = time.monotonic() - began, (busy_jiffies() - busy0) / ticks
    what = f"the checks of {BASELINE}" if args.same_checks else "every test after the build"
    print(f"\n[suite_time] {what}: {wall:.0f} s wall, {cpu:.0f} CPU-s busy "
          f"({os.cpu_count()} cores), exit status {status}")
    return status


if __name__ == "__main__":
    sys.exit(main())

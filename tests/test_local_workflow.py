"""The local workflow runner (tools/workflow, `make workflow`) on small workflows (issue 27).

Each test writes a workflow into a scratch git repository and runs it as `make workflow`
runs book.yml: every job in a fresh Debian bookworm root (made once by debootstrap and
kept in ~/.cache/d2l-book/workflow), as root. They show that the runner does what the
actions document and fails where GitHub would, naming the job and the step: a failing
`run:`, an unknown action, an upload that the hidden-file rule empties, the book's own
system-packages step without Node.js. The whole book.yml is run by `make workflow`
(about half an hour; the README's "Building on several machines").
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from bookutil import LAYOUT, REPO, exec_cache

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="makes Debian roots: needs root"),
    # a job's container on GitHub may not mount (no privileges), and the workflow's own
    # render job is what these tests emulate: `make workflow` runs it from outside
    pytest.mark.skipif(os.environ.get("GITHUB_ACTIONS") == "true",
                       reason="inside a workflow job: roots are made from outside it"),
]
BOOK_YML = REPO / ".github" / "workflows" / "book.yml"


def run_workflow(tmp: Path, workflow: str, *args: str, files: dict | None = None,
                 cache: str = "cache") -> subprocess.CompletedProcess:
    repo = tmp / "repo"
    if not repo.exists():
        subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    (repo / ".github" / "workflows").mkdir(parents=True, exist_ok=True)
    (repo / ".github" / "workflows" / "w.yml").write_text(textwrap.dedent(workflow))
    for name, text in (files or {"README": "hello\n"}).items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@e",
                    "commit", "-q", "--allow-empty", "-m", "w"], check=True)
    return subprocess.run(
        [sys.executable, "-m", "tools.workflow", "--repo", str(repo), "--workflow",
         str(repo / ".github" / "workflows" / "w.yml"), "--run-dir", str(tmp / "run"),
         "--actions-cache", str(tmp / cache), "--repository", "o/r", *args],
        cwd=REPO, capture_output=True, text=True, timeout=900,
        env=dict(os.environ, PYTHONPATH=str(REPO)))


def test_jobs_run_in_needs_order_with_matrix_outputs_artifacts_and_caches(tmp_path):
    workflow = """\
        on: push
        env: {TOP: top}
        jobs:
          late:
            needs: [early]
            runs-on: ubuntu-latest
            container: debian:bookworm
            steps:
              - uses: actions/download-artifact@v4
                with: {pattern: "art-*", merge-multiple: true, path: got}
              - run: |
                  test "$(cat got/keep/x.txt got/keep/y.txt)" = "$(printf 'x\\ny')"
                  test ! -e got/.hidden   # left out by upload-artifact's hidden-file rule
              - if: github.event_name == 'pull_request'
                run: exit 1
          early:
            strategy:
              matrix:
                fw: [x, y]
                include: [{runner: ubuntu-latest}]
            runs-on: ${{ matrix.runner }}
            container: debian:bookworm
            steps:
              - uses: actions/checkout@v4
              - uses: actions/cache@v4
                with:
                  path: ~/kept
                  key: kept-${{ matrix.fw }}-${{ hashFiles('README') }}
                  restore-keys: kept-${{ matrix.fw }}-
              - id: mk
                env: {FW: "${{ matrix.fw }}"}
                run: |
                  test "$(cat README)" = "$README_TEXT"
                  script -qc tty /dev/null | grep -q /dev/pts/   # a terminal, as in a container
                  mkdir -p out/keep out/.hidden ~/kept
                  echo "$FW" > out/keep/$FW.txt; echo no > out/.hidden/h.txt
                  ls ~/kept >> ~/kept/seen; echo run >> ~/kept/$FW
                  echo "val=$FW-$TOP" >> "$GITHUB_OUTPUT"
              - run: test "${{ steps.mk.outputs.val }}" = "${{ matrix.fw }}-top"
              - uses: actions/upload-artifact@v4
                with: {name: "art-${{ matrix.fw }}", path: out, if-no-files-found: error}
    """
    res = run_workflow(tmp_path, workflow.replace("$README_TEXT", "hello"))
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    starts = [ln.split("] ")[1].split(":")[0] for ln in lines if ": starting on" in ln]
    assert starts[-1] == "late" and set(starts[:2]) == {"early (x, ubuntu-latest)",
                                                         "early (y, ubuntu-latest)"}
    assert any("hidden-file rule: left out" in ln for ln in lines)
    assert "late | 3. Run exit 1: skipped" in res.stdout  # `if:` read for a push
    assert sorted(p.name for p in (tmp_path / "run" / "artifacts").iterdir()) == ["art-x", "art-y"]
    # the second run restores each framework's cache by its restore-keys prefix (README changed)
    res = run_workflow(tmp_path, workflow.replace("$README_TEXT", "again"),
                       files={"README": "again\n"})
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.count("cache restored from key kept-") == 2, res.stdout


def test_a_failing_step_stops_the_run_naming_the_job_and_the_step(tmp_path):
    res = run_workflow(tmp_path, """\
        on: push
        jobs:
          first:
            runs-on: ubuntu-latest
            container: debian:bookworm
            steps:
              - name: fine
                run: echo fine
              - name: boom
                run: |
                  echo "the reason it fails"
                  exit 3
              - name: never
                run: echo never
          second:
            needs: first
            runs-on: ubuntu-latest
            container: debian:bookworm
            steps:
              - run: echo second
    """)
    assert res.returncode == 1
    assert "FAILED: job 'first', step 2 'boom'" in res.stdout
    assert "the reason it fails" in res.stdout  # the tail of its output
    assert "first | 3. never: skipped" in res.stdout
    assert "second: starting" not in res.stdout


def test_an_action_the_runner_does_not_know_fails_naming_it(tmp_path):
    res = run_workflow(tmp_path, """\
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            container: debian:bookworm
            steps:
              - uses: actions/setup-node@v4
    """)
    assert res.returncode == 1
    assert "the action actions/setup-node@v4 is not one the emulator knows" in res.stdout


@pytest.mark.parametrize("include_hidden", [False, True])
def test_an_upload_the_hidden_file_rule_empties_fails_at_that_step(tmp_path, include_hidden):
    """The shard's folder reached through a glob: `.tabbook` is then below the search root."""
    shard = exec_cache(REPO).relative_to(REPO)  # the cache's folder, below the hidden .tabbook
    build = LAYOUT.build.relative_to(REPO)
    res = run_workflow(tmp_path, f"""\
        on: push
        jobs:
          a:
            runs-on: ubuntu-latest
            container: debian:bookworm
            steps:
              - run: mkdir -p {shard} && echo '{{}}' > {shard}/e.ipynb
              - name: Upload the cache shard
                uses: actions/upload-artifact@v4
                with:
                  name: exec
                  path: {build}/*/{shard.name}
                  if-no-files-found: error
                  include-hidden-files: {str(include_hidden).lower()}
    """)
    if include_hidden:
        assert res.returncode == 0, res.stdout + res.stderr
        artifact = tmp_path / "run" / "artifacts" / "exec"
        assert (artifact / shard.relative_to(build) / "e.ipynb").is_file()
    else:
        assert res.returncode == 1
        assert "FAILED: job 'a', step 2 'Upload the cache shard'" in res.stdout
        assert "No files were found" in res.stdout and "1 hidden files left out" in res.stdout


@pytest.mark.parametrize("with_node", [True, False])
def test_the_render_jobs_system_packages_bring_node(tmp_path, with_node):
    """The render job's own first step, read from book.yml, and then what `make html` needs
    of it; without `nodejs npm` in it, the run fails at the next step, naming it."""
    render = yaml.safe_load(BOOK_YML.read_text())["jobs"]["render"]
    first = render["steps"][0]
    assert "apt-get" in first["run"]
    run = first["run"] if with_node else first["run"].replace(" nodejs npm", "")
    job = {"runs-on": "ubuntu-latest", "container": render["container"],
           "steps": [{"name": first["name"], "run": run},
                     {"name": "What make html runs", "run": "node --version && npm --version"}]}
    res = run_workflow(tmp_path, yaml.safe_dump({"on": "push", "jobs": {"render": job}}))
    if with_node:
        assert res.returncode == 0, res.stdout + res.stderr
    else:
        assert res.returncode == 1
        assert "FAILED: job 'render', step 2 'What make html runs'" in res.stdout
        assert "node: command not found" in res.stdout

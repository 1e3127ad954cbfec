"""The CI workflow (.github/workflows/book.yml), which cannot run here.

It parses; it executes the pages one framework per job (a matrix over the framework
table, `make execute FRAMEWORK=...` as the README's "Building on several machines" says,
each job keeping its cache between runs and uploading its shard) and renders them in one
job that merges the shards and runs `make html` with no framework; it runs the commands
the README's Publishing section gives (`make test` on every push, `make publish` on the
default branch only); and its publishing steps, run
here for real against the assembled ``_build/publish`` with a local bare repository as
``origin``, push the notebooks tree to the branch the pages' Colab links name and upload
the folder the pages are in. Where things go is read from the assembly, which takes it
from ``_config.yml``: the test never names the branch or the folders itself.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from bookutil import REPO
from tabbook.core.layout import BUILD_DIR, Layout
from tabbook.stages.publish import colab_blocks

WORKFLOW = REPO / ".github" / "workflows" / "book.yml"
EXPR_RE = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
ON_DEFAULT_BRANCH = ("github.ref == format('refs/heads/{0}', "
                     "github.event.repository.default_branch)")


@pytest.fixture(scope="module")
def workflow() -> dict:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and data.get("jobs"), f"{WORKFLOW} has no jobs"
    return data


def _steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def _step(workflow: dict, *, uses: str = "", run: str = "", name: str = "") -> dict:
    found = [s for s in _steps(workflow) if (uses and s.get("uses", "").startswith(uses + "@"))
             or (run and run in s.get("run", "")) or (name and s.get("name") == name)]
    assert len(found) == 1, f"expected one step {uses or run or name!r}, found {len(found)}"
    return found[0]


def readme_commands(title: str = "Publishing") -> list[str]:
    """The `make ...` commands of the shell blocks of the README's section ``title``."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = re.search(rf"^## {title}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert section, f"README.md has no `## {title}` section"
    blocks = re.findall(r"```bash\n(.*?)```", section.group(1), re.S)
    return [ln.split("#")[0].strip() for b in blocks for ln in b.splitlines()
            if ln.strip().startswith("make ")]


def test_workflow_parses_and_triggers(workflow):
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(on)
    assert set(workflow["jobs"]) == {"execute", "render", "deploy"}
    for step in _steps(workflow):
        assert "uses" in step or "run" in step, step
        if "uses" in step:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step["uses"]


def test_workflow_runs_the_readme_commands(workflow):
    commands = readme_commands()
    assert commands == ["make test", "make publish"]
    runs = [s.get("run", "").strip() for s in workflow["jobs"]["render"]["steps"]]
    assert runs.index("make test") < runs.index("make publish")
    test, publish = _step(workflow, run="make test"), _step(workflow, run="make publish")
    assert "if" not in test  # every push and pull request
    assert ON_DEFAULT_BRANCH in publish["if"] and "pull_request" in publish["if"]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "render" and ON_DEFAULT_BRANCH in deploy["if"]
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert workflow["jobs"]["render"]["permissions"]["contents"] == "write"
    # the Makefile has the targets the README and the workflow name
    make = (REPO / "Makefile").read_text()
    for command in commands:
        assert re.search(rf"^{command.split()[1]}:", make, re.M), command


def _exec_cache(workflow: dict, tmp_path: Path) -> tuple[str, dict]:
    """The execution cache's folder as the workflow's `paths` steps ask the tool for it (run
    here, each job's), and the expression context those steps' outputs give."""
    from tabbook.core.layout import Layout
    from tabbook.sources.config import load_config

    want = Layout(REPO, load_config(REPO).cache_dir).exec_cache.relative_to(REPO).as_posix()
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(tmp_path))}
    for name, job in workflow["jobs"].items():
        if name == "deploy":
            continue
        steps = [s for s in job["steps"] if s.get("id") == "paths"]
        assert len(steps) == 1 and "-m tabbook path exec-cache" in steps[0]["run"], name
        outputs = tmp_path / f"github_output_{name}"
        res = _run_step(steps[0], REPO, {}, {**env, "GITHUB_OUTPUT": str(outputs)})
        assert res.returncode == 0, res.stdout + res.stderr
        values = dict(ln.split("=", 1) for ln in outputs.read_text().splitlines() if "=" in ln)
        assert values == {"exec-cache": want}, (name, values)
    return want, {"steps.paths.outputs.exec-cache": want}


def test_workflow_executes_per_framework_and_renders_from_the_shards(workflow, tmp_path):
    """One execute job per framework of the table (the README's commands), each keeping its
    cache between runs and uploading its shard; the render job merges the shards where the
    cache lives and renders before testing and publishing, executing nothing. The workflow
    spells no build path: it asks `python -m tabbook path` (the paths steps, run here)."""
    from tabbook.core.frameworks import NAMES

    cache, context = _exec_cache(workflow, tmp_path)
    assert BUILD_DIR not in WORKFLOW.read_text(encoding="utf-8")
    commands = readme_commands("Building on several machines")
    assert commands[-1] == "make workflow"  # its subsection: the workflow run here
    commands = commands[:-1]
    assert commands[-1] == "make html"
    assert [c for c in commands[:-1]] == [f"make execute FRAMEWORK={name}"
                                          for name in ("pytorch", "jax")]
    make = (REPO / "Makefile").read_text()
    assert re.search(r"^execute:", make, re.M)
    for framework, args in (("pytorch", "--framework pytorch"), ("", ""),
                            ("mxnet jax", "--framework mxnet --framework jax")):
        dry = subprocess.run(["make", "--no-print-directory", "-n", "execute",
                              f"FRAMEWORK={framework}"], cwd=REPO,
                             capture_output=True, text=True, timeout=60)
        assert dry.returncode == 0, dry.stderr
        assert dry.stdout.strip().splitlines()[-1].split("-m tabbook ")[1].strip() == (
            f"execute {args}".strip()), dry.stdout
    assert not re.search(r"^html:.*\benvs\b", make, re.M), (
        "make html must not need every environment")

    execute, render = workflow["jobs"]["execute"], workflow["jobs"]["render"]
    assert execute["strategy"]["matrix"]["framework"] == list(NAMES)
    assert "matrix.runner" in execute["runs-on"]  # each framework may name its runner kind
    assert all("runner" in extra for extra in execute["strategy"]["matrix"]["include"])
    steps = execute["steps"]
    run = [s for s in steps if "make execute" in s.get("run", "")]
    assert [s["run"].strip() for s in run] == ["make execute FRAMEWORK=${{ matrix.framework }}"]
    kept = [s for s in steps if s.get("uses", "").startswith("actions/cache@")
            and _resolve(s["with"]["path"], context) == cache]
    assert len(kept) == 1, "the executions are kept between workflow runs"
    key, restore = kept[0]["with"]["key"], kept[0]["with"]["restore-keys"]
    assert "matrix.framework" in key and "github.sha" in key and key.startswith(restore)
    upload = [s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert len(upload) == 1 and _resolve(upload[0]["with"]["path"], context) == cache
    assert upload[0]["with"]["name"] == "exec-${{ matrix.framework }}"
    assert steps.index(kept[0]) < steps.index(run[0]) < steps.index(upload[0])

    assert render["needs"] == "execute"
    steps = render["steps"]
    download = [s for s in steps if s.get("uses", "").startswith("actions/download-artifact@")]
    assert len(download) == 1 and _resolve(download[0]["with"]["path"], context) == cache
    assert download[0]["with"]["pattern"] == "exec-*" and download[0]["with"]["merge-multiple"]
    html = [s for s in steps if s.get("run", "").strip().splitlines()[:1] == ["make html"]]
    assert len(html) == 1
    # and it checks that nothing made an environment where the render job has none
    assert '[ -e "$TABBOOK_ENV_DIR" ]' in html[0]["run"]
    assert html[0]["env"]["TABBOOK_NO_EXECUTE"] and html[0]["env"]["TABBOOK_ENV_DIR"]
    runs = [s.get("run", "").strip() for s in steps]
    assert (steps.index(download[0]) < steps.index(html[0]) < runs.index("make test")
            < runs.index("make publish"))


def _resolve(text: str, context: dict[str, str]) -> str:
    def one(m):
        assert m.group(1) in context, f"the test does not know `{m.group(1)}`"
        return context[m.group(1)]

    return EXPR_RE.sub(one, text)


def _run_step(step: dict, cwd: Path, context: dict, env: dict) -> subprocess.CompletedProcess:
    step_env = {k: _resolve(str(v), context) for k, v in (step.get("env") or {}).items()}
    return subprocess.run(["bash", "-e", "-c", _resolve(step["run"], context)], cwd=cwd,
                          env={**env, **step_env}, capture_output=True, text=True, timeout=300)


def _git(*args, cwd=None) -> str:
    res = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_publishing_steps_push_what_the_links_open(workflow, assembled, tmp_path):
    out, cfg = assembled
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home), "RUNNER_TEMP": str(tmp_path),
           "GITHUB_SHA": "0" * 40, "PYTHONPATH": str(REPO), "GIT_CONFIG_NOSYSTEM": "1"}
    owner, repo = cfg.github
    context = {"github.server_url": "https://github.com", "github.repository": f"{owner}/{repo}"}

    # "Where the assembly goes": its outputs, from publish.json
    where = _step(workflow, name="Where the assembly goes")
    outputs = tmp_path / "github_output"
    res = _run_step(where, REPO, context, {**env, "GITHUB_OUTPUT": str(outputs)})
    assert res.returncode == 0, res.stderr
    values = dict(ln.split("=", 1) for ln in outputs.read_text().splitlines() if "=" in ln)
    context.update({f"steps.{where['id']}.outputs.{k}": v for k, v in values.items()})

    # the check that the links name the repository the workflow runs in
    same = _step(workflow, name="The links name this repository")
    assert _run_step(same, REPO, context, env).returncode == 0
    other = dict(context, **{"github.repository": "someone/else"})
    res = _run_step(same, REPO, other, env)
    assert res.returncode == 1 and "repository.url" in res.stderr

    # the site artefact is the folder the pages (and the wheel) are in
    upload = _step(workflow, uses="actions/upload-pages-artifact")
    site = REPO / _resolve(upload["with"]["path"], context)
    assert site == out / "site" and (site / "index.html").is_file()
    assert (site / "_dist" / cfg.wheel_name).is_file()

    # the push, into a checkout whose origin is a local bare repository
    origin, work = tmp_path / "origin.git", tmp_path / "work"
    _git("init", "--bare", "-q", str(origin))
    _git("init", "-q", "-b", cfg.repository_branch, str(work))
    (work / "README.md").write_text("sources\n")
    _git("-c", "user.name=t", "-c", "user.email=t@example.org", "add", "README.md", cwd=work)
    _git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "sources",
         cwd=work)
    _git("remote", "add", "origin", str(origin), cwd=work)
    Layout(work).publish.parent.mkdir(parents=True)
    Layout(work).publish.symlink_to(out)
    push = _step(workflow, run="git push")
    res = _run_step(push, work, context, env)
    assert res.returncode == 0, res.stdout + res.stderr

    # the branch the pages' Colab links name holds exactly the notebooks tree
    branches = set()
    for page in (site).rglob("*.html"):
        for block in colab_blocks(page):
            for name in block["data-frameworks"].split():
                branches.add(re.search(r"/blob/([^/]+)/", block[f"data-colab-{name}"]).group(1))
    assert len(branches) == 1
    branch = branches.pop()
    pushed = set(_git("--git-dir", str(origin), "ls-tree", "-r", "--name-only", branch).split())
    tree = out / "notebooks"
    files = {p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file()}
    assert pushed == files and any(f.endswith(".ipynb") for f in files)
    some = sorted(f for f in files if f.endswith(".ipynb"))[0]
    assert _git("--git-dir", str(origin), "show", f"{branch}:{some}") == (tree / some).read_text()
    # the sources' branch is untouched
    assert set(_git("--git-dir", str(origin), "for-each-ref", "--format=%(refname:short)")
               .split()) == {branch}


def test_the_shard_upload_takes_every_entry_the_build_wrote(workflow, tmp_path):
    """Issue 27: what actions/upload-artifact would upload of the real cache shard (its
    `path`, its search root and its hidden-file rule, as tools/workflow emulates them) is
    every entry the build wrote there, under its own name: nothing is lost to the rule."""
    from tools.workflow.actions import upload_selection

    cache, context = _exec_cache(workflow, tmp_path)
    upload = _step(workflow, uses="actions/upload-artifact")
    hidden_ok = str(upload["with"].get("include-hidden-files", "false")).lower() == "true"
    shard = REPO / cache
    entries = sorted(shard.glob("*.ipynb"))
    assert entries, "the book is built: its cache holds runs"
    root, files, hidden = upload_selection(lambda p: REPO / p,
                                           [_resolve(upload["with"]["path"], context)], hidden_ok)
    assert not hidden, f"left out by the hidden-file rule: {hidden}"
    assert root == shard and files == sorted(p for p in shard.rglob("*") if p.is_file())
    assert set(entries) <= set(files)

"""Run a GitHub Actions workflow here: each job in a fresh Debian root, as written.

    python -m tools.workflow                       # .github/workflows/book.yml, every job
    python -m tools.workflow --jobs execute        # only these jobs (and nothing they need)
    python -m tools.workflow --event pull_request  # as for a pull request

It reads the workflow file itself and runs its jobs in the order ``needs:`` gives (a
matrix job once per combination, ``--parallel`` at a time), each in a new root made from
the job's ``container:`` image (``debian:<suite>``; a job without one, such as ``deploy``
on ``ubuntu-latest``, gets a bookworm root too), as root, its steps in order: ``run:``
steps with ``bash --noprofile --norc -eo pipefail`` in the checkout, with the workflow's,
the job's and the step's ``env:`` and the variables a runner sets (``GITHUB_OUTPUT``,
``GITHUB_ENV``, ``RUNNER_TEMP``...); ``uses:`` steps by :mod:`tools.workflow.actions`. The
``github`` context is a push of the checkout's ``HEAD`` to its default branch (``--event``,
``--branch`` change it), so ``if:`` conditions on it are evaluated as for a publishing run.

Each step prints its job, name, time and result; its output goes to a log file
(``<run>/logs/<job>/<n>.log``). The first failing step stops the run with exit 1, naming
the job and the step and showing the tail of its log. The run's folder (``--run-dir``,
default ``_build/workflow``) keeps the artifacts, the emulated GitHub repository
(``origin.git``, where pushes land) and the deployed site (``pages/``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import yaml

from tabbook.core.layout import Layout
from tools.workflow import actions, roots
from tools.workflow.expr import Evaluator, ExprError, to_str
from tools.workflow.plan import (
    WorkflowFailed,
    expand_matrix,
    file_command,
    hash_files,
    job_order,
    load,
)

REPO = Path(__file__).resolve().parents[2]
KNOWN_JOB_KEYS = {"name", "needs", "if", "runs-on", "container", "steps", "env", "strategy",
                  "timeout-minutes", "permissions", "environment", "concurrency", "outputs",
                  "defaults", "continue-on-error"}
KNOWN_STEP_KEYS = {"name", "id", "if", "uses", "run", "with", "env", "shell",
                   "working-directory", "timeout-minutes", "continue-on-error"}
_print_lock = threading.Lock()


def say(line: str) -> None:
    with _print_lock:
        print(time.strftime("%H:%M:%S ") + line, flush=True)


class Run:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.workflow_path = Path(args.workflow).resolve()
        self.workflow = load(self.workflow_path)
        self.repo = Path(args.repo).resolve()
        self.run_dir = Path(args.run_dir).resolve()
        self.cache_dir = (Path(args.actions_cache) if args.actions_cache
                          else roots.cache_dir() / "actions-cache")
        self.results: dict[str, dict] = {}   # job name -> {"result", "outputs"}
        self.timings: list[tuple[str, str, float]] = []
        self.sha = self._git("rev-parse", args.commit).strip()
        self.github = self._github_context()

    def _git(self, *args: str) -> str:
        res = subprocess.run(["git", "-C", str(self.repo), *args], capture_output=True,
                             text=True)
        if res.returncode != 0:
            raise WorkflowFailed(f"git {' '.join(args)}: {res.stderr.strip()}")
        return res.stdout

    def _github_context(self) -> dict:
        owner, name = self.args.repository.split("/", 1)
        branch = self.args.branch
        ref = f"refs/heads/{branch}" if self.args.event == "push" else "refs/pull/1/merge"
        return {"sha": self.sha, "ref": ref, "ref_name": branch, "event_name": self.args.event,
                "repository": self.args.repository, "repository_owner": owner,
                "server_url": "https://github.com", "api_url": "https://api.github.com",
                "run_id": str(int(time.time())), "run_number": "1", "run_attempt": "1",
                "actor": "local", "workflow": self.workflow.get("name", ""),
                "event": {"repository": {"default_branch": self.args.default_branch,
                                         "name": name, "full_name": self.args.repository}}}

    def prepare(self) -> None:
        dirty = self._git("status", "--porcelain", "--untracked-files=no").strip()
        if dirty:
            say(f"[workflow] note: uncommitted changes are not in the run (it checks out "
                f"{self.sha[:12]}, as a push of that commit would)")
        for item in (self.run_dir.iterdir() if self.run_dir.is_dir() else []):
            if not (self.args.reuse_artifacts and item.name == "artifacts"):
                shutil.rmtree(item) if item.is_dir() else item.unlink()
        (self.run_dir / "artifacts").mkdir(parents=True, exist_ok=True)
        origin = self.run_dir / "origin.git"
        subprocess.run(["git", "init", "-q", "--bare", str(origin)], check=True)
        subprocess.run(["git", "-C", str(self.repo), "push", "-q", str(origin),
                        f"{self.sha}:refs/heads/{self.args.branch}"], check=True)
        if self.args.fresh_cache:
            shutil.rmtree(self.cache_dir, ignore_errors=True)

    # -- jobs -------------------------------------------------------------------------------
    def main(self) -> int:
        start = time.monotonic()
        self.prepare()
        self.image = roots.image(self.args.suite, log=say)
        jobs = self.workflow["jobs"]
        wanted = set(self.args.jobs.split(",")) if self.args.jobs else set(jobs)
        for level in job_order(jobs):
            runs = []
            for name in level:
                if name not in wanted:
                    # left out by --jobs: taken as done (its artifacts kept with
                    # --reuse-artifacts), so the jobs that need it run
                    self.results[name] = {"result": "success", "outputs": {}}
                    continue
                job = jobs[name]
                unknown = set(job) - KNOWN_JOB_KEYS
                if unknown:
                    raise WorkflowFailed(
                        f"job {name}: the emulator does not know {sorted(unknown)}")
                for matrix in expand_matrix(job.get("strategy")):
                    if all(to_str(matrix.get(k, v)) == v for k, v in self.args.matrix):
                        runs.append((name, job, matrix))
            with concurrent.futures.ThreadPoolExecutor(max(1, self.args.parallel)) as pool:
                futures = {pool.submit(self.run_job, *r): r for r in runs}
                failures = []
                for future in concurrent.futures.as_completed(futures):
                    if future.cancelled():
                        continue
                    try:
                        future.result()
                    except (WorkflowFailed, roots.RootError, ExprError) as exc:
                        failures.append(str(exc))
                        for other in futures:  # start no other job: the run has failed
                            other.cancel()
            if failures:
                for failure in failures:
                    say(failure)
                return 1
        ran = sum(1 for _, step, _ in self.timings if step == "")
        say(f"[workflow] {ran} jobs ran, every one passed, in {time.monotonic() - start:.0f} s")
        for job, step, seconds in self.timings:
            if step == "":
                say(f"[workflow]   {job}: {seconds:.0f} s")
        if (self.workflow_path == REPO / ".github" / "workflows" / "book.yml"
                and not self.args.jobs and not self.args.matrix and self.args.event == "push"):
            from tools.workflow import book
            try:
                for line in book.check(self.run_dir, self.args.branch):
                    say(f"[workflow] {line}")
            except AssertionError as exc:
                say(f"[workflow] FAILED: the book's run is incomplete: {exc}")
                return 1
        return 0

    def job_id(self, name: str, matrix: dict) -> str:
        return f"{name} ({', '.join(to_str(v) for v in matrix.values())})" if matrix else name

    def run_job(self, name: str, job: dict, matrix: dict) -> None:
        job_id = self.job_id(name, matrix)
        folder = re.sub(r"[^\w.-]+", "-", job_id).strip("-")
        needs = job.get("needs") or []
        needs = [needs] if isinstance(needs, str) else needs
        needs_ctx = {n: self.results.get(n, {"result": "skipped", "outputs": {}}) for n in needs}
        contexts = {"github": self.github, "matrix": matrix, "needs": needs_ctx, "env": {},
                    "strategy": {"fail-fast": True}, "secrets": {}, "vars": {}, "inputs": {},
                    "runner": {"os": "Linux", "arch": "X64", "temp": roots.TEMP},
                    "steps": {}, "job": {"status": "success"}}
        ev = Evaluator(contexts, {"success": lambda: all(v["result"] == "success"
                                                         for v in needs_ctx.values()),
                                  "failure": lambda: False, "always": lambda: True,
                                  "cancelled": lambda: False})
        if not ev.condition(job.get("if")):
            say(f"[workflow] {job_id}: skipped (its `if:` is false for a "
                f"{self.github['event_name']} to {self.github['ref']})")
            self.results.setdefault(name, {"result": "skipped", "outputs": {}})
            return
        container = job.get("container")
        image = ev.substitute(container if isinstance(container, str)
                              else (container or {}).get("image", ""))
        if image and not re.fullmatch(rf"debian:{self.args.suite}(-slim)?", image):
            raise WorkflowFailed(f"[workflow] {job_id}: container {image!r}: the emulator "
                                 f"makes debian:{self.args.suite} roots only")
        runs_on = ev.substitute(job.get("runs-on"))
        say(f"[workflow] {job_id}: starting on {runs_on} in "
            f"{image or f'a debian:{self.args.suite} root (no container named)'}")
        start = time.monotonic()
        root = roots.Root(self.image, self.run_dir / "roots" / folder,
                          debs=roots.cache_dir() / "debs", log=say)
        repo_name = self.args.repository.split("/")[1]
        workspace = f"{roots.WORK}/{repo_name}/{repo_name}"
        try:
            root.inside(workspace).mkdir(parents=True, exist_ok=True)  # as the runner does
            root.bind(self.run_dir / "origin.git", "/__origin.git")
            result = self._steps(job_id, folder, job, ev, contexts, root, workspace)
        finally:
            left = root.kill_processes()
            if left:
                say(f"[workflow] {job_id}: ended {left} processes its steps left running")
            root.close(keep=self.args.keep_roots)
        seconds = time.monotonic() - start
        self.timings.append((job_id, "", seconds))
        previous = self.results.get(name, {"result": "success", "outputs": {}})
        self.results[name] = {"result": "success" if result and previous["result"] == "success"
                              else "failure", "outputs": previous["outputs"]}
        say(f"[workflow] {job_id}: {'passed' if result else 'FAILED'} in {seconds:.0f} s")

    def _steps(self, job_id, folder, job, ev, contexts, root, workspace) -> bool:
        log_dir = self.run_dir / "logs" / folder
        log_dir.mkdir(parents=True, exist_ok=True)
        env = {str(k): to_str(ev.substitute(v))
               for k, v in (self.workflow.get("env") or {}).items()}
        contexts["env"] = env
        env.update({str(k): to_str(ev.substitute(v)) for k, v in (job.get("env") or {}).items()})
        extra_path: list[str] = []
        post: list = []
        failed = None
        deadline = time.monotonic() + 60 * float(job.get("timeout-minutes", 360))
        for n, step in enumerate(job.get("steps") or [], 1):
            unknown = set(step) - KNOWN_STEP_KEYS
            if unknown:
                raise WorkflowFailed(f"{job_id}, step {n}: the emulator does not know "
                                     f"{sorted(unknown)}")
            title = step.get("name") or (f"Run {step['uses']}" if "uses" in step
                                         else f"Run {step.get('run', '').strip().splitlines()[0]}")
            title = to_str(ev.substitute(title))
            ev.functions["success"] = lambda: failed is None
            ev.functions["failure"] = lambda: failed is not None
            ev.functions["hashfiles"] = lambda *p: hash_files(root, workspace, *p)
            step_id = step.get("id") or f"__{n}"
            if not ev.condition(step.get("if")):
                contexts["steps"][step_id] = {"outputs": {}, "outcome": "skipped",
                                              "conclusion": "skipped"}
                say(f"[workflow] {job_id} | {n}. {title}: skipped")
                continue
            log = log_dir / f"{n:02d}.log"
            start = time.monotonic()
            outcome, outputs, message = self._step(step, ev, env, root, workspace, log,
                                                   extra_path, post, job_id, deadline)
            seconds = time.monotonic() - start
            self.timings.append((job_id, title, seconds))
            contexts["steps"][step_id] = {"outputs": outputs, "outcome": outcome,
                                          "conclusion": "success" if step.get("continue-on-error")
                                          else outcome}
            say(f"[workflow] {job_id} | {n}. {title}: {outcome} ({seconds:.0f} s)"
                + (f" — {message}" if message else ""))
            if outcome != "success" and not step.get("continue-on-error"):
                failed = (n, title, log)
        if failed is None:
            for name, save in post:
                save()
            return True
        n, title, log = failed
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-40:]) if log.exists() else ""
        raise WorkflowFailed(f"[workflow] FAILED: job {job_id!r}, step {n} {title!r} "
                             f"(log: {log})\n{tail}")

    def _step(self, step, ev, env, root, workspace, log, extra_path, post, job_id, deadline):
        try:
            step_env = {str(k): to_str(ev.substitute(v))
                        for k, v in (step.get("env") or {}).items()}
            if "uses" in step:
                return self._uses(step, ev, env, root, workspace, log, post)
            return self._run(step, ev, {**env, **step_env}, env, root, workspace, log,
                             extra_path, job_id, deadline)
        except (actions.StepFailed, ExprError) as exc:
            log.write_text(str(exc) + "\n")
            return "failure", {}, str(exc).splitlines()[0]

    def _base_env(self, workspace: str, job_id: str) -> dict[str, str]:
        g = self.github
        return {"PATH": roots.PATH, "HOME": roots.HOME, "CI": "true", "GITHUB_ACTIONS": "true",
                "GITHUB_WORKSPACE": workspace, "GITHUB_SHA": g["sha"], "GITHUB_REF": g["ref"],
                "GITHUB_REF_NAME": g["ref_name"], "GITHUB_EVENT_NAME": g["event_name"],
                "GITHUB_REPOSITORY": g["repository"], "GITHUB_SERVER_URL": g["server_url"],
                "GITHUB_RUN_ID": g["run_id"], "GITHUB_JOB": job_id.split(" ")[0],
                "RUNNER_TEMP": roots.TEMP, "RUNNER_OS": "Linux", "RUNNER_ARCH": "X64",
                "RUNNER_TOOL_CACHE": "/__t"}

    def _run(self, step, ev, env, job_env, root, workspace, log, extra_path, job_id, deadline):
        script_name = uuid.uuid4().hex
        files = {k: f"{roots.TEMP}/_runner_file_commands/{k.lower()}_{script_name}"
                 for k in ("GITHUB_OUTPUT", "GITHUB_ENV", "GITHUB_PATH", "GITHUB_STEP_SUMMARY")}
        for path in files.values():
            root.inside(path).parent.mkdir(parents=True, exist_ok=True)
            root.inside(path).write_text("")
        script = f"{roots.TEMP}/{script_name}.sh"
        root.inside(script).write_text(to_str(ev.substitute(step["run"])))
        shell = step.get("shell", "bash")
        argv = {"bash": ["bash", "--noprofile", "--norc", "-eo", "pipefail", script],
                "sh": ["sh", "-e", script]}.get(shell)
        if argv is None:
            raise actions.StepFailed(f"shell {shell!r} is not emulated")
        cwd = workspace if not step.get("working-directory") else \
            os.path.join(workspace, to_str(ev.substitute(step["working-directory"])))
        full_env = {**self._base_env(workspace, job_id), **root.registry_env, **env, **files}
        if extra_path:
            full_env["PATH"] = ":".join(extra_path) + ":" + full_env["PATH"]
        limit = min(deadline - time.monotonic(),
                    60 * float(step.get("timeout-minutes", 10 ** 6)))
        with open(log, "w") as out:
            proc = subprocess.Popen(root.command(argv, cwd), stdout=out, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, env=full_env, start_new_session=True)
            try:
                code = proc.wait(timeout=max(1.0, limit))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, 9)
                proc.wait()
                return "failure", {}, f"timed out after {limit / 60:.0f} minutes"
        outputs = file_command(root.inside(files["GITHUB_OUTPUT"]).read_text())
        job_env.update(file_command(root.inside(files["GITHUB_ENV"]).read_text()))
        extra_path[:0] = [p for p in root.inside(files["GITHUB_PATH"]).read_text().splitlines()
                          if p.strip()]
        if code != 0:
            return "failure", outputs, f"exit {code}"
        return "success", outputs, ""

    def _uses(self, step, ev, env, root, workspace, log, post):
        uses = step["uses"]
        action = uses.split("@")[0]
        if action not in actions.ACTIONS:
            raise actions.StepFailed(f"the action {uses} is not one the emulator knows "
                                     f"({', '.join(actions.ACTIONS)})")
        args = {str(k): ev.substitute(v) for k, v in (step.get("with") or {}).items()}
        lines: list[str] = []
        ctx = actions.Context(root=root, workspace=workspace, run_dir=self.run_dir,
                              cache_dir=self.cache_dir,
                              env={**self._base_env(workspace, ""), **env},
                              github=self.github, log=lines.append,
                              exec_in_root=lambda argv: subprocess.run(
                                  root.command(argv, workspace), capture_output=True, text=True,
                                  env={"PATH": roots.PATH}),
                              post=post)
        try:
            outputs = actions.ACTIONS[action](ctx, args)
        finally:
            log.write_text("\n".join(lines) + "\n")
        shown = lines if len(lines) <= 4 else [lines[0], f"... ({len(lines) - 2} more)", lines[-1]]
        return "success", {k: to_str(v) for k, v in outputs.items()}, "; ".join(shown)


def _default_repository(repo: Path) -> str:
    """owner/name of the book's repository: ``repository.url`` in _config.yml."""
    config = repo / "_config.yml"
    if config.is_file():
        url = ((yaml.safe_load(config.read_text()) or {}).get("repository") or {}).get("url", "")
        m = re.match(r"https://github\.com/([^/]+/[^/]+?)(?:\.git)?/?$", str(url or ""))
        if m:
            return m.group(1)
    return "local/book"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workflow", default=str(REPO / ".github" / "workflows" / "book.yml"))
    parser.add_argument("--repo", default=str(REPO), help="the git repository to check out")
    parser.add_argument("--commit", default="HEAD")
    parser.add_argument("--jobs", default="", help="comma-separated job names (default: all)")
    parser.add_argument("--matrix", action="append", default=[], metavar="KEY=VALUE",
                        type=lambda kv: tuple(kv.split("=", 1)),
                        help="only the matrix combinations with this value (repeatable)")
    parser.add_argument("--event", default="push", choices=["push", "pull_request"])
    parser.add_argument("--branch", default="", help="the pushed branch (default: the "
                        "checkout's current branch)")
    parser.add_argument("--default-branch", default="", help="the repository's default branch "
                        "(default: the pushed branch)")
    parser.add_argument("--repository", default="", help="owner/name (default: _config.yml's "
                        "repository.url)")
    parser.add_argument("--run-dir", default=str(Layout(REPO).workflow))
    parser.add_argument("--actions-cache", default="", help="actions/cache's store (default: "
                        "~/.cache/d2l-book/workflow/actions-cache)")
    parser.add_argument("--fresh-cache", action="store_true", help="empty actions/cache first, "
                        "as for a repository's first run")
    parser.add_argument("--parallel", type=int, default=2, help="jobs at a time")
    parser.add_argument("--suite", default="bookworm")
    parser.add_argument("--keep-roots", action="store_true", help="leave each job's root "
                        "in <run-dir>/roots (to look into after a failure)")
    parser.add_argument("--reuse-artifacts", action="store_true", help="keep the artifacts of "
                        "the previous run in --run-dir (to run a later job alone with --jobs)")
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("error: the local workflow makes Debian roots and chroots into them: run it as "
              "root", file=sys.stderr)
        return 2
    if not args.branch:
        res = subprocess.run(["git", "-C", args.repo, "symbolic-ref", "--short", "HEAD"],
                             capture_output=True, text=True)
        args.branch = res.stdout.strip() or "main"
    args.default_branch = args.default_branch or args.branch
    args.repository = args.repository or _default_repository(Path(args.repo))
    try:
        return Run(args).main()
    except (WorkflowFailed, roots.RootError, ExprError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

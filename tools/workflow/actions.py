"""The ``uses:`` steps, each emulated by what its action documents.

* ``actions/checkout``: the commit's tracked files (one commit, depth 1), on the pushed
  branch, with ``origin`` the emulated GitHub repository (a bare repository in the run's
  folder, mounted into the root), so that a step's ``git push origin`` lands there.
* ``actions/cache``: restores by ``key``, then by the newest cache whose key starts with a
  ``restore-keys`` prefix; saves after a successful job under ``key`` unless that key was an
  exact hit (caches are immutable).
* ``actions/upload-artifact`` (v4.4+): the ``path`` globs (``!`` excludes), the search root
  (a single folder's own contents; otherwise the common ancestor of the search paths), the
  hidden-files rule (an item whose own name starts with ``.`` below the search root is left
  out unless ``include-hidden-files: true``), ``if-no-files-found`` (``warn``, ``error``,
  ``ignore``), and one artifact per name.
* ``actions/download-artifact``: ``name`` or ``pattern``, ``merge-multiple``, ``path``.
* ``actions/upload-pages-artifact``: the folder as the tar file it uploads (``github-pages``).
* ``actions/deploy-pages``: the ``github-pages`` artifact unpacked where the run's "site"
  is; ``page_url`` points at it.

Any other action fails the step, naming it.
"""

from __future__ import annotations

import fnmatch
import glob
import hashlib
import json
import os
import shutil
import subprocess
import tarfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable


class StepFailed(RuntimeError):
    """The step fails with this message."""


@dataclass
class Context:
    """What an action can see: the job's root, its workspace, the run's shared folders."""
    root: object                      # roots.Root
    workspace: str                    # a path inside the root
    run_dir: Path                     # the run's folder (artifacts, origin, pages)
    cache_dir: Path                   # actions/cache's store
    env: dict[str, str]
    github: dict
    log: Callable[[str], None]
    exec_in_root: Callable[[list[str]], subprocess.CompletedProcess]
    post: list = field(default_factory=list)  # (name, callable) run after a successful job

    def host(self, path: str) -> Path:
        """The host path of ``path`` as a step inside the root would read it."""
        if path.startswith("~"):
            path = self.env["HOME"] + path[1:]
        if not path.startswith("/"):
            path = f"{self.workspace}/{path}"
        return self.root.inside(os.path.normpath(path))


def _lines(value) -> list[str]:
    return [ln.strip() for ln in str(value or "").splitlines() if ln.strip()]


def checkout(ctx: Context, args: dict) -> dict:
    ws = ctx.root.inside(ctx.workspace)
    origin = ctx.run_dir / "origin.git"
    if args.get("path") or args.get("repository"):
        raise StepFailed("actions/checkout: `path` and `repository` are not emulated")
    sha, branch = ctx.github["sha"], ctx.github["ref_name"]
    ws.mkdir(parents=True, exist_ok=True)
    for cmd in (["init", "-q", str(ws)],
                ["-C", str(ws), "fetch", "-q", "--depth=1", "--no-tags", str(origin), sha],
                ["-C", str(ws), "checkout", "-q", "--force", "-B", branch, sha],
                ["-C", str(ws), "remote", "add", "origin", "/__origin.git"],
                ["-C", str(ws), "update-ref", f"refs/remotes/origin/{branch}", sha]):
        res = subprocess.run(["git", *cmd], capture_output=True, text=True)
        if res.returncode != 0:
            raise StepFailed(f"actions/checkout: git {' '.join(cmd)}: {res.stderr.strip()}")
    files = subprocess.run(["git", "-C", str(ws), "ls-files"], capture_output=True, text=True)
    ctx.log(f"checked out {sha[:12]} ({len(files.stdout.splitlines())} tracked files) on {branch}")
    return {"ref": ctx.github["ref"], "commit": sha}


# -- actions/cache ----------------------------------------------------------------------------
_INDEX_LOCK = threading.Lock()  # the matrix's jobs are threads of one run


def _cache_index(ctx: Context) -> dict:
    index = ctx.cache_dir / "index.json"
    with _INDEX_LOCK:
        return json.loads(index.read_text()) if index.is_file() else {}


def _note_cache(ctx: Context, key: str, paths: list[str]) -> None:
    """Adds ``key`` to the index: read, changed and replaced whole, one job at a time."""
    index = ctx.cache_dir / "index.json"
    with _INDEX_LOCK:
        latest = json.loads(index.read_text()) if index.is_file() else {}
        latest[key] = {"created": time.time(), "paths": paths}
        tmp = index.with_name(f".index.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(latest, indent=1))
        os.replace(tmp, index)


def _cache_file(ctx: Context, key: str) -> Path:
    return ctx.cache_dir / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".tar")


def cache(ctx: Context, args: dict) -> dict:
    paths, key = _lines(args.get("path")), str(args.get("key") or "")
    if not paths or not key:
        raise StepFailed("actions/cache: `path` and `key` are required")
    index = _cache_index(ctx)
    hit, matched = key in index, key if key in index else None
    if not hit:
        for prefix in _lines(args.get("restore-keys")):
            candidates = [k for k in index if k.startswith(prefix)]
            if candidates:
                matched = max(candidates, key=lambda k: index[k]["created"])
                break
    if matched:
        with tarfile.open(_cache_file(ctx, matched)) as tar:
            tar.extractall(ctx.root.path, filter="tar")
        ctx.log(f"cache restored from key {matched}" + ("" if hit else f" (for key {key})"))
    else:
        ctx.log(f"cache not found for key {key}")

    def save() -> None:
        if hit:
            ctx.log(f"cache hit on {key}: not saved again")
            return
        found = [ctx.host(p) for p in paths]
        found = [p for p in found if p.exists()]
        if not found:
            ctx.log(f"cache {key}: no path exists, nothing saved")
            return
        ctx.cache_dir.mkdir(parents=True, exist_ok=True)
        target = _cache_file(ctx, key)
        tmp = target.with_suffix(f".tmp{os.getpid()}.{threading.get_ident()}")
        with tarfile.open(tmp, "w") as tar:
            for p in found:
                tar.add(p, arcname=str(p.relative_to(ctx.root.path)))
        os.replace(tmp, target)
        _note_cache(ctx, key, paths)
        ctx.log(f"cache saved under key {key} ({target.stat().st_size / 1e6:.1f} MB)")

    ctx.post.append((f"Post {args.get('key')}", save))
    return {"cache-hit": "true" if hit else "false"}


# -- artifacts --------------------------------------------------------------------------------
def _search_path(pattern: str) -> str:
    """The part of a glob before its first wildcard segment."""
    parts = pattern.split("/")
    for i, part in enumerate(parts):
        if any(c in part for c in "*?["):
            return "/".join(parts[:i]) or "/"
    return pattern


def upload_selection(ctx_host: Callable[[str], Path], raw_paths: list[str],
                     include_hidden: bool) -> tuple[Path | None, list[Path], list[Path]]:
    """The search root, the files upload-artifact would upload and the files its hidden-file
    rule leaves out, for the ``path`` globs (hosts paths, through ``ctx_host``)."""
    includes = [p for p in raw_paths if not p.startswith("!")]
    excludes = [ctx_host(p[1:]) for p in raw_paths if p.startswith("!")]
    searches = [ctx_host(_search_path(p)) for p in includes]
    files: dict[Path, Path] = {}
    hidden: list[Path] = []
    for pattern, search in zip(includes, searches):
        full = ctx_host(pattern)
        matches = ([Path(m) for m in glob.glob(str(full), recursive=True, include_hidden=True)]
                   if any(c in pattern for c in "*?[") else ([full] if full.exists() else []))
        for match in matches:
            candidates = ([match] if match.is_file()
                          else [p for p in match.rglob("*") if p.is_file()])
            for f in candidates:
                below = f.relative_to(search).parts if f.is_relative_to(search) else f.parts
                if not include_hidden and any(part.startswith(".") for part in below):
                    hidden.append(f)
                    continue
                if any(f == e or f.is_relative_to(e) or fnmatch.fnmatch(str(f), str(e))
                       for e in excludes):
                    continue
                files[f] = search
    if not searches:
        return None, [], hidden
    if len(searches) == 1 and searches[0].is_dir():
        root = searches[0]
    else:
        root = Path(os.path.commonpath([s if s.is_dir() else s.parent for s in searches]))
    return root, sorted(files), hidden


def upload_artifact(ctx: Context, args: dict) -> dict:
    name = str(args.get("name") or "artifact")
    store = ctx.run_dir / "artifacts" / name
    if store.exists() and str(args.get("overwrite", "false")).lower() != "true":
        raise StepFailed(f"actions/upload-artifact: an artifact named {name!r} already exists "
                         "in this run (v4 names are unique)")
    hidden_ok = str(args.get("include-hidden-files", "false")).lower() == "true"
    root, files, hidden = upload_selection(ctx.host, _lines(args.get("path")), hidden_ok)
    for f in hidden:
        ctx.log(f"hidden-file rule: left out {f.relative_to(ctx.root.path)}")
    if not files:
        mode = str(args.get("if-no-files-found") or "warn")
        message = (f"No files were found with the provided path: {args.get('path')!r}. "
                   "No artifacts will be uploaded.")
        if mode == "error":
            raise StepFailed(f"actions/upload-artifact ({name}): {message}"
                             + (f" ({len(hidden)} hidden files left out)" if hidden else ""))
        ctx.log(("warning: " if mode == "warn" else "") + message)
        return {}
    shutil.rmtree(store, ignore_errors=True)
    for f in files:
        dest = store / f.relative_to(root)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(f, dest)
    size = sum(f.stat().st_size for f in files)
    ctx.log(f"artifact {name}: {len(files)} files, {size / 1e6:.2f} MB, from "
            f"{root.relative_to(ctx.root.path)}")
    return {"artifact-id": name, "artifact-url": f"file://{store}"}


def download_artifact(ctx: Context, args: dict) -> dict:
    stored = ctx.run_dir / "artifacts"
    available = sorted(p.name for p in stored.iterdir()) if stored.is_dir() else []
    name, pattern = args.get("name"), args.get("pattern")
    target = ctx.host(str(args.get("path") or "."))
    if name:
        if name not in available:
            raise StepFailed(f"actions/download-artifact: Artifact not found: {name}")
        chosen, merge = [name], True
    else:
        chosen = [a for a in available if fnmatch.fnmatchcase(a, str(pattern or "*"))]
        merge = str(args.get("merge-multiple", "false")).lower() == "true"
    if not chosen:
        ctx.log(f"warning: no artifact matches {pattern!r} (there are: {available})")
    for artifact in chosen:
        dest = target if merge else target / artifact
        shutil.copytree(stored / artifact, dest, dirs_exist_ok=True)
        count = sum(1 for p in (stored / artifact).rglob("*") if p.is_file())
        ctx.log(f"artifact {artifact}: {count} files into {dest.relative_to(ctx.root.path)}")
    return {"download-path": str(args.get("path") or ctx.workspace)}


def upload_pages_artifact(ctx: Context, args: dict) -> dict:
    path = str(args.get("path") or "_site/")
    folder = ctx.host(path)
    if not folder.is_dir():
        raise StepFailed(f"actions/upload-pages-artifact: {path} is not a folder")
    tar_inside = f"{ctx.env['RUNNER_TEMP']}/artifact.tar"
    inside_folder = "/" + str(folder.relative_to(ctx.root.path))
    res = ctx.exec_in_root(["tar", "--dereference", "--hard-dereference", "--directory",
                            inside_folder, "-cf", tar_inside, "--exclude=.git",
                            "--exclude=.github", "."])
    if res.returncode != 0:
        raise StepFailed(f"actions/upload-pages-artifact: tar failed: {res.stderr[-2000:]}")
    name = str(args.get("name") or "github-pages")
    store = ctx.run_dir / "artifacts" / name
    store.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ctx.root.inside(tar_inside), store / "artifact.tar")
    with tarfile.open(store / "artifact.tar") as tar:
        members = [m for m in tar.getmembers() if m.isfile()]
    ctx.log(f"artifact {name}: artifact.tar of {path} ({len(members)} files, "
            f"{(store / 'artifact.tar').stat().st_size / 1e6:.1f} MB)")
    return {"artifact_id": name}


def deploy_pages(ctx: Context, args: dict) -> dict:
    name = str(args.get("artifact_name") or "github-pages")
    tar = ctx.run_dir / "artifacts" / name / "artifact.tar"
    if not tar.is_file():
        raise StepFailed(f"actions/deploy-pages: no artifact named {name} (upload it with "
                         "actions/upload-pages-artifact in a job this one needs)")
    site = ctx.run_dir / "pages"
    shutil.rmtree(site, ignore_errors=True)
    site.mkdir(parents=True)
    with tarfile.open(tar) as t:
        t.extractall(site, filter="data")
    ctx.log(f"deployed {name} to {site}")
    return {"page_url": f"file://{site}/"}


ACTIONS: dict[str, Callable[[Context, dict], dict]] = {
    "actions/checkout": checkout,
    "actions/cache": cache,
    "actions/upload-artifact": upload_artifact,
    "actions/download-artifact": download_artifact,
    "actions/upload-pages-artifact": upload_pages_artifact,
    "actions/deploy-pages": deploy_pages,
}
"""The actions the emulator knows, by ``owner/name`` (any version tag)."""

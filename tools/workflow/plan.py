"""The workflow file read as the runner reads it: the jobs' order (``needs:``), a matrix's
combinations (``include``/``exclude``), ``hashFiles()``, and the file commands a step
writes (``GITHUB_OUTPUT``, ``GITHUB_ENV``)."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import yaml

from tools.workflow import roots
from tools.workflow.expr import to_str


class WorkflowFailed(RuntimeError):
    """A step failed (or the workflow cannot be run as written)."""


def load(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("jobs"), dict):
        raise WorkflowFailed(f"{path}: not a workflow (no `jobs:`)")
    return data


def job_order(jobs: dict) -> list[list[str]]:
    """The jobs in levels: each level needs only jobs of earlier levels."""
    needs = {}
    for name, job in jobs.items():
        wanted = job.get("needs") or []
        needs[name] = [wanted] if isinstance(wanted, str) else list(wanted)
        for other in needs[name]:
            if other not in jobs:
                raise WorkflowFailed(f"job {name} needs {other}, which the workflow lacks")
    levels, done = [], set()
    while len(done) < len(jobs):
        level = [n for n in jobs if n not in done and set(needs[n]) <= done]
        if not level:
            raise WorkflowFailed("the jobs' `needs:` form a cycle")
        levels.append(level)
        done.update(level)
    return levels


def expand_matrix(strategy: dict | None) -> list[dict]:
    """The combinations of ``strategy.matrix`` with GitHub's ``include``/``exclude`` rules."""
    matrix = dict((strategy or {}).get("matrix") or {})
    include, exclude = matrix.pop("include", []) or [], matrix.pop("exclude", []) or []
    if not matrix and not include:
        return [{}]
    keys = list(matrix)
    combos = [dict(zip(keys, values)) for values in itertools.product(*(matrix[k] for k in keys))]
    combos = [c for c in combos
              if not any(all(c.get(k) == v for k, v in ex.items()) for ex in exclude)]
    originals = [dict(c) for c in combos]
    for extra in include:
        added = False
        for combo, original in zip(combos, originals):
            # added to a combination unless it would overwrite one of its original values
            if all(original.get(k, v) == v for k, v in extra.items() if k in original):
                combo.update(extra)
                added = True
        if not added:
            combos.append(dict(extra))
    return combos or [{}]


def hash_files(root: roots.Root, workspace: str, *patterns: str) -> str:
    """``hashFiles()``: the SHA-256 of the files' SHA-256s, in path order, or ''."""
    base = root.inside(workspace)
    found = set()
    for pattern in patterns:
        found.update(p for p in base.glob(to_str(pattern)) if p.is_file())
    if not found:
        return ""
    outer = hashlib.sha256()
    for path in sorted(found):
        outer.update(hashlib.sha256(path.read_bytes()).digest())
    return outer.hexdigest()


def file_command(text: str) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks (GITHUB_OUTPUT, GITHUB_ENV)."""
    out, lines, i = {}, text.splitlines(), 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            value = []
            i += 1
            while i < len(lines) and lines[i] != delim:
                value.append(lines[i])
                i += 1
            out[name] = "\n".join(value)
        elif "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out

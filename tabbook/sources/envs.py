"""Per-framework virtual environments and their Jupyter kernels.

Each framework runs in its own environment (MXNet 1.9.1 needs numpy 1.23.5, the
others want numpy 2). Environments live outside the repository, in a cache folder
keyed by the hash of their requirements file and Python version, so a fresh clone
on a machine that already built the book reuses them, and a changed requirements
file gets a new environment instead of a half-updated one.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from ..core.errors import BookError
from ..core.files import write_atomic
from ..core.frameworks import BY_NAME, FRAMEWORKS, Framework
from .system import ensure_packages

ROOT = Path(__file__).resolve().parents[2]
COMPLETE = ".tabbook-complete"


def env_root() -> Path:
    """Where environments live: ``$TABBOOK_ENV_DIR`` or ``~/.cache/d2l-book/envs``."""
    base = os.environ.get("TABBOOK_ENV_DIR")
    if base:
        return Path(base)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "d2l-book" / "envs"


def find_python(version: str) -> Path:
    """Find an interpreter for ``version`` (e.g. "3.11"): PATH first, then pyenv."""
    candidates = [shutil.which(f"python{version}")]
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv}/versions/{version}.*/bin/python{version}"),
                         reverse=True)
    candidates += [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for cand in candidates:
        if not cand:
            continue
        try:
            out = subprocess.run([cand, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                                 capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired):
            continue
        if out.returncode == 0 and out.stdout.strip() == version:
            return Path(cand)
    raise BookError(f"no Python {version} interpreter found (tried PATH and pyenv); "
                    f"install Python {version} or put python{version} on PATH")


def read_requirements(fw: Framework, root: Path = ROOT) -> bytes:
    """The bytes of ``fw``'s requirements file; BookError naming it if it is missing."""
    path = Path(root) / fw.requirements
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BookError(f"the {fw.label} requirements file is missing; every framework of "
                        f"tabbook/core/frameworks.py needs one: restore {fw.requirements} "
                        f"(e.g. `git checkout {fw.requirements}`)", path=fw.requirements) from None
    except OSError as exc:
        raise BookError(f"cannot read the {fw.label} requirements file: {exc.strerror}",
                        path=fw.requirements) from None


def env_dir(fw: Framework, root: Path = ROOT) -> Path:
    req = read_requirements(fw, root)
    digest = hashlib.sha256(req + fw.python.encode()).hexdigest()[:12]
    return env_root() / f"{fw.name}-py{fw.python}-{digest}"


def _python_in(env: Path) -> Path:
    return env / "bin" / "python"


def env_python(name: str, root: Path = ROOT) -> Path:
    """The interpreter of framework ``name``'s environment; BookError if it is not built."""
    fw = BY_NAME[name]
    env = env_dir(fw, root)
    if not (env / COMPLETE).exists():
        raise BookError(f"the {fw.label} environment is not built ({env}); run `make envs`")
    return _python_in(env)


def ensure_env(fw: Framework, root: Path = ROOT, log=print) -> Path:
    """Create ``fw``'s environment unless a complete one exists; return its python."""
    env = env_dir(fw, root)
    if (env / COMPLETE).exists():
        return _python_in(env)
    if env.exists():  # an interrupted earlier attempt: start over
        shutil.rmtree(env)
    env.parent.mkdir(parents=True, exist_ok=True)
    py = find_python(fw.python)
    log(f"[tabbook] creating the {fw.label} environment in {env}")
    steps = [
        [str(py), "-m", "venv", str(env)],
        [str(_python_in(env)), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-r", str(Path(root) / fw.requirements)],
    ]
    for cmd in steps:
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            raise BookError(f"creating the {fw.label} environment failed: {' '.join(cmd)}\n"
                            f"{res.stdout[-3000:]}{res.stderr[-3000:]}", path=fw.requirements)
    (env / COMPLETE).write_text(fw.requirements + "\n")
    return _python_in(env)


def kernel_dir() -> Path:
    """Kernels are registered in the build environment's own Jupyter data folder."""
    return Path(sys.prefix) / "share" / "jupyter" / "kernels"


def register_kernel(fw: Framework, python: Path) -> Path:
    """Write the kernelspec ``d2l-<name>`` that starts ``python``'s ipykernel."""
    spec_dir = kernel_dir() / fw.kernel
    spec = {
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": f"D2L {fw.label}",
        "language": "python",
        "metadata": {"debugger": False},
    }
    write_atomic(spec_dir / "kernel.json", json.dumps(spec, indent=1) + "\n")
    return spec_dir


def ensure_all(root: Path = ROOT, names: list[str] | None = None, log=print) -> dict[str, Path]:
    """Create (in parallel) and register every framework's environment."""
    fws = [fw for fw in FRAMEWORKS if names is None or fw.name in names]
    from concurrent.futures import ThreadPoolExecutor

    ensure_packages(fws, log)  # once for all, before the environments are made in parallel
    with ThreadPoolExecutor(max_workers=len(fws) or 1) as pool:
        pythons = dict(zip([fw.name for fw in fws],
                           pool.map(lambda fw: ensure_env(fw, root, log), fws)))
    for fw in fws:
        register_kernel(fw, pythons[fw.name])
    return pythons


def ensure_kernels(root: Path = ROOT) -> None:
    """Register kernels for environments that exist (cheap; no installs)."""
    for fw in FRAMEWORKS:
        register_kernel(fw, env_python(fw.name, root))

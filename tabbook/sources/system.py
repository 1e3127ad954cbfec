"""The Debian packages a framework's environment needs from the system (the framework
table's ``debian``), checked with dpkg and installed with apt-get when missing.

Wheels bring their own libraries, mostly: MXNet 1.9.1's ``libmxnet.so`` loads the system's
``libgomp.so.1`` and ``libquadmath.so.0``. A developer's machine has them (they come with
gcc); a fresh ``debian:bookworm`` container, where the workflow's jobs run, does not, and
MXNet then fails to import inside the kernel. So creating or reusing an environment first
makes sure of them: as root with apt-get (as ``make test`` installs Chromium), otherwise
an error that names the command. On a system without dpkg nothing is checked (the
framework's own import then says what is missing).
"""

from __future__ import annotations

import os
import shutil
import subprocess

from ..core.errors import BookError
from ..core.frameworks import Framework


def missing(packages: list[str]) -> list[str]:
    """Which of ``packages`` dpkg does not list as installed (all present without dpkg)."""
    if not packages or not shutil.which("dpkg-query"):
        return []
    res = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n", *packages],
                         capture_output=True, text=True)
    installed = {ln.split()[0].split(":")[0] for ln in res.stdout.splitlines()
                 if ln.split()[1:] == ["installed"]}
    return [p for p in packages if p not in installed]


def ensure_packages(fws: list[Framework], log=print) -> None:
    """Install the Debian packages ``fws`` need and lack; BookError when that cannot be done."""
    wanted = sorted({pkg for fw in fws for pkg in fw.debian})
    lacking = missing(wanted)
    if not lacking:
        return
    who = ", ".join(fw.label for fw in fws if set(fw.debian) & set(lacking))
    command = f"apt-get install -y {' '.join(lacking)}"
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise BookError(f"{who} needs the Debian packages {' '.join(lacking)}, which are not "
                        f"installed: as root, run `{command}` (tabbook/core/frameworks.py, "
                        "`debian`)")
    log(f"[tabbook] {who} needs {' '.join(lacking)}: {command}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    for cmd in (["apt-get", "update"],
                ["apt-get", "install", "-y", "--no-install-recommends", *lacking]):
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if res.returncode != 0:
            raise BookError(f"`{' '.join(cmd)}` failed (exit {res.returncode}), so {who} "
                            f"cannot load its libraries:\n{(res.stderr or res.stdout)[-2000:]}")
    still = missing(lacking)
    if still:
        raise BookError(f"apt-get ran but {' '.join(still)} is still not installed")

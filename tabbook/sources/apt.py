"""The one apt installer: Debian packages installed with apt-get when missing.

Three things need packages from the system, and each asks here:

* a framework's environment (the framework table's ``debian``:
  :func:`tabbook.sources.system.ensure_packages`; MXNet loads the system's ``libgomp``);
* the tests (``tests/setup_machine.py``: Chromium, the Chinese fonts, gettext, ...);
* the local workflow runner (``tools/workflow/roots.py``: debootstrap).

:func:`install` runs ``apt-get update`` and ``apt-get install -y --no-install-recommends``
as root (Debian's non-interactive front end), then ``fc-cache -f`` when it installed fonts,
and says what it runs; without root or
apt-get it installs nothing and raises :class:`AptError` naming the command to run. A
failed command is an error with the end of what apt-get said; so is a package dpkg still
does not list afterwards.

Standard library only, and no other module of the tool: ``tests/setup_machine.py`` runs it
before the build environment exists (as it runs :mod:`tabbook.sources.npm`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from typing import Callable


class AptError(Exception):
    """Debian packages are missing and cannot be installed here (no root, no apt-get, a
    failed apt-get)."""


def missing(packages: list[str]) -> list[str]:
    """Which of ``packages`` dpkg does not list as installed (none without dpkg)."""
    if not packages or not shutil.which("dpkg-query"):
        return []
    res = subprocess.run(["dpkg-query", "-W", "-f=${Package} ${db:Status-Status}\n", *packages],
                         capture_output=True, text=True)
    installed = {ln.split()[0].split(":")[0] for ln in res.stdout.splitlines()
                 if ln.split()[1:] == ["installed"]}
    return [p for p in packages if p not in installed]


def command(packages: list[str]) -> str:
    """What a person runs, as root, to install ``packages``."""
    return f"apt-get update && apt-get install -y {' '.join(packages)}"


def install(packages: list[str], why: str, log: Callable[[str], None] = print,
            timeout: int = 1800) -> None:
    """Install ``packages`` (``why``: who needs them, for the messages) with apt-get."""
    if not packages:
        return
    apt_get = shutil.which("apt-get")
    if not apt_get or os.geteuid() != 0:
        how = ("as root, run" if apt_get
               else "apt-get is not available: install them with this system's package "
                    "manager, e.g.")
        raise AptError(f"{why} needs the Debian packages {' '.join(packages)}, which are not "
                       f"installed; {how} `{command(packages)}`")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    _run(["apt-get", "update"], why, log, timeout, env)
    _run(["apt-get", "install", "-y", "--no-install-recommends", *packages], why, log, timeout,
         env)
    if any(p.startswith("fonts-") for p in packages) and shutil.which("fc-cache"):
        _run(["fc-cache", "-f"], why, log, timeout, env)  # (what a browser started next sees)
    still = missing(packages)
    if still:
        raise AptError(f"apt-get ran but {' '.join(still)} is still not installed ({why})")


def _run(cmd: list[str], why: str, log: Callable[[str], None], timeout: int,
         env: dict[str, str]) -> None:
    log(f"[apt] {' '.join(cmd)}  — for {why}")
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise AptError(f"`{' '.join(cmd)}` failed ({why}): {exc}") from None
    if res.returncode != 0:
        raise AptError(f"`{' '.join(cmd)}` failed (exit {res.returncode}; {why}):\n"
                       f"{(res.stderr or res.stdout).strip()[-2000:]}")

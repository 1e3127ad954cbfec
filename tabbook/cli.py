"""The command line that ``make`` calls: ``python -m tabbook <command>``."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

from .sources.config import load_config
from .core.digest import environment_digest, tool_digest
from .sources.envs import ROOT
from .core.errors import BookError
from .core.files import remove_stray_temps
from .core.frameworks import NAMES
from .core.layout import SKIP_DIRS as LAYOUT_SKIP_DIRS
from .core.layout import BUILD_DIR, NAMED, PUBLISH_DIR, Layout
from .core.lock import HELD_ENV, book_lock, held_by_parent_env
from .core.signals import Interrupted, run_child



def cmd_envs(args) -> int:
    from .sources.envs import ensure_all

    with book_lock(Path(args.root), "make envs"):
        ensure_all(Path(args.root), args.framework or None)
    print("[tabbook] environments and kernels ready")
    return 0


def cmd_execute(args) -> int:
    """Execute what the cache lacks for some frameworks, with no Sphinx run (tabbook.stages.shards)."""
    from .stages.shards import execute_frameworks

    with book_lock(Path(args.root), "make execute"):
        execute_frameworks(Path(args.root), args.framework)
    return 0


def cmd_lib(args) -> int:
    """Regenerate ``d2l/*.py`` from the ``#@save`` code, or with ``--check`` compare only."""
    from .stages.extract import LIB_DIR, check_library, shown_path, write_library

    root = Path(args.root)
    if args.check:
        stale = check_library(root, args.out)
        if stale:
            print(f"error: {', '.join(stale)} out of date with the book's sources; run "
                  "`make lib` and commit the result", file=sys.stderr)
            return 1
        print("the d2l library is up to date")
        return 0
    out_dir = Path(args.out) if args.out is not None else root / LIB_DIR
    with book_lock(root, "make lib"):
        # an interrupted earlier `make lib` may have left its temporary files
        remove_stray_temps(out_dir)
        paths = write_library(root, args.out)
        # the exercise checkers' messages in other languages (d2l/locales/*.po -> .mo)
        from .stages.tryit import compile_catalogs
        paths += compile_catalogs(out_dir)
    print("wrote " + ", ".join(shown_path(p, root) for p in paths))
    return 0


def prune_images(html_dir: Path) -> int:
    """Delete images no page references (incremental builds leave old plots behind)."""
    images = html_dir / "_images"
    if not images.is_dir():
        return 0
    pages = "".join(p.read_text(encoding="utf-8", errors="replace")
                    for p in html_dir.rglob("*.html"))
    removed = 0
    for img in images.iterdir():
        if img.is_file() and img.name not in pages:
            img.unlink()
            removed += 1
    return removed


SKIP_DIRS = {*LAYOUT_SKIP_DIRS, ".venv", ".git", "__pycache__", "node_modules",
             ".pytest_cache", "tests", "benchmarks", ".ci"}


def input_stamp(root: Path) -> str:
    """Hash of everything a build reads: the book's files, the tool (:func:`tool_digest`)
    and the environment variables that reach the output
    (:func:`tabbook.core.digest.environment_digest`); never a modification time."""
    h = hashlib.sha256()
    base = Path(root)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        for name in sorted(filenames):
            if name.endswith(".mo"):  # compiled from the .po by the build itself
                continue
            path = Path(dirpath) / name
            h.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    h.update(tool_digest().encode())
    h.update(environment_digest().encode())
    h.update(sys.version.encode())
    return h.hexdigest()


def editions_changed(root: Path) -> bool:
    """Whether the last build made other translated editions than the book has now (a
    ``locales/<language>`` added or deleted since)."""
    from .sources.i18n import TRANSLATIONS, translations

    html = Layout(root).html()
    if not (html / "index.html").is_file():
        return False
    built = {e for e in TRANSLATIONS if (Layout(root).html(e) / "index.html").is_file()}
    return built != set(translations(root))


def drop_gone_editions(root: Path) -> list[Path]:
    """Delete the pages and notebooks of translated editions whose catalogs are gone (a
    deleted ``locales/zh_CN``): nothing downstream (publish, pdf) may find an old edition."""
    import shutil

    from .sources.i18n import TRANSLATIONS, translations

    present = set(translations(root))
    colab = Path(root) / load_config(Path(root)).colab_dir
    dropped = []
    for edition in TRANSLATIONS:
        if edition in present:
            continue
        for folder in (Layout(root).html(edition), colab / edition.folder):
            if folder.is_dir():
                shutil.rmtree(folder)
                dropped.append(folder)
                print(f"[tabbook] removed {folder}: the book has no {edition.language} catalogs")
    return dropped


def build_html(root: Path, extra: list[str] = ()) -> int:
    """Build the English edition, then each translated one (:func:`build_edition_child`);
    print where the book is.

    When nothing the build reads has changed since the last successful build, and
    every page and cache entry it made is still there, the build is skipped (Jupyter
    Book alone needs seconds just to start). One build at a time per checkout.

    The English build executes the pages (or takes them from the cache); each translated
    edition (in its folder of the site) then reuses those runs and executes nothing.
    """
    with book_lock(root, "make html"):
        return _run_editions(root, extra)


def _run_editions(root: Path, extra: list[str]) -> int:
    from .stages.freshness import forget_failed_build, missing_outputs, read_stamp

    layout = Layout(root)
    index = layout.html() / "index.html"
    stamp_file = layout.stamp
    stamp = input_stamp(root)
    last, outputs = read_stamp(root)
    if not extra and index.exists() and last == stamp:
        missing = missing_outputs(root, outputs)
        if not missing:
            print("[tabbook] nothing changed since the last build: executed 0 notebooks")
            print(f"[tabbook] the book is at {index}")
            return 0
        print(f"[tabbook] rebuilding: the last build's {missing[0]} is missing"
              + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""))
    # (imported here: the no-op build above does without Jupyter Book and the pages)
    from .stages.freshness import write_stamp
    from .sources.i18n import SOURCE, translations

    stamp_file.unlink(missing_ok=True)
    # catalogs are checked like code, before Sphinx reads any of them (tabbook.sources.catalogs)
    from .sources.catalogs import require_valid_catalogs

    require_valid_catalogs(root)
    if editions_changed(root) and "--all" not in extra:
        # every page's language switch names the editions: re-render them all (from the cache)
        print("[tabbook] the book's translated editions changed: re-rendering every page")
        extra = [*extra, "--all"]
    import shutil

    for edition in [SOURCE, *translations(root)]:  # (each edition notes them anew)
        layout.outputs_note(edition.language).unlink(missing_ok=True)

    for leftover in layout.not_site(translations(root)):  # (never deployed again)
        shutil.rmtree(leftover, ignore_errors=True)
    env = dict(os.environ, **held_by_parent_env(root))
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    for edition in [SOURCE, *translations(root)]:
        if edition is not SOURCE:
            print(f"[tabbook] building the {edition.name} edition ({edition.language}) into "
                  f"{layout.html(edition).relative_to(root).as_posix()}/", flush=True)
        # one way for every edition: Sphinx with the book's Jupyter Book configuration, in
        # a process of its own (Sphinx keeps translations and registries per process)
        cmd = [sys.executable, "-m", "tabbook", "--root", str(root), "edition",
               edition.language, *(["--all"] if "--all" in extra else [])]
        try:
            returncode = run_child(cmd, env)
        except Interrupted:
            forget_failed_build(root)
            raise
        if returncode != 0:
            # a failure stays a failure: the next build reads every page again
            forget_failed_build(root)
            what = "book" if edition is SOURCE else f"{edition.language}"
            print(f"[tabbook] the {what} build failed (exit {returncode})", file=sys.stderr)
            return returncode
        prune_images(layout.html(edition))
    drop_gone_editions(root)
    write_stamp(root, stamp, [SOURCE.language] + [e.language for e in translations(root)])
    print(f"[tabbook] the book is at {index}")
    return 0


def cmd_html(args) -> int:
    return build_html(Path(args.root), ["--all"] if args.all else [])


def cmd_colab(args) -> int:
    """The Colab notebooks ``make html`` wrote, checked against the execution cache."""
    from .stages.colab import check_colab

    with book_lock(Path(args.root), "make colab"):
        paths = check_colab(Path(args.root))
    print(f"[tabbook] the Colab notebooks `make html` wrote hold what the execution cache "
          f"gives ({len(paths)} files: {load_config(Path(args.root)).colab_dir}/ and the "
          "editions' _colab/)")
    return 0


def require_built(root: Path, command: str) -> None:
    """Refuse to go on unless the last ``make html`` succeeded and the sources are still
    what it built (its stamp, written only by a successful build, matches them): a failed
    build leaves its half-rendered pages in the HTML folder, which must not go out."""
    from .stages.freshness import read_stamp

    last, _outputs = read_stamp(root)
    if last is None:
        stamp_file = Layout(root).stamp
        raise BookError(f"the last `make html` failed or did not run (no {stamp_file.name} "
                        f"in {stamp_file.parent.relative_to(root).as_posix()}): fix it and run "
                        f"`make html` before `{command}`")
    if last != input_stamp(Path(root)):
        raise BookError(f"the sources changed since the last `make html`: run `make html` "
                        f"before `{command}`, so that what goes out is what they say")


def cmd_publish(args) -> int:
    from .stages.publish import assemble, read_manifest

    with book_lock(Path(args.root), "make publish"):
        require_built(Path(args.root), "make publish")
        out = assemble(Path(args.root))
        info = read_manifest(out)
    site_bytes = sum(p.stat().st_size for p in (out / info["site"]).rglob("*") if p.is_file())
    print(f"[tabbook] assembled {out}: the site ({info['site']}/, {site_bytes / 1e6:.1f} MB, "
          f"to {info['site_url']}), the "
          f"notebooks ({info['notebooks']}/, to branch {info['notebooks_branch']} of "
          f"{info['repository']}) and {info['library']['name']} {info['library']['version']} "
          f"({info['library']['wheel']})")
    return 0


def cmd_publish_info(args) -> int:
    """``key=value`` lines of where the assembly goes, for CI (``>> $GITHUB_OUTPUT``)."""
    from .stages.publish import PUBLISH_DIR, read_manifest

    base = Path(args.root) / PUBLISH_DIR
    if not (base / "publish.json").exists():
        raise BookError(f"{base / 'publish.json'} is missing: run `make publish` first")
    info = read_manifest(base)
    print(f"site={PUBLISH_DIR}/{info['site']}")
    print(f"notebooks={PUBLISH_DIR}/{info['notebooks']}")
    print(f"branch={info['notebooks_branch']}")
    print(f"repository={info['repository']}")
    print(f"version={info['library']['version']}")
    return 0


def cmd_i18n(args) -> int:
    """Extract the English messages and update the translations' catalogs (sphinx-intl)."""
    from .sphinxext.sphinx_i18n import update

    with book_lock(Path(args.root), "make translations"):
        return update(Path(args.root), args.language or None)


def cmd_extract_messages(args) -> int:
    """The English messages of every page, one ``.pot`` per page, into a folder."""
    from .sphinxext.sphinx_i18n import extract

    with book_lock(Path(args.root), "extract messages"):
        return extract(Path(args.root), Path(args.pot_dir))


def cmd_edition(args) -> int:
    """One edition's HTML (what ``html`` runs, in a child process, for each edition)."""
    from .sphinxext.sphinx_i18n import build_edition

    with book_lock(Path(args.root), f"build the {args.language} edition"):
        status = build_edition(Path(args.root), args.language, args.all)
    if os.environ.get(HELD_ENV) == str(Path(args.root).resolve()):
        # the child of `html`: every file Sphinx wrote is closed by now; skip the
        # interpreter's teardown of Sphinx's objects (about 0.3 s of a prose edit's build)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status


def cmd_pdf(args) -> int:
    """One PDF per edition and framework, printed by Chromium from the built HTML."""
    from .core.frameworks import BY_NAME
    from .stages.pdf import PAGE_TIMEOUT, write_pdfs

    root = Path(args.root).resolve()
    layout = Layout(root)
    with book_lock(root, "make pdf"):
        write_pdfs(args.html or layout.html(), args.out or layout.pdf, root,
                   frameworks=[BY_NAME[n] for n in args.framework or []] or None,
                   languages=args.language, timeout=args.timeout or PAGE_TIMEOUT)
    return 0


def cmd_path(args) -> int:
    """A path of the build by its name (:data:`tabbook.core.layout.NAMED`), for shell:
    relative to the book's folder when it is inside it (as the workflow file spells paths)."""
    root = Path(args.root).resolve()
    path = Layout(root, load_config(root).cache_dir).named(args.name)
    print(path.relative_to(root).as_posix() if path.is_relative_to(root) else path)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tabbook", description=__doc__)
    parser.add_argument("--root", default=str(ROOT),
                        help=f"the book's folder, with _toc.yml (default: {ROOT})")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("envs", help="create framework environments and register kernels")
    p.add_argument("framework", nargs="*")
    p.set_defaults(func=cmd_envs)
    p = sub.add_parser("execute", help="execute the pages the cache lacks, no rendering; "
                       "only the frameworks named (default: all) need an environment")
    p.add_argument("--framework", action="append", choices=NAMES, default=[],
                   help="a framework to execute (repeatable; default: every framework)")
    p.set_defaults(func=cmd_execute)
    p = sub.add_parser("lib", help="regenerate d2l/*.py from the #@save blocks")
    p.add_argument("--check", action="store_true",
                   help="write nothing; exit 1 if the committed library is out of date")
    p.add_argument("--out", type=Path, default=None,
                   help="output directory (default: <root>/d2l)")
    p.set_defaults(func=cmd_lib)
    p = sub.add_parser("html", help="build the book")
    p.add_argument("--all", action="store_true", help="re-render every page")
    p.set_defaults(func=cmd_html)
    p = sub.add_parser("i18n", help="extract the English messages and update the catalogs "
                       "of the translations (new messages untranslated, changed ones fuzzy)")
    p.add_argument("language", nargs="*", help="only these (default: every translation)")
    p.set_defaults(func=cmd_i18n)
    p = sub.add_parser("extract-messages", help="write the English messages of every page "
                       "(one .pot per page) into a folder")
    p.add_argument("pot_dir", type=Path)
    p.set_defaults(func=cmd_extract_messages)
    p = sub.add_parser("edition", help="build one edition's HTML with Sphinx (what `html` "
                       "runs for each edition; executes nothing the cache has)")
    p.add_argument("language", help="en (the book's own) or a translation's (zh_CN)")
    p.add_argument("--all", action="store_true", help="re-render every page")
    p.set_defaults(func=cmd_edition)
    p = sub.add_parser("pdf", help="print the built book: one PDF per edition and framework")
    p.add_argument("--html", type=Path, help="the built book (default: the build's html folder)")
    p.add_argument("--out", type=Path, help="where PDFs go (default: the build's pdf folder)")
    p.add_argument("--framework", action="append", choices=list(NAMES),
                   help="only this framework (repeatable; default: all)")
    p.add_argument("--language", action="append",
                   help="only this edition's language (repeatable; default: all)")
    p.add_argument("--timeout", type=float, default=None,
                   help="seconds a page may take to load, and each later step of printing "
                   "it (default: tabbook.stages.pdf.PAGE_TIMEOUT)")
    p.set_defaults(func=cmd_pdf)
    p = sub.add_parser("colab", help="check the Colab notebooks `html` wrote (the build "
                       "writes them) against the execution cache")
    p.set_defaults(func=cmd_colab)
    p = sub.add_parser("publish", help=f"assemble {PUBLISH_DIR}: site, notebooks, library")
    p.set_defaults(func=cmd_publish)
    p = sub.add_parser("path", help="print a path of the build by its name, for shell "
                       "(the workflow file, the Makefile): `python -m tabbook path exec-cache`")
    p.add_argument("name", choices=list(NAMED))
    p.set_defaults(func=cmd_path)
    p = sub.add_parser("publish-info", help=f"print where {PUBLISH_DIR} goes (key=value lines)")
    p.set_defaults(func=cmd_publish_info)
    args = parser.parse_args(argv)
    try:
        # a bad setting fails here, in a fraction of a second, before any kernel starts
        load_config(Path(args.root))
        return args.func(args)
    except BookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Interrupted as exc:
        print(f"[tabbook] {exc}: the build was stopped, its kernels shut down",
              file=sys.stderr)
        return exc.exit_status
    except OSError as exc:  # an unwritable build folder, a full disk, ...
        if exc.filename is None:
            raise
        print(f"error: {exc.filename}: {exc.strerror}; tabbook writes the build under "
              f"{BUILD_DIR}/ and the library under d2l/: check that this path is a writable "
              "folder (or move away what is in the way) and that the disk has room",
              file=sys.stderr)
        return 1

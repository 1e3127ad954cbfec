"""The command line that ``make`` calls: ``python -m tabbook <command>``.

It parses the arguments, takes the book's lock and dispatches to the stages (the build
pipeline: :mod:`tabbook.stages.pipeline`); no module of the tool imports it."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .core.errors import BookError
from .core.frameworks import NAMES
from .core.layout import BUILD_DIR, NAMED, PUBLISH_DIR, Layout
from .core.lock import HELD_ENV, book_lock
from .core.signals import Interrupted
from .sources.config import load_config
from .sources.envs import ROOT


def cmd_envs(args) -> int:
    from .sources.envs import ensure_all

    with book_lock(Path(args.root), "make envs"):
        ensure_all(Path(args.root), args.framework or None)
    print("[tabbook] environments and kernels ready")
    return 0


def cmd_execute(args) -> int:
    """Execute what the cache lacks for some frameworks, with no Sphinx run
    (tabbook.stages.shards)."""
    from .stages.shards import execute_frameworks

    with book_lock(Path(args.root), "make execute"):
        execute_frameworks(Path(args.root), args.framework)
    return 0


def cmd_lib(args) -> int:
    """Regenerate ``d2l/*.py`` from the ``#@save`` code, or with ``--check`` compare only."""
    from .stages.extract import check_library, shown_path
    from .stages.pipeline import build_library

    root = Path(args.root)
    if args.check:
        stale = check_library(root, args.out)
        if stale:
            print(f"error: {', '.join(stale)} out of date with the book's sources; run "
                  "`make lib` and commit the result", file=sys.stderr)
            return 1
        print("the d2l library is up to date")
        return 0
    paths = build_library(root, args.out)
    print("wrote " + ", ".join(shown_path(p, root) for p in paths))
    return 0


def cmd_html(args) -> int:
    from .stages.pipeline import build_html

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


def cmd_publish(args) -> int:
    from .stages.freshness import require_built
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
    from .sphinxext.sphinx_gettext import update

    with book_lock(Path(args.root), "make translations"):
        return update(Path(args.root), args.language or None)


def cmd_extract_messages(args) -> int:
    """The English messages of every page, one ``.pot`` per page, into a folder."""
    from .sphinxext.sphinx_gettext import extract

    with book_lock(Path(args.root), "extract messages"):
        return extract(Path(args.root), Path(args.pot_dir))


def cmd_edition(args) -> int:
    """One edition's HTML (what ``html`` runs, in a child process, for each edition)."""
    from .sphinxext.sphinx_run import build_edition

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

"""Writing the library: extract every framework's module, format it, write or compare it.

:func:`extract_library` runs the stages (:mod:`~tabbook.stages.extract.cells` parses,
:mod:`~tabbook.stages.extract.assemble` assembles, :mod:`~tabbook.stages.extract.checks`
checks) for each framework and formats the result with ``black``; only then does
:func:`write_library` write the files, each atomically, or :func:`check_library` compare
them with the committed ones. The output depends only on the sources (no timestamps, no
absolute paths).
"""

from __future__ import annotations

from pathlib import Path

from ...core.errors import BookError
from ...core.files import write_atomic_set
from ...core.frameworks import FRAMEWORKS
from ...sources.book import read_book
from ..extract import checks
from .assemble import Library
from .cells import ParsedCell, parse_cell

LINE_LENGTH = 100
"""Line length of the generated library (``black --line-length``)."""

LIB_DIR = "d2l"


def format_module(text: str, name: str) -> str:
    """``text`` formatted by black; a generated module that does not compile is a bug."""
    try:
        import black
    except ImportError:  # pragma: no cover - black is in requirements.txt
        raise BookError("the library generator needs `black`; install the build "
                        "requirements (pip install -r requirements.txt)") from None
    try:
        out = black.format_str(text, mode=black.Mode(line_length=LINE_LENGTH))
    except Exception as exc:  # black.InvalidInput and friends
        raise BookError(f"cannot format the generated {name}: {exc}; this is a bug in "
                        "tabbook.stages.extract unless a saved block is at fault") from None
    compile(out, name, "exec")
    return out


def extract_library(root: Path) -> dict[str, str]:
    """Generate every framework's library module: ``{"torch.py": text, ...}``.

    Raises BookError (file, cell, line, what to do) on any mistake; nothing is written.
    """
    root = Path(root)
    pages = read_book(root)
    sources = [page.relpath for page in pages]
    parsed: dict[tuple[str, int], ParsedCell | None] = {}
    out: dict[str, str] = {}
    for fw in FRAMEWORKS:
        lib = Library(fw)
        for page in pages:
            for cell in page.cells_for(fw.name):
                if cell.kind != "code":
                    continue
                lib.cells.append((page, cell))
                key = (page.relpath, cell.index)
                if key not in parsed:
                    parsed[key] = parse_cell(page, cell)
                if parsed[key] is not None:
                    lib.add_cell(parsed[key])
        checks.check(lib)
        name = f"{fw.module}.py"
        out[name] = format_module(lib.render(sources), f"{LIB_DIR}/{name}")
    return out


def write_library(root: Path, out_dir: Path | None = None) -> list[Path]:
    """Generate all modules, then write them (unchanged files are left alone).

    Returns the paths of the library modules. On error nothing is written.
    """
    root = Path(root)
    out_dir = Path(out_dir) if out_dir is not None else root / LIB_DIR
    modules = extract_library(root)
    out_dir.mkdir(parents=True, exist_ok=True)
    # one set: all modules from this run, or (interrupted) all from the previous one
    write_atomic_set({out_dir / name: text for name, text in modules.items()})
    return [out_dir / name for name in modules]


def shown_path(path: Path, root: Path) -> str:
    """``path`` relative to the book when it is inside it (what messages print)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def check_library(root: Path, out_dir: Path | None = None) -> list[str]:
    """Names (``d2l/torch.py``, ...) of library files that differ from a fresh extraction."""
    root = Path(root)
    out_dir = Path(out_dir) if out_dir is not None else root / LIB_DIR
    stale = []
    for name, text in extract_library(root).items():
        path = out_dir / name
        if not path.is_file() or path.read_bytes() != text.encode("utf-8"):
            stale.append(shown_path(path, root))
    return stale


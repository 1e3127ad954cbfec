"""Read a MyST Markdown notebook into cells that know their frameworks.

Conventions (d2lbook's, kept):

* A code cell whose first line is ``%%tab pytorch, mxnet`` runs in those
  frameworks; ``%%tab all`` (or no ``%%tab`` line) runs in all of them.
* A markdown cell with metadata ``+++ {"tab": "jax"}`` is prose for those
  frameworks only; it is shown in their tabs.
* Front matter may give ``section_number: "4.3"``; the first ``(label)=``
  target of the page is its label.

The page is read by myst-nb's own reader (``read_myst_markdown_notebook``), the one
Jupyter Book uses, with its source map: line numbers are 1-based lines of the source
file, taken from where myst-nb found each cell, so errors can point at them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from myst_nb.core.read import read_myst_markdown_notebook

from ..core.errors import BookError
from ..core.frameworks import NAMES, parse_tab_spec
from ..core.myst_markdown import headings, page_label

TAB_MAGIC = "%%tab"
SECTION_NUMBER_RE = re.compile(r"^[0-9]+(\.[0-9]+)*$")
PROVENANCE_PREFIX = "# Defined in "
"""How the generated library's comment naming the page and cell of a definition starts
(:mod:`tabbook.stages.extract`; :func:`tabbook.stages.execute.library_text` leaves it out of cache keys)."""


@dataclass(frozen=True)
class Cell:
    index: int
    """1-based position of the cell in the notebook (what errors call "cell N")."""
    kind: str
    """``code`` or ``markdown``."""
    source: str
    """Cell text with the ``%%tab`` line removed."""
    frameworks: tuple[str, ...]
    """Frameworks the cell belongs to; all of them for shared cells."""
    line: int
    """Line of the source file where the cell's text starts."""
    tagged: bool = False
    """True if the cell names its frameworks (``%%tab`` / ``tab`` metadata)."""
    metadata: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def shared(self) -> bool:
        """A cell that belongs to every framework."""
        return self.frameworks == NAMES

    @property
    def tags(self) -> tuple[str, ...]:
        return tuple(self.metadata.get("tags", ()))


@dataclass
class Page:
    path: Path
    """Absolute path of the source file."""
    relpath: str
    """Path relative to the book root, with suffix (what errors print)."""
    docname: str
    """Path relative to the book root, without suffix (Sphinx's docname)."""
    cells: list[Cell]
    metadata: dict
    text: str

    @property
    def section_number(self) -> str | None:
        num = self.metadata.get("section_number")
        return str(num) if num is not None else None

    @property
    def label(self) -> str | None:
        for cell in self.cells:  # the first ``(label)=`` target (read by tabbook.core.myst_markdown)
            if cell.kind == "markdown":
                label = page_label(cell.source)
                if label:
                    return label
        return None

    @property
    def title(self) -> str:
        for cell in self.cells:
            if cell.kind == "markdown":
                for level, _, text in headings(cell.source):
                    if level == 1:
                        return text.strip()
        return self.docname

    @property
    def depends(self) -> tuple[str, ...]:
        """Files the page's code reads, relative to its folder (front matter
        ``tabbook: {depends: [...]}``): part of its runs' cache keys."""
        opts = self.metadata.get("tabbook")
        return tuple(opts.get("depends") or ()) if isinstance(opts, dict) else ()

    def dependency_paths(self) -> list[Path]:
        return [self.path.parent / rel for rel in self.depends]

    def cells_for(self, framework: str) -> list[Cell]:
        return [c for c in self.cells if framework in c.frameworks]

    @property
    def has_code(self) -> bool:
        return any(c.kind == "code" for c in self.cells)


def _code_body_line(lines: list[str], fence: int, body: str) -> int:
    """File line where a code cell's text starts: after its fence and option lines.

    ``fence`` is the fence's 1-based line (myst-nb's source map); the body is found
    whole inside the cell's own lines, so a repeated line elsewhere cannot mislead.
    """
    body_lines = body.split("\n")
    for start in range(fence, len(lines) + 1):  # 0-based index of the candidate first line
        if lines[start:start + len(body_lines)] == body_lines:
            return start + 1
        if start > fence and _closing_fence(lines[start - 1]):
            break  # past the cell's closing fence
    return fence + 1


def _tab_spec(line: str) -> str | None:
    """What follows ``%%tab`` on a code cell's first line (``None``: no ``%%tab``)."""
    s = line.strip()
    if not s.startswith(TAB_MAGIC):
        return None
    rest = s[len(TAB_MAGIC):]
    if rest and (rest[0].isalnum() or rest[0] == "_"):
        return None  # (%%table is another magic)
    return rest


def _closing_fence(line: str) -> bool:
    """A line that only closes a fence (three or more backticks or tildes)."""
    s = line.strip()
    return len(s) >= 3 and (set(s) == {"`"} or set(s) == {"~"})


def _markdown_line(lines: list[str], start: int) -> int:
    """File line of a markdown cell's text: myst-nb maps it to where its region starts
    (0-based), and drops the empty lines that open the region."""
    while start < len(lines) and lines[start] == "":
        start += 1
    return start + 1


def read_page(path: Path, root: Path) -> Page:
    """Parse one MyST notebook; raise BookError naming file, cell and line on bad input."""
    path = Path(path).resolve()
    relpath = path.relative_to(Path(root).resolve()).as_posix()
    text = read_text(path, relpath)
    try:
        nb = read_myst_markdown_notebook(text, add_source_map=True, path=path)
    except Exception as exc:  # myst-nb raises assorted types on malformed input
        raise BookError(f"cannot read as a MyST notebook: {exc}", path=relpath) from exc
    source_map = nb.metadata.pop("source_map")
    lines = text.splitlines()
    cells: list[Cell] = []
    for i, nbcell in enumerate(nb.cells, start=1):
        src = nbcell.source
        meta = dict(nbcell.metadata)
        if nbcell.cell_type == "code":
            line = _code_body_line(lines, source_map[i - 1], src)
            first, _, rest = src.partition("\n")
            spec = _tab_spec(first)
            if spec is not None:
                try:
                    fws = parse_tab_spec(spec)
                except ValueError as exc:
                    raise BookError(str(exc), path=relpath, cell=i, line=line) from None
                cells.append(Cell(i, "code", rest, fws, line + 1, True, meta))
            else:
                cells.append(Cell(i, "code", src, NAMES, line, False, meta))
        else:
            line = _markdown_line(lines, source_map[i - 1])
            spec = meta.pop("tab", None)
            if spec is not None:
                try:
                    fws = parse_tab_spec(str(spec))
                except ValueError as exc:
                    raise BookError(str(exc).replace("`%%tab ", "`\"tab\": ").rstrip("`") + "`",
                                    path=relpath, cell=i, line=line) from None
                cells.append(Cell(i, "markdown", src, fws, line, True, meta))
            else:
                cells.append(Cell(i, "markdown", src, NAMES, line, False, meta))
    docname = relpath.rsplit(".", 1)[0]
    check_section_number(nb.metadata, lines, relpath)
    check_depends(nb.metadata, lines, relpath, path, Path(root).resolve())
    return Page(path, relpath, docname, cells, dict(nb.metadata), text)


def read_text(path: Path, relpath: str) -> str:
    """A source file as UTF-8; BookError naming the file, line and byte if it is not."""
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise BookError(f"the file is not valid UTF-8: byte 0x{data[exc.start]:02x} at column "
                        f"{column} ({exc.reason}); save the file as UTF-8",
                        path=relpath, line=line) from None


def check_section_number(metadata: dict, text_lines: list[str], relpath: str) -> None:
    """``section_number`` must be a quoted dotted number: YAML reads 4.10 as the float 4.1."""
    if "section_number" not in metadata:
        return
    value = metadata["section_number"]
    line = next((i for i, ln in enumerate(text_lines, start=1)
                 if ln.startswith("section_number:")), None)
    if isinstance(value, str) and SECTION_NUMBER_RE.match(value.strip()):
        return
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise BookError(f"`section_number` must be a quoted string such as \"4.10\"; found the "
                        f"number {value!r} (YAML reads an unquoted 4.10 as 4.1): write "
                        f"`section_number: \"...\"`", path=relpath, line=line)
    raise BookError(f"`section_number` must be a dotted number in quotes such as \"4.3\"; "
                    f"found {value!r}", path=relpath, line=line)


def check_depends(metadata: dict, text_lines: list[str], relpath: str, path: Path,
                  root: Path) -> None:
    """``tabbook: {depends: [...]}``: files of the book, relative to the page's folder."""
    opts = metadata.get("tabbook")
    if opts is None:
        return
    line = next((i for prefix in ("depends:", "tabbook:")
                 for i, ln in enumerate(text_lines, start=1)
                 if ln.lstrip().startswith(prefix)), None)
    if not isinstance(opts, dict) or set(opts) - {"depends"}:
        raise BookError("front matter `tabbook:` takes one key, `depends:` (a list of the "
                        f"files the page's code reads); found {opts!r}", path=relpath, line=line)
    depends = opts.get("depends") or []
    if not isinstance(depends, list) or not all(isinstance(d, str) and d.strip() for d in depends):
        raise BookError("`tabbook: depends:` must be a list of file paths relative to the "
                        f"page's folder, e.g. `depends: [data.csv]`; found {depends!r}",
                        path=relpath, line=line)
    for rel in depends:
        target = (path.parent / rel).resolve()
        if not target.is_relative_to(root):
            raise BookError(f"`tabbook: depends:` names {rel!r}, which is outside the book",
                            path=relpath, line=line)
        if not target.is_file():
            raise BookError(f"`tabbook: depends:` names {rel!r}, which is not a file "
                            f"({target.relative_to(root).as_posix()} is missing)",
                            path=relpath, line=line)

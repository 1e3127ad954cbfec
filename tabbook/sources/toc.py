"""Read ``_toc.yml`` (Jupyter Book 1 format) into the ordered list of source files.

Supported layout (what Jupyter Book 1 calls ``jb-book``, and ``jb-article``)::

    format: jb-book
    root: index
    chapters:                      # or ``parts: [{caption: ..., chapters: [...]}]``
    - file: chapter_linear-regression/index
      sections:
      - file: chapter_linear-regression/oo-design

Entries may carry ``glob:`` (expanded, sorted) or ``url:`` (ignored). A ``file:``
may omit its suffix; ``.md`` then ``.ipynb`` are tried.

Two checks keep the toc and the sources in step, each a :class:`BookError`:

* every toc entry names a file that exists (the error points at the line of
  ``_toc.yml``);
* every ``*.md`` under a top-level ``chapter_*`` folder is listed in the toc (the error
  names the unlisted file), so a page cannot silently drop out of the book
  and out of the ``#@save`` library.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..core.errors import BookError
from ..core.layout import SKIP_DIRS as LAYOUT_SKIP_DIRS

TOC_FILE = "_toc.yml"
SUFFIXES = (".md", ".ipynb")
SKIP_DIRS = {*LAYOUT_SKIP_DIRS, "__pycache__", "node_modules", ".ipynb_checkpoints"}


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _get(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _resolve(root: Path, name: str, line: int | None) -> str:
    """Map a toc ``file:`` value to an existing source path relative to ``root``."""
    name = name.strip().strip("/")
    candidates = [name] if Path(name).suffix in SUFFIXES else []
    candidates += [name + s for s in SUFFIXES]
    for cand in candidates:
        if (root / cand).is_file():
            return _inside(root, Path(cand).as_posix(), f"toc entry `{name}`", line)
    raise BookError(
        f"toc entry `{name}` names no file (looked for {', '.join(candidates)}); "
        f"create the file or fix/remove the entry",
        path=TOC_FILE, line=line)


def _inside(root: Path, rel: str, what: str, line: int | None) -> str:
    """``rel`` if the file it names (links followed) is inside the book, else a BookError."""
    base = Path(root).resolve()
    real = (Path(root) / rel).resolve()
    if base not in real.parents:
        how = "is a link to" if ".." not in Path(rel).parts else "names"
        raise BookError(f"{what} points outside the book: `{rel}` {how} {real}; the book builds "
                        f"only files inside its folder: move or copy the page into it (not a "
                        f"symbolic link) and list that", path=TOC_FILE, line=line)
    return rel


def _entries(root: Path, seq: yaml.Node | None, key: str, out: list[tuple[str, int | None]]):
    if seq is None:
        return
    if not isinstance(seq, yaml.SequenceNode):
        raise BookError(f"`{key}:` must be a list of entries", path=TOC_FILE, line=_line(seq))
    for item in seq.value:
        if not isinstance(item, yaml.MappingNode):
            raise BookError(f"each entry of `{key}:` must be a mapping such as `- file: name`",
                            path=TOC_FILE, line=_line(item))
        file_node, glob_node = _get(item, "file"), _get(item, "glob")
        if file_node is not None:
            out.append((_resolve(root, str(file_node.value), _line(file_node)), _line(file_node)))
        elif glob_node is not None:
            matches = sorted(p.relative_to(root).as_posix()
                             for s in SUFFIXES for p in root.glob(str(glob_node.value) + s))
            if not matches:
                raise BookError(f"toc glob `{glob_node.value}` matches no file",
                                path=TOC_FILE, line=_line(glob_node))
            out.extend((_inside(root, m, f"toc glob `{glob_node.value}`", _line(glob_node)),
                        _line(glob_node)) for m in matches)
        elif _get(item, "url") is None and _get(item, "chapters") is None:
            raise BookError("toc entry has no `file:` (or `glob:`/`url:`); add `file: <path>`",
                            path=TOC_FILE, line=_line(item))
        for sub in ("sections", "chapters"):
            _entries(root, _get(item, sub), sub, out)


def read_toc(root: Path) -> list[str]:
    """Source files (relative posix paths, with suffix) in the order of ``_toc.yml``."""
    root = Path(root)
    toc_path = root / TOC_FILE
    if not toc_path.is_file():
        raise BookError(f"no {TOC_FILE} in {root.name or root}; the book's table of contents "
                        f"lists its source files", path=TOC_FILE)
    try:
        doc = yaml.compose(toc_path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise BookError(f"invalid YAML: {exc}", path=TOC_FILE,
                        line=mark.line + 1 if mark else None) from None
    if not isinstance(doc, yaml.MappingNode):
        raise BookError("expected a mapping with `format`, `root` and `chapters`/`parts`",
                        path=TOC_FILE, line=1)
    out: list[tuple[str, int | None]] = []
    root_node = _get(doc, "root")
    if root_node is None:
        raise BookError("missing `root:` (the landing page, e.g. `root: index`)",
                        path=TOC_FILE, line=1)
    out.append((_resolve(root, str(root_node.value), _line(root_node)), _line(root_node)))
    _entries(root, _get(doc, "chapters"), "chapters", out)
    _entries(root, _get(doc, "sections"), "sections", out)
    parts = _get(doc, "parts")
    if parts is not None:
        if not isinstance(parts, yaml.SequenceNode):
            raise BookError("`parts:` must be a list", path=TOC_FILE, line=_line(parts))
        for part in parts.value:
            if not isinstance(part, yaml.MappingNode):
                raise BookError("each part must be a mapping with `chapters:`",
                                path=TOC_FILE, line=_line(part))
            _entries(root, _get(part, "chapters"), "chapters", out)
    seen: dict[str, int | None] = {}
    for rel, line in out:
        if rel in seen:
            raise BookError(f"`{rel}` is listed twice (first at line {seen[rel]}); "
                            f"remove one entry", path=TOC_FILE, line=line)
        seen[rel] = line
    return [rel for rel, _ in out]


def chapter_sources(root: Path) -> list[str]:
    """Every ``*.md`` under a top-level ``chapter_*`` folder (sorted relative posix paths).

    Only folders directly under the book root count, so that test fixtures such as
    ``tests/fixtures/.../chapter_one/`` are not taken for chapters of the book.
    """
    root = Path(root)
    found = []
    for chapter in sorted(root.glob("chapter_*")):
        if not chapter.is_dir():
            continue
        for p in chapter.rglob("*.md"):
            parts = p.relative_to(root).parts
            if any(d in SKIP_DIRS or d.startswith(".") for d in parts[1:-1]):
                continue
            found.append(Path(*parts).as_posix())
    return sorted(found)


def check_toc_complete(root: Path, listed: list[str]) -> None:
    """Raise BookError for the first chapter source that ``_toc.yml`` does not list."""
    listed_set = set(listed)
    for rel in chapter_sources(root):
        if rel not in listed_set:
            entry = rel.rsplit(".", 1)[0]
            raise BookError(
                f"this source file is not listed in {TOC_FILE}; add `- file: {entry}` to "
                f"the `sections:` of its chapter in {TOC_FILE}, or delete the file",
                path=rel)


def book_sources(root: Path) -> list[str]:
    """The toc's source files, in order, after checking that the toc lists every chapter file."""
    files = read_toc(root)
    check_toc_complete(root, files)
    return files

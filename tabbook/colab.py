"""Colab notebooks: one standalone, runnable notebook per page and framework.

For a page with code and a framework, the notebook holds, in page order, the page's
markdown for that framework (shared prose and that framework's prose, MyST markup turned
into plain Markdown that Colab renders) and that framework's code cells (``%%tab`` lines
removed) with the outputs of the book's own run. Two cells come first:

1. a note saying what the notebook is (page title, framework) and linking back to the
   page (``html.baseurl`` of ``_config.yml``; without it, the page's path in the book);
2. an install cell: ``%pip install`` of the book's ``d2l`` package
   (:attr:`BookConfig.package_spec <tabbook.config.BookConfig.package_spec>`) and of what
   the framework needs beyond Colab's defaults
   (:attr:`Framework.colab_requirements <tabbook.frameworks.Framework.colab_requirements>`),
   then the framework's :attr:`~tabbook.frameworks.Framework.library_preamble` (MXNet's
   compatibility shims), since a page may import the framework before ``d2l``.

Notebooks are written to ``<folder>/<framework>/<page path>.ipynb``; the same input gives
the same bytes (no timestamps, no machine paths, stable cell ids). The Sphinx build writes
them on every ``make html`` (see :mod:`tabbook.sphinx_colab`); ``make colab``
(:func:`write_colab`) writes them from the execution cache.

This module does not import Sphinx.
"""

from __future__ import annotations

import copy
import hashlib
import re
import string
from pathlib import Path

import nbformat
import yaml

from .config import BookConfig, load_config
from .errors import BookError
from .execute import cache_path, code_cells, plan
from .files import write_atomic
from .frameworks import FRAMEWORKS, Framework
from .source import Page, read_page
from .toc import book_sources

HTML_DIR = "_colab"
"""Folder of the HTML output that holds a copy of the notebooks (for download links)."""
MANIFEST = ".tabbook-colab"
"""File (in each output folder) listing the notebooks written last time, to prune stale ones."""
URL_FIELDS = frozenset({"framework", "path"})


# ---------------------------------------------------------------------------
# Names and URLs


def notebook_path(page: Page | str) -> str:
    """Path of a page's notebook below its framework folder: ``<docname>.ipynb``."""
    docname = page if isinstance(page, str) else page.docname
    return f"{docname}.ipynb"


def colab_url(pattern: str, framework: str, page: Page | str) -> str:
    """``tabbook.colab_url`` with ``{framework}`` and ``{path}`` filled in ('' if unset)."""
    if not pattern:
        return ""
    check_url_pattern(pattern)
    return pattern.format(framework=framework, path=notebook_path(page))


def check_url_pattern(pattern: str) -> None:
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(pattern) if f is not None}
    except ValueError as exc:
        raise BookError(f"`tabbook.colab_url` is not a valid pattern ({exc}): {pattern!r}",
                        path="_config.yml") from None
    if names - URL_FIELDS or "path" not in names:
        raise BookError(f"`tabbook.colab_url` may use only {{framework}} and {{path}}, and "
                        f"must use {{path}}; found {sorted(names)} in {pattern!r}",
                        path="_config.yml")


def book_meta(root: Path) -> dict:
    """The book's title and page base URL (``html.baseurl``) from ``_config.yml``."""
    path = Path(root) / "_config.yml"
    data = {}
    if path.exists():
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            data = {}  # load_config reports it
    html = data.get("html") or {}
    sphinx_cfg = (data.get("sphinx") or {}).get("config") or {}
    baseurl = html.get("baseurl") or sphinx_cfg.get("html_baseurl") or ""
    return {"title": str(data.get("title") or ""), "baseurl": str(baseurl)}


def page_url(baseurl: str, page: Page | str) -> str:
    """Absolute URL of a page ('' without a base URL)."""
    if not baseurl:
        return ""
    docname = page if isinstance(page, str) else page.docname
    return baseurl.rstrip("/") + "/" + docname + ".html"


# ---------------------------------------------------------------------------
# MyST -> Markdown that Colab renders

TARGET_RE = re.compile(r"^\s*\([A-Za-z0-9_.:-]+\)=\s*$")
ROLE_RE = re.compile(r"\{([A-Za-z][\w:-]*)\}`([^`]*)`")
EQ_LABEL_RE = re.compile(r"\$\$\s*\([A-Za-z0-9_.:-]+\)\s*$")
FENCE_RE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})(?P<rest>.*)$")
DIRECTIVE_RE = re.compile(r"^\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
OPTION_RE = re.compile(r"^\s*:[\w-]+:")
ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention",
               "danger", "error", "seealso", "admonition"}
DROPPED = {"toctree", "tableofcontents", "bibliography", "raw", "eval-rst", "only",
           "exercise-end", "solution-end", "index"}
GATED = {"exercise-start": "Exercise", "solution-start": "Solution",
         "exercise": "Exercise", "solution": "Solution"}
LINK_ROLES = {"ref", "numref", "doc", "eq", "term", "any", "download", "external"}


def _role(m: re.Match) -> str:
    name, content = m.group(1), m.group(2)
    if name == "math":
        return f"${content}$"
    target = re.match(r"^(.*?)\s*<([^<>]+)>$", content, re.S)
    text, ref = (target.group(1), target.group(2)) if target else ("", content)
    if name == "cite":
        return f"[{ref}]"
    if name in LINK_ROLES:
        if text:
            return re.sub(r"%s|\{number\}|\{name\}", "", text).strip() or ref
        return ref.lstrip("!~")
    return text or content


def _inline(line: str) -> str:
    return EQ_LABEL_RE.sub("$$", ROLE_RE.sub(_role, line))


def _closes(line: str, indent: str, fence: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and set(stripped) == {fence[0]} and len(stripped) >= len(fence) \
        and line.startswith(indent)


def _directive(name: str, arg: str, options: dict, body: str, indent: str,
               state: dict) -> list[str]:
    name = name.split(":")[-1]  # {prf:theorem} and the like
    inner = colab_markdown(body, state).splitlines()
    title = arg.strip()
    if name in DROPPED:
        return []
    if name == "math":
        return [indent + "$$", *[indent + ln for ln in body.splitlines()], indent + "$$"]
    if name in {"code", "code-block", "sourcecode", "code-cell"}:
        return [indent + "```" + title, *[indent + ln for ln in body.splitlines()], indent + "```"]
    if name in {"figure", "image"}:
        caption = " ".join(inner).strip()
        return [f"{indent}![{caption}]({title})"] + ([f"{indent}*{caption}*"] if caption else [])
    if name in GATED:
        # numbered as the book numbers them: Exercise 4.3.1, Solution to Exercise 4.3.1
        numbers = state.setdefault("exercises", {})
        if GATED[name] == "Exercise":
            section, count = state.get("section"), len(numbers) + 1
            number = f"{section}.{count}" if section else str(count)
            numbers[options.get("label") or f"#{len(numbers)}"] = number
            head = f"**Exercise {number}**" + (f" ({title})" if title else "")
        else:
            number = numbers.get(title)
            head = f"**Solution to Exercise {number}**" if number else "**Solution**"
        return [indent + head, ""] + inner if inner else [indent + head]
    if name in ADMONITIONS:
        head = name.capitalize() + (f": {title}" if title else "")
        if name == "admonition":
            head = title
        quoted = [f"{indent}> {ln}".rstrip() for ln in inner]
        return [f"{indent}> **{head}**", f"{indent}>", *quoted]
    return ([indent + f"**{title}**", ""] if title else []) + inner


def colab_markdown(text: str, state: dict | None = None) -> str:
    """MyST Markdown -> Markdown that Colab renders.

    Drops ``(label)=`` targets and equation labels, turns roles into their text
    (``{math}`` into ``$...$``), and directives into plain Markdown: ``{math}`` into
    ``$$`` blocks, admonitions into block quotes, exercises and solutions into numbered
    bold headings, figures into images. Ordinary fenced code is kept as it is.
    ``state`` carries what later cells of the page need (``section``: the page's section
    number; the exercises numbered so far).
    """
    state = {} if state is None else state
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        m = FENCE_RE.match(line)
        if not m:
            if not TARGET_RE.match(line):
                out.append(_inline(line))
            i += 1
            continue
        indent, fence, rest = m.group("indent"), m.group("fence"), m.group("rest")
        d = DIRECTIVE_RE.match(rest.strip())
        j = i + 1
        while j < len(lines) and not _closes(lines[j], indent, fence):
            j += 1
        body = lines[i + 1:j]
        i = j + 1
        if not d:  # ordinary fenced code: verbatim
            out += [line, *body] + ([lines[j]] if j < len(lines) else [])
            continue
        options = {}
        if body and body[0].strip() == "---":  # YAML option block
            end = next((k for k in range(1, len(body)) if body[k].strip() == "---"), 0)
            try:
                options = yaml.safe_load("\n".join(body[1:end])) or {}
            except yaml.YAMLError:
                options = {}
            body = body[end + 1:]
        else:
            while body and OPTION_RE.match(body[0]):
                key, _, value = body[0].strip()[1:].partition(":")
                options[key] = value.strip()
                body = body[1:]
        out += _directive(d.group("name"), d.group("arg"),
                          options if isinstance(options, dict) else {},
                          "\n".join(body), indent, state)
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


# ---------------------------------------------------------------------------
# The notebook


def _quote(arg: str) -> str:
    arg = arg.replace("{", "{{").replace("}", "}}")  # IPython expands {name} in magics
    return arg if re.fullmatch(r"[A-Za-z0-9._=+/:@-]+", arg) else '"' + arg + '"'


def install_code(fw: Framework, package_spec: str) -> str:
    """The install cell: the book's ``d2l`` package and ``fw``'s Colab requirements."""
    if not package_spec:
        raise BookError("Colab notebooks need `tabbook.d2l_package` in _config.yml (what "
                        "`pip install` installs the d2l package from), or $TABBOOK_D2L_PACKAGE",
                        path="_config.yml")
    what = (f"and what {fw.label} needs beyond Colab's defaults" if fw.colab_requirements
            else f"(Colab already has {fw.label})")
    args = " ".join(_quote(a) for a in (package_spec, *fw.colab_requirements))
    code = f"# Install the book's d2l package {what}.\n%pip install -q {args}\n"
    if fw.library_preamble.strip():
        # the page's cells may import the framework before d2l (which runs this too)
        code += (f"\n# Let {fw.label} run on Colab's numpy and Python, as the d2l library "
                 f"does:\n{fw.library_preamble.strip()}\n")
    return code.rstrip("\n")


def intro_markdown(page: Page, fw: Framework, title: str, url: str) -> str:
    name = (f"{page.section_number}. " if page.section_number else "") + page.title
    where = f"[{name}]({url})" if url else f"“{name}” (`{page.docname}.html`)"
    book = f" of *{title}*" if title else ""
    extra = (" and " + ", ".join(f"`{r}`" for r in fw.colab_requirements)
             if fw.colab_requirements else "")
    return (f"> **{fw.label} notebook** of the page {where}{book}: the page's text and its "
            f"{fw.label} code, with the outputs the code printed when the book was built.\n>\n"
            f"> Run the next cell first: it installs the book's `d2l` package{extra}. Then run "
            f"the cells in order. If Colab asks you to restart the session after the install, "
            f"restart it and go on with the cell after the install cell.")


def colab_notebook(page: Page, fw: Framework, executed: nbformat.NotebookNode | None, *,
                   package_spec: str, title: str = "", baseurl: str = "") -> nbformat.NotebookNode:
    """The standalone notebook of ``page`` for ``fw``.

    ``executed`` is the framework's executed run (:attr:`tabbook.execute.Run.notebook`);
    its outputs are kept. ``None`` gives a notebook without outputs.
    """
    ran = {}
    if executed is not None:
        ran = {c.metadata.get("tabbook", {}).get("cell"): c for c in executed.cells}
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "colab": {"provenance": [], "toc_visible": True},
        "tabbook": {"page": page.docname, "framework": fw.name},
    }
    intro = nbformat.v4.new_markdown_cell(intro_markdown(page, fw, title, page_url(baseurl, page)))
    intro.id = "colab-intro"
    install = nbformat.v4.new_code_cell(install_code(fw, package_spec))
    install.id = "colab-install"
    nb.cells += [intro, install]
    codes = {c.index for c in code_cells(page, fw)}
    state = {"section": page.section_number or ""}
    for cell in page.cells_for(fw.name):
        if cell.kind == "markdown":
            text = colab_markdown(cell.source, state)
            if text.strip():
                md = nbformat.v4.new_markdown_cell(text)
                md.id = f"md-{cell.index}"
                nb.cells.append(md)
        elif cell.index in codes:
            code = nbformat.v4.new_code_cell(cell.source.strip("\n"))
            code.id = f"code-{cell.index}"
            if cell.tags:
                code.metadata["tags"] = list(cell.tags)
            done = ran.get(cell.index)
            if done is not None:
                code.outputs = copy.deepcopy(done.get("outputs", []))
                code.execution_count = done.get("execution_count")
            nb.cells.append(code)
    return nb


def notebook_bytes(nb: nbformat.NotebookNode) -> bytes:
    return (nbformat.writes(nb, version=4) + "\n").encode("utf-8")


# ---------------------------------------------------------------------------
# Writing


def _prune(folder: Path, keep: list[str]) -> None:
    """Delete the notebooks written last time into ``folder`` that are not in ``keep``."""
    manifest = folder / MANIFEST
    if manifest.exists():
        for rel in manifest.read_text(encoding="utf-8").splitlines():
            path = folder / rel
            if rel and rel not in keep and rel.endswith(".ipynb") and ".." not in rel.split("/") \
                    and path.is_file():
                path.unlink()
                for parent in path.parents:  # drop folders left empty
                    if parent == folder or any(parent.iterdir()):
                        break
                    parent.rmdir()
    folder.mkdir(parents=True, exist_ok=True)
    manifest.write_text("".join(f"{rel}\n" for rel in sorted(keep)), encoding="utf-8")


def page_notebooks(pages, runs: dict, root: Path, cfg: BookConfig) -> dict[str, bytes]:
    """``{"<framework>/<page>.ipynb": bytes}`` for every page with code and its frameworks.

    ``runs`` maps (docname, framework name) to a :class:`tabbook.execute.Run` (or to an
    executed notebook, or ``None`` for a notebook without outputs).
    """
    meta = book_meta(root)
    out: dict[str, bytes] = {}
    for page in pages:
        for fw in FRAMEWORKS:
            key = (page.docname, fw.name)
            if key not in runs:
                continue
            run = runs[key]
            executed = getattr(run, "notebook", run)
            nb = colab_notebook(page, fw, executed, package_spec=cfg.package_spec,
                                title=meta["title"], baseurl=meta["baseurl"])
            out[f"{fw.name}/{notebook_path(page)}"] = notebook_bytes(nb)
    return out


def write_notebooks(notebooks: dict[str, bytes], folders: list[Path]) -> list[Path]:
    """Write ``notebooks`` (from :func:`page_notebooks`) into each folder; prune stale ones."""
    written = []
    for folder in folders:
        folder = Path(folder)
        _prune(folder, list(notebooks))
        for rel, data in notebooks.items():
            path = folder / rel
            write_atomic(path, data)
            written.append(path)
    return written


def cached_runs(root: Path, cfg: BookConfig, pages: list[Page], require: bool = True) -> dict:
    """(docname, framework) -> executed notebook from the execution cache.

    A run that is not cached is an error naming it (``make html`` executes it), or,
    with ``require=False``, ``None`` (a notebook without outputs).
    """
    runs = {}
    missing = []
    for run in plan(pages, root):
        path = cache_path(root, cfg, run.key)
        if path.exists():
            runs[(run.page.docname, run.framework.name)] = nbformat.read(path, as_version=4)
        else:
            missing.append(f"{run.page.relpath} [{run.framework.name}]")
            runs[(run.page.docname, run.framework.name)] = None
    if missing and require:
        raise BookError("these pages have not been executed since they last changed: "
                        + ", ".join(missing) + "; run `make html` first (it executes them), "
                        "then `make colab`")
    return runs


def book_pages(root: Path) -> list[Page]:
    return [read_page(Path(root) / p, root) for p in book_sources(Path(root))]


def write_colab(root: Path, out_dir: Path | None = None) -> list[Path]:
    """``make colab``: write every page's notebooks from the execution cache.

    Into ``tabbook.colab_dir`` (``_build/colab``) unless ``out_dir`` is given.
    """
    root = Path(root)
    cfg = load_config(root)
    if cfg.colab_url:
        check_url_pattern(cfg.colab_url)
    pages = book_pages(root)
    notebooks = page_notebooks(pages, cached_runs(root, cfg, pages), root, cfg)
    return write_notebooks(notebooks, [Path(out_dir) if out_dir else root / cfg.colab_dir])


def stamp(cfg: BookConfig) -> str:
    """Hash of the settings the Colab buttons of a page depend on."""
    return hashlib.sha256(f"1\0{cfg.colab_url}".encode()).hexdigest()

"""Colab notebooks made from a small page in a temporary folder (nothing built, no kernel):
the install cell, the package spec, one framework per notebook, outputs kept and
deterministic bytes, the URL pattern, pruning of stale notebooks. The book's notebooks
and links are checked in ``tests/test_colab.py``.
"""

from __future__ import annotations

import nbformat
import pytest

from tabbook.core.errors import BookError
from tabbook.core.frameworks import BY_NAME, FRAMEWORKS
from tabbook.core.myst_markdown import References, Target
from tabbook.sources.config import BookConfig
from tabbook.sources.i18n import Translator, edition_of
from tabbook.sources.source import read_page
from tabbook.stages import colab, colab_cells
from tabbook.stages.cache import code_cells

PAGE = """\
---
jupytext:
  formats: md:myst
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
section_number: "4.3"
---

(sec_demo)=
# Demo Page

See {ref}`this page <sec_demo>`, {numref}`fig_x`, {math}`x^2` and {cite}`Zhang.2023`.

As {numref}`Section %s <sec_other>` and {numref}`{name} <sec_other>` showed, {eq}`eq_c`
holds; {ref}`sec_other` and {numref}`ex_1` too.

```{code-cell} ipython3
%%tab pytorch
import torch
```

```{code-cell} ipython3
%%tab jax
import jax
```

+++ {"tab": "jax"}

JAX-only prose.

+++

```{code-cell} ipython3
x = 1
```

:::{note}
A note.
:::

```{math}
:label: eq_a
a = b
```

$$
c = d
$$ (eq_c)

```python
keep = "{ref}`me`"
(not_a_target)=
```

```{exercise-start}
:label: ex_1
```

Try.

```{exercise-end}
```

```{solution-start} ex_1
:class: dropdown
```

Done.

```{solution-end}
```
"""


@pytest.fixture
def demo(tmp_path) -> "colab.Page":
    (tmp_path / "demo.md").write_text(PAGE, encoding="utf-8")
    return read_page(tmp_path / "demo.md", tmp_path)


def _nb(page, name, executed=None, spec="d2l-book==0.1", **kw):
    return colab.colab_notebook(page, BY_NAME[name], executed, package_spec=spec, **kw)


# ---------------------------------------------------------------------------- no build needed


def test_install_cell_is_driven_by_the_framework_table(demo):
    for fw in FRAMEWORKS:
        install = _nb(demo, fw.name).cells[1]
        assert install.cell_type == "code" and install.id == "colab-install"
        line = next(ln for ln in install.source.splitlines() if ln.startswith("%pip"))
        assert line.startswith('%pip install -q d2l-book==0.1')
        for req in fw.colab_requirements:
            assert (f'"{req}"' if "<" in req else req) in line
    mxnet = _nb(demo, "mxnet").cells[1].source
    assert 'mxnet==1.9.1 "numpy<2" setuptools' in mxnet
    assert "flax optax" in _nb(demo, "jax").cells[1].source
    assert _nb(demo, "pytorch").cells[1].source.endswith("%pip install -q d2l-book==0.1")
    # MXNet's shims run in the notebook too: a page may import mxnet before d2l
    assert BY_NAME["mxnet"].library_preamble.strip() in mxnet


def test_package_spec_comes_from_the_environment(monkeypatch):
    wheel = "/tmp/x/d2l_classification_book-0.1.0-py3-none-any.whl"
    pinned = "git+https://example.org/book@0123456789abcdef0123456789abcdef01234567"
    monkeypatch.setenv("TABBOOK_D2L_PACKAGE", wheel)
    cfg = BookConfig(d2l_package=pinned)
    assert cfg.package_spec.endswith(".whl")
    monkeypatch.delenv("TABBOOK_D2L_PACKAGE")
    assert cfg.package_spec == pinned
    monkeypatch.setenv("TABBOOK_D2L_PACKAGE", "git+https://example.org/book")  # a branch
    with pytest.raises(BookError, match=r"TABBOOK_D2L_PACKAGE must be a pinned"):
        cfg.package_spec


def test_unpublished_install_cell_says_so(demo):
    """Without a package to install (no repository.url) the cell says the book is not out."""
    for fw in FRAMEWORKS:
        nb = _nb(demo, fw.name, spec="", library="d2l-book 0.1")
        install = nb.cells[1].source
        assert colab_cells.NOT_PUBLISHED in install and "d2l-book 0.1" in install
        assert "print(" in install and "https://" not in install
        pips = [ln for ln in install.splitlines() if ln.startswith("%pip")]
        args = " ".join(map(colab_cells.quote_arg, fw.colab_requirements))
        assert pips == ([f"%pip install -q {args}"]
                        if fw.colab_requirements else [])
        assert "**d2l-book 0.1**" in nb.cells[0].source


def test_notebook_has_one_framework_and_plain_markdown(demo):
    jax = _nb(demo, "jax", title="The Book", baseurl="https://example.org/book/")
    nbformat.validate(jax)
    assert jax.metadata["kernelspec"]["name"] == "python3"
    intro = jax.cells[0]
    assert intro.cell_type == "markdown" and intro.id == "colab-intro"
    assert "**JAX notebook**" in intro.source and "4.3. Demo Page" in intro.source
    assert "(https://example.org/book/demo.html)" in intro.source and "*The Book*" in intro.source
    code = [c.source for c in jax.cells if c.cell_type == "code"][1:]
    assert code == ["import jax", "x = 1"]
    text = "\n".join(c.source for c in jax.cells if c.cell_type == "markdown")
    assert "JAX-only prose." in text
    prose = text.replace('keep = "{ref}`me`"\n(not_a_target)=', "")
    assert "(sec_demo)=" not in prose and "{ref}" not in prose and "{math}" not in prose
    assert "See this page, fig_x, $x^2$ and [Zhang.2023]." in text
    assert "> **Note**" in text and "$$\na = b\n$$" in text and "(eq_c)" not in text
    assert "**Exercise 4.3.1**\n\nTry." in text and "**Solution to Exercise 4.3.1**" in text
    assert "exercise-" not in text and "solution-" not in text and ":label:" not in text
    assert 'keep = "{ref}`me`"\n(not_a_target)=' in text  # code blocks stay verbatim
    torch = _nb(demo, "pytorch")
    assert "JAX-only" not in str(torch) and "import jax" not in str(torch)
    assert "`demo.html`" in torch.cells[0].source  # no base URL: the page's path


REFS = References(
    {"sec_other": Target("other/page", "sec-other", "section", "3.2", "Other Page"),
     "ex_1": Target("demo", "ex-1", "exercise", "4.3.1", "Exercise"),
     "eq_c": Target("demo", "equation-eq-c", "equation", "4.3.2", "")},
    {"section": "Section %s", "exercise": "Exercise %s", "equation": "({number})"})


def test_references_read_as_the_page_shows_them(demo):
    nb = _nb(demo, "jax", resolve=REFS.resolver("demo", "https://example.org/book/"))
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    other = "https://example.org/book/other/page.html#sec-other"
    # another page: its number (or title) linked to the published page; this page: text
    assert (f"As [Section 3.2]({other}) and [Other Page]({other}) showed, (4.3.2)\nholds; "
            f"[Other Page]({other}) and Exercise 4.3.1 too.") in text
    assert "$$\nc = d\n\\tag{4.3.2}\n$$" in text  # the labelled equation keeps its number
    # without a site: the same words, no links
    plain = _nb(demo, "jax", resolve=REFS.resolver("demo"))
    text = "\n".join(c.source for c in plain.cells if c.cell_type == "markdown")
    assert "As Section 3.2 and Other Page showed, (4.3.2)\nholds; Other Page and " in text
    # what nothing resolves keeps its words and names its label: never an empty "Section"
    bare = "\n".join(c.source for c in _nb(demo, "jax").cells if c.cell_type == "markdown")
    assert "As Section sec_other and sec_other showed, eq_c" in bare
    assert References.from_json(REFS.to_json()).to_json() == REFS.to_json()


def test_outputs_are_kept_and_bytes_are_deterministic(demo):
    executed = nbformat.v4.new_notebook()
    for cell in code_cells(demo, BY_NAME["pytorch"]):
        c = nbformat.v4.new_code_cell(cell.source)
        c.metadata["tabbook"] = {"cell": cell.index}
        c.outputs = [nbformat.v4.new_output("stream", text=f"out {cell.index}\n")]
        c.execution_count = cell.index
        executed.cells.append(c)
    nb = _nb(demo, "pytorch", executed)
    outs = [c.outputs for c in nb.cells if c.cell_type == "code"][1:]
    assert all(o and o[0]["text"].startswith("out ") for o in outs)
    assert colab.notebook_bytes(nb) == colab.notebook_bytes(_nb(demo, "pytorch", executed))


def test_url_pattern():
    pattern = "https://colab.example/github/o/r/blob/main/{framework}/{path}"
    assert colab.colab_url(pattern, "jax", "chap/sec") == \
        "https://colab.example/github/o/r/blob/main/jax/chap/sec.ipynb"
    assert colab.colab_url(pattern.replace("main/", "main/{lang_dir}"), "jax", "chap/sec",
                           colab.language_dir("zh_CN")) == \
        "https://colab.example/github/o/r/blob/main/zh/jax/chap/sec.ipynb"
    assert colab.colab_url("", "jax", "chap/sec") == ""


def test_writing_prunes_only_its_own_stale_notebooks(tmp_path):
    (tmp_path / "mine.txt").write_text("not ours")
    colab.write_notebooks({"jax/a.ipynb": b"1", "jax/b/c.ipynb": b"2"}, [tmp_path])
    colab.write_notebooks({"jax/a.ipynb": b"1"}, [tmp_path])
    assert (tmp_path / "jax/a.ipynb").exists() and not (tmp_path / "jax/b").exists()
    assert (tmp_path / "mine.txt").exists()


DISCUSSED = PAGE.replace("section_number: \"4.3\"\n", """section_number: "4.3"
tabbook:
  discussions:
    en: {pytorch: "https://discuss.d2l.ai/t/6809", jax: "https://example.org/t/<b>(x)"}
""")


def test_the_notebook_links_its_frameworks_discussion_as_the_page_does(tmp_path):
    """After the section (before the gathered solutions), the framework's forum topic; a
    translated edition without topics of its own links the English one and says so; no
    topic, no cell. The URL is data: it stays one link."""
    (tmp_path / "demo.md").write_text(DISCUSSED, encoding="utf-8")
    page = read_page(tmp_path / "demo.md", tmp_path)
    nb = _nb(page, "pytorch")
    ids = [c.get("id") for c in nb.cells]
    assert ids.index("discussions") == ids.index(colab.SOLUTIONS_ID) - 1
    cell = nb.cells[ids.index("discussions")]
    assert cell.cell_type == "markdown"
    assert cell.source == "[Discussions](https://discuss.d2l.ai/t/6809)"
    zh = _nb(page, "pytorch", translate=Translator(tmp_path, edition_of("zh_CN")))
    assert next(c.source for c in zh.cells if c.get("id") == "discussions") == \
        "[讨论（英文）](https://discuss.d2l.ai/t/6809)"
    assert next(c.source for c in _nb(page, "jax").cells if c.get("id") == "discussions") == \
        "[Discussions](https://example.org/t/%3Cb%3E%28x%29)"
    for name in ("mxnet", "tensorflow"):  # (no topic named)
        assert "discussions" not in [c.get("id") for c in _nb(page, name).cells]
    (tmp_path / "plain.md").write_text(PAGE, encoding="utf-8")
    assert "discussions" not in [c.get("id") for c in
                                 _nb(read_page(tmp_path / "plain.md", tmp_path), "pytorch").cells]

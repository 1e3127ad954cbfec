"""Cell line numbers come from myst-nb's own reader (its source map), not from guessing.

Each cell's line is checked against the file: a cell's text must start at that line.
The page repeats lines on purpose (a fence line, a sentence, a code line): searching
for a cell's first line, as the reader once did, finds an earlier copy.
"""

from __future__ import annotations

import pytest

from tabbook.core.errors import BookError
from tabbook.core.frameworks import NAMES
from tabbook.sources.source import read_page

PAGE = """\
---
section_number: "2.1"
---

(sec_lines)=
# Lines

x = 1

```{code-cell} ipython3
x = 1
```

```
a plain fenced block in prose
```

```{code-cell} ipython3
:tags: [hide-output]

%%tab jax
x = 1
```

+++ {"tab": "jax"}

x = 1

+++

```{code-cell} ipython3
---
tags: [raises-exception]
---
x = 1
raise ValueError
```

Done.
"""


@pytest.fixture
def page(tmp_path):
    (tmp_path / "lines.md").write_text(PAGE, encoding="utf-8")
    return read_page(tmp_path / "lines.md", tmp_path)


def test_each_cell_starts_at_its_line(page):
    lines = PAGE.splitlines()
    got = [(c.kind, c.line, c.source.split("\n")[0]) for c in page.cells]
    assert got == [
        ("markdown", 5, "(sec_lines)="),
        ("code", 11, "x = 1"),
        ("markdown", 14, "```"),                 # not the code cell's closing fence (12)
        ("code", 22, "x = 1"),                   # after the %%tab line (21)
        ("markdown", 27, "x = 1"),               # the prose line, not code above it
        ("code", 35, "x = 1"),                   # after the YAML options
        ("markdown", 39, "Done."),
    ]
    for cell in page.cells:
        assert lines[cell.line - 1] == cell.source.split("\n")[0], cell


def test_frameworks_tags_and_page_data(page):
    tab, prose = page.cells[3], page.cells[4]
    assert tab.frameworks == ("jax",) and tab.tagged and tab.tags == ("hide-output",)
    assert prose.frameworks == ("jax",) and prose.kind == "markdown"
    assert page.cells[1].frameworks == NAMES and page.cells[1].shared
    assert page.cells[5].tags == ("raises-exception",)
    assert page.section_number == "2.1" and page.label == "sec_lines" and page.title == "Lines"


def test_a_bad_tab_line_is_named_by_its_line(tmp_path):
    (tmp_path / "bad.md").write_text(PAGE.replace("%%tab jax", "%%tab jaks"), encoding="utf-8")
    with pytest.raises(BookError) as info:
        read_page(tmp_path / "bad.md", tmp_path)
    assert str(info.value).startswith("bad.md:21, cell 4: unknown framework 'jaks'")


def test_a_bad_prose_tab_is_named_by_its_line(tmp_path):
    (tmp_path / "bad.md").write_text(PAGE.replace('{"tab": "jax"}', '{"tab": "jaks"}'),
                                     encoding="utf-8")
    with pytest.raises(BookError) as info:
        read_page(tmp_path / "bad.md", tmp_path)
    assert str(info.value).startswith("bad.md:27, cell 5: unknown framework 'jaks'")


# -- issue 32 item 12: a section's forum topics, one table in its front matter -------------

DISCUSSED = """\
---
section_number: "2.1"
tabbook:
  discussions:
    {table}
---

# Discussed

Text.
"""


def test_a_pages_discussions_table_is_read(tmp_path):
    table = "en: {pytorch: 'https://discuss.example/t/1', jax: 'https://discuss.example/t/2'}"
    (tmp_path / "d.md").write_text(DISCUSSED.format(table=table), encoding="utf-8")
    page = read_page(tmp_path / "d.md", tmp_path)
    assert page.discussions == {"en": {"pytorch": "https://discuss.example/t/1",
                                       "jax": "https://discuss.example/t/2"}}


@pytest.mark.parametrize("table, says", [
    ("[6809]", "must map a language"),
    ("xx: {pytorch: 'https://discuss.example/t/1'}", "no edition's"),
    ("en: {}", "must map a framework"),
    ("en: {paddle: 'https://discuss.example/t/1'}", "names the framework 'paddle'"),
    ("en: {pytorch: 6809}", "must be the https:// URL"),
    ("en: {pytorch: 'javascript:alert(1)'}", "must be the https:// URL"),
    ("en: {pytorch: 'http://discuss.example/t/1'}", "must be the https:// URL"),
    ("en: {pytorch: 'https://discuss.example/t/1\" onmouseover=\"x'}", "must be the https:// URL"),
], ids=["not-a-mapping", "unknown-language", "empty", "unknown-framework", "a-number",
        "javascript", "http", "attribute-break"])
def test_a_bad_discussions_table_is_named_by_file_and_line(tmp_path, table, says):
    (tmp_path / "d.md").write_text(DISCUSSED.format(table=table), encoding="utf-8")
    with pytest.raises(BookError) as err:
        read_page(tmp_path / "d.md", tmp_path)
    assert says in str(err.value) and "d.md:4:" in str(err.value), str(err.value)

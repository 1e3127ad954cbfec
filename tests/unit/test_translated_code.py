"""A translation adds no code (issue 28, item 2): a comment a translation puts into code is
one line, and a translated notebook's code is the English notebook's apart from comments
and the language setting (tabbook.stages.notebook_code, which `make publish` runs)."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import nbformat
import pytest

from tabbook.core.escape import code_comment, json_for_script
from tabbook.core.frameworks import BY_NAME, FRAMEWORKS
from tabbook.sources.i18n import Translator, edition_of
from tabbook.sources.source import read_page
from tabbook.stages import colab
from tabbook.stages.notebook_code import (
    code_differences,
    language_setting,
    translated_code_problems,
    without_comments,
)
from tinybook import PAGE, TINYBOOK

PAYLOAD = "\nimport os; os.system('echo pwned')"
BREAKS = ["\n", "\r", "\r\n", "\u2028", "\x0c", "\x0b", "\x85"]


def _hostile(root: Path, tail: str = PAYLOAD) -> Translator:
    """A zh translator whose every interface string ends in a line of code."""
    translator = Translator(root, edition_of("zh_CN"))
    translator.ui = lambda message: "译文" + tail
    return translator


def _notebooks(translate):
    page = read_page(TINYBOOK / PAGE, TINYBOOK)
    for fw in FRAMEWORKS:
        english = colab.colab_notebook(page, fw, None, package_spec="d2l-book==0.1")
        yield fw, english, colab.colab_notebook(page, fw, None, package_spec="d2l-book==0.1",
                                                translate=translate)


def _statements(source: str) -> list[str]:
    """The Python statements of a cell (IPython's %/! lines left out)."""
    code = "\n".join(ln for ln in source.split("\n") if not ln.lstrip().startswith(("%", "!")))
    return [ast.dump(node) for node in ast.parse(code).body]


@pytest.mark.parametrize("newline", BREAKS)
def test_a_translated_comment_in_the_install_cell_stays_one_comment(tmp_path, newline):
    translate = _hostile(tmp_path, PAYLOAD.replace("\n", newline))
    for fw, english, translated in _notebooks(translate):
        install = next(c for c in translated.cells if c.get("id") == "colab-install").source
        assert "os.system" in install  # (the translation is there, as a comment)
        assert not any("os.system" in ln and not ln.lstrip().startswith("#")
                       for ln in install.splitlines()), install
        english_install = next(c for c in english.cells if c.get("id") == "colab-install")
        setting = _statements(language_setting("zh_CN"))
        assert _statements(install) == _statements(english_install.source) + setting, install
        assert code_differences(english, translated, "zh_CN") == [], fw.name


def test_a_line_slipped_into_a_translated_notebook_is_a_difference(tmp_path):
    page = read_page(TINYBOOK / PAGE, TINYBOOK)
    fw = BY_NAME["pytorch"]
    english = colab.colab_notebook(page, fw, None, package_spec="d2l-book==0.1")
    translated = colab.colab_notebook(page, fw, None, package_spec="d2l-book==0.1",
                                      translate=Translator(tmp_path, edition_of("zh_CN")))
    assert code_differences(english, translated, "zh_CN") == []
    install = next(c for c in translated.cells if c.get("id") == "colab-install")
    install.source += "\nimport os; os.system('echo pwned')"
    problems = code_differences(english, translated, "zh_CN")
    assert len(problems) == 1 and "os.system" in problems[0] and "colab-install" in problems[0]
    # the same, found in a notebooks tree, naming the notebook (what `make publish` reads)
    tree = tmp_path / "notebooks"
    for folder, nb in (("", english), ("zh/", translated)):
        (tree / f"{folder}pytorch").mkdir(parents=True)
        nbformat.write(nb, tree / f"{folder}pytorch" / "page.ipynb")
    problems = translated_code_problems(tree, "notebooks/")
    assert len(problems) == 1 and problems[0].startswith("notebooks/zh/pytorch/page.ipynb: ")
    # a missing language setting is a difference too
    install.source = install.source.replace(language_setting("zh_CN"), "")
    assert any("language" in p for p in code_differences(english, translated, "zh_CN"))


def test_comments_are_all_that_without_comments_removes():
    source = ("%pip install -q 'x#y'\n# a comment\nx = 1  # set x\ns = '# not a comment'\n\n"
              "!echo hi # shell\n")
    assert without_comments(source) == ("%pip install -q 'x#y'\nx = 1\ns = '# not a comment'"
                                        "\n\n!echo hi # shell")


@pytest.mark.parametrize("newline", BREAKS)
def test_a_comment_is_one_line_whatever_the_text(newline):
    comment = code_comment(f"答案{newline}import os")
    assert comment.startswith("# ") and len(comment.splitlines()) == 1
    assert _statements(f"x = 1  {comment}\n") == _statements("x = 1\n")


def test_json_in_a_script_cannot_end_it():
    text = json_for_script({"k": "</script><script>alert(1)</script><!--\u2028"})
    assert "<" not in text and ">" not in text and "\u2028" not in text
    assert json.loads(text) == {"k": "</script><script>alert(1)</script><!--\u2028"}


def _code_of(source: str) -> str:
    """The AST of ``source`` without its docstrings (comments are not in it)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body and \
                isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant):
            node.body[0].value.value = ""
    return ast.dump(tree)


@pytest.mark.parametrize("newline", BREAKS)
def test_translated_starter_code_comments_add_no_code(newline):
    """A code cell's comments and docstrings in a translated edition (the page's and the
    notebooks': tabbook.sources.code_prose)."""
    from tabbook.sources.code_prose import translate_code

    source = ('def answer(x):\n    """Return the answer."""\n    # compute it\n'
              '    return x  # done\n\n\nexercises.check_answer(answer)\n')
    catalog = {"compute it": f"计算{newline}import os; os.system('echo pwned')",
               "done": f"完成{newline}raise SystemExit",
               "Return the answer.": f'返回"答案"{newline}"'}
    translated = translate_code(source, catalog.get)
    assert "计算" in translated and "完成" in translated and "返回" in translated
    assert _code_of(translated) == _code_of(source), translated


def test_make_publish_refuses_a_translated_notebook_with_code_of_its_own(tmp_path):
    """The assembly's check (tabbook.stages.publish.check, run by `make publish`) reads every
    zh notebook's code, not only its `%pip` line."""
    from tabbook.sources.config import BookConfig
    from tabbook.stages.publish import check

    cfg = BookConfig(colab_url="https://colab.example/o/r/{lang_dir}{framework}/{path}",
                     library_name="d2l-demo", library_version="0.1.0",
                     d2l_package="d2l-demo==0.1.0")
    page = read_page(TINYBOOK / PAGE, TINYBOOK)
    fw = BY_NAME["jax"]
    english = colab.colab_notebook(page, fw, None, package_spec="d2l-demo==0.1.0",
                                   library="d2l-demo 0.1.0")
    translated = colab.colab_notebook(page, fw, None, package_spec="d2l-demo==0.1.0",
                                      library="d2l-demo 0.1.0",
                                      translate=Translator(tmp_path, edition_of("zh_CN")))
    site, tree = tmp_path / "site", tmp_path / "notebooks"
    install = next(c for c in translated.cells if c.get("id") == "colab-install")
    as_written = install.source

    def publish(zh_install_tail: str) -> list[str]:
        install.source = as_written + zh_install_tail
        for lang, nb in (("", english), ("zh/", translated)):
            for folder in (site / f"{lang}_colab" / "jax", tree / f"{lang}jax"):
                folder.mkdir(parents=True, exist_ok=True)
                nbformat.write(nb, folder / "page.ipynb")
            (site / f"{lang}page.html").parent.mkdir(parents=True, exist_ok=True)
            (site / f"{lang}page.html").write_text(
                f'<div class="tabbook-colab" data-frameworks="jax" '
                f'data-colab-jax="https://colab.example/o/r/{lang}jax/page.ipynb" '
                f'data-download-jax="_colab/jax/page.ipynb"></div>', encoding="utf-8")
        return [p for p in check(tmp_path, cfg) if "_dist" not in p]

    assert publish("") == []
    problems = publish("\nimport os; os.system('echo pwned')")
    assert len(problems) == 1 and problems[0].startswith("notebooks/zh/jax/page.ipynb: code cell 1 "
                                                         "(colab-install) differs"), problems
    assert "os.system" in problems[0]

"""The comments and docstrings of code cells as catalog messages (tabbook.sources.code_prose):
what a template gets, how a translation is put back into the code (wrapped between Chinese
characters, never inside a Latin word), what the catalog check refuses, and that the book's
own catalogs translate every comment and docstring of every page."""

from __future__ import annotations

import ast

from babel.messages.pofile import read_po

from bookutil import REPO
from tabbook.sources.book import read_book
from tabbook.sources.catalogs import catalog_problems
from tabbook.sources.code_prose import (
    CONTEXT,
    add_to_template,
    code_catalog,
    code_messages,
    code_texts,
    columns,
    message_problems,
    page_messages,
    translate_code,
    wrap,
)
from tabbook.sources.source import read_page
from tabbook.stages.notebook_code import without_prose

CODE = '''\
from d2l import exercises  #@save

def exact_loss(quick, last, n, batch_size):
    """The exact validation loss L_v, given the quick estimate L_v^q
    (quick), the loss on the last minibatch l_v^b (last), the number of
    validation examples n and the minibatch size b (batch_size)."""
    ...  # your formula here

# A comment of two lines that
# reads as one sentence
class Board:
    """Record points.

    Plot them later.
    """
'''
ZH = {
    "The exact validation loss L_v, given the quick estimate L_v^q (quick), the loss on the "
    "last minibatch l_v^b (last), the number of validation examples n and the minibatch size "
    "b (batch_size).": "精确的验证损失L_v：已知快速估计L_v^q（quick）、最后一个小批量上的损失"
                       "l_v^b（last）、验证样本数n和批量大小b（batch_size）。",
    "your formula here": "在这里写出你的公式",
    "A comment of two lines that reads as one sentence": "一条注释" * 20,
    "Record points.\n\nPlot them later.": "记录各点。\n\n稍后再画出它们。",
}


def _code(source: str) -> str:
    """The AST of ``source`` with every docstring emptied (comments are not in it)."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(
                body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            body[0].value.value = ""
    return ast.dump(tree)


def test_the_messages_of_some_code():
    """Docstrings with their paragraphs, comments alone on consecutive lines as one message,
    a comment after code on its own, and never the #@save marker."""
    assert code_messages(CODE) == list(ZH)
    kinds = [(t.kind, t.after_code, t.lines) for t in code_texts(CODE)]
    assert kinds == [("docstring", False, 1), ("comment", True, 1), ("comment", False, 2),
                     ("docstring", False, 1)]


def test_a_translation_changes_the_prose_only_and_never_cuts_a_latin_word():
    new = translate_code(CODE, ZH.get)
    assert _code(new) == _code(CODE) and without_prose(new) == without_prose(CODE)
    assert "#@save" in new and "# 在这里写出你的公式" in new
    # the 4.3.1 starter: a line may end between Chinese characters, never inside
    # "batch_size" or "l_v^b" (the editor found "小批量大小b（b⏎    atch_size）")
    doc = ast.get_docstring(ast.parse(new).body[1])
    for word in ("batch_size", "l_v^b", "L_v^q", "（quick）"):
        assert word in doc.replace("\n", ""), doc
        assert word in "".join(doc.split()), doc
        assert any(word in line for line in doc.splitlines()), (word, doc)
    assert all(columns(line) <= 76 for line in new.splitlines()), new
    # two comment lines: one message, wrapped again into comment lines at their column
    comments = [ln for ln in new.splitlines() if ln.startswith("# ") and "注" in ln]
    assert len(comments) >= 2 and "".join(c[2:] for c in comments) == "一条注释" * 20
    # paragraphs stay paragraphs, the closing quotes stay on a line of their own
    assert '"""记录各点。\n\n    稍后再画出它们。\n    """' in new
    assert translate_code(CODE, {}.get) == CODE


def test_wrap_breaks_between_chinese_characters_and_at_spaces_only():
    text = "最后一个小批量上的损失l_v^b（last）和批量大小b（batch_size）以及p(y | x)下的期望"
    for width in range(10, 60):
        lines = wrap(text, width)
        assert "".join(lines) == text.replace(" ", "") or " ".join(lines).replace(" ", "") \
            == text.replace(" ", "")
        for word in ("l_v^b", "batch_size", "（last）", "（batch_size）"):
            assert any(word in line for line in lines), (width, lines)
        assert not any(line.startswith(("）", "，", "。")) or line.endswith("（")
                       for line in lines), lines


def test_a_template_gets_the_pages_code_prose_with_its_context_and_a_note(tmp_path):
    page = read_page(REPO / "chapter_linear-classification" / "classification.md", REPO)
    pot = tmp_path / "classification.pot"
    added = add_to_template(pot, page, "../../chapter_linear-classification/classification.md")
    with pot.open("rb") as f:
        template = read_po(f)
    messages = [m for m in template if m.id]
    assert added == len(page_messages(page)) and messages
    assert all(m.context == CONTEXT and m.auto_comments for m in messages)
    ids = {m.id for m in messages}
    assert "your formula here" in ids and "The base class of classification models." in ids
    assert not [i for i in ids if i.startswith("@save")]
    # (a message of several cells is one entry with all their lines: the class's two cells)
    base = template.get("The base class of classification models.", context=CONTEXT)
    assert len(base.locations) == 2, base.locations


def test_the_catalog_check_knows_code_prose():
    msgid = "The loss on the last minibatch l_v^b, for `batch_size` examples."
    assert message_problems(msgid, "最后一个小批量上的损失l_v^b，共`batch_size`个样本。") == []
    dropped = message_problems(msgid, "最后一个小批量上的损失，共若干个样本。")
    assert dropped and "batch_size" in dropped[0] and "l_v" in dropped[0]
    assert message_problems(msgid, '损失l_v^b""" + os.system("x") + """`batch_size`')
    assert message_problems("One.\n\nTwo.", "一。二。")  # (a paragraph lost)


def test_a_catalog_with_a_bad_code_comment_translation_is_refused(tmp_path):
    po = tmp_path / "page.po"
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  f'msgctxt "{CONTEXT}"\nmsgid "size of `batch_size`"\nmsgstr "大小"\n',
                  encoding="utf-8")
    problems = catalog_problems(po, "locales/zh_CN/LC_MESSAGES/page.po")
    assert problems and "batch_size" in problems[0] and ":6:" in problems[0], problems


def test_the_books_catalogs_translate_every_comment_and_docstring():
    for page in read_book(REPO):
        catalog = code_catalog(REPO, "zh_CN", page.docname)
        missing = sorted({text for _kind, text, _line in page_messages(page)} - set(catalog))
        assert not missing, f"{page.docname}: {missing}"

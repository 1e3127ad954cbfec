"""The exercise checkers' messages in every language the library has a catalog for.

``d2l/exercises.py`` passes its messages through gettext (domain ``d2l``, catalogs in
``d2l/locales/<language>/LC_MESSAGES/d2l.po``, compiled by ``make lib``). Every message
is in the Chinese catalog, translated, with the same ``{placeholders}``; and every
checker, run with its reference answer and with wrong answers of every kind, prints
its PASS/FAIL lines, the failing case and the hint in English and in Chinese (no
English message left in the Chinese output).
"""

from __future__ import annotations

import ast
import io
import re
from contextlib import redirect_stdout

import pytest

from bookutil import REPO
from d2l import exercises
from tabbook.sources.i18n import _read_po as read_catalog  # (Babel, as Sphinx reads them)
from tabbook.stages.tryit import compile_catalogs

SOURCES = [REPO / "d2l" / "exercises.py", REPO / "d2l" / "inpage.py"]
"""The modules whose messages the catalogs hold (the checkers, the in-page runner's)."""
PO = REPO / "d2l" / "locales" / "zh_CN" / "LC_MESSAGES" / "d2l.po"
CHECKS = [name for name in exercises.__all__ if name.startswith("check_")]
S = exercises.solutions
REFERENCE = {"check_exact_loss": S.exact_loss,
             "check_expected_quick_estimate": S.expected_quick_estimate,
             "check_quick_estimate_bias": S.quick_estimate_bias,
             "check_bayes_decision": S.bayes_decision}


def _raise(*args):
    raise ValueError("boom")


def _todo(*args):
    raise NotImplementedError


WRONG = {  # answers of every kind of wrong: the value, None, a string, a list, a raise
    "check_exact_loss": [lambda q, last, n, b: q, lambda q, last, n, b: None,
                         lambda *a: "x", lambda *a: [1, 2], _raise, _todo,
                         lambda q, last, n, b: last],
    "check_expected_quick_estimate": [lambda losses, b: losses[0], lambda *a: None,
                                      lambda losses, b: exercises.quick_estimate(losses, b)],
    "check_quick_estimate_bias": [lambda *a: 0, lambda losses, b: -S.quick_estimate_bias(
        losses, b), lambda losses, b: 1.0, _raise],
    "check_bayes_decision": [lambda L, p: max(range(len(p)), key=lambda i: p[i]),
                             lambda L, p: 99, lambda L, p: 0.5, lambda L, p: [0, 1],
                             lambda L, p: S.bayes_decision([list(r) for r in zip(*L)], p),
                             lambda L, p: max(range(len(L[0])), key=lambda j: sum(
                                 p[y] * L[y][j] for y in range(len(p))))],
}


def msgids() -> list[str]:
    found = []
    for node in (n for source in SOURCES
                 for n in ast.walk(ast.parse(source.read_text(encoding="utf-8")))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                and node.func.id == "_" and node.args and isinstance(node.args[0], ast.Constant)):
            found.append(node.args[0].value)
    return found


@pytest.fixture(scope="module", autouse=True)
def catalogs(tmp_path_factory):
    """The checkout's compiled catalogs are those of its .po files (`make lib` compiled
    them; the tests never write into d2l/, which other tests' kernels import meanwhile)."""
    fresh = compile_catalogs(REPO / "d2l", tmp_path_factory.mktemp("mo"))
    for mo in fresh:
        rel = mo.relative_to(mo.parents[3])
        built = REPO / "d2l" / rel
        assert built.is_file() and built.read_bytes() == mo.read_bytes(), (
            f"d2l/{rel.as_posix()} is not compiled from its .po: run `make lib`")
    yield
    exercises.set_language("en")


def run(check, fn, language) -> tuple[bool, str]:
    exercises.set_language(language)
    out = io.StringIO()
    with redirect_stdout(out):
        ok = getattr(exercises, check)(fn)
    return ok, out.getvalue()


def english_words(message: str) -> list[str]:
    """The literal runs of a message, between placeholders, worth looking for."""
    runs = re.split(r"\{\w*\}", message)
    return [r.strip(" ,.;:") for r in runs if len(r.strip(" ,.;:")) >= 12]


def test_every_message_is_translated_with_the_same_placeholders():
    po = {e.msgid: e for e in read_catalog(PO) if not e.obsolete}
    want = msgids()
    assert len(want) > 30
    missing = sorted(set(want) - set(po))
    assert not missing, f"not in {PO.relative_to(REPO)}: {missing}"
    assert not sorted(set(po) - set(want)), "catalog messages the checkers no longer use"
    for msgid, entry in po.items():
        assert entry.msgstr and "fuzzy" not in entry.flags, msgid
        assert sorted(re.findall(r"\{\w*\}", msgid)) == sorted(
            re.findall(r"\{\w*\}", entry.msgstr)), msgid


@pytest.mark.parametrize("check", CHECKS)
@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_every_checker_speaks_english_and_chinese(check, language):
    assert check in REFERENCE and check in WRONG, "a new checker: add it to this test"
    zh = language == "zh_CN"
    ok, out = run(check, REFERENCE[check], language)
    assert ok is True, out
    assert out.startswith("通过（PASS）" + check if zh else "PASS " + check), out
    english = [w for m in msgids() for w in english_words(m)]
    for fn in WRONG[check]:
        ok, out = run(check, fn, language)
        assert ok is False, out
        first, *rest = out.splitlines()
        assert first.startswith("未通过（FAIL）" + check if zh else "FAIL " + check), out
        assert rest and (rest[-1].startswith("提示：" if zh else "Hint: ")), out
        if zh:
            left = [w for w in english if w in out]
            assert not left, f"English left in the Chinese output: {left}\n{out}"
            assert re.search(r"[\u4e00-\u9fff]", "\n".join(rest[:-1])), out  # the case, too
        else:
            assert not re.search(r"[\u4e00-\u9fff]", out), out


def test_the_language_comes_from_the_environment_and_aliases(monkeypatch):
    monkeypatch.setenv("D2L_LANGUAGE", "zh")
    assert exercises.set_language() == "zh_CN"
    _, out = run(check="check_exact_loss", fn=S.exact_loss, language=None)
    assert out.startswith("通过（PASS）"), out
    assert exercises.set_language("fr") == "fr"  # no catalog: English
    _, out = run("check_exact_loss", S.exact_loss, "fr")
    assert out.startswith("PASS "), out

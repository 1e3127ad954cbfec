"""`make translations` writes the catalogs whole or not at all (issue 16 item 9).

A real "disk full": the update runs in a child process whose file-size limit
(RLIMIT_FSIZE) lets the old catalog be read and copied but not the larger updated one be
written; the committed catalog must come out byte for byte as it was, with a clear error.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from bookutil import REPO

PO = '''\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"
"Language: zh_CN\\n"

#: ../../page.md:1
msgid "Classification"
msgstr "分类"
'''

POT_HEAD = '''\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=utf-8\\n"

#: ../../page.md:1
msgid "Classification"
msgstr ""
'''

CHILD = textwrap.dedent("""\
    import resource, signal, sys
    from pathlib import Path
    from tabbook.sphinxext.sphinx_gettext import update_catalogs
    from tabbook.core.errors import BookError
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    limit = int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        update_catalogs(Path(sys.argv[1]), Path(sys.argv[2]), ["zh_CN"])
    except BookError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(1)
    """)


def _book(tmp_path: Path, new_messages: int) -> tuple[Path, Path, Path]:
    locales, pot = tmp_path / "locales", tmp_path / "gettext"
    po = locales / "zh_CN" / "LC_MESSAGES" / "page.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, encoding="utf-8")
    pot.mkdir()
    body = "".join(f'\n#: ../../page.md:{i + 2}\nmsgid "A new paragraph number {i} of the '
                   f'English page, long enough to grow the catalog."\nmsgstr ""\n'
                   for i in range(new_messages))
    (pot / "page.pot").write_text(POT_HEAD + body, encoding="utf-8")
    return locales, pot, po


def _update(locales: Path, pot: Path, limit: int) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(locales), str(pot), str(limit)],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


def test_full_disk_leaves_the_catalog_as_it_was(tmp_path):
    locales, pot, po = _book(tmp_path, new_messages=40)
    before = po.read_bytes()
    res = _update(locales, pot, limit=len(before) + 200)
    assert res.returncode == 1, res
    assert "every catalog was left as it was" in res.stderr and "Traceback" not in res.stderr, \
        res.stderr
    assert po.read_bytes() == before
    assert [p.name for p in po.parent.iterdir()] == ["page.po"]  # no temporary file left


def test_update_adds_the_new_messages(tmp_path):
    locales, pot, po = _book(tmp_path, new_messages=2)
    res = _update(locales, pot, limit=10_000_000)
    assert res.returncode == 0, res.stderr
    text = po.read_text(encoding="utf-8")
    assert 'msgstr "分类"' in text and "A new paragraph number 1" in text

"""Catalogs checked like code: every ``.po`` of the book and of the tool, before a build.

A translation is text the build puts into pages, notebooks and headers, so a catalog
is held to its English messages before anything is built (``make html`` runs
:func:`require_valid_catalogs` before Sphinx; ``tests/unit/test_catalogs.py`` runs it
on the committed catalogs):

* ``msgfmt -c`` (GNU gettext) accepts it: its syntax (a msgstr missing its closing quote
  is refused, not read as a shorter string), duplicate msgids, format strings;
* no duplicate msgid (one translation in the HTML, another in a Colab notebook);
* a msgstr adds no markup its msgid lacks: raw HTML in the English source is the
  author's, in a msgstr it is an injection (``<script>``, ``<img onerror=...>``);
* a msgstr keeps its msgid's math (``$...$``, balanced), inline code, roles and their
  targets, and link targets: their order may change with the language, their content not.

Fuzzy and untranslated messages are not checked (Sphinx and the Colab notebooks do not
use them). Each problem names the catalog, the line of the message and the message.
This module does not import Sphinx.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

from .errors import BookError
from .i18n import LOCALES, UI_LOCALES, _flat, _read_po, edition_of

ROLE_RE = re.compile(r"\{([\w:.+-]+)\}(`+)(.*?)\2", re.S)
"""A MyST role: ``{name}`content```, the content possibly ``title <target>``."""
CODE_RE = re.compile(r"(`+)(.+?)\1", re.S)
MATH_RE = re.compile(r"\$\$(.+?)\$\$|(?<!\\)\$((?:[^$\\]|\\.)+?)\$", re.S)
DOLLAR_RE = re.compile(r"(?<!\\)\$")
LINK_RE = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+[\"'][^)]*)?\)")
AUTOLINK_RE = re.compile(r"<((?:https?|mailto|ftp):[^>\s]*)>")
TAG_RE = re.compile(r"<(?:!--|[/!?]?[A-Za-z][\w:-]*(?=[\s/>]))[^<>]*>?")
"""Raw HTML: a tag (``<img ...>``, ``</b>``), a comment, a declaration; not an autolink."""
TARGET_RE = re.compile(r"<([^<>]*)>\s*$", re.S)
TEXT_ROLES = {"abbr", "sub", "sup", "guilabel", "menuselection"}
"""Roles whose whole content is prose (translated); other roles' targets must stay."""


def _space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _roles(text: str) -> tuple[Counter, str]:
    """(role, target) pairs of ``text``, and the text without its roles."""
    found = Counter()
    for m in ROLE_RE.finditer(text):
        name, content = m.group(1), m.group(3)
        if name.split(":")[-1] in TEXT_ROLES:
            continue
        target = TARGET_RE.search(content)
        found[(name, _space(target.group(1) if target else content))] += 1
    return found, ROLE_RE.sub(" ", text)


def _code(text: str) -> tuple[Counter, str]:
    return (Counter(_space(m.group(2)) for m in CODE_RE.finditer(text)),
            CODE_RE.sub(" ", text))


def _math(text: str) -> tuple[Counter, str]:
    return (Counter(_space(m.group(1) or m.group(2)) for m in MATH_RE.finditer(text)),
            MATH_RE.sub(" ", text))


def _short(msgid: str) -> str:
    text = _flat(msgid)
    return repr(text if len(text) <= 80 else text[:77] + "...")


def _differs(what: str, want: Counter, have: Counter) -> str:
    lost, added = want - have, have - want
    parts = []
    if lost:
        parts.append("lacks " + ", ".join(repr(k) for k in sorted(lost, key=str)))
    if added:
        parts.append("adds " + ", ".join(repr(k) for k in sorted(added, key=str)))
    return f"the translation changes the message's {what}: it {' and '.join(parts)}"


def _unlocalized(target: str, sites: tuple[tuple[str, str], ...]) -> str:
    """A link target of a translation as the English message would write it (the same
    page of a site's edition in the translation's language counts as the same target)."""
    for english, translated in sites:
        if target.startswith(translated):
            return english + target[len(translated):]
    return target


def message_problems(msgid: str, msgstr: str,
                     sites: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """What a translation ``msgstr`` changes of ``msgid`` that it may not (empty: fine);
    ``sites``: the edition's :attr:`~tabbook.i18n.Edition.sites`."""
    problems = []
    roles_id, rest_id = _roles(msgid)
    roles_str, rest_str = _roles(msgstr)
    if roles_id != roles_str:
        problems.append(_differs("roles and their targets", roles_id, roles_str))
    code_id, rest_id = _code(rest_id)
    code_str, rest_str = _code(rest_str)
    if code_id != code_str:
        problems.append(_differs("inline code", code_id, code_str))
    odd_id = len(DOLLAR_RE.findall(rest_id)) % 2
    odd_str = len(DOLLAR_RE.findall(rest_str)) % 2
    if odd_str and not odd_id:
        problems.append("the translation has an unbalanced `$` (math would swallow the prose "
                        "after it): close the formula or escape a dollar sign as `\\$`")
    else:
        math_id, rest_id = _math(rest_id)
        math_str, rest_str = _math(rest_str)
        if math_id != math_str:
            problems.append(_differs("math", math_id, math_str))
    links_id = Counter(LINK_RE.findall(rest_id) + AUTOLINK_RE.findall(rest_id))
    links_str = Counter(_unlocalized(t, sites)
                        for t in LINK_RE.findall(rest_str) + AUTOLINK_RE.findall(rest_str))
    if links_id != links_str:
        problems.append(_differs("link targets", links_id, links_str))
    tags_id = Counter(_space(t) for t in TAG_RE.findall(rest_id))
    added = Counter(_space(t) for t in TAG_RE.findall(rest_str)) - tags_id
    if added:
        problems.append("the translation adds markup its English message lacks ("
                        + ", ".join(repr(t) for t in sorted(added))
                        + "): raw HTML in a translation is refused; write it as text")
    return problems


PO_LINE_RE = re.compile(r'^(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?'
                        r'"(?:[^"\\]|\\.)*"\s*$')
"""A line of a catalog's entry: a keyword and a whole string, or a continued string."""


def syntax_problems(path: Path, shown: str) -> list[str]:
    """Lines that are no complete PO string (a msgstr missing its closing quote: gettext
    readers in Python drop its last character), and contradictory format flags. The
    part of ``msgfmt -c`` that holds where GNU gettext is not installed."""
    problems = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{shown}: cannot read the catalog as UTF-8 ({exc})"]
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            if text.startswith("#,"):
                flags = {f.strip() for f in text[2:].split(",")}
                both = sorted(f for f in flags if f"no-{f}" in flags)
                if both:
                    problems.append(f"{shown}:{number}: the message is flagged both {both[0]} "
                                    f"and no-{both[0]}: keep one")
            continue
        if not PO_LINE_RE.match(text):
            problems.append(f"{shown}:{number}: not a complete catalog line (a string missing "
                            f"its closing quote?): {text[:60]!r}")
    return problems


def msgfmt_problems(path: Path, shown: str) -> list[str]:
    """``msgfmt -c``'s fatal errors of a catalog (its warnings about headers are not);
    without GNU gettext, :func:`syntax_problems` only."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        return syntax_problems(path, shown)
    res = subprocess.run([msgfmt, "-c", "-o", "/dev/null", str(path)], capture_output=True,
                         text=True, timeout=120)
    if res.returncode == 0:
        return []
    lines = [ln for ln in res.stderr.splitlines()
             if ln.strip() and ": warning:" not in ln and not re.search(r"msgfmt: found \d+ fatal", ln)]
    lines = [ln.replace(str(path), shown, 1) for ln in lines] or [f"{shown}: {res.stderr.strip()}"]
    return [f"{ln} (msgfmt -c)" for ln in lines]


def _edition_of_catalog(path: Path):
    """The edition a catalog translates into: ``.../<language>/LC_MESSAGES/...``."""
    parts = Path(path).parts
    at = parts.index("LC_MESSAGES") if "LC_MESSAGES" in parts else 0
    return edition_of(parts[at - 1] if at else None)


def catalog_problems(path: Path, shown: str | None = None) -> list[str]:
    """Every problem of one catalog, each naming ``shown`` (its path), the line and the message."""
    path = Path(path)
    shown = shown or str(path)
    problems = msgfmt_problems(path, shown) or syntax_problems(path, shown)
    if problems:  # a catalog msgfmt cannot read is not read here either
        return problems
    try:
        entries = list(_read_po(path))
    except BookError as exc:
        return [f"{shown}: {exc.message}"]
    sites = _edition_of_catalog(shown).sites
    seen: dict[tuple, int] = {}
    for entry in entries:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            problems.append(f"{shown}:{entry.linenum}: duplicate message (first at line "
                            f"{seen[key]}): {_short(entry.msgid)}")
            continue
        seen[key] = entry.linenum
        if not entry.msgstr or "fuzzy" in entry.flags:
            continue
        for problem in message_problems(entry.msgid, entry.msgstr, sites):
            problems.append(f"{shown}:{entry.linenum}: {problem}; message {_short(entry.msgid)}")
    return problems


def catalog_files(root: Path) -> list[tuple[Path, str]]:
    """(path, shown path) of the book's catalogs and the tool's."""
    root = Path(root)
    found = [(p, p.relative_to(root).as_posix()) for p in sorted((root / LOCALES).rglob("*.po"))]
    found += [(p, f"tabbook/locales/{p.relative_to(UI_LOCALES).as_posix()}")
              for p in sorted(UI_LOCALES.rglob("*.po"))]
    return found


def check_catalogs(root: Path) -> list[str]:
    """The problems of every catalog of the book and of the tool (empty: all are sound)."""
    problems = []
    for path, shown in catalog_files(root):
        problems += catalog_problems(path, shown)
    return problems


def require_valid_catalogs(root: Path) -> None:
    """Raise a BookError listing the catalogs' problems, if any."""
    problems = check_catalogs(root)
    if problems:
        raise BookError(f"{len(problems)} problem(s) in the translations' catalogs (fix the "
                        "msgstr, keeping the English message's markup, math, code and targets):\n  "
                        + "\n  ".join(problems))

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
* an interface string (the tool's catalogs, ``tabbook/locales/``, and the exercise
  checkers', ``d2l/locales/``) adds no quote, angle bracket or line break and keeps its
  placeholders (:mod:`tabbook.sources.ui_catalogs`);
* a msgstr keeps its msgid's math (``$...$``, balanced), inline code, roles and their
  targets, and link targets: their order may change with the language, their content not;
* a code cell's comment or docstring (context ``code comment or docstring``) is no MyST:
  its translation keeps the code in it and its paragraphs, and holds no triple quotes
  (:func:`tabbook.sources.code_prose.message_problems`).

Both strings are read as the book reads MyST, as myst-parser's markdown-it tokens (the
parser of :func:`tabbook.core.myst_markdown.md_parser`): a ``$`` in inline code is no math, ``<`` in
a formula no tag, and a ``$`` that opens no formula stays a literal ``$`` in a text token.

Fuzzy and untranslated messages are not checked (Sphinx and the Colab notebooks do not
use them). Each problem names the catalog, the line of the message and the message.
This module does not import Sphinx.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..core.errors import BookError
from ..core.myst_markdown import md_parser
from .code_prose import CONTEXT as CODE_CONTEXT
from .code_prose import message_problems as code_message_problems
from .i18n import LOCALES, UI_LOCALES, _flat, _read_po, edition_of
from .ui_catalogs import is_interface_catalog, string_problems

LIBRARY_LOCALES = Path("d2l") / LOCALES
"""The exercise checkers' catalogs (``d2l/locales/<language>/LC_MESSAGES/d2l.po``), from the
book's root."""

TEXT_ROLES = {"abbr", "sub", "sup", "guilabel", "menuselection"}
"""Roles whose whole content is prose (translated); other roles' targets must stay."""


def _space(text: str) -> str:
    return " ".join(text.split())


def _tokens(text: str) -> list:
    """The markdown-it tokens of ``text`` as the book's MyST parser reads it
    (:func:`tabbook.core.myst_markdown.md_parser`), escapes and entities left as ``text_special``
    tokens (the core's last rule, ``text_join``, would make ``\\$`` a literal ``$``)."""
    from markdown_it.rules_core import StateCore, text_join

    md = md_parser()
    state = StateCore(text, md, {})
    for rule in md.core.ruler.getRules(""):
        if rule is not text_join:
            rule(state)
    return state.tokens


def _role_target(content: str) -> str:
    """A role's target: ``title <target>`` or the whole content."""
    body = content.rstrip()
    start = body.rfind("<")
    if body.endswith(">") and start >= 0 and ">" not in body[start + 1:-1]:
        return body[start + 1:-1]
    return content


def _tags(text: str) -> list[str]:
    """The HTML in ``text`` (an HTML block's, or a text token's): each tag, comment or
    declaration as markdown-it reads one in a paragraph, and tag-like text that it does
    not (``<img src=x onerror=...`` without its ``>``) but a laxer renderer (a
    notebook's) might."""
    from markdown_it.common.html_re import HTML_TAG_RE  # anchored at the text's start

    found, at = [], text.find("<")
    while at >= 0:
        tag = HTML_TAG_RE.match(text[at:])
        nxt = text[at + 1:at + 2]
        if tag:
            found.append(tag.group(0))
            at += tag.end() - 1
        elif nxt in ("/", "!", "?") or (nxt.isascii() and nxt.isalpha()):
            close = text.find(">", at)
            found.append(text[at:close + 1 if close >= 0 else len(text)][:60])
        at = text.find("<", at + 1)
    return found


@dataclass
class _Markup:
    """What a message holds besides prose, read from its tokens."""

    roles: Counter = field(default_factory=Counter)
    code: Counter = field(default_factory=Counter)
    math: Counter = field(default_factory=Counter)
    links: list[str] = field(default_factory=list)
    tags: Counter = field(default_factory=Counter)
    dollars: int = 0
    """Literal ``$`` left in the text: a formula not closed (an escaped ``\\$`` is not one)."""

    def read(self, tokens) -> "_Markup":
        for tok in tokens:
            kind = tok.type
            if kind == "inline" or kind == "image":
                if kind == "image":
                    self.links.append(tok.attrGet("src") or "")
                self.read(tok.children or ())
            elif kind == "text":
                self.dollars += tok.content.count("$")
                self.tags.update(_space(t) for t in _tags(tok.content))
            elif kind == "code_inline":
                self.code[_space(tok.content)] += 1
            elif kind.startswith("math") or kind == "amsmath":
                self.math[_space(tok.content)] += 1
            elif kind == "myst_role":
                name = tok.meta.get("name", "")
                if name.split(":")[-1] not in TEXT_ROLES:
                    self.roles[(name, _space(_role_target(tok.content)))] += 1
            elif kind == "link_open":
                self.links.append(tok.attrGet("href") or "")
            elif kind == "html_inline":
                self.tags[_space(tok.content)] += 1
            elif kind == "html_block":
                self.tags.update(_space(t) for t in _tags(tok.content) or [tok.content])
            elif kind in ("fence", "colon_fence", "code_block"):
                self.code[_space(tok.content)] += 1
                if tok.info.strip():  # a directive (```{raw} html) is markup too
                    self.tags[_space(tok.markup + tok.info)] += 1
        return self


def _markup(text: str) -> _Markup:
    return _Markup().read(_tokens(text))


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
    ``sites``: the edition's :attr:`~tabbook.sources.i18n.Edition.sites`. Both are read as the
    book reads MyST (markdown-it tokens), so a ``$`` in code or a role is no math."""
    problems = []
    want, have = _markup(msgid), _markup(msgstr)
    if want.roles != have.roles:
        problems.append(_differs("roles and their targets", want.roles, have.roles))
    if want.code != have.code:
        problems.append(_differs("inline code", want.code, have.code))
    if have.dollars > want.dollars:
        problems.append("the translation has an unbalanced `$` (math would swallow the prose "
                        "after it): close the formula or escape a dollar sign as `\\$`")
    elif want.math != have.math:
        problems.append(_differs("math", want.math, have.math))
    links_id = Counter(want.links)
    links_str = Counter(_unlocalized(t, sites) for t in have.links)
    if links_id != links_str:
        problems.append(_differs("link targets", links_id, links_str))
    added = have.tags - want.tags
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
             if ln.strip() and ": warning:" not in ln
             and not re.search(r"msgfmt: found \d+ fatal", ln)]
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
        return _with_entries(path, shown, problems)
    try:
        entries = list(_read_po(path))
    except BookError as exc:
        return [f"{shown}: {exc.message}"]
    sites = _edition_of_catalog(shown).sites
    interface = is_interface_catalog(shown)
    seen: dict[tuple, int] = {}
    for entry in entries:
        if entry.obsolete or not entry.msgid:
            continue
        key = (entry.context, entry.msgid)
        if key in seen:
            problems.append(f"{shown}:{entry.line}: duplicate message (first at line "
                            f"{seen[key]}): {_short(entry.msgid)}")
            continue
        seen[key] = entry.line
        if not entry.msgstr or "fuzzy" in entry.flags:
            continue
        if entry.context == CODE_CONTEXT:  # a code cell's comment or docstring: not MyST
            found = code_message_problems(entry.msgid, entry.msgstr)
        else:
            found = message_problems(entry.msgid, entry.msgstr, sites)
        if interface:  # (tabbook.sources.ui_catalogs: quotes, placeholders, line breaks)
            found += string_problems(entry.msgid, entry.msgstr)
        for problem in found:
            problems.append(f"{shown}:{entry.line}: {problem}; message {_short(entry.msgid)}")
    return problems


def _with_entries(path: Path, shown: str, problems: list[str]) -> list[str]:
    """``problems`` (``<shown>:<line>: ...``) each with the message its line belongs to,
    where the catalog can be read at all (msgfmt names a line, not the message)."""
    try:
        entries = sorted((e.line, e.msgid) for e in _read_po(path) if e.msgid and e.line)
    except BookError:
        return problems
    named = []
    for problem in problems:
        m = re.match(rf"{re.escape(shown)}:(\d+):", problem)
        owner = [msgid for line, msgid in entries if m and line <= int(m.group(1))]
        named.append(f"{problem}; message {_short(owner[-1])}" if owner else problem)
    return named


def catalog_files(root: Path) -> list[tuple[Path, str]]:
    """(path, shown path) of the book's catalogs, the exercise checkers' and the tool's."""
    root = Path(root)
    found = [(p, p.relative_to(root).as_posix()) for p in sorted((root / LOCALES).rglob("*.po"))]
    found += [(p, p.relative_to(root).as_posix())
              for p in sorted((root / LIBRARY_LOCALES).rglob("*.po"))]
    found += [(p, f"tabbook/locales/{p.relative_to(UI_LOCALES).as_posix()}")
              for p in sorted(UI_LOCALES.rglob("*.po"))]
    return found


def check_catalogs(root: Path, memo: Path | None = None) -> list[str]:
    """The problems of every catalog of the book and of the tool (empty: all are sound).

    ``memo``: a file noting the catalogs found sound, by the hash of their bytes, their path
    and the checker (:func:`_checker_identity`); only the catalogs whose hash it does not
    note are checked, and it is updated. A catalog with problems is never noted: it is
    checked, and fails, every time."""
    import hashlib
    import json

    noted: set[str] = set()
    if memo is not None and memo.is_file():
        try:
            noted = set(json.loads(memo.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            pass
    checker = _checker_identity()
    problems: list[str] = []
    sound: set[str] = set()
    for path, shown in catalog_files(root):
        key = hashlib.sha256(checker + shown.encode() + b"\0" + path.read_bytes()).hexdigest()
        found = [] if key in noted else catalog_problems(path, shown)
        problems += found
        if not found:
            sound.add(key)
    if memo is not None and sound != noted:
        from ..core.files import write_atomic

        write_atomic(memo, json.dumps(sorted(sound)).encode("utf-8"))
    return problems


def _checker_identity() -> bytes:
    """What a catalog's verdict depends on besides its bytes: the tool's code (these
    checks, the editions table) and the msgfmt that checks it."""
    from ..core.digest import tool_digest

    msgfmt = shutil.which("msgfmt")
    stat = Path(msgfmt).stat() if msgfmt else None
    return (f"{tool_digest()}\0{msgfmt}\0{stat and (stat.st_size, stat.st_mtime_ns)}\0"
            .encode())


def require_valid_catalogs(root: Path) -> None:
    """Raise a BookError listing the catalogs' problems, if any; the catalogs found sound
    are noted in the build folder, so the next build checks only those that changed (a
    prose edit checks none: :func:`check_catalogs`)."""
    from ..core.layout import Layout

    problems = check_catalogs(root, Layout(root).checked_catalogs)
    if problems:
        raise BookError(f"{len(problems)} problem(s) in the translations' catalogs (fix the "
                        "msgstr, keeping the English message's markup, math, code, targets, "
                        "placeholders and line breaks, and adding no quotes):\n  "
                        + "\n  ".join(problems))

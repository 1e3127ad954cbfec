"""The one MyST reader of the tool, and MyST -> plain Markdown for the notebooks.

Everything in :mod:`tabbook` that reads MyST Markdown reads it here, through myst-parser's
markdown-it parser (:func:`tokens`): the Colab conversion (:func:`colab_markdown`), the
translation of notebooks by message (:mod:`tabbook.sources.i18n`), and the execution context of
errors (:mod:`tabbook.stages.execute`). No regular expression reads MyST: blocks are found by the
parser's tokens and their line maps, and only then is their source text cut.

:func:`colab_markdown` keeps the source as written except what only Sphinx understands:
``(label)=`` targets and ``%`` comments are dropped; roles become their text, with
cross-references (``{numref}``, ``{ref}``, ``{eq}``, ``{doc}``, ...) resolved by a
:class:`References` as the page shows them ("Section 3.2", linked to the published page);
labelled equations keep their number (``\\tag``); directives become plain Markdown:
``{math}`` into ``$$`` blocks, admonitions into block quotes, exercises and solutions
into numbered bold headings, figures into images. Ordinary fenced code is kept.

The numbers come from the Sphinx build (:mod:`tabbook.sphinxext.sphinx_colab` fills a
:class:`References` from Sphinx's environment); this module does not import Sphinx.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import yaml

ADMONITIONS = {"note", "tip", "hint", "important", "warning", "caution", "attention",
               "danger", "error", "seealso", "admonition"}
DROPPED = {"toctree", "tableofcontents", "bibliography", "raw", "eval-rst", "only",
           "exercise-end", "solution-end", "index"}
GATED = {"exercise-start": "Exercise", "solution-start": "Solution",
         "exercise": "Exercise", "solution": "Solution"}
LINK_ROLES = {"ref", "numref", "doc", "eq", "term", "any", "download", "external"}
CODE = {"code", "code-block", "sourcecode", "code-cell"}


# ---------------------------------------------------------------------------
# Reading


MYST_EXTENSIONS = ("dollarmath", "amsmath", "colon_fence")
"""The MyST syntax extensions of the book's pages, written only here: this reader parses
with them, and Sphinx too (``myst_enable_extensions``, set by
:func:`tabbook.sphinxext.sphinx_run.run_sphinx`), so both read a page alike."""


@lru_cache(maxsize=1)
def md_parser():
    """myst-parser's markdown-it parser, with the extensions the book uses."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)


def tokens(text: str) -> list:
    """The block tokens of MyST ``text`` (each with ``map``: its 0-based line range).

    The tokens are shared between calls with the same text (a page's markdown is read once
    per framework's notebook and once per edition): read them, never change them."""
    return list(_parsed(text))


@lru_cache(maxsize=2048)
def _parsed(text: str) -> tuple:
    return tuple(md_parser().parse(text))


@dataclass
class Directive:
    """A ```` ```{name} arg ```` block as MyST reads it."""

    name: str
    """Without a domain prefix (``prf:theorem`` -> ``theorem``)."""
    arg: str
    options: dict
    body: str
    body_start: int
    """0-based line, in the parsed text, of the body's first line (after the options)."""


def directive_of(token) -> Directive | None:
    """The directive a ``fence`` / ``colon_fence`` token holds (``None``: plain code)."""
    if token.type not in ("fence", "colon_fence"):
        return None
    info = token.info.strip()
    if not info.startswith("{") or "}" not in info:
        return None
    name, _, arg = info[1:].partition("}")
    if not name or any(c.isspace() for c in name):
        return None
    body = token.content.split("\n")
    if body and body[-1] == "":
        body.pop()
    options, skip = {}, 0
    if body and body[0].strip() == "---":  # a YAML option block
        end = next((k for k in range(1, len(body)) if body[k].strip() == "---"), 0)
        if end:
            try:
                loaded = yaml.safe_load("\n".join(body[1:end])) or {}
            except yaml.YAMLError:
                loaded = {}
            options = loaded if isinstance(loaded, dict) else {}
            skip = end + 1
    else:
        while skip < len(body) and _option(body[skip]):
            key, _, value = body[skip].strip()[1:].partition(":")
            options[key] = value.strip()
            skip += 1
    start = (token.map[0] + 1 if token.map else 0) + skip
    return Directive(name.split(":")[-1], arg.strip(), options, "\n".join(body[skip:]), start)


def _option(line: str) -> bool:
    """``:name: value`` (a directive option line)."""
    s = line.strip()
    if not s.startswith(":") or s.count(":") < 2:
        return False
    key = s[1:].split(":", 1)[0]
    return bool(key) and all(c.isalnum() or c in "-_" for c in key)


def role_source(token) -> str:
    """The source text of a ``myst_role`` token: ``{name}`content` ``."""
    content = token.content
    ticks = "`"
    while ticks in content:
        ticks += "`"
    return "{" + token.meta.get("name", "") + "}" + ticks + content + ticks


def split_target(content: str) -> tuple[str, str]:
    """A role's ``text <target>`` -> (text, target); (``""``, content) without ``<...>``."""
    s = content.strip()
    if s.endswith(">") and "<" in s:
        at = s.rfind("<")
        return s[:at].rstrip(), s[at + 1:-1].strip()
    return "", s


def page_label(text: str) -> str | None:
    """The first ``(label)=`` target of a page's MyST text."""
    return next((t.content for t in tokens(text) if t.type == "myst_target"), None)


def headings(text: str) -> list[tuple[int, int, str]]:
    """``(level, line, text)`` of each heading of MyST ``text`` (line 0-based)."""
    toks = tokens(text)
    return [(int(t.tag[1:]), t.map[0], toks[i + 1].content)
            for i, t in enumerate(toks) if t.type == "heading_open" and t.map]


# ---------------------------------------------------------------------------
# Cross-references


@dataclass(frozen=True)
class Target:
    """What a label names, as the built book numbers and titles it."""

    docname: str
    anchor: str
    """The HTML id on the target's page ('' for the page itself)."""
    kind: str
    """``section``, ``exercise``, ``figure``, ... (the key of ``numfig_format``) or
    ``equation``."""
    number: str
    """``3.2.2`` ('' when the target has no number)."""
    title: str


Reference = tuple[str, str]
"""(text, url) of a resolved cross-reference; url '' for no link."""
Resolver = Callable[[str, str, str], "Reference | None"]
"""``resolve(role, target, text)``: a reference as the page shows it, ``None`` if unknown."""


class References:
    """Every cross-reference target of one built edition, and how the page writes each.

    ``targets`` maps labels (and, for ``{doc}``, docnames) to :class:`Target`;
    ``formats`` is Sphinx's ``numfig_format`` (with ``equation``: the ``{eq}`` format).
    Filled from Sphinx's environment by :mod:`tabbook.sphinxext.sphinx_colab`, saved with the
    notebooks (:meth:`save`) so that ``make colab`` checks them against the same notebooks.
    """

    def __init__(self, targets: dict[str, Target], formats: dict[str, str],
                 docs: dict[str, str] | None = None):
        self.targets = dict(targets)
        self.formats = dict(formats)
        self.docs = dict(docs or {})  # docname -> title

    def resolver(self, docname: str, baseurl: str = "") -> Resolver:
        """How the page ``docname`` shows a reference; links go to ``baseurl``'s pages."""
        def resolve(role: str, target: str, text: str) -> Reference | None:
            found = self.resolve(role, target, text, docname)
            if found is None:
                return None
            shown, where = found
            if not baseurl or where is None or where[0] == docname:
                return shown, ""
            doc, anchor = where
            return shown, f"{baseurl.rstrip('/')}/{doc}.html" + (f"#{anchor}" if anchor else "")
        return resolve

    def resolve(self, role: str, target: str, text: str, docname: str = ""):
        """(shown text, (docname, anchor)) of one reference, or ``None``."""
        if role == "doc":
            doc = _join(docname, target.lstrip("!~"))
            if doc not in self.docs:
                return None
            return (text or self.docs[doc]), (doc, "")
        label = target.lstrip("!~")
        t = self.targets.get(label) or self.targets.get(label.lower())
        if t is None:
            return None
        if role == "eq":
            if not t.number:
                return None
            fmt = self.formats.get("equation") or "({number})"
            return fmt.format(number=t.number), (t.docname, t.anchor)
        if role == "numref":
            if not t.number:
                return None
            fmt = text or self.formats.get(t.kind) or "%s"
            if "{number}" in fmt or "{name}" in fmt:
                shown = fmt.format(number=t.number, name=t.title)
            else:
                shown = fmt.replace("%s", t.number)
            return shown, (t.docname, t.anchor)
        return (text or t.title), (t.docname, t.anchor)

    def to_json(self) -> str:
        return json.dumps({"formats": self.formats, "docs": self.docs,
                           "targets": {k: asdict(v) for k, v in sorted(self.targets.items())}},
                          ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "References":
        data = json.loads(text)
        return cls({k: Target(**v) for k, v in data["targets"].items()},
                   data["formats"], data.get("docs"))

    @classmethod
    def load(cls, path: Path) -> "References":
        return cls.from_json(Path(path).read_text(encoding="utf-8"))


def _join(docname: str, target: str) -> str:
    """A ``{doc}`` target, relative to ``docname`` unless it starts with ``/``."""
    if target.startswith("/"):
        return target.lstrip("/")
    parts = docname.split("/")[:-1]
    for part in target.split("/"):
        if part == "..":
            parts = parts[:-1]
        elif part not in ("", "."):
            parts.append(part)
    return "/".join(parts)


# ---------------------------------------------------------------------------
# MyST -> plain Markdown


def _unresolved(name: str, text: str, target: str) -> str:
    """A reference nothing resolves: the text with the label where its number would be."""
    if text:
        return text.replace("%s", target).replace("{number}", target).replace("{name}", target)
    return target.lstrip("!~")


def _role(token, resolve: Resolver | None) -> str:
    name, content = token.meta.get("name", ""), token.content
    if name == "math":
        return f"${content}$"
    text, target = split_target(content)
    if name == "cite":
        return f"[{target}]"
    if name in LINK_ROLES:
        found = resolve(name, target, text) if resolve else None
        if found is None:
            return _unresolved(name, text, target)
        shown, url = found
        return f"[{shown}]({url})" if url else shown
    return text or content


def _resolve_roles(lines: list[str], inline, resolve) -> None:
    """Replace, in ``lines``, the source of each role of an ``inline`` token by its text."""
    start, end = inline.map
    row, col = start, 0
    for child in inline.children or []:
        if child.type != "myst_role":
            continue
        raw = role_source(child)
        while row < end:
            at = lines[row].find(raw, col)
            if at >= 0:
                new = _role(child, resolve)
                lines[row] = lines[row][:at] + new + lines[row][at + len(raw):]
                col = at + len(new)
                break
            row, col = row + 1, 0


def _indent_of(line: str) -> str:
    return line[:len(line) - len(line.lstrip())]


def _directive(d: Directive, indent: str, state: dict, resolve) -> list[str]:
    name, title, options = d.name, d.arg, d.options
    if name in DROPPED:
        return []
    if name == "math":
        tag = _tag(options.get("label"), resolve)
        return [indent + "$$", *[indent + ln for ln in d.body.splitlines()],
                *([indent + tag] if tag else []), indent + "$$"]
    if name in CODE:
        return [indent + "```" + title, *[indent + ln for ln in d.body.splitlines()],
                indent + "```"]
    inner = colab_markdown(d.body, state, resolve).splitlines()
    if name in {"figure", "image"}:
        caption = " ".join(inner).strip()
        return [f"{indent}![{caption}]({title})"] + ([f"{indent}*{caption}*"] if caption else [])
    if name in GATED:
        # numbered as the book numbers them: Exercise 4.3.1, Solution to Exercise 4.3.1
        numbers = state.setdefault("exercises", {})
        # a translated edition's words (state["gettext"]: tabbook.sources.i18n.ui_gettext)
        _ = state.get("gettext") or (lambda message: message)
        if GATED[name] == "Exercise":
            section, count = state.get("section"), len(numbers) + 1
            number = f"{section}.{count}" if section else str(count)
            numbers[options.get("label") or f"#{len(numbers)}"] = number
            head = "**" + _("Exercise {number}").format(number=number) + "**" \
                + (f" ({title})" if title else "")
        else:
            number = numbers.get(title)
            head = ("**" + _("Solution to Exercise {number}").format(number=number) + "**"
                    if number else "**" + _("Solution") + "**")
        return [indent + head, ""] + [indent + ln if ln else ln for ln in inner] \
            if inner else [indent + head]
    if name in ADMONITIONS:
        head = name.capitalize() + (f": {title}" if title else "")
        if name == "admonition":
            head = title
        quoted = [f"{indent}> {ln}".rstrip() for ln in inner]
        return [f"{indent}> **{head}**", f"{indent}>", *quoted]
    return ([indent + f"**{title}**", ""] if title else []) + [indent + ln if ln else ln
                                                               for ln in inner]


def _tag(label: str | None, resolve) -> str:
    """``\\tag{4.3.1}`` for a labelled equation the book numbers ('' otherwise)."""
    if not label or resolve is None:
        return ""
    found = resolve("eq", label, "")
    if not found:
        return ""
    number = found[0].strip()
    if number.startswith("(") and number.endswith(")"):
        number = number[1:-1]
    return "\\tag{" + number + "}"


def colab_markdown(text: str, state: dict | None = None, resolve: Resolver | None = None) -> str:
    """MyST Markdown -> Markdown that Colab renders.

    ``state`` carries what later cells of the page need (``section``: the page's section
    number; the exercises numbered so far; ``gettext``: a translated edition's words).
    ``resolve`` (:meth:`References.resolver`) gives cross-references their text and link
    as the page shows them; without it they keep their text or label.
    """
    state = {} if state is None else state
    lines = text.split("\n")
    edits: list[tuple[int, int, list[str]]] = []  # (start, end, new lines), bottom-up later
    for tok in tokens(text):
        if not tok.map:
            continue
        start, end = tok.map
        if tok.type in ("myst_target", "myst_line_comment"):
            edits.append((start, end, []))
        elif tok.type == "inline":
            _resolve_roles(lines, tok, resolve)
        elif tok.type == "math_block_label":
            block = lines[start:end]
            last = block[-1].rstrip()
            cut = last.rfind("(")
            if cut >= 0 and last.endswith(")"):
                last = last[:cut].rstrip()
            tag, new = _tag(tok.info, resolve), block[:-1] + [last]
            if tag and last.strip() == "$$":  # on its own line before the closing $$
                new = block[:-1] + [_indent_of(last) + tag, last]
            elif tag and last.endswith("$$"):
                new = block[:-1] + [last[:-2].rstrip() + " " + tag + " $$"]
            edits.append((start, end, new))
        else:
            d = directive_of(tok)
            if d is not None:
                edits.append((start, end, _directive(d, _indent_of(lines[start]), state, resolve)))
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[start:end] = new
    out = "\n".join(lines)
    while "\n\n\n" in out:  # at most one empty line in a row
        out = out.replace("\n\n\n", "\n\n")
    return out.strip("\n")

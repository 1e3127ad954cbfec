"""MyST Markdown -> plain Markdown that Colab (or any notebook viewer) renders.

:func:`colab_markdown` drops what only Sphinx understands (``(label)=`` targets,
equation labels), turns roles into their text and directives into plain Markdown:
``{math}`` into ``$$`` blocks, admonitions into block quotes, exercises and solutions
into numbered bold headings, figures into images. Ordinary fenced code is kept.
"""

from __future__ import annotations

import re

import yaml


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
        # a translated edition's words (state["gettext"]: tabbook.i18n.ui_gettext)
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


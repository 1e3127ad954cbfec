"""Guard what an executed cell recorded before it is cached and published.

Two things a cell's output must not carry into the book:

* **Size.** A cell that prints megabytes (a 5 MB line, 48 MB of lines) would make a
  page as large, and myst-nb's stream handling takes minutes on such a line. Each
  text output is capped per line and in total, keeping its head and tail around a
  visible "output truncated" note, so rendering costs are bounded by design.
* **Secrets.** The kernel inherits the build's environment; a cell that prints it
  would publish tokens. Values of environment variables whose names look secret are
  masked.

Both return what they did, so the caller can warn naming the file, cell and framework.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (the no-op build's stamp reads secret_values: kept light)
    import nbformat

MAX_LINE_CHARS = 5_000
"""Longest line kept whole; longer lines keep their first and last halves of this."""
MAX_OUTPUT_CHARS = 100_000
"""Most characters one output keeps (after capping its lines)."""

SECRET_NAME_RE = re.compile(r"TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL", re.I)
MIN_SECRET_LEN = 6
"""Shorter values ("1", "yes") are too common to mask without masking innocent text."""
MASK = "********"


def _line_note(omitted: int) -> str:
    return f" [... output truncated: {omitted:,} characters of this line omitted ...] "


def _output_note(lines: int, chars: int) -> str:
    return f"[... output truncated: {lines:,} lines ({chars:,} characters) omitted ...]\n"


def cap_text(text: str, max_line: int = MAX_LINE_CHARS,
             max_total: int = MAX_OUTPUT_CHARS) -> tuple[str, int]:
    """``text`` with long lines and a long total cut in the middle; and the characters cut."""
    cut = 0
    if max(map(len, text.split("\n"))) > max_line:
        half = max_line // 2
        lines = []
        for line in text.split("\n"):
            if len(line) > max_line:
                omitted = len(line) - 2 * half
                cut += omitted
                line = line[:half] + _line_note(omitted) + line[-half:]
            lines.append(line)
        text = "\n".join(lines)
    if len(text) > max_total:
        lines = text.splitlines(keepends=True)
        head: list[str] = []
        tail: list[str] = []
        budget = max_total // 2
        size = 0
        for line in lines:
            if size + len(line) > budget:
                break
            head.append(line)
            size += len(line)
        size = 0
        for line in reversed(lines[len(head):]):
            if size + len(line) > budget:
                break
            tail.append(line)
            size += len(line)
        tail.reverse()
        dropped = lines[len(head):len(lines) - len(tail)]
        omitted = sum(map(len, dropped))
        cut += omitted
        if head and not head[-1].endswith("\n"):
            head[-1] += "\n"
        text = "".join(head) + _output_note(len(dropped), omitted) + "".join(tail)
    return text, cut


def secret_values(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Values of environment variables whose names look secret -> their names."""
    environ = os.environ if environ is None else environ
    found = {}
    for name, value in environ.items():
        if SECRET_NAME_RE.search(name) and len(value.strip()) >= MIN_SECRET_LEN:
            found[value.strip()] = name
    return found


def mask_text(text: str, secrets: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with every secret value replaced; and the names of the variables found."""
    names = []
    # longest first, so a secret that contains another is masked whole
    for value in sorted(secrets, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
            names.append(secrets[value])
    return text, names


def _text_fields(out: dict):
    """(container, key, cappable) of each text an output holds.

    Markup (HTML, JSON) cut in the middle would break the page, so only plain text is
    capped; secrets are masked everywhere.
    """
    if isinstance(out.get("text"), str):
        yield out, "text", True
    if isinstance(out.get("evalue"), str):
        yield out, "evalue", True
    if isinstance(out.get("traceback"), list):
        for i, line in enumerate(out["traceback"]):
            if isinstance(line, str):
                yield out["traceback"], i, True
    for mime, value in out.get("data", {}).items():
        if isinstance(value, str) and (mime.startswith("text/") or mime.endswith("json")):
            yield out["data"], mime, mime in ("text/plain", "text/latex", "text/markdown")


def guard_outputs(nb: nbformat.NotebookNode, secrets: Mapping[str, str] | None = None,
                  cap: bool = True) -> list[tuple[dict, str]]:
    """Mask secrets in, then cap, every text output of ``nb``, in place.

    Returns (cell metadata, what was done) for each cell changed, and records the same
    in the cell's metadata (``tabbook.guarded``) so a cached run can warn again.

    Outputs are capped once, when the run executes (``cap=True``); a cached run is only
    masked again (``cap=False``: a secret set since it ran), keeping its caps and their
    notes as they were: capping an already capped output again would cut its notes and
    count the characters of the note instead of the output's.
    """
    secrets = secret_values() if secrets is None else secrets
    changed = []
    for cell in nb.cells:
        notes: list[str] = []
        masked: set[str] = set()
        cut = 0
        for out in cell.get("outputs", []):
            for holder, key, cappable in _text_fields(out):
                text, names = mask_text(holder[key], secrets)
                masked.update(names)
                if cappable and cap:
                    text, n = cap_text(text)
                    cut += n
                holder[key] = text
        meta = cell.metadata.setdefault("tabbook", {}) if (masked or cut) else \
            cell.metadata.get("tabbook", {})
        truncated = meta.get("truncated")
        if cut:
            truncated = (f"truncated its output ({cut:,} characters omitted; the limits are "
                         f"{MAX_LINE_CHARS:,} characters a line and {MAX_OUTPUT_CHARS:,} an "
                         "output); print less, or write large results to a file")
            meta["truncated"] = truncated
        elif not cap and truncated is None and TRUNCATED in meta.get("guarded", ""):
            # (an entry cached before the note was kept apart)
            truncated = TRUNCATED + meta["guarded"].split(TRUNCATED, 1)[1]
        if masked:
            notes.append("masked the value of secret-looking environment variable(s) "
                         + ", ".join(f"${n}" for n in sorted(masked)) + " in its output")
        if truncated and (cut or masked):
            notes.append(truncated)
        if notes:
            note = "; ".join(notes)
            meta["guarded"] = note
            changed.append((cell.metadata, note))
    return changed


TRUNCATED = "truncated its output"

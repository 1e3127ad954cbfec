"""GitHub Actions expressions (``${{ ... }}``), as the runner evaluates them.

The subset the book's workflow and its tests use, implemented from GitHub's reference
("Evaluate expressions in workflows and actions"): literals (``'text'`` with ``''`` for a
quote, numbers, ``true``/``false``/``null``), contexts read with ``a.b`` and ``a['b']``,
the operators ``! == != < <= > >= && ||`` and parentheses, and the functions
``format contains startsWith endsWith join toJSON fromJSON hashFiles success failure
always cancelled``. ``==`` compares strings ignoring case, as GitHub does; ``&&`` and ``||``
return an operand, not a boolean. An unknown function or a syntax error raises
:class:`ExprError` naming the expression.
"""

from __future__ import annotations

import json
import re
from typing import Any, Callable

TOKEN_RE = re.compile(r"""
    \s*(?:
      (?P<str>'(?:[^']|'')*')
    | (?P<num>-?\d+(?:\.\d+)?)
    | (?P<op>==|!=|<=|>=|&&|\|\||[!<>()\[\],.*])
    | (?P<name>[A-Za-z_][A-Za-z0-9_-]*)
    )""", re.X)
EMBEDDED_RE = re.compile(r"\$\{\{(.*?)\}\}", re.S)
STATUS_FUNCTIONS = ("success", "failure", "always", "cancelled")


class ExprError(ValueError):
    """An expression the emulator cannot read or evaluate."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN_RE.match(text, pos)
        if not m or m.end() == pos:
            raise ExprError(f"cannot read `{text}` at `{text[pos:]}`")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def to_str(value: Any) -> str:
    """A value as ``${{ }}`` substitutes it into text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dict, list)):
        return json.dumps(value, indent=2)
    return str(value)


def truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value != ""
    if isinstance(value, float):
        return value != 0.0
    return bool(value)


def _loose_equal(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.casefold() == b.casefold()
    if type(a) is not type(b) and not (isinstance(a, (int, float)) and isinstance(b, (int, float))):
        a, b = _number(a), _number(b)
    return a == b


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip()) if value.strip() else 0.0
        except ValueError:
            return float("nan")
    return float("nan")


class Evaluator:
    """Evaluates expressions against ``contexts`` (``github``, ``matrix``, ``steps``...),
    with ``functions`` added to the built-in ones (``hashFiles`` and the status functions
    are the job's to give)."""

    def __init__(self, contexts: dict[str, Any], functions: dict[str, Callable] | None = None):
        self.contexts = contexts
        self.functions: dict[str, Callable] = {
            "format": _format, "contains": _contains, "join": _join,
            "startswith": lambda a, b: to_str(a).casefold().startswith(to_str(b).casefold()),
            "endswith": lambda a, b: to_str(a).casefold().endswith(to_str(b).casefold()),
            "tojson": lambda v: json.dumps(v, indent=2), "fromjson": lambda s: json.loads(s),
        }
        for name, fn in (functions or {}).items():
            self.functions[name.lower()] = fn

    # -- public -----------------------------------------------------------------------
    def evaluate(self, text: str) -> Any:
        self._toks, self._i, self._text = _tokens(text), 0, text
        if not self._toks:
            raise ExprError("an empty expression")
        value = self._or()
        if self._i != len(self._toks):
            raise ExprError(f"cannot read `{text}`: unexpected `{self._toks[self._i][1]}`")
        return value

    def substitute(self, text: Any) -> Any:
        """``text`` with each ``${{ }}`` replaced by its value (non-strings unchanged);
        a string that is exactly one expression keeps the value's type."""
        if not isinstance(text, str):
            return text
        whole = _whole(text)
        if whole is not None and text.strip() == text:
            value = self.evaluate(whole)
            return "" if value is None else value
        return EMBEDDED_RE.sub(lambda m: to_str(self.evaluate(m.group(1))), text)

    def condition(self, text: Any) -> bool:
        """An ``if:``: an expression with or without ``${{ }}``; without a status function
        it means ``success() && (...)``."""
        if text is None:
            return truthy(self.functions["success"]())
        if isinstance(text, bool):
            return text and truthy(self.functions["success"]())
        text = str(text).strip()
        whole = _whole(text)
        if whole is not None:
            text = whole
        elif "${{" in text:
            text = "'" + to_str(self.substitute(text)).replace("'", "''") + "'"
        if not any(re.search(rf"\b{f}\s*\(", text, re.I) for f in STATUS_FUNCTIONS):
            text = f"success() && ({text})"
        return truthy(self.evaluate(text))

    # -- the grammar --------------------------------------------------------------------
    def _peek(self) -> tuple[str, str] | None:
        return self._toks[self._i] if self._i < len(self._toks) else None

    def _take(self, value: str | None = None) -> tuple[str, str]:
        tok = self._peek()
        if tok is None or (value is not None and tok[1] != value):
            raise ExprError(f"cannot read `{self._text}`: expected `{value}`")
        self._i += 1
        return tok

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == ("op", "||"):
            self._take()
            right = self._and()
            left = left if truthy(left) else right
        return left

    def _and(self) -> Any:
        left = self._cmp()
        while self._peek() == ("op", "&&"):
            self._take()
            right = self._cmp()
            left = right if truthy(left) else left
        return left

    def _cmp(self) -> Any:
        left = self._unary()
        while self._peek() and self._peek()[1] in ("==", "!=", "<", "<=", ">", ">="):
            op = self._take()[1]
            right = self._unary()
            if op == "==":
                left = _loose_equal(left, right)
            elif op == "!=":
                left = not _loose_equal(left, right)
            else:
                a, b = ((left.casefold(), right.casefold())
                        if isinstance(left, str) and isinstance(right, str)
                        else (_number(left), _number(right)))
                left = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        return left

    def _unary(self) -> Any:
        if self._peek() == ("op", "!"):
            self._take()
            return not truthy(self._unary())
        return self._postfix(self._primary())

    def _primary(self) -> Any:
        kind, value = self._take()
        if kind == "str":
            return value[1:-1].replace("''", "'")
        if kind == "num":
            return float(value) if "." in value else int(value)
        if (kind, value) == ("op", "("):
            inner = self._or()
            self._take(")")
            return inner
        if kind != "name":
            raise ExprError(f"cannot read `{self._text}`: unexpected `{value}`")
        low = value.lower()
        if low in ("true", "false"):
            return low == "true"
        if low == "null":
            return None
        if self._peek() == ("op", "("):
            self._take()
            args = []
            while self._peek() != ("op", ")"):
                args.append(self._or())
                if self._peek() == ("op", ","):
                    self._take()
            self._take(")")
            if low not in self.functions:
                raise ExprError(f"`{self._text}` calls `{value}()`, which the emulator "
                                "does not know")
            return self.functions[low](*args)
        if value not in self.contexts:
            raise ExprError(f"`{self._text}` reads the context `{value}`, which the "
                            "emulator does not provide")
        return self.contexts[value]

    def _postfix(self, value: Any) -> Any:
        while self._peek() in (("op", "."), ("op", "[")):
            if self._take()[1] == ".":
                kind, key = self._take()
                if kind != "name":
                    raise ExprError(f"cannot read `{self._text}` at `.{key}`")
            else:
                key = to_str(self._or())
                self._take("]")
            value = _index(value, key)
        return value


def _whole(text: str) -> str | None:
    """The expression when ``text`` is exactly one ``${{ }}`` (not two side by side)."""
    m = EMBEDDED_RE.fullmatch(text.strip())
    return m.group(1) if m and "${{" not in m.group(1) else None


def _index(value: Any, key: str) -> Any:
    if isinstance(value, dict):
        for k, v in value.items():
            if str(k).casefold() == key.casefold():
                return v
        return None
    if isinstance(value, list) and key.isdigit() and int(key) < len(value):
        return value[int(key)]
    return None


def _format(template: Any, *args: Any) -> str:
    text = to_str(template)

    def one(m: re.Match) -> str:
        if m.group(0) in ("{{", "}}"):
            return m.group(0)[0]
        index = int(m.group(1))
        if index >= len(args):
            raise ExprError(f"format(`{text}`) has no argument {index}")
        return to_str(args[index])

    return re.sub(r"\{\{|\}\}|\{(\d+)\}", one, text)


def _contains(haystack: Any, needle: Any) -> bool:
    if isinstance(haystack, list):
        return any(_loose_equal(item, needle) for item in haystack)
    return to_str(needle).casefold() in to_str(haystack).casefold()


def _join(items: Any, sep: Any = ",") -> str:
    if isinstance(items, list):
        return to_str(sep).join(to_str(i) for i in items)
    return to_str(items)

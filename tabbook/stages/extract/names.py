"""Name analysis of saved code: which names a statement takes from the library's namespace.

The ``#@save`` checks (:mod:`tabbook.stages.extract.assemble`) ask two questions of every saved
statement: which module-level names it uses (bare ``name`` or ``d2l.name``), and which of
them are needed while the library is imported (base classes, decorators, defaults and
top-level code) rather than only when a function runs. This module answers both.
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

BUILTIN_NAMES = frozenset(dir(builtins)) | {"__file__", "__builtins__", "__annotations__"}


@dataclass(frozen=True)
class Ref:
    """A name that saved code takes from the library's module namespace."""
    name: str
    lineno: int
    """Line in the cell."""
    d2l: bool
    """``d2l.name`` (True) or a bare ``name`` (False)."""
    immediate: bool
    """Evaluated when the library is imported (not inside a function body)."""


@dataclass
class Scope:
    names: set[str]
    is_class: bool = False


def target_names(node: ast.AST, out: set[str]) -> None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name):
            out.add(sub.id)


def bound_names(body: list[ast.stmt]) -> set[str]:
    """Names a function/class/module body binds, without entering nested scopes.

    Names bound anywhere in the body count (a reasonable, not exact, model of Python's
    "assigned anywhere means local" rule); comprehension variables are counted too.
    """
    out: set[str] = set()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.add(node.name)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            out.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.name != "*":
                    out.add(alias.asname or alias.name.split(".")[0])
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            out.update(node.names)
        elif isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
            out.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            out.add(node.rest)
        stack.extend(ast.iter_child_nodes(node))
    return out


def arg_names(args: ast.arguments) -> set[str]:
    names = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
    names.update(a.arg for a in (args.vararg, args.kwarg) if a is not None)
    return names


class RefCollector:
    """Collect the names a statement takes from module scope (see :class:`Ref`)."""

    def __init__(self) -> None:
        self.refs: list[Ref] = []

    def _resolved(self, name: str, scopes: list[Scope]) -> bool:
        last = len(scopes) - 1
        for i in range(last, -1, -1):
            if scopes[i].is_class and i != last:
                continue  # class bodies are not visible from nested functions
            if name in scopes[i].names:
                return True
        return False

    def _function(self, node, scopes, immediate, body, args) -> None:
        for default in args.defaults + [d for d in args.kw_defaults if d is not None]:
            self.visit(default, scopes, immediate)
        for a in args.posonlyargs + args.args + args.kwonlyargs + [args.vararg, args.kwarg]:
            if a is not None and a.annotation is not None:
                self.visit(a.annotation, scopes, immediate)
        names = arg_names(args)
        if isinstance(body, list):
            names |= bound_names(body)
        if scopes and scopes[-1].is_class:
            names.add("__class__")
        inner = scopes + [Scope(names)]
        for stmt in body if isinstance(body, list) else [body]:
            self.visit(stmt, inner, False)

    def visit(self, node: ast.AST, scopes: list[Scope], immediate: bool) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for dec in node.decorator_list:
                self.visit(dec, scopes, immediate)
            if node.returns is not None:
                self.visit(node.returns, scopes, immediate)
            self._function(node, scopes, immediate, node.body, node.args)
        elif isinstance(node, ast.Lambda):
            self._function(node, scopes, immediate, node.body, node.args)
        elif isinstance(node, ast.ClassDef):
            for sub in node.decorator_list + node.bases + [k.value for k in node.keywords]:
                self.visit(sub, scopes, immediate)
            inner = scopes + [Scope(bound_names(node.body), is_class=True)]
            for stmt in node.body:
                self.visit(stmt, inner, immediate)
        elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            gens = node.generators
            self.visit(gens[0].iter, scopes, immediate)
            names: set[str] = set()
            for gen in gens:
                target_names(gen.target, names)
            inner = scopes + [Scope(names)]
            for i, gen in enumerate(gens):
                if i:
                    self.visit(gen.iter, inner, immediate)
                for cond in gen.ifs:
                    self.visit(cond, inner, immediate)
            elts = [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for elt in elts:
                self.visit(elt, inner, immediate)
        elif isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load) and not self._resolved(node.id, scopes):
                self.refs.append(Ref(node.id, node.lineno, False, immediate))
        elif isinstance(node, ast.Attribute):
            value = node.value
            if (isinstance(value, ast.Name) and value.id == "d2l"
                    and isinstance(node.ctx, ast.Load) and not self._resolved("d2l", scopes)):
                self.refs.append(Ref(node.attr, node.lineno, True, immediate))
            else:
                self.visit(value, scopes, immediate)
        else:
            for child in ast.iter_child_nodes(node):
                self.visit(child, scopes, immediate)


def collect_refs(node: ast.AST, scopes: list[Scope] | None = None) -> list[Ref]:
    collector = RefCollector()
    collector.visit(node, list(scopes or []), True)
    return sorted(collector.refs, key=lambda r: (r.lineno, r.name))


"""The import graph says what the layers say (DESIGN.md): dependencies point down only.

Every ``import`` of a chainrule module, at module level or inside a function, is an edge; the graph must have
no cycle, and each package may import only the packages below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import chainrule

ROOT = Path(chainrule.__file__).parent

# package -> the chainrule packages it may import (besides itself, errors and testing's own needs)
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "layouts": {"errors"},
    "core": {"errors", "layouts"},
    "numeric": {"errors", "layouts"},
    "symbolic": {"layouts", "core", "errors"},
    "optim": {"layouts", "core", "errors", "tree"},
    "nn": {"layouts", "core", "errors", "optim", "tree"},
    "autograd": {"layouts", "core", "errors", "tree"},
    "tree": {"layouts", "core", "errors"},
    "testing": {"layouts", "core", "errors", "tree"},
    "viz": {"layouts", "core", "errors", "numeric", "symbolic", "tree"},
    "cli": {"layouts", "", "autograd", "core", "errors", "nn", "numeric", "optim", "symbolic", "tree", "viz"},
}


def _module_name(path: Path) -> str:
    parts = ["chainrule", *path.relative_to(ROOT).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in ROOT.rglob("*.py")}


def _imports(path: Path, name: str, known: dict[str, Path]) -> set[str]:
    """The chainrule modules ``path`` imports, resolved to modules (a name taken from a package may be a
    submodule of it)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("chainrule"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x, from ..core import y
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("chainrule"):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                found.add(sub if sub in known else base)
    return {m for m in found if m in known and m != name}


def _graph() -> dict[str, set[str]]:
    known = _modules()
    return {name: _imports(path, name, known) for name, path in known.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        out.append(sorted(component))
    return out


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_module_imports_one_that_imports_it_back() -> None:
    assert _cycles(_graph()) == []


def test_each_package_imports_only_the_layers_below_it() -> None:
    wrong = []
    for module, targets in _graph().items():
        package = _package(module)
        if package not in ALLOWED:  # chainrule/__init__.py and __main__.py sit on top of everything
            continue
        for target in targets:
            other = _package(target)
            if other != package and other not in ALLOWED[package]:
                wrong.append(f"{module} -> {target}")
    assert wrong == []


def test_the_check_sees_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]

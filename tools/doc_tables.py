"""The docs' tables of supported functions and kinks, generated from the rule table's rows.

Each table sits in a Markdown file between ``<!-- generated: NAME -->`` and ``<!-- end generated -->``; this
script rewrites what is between them from :mod:`chainrule.core.registry`, so no table restates a fact the
rows hold. ``tests/test_doc_tables.py`` fails when a table is out of date.

    python tools/doc_tables.py          # rewrite the tables in README.md and docs/*.md
    python tools/doc_tables.py --check  # exit 1 if any is out of date
"""

from __future__ import annotations

import argparse
import inspect
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.core import functions as core_functions
from chainrule.core import registry, rules
from chainrule.core.primitive import Primitive
from chainrule.symbolic import elementary
from chainrule.symbolic.functions import function_names, primitive

ROOT = Path(__file__).resolve().parent.parent
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"(<!-- generated: ([\w-]+) -->\n)(.*?)(<!-- end generated -->)", re.DOTALL)

# How the docs group the rows: the rule modules and the composite modules, in reading order.
FAMILIES = [
    ("arithmetic and powers", ["chainrule.core.rules.arithmetic"]),
    ("exponentials, logarithms, trigonometric and hyperbolic", ["chainrule.core.rules.elementary"]),
    ("kinks, jumps and selection", ["chainrule.core.rules.piecewise"]),
    ("complex numbers", ["chainrule.core.rules.complex_parts"]),
    (
        "reductions and statistics",
        ["chainrule.core.rules.reductions", "chainrule.core.rules.order_statistics"],
    ),
    ("linear algebra and norms", ["chainrule.core.rules.linalg", "chainrule.core.rules.norms"]),
    ("shape and indexing", ["chainrule.core.rules.reshaping", "chainrule.core.rules.indexing"]),
    ("differences, integration, interpolation, convolution and samples", ["chainrule.core.rules.numerical"]),
    ("Fourier transforms", ["chainrule.core.rules.fft"]),
    ("ufunc methods, and np.divmod", []),
    (
        "special functions (scipy.special's when SciPy is installed)",
        ["chainrule.core.rules.scipy_special", "chainrule.core.rules.special"],
    ),
]
_COMPOSITE_FAMILY = {
    "chainrule.core.numpy_statistics": "reductions and statistics",
    "chainrule.core.numpy_nanfunctions": "reductions and statistics",
    "chainrule.core.numpy_shape": "shape and indexing",
    "chainrule.core.numpy_creation": "shape and indexing",
    "chainrule.core.numpy_selection": "shape and indexing",
    "chainrule.core.numpy_linalg": "linear algebra and norms",
    "chainrule.core.numpy_numerical": "differences, integration, interpolation, convolution and samples",
    "chainrule.core.numpy_ufuncs": "ufunc methods, and np.divmod",
    "chainrule.core.numpy_fft": "Fourier transforms",
}


def _declared_in_advance(key: Any) -> bool:
    """A SciPy ufunc found on its first call: its row's declaration by name is what the docs list."""
    return isinstance(key, np.ufunc) and getattr(np, key.__name__, None) is not key


def _module_of(prim: Primitive) -> str:
    """The rule module whose source makes ``prim`` (others may import it)."""
    for name in rules.__all__:
        module = getattr(rules, name)
        source = inspect.getsource(module)
        for var, value in vars(module).items():
            if value is prim and re.search(rf"^{var}\b[^=\n]*=", source, re.MULTILINE):
                return module.__name__
    return "user"


def _owner_module(owner: Any) -> str:
    if isinstance(owner, Primitive):
        return _module_of(owner)
    return getattr(owner, "__module__", "")


def _code(names: list[str]) -> str:
    return " ".join(f"`{n}`" for n in sorted(set(names), key=str.lower))


def _cell(text: str) -> str:
    """Text for a Markdown table cell: a | would end the cell."""
    return text.replace("|", "\\|")


def numpy_functions() -> str:
    """The NumPy functions a differentiated function may call, by family, and those with plain results."""
    families: dict[str, list[str]] = {title: [] for title, _ in FAMILIES}
    by_module = {module: title for title, modules in FAMILIES for module in modules}
    by_module.update(_COMPOSITE_FAMILY)
    plain: list[str] = []
    for key, owner in registry.OWNERS.items():
        if isinstance(key, str) or _declared_in_advance(key):
            continue
        name = registry.function_name(key)
        if key in registry.PLAIN_RESULTS:
            plain.append(name)
            continue
        title = by_module.get(_owner_module(owner))
        if title is not None:
            families[title].append(name)
    rows = [f"| {title} | {_code(names)} |" for title, names in families.items() if names]
    own = [f"cr.{n}" for n in core_functions.__all__]
    rows.append(f"| chainrule's own (numerically stable) | {_code(own)} |")
    comparisons = [registry.function_name(u) for u in registry.COMPARISONS]
    rows.append(f"| not differentiable: plain results | {_code(plain + comparisons)} |")
    return "| family | functions |\n| --- | --- |\n" + "\n".join(rows) + "\n"


def _names_of(prim: Primitive) -> list[str]:
    names = [registry.function_name(k) for k in prim.numpy]
    if not names and prim.formula is not None and prim.formula.name:
        names = [f"cr.{prim.formula.name}"]
    return names or [prim.name]


def kinks() -> str:
    """Every primitive with a kink or a jump, and what its row says happens there."""
    rows = []
    for name in rules.__all__:
        for value in vars(getattr(rules, name)).values():
            if not isinstance(value, Primitive):
                continue
            named = value.numpy or (value.formula is not None and value.formula.name)
            if value.kink and named:
                rows.append(f"| {_code(_names_of(value))} | {_cell(value.kink)} |")
    return "| function | at its kinks and jumps |\n| --- | --- |\n" + "\n".join(sorted(set(rows))) + "\n"


_COMPLEX_KINDS = {
    "holomorphic": "holomorphic (or complex-linear): the rules hold as written, with no conjugate",
    "written": "not holomorphic: rules written for complex numbers",
}


def complex_support() -> str:
    """The rows that declare complex rules (``complex=``), by kind; every other row refuses complex values."""
    names: dict[str, list[str]] = {kind: [] for kind in _COMPLEX_KINDS}
    for key, owner in registry.OWNERS.items():
        if isinstance(owner, Primitive) and owner.complex is not None and not isinstance(key, str):
            names[owner.complex].append(registry.function_name(key))
    rows = [f"| {_COMPLEX_KINDS[kind]} | {_code(found)} |" for kind, found in names.items()]
    return "| complex rule | functions |\n| --- | --- |\n" + "\n".join(rows) + "\n"


def formula_functions() -> str:
    """The functions a formula may contain: names, aliases, derivative, LaTeX and SymPy names."""
    rows = []
    for name in function_names():
        prim = primitive(name)
        if prim is None or prim.formula is None:
            continue
        f = prim.formula
        aliases = ", ".join(f"`{a}`" for a in f.aliases)
        sympy_name = f"`{f.sympy_name}`" if f.sympy_name else f"as `{f.meaning}`" if f.meaning else "none"
        derivative = _cell(prim.notation) + (f"; written `{f.rewrite}`" if f.rewrite else "")
        rows.append(f"| `{name}` | {aliases} | {derivative} | {sympy_name} |")
    for name, composite in elementary.COMPOSITES.items():
        if primitive(name) is None:
            rows.append(f"| `{name}` | | {composite.doc} | `{composite.sympy or name}` |")
    header = "| function | also | derivative (from its row) | SymPy |\n| --- | --- | --- | --- |\n"
    return header + "\n".join(sorted(rows)) + "\n"


TABLES: dict[str, Callable[[], str]] = {
    "numpy-functions": numpy_functions,
    "kinks": kinks,
    "complex": complex_support,
    "formula-functions": formula_functions,
}


def refreshed(text: str) -> str:
    """``text`` with every generated table rewritten."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(2)
        if name not in TABLES:
            raise SystemExit(f"unknown generated table {name!r}")
        return match.group(1) + TABLES[name]() + match.group(4)

    return _BLOCK.sub(replace, text)


def stale() -> list[Path]:
    """The files whose generated tables are out of date."""
    return [path for path in FILES if refreshed(path.read_text()) != path.read_text()]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="only report tables that are out of date")
    args = parser.parse_args()
    out_of_date = stale()
    if args.check:
        for path in out_of_date:
            print(
                f"{path.relative_to(ROOT)}: a generated table is out of date (run python tools/doc_tables.py)"
            )
        sys.exit(1 if out_of_date else 0)
    for path in out_of_date:
        path.write_text(refreshed(path.read_text()))
        print(f"rewrote the tables in {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()

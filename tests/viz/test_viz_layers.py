"""The modules of chainrule.viz import one way only: no module imports one in its own layer or above it.

Every import counts, at module level or inside a function, since a function-level import still makes a
cycle (it only hides it until the function runs).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import chainrule.viz

# Bottom to top. A module may import only modules of lower layers; a new module must be placed here.
LAYERS = [
    ("_deps", "model"),  # optional dependencies; the graph data
    ("expression_graph",),  # builds the model from a symbolic expression
    ("trace",),  # builds the model from a Tensor, or dispatches to the expression builder
    ("kinks",),  # corners of a function, found through its trace
    ("layout", "plots", "fields", "learning"),  # drawing
    ("render",),  # the choice between Graphviz and the built-in layout
    ("graph", "frames"),  # the public drawing functions
    ("display",),  # notebook display, built on draw_graph
]
LAYER = {name: level for level, names in enumerate(LAYERS) for name in names}
MODULES = sorted(info.name for info in pkgutil.iter_modules(chainrule.viz.__path__))


def viz_imports(name: str) -> set[str]:
    """The chainrule.viz modules that the module ``name`` imports, anywhere in its source."""
    module = importlib.import_module(f"chainrule.viz.{name}")
    tree = ast.parse(Path(str(module.__file__)).read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from chainrule.viz import trace` names a module too
            targets = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            if parts[:2] == ["chainrule", "viz"] and len(parts) > 2 and parts[2] in MODULES:
                found.add(parts[2])
    return found


def test_every_module_has_a_layer():
    assert set(MODULES) == set(LAYER)


@pytest.mark.parametrize("name", MODULES)
def test_imports_point_down(name):
    upward = {other for other in viz_imports(name) if LAYER.get(other, len(LAYERS)) >= LAYER[name]}
    assert not upward, f"chainrule.viz.{name} imports {sorted(upward)}, not below it in LAYERS"

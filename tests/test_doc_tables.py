"""The docs' tables of functions and kinks are generated from the rule table's rows; they must be current."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

TOOL = Path(__file__).resolve().parent.parent / "tools" / "doc_tables.py"


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("doc_tables", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["doc_tables"] = module
    spec.loader.exec_module(module)
    return module


def test_generated_tables_are_up_to_date() -> None:
    stale = [str(p.name) for p in _tool().stale()]
    assert stale == [], f"run python tools/doc_tables.py to regenerate the tables in {stale}"


def test_every_generated_block_names_a_known_table() -> None:
    tool = _tool()
    for path in tool.FILES:
        for match in tool._BLOCK.finditer(path.read_text()):
            assert match.group(2) in tool.TABLES, f"{path.name}: unknown table {match.group(2)!r}"


def test_the_tables_name_every_primitive_with_a_kink() -> None:
    from chainrule.core.rules import piecewise, special

    kinks = _tool().kinks()
    for prim in (piecewise.absolute_p, piecewise.maximum_p, special.relu_p):
        assert prim.kink is not None
        assert prim.kink.replace("|", "\\|") in kinks

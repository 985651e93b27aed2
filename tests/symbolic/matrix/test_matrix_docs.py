"""docs/matrix.md says what the code does: its code blocks run, its acceptance table and its explanation are
what chainrule prints, and engine.md's layout example gives the shapes it shows."""

from __future__ import annotations

import re
from pathlib import Path

from matrix_cases import ROWS

import chainrule as cr
from chainrule.symbolic import matrix as mx

DOCS = Path(__file__).resolve().parents[3] / "docs"


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_the_code_blocks_run() -> None:
    namespace: dict[str, object] = {}
    blocks = _python_blocks((DOCS / "matrix.md").read_text())
    assert len(blocks) >= 3
    for block in blocks:
        exec(compile(block, "docs/matrix.md", "exec"), namespace)
    assert str(namespace["J"]) == 'einsum("ik,lj->ijkl", A, B)'


def test_the_acceptance_table_is_what_diff_gives() -> None:
    text = (DOCS / "matrix.md").read_text()
    table = text[text.index("<!-- the acceptance table") :].split("\n\n")[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    documented = [re.findall(r"`([^`]+)`", row)[:3] for row in rows]
    assert len(documented) == len(ROWS)
    for (formula, var, result), case in zip(documented, ROWS, strict=True):
        assert (formula, var) == (case.text, case.var)
        expr = mx.parse(case.text, case.shapes)
        derivative = mx.diff(expr, case.var)
        shown = mx.vec_form(expr, case.var) if derivative.ndim > 2 else derivative
        assert str(shown) == result


def test_the_explanation_shown_is_the_one_printed() -> None:
    text = (DOCS / "matrix.md").read_text()
    block = re.search(r"```\n(d/dX tr\(A X B\).*?)```", text, re.S)
    assert block is not None
    printed = str(cr.explain("tr(A X B)", "X", shapes={"A": "n,n", "X": "n,n", "B": "n,n"}))
    assert block.group(1).rstrip("\n") == printed


def test_the_layout_example_of_engine_md() -> None:
    text = (DOCS / "engine.md").read_text()
    section = text[text.index("## Layouts") : text.index("## What a differentiated function may use")]
    (block,) = _python_blocks(section)
    namespace: dict[str, object] = {}
    lines = block.strip().splitlines()
    exec(compile("\n".join(lines[:-2]), "docs/engine.md", "exec"), namespace)
    shown = eval(lines[-2], namespace)  # the documented expression
    assert str(shown) == lines[-1].lstrip("# ")

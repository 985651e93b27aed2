"""Run every notebook in examples/ from top to bottom and fail on any error output.

The kernel is pinned to the interpreter running the tests: a kernelspec named ``python3`` is written to a
temporary directory with ``sys.executable`` in its command, so a ``python3`` kernelspec installed elsewhere
on the machine (another Python, without chainrule) cannot be picked up instead.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")
pytest.importorskip("ipykernel")
pytest.importorskip("matplotlib")

from ipykernel.kernelspec import write_kernel_spec  # noqa: E402
from jupyter_client.kernelspec import KernelSpecManager  # noqa: E402  (installed with nbclient)
from jupyter_client.manager import KernelManager  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NOTEBOOKS = sorted(p.name for p in EXAMPLES.glob("*.ipynb"))
KERNEL_NAME = "python3"
# appended to each notebook during the test: the kernel reports which Python it runs
PREFIX_PROBE = "import sys; print(sys.prefix)"


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kernels = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(path=kernels / KERNEL_NAME)  # argv: [sys.executable, "-m", ...]
    return kernels


def _error_outputs(nb: Any) -> list[str]:
    errors = []
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors.append(f"cell {index}: {output.get('ename')}: {output.get('evalue')}")
    return errors


def test_examples_exist() -> None:
    assert len(NOTEBOOKS) >= 6, NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs(name: str, kernel_dir: Path) -> None:
    nb = nbformat.read(EXAMPLES / name, as_version=4)
    committed_outputs = [cell.get("outputs") for cell in nb.cells if cell.cell_type == "code"]
    assert all(not outputs for outputs in committed_outputs), f"{name}: clear the outputs before committing"
    nb.cells.append(nbformat.v4.new_code_cell(PREFIX_PROBE))

    km = KernelManager(
        kernel_name=KERNEL_NAME, kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernel_dir)])
    )
    client = nbclient.NotebookClient(
        nb, timeout=60, kernel_name=KERNEL_NAME, km=km, resources={"metadata": {"path": str(EXAMPLES)}}
    )
    client.execute()

    assert _error_outputs(nb) == []
    probe = nb.cells[-1].outputs
    printed = "".join(output.get("text", "") for output in probe if output.get("output_type") == "stream")
    assert printed.strip() == sys.prefix, f"the kernel ran {printed.strip()!r}, not this interpreter"
    figures = [
        output
        for cell in nb.cells
        for output in cell.get("outputs", [])
        if {"image/png", "image/svg+xml", "text/markdown"} & set(output.get("data", {}))
    ]
    assert figures, f"{name}: expected at least one picture or rendered explanation"

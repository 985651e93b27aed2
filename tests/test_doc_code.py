"""Every code block of README.md and docs/*.md runs as written (the convention: tools/doc_code.py).

One test per file: its ``python`` blocks run in order in one fresh namespace, in a Python process of their
own, and its ``chainrule`` command lines run and exit 0, in a directory of the test's own (the files the
examples write land there).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parent.parent / "tools" / "doc_code.py"


def _tool():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("doc_code", TOOL)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["doc_code"] = module
    spec.loader.exec_module(module)
    return module


doc_code = _tool()
FILES = doc_code.documented_files()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_the_code_blocks_of_the_file_run(path: Path, tmp_path: Path) -> None:
    printed = doc_code.run_file_apart(path, tmp_path)
    # the README and every guide show code; a file whose blocks all stopped being `python` would pass
    # here without running anything
    assert printed, f"{path.name} has no python block"


def test_the_readme_tour_converges_and_the_layouts_differ(tmp_path: Path) -> None:
    readme = doc_code.ROOT / "README.md"
    namespace = doc_code.fresh_namespace(readme)
    tour = next(b for b in doc_code.blocks(readme) if b.lang == "python")
    doc_code.run_python(tour, namespace)
    result = namespace["result"]
    assert result.converged, result.message  # nesterov on rosenbrock from (-1.2, 1), at the tour's rate
    assert abs(result.x - 1.0).max() < 1e-5
    status, out = doc_code.run_command(["grad", "[x*y^2, x+y]", "--at", "x=1,y=2", "--layout", "denominator"])
    assert status == 0
    assert "[[4., 1.],\n [4., 1.]]" in out  # the transpose of the Jacobian [[4, 4], [1, 1]]


def test_the_blocks_are_found_as_a_reader_sees_them() -> None:
    text = "intro\n```python\nx = 1\n```\n\n````text\n```python\nnot code\n```\n````\n```sh\nchainrule tour\n"
    text += "chainrule diff x^2 --at x=1  # a comment\nmake demo\n```\n"
    found = doc_code.blocks(doc_code.ROOT / "README.md", text)
    assert [(b.line, b.lang) for b in found] == [(2, "python"), (6, "text"), (11, "sh")]
    assert found[1].source == "```python\nnot code\n```\n"
    assert list(doc_code.commands(found[2])) == [["diff", "x^2", "--at", "x=1"]]


def test_a_failing_block_names_its_line(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# a page\n\n```python\nx = 1\ny = x / undefined_name\n```\n")
    block = doc_code.blocks(page)[0]
    with pytest.raises(NameError) as info:
        doc_code.run_python(block, doc_code.fresh_namespace(page))
    assert info.traceback[-1].lineno + 1 == 5  # pytest counts from 0: line 5 of page.md


def test_a_failing_command_is_an_error(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```sh\nchainrule diff 'x^' --at x=1\n```\n")
    with pytest.raises(RuntimeError, match="exited 2"):
        doc_code.run_file(page, tmp_path)


def test_a_file_runs_apart_from_the_others(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```python\nimport sys\nprint(sys.modules['__main__'].__file__)\n```\n")
    (line, printed), *_ = doc_code.run_file_apart(page, tmp_path).items()
    assert line == 1
    assert printed.strip().endswith("doc_code.py")  # a process of its own, not this test's
    page.write_text("```python\nraise ValueError('no')\n```\n")
    with pytest.raises(RuntimeError, match=r"page.md\", line 2[\s\S]*ValueError: no"):
        doc_code.run_file_apart(page, tmp_path)

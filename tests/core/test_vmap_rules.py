"""Every primitive has a batching rule, and each gives what a loop over the examples gives.

The rows of tests/core/test_primitives.py are reused: each function there runs under ``cr.vmap`` on a batch of
three examples and is compared with the examples one by one, with every argument batched and with only the
first one batched; then ``vmap(grad)`` against a loop of ``grad``.
"""

from __future__ import annotations

import zlib
from typing import Any

import numpy as np
import pytest
from test_primitives import BINARY, OTHER, UNARY, all_primitives

import chainrule as cr
from chainrule.core.batching import batch_rule

BATCH = 3

# Rows whose NumPy handler or derivative rule reads an operand's numbers as a plain array, which a batch
# cannot be (the examples would mix): under vmap they raise a chainrule error that says so and names
# cr.vmap(f, loop=True), never a wrong number. Each is checked to raise; a row fixed must leave the list.
KNOWN_FORWARD: dict[str, str] = {}
KNOWN_GRAD = {
    **KNOWN_FORWARD,
    "interp[1]": "the derivative in batched knots would search each example's own knots",
}


def test_every_primitive_declares_a_batching_rule() -> None:
    missing = [name for name, prim in all_primitives().items() if batch_rule(prim) is None]
    assert not missing, f"primitives without a batch= rule: {missing}"


def _cases() -> list[tuple[str, Any, list[Any]]]:
    cases: list[tuple[str, Any, list[Any]]] = []
    for name, (f, domain) in sorted(UNARY.items()):
        cases.append((name, f, [lambda r, d=domain: d(r, (2, 3))]))
    for name, (f, dx, dy) in sorted(BINARY.items()):
        cases.append((name, f, [lambda r, d=dx: d(r, (2, 3)), lambda r, d=dy: d(r, (3,))]))
    for name, rows in sorted(OTHER.items()):
        for k, (f, makers) in enumerate(rows):
            cases.append((f"{name}[{k}]", f, list(makers)))
    return cases


CASES = _cases()


def _examples(makers: list[Any], name: str) -> list[list[Any]]:
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    return [[np.asarray(m(rng), dtype=float) for m in makers] for _ in range(BATCH)]


def _loop(f: Any, examples: list[list[Any]]) -> Any:
    return np.stack([np.asarray(f(*ex)) for ex in examples])


@pytest.mark.parametrize(("name", "f", "makers"), CASES, ids=[c[0] for c in CASES])
def test_vmap_matches_a_loop(name: str, f: Any, makers: list[Any]) -> None:
    examples = _examples(makers, name)
    stacked = [np.stack([ex[i] for ex in examples]) for i in range(len(makers))]
    if name in KNOWN_FORWARD:
        with pytest.raises(cr.ChainruleError, match="vmap"):
            cr.vmap(f)(*stacked)
        np.testing.assert_allclose(cr.vmap(f, loop=True)(*stacked), _loop(f, examples))
        return
    np.testing.assert_allclose(cr.vmap(f)(*stacked), _loop(f, examples), rtol=1e-12, atol=1e-12)
    # only the first argument batched: the others are the first example's
    first = [[ex[0], *examples[0][1:]] for ex in examples]
    in_axes = (0,) + (None,) * (len(makers) - 1)
    got = cr.vmap(f, in_axes=in_axes)(stacked[0], *examples[0][1:])
    np.testing.assert_allclose(got, _loop(f, first), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(("name", "f", "makers"), CASES, ids=[c[0] for c in CASES])
def test_vmap_of_grad_matches_a_loop(name: str, f: Any, makers: list[Any]) -> None:
    examples = _examples(makers, name)
    stacked = [np.stack([ex[i] for ex in examples]) for i in range(len(makers))]
    rng = np.random.default_rng(1)
    weights = rng.standard_normal(np.shape(f(*examples[0])))

    def loss(*args: Any) -> Any:
        return np.sum(f(*args) * weights)

    argnums = tuple(range(len(makers)))
    if name in KNOWN_GRAD:
        with pytest.raises(cr.ChainruleError, match="vmap"):
            cr.vmap(cr.grad(loss, argnums=argnums))(*stacked)
        return
    got = cr.vmap(cr.grad(loss, argnums=argnums))(*stacked)
    want = [cr.grad(loss, argnums=argnums)(*ex) for ex in examples]
    for i in argnums:
        np.testing.assert_allclose(got[i], np.stack([w[i] for w in want]), rtol=1e-10, atol=1e-10)

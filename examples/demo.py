"""The worked examples of a calculus-for-machine-learning course, computed by chainrule's engine.

Run with ``make demo`` (or ``python examples/demo.py``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

import chainrule as cr


def heading(text: str) -> None:
    print(f"\n{text}\n{'-' * len(text)}")


def main() -> None:
    heading("1. The slope of f(x) = 3x^2 - 4x + 5 at x = 3")
    f = lambda x: 3 * x**2 - 4 * x + 5  # noqa: E731
    for h in (0.1, 0.001, 0.00001):
        print(f"   secant slope (f(3+h) - f(3)) / h with h = {h:<7}: {(f(3 + h) - f(3)) / h:.6f}")
    print(f"   exact derivative, cr.grad(f)(3.0)              : {cr.grad(f)(3.0)}   (6x - 4 = 14)")

    heading("2. The chain rule: d/dx sin(x^2) = cos(x^2) * 2x")
    x = 1.2
    print(f"   at x = {x}: cr.grad = {cr.grad(lambda x: np.sin(x**2))(x):.12f}")
    print(f"   by hand     cos(x^2) * 2x = {np.cos(x**2) * 2 * x:.12f}")

    heading("3. d/dx log(sqrt(x)) = 1/(2x)")
    d_log_sqrt = cr.grad(lambda x: np.log(np.sqrt(x)))
    for x in (1.0, 4.0, 10.0):
        print(f"   x = {x:>4}: cr.grad = {d_log_sqrt(x):.6f}   1/(2x) = {1 / (2 * x):.6f}")

    heading("4. The gradient of f(x1, x2) = x1^2 + 2 x2^2 at (1, 1)")
    g = cr.grad(lambda v: v[0] ** 2 + 2 * v[1] ** 2)(np.array([1.0, 1.0]))
    print(f"   grad f(1, 1) = {g}   (2 x1, 4 x2) - the direction of steepest ascent")

    heading("5. Partial derivatives of L(w1, w2) = sin(w1) * w2 * (1 - w2) at (0.4, 0.3)")
    dw1, dw2 = cr.grad(lambda w1, w2: np.sin(w1) * w2 * (1 - w2), argnums=(0, 1))(0.4, 0.3)
    print(f"   dL/dw1 = cos(w1) w2 (1 - w2)  = {dw1:.6f}")
    print(f"   dL/dw2 = sin(w1) (1 - 2 w2)   = {dw2:.6f}")

    heading("6. The Jacobian of Ax is A (mixed layout: shape of output + shape of input)")
    A = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    print(cr.jacobian(lambda x: A @ x)(np.array([0.5, -1.0])))

    heading("7. Backpropagation node by node: L = (a*b + c) * f")
    a, b, c, f_ = (cr.Tensor(v, requires_grad=True) for v in (2.0, -3.0, 10.0, -2.0))
    e = a * b
    d = e + c
    L = d * f_
    for node in (e, d, L):
        node.retain_grad()
    L.backward()
    print("   node  value   gradient dL/dnode")
    for name, node, why in [
        ("L", L, "dL/dL = 1"),
        ("d", d, "multiply: the other factor, f"),
        ("f", f_, "multiply: the other factor, d"),
        ("e", e, "add passes the gradient through"),
        ("c", c, "add passes the gradient through"),
        ("a", a, "chain rule: dL/de * b"),
        ("b", b, "chain rule: dL/de * a"),
    ]:
        print(f"   {name}    {node.item():>6}   {float(node.grad):>6}    ({why})")

    heading("8. Kinks: the derivative of |x| and relu at 0 is taken as 0 (a subgradient)")
    print(
        f"   cr.grad(np.abs)(0.0) = {cr.grad(np.abs)(0.0)},  cr.grad(cr.relu)(0.0) = {cr.grad(cr.relu)(0.0)}"
    )
    print(f"   max tie splits evenly: {cr.grad(np.max)(np.array([1.0, 3.0, 3.0]))}")

    heading("9. Learning from gradients: a small network trained on two moons")
    X, y = cr.nn.make_moons(200, noise=0.1, seed=0)
    model = cr.nn.MLP(2, [16, 16, 1], activation="tanh", seed=0)

    def bce(out: Any, target: Any) -> Any:
        return cr.nn.binary_cross_entropy_with_logits(out[:, 0], target)

    history = cr.nn.fit(model, bce, X, y, cr.optim.Adam(lr=0.05), epochs=200)
    print(f"   loss: {history[0]:.3f} at the start, {history[-1]:.4f} after 200 Adam steps")
    print(f"   training accuracy: {cr.nn.accuracy(model(X), y):.0%}")


if __name__ == "__main__":
    main()

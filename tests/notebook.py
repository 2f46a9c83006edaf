"""The lesson notebook's code, transcribed verbatim where possible, as an independent
reference; never import mathcore here.

The notebook is ``../shared/seeds/000_6790618edfcbc60e.txt`` ("01c: Calculus
Refresh"). Its cells are copied as written: same names, same formulas, same order
of operations, the same ``print`` where a test reads it. Only two kinds of change:

- the notebook defines ``f``, ``grad_f`` and ``gradient`` several times over; here
  each keeps a prefix naming its function (``bowl_f``, ``bowl_grad_f``);
- formatting follows the project's linter (spaces around ``*``, line breaks).

Tests compare mathcore, the scenes and their manifests with what this code gives.
"""

from __future__ import annotations

import numpy as np

# ------------------------------------------------------------------ Part 1: derivatives


def numerical_derivative(f, x, h=1e-7):
    """
    Compute derivative of f at x using central difference.

    The central difference formula:
    f'(x) ≈ (f(x+h) - f(x-h)) / (2h)

    This is more accurate than the forward difference (f(x+h) - f(x)) / h.
    """
    return (f(x + h) - f(x - h)) / (2 * h)


# ------------------------------------------------------------------ Part 2: gradients

# The points where the notebook draws the bowl's gradient arrows (its quiver).
arrow_points = [(-2, -2), (-2, 2), (2, -2), (2, 2), (0, 2), (2, 0), (1, 1)]


# ------------------------------------------------------------------ Part 3: chain rule


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_derivative(z):
    s = sigmoid(z)
    return s * (1 - s)


# ------------------------------------------------------------------ Part 4: descent


def gradient_descent(f, grad_f, x0, lr=0.1, n_steps=100, tol=1e-8):
    """
    Minimize f starting from x0 using gradient descent.

    Args:
        f: Function to minimize
        grad_f: Gradient of f
        x0: Starting point (numpy array)
        lr: Learning rate (step size)
        n_steps: Maximum iterations
        tol: Convergence tolerance

    Returns:
        x_opt: Optimized point
        history: List of (x, f(x)) at each step
    """
    x = x0.copy()
    history = [(x.copy(), f(x))]

    for i in range(n_steps):
        grad = grad_f(x)

        # Check convergence
        if np.linalg.norm(grad) < tol:
            print(f"Converged at step {i} (gradient norm < {tol})")
            break

        # Update: x = x - lr * gradient
        x = x - lr * grad
        history.append((x.copy(), f(x)))

    return x, history


# Example: Minimize f(x, y) = x² + y² (simple bowl); the notebook's f and grad_f.


def bowl_f(xy):
    return xy[0] ** 2 + xy[1] ** 2


def bowl_grad_f(xy):
    return np.array([2 * xy[0], 2 * xy[1]])


# ------------------------------------------------------------------ the milestone


def rosenbrock(xy):
    """The Rosenbrock function."""
    x, y = xy
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def rosenbrock_grad(xy):
    """Gradient of the Rosenbrock function."""
    x, y = xy
    dx = -2 * (1 - x) - 400 * x * (y - x**2)
    dy = 200 * (y - x**2)
    return np.array([dx, dy])

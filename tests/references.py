"""Exact references written independently of mathcore: the notebook's table of
derivatives as mpmath functions (derivatives to 50 digits)."""

from __future__ import annotations

import mpmath

DERIVATIVE_TABLE = {
    "x^2": lambda t: t**2,
    "x^3": lambda t: t**3,
    r"\sin x": mpmath.sin,
    r"\cos x": mpmath.cos,
    "e^x": mpmath.exp,
    r"\ln x": mpmath.log,
}

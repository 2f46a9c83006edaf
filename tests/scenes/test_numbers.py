"""The kit's number formats, against their definitions."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scenes.kit.numbers import MAX_WIDTH, fmt, sci, scientific


@given(st.floats(-1e300, 1e300).filter(lambda v: v == 0 or abs(v) > 1e-300))
def test_scientific_round_trips(value: float) -> None:
    mantissa, exponent = scientific(value, 2)
    if value == 0:
        assert (mantissa, exponent) == (0.0, 0)
        return
    assert 1 <= abs(mantissa) < 10
    assert math.copysign(1, mantissa) == math.copysign(1, value)
    # Rounding to 2 decimals moves the mantissa by at most 0.005.
    assert abs(mantissa - value / 10.0**exponent) <= 0.005 + 1e-9


def test_scientific_carries_rounding_into_the_exponent() -> None:
    assert scientific(9.996) == (1.0, 1)
    assert scientific(5.66156941e-05) == (5.66, -5)
    with pytest.raises(ValueError):
        scientific(float("inf"))


def test_sci_prints_the_rounded_mantissa_and_drops_a_lone_one() -> None:
    assert sci(3.2e-10) == r"3.2 \times 10^{-10}"
    assert sci(9.96, 1) == r"1.0 \times 10^{1}"
    assert sci(1e-8, 0, drop_one=True) == "10^{-8}"
    assert sci(0.0) == "0"


TABLE = [
    0.0,
    4.0,
    -2.5,
    0.2,
    0.0004,
    0.00045,
    -0.0004,
    1e-5,
    5.7e-5,
    1e-9,
    -1e-12,
    3e-300,
    5e-324,
    0.19661193324148185,
    2.0004,
    123456789.0,
    1234567890123.0,
    1e308,
    -1e308,
]


@pytest.mark.parametrize("value", TABLE)
def test_fmt_never_shows_a_nonzero_as_0_and_stays_short(value: float) -> None:
    text = fmt(value)
    assert len(text) <= MAX_WIDTH
    assert (text == "0") == (value == 0)
    shown = float(text)
    if "e" in text:  # three significant digits
        assert shown == pytest.approx(value, rel=5e-3)
    else:  # rounded at its last decimal
        decimals = len(text.partition(".")[2])
        assert abs(shown - value) <= 0.5 * 10.0**-decimals * (1 + 1e-9)
    assert math.copysign(1, shown) == math.copysign(1, value) or value == 0


def test_fmt_writes_infinities_and_nan_as_python_does_safe_in_latex() -> None:
    assert (fmt(math.inf), fmt(-math.inf), fmt(math.nan)) == ("inf", "-inf", "nan")


def test_a_live_readout_never_reads_0_for_a_nonzero_value() -> None:
    from manim import WHITE

    from scenes.kit.numbers import ReadableReadout

    readout = ReadableReadout(25.0, WHITE, digits=4)
    assert readout.mantissa.get_value() == 25.0 and readout.times not in readout
    readout.show(1.61e-17)  # as DescentBowl's loss at its last step
    assert readout.times in readout and readout.exponent in readout
    assert (readout.mantissa.get_value(), readout.exponent.get_value()) == (1.61, -17)
    readout.show(9.0)
    assert readout.times not in readout and readout.mantissa.num_decimal_places == 4
    six = ReadableReadout(5.66e-5, WHITE, digits=6)  # the milestone's 0.000057
    assert six.times not in six and six.mantissa.get_value() == 5.66e-5

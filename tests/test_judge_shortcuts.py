"""The shortcuts of the batch's judging path give exactly what the plain computations give."""

from __future__ import annotations

import math
import random
from bisect import bisect_right

from hypothesis import given
from hypothesis import strategies as st

from advisor.decide.engine import _points, _value_class
from advisor.decide.ranking import _round4


def _same_round(x: float) -> bool:
    got, want = _round4(x), round(x, 4)
    if math.isnan(want):
        return math.isnan(got)
    return got == want and math.copysign(1.0, got) == math.copysign(1.0, want)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_round4_is_round_to_four_places_on_any_float(x):
    assert _same_round(x)


def test_round4_is_round_to_four_places_at_and_beside_the_ties():
    rng = random.Random(3)
    for _ in range(20_000):
        k = rng.randrange(-10**9, 10**9)
        tie = (k + 0.5) / 10_000
        for x in (tie, math.nextafter(tie, math.inf), math.nextafter(tie, -math.inf), k / 10_000, k / 16,
                  3.0 * rng.random(), 2.0 * rng.random() + 2.5, -rng.random() / 1e4):
            assert _same_round(x), x
    for x in (0.0, -0.0, 5e-5, -5e-5, 4.9999e-5, 1e8 + 0.00005, 1e12, -1e12, 1e300):
        assert _same_round(x), x


def _new_class(value, points):
    return bisect_right(points, value) * 2 + (type(value) is float)



@given(st.lists(st.one_of(st.integers(-50, 50), st.floats(-50, 50)), min_size=1, max_size=5),
       st.lists(st.one_of(st.integers(-60, 60), st.floats(-60, 60)), min_size=2, max_size=8))
def test_points_tell_numbers_apart_exactly_as_their_places_among_the_thresholds(cuts, values):
    cuts_t = tuple(sorted(set(cuts)))
    points = _points(cuts_t)
    assert points is not None
    values = values + list(cuts_t) + [math.nextafter(float(c), math.inf) for c in cuts_t] + \
        [math.nextafter(float(c), -math.inf) for c in cuts_t]
    for a in values:
        for b in values:
            same_old = _value_class(a, cuts_t) == _value_class(b, cuts_t)
            same_new = _new_class(a, points) == _new_class(b, points)
            assert same_old == same_new, (a, b, cuts_t)


def test_no_points_for_thresholds_beyond_exact_floats():
    assert _points(None) is None
    assert _points((1.0, 2.0 ** 60)) is None

"""`qa.i18n.format.number` writes exactly what Babel's `format_decimal` writes with the same pattern (it skips
parsing the pattern for each number, which made a dashboard of thousands of cells slow)."""
import decimal
import random

import pytest
from babel import numbers as babel_numbers

from qa.i18n import format as fmt

EDGES = [0, 0.0, -0.0, 1, -1, 0.5, 1.5, 2.5, -2.5, 2.675, 0.125, 1e-7, 999.95, 999.5, 1000, -1234.5678, 123456789.125,
         1e15, 12345678901234567890, decimal.Decimal("1.005"), decimal.Decimal("-0.0500"), -0.04]


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_same_text_as_babel(lang):
    rng = random.Random(7)
    values = EDGES + [rng.uniform(-1e6, 1e6) for _ in range(2000)] + \
        [round(rng.uniform(0, 100), rng.randint(0, 4)) for _ in range(2000)] + [rng.randint(-10**9, 10**9) for _ in range(500)]
    for digits in (0, 1, 2, 3):
        for v in values:
            expected = babel_numbers.format_decimal(v, format=fmt._pattern(digits), locale=fmt.locale(lang))
            assert fmt.number(v, lang, digits) == expected, (v, digits)


def test_separators_and_what_is_not_a_number():
    assert fmt.number(1234567.891, "vi", 2) == "1.234.567,89"
    assert fmt.number(1234567.891, "en", 2) == "1,234,567.89"
    assert fmt.number(None, "en") == fmt.NOTHING
    assert fmt.number(float("inf"), "en") == babel_numbers.format_decimal(float("inf"), locale="en")
    with pytest.raises(ValueError):
        fmt.number(1.0, "en", -1)

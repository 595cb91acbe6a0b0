"""qa.calibration.agreement against scikit-learn (Cohen's kappa) and the published Fleiss' kappa example; edge cases."""
import random

import pytest
from sklearn.metrics import cohen_kappa_score

from qa.calibration.agreement import cohen_kappa, fleiss_kappa, fleiss_kappa_counts, percent_agreement

# Fleiss (1971) / Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories.
# Published: P-bar = 0.378, P_e = 0.213, kappa = 0.210.
WIKIPEDIA_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def _labels(row):
    return [f"cat{j}" for j, count in enumerate(row) for _ in range(count)]


def test_fleiss_matches_the_published_example():
    assert fleiss_kappa_counts(WIKIPEDIA_TABLE) == pytest.approx(0.210, abs=5e-4)
    # the label form gives the same number, whatever the order of the labels within an item
    items = [random.Random(i).sample(_labels(r), 14) for i, r in enumerate(WIKIPEDIA_TABLE)]
    assert fleiss_kappa(items) == pytest.approx(fleiss_kappa_counts(WIKIPEDIA_TABLE))
    assert percent_agreement(items) == pytest.approx(0.378, abs=5e-4)


@pytest.mark.parametrize("seed", range(20))
def test_cohen_matches_sklearn(seed):
    rng = random.Random(seed)
    n = rng.randint(2, 40)
    cats = ["pass", "fail", "na"][: rng.randint(2, 3)]
    a = [rng.choice(cats) for _ in range(n)]
    b = [x if rng.random() < 0.6 else rng.choice(cats) for x in a]
    if len(set(a) | set(b)) < 2:
        b[0] = "other"
    assert cohen_kappa(a, b) == pytest.approx(cohen_kappa_score(a, b))


def test_cohen_hand_case():
    # 10 items: 4 pass/pass, 3 fail/fail, 2 pass/fail, 1 fail/pass -> p_o 0.7, p_e 0.6*0.5 + 0.4*0.5 = 0.5
    a = ["pass"] * 6 + ["fail"] * 4
    b = ["pass"] * 4 + ["fail"] * 2 + ["fail"] * 3 + ["pass"]
    assert cohen_kappa(a, b) == pytest.approx(0.4)
    assert cohen_kappa_score(a, b) == pytest.approx(0.4)


def test_two_raters_fleiss_is_scotts_pi_not_cohen():
    a = ["pass"] * 6 + ["fail"] * 4
    b = ["pass"] * 4 + ["fail"] * 5 + ["pass"]
    # Scott's pi: p_e from pooled shares: pass 11/20, fail 9/20 -> 0.505; (0.7 - 0.505) / 0.495
    assert fleiss_kappa(list(zip(a, b))) == pytest.approx((0.7 - 0.505) / 0.495)
    assert percent_agreement(list(zip(a, b))) == pytest.approx(0.7)


def test_perfect_agreement_on_one_category_is_undefined_not_one():
    assert cohen_kappa(["pass"] * 5, ["pass"] * 5) is None
    assert fleiss_kappa([["pass"] * 3] * 4) is None
    assert percent_agreement([["pass"] * 3] * 4) == 1.0


def test_perfect_agreement_over_several_categories_is_one():
    assert cohen_kappa(["pass", "fail", "na"], ["pass", "fail", "na"]) == pytest.approx(1.0)
    assert fleiss_kappa([["pass"] * 3, ["fail"] * 3]) == pytest.approx(1.0)


def test_systematic_disagreement_is_negative():
    assert cohen_kappa(["pass", "fail"], ["fail", "pass"]) == pytest.approx(-1.0)
    assert fleiss_kappa([["pass", "fail"], ["fail", "pass"]]) < 0


def test_fewer_than_two_raters_or_no_items():
    assert percent_agreement([]) is None
    assert percent_agreement([["pass"], ["fail"]]) is None
    assert fleiss_kappa([["pass"], ["fail"]]) is None
    assert fleiss_kappa([]) is None
    assert cohen_kappa([], []) is None


def test_mismatched_inputs_are_errors():
    with pytest.raises(ValueError):
        cohen_kappa(["pass"], ["pass", "fail"])
    with pytest.raises(ValueError):
        fleiss_kappa([["pass", "fail"], ["pass", "fail", "na"]])


def test_percent_agreement_is_the_share_of_agreeing_pairs():
    # 3 raters: pass, pass, fail -> 1 of 3 pairs agree; second item all agree
    assert percent_agreement([["pass", "pass", "fail"], ["na"] * 3]) == pytest.approx((1 / 3 + 1) / 2)

"""Inter-rater agreement: percent agreement, Cohen's kappa (two raters), Fleiss' kappa (any number of raters).

Pure functions over category labels (any hashable values, e.g. "pass", "fail", "na").

Edge cases, the same in every function:
- no items, or fewer than two raters: `None` (there is nothing to agree on);
- every rating in one and the same category: the kappas return `None` ("undefined"), not 1.0. Kappa is agreement
  beyond what chance would give; when no rater ever uses another category chance agreement is already 1 and the
  ratio is 0/0. Percent agreement is then 1.0, which is what a report should show beside the undefined kappa.
  (This is the only way a kappa's denominator can be 0: Cohen's expected agreement is 1 only when both raters use
  one same category throughout, Fleiss' only when every rating is in one category.)
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def _pairwise_share(labels: Sequence[Hashable]) -> float:
    """The share of rater pairs of one item that agree (Fleiss' P_i): sum n_j (n_j - 1) / (n (n - 1))."""
    n = len(labels)
    return sum(c * (c - 1) for c in Counter(labels).values()) / (n * (n - 1))


def percent_agreement(items: Sequence[Sequence[Hashable]]) -> float | None:
    """Observed agreement in [0, 1] over `items`, each the labels its raters gave (one label per rater).

    Per item, the share of rater pairs that agree; averaged over the items. With two raters this is the share of
    items both raters labelled the same. Items with fewer than two labels are skipped; `None` when none is left."""
    shares = [_pairwise_share(labels) for labels in items if len(labels) >= 2]
    return sum(shares) / len(shares) if shares else None


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's (unweighted) kappa of two raters who labelled the same items: `a[i]` and `b[i]` label item i.

    kappa = (p_o - p_e) / (1 - p_e), p_o the share of items labelled alike, p_e = sum over categories of the
    product of each rater's share of that category. `None` for no items or when undefined (see module doc).
    Raises ValueError when the sequences differ in length."""
    if len(a) != len(b):
        raise ValueError(f"cohen_kappa: {len(a)} labels against {len(b)}")
    n = len(a)
    if n == 0:
        return None
    p_o = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    p_e = sum(ca[k] * cb[k] for k in ca) / (n * n)
    if p_e >= 1.0:
        return None
    return (p_o - p_e) / (1 - p_e)


def fleiss_kappa_counts(table: Sequence[Sequence[int]]) -> float | None:
    """Fleiss' kappa from a count table: `table[i][j]` raters put item i in category j; every item must have the
    same number of ratings (the raters may differ from item to item).

    kappa = (P - P_e) / (1 - P_e), P the mean over items of the share of agreeing rater pairs, P_e the sum of the
    squared overall category shares (Fleiss 1971). `None` for no items, fewer than two ratings per item, or when
    undefined (see module doc). Raises ValueError when items have different numbers of ratings."""
    rows = [list(r) for r in table]
    if not rows:
        return None
    totals = {sum(r) for r in rows}
    if len(totals) != 1:
        raise ValueError(f"fleiss_kappa: items have different numbers of ratings: {sorted(totals)}")
    n = totals.pop()
    if n < 2:
        return None
    n_items = len(rows)
    p_bar = sum(sum(c * (c - 1) for c in r) for r in rows) / (n_items * n * (n - 1))
    width = max(len(r) for r in rows)
    shares = [sum(r[j] for r in rows if j < len(r)) / (n_items * n) for j in range(width)]
    p_e = sum(p * p for p in shares)
    if p_e >= 1.0:
        return None
    return (p_bar - p_e) / (1 - p_e)


def fleiss_kappa(items: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa over `items`, each the labels its raters gave (one per rater, the same number per item).

    See `fleiss_kappa_counts`; with two raters it equals Scott's pi (not Cohen's kappa: chance agreement comes
    from the pooled category shares, not each rater's own)."""
    categories = sorted({label for labels in items for label in labels}, key=repr)
    table = [[Counter(labels)[c] for c in categories] for labels in items]
    return fleiss_kappa_counts(table)

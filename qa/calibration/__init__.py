"""Blind calibration sessions (`sessions`) and agreement statistics: Cohen's/Fleiss' kappa (`agreement`) and the
automatic scorer's agreement with reviewers (`scorer_agreement`).

May import: qa.accounts, qa.store and below."""

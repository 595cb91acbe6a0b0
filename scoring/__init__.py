"""Score a `Transcript`: per-turn sentiment and the LAST rubric with evidence.

Modules: `sentiment` (transformers, lexicon fallback), `phrases` (phrase matching), `rubric` (load,
validate and apply rubric files), `types` (Sentiment, Evidence, CriterionResult, Scorecard).
"""
import logging

logger = logging.getLogger("scoring")

"""Per-turn sentiment: a transformers text-classification model per language, lexicon when unavailable.

The model for each language is resolved without network (see `transcribe.hub`). When it cannot be
loaded and `backend` is "auto", that language falls back to the lexicon scorer and the reason is
recorded in `describe()` — which goes on the scorecard, so the fallback is never silent.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, cast, get_args

from scoring.lexicon import LEXICON_VERSION, lexicon_sentiment
from scoring.types import LABELS, Sentiment
from transcribe.errors import ModelUnavailable
from transcribe.hub import resolve
from transcribe.setting_types import SETTINGS_CONFIG, Count, Name
from transcribe.text import looks_vietnamese
from transcribe.types import Turn

logger = logging.getLogger("scoring")

ModelLanguage = Literal["en", "vi"]
DEFAULT_SENTIMENT_MODELS: dict[ModelLanguage, str] = {
    "en": "cardiffnlp/twitter-roberta-base-sentiment-latest",
    "vi": "wonrax/phobert-base-vietnamese-sentiment",
}
Backend = Literal["auto", "transformers", "lexicon"]
BACKENDS: tuple[str, ...] = get_args(Backend)


@dataclass
class SentimentSettings:
    """`backend`: auto (model, lexicon when the model is unavailable) | transformers (model or error) | lexicon."""

    __pydantic_config__ = SETTINGS_CONFIG

    backend: Backend = "auto"
    models: dict[ModelLanguage, Name] = field(default_factory=lambda: dict(DEFAULT_SENTIMENT_MODELS))
    device: Name = "auto"           # auto, or a torch device: cpu, cuda, cuda:1, ...
    batch_size: Count = 16          # turns per model call
    max_length: Count = 256         # tokens per turn (longer turns are truncated)


def normalize_label(label: str, index: int | None = None, n_labels: int = 3) -> str:
    """Map a model's label ("NEG", "Positive", "LABEL_2", "4 stars") to negative/neutral/positive."""
    low = label.strip().lower()
    for name in LABELS:
        if low.startswith(name[:3]):
            return name
    if low.startswith("label_") and low[6:].isdigit() and n_labels in (2, 3):
        i = int(low[6:])
        return (("negative", "positive") if n_labels == 2 else LABELS)[i]
    if low[:1].isdigit() and "star" in low:
        stars = int(low[0])
        return "negative" if stars <= 2 else "neutral" if stars == 3 else "positive"
    raise ValueError(f"cannot map sentiment label {label!r} to negative/neutral/positive")


class _ModelScorer:
    """One transformers text-classification pipeline."""

    def __init__(self, name: str, language: str, settings: SentimentSettings, allow_download: bool,
                 cache_dir: str | None) -> None:
        setting = f"sentiment.models.{language}"
        self.name = name
        self.path = resolve(name, setting=setting, allow_download=allow_download, cache_dir=cache_dir,
                            what="sentiment model")
        try:
            from transformers import AutoModelForSequenceClassification, AutoTokenizer, pipeline

            tokenizer = AutoTokenizer.from_pretrained(self.path, local_files_only=True)
            model = AutoModelForSequenceClassification.from_pretrained(self.path, local_files_only=True)
            labels = [model.config.id2label[i] for i in sorted(model.config.id2label)]
            self.labels = {lb: normalize_label(lb, i, len(labels)) for i, lb in enumerate(labels)}
            device = settings.device
            if device == "auto":
                import torch

                device = "cuda" if torch.cuda.is_available() else "cpu"
            self.pipe = pipeline("text-classification", model=model, tokenizer=tokenizer, device=device)
            # a turn longer than the model can read is cut at the model's own limit, whatever max_length says
            limits = [n for n in (getattr(model.config, "max_position_embeddings", None),
                                  getattr(tokenizer, "model_max_length", None)) if isinstance(n, int) and n > 0]
            self.max_length = min([settings.max_length, *limits])
        except ValueError as exc:
            raise ModelUnavailable(name, setting, f"sentiment model {name!r}: {exc}",
                                   "choose a model whose labels are negative/neutral/positive") from exc
        except Exception as exc:
            raise ModelUnavailable(name, setting, f"sentiment model at {self.path} could not be loaded "
                                   f"({type(exc).__name__}: {exc})",
                                   f"set {setting} to a transformers text-classification folder") from exc
        self.settings = settings

    def __call__(self, texts: list[str], language: str) -> list[Sentiment]:
        s = self.settings
        # transformers annotates the pipeline's result as list[dict]; for a list of texts with top_k=None it is one
        # list of {"label", "score"} (every label) per text
        outputs = cast(list[list[dict[str, Any]]], self.pipe(texts, top_k=None, truncation=True,
                                                               max_length=self.max_length, batch_size=s.batch_size))
        result = []
        for scores in outputs:
            probs = dict.fromkeys(LABELS, 0.0)
            for item in scores:
                probs[self.labels[item["label"]]] += float(item["score"])
            label = max(probs, key=probs.__getitem__)
            result.append(Sentiment(label=label, score=round(probs[label], 4),
                                    polarity=round(probs["positive"] - probs["negative"], 4),
                                    language=language, backend=f"transformers:{self.name}"))
        return result


class SentimentScorer:
    """Scores turns; loads each language's model on first use and keeps it."""

    def __init__(self, settings: SentimentSettings | None = None, *, allow_download: bool = False,
                 cache_dir: str | None = None) -> None:
        self.settings = settings or SentimentSettings()
        self.allow_download, self.cache_dir = allow_download, cache_dir
        self._scorers: dict[str, _ModelScorer | None] = {}
        self._status: dict[str, dict[str, Any]] = {}

    def _scorer(self, language: str) -> _ModelScorer | None:
        if language in self._scorers:
            return self._scorers[language]
        s = self.settings
        name = cast(dict[str, str], s.models).get(language)
        scorer = None
        if s.backend == "lexicon":
            self._status[language] = {"backend": LEXICON_VERSION, "reason": "sentiment.backend is lexicon"}
        elif not name:
            if s.backend == "transformers":
                raise ModelUnavailable("", f"sentiment.models.{language}", f"no sentiment model set for {language!r}",
                                       f"set sentiment.models.{language}")
            self._status[language] = {"backend": LEXICON_VERSION, "reason": f"no model set for {language}"}
        else:
            try:
                scorer = _ModelScorer(name, language, s, self.allow_download, self.cache_dir)
                self._status[language] = {"backend": "transformers", "model": name, "path": scorer.path}
            except ModelUnavailable as exc:
                if s.backend == "transformers":
                    raise
                logger.warning("sentiment for %s falls back to the lexicon: %s", language, exc.message)
                self._status[language] = {"backend": LEXICON_VERSION, "model": name,
                                          "reason": f"model unavailable: {exc.problem}"}
        self._scorers[language] = scorer
        return scorer

    def describe(self) -> dict[str, dict[str, Any]]:
        """Per language: which backend scored it and, for a fallback, why."""
        return {lang: dict(v) for lang, v in sorted(self._status.items())}

    def score(self, turns: Sequence[Turn], call_language: str) -> list[Sentiment]:
        """One `Sentiment` per turn. The language of a turn is Vietnamese when its text carries Vietnamese
        letters, else the call's language when that is English, else English."""
        out: list[Sentiment | None] = [None] * len(turns)
        groups: dict[str, list[int]] = {}
        for i, t in enumerate(turns):
            lang = "vi" if looks_vietnamese(t.text) else ("en" if call_language != "vi" or t.text.isascii() else "vi")
            groups.setdefault(lang, []).append(i)
        for lang, idx in groups.items():
            scorer = self._scorer(lang)
            texts = [turns[i].text or " " for i in idx]
            results = scorer(texts, lang) if scorer else [lexicon_sentiment(turns[i], lang) for i in idx]
            for i, r in zip(idx, results):
                out[i] = r
        return [r for r in out if r is not None]

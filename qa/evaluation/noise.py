"""ASR-like variants of a transcript, to measure how the rubric holds on speech-recognition output.

Each variant is a pure function of (transcript, seed): the same call and seed give the same variant, and the
input is never changed. Variants:

    clean          the transcript as labelled
    lower          lower case, punctuation removed (what most recognisers print)
    no_diacritics  Vietnamese diacritics removed (recognisers and typists that drop them)
    fillers        filler words inserted ("uh", "um"; "ờ", "à", "ừm") before about one word in eight
    wer10, wer20   about 10% / 20% of the words substituted (by another word of the same call) or deleted
    split          turns of eight words or more cut in two (the same speaker twice in a row)
    merge          short turns (three words or fewer: backchannels) glued to the previous turn, whoever spoke
    no_speakers    speaker roles hidden behind labels (spk_0/spk_1, which is which drawn at random); the
                   scoring pipeline has to decide who the agent is

Word-level variants keep turn times; `split` divides a turn's time in proportion to its words. Turn indices
change with `split` and `merge`, so labelled evidence turns no longer apply to those (statuses still do).
"""
from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import replace

from transcribe.text import looks_vietnamese, strip_diacritics
from transcribe.types import Transcript, Turn

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
FILLERS = {"en": ("uh", "um", "uh", "er"), "vi": ("ờ", "à", "ừm", "ờ")}


def _turns(t: Transcript, turns: list[Turn]) -> Transcript:
    return replace(t, turns=turns)


def _words_only(turn: Turn, text: str) -> Turn:
    return replace(turn, text=text, words=[])


def lower(t: Transcript, seed: int = 0) -> Transcript:
    return _turns(t, [_words_only(x, " ".join(_PUNCT.sub(" ", x.text.lower()).split())) for x in t.turns])


def no_diacritics(t: Transcript, seed: int = 0) -> Transcript:
    return _turns(t, [_words_only(x, strip_diacritics(x.text)) for x in t.turns])


def fillers(t: Transcript, seed: int = 0, rate: float = 0.125) -> Transcript:
    rng = random.Random(f"fillers:{seed}:{t.call_id}")
    out = []
    for x in t.turns:
        pool = FILLERS["vi" if looks_vietnamese(x.text) else "en"]
        words = []
        for w in x.text.split():
            if rng.random() < rate:
                words.append(rng.choice(pool) + ",")
            words.append(w)
        out.append(_words_only(x, " ".join(words)))
    return _turns(t, out)


def word_errors(t: Transcript, seed: int = 0, rate: float = 0.1) -> Transcript:
    """About `rate` of the words changed: half substituted by another word of the call, half deleted."""
    rng = random.Random(f"wer{rate}:{seed}:{t.call_id}")
    vocab = sorted({w for x in t.turns for w in x.text.split()})
    out = []
    for x in t.turns:
        words = []
        for w in x.text.split():
            r = rng.random()
            if r < rate / 2:
                continue  # deleted
            words.append(rng.choice(vocab) if r < rate and vocab else w)
        out.append(_words_only(x, " ".join(words) or x.text.split()[0] if x.text.split() else ""))
    return _turns(t, out)


def split_turns(t: Transcript, seed: int = 0, min_words: int = 8) -> Transcript:
    rng = random.Random(f"split:{seed}:{t.call_id}")
    out = []
    for x in t.turns:
        words = x.text.split()
        if len(words) < min_words:
            out.append(x)
            continue
        cut = rng.randint(2, len(words) - 2)
        mid = x.start + (x.end - x.start) * cut / len(words)
        out.append(replace(x, text=" ".join(words[:cut]), end=round(mid, 3), words=[]))
        out.append(replace(x, text=" ".join(words[cut:]), start=round(mid, 3), words=[]))
    return _turns(t, out)


def merge_turns(t: Transcript, seed: int = 0, max_words: int = 3) -> Transcript:
    out: list[Turn] = []
    for x in t.turns:
        if out and len(x.text.split()) <= max_words:
            prev = out[-1]
            out[-1] = replace(prev, text=f"{prev.text} {x.text}", end=max(prev.end, x.end), words=[])
        else:
            out.append(x)
    return _turns(t, out)


def no_speakers(t: Transcript, seed: int = 0) -> Transcript:
    rng = random.Random(f"speakers:{seed}:{t.call_id}")
    names = ["spk_0", "spk_1"]
    rng.shuffle(names)
    label = {"agent": names[0], "customer": names[1]}
    return _turns(t, [replace(x, speaker=label.get(x.speaker, x.speaker)) for x in t.turns])


VARIANTS: dict[str, Callable[..., Transcript]] = {
    "clean": lambda t, seed=0: t,
    "lower": lower,
    "no_diacritics": no_diacritics,
    "fillers": fillers,
    "wer10": lambda t, seed=0: word_errors(t, seed, 0.1),
    "wer20": lambda t, seed=0: word_errors(t, seed, 0.2),
    "split": split_turns,
    "merge": merge_turns,
    "no_speakers": no_speakers,
}


def apply_variant(name: str, transcript: Transcript, seed: int = 0) -> Transcript:
    """The variant `name` of a transcript (see the module docstring); KeyError names the known ones."""
    if name not in VARIANTS:
        raise KeyError(f"unknown noise variant {name!r}; expected one of {', '.join(VARIANTS)}")
    return VARIANTS[name](transcript, seed)

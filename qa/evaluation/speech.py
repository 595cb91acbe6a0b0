"""Accuracy against references: diarization error rate (pyannote.metrics), word and character error rates,
and role accuracy. Pure scoring functions plus thin runners that take file paths (never fixed folders)."""
from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from transcribe.errors import InputError
from transcribe.text import normalize

logger = logging.getLogger("qa")

COLLAR = 0.5  # pyannote.metrics: 0.5 s in all, 0.25 s either side of each reference boundary (NIST md-eval)
Segments = list[tuple[float, float, str]]


# -- references ---------------------------------------------------------------------------------------
def read_rttm(path: str) -> dict[str, Segments]:
    """RTTM file -> {uri: [(start, end, speaker)]}. Raises `InputError` on a malformed line."""
    out: dict[str, Segments] = {}
    try:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                parts = line.split()
                if not parts or parts[0] != "SPEAKER":
                    continue
                try:
                    start, dur = float(parts[3]), float(parts[4])
                    out.setdefault(parts[1], []).append((start, start + dur, parts[7]))
                except (IndexError, ValueError):
                    raise InputError(path, f"line {n} is not an RTTM SPEAKER line: {line.strip()!r}",
                                     "expected 'SPEAKER uri 1 start duration <NA> <NA> speaker <NA> <NA>'") from None
    except OSError as exc:
        raise InputError(path, f"cannot read reference ({exc.strerror})", "check --ref") from None
    return out


def stem(path: str) -> str:
    return os.path.basename(path).split(".")[0]


def find_reference(ref: str, audio: str, extensions: Sequence[str]) -> str:
    """The reference file for `audio`: `ref` itself, or `<ref>/<audio stem><ext>` when `ref` is a folder."""
    if os.path.isfile(ref):
        return ref
    if os.path.isdir(ref):
        for ext in extensions:
            candidate = os.path.join(ref, stem(audio) + ext)
            if os.path.isfile(candidate):
                return candidate
        raise InputError(audio, f"no reference {' or '.join(stem(audio) + e for e in extensions)} in {ref}",
                         "name each reference after its recording")
    raise InputError(ref, "reference not found", "give a reference file or a folder of them with --ref")


def rttm_segments(ref: str, audio: str) -> Segments:
    table = read_rttm(find_reference(ref, audio, (".rttm",)))
    if stem(audio) in table:
        return table[stem(audio)]
    if len(table) == 1:
        return next(iter(table.values()))
    raise InputError(ref, f"holds no speaker turns for {stem(audio)!r} (uris: {', '.join(sorted(table))})",
                     "use the recording's file name (without extension) as the RTTM uri")


# -- diarization error rate ---------------------------------------------------------------------------
def _annotation(segments: Segments, uri: str) -> Any:
    from pyannote.core import Annotation, Segment

    ann = Annotation(uri=uri)
    for k, (start, end, label) in enumerate(segments):
        if end > start:
            ann[Segment(start, end), k] = label
    return ann


@dataclass
class DerRow:
    file: str
    der: float
    missed: float
    false_alarm: float
    confusion: float
    total: float
    method: str
    seconds: float


def der_rows(pairs: Sequence[tuple[str, Segments, Segments, str, float]], collar: float = COLLAR,
             ) -> tuple[list[DerRow], float]:
    """(file, reference, hypothesis, method, seconds) -> per-file rows and the overall DER (total errors over
    total reference speech, the standard aggregate)."""
    import warnings

    from pyannote.metrics.diarization import DiarizationErrorRate

    metric = DiarizationErrorRate(collar=collar, skip_overlap=False)
    rows = []
    for name, ref, hyp, method, seconds in pairs:
        with warnings.catch_warnings():  # no UEM: scored over the union of reference and hypothesis (standard)
            warnings.filterwarnings("ignore", message=".*'uem' was approximated")
            d = metric(_annotation(ref, name), _annotation(hyp, name), detailed=True)
        rows.append(DerRow(name, round(d["diarization error rate"], 4), round(d["missed detection"], 3),
                           round(d["false alarm"], 3), round(d["confusion"], 3), round(d["total"], 3), method,
                           round(seconds, 3)))
    return rows, round(abs(metric), 4) if rows else 0.0


def hypothesis_segments(path: str, diarizer: Any, mix: bool = False) -> tuple[Segments, str, float]:
    """Who spoke when in a recording: a stereo file by its channels' speech (or, with `mix`, mixed down and
    diarized), a mono file by `diarizer`. Returns (segments, method, seconds spent)."""
    from transcribe.audio import decode, mix_down
    from transcribe.speakers import CHANNEL_NAMES, channel_segments

    with decode(path) as audio:
        t0 = time.perf_counter()
        if audio.is_stereo and not mix:
            return channel_segments(audio.channels, CHANNEL_NAMES), "stereo channels", time.perf_counter() - t0
        segments = diarizer(mix_down(audio))
        return segments, diarizer.describe()["backend"], time.perf_counter() - t0


# -- word and character error rates -------------------------------------------------------------------
@dataclass
class ErrorRates:
    """WER counts words (for Vietnamese, syllables: its words are written one syllable per token);
    CER counts characters without spaces. Both after case, punctuation and Unicode normalisation."""

    wer: float
    cer: float
    ref_words: int
    word_edits: int
    ref_chars: int
    char_edits: int


def _edits(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Levenshtein edits (substitutions + deletions + insertions) from `ref` to `hyp` tokens (jiwer)."""
    if not ref:
        return len(hyp)
    import jiwer

    out = jiwer.process_words(" ".join(ref), " ".join(hyp) if hyp else "")
    return out.substitutions + out.deletions + out.insertions


def error_rates(reference: str, hypothesis: str) -> ErrorRates:
    ref_w, hyp_w = normalize(reference).split(), normalize(hypothesis).split()
    ref_c, hyp_c = list("".join(ref_w)), list("".join(hyp_w))  # one "word" a character: character edits
    we, ce = _edits(ref_w, hyp_w), _edits(ref_c, hyp_c)
    return ErrorRates(round(we / max(1, len(ref_w)), 4), round(ce / max(1, len(ref_c)), 4), len(ref_w), we,
                      len(ref_c), ce)


def reference_text(path: str) -> str:
    """Text of a reference: a transcript file in any format callqa imports (turns in time order; see
    transcribe.importers) or a plain text file."""
    from transcribe.importers import is_importable

    if is_importable(path):
        from transcribe.importers import load_call

        t = load_call(path)
        return " ".join(turn.text for turn in sorted(t.turns, key=lambda x: x.start))
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as exc:
        raise InputError(path, f"cannot read reference ({exc.strerror})", "check --ref") from None


@dataclass
class Totals:
    rows: list[dict[str, Any]] = field(default_factory=list)

    def overall(self, edits: str, count: str) -> float:
        return round(sum(r[edits] for r in self.rows) / max(1, sum(r[count] for r in self.rows)), 4)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=lambda o: getattr(o, "__dict__", str(o)))


# -- roles --------------------------------------------------------------------------------------------
def reference_words(transcript: Any) -> list[tuple[Any, str]]:
    """(Word, role) for each word of a reference transcript, its time spread evenly over its turn."""
    from transcribe.types import Word

    out: list[tuple[Any, str]] = []
    for turn in sorted(transcript.turns, key=lambda t: t.start):
        tokens = turn.text.split()
        step = (turn.end - turn.start) / max(1, len(tokens))
        out.extend((Word(turn.start + k * step, turn.start + (k + 1) * step, tok), turn.speaker)
                   for k, tok in enumerate(tokens))
    return out


def role_row(audio: str, ref_json: str, diarizer: Any, settings: Any) -> dict[str, Any]:
    """Roles decided on a recording's speakers (stereo channels, or `diarizer` on mono) with the reference
    words placed on them (no speech recogniser involved), and on the reference text with its speaker labels
    hidden. `word_accuracy` is the share of words given their true role; a call is right above 0.5."""
    from transcribe.formats import load_transcript
    from transcribe.speakers import decide_turn_roles, label_mono_words
    from transcribe.types import Turn

    ref = load_transcript(ref_json)
    segments, method, _ = hypothesis_segments(audio, diarizer)
    words = reference_words(ref)
    hint = voice_check = None
    if settings.voices_dir and method != "stereo channels":  # the agent voice hint (mono calls)
        hint = _voice_hint(audio, segments, settings)
        voice_check = _hint_is_agent(hint.label, [w for w, _ in words], [r for _, r in words], segments)
    labeled, decision = label_mono_words([w for w, _ in words], segments, settings, hint)
    audio_acc = sum(lw.speaker == role for lw, (_, role) in zip(labeled, words)) / max(1, len(words))
    hidden = {"agent": "spk_1", "customer": "spk_0"}  # names that give nothing away
    turns, text_decision = decide_turn_roles(
        [Turn(hidden.get(t.speaker, t.speaker), t.start, t.end, t.text) for t in ref.turns], settings)
    text_acc = sum(a.speaker == b.speaker for a, b in zip(turns, ref.turns)) / max(1, len(turns))
    return {"file": os.path.basename(audio), "method": method, "word_accuracy": round(audio_acc, 4),
            "correct": audio_acc > 0.5, "confidence": decision.confidence,
            "text_only_correct": text_acc > 0.5, "text_only_confidence": text_decision.confidence,
            "voice_hint_correct": voice_check}


def _voice_hint(audio: str, segments: Segments, settings: Any) -> Any:
    from transcribe.audio import decode, mix_down
    from transcribe.speakers import speaker_voice_hint
    from transcribe.voiceprint import load_voiceprints

    with decode(audio) as decoded:  # reads only the speakers' spans (a long recording stays on disk)
        return speaker_voice_hint(mix_down(decoded), segments, load_voiceprints(settings.voices_dir),
                                  settings.voice_margin)


def _hint_is_agent(label: str | None, words: list[Any], roles: list[str], segments: Segments) -> bool | None:
    """Whether the voice hint's speaker label holds mostly the reference agent's words (None: no hint)."""
    if label is None:
        return None
    from transcribe.align import assign_speakers

    mine = [r for lb, r in zip(assign_speakers(words, segments), roles) if lb == label]
    return bool(mine) and sum(r == "agent" for r in mine) > len(mine) / 2

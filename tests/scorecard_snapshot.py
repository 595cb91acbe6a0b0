"""Scorecards of the sample calls (and, when present, the Harper Valley Bank calls) in a form that can be
compared exactly: the fixture `tests/data/scorecards_snapshot.json` was written by this module from the
scoring code as it was BEFORE the speed work (issue 4, P3), and `test_scorecard_snapshot.py` checks that the
current code still produces the very same scorecards.

Variants, each with the LAST and the service rubric:
- `pipeline`: the sample transcript files through `qa.pipeline.call.Pipeline` (sentiment backend "lexicon");
- `folded`: the same turns with their diacritics removed (the folded matching path);
- `words`: the same turns given recognised words (whitespace-split, evenly timed): times from words.
Plus hand-written traps (critical items, escalations, holds, interruptions, gaps, decomposed diacritics, no
agent, empty turns) stored in full, and seeded random calls built from the rubrics' own phrases (mixed case,
punctuation, partly stripped diacritics, overlapping and held turns) stored as one SHA-256 per card, as are
the HVB calls (real role-played bank calls, kept outside the repository).
Regenerate the fixture only when a scoring result is meant to change (a rubric edit, a new rule).

    python tests/scorecard_snapshot.py [HVB_CALLS_DIR]     # rewrites the fixture (only from trusted code!)
"""
from __future__ import annotations

import copy
import glob
import hashlib
import json
import os
import random
import sys
import unicodedata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from qa.config.settings import Settings  # noqa: E402
from qa.pipeline.call import Pipeline  # noqa: E402
from scoring.lexicon import lexicon_sentiment  # noqa: E402
from scoring.rubric import resolve_rubric, score_transcript  # noqa: E402
from transcribe.formats import load_transcript, transcript_from_dict  # noqa: E402
from transcribe.text import strip_diacritics  # noqa: E402
from transcribe.types import Transcript, Word  # noqa: E402

FIXTURE = ROOT / "tests" / "data" / "scorecards_snapshot.json"
SAMPLE_GLOB = str(ROOT / "sample_calls" / "transcripts" / "*.json")
SAMPLE_ROOTS = [str(ROOT / "sample_calls")]  # the sample transcripts name their recordings in ../audio
RUBRICS = ("last", "service")
HVB_CANDIDATES: tuple[Path, ...] = ()  # opt-in only: set CALLQA_HVB_CALLS (the suite never depends on outside data)


def _plain(card: Any) -> Any:
    """A scorecard as plain JSON values (tuples become lists; floats keep their exact repr)."""
    return json.loads(json.dumps(card.to_dict(), ensure_ascii=False, sort_keys=True))


def _digest(card: Any) -> str:
    return hashlib.sha256(json.dumps(_plain(card), sort_keys=True).encode()).hexdigest()


def _folded(t: Transcript) -> Transcript:
    t = copy.deepcopy(t)
    for turn in t.turns:
        turn.text = strip_diacritics(turn.text)
    return t


def _with_words(t: Transcript) -> Transcript:
    t = copy.deepcopy(t)
    for turn in t.turns:
        parts = turn.text.split()
        step = (turn.end - turn.start) / max(1, len(parts))
        turn.words = [Word(round(turn.start + k * step, 3), round(turn.start + (k + 1) * step, 3), w)
                      for k, w in enumerate(parts)]
    return t


def _score(t: Transcript, rubric_name: str) -> Any:
    sentiments = [lexicon_sentiment(turn, t.language) for turn in t.turns]
    return score_transcript(t, sentiments, resolve_rubric(rubric_name))


def sample_cards() -> dict[str, Any]:
    """{"variant/rubric/call_id": scorecard as plain JSON} for every sample call."""
    out: dict[str, Any] = {}
    paths = sorted(glob.glob(SAMPLE_GLOB))
    for rubric_name in RUBRICS:
        settings = Settings()
        settings.sentiment.backend = "lexicon"
        settings.rubric = rubric_name
        settings.audio.allowed_roots = SAMPLE_ROOTS
        settings.privacy.redact = False  # the scoring of the words as said (redaction: tests/test_privacy_redaction.py)
        pipeline = Pipeline(settings)
        for path in paths:
            result = pipeline.process(path)
            out[f"pipeline/{rubric_name}/{result.transcript.call_id}"] = _plain(result.scorecard)
        for path in paths:
            t = load_transcript(path, audio_roots=SAMPLE_ROOTS)
            out[f"folded/{rubric_name}/{t.call_id}"] = _plain(_score(_folded(t), rubric_name))
            out[f"words/{rubric_name}/{t.call_id}"] = _plain(_score(_with_words(t), rubric_name))
    return out


def _call(call_id: str, language: str, turns: list[tuple[str, float, float, str]]) -> Transcript:
    return transcript_from_dict({"call_id": call_id, "language": language, "turns": [
        {"speaker": {"a": "agent", "c": "customer"}.get(w, w), "start": s, "end": e, "text": x}
        for w, s, e, x in turns]})


def _seq(call_id: str, language: str, *turns: tuple[str, str]) -> Transcript:
    return _call(call_id, language, [(w, float(i), i + 0.9, x) for i, (w, x) in enumerate(turns)])


def trap_calls() -> list[Transcript]:
    """Hand-written calls that reach the corners of the scoring code."""
    calls = [
        _seq("abuse_en", "en", ("c", "My order is late, I am upset and I want to speak to a manager."),
             ("a", "Shut up, you IDIOT! There is no stupid question."), ("a", "Sorry, could you repeat that?"),
             ("a", "I'm sorry. I will escalate this to my supervisor. Thank you!")),
        _seq("abuse_vi", "vi", ("c", "Tôi rất bực mình, tôi muốn gặp quản lý."), ("a", "Chị im đi, đồ ngu. Không ngu."),
             ("a", "Xin lỗi, chị nói lại giúp em được không? Em xin lỗi chị, em sẽ báo lên quản lý."),
             ("a", "Chi im di, do ngu. Em cam on chi.")),
        _seq("nfd_vi", "vi", ("c", unicodedata.normalize("NFD", "Hàng giao chậm, tôi rất thất vọng.")),
             ("a", unicodedata.normalize("NFD", "Dạ em hiểu là hàng giao chậm, đúng không ạ? Em rất tiếc."))),
        _seq("gaps", "en", ("c", "I was charged twice, this is unacceptable!"),
             ("a", "Sorry, I did not quite catch that, can you say that again please?"),
             ("a", "Sorry but there is nothing I can do, call back later. No thanks needed."),
             ("a", "Sorry... sorry, sorry: I'll try; I will not; I will have to; you won't get it.")),
        _seq("gaps_vi", "vi", ("c", "Tôi bị trừ tiền hai lần, khiếu nại lên ngay."),
             ("a", "Xin lỗi anh, cho em hỏi số tài khoản của anh là gì ạ?"),
             ("a", "Xin lỗi nếu anh cảm thấy như vậy. Rất tiếc nhưng không được."),
             ("a", "xin loi anh nhieu, em se hoan tien, em hieu la anh bi tru tien hai lan dung khong a")),
        _call("holds", "en", [("a", 0.0, 3.0, "Hello, this is Anna, thank you for calling."),
                              ("c", 2.0, 8.0, "My card is broken and I am frustrated, I want a refund."),
                              ("a", 3.0, 4.5, "Uh-huh, okay."), ("a", 5.0, 7.0, "What is your card number?"),
                              ("c", 8.5, 10.0, "Five five one."),
                              ("a", 10.5, 12.0, "Please hold while I check your account."),
                              ("a", 95.0, 99.0, "Thanks for waiting. I have sent a new card."),
                              ("c", 99.5, 101.0, "Great, thank you so much, that is perfect.")]),
        _call("mixed_speakers", "vi", [("spk_0", 0.0, 1.0, "Alô, em chào chị."), ("a", 1.0, 2.0, ""),
                                          ("c", 2.0, 3.0, "..."), ("a", 3.0, 4.0, "ok ok ok"),
                                          ("c", 4.0, 30.0, "still not arrived, vẫn chưa nhận được hàng")]),
        _seq("customer_only", "en", ("c", "Hello? I want to file a complaint. Your manager please."),
             ("c", "Thanks for nothing.")),
        _seq("digits_underscores", "en", ("c", "Order 12_34 is late!!! 5 days"),
             ("a", "Just_to confirm: order 1234? I'll refund it; you'll receive it by 5pm. THANKS")),
    ]
    empty = _seq("empty", "en", ("a", "x"))
    empty.turns = []
    return calls + [empty]


def random_calls(n: int = 120, seed: int = 4) -> list[Transcript]:
    """Seeded random calls made of the rubrics' phrases and filler words (deterministic for a seed)."""
    rng = random.Random(seed)
    vocab: list[str] = ["the", "order", "card", "a", "em", "chị", "anh", "hàng", "giao", "tiền", "ok", "is", "you"]
    phrases: list[str] = []
    for name in RUBRICS:
        r = resolve_rubric(name)
        lists = [r.problem_cues, r.escalation.get("requested", {}), r.escalation.get("performed", {})]
        for c in r.criteria + r.critical:
            lists += [c.phrases, c.exclude, c.against]
            lists += [v for spec in c.rules for v in spec.params.values() if isinstance(v, dict)]
        phrases += sorted({p.replace("*", rng.choice(["", "well", "ờ em"])) for d in lists for v in d.values() for p in v})
    out = []
    for k in range(n):
        turns, t = [], 0.0
        for _ in range(rng.randint(1, 14)):
            words = []
            for _ in range(rng.randint(0, 5)):
                words.append(rng.choice(phrases) if rng.random() < 0.6 else rng.choice(vocab))
                if rng.random() < 0.3:
                    words.append(rng.choice([",", ".", "?", "!", " -", "..."]))
            text = " ".join(words)
            if rng.random() < 0.25:
                text = strip_diacritics(text)
            elif rng.random() < 0.2:
                text = " ".join(strip_diacritics(w) if rng.random() < 0.5 else w for w in text.split())
            if rng.random() < 0.2:
                text = text.upper() if rng.random() < 0.5 else text.title()
            start = t + rng.choice([-1.5, -0.3, 0.2, 0.5, 1.0, 25.0, 70.0])
            end = max(start, 0.0) + rng.uniform(0.0, 6.0)
            turns.append((rng.choice("aac"), max(start, 0.0), end, text))
            t = end
        out.append(_call(f"rnd{k:03d}", rng.choice(["en", "vi"]), turns))
    return out


def extra_cards() -> tuple[dict[str, Any], dict[str, str]]:
    """Trap calls in full and random calls as digests, each with and without diacritics, both rubrics."""
    full: dict[str, Any] = {}
    digests: dict[str, str] = {}
    traps, rnd = trap_calls(), random_calls()
    for rubric_name in RUBRICS:
        for t in traps:
            full[f"traps/{rubric_name}/{t.call_id}"] = _plain(_score(t, rubric_name))
            full[f"traps_folded/{rubric_name}/{t.call_id}"] = _plain(_score(_folded(t), rubric_name))
        for t in rnd:
            digests[f"random/{rubric_name}/{t.call_id}"] = _digest(_score(t, rubric_name))
            digests[f"random_words/{rubric_name}/{t.call_id}"] = _digest(_score(_with_words(t), rubric_name))
    return full, digests


def hvb_dir() -> Path | None:
    env = os.environ.get("CALLQA_HVB_CALLS")
    for cand in ([Path(env)] if env else []) + list(HVB_CANDIDATES):
        if cand.is_dir() and glob.glob(str(cand / "*.json")):
            return cand
    return None


def hvb_digests(folder: Path) -> dict[str, str]:
    """{"variant/rubric/call_id": SHA-256 of the scorecard} for the HVB calls (plain and folded)."""
    out: dict[str, str] = {}
    for path in sorted(glob.glob(str(folder / "*.json"))):
        t = load_transcript(path)
        for rubric_name in RUBRICS:
            out[f"plain/{rubric_name}/{t.call_id}"] = _digest(_score(t, rubric_name))
            out[f"folded/{rubric_name}/{t.call_id}"] = _digest(_score(_folded(t), rubric_name))
    return out


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else hvb_dir()
    traps, rnd = extra_cards()
    data = {"samples": sample_cards(), "traps": traps, "random": rnd, "hvb": hvb_digests(folder) if folder else {}}
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=0) + "\n", encoding="utf-8")
    print(f"{FIXTURE}: {len(data['samples'])} sample cards, {len(traps)} trap cards, {len(rnd)} random digests, "
          f"{len(data['hvb'])} HVB digests")


if __name__ == "__main__":
    main()

"""Why a criterion got its result, as a code and its values: the English text stored with every result
(`reason`) is made from one template per code here, and `parse` recovers the code and values from a stored
text, so the reviewer app can show the same reason in another language (qa.i18n `reason_<code>`), also for
results stored before the codes existed.

A value marked `!r` in a template is quoted words from the call (Python's repr, which `parse` undoes)."""
from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache

TEMPLATES: dict[str, str] = {
    # a criterion that does not apply to this call (`na_when` in the rubric)
    "na_no_problem": "the customer raised no problem or complaint and was not kept on a long hold",
    "na_not_upset": "the customer was not upset",
    "na_no_hold": "there was no hold",
    "na_no_escalation_request": "the customer did not ask for a supervisor or an escalation",
    "no_speech": "no speech in the call",
    # pass
    "agent_said": "agent said {text!r} (turn {turn})",
    # fail
    "rule_failed": "{rule}: {phrase} — {n} time(s) (turns {turns}); the rubric fails this criterion at {fail_at}",
    "against_found": "no qualifying phrase; {phrase!r}: {text!r} (turn {turn})",
    "not_counted": "{text!r} (turn {turn}) does not count: {phrase!r}",
    "agent_silent": "the agent never spoke",
    "no_phrase": "no agent turn contains a qualifying phrase",
    # critical items
    "critical_said": "critical: agent said {text!r} (turn {turn}) — the whole call fails",
    "critical_not_found": "not found",
    # pass, where the evidence has no words of its own (last: it would read other reasons too)
    "phrase_found": "{phrase} (turn {turn})",
}
# What a context rule (scoring.rules) or the scorer says about one piece of evidence (`Evidence.phrase`); a
# phrase matched from the rubric's lists is the call's own words instead, and no template makes it.
EVIDENCE: dict[str, str] = {
    "restates": "{cue} + the customer's words: {words}",
    "cue_without_restating": "{cue} without restating what the customer said",
    "interrupted": "interrupted the customer ({seconds} s of overlap)",
    "customer_ends": "customer ends {label} ({score})",
    "opening_without": "opening without {missing}",
    "hold_missing": "hold of {seconds} s: agent never {part}",
    "agent_negative": "agent sentiment negative ({score})",
    "voice_louder": "voice {db} dB louder than before",
    "pitch_higher": "pitch {percent}% above before",
    "stayed_calm": "agent stayed calm after the customer got upset ({measured})",
    "reads_back_numbers": "reads back the customer's numbers: {items}",
    "reads_back_words": "reads back the customer's words: {items}",
    "clarifying_options": "clarifying question about the options",
    "clarifying": "clarifying question about {items}",
    "states_outcome": "states the outcome: {found}",
    "gives_information": "gives information: {items}",
    "answers_new_words": "answers with {n} new content words",
    "answer_accepted": "answer the customer accepted (turn {turn})",
    "last_word_deflection": "the agent's last word on the matter is a deflection: {phrase}",
    "raised_again": "the customer raised the matter again and got no outcome",
    "customer_negative": "negative sentiment {score}",
    "customer_on_hold": "customer on hold {seconds} s",
    "hold_part": "{part}: {phrase}",
}
# fixed words inside those phrases, translated by the app (qa.i18n `evw_<words with _>`)
EVIDENCE_WORDS = {"missing": ("a self-introduction", "a greeting", "a greeting or a self-introduction"),
                  "part": ("asks to hold", "ask to hold", "says why", "say why", "thanks for waiting",
                           "thank for waiting"),
                  "label": ("positive", "negative"),
                  "measured": ("sentiment and voice", "sentiment (no audio measured)")}
_NUMBERS = {"seconds": r"-?\d+(?:\.\d+)?", "score": r"-?\d+(?:\.\d+)?", "db": r"[+-]?\d+(?:\.\d+)?",
            "percent": r"[+-]?\d+", "turn": r"\d+", "n": r"\d+", "fail_at": r"\d+", "turns": r"\d+(?:, \d+)*"}

_FIELD = re.compile(r"\{(\w+)(!r)?\}")


def reason(code: str, **values: object) -> str:
    """The English reason text for `code` with `values` (KeyError for an unknown code: a programming error)."""
    return TEMPLATES[code].format(**values)


@dataclass(frozen=True)
class Reason:
    """A stored reason read back: its code and values (strings; quoted words unquoted)."""

    code: str
    values: dict[str, str]


@cache
def _patterns(table: str = "reasons") -> list[tuple[str, re.Pattern[str], frozenset[str]]]:
    out = []
    for code, template in (TEMPLATES if table == "reasons" else EVIDENCE).items():
        parts, quoted, pos = ["^"], set(), 0
        for m in _FIELD.finditer(template):
            parts.append(re.escape(template[pos:m.start()]))
            name = m.group(1)
            if m.group(2):
                quoted.add(name)
                parts.append(rf"(?P<{name}>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
            elif table != "reasons" and name in EVIDENCE_WORDS:
                parts.append(rf"(?P<{name}>{'|'.join(map(re.escape, EVIDENCE_WORDS[name]))})")
            else:
                parts.append(rf"(?P<{name}>{_NUMBERS.get(name, '.+?')})")
            pos = m.end()
        parts.append(re.escape(template[pos:]) + "$")
        out.append((code, re.compile("".join(parts), re.DOTALL), frozenset(quoted)))
    return out


def parse(text: str, table: str = "reasons") -> Reason | None:
    """The code and values of a stored reason text (`table` "evidence": of an evidence phrase, EVIDENCE), or
    None for a text no template makes (a team's own, an older wording, the call's own words): shown then as it is
    stored."""
    if not text or len(text) > 5000:
        return None
    for code, pattern, quoted in _patterns(table):
        m = pattern.match(text)
        if m is None:
            continue
        values = {}
        for name, value in m.groupdict().items():
            if name in quoted:
                try:
                    value = str(ast.literal_eval(value))
                except (ValueError, SyntaxError):
                    break
            values[name] = value
        else:
            return Reason(code, values)
    return None

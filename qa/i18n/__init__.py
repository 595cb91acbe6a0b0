"""UI text in English and Vietnamese: `t(key, lang, **params)`, `criterion_name`, `reason_text`, `evidence_text`,
`level_name`, `LANGUAGES`, `STRINGS`.

The strings live in one catalog file per language (qa/i18n/en.json, qa/i18n/vi.json, see qa.i18n.catalog and
docs/translations.md), read on first use. Every key exists in every language (tests check it); numbers and
dates shown to people are formatted per language by qa.i18n.format (Babel)."""
from __future__ import annotations

from collections.abc import Iterator, Mapping

from qa.i18n.catalog import catalog, catalog_path
from scoring import messages

LANGUAGES = {"en": "English", "vi": "Tiếng Việt"}  # code (also the Babel locale) -> name shown in the picker
DEFAULT_LANGUAGE = "en"


def language(lang: str) -> str:
    """`lang` when the app has it, else English (an unknown language code shows the English UI)."""
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


class _Strings(Mapping[str, Mapping[str, str]]):
    """language -> its read-only catalog, each loaded on first access (`STRINGS["vi"]["title"]`)."""

    def __getitem__(self, lang: str) -> Mapping[str, str]:
        if lang not in LANGUAGES:
            raise KeyError(lang)
        return catalog(lang)

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)

    def __repr__(self) -> str:
        return f"<UI strings of {', '.join(LANGUAGES)}>"


STRINGS: Mapping[str, Mapping[str, str]] = _Strings()


class MissingString(KeyError):
    """A key that the catalog of a supported language lacks: a programming error (tests find it), never shown
    in English instead."""

    def __init__(self, key: str, lang: str) -> None:
        super().__init__(f"UI string {key!r} is missing from {catalog_path(lang)}: add it there (and to every "
                         "other language's catalog)")
        self.key, self.lang = key, lang


def has(key: str, lang: str) -> bool:
    """Whether `key` is a UI string (in the catalog of `lang`, English for an unknown language)."""
    return key in catalog(language(lang))


def t(key: str, lang: str = DEFAULT_LANGUAGE, **kwargs: object) -> str:
    """The UI string `key` in `lang` (English when the language is unknown), formatted with kwargs.
    MissingString when the language's catalog lacks the key. Numbers and dates in kwargs should come already
    formatted (qa.i18n.format), so the text shows them the way the language writes them."""
    lang = language(lang)
    try:
        text = catalog(lang)[key]
    except KeyError:
        raise MissingString(key, lang) from None
    return text.format(**kwargs) if kwargs else text


def criterion_name(criterion_id: str, stored_name: str, lang: str) -> str:
    """A criterion's name in `lang` for the built-in criteria; a team's own criteria keep their stored name."""
    return catalog(language(lang)).get(f"crit_{criterion_id}", stored_name)


def reason_text(reason: str, lang: str) -> str:
    """A criterion result's stored reason (English, made by scoring.messages) in `lang`: English as stored; in
    another language from its catalog (`reason_<code>`, rule ids as `rule_<id>`). A reason no template makes (a
    team's own wording) shows as it is stored."""
    lang = language(lang)
    parsed = messages.parse(reason) if lang != DEFAULT_LANGUAGE else None
    if parsed is None:
        return reason
    cat = catalog(lang)
    values = dict(parsed.values)
    if "rule" in values:
        values["rule"] = cat.get(f"rule_{values['rule']}", values["rule"])
    if "phrase" in values:
        values["phrase"] = evidence_text(values["phrase"], lang)
    return cat[f"reason_{parsed.code}"].format(**values)


def evidence_text(phrase: str, lang: str) -> str:
    """What a context rule says about a piece of evidence (`Evidence.phrase`, made by scoring.messages.EVIDENCE)
    in `lang`; a phrase matched from the rubric's lists (the call's own words) shows as it is."""
    lang = language(lang)
    parsed = messages.parse(phrase, "evidence") if lang != DEFAULT_LANGUAGE else None
    if parsed is None:
        return phrase
    cat = catalog(lang)
    values = {k: cat.get("evw_" + v.replace(" ", "_"), v) if k in messages.EVIDENCE_WORDS else v
              for k, v in parsed.values.items()}
    if "phrase" in values:
        values["phrase"] = evidence_text(values["phrase"], lang) if values["phrase"] != phrase else values["phrase"]
    return cat[f"ev_{parsed.code}"].format(**values)


def level_name(level: int | None, stored: str | None, lang: str) -> str | None:
    """A service level's name in `lang`: the six levels of the practice by their catalog names where the rubric
    uses the standard English name; a rubric's own name for a level shows as stored."""
    if level is None or not stored:
        return stored
    standard = catalog(DEFAULT_LANGUAGE).get(f"level_{level}")
    if standard is None or standard.casefold() != stored.strip().casefold():
        return stored
    return catalog(language(lang))[f"level_{level}"]


# a scorecard flag's kind -> how much it matters to a reviewer (the call page shows "info" ones quietly)
FLAG_SEVERITY = {"critical_failure": "error", "escalation": "warning", "low_confidence_turns": "warning",
                 "roles_uncertain": "warning", "low_confidence": "warning", "no_speech": "error",
                 "no_agent_speech": "error", "sentiment_lexicon_fallback": "info"}


def flag_text(flag: str, lang: str, critical_names: Mapping[str, str] | None = None) -> tuple[str, str]:
    """A scorecard flag ("critical_failure:rude", "low_confidence_turns:3", "escalation:requested") as a reviewer
    reads it: (short label, what it means), in `lang`. `critical_names`: critical item id -> its name in `lang`.
    An unknown flag shows as it is stored."""
    kind, _, value = flag.partition(":")
    cat = catalog(language(lang))
    if f"flag_{kind}" not in cat:
        return flag, ""
    if kind == "critical_failure":
        value = (critical_names or {}).get(value, value)
    elif kind == "escalation":
        value = cat.get(f"flag_escalation_{value}", value)
    elif kind == "sentiment_lexicon_fallback":
        value = LANGUAGES.get(value, value)
    return cat[f"flag_{kind}"].format(value=value), cat.get(f"flag_{kind}_help", "")

"""UI strings of the call view, overrides, coaching, assessments and the agent's view, in English and Vietnamese (merged into qa.i18n.STRINGS)."""

STRINGS: dict[str, dict[str, str]] = {
    "en": {
    },
    "vi": {
    },
}

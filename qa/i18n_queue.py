"""UI strings of the review queue, sampling and the dashboard, in English and Vietnamese (merged into qa.i18n.STRINGS)."""

STRINGS: dict[str, dict[str, str]] = {
    "en": {
    },
    "vi": {
    },
}

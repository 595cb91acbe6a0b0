"""UI strings of calibration sessions and agreement, in English and Vietnamese (merged into qa.i18n.STRINGS)."""

STRINGS: dict[str, dict[str, str]] = {
    "en": {
    },
    "vi": {
    },
}

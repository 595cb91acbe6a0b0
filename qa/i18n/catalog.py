"""The UI string catalogs: one JSON file per language in this package (en.json, vi.json), read on first use.

A catalog file is a JSON object of areas ("core", "app", "auth", "queue", "review", "calibration"), each an
object of key -> text. Areas only group the file for people; keys are one flat namespace, so a key may appear in
one area only. `catalog(lang)` is the flat, read-only table of one language."""
from __future__ import annotations

import json
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

from transcribe.errors import InputError

PACKAGE = "qa.i18n"


def catalog_path(lang: str) -> str:
    """Where the catalog of `lang` lives (for messages and docs), e.g. qa/i18n/vi.json."""
    return f"qa/i18n/{lang}.json"


def parse_catalog(text: str, where: str) -> dict[str, str]:
    """The flat key -> text table of the catalog file `where` whose content is `text`; InputError naming the
    file and the fault when it is not an object of areas of key -> non-empty text, or a key is in two areas."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(where, f"is not valid JSON ({exc})", "fix the syntax at that line and column") from None
    if not isinstance(data, dict):
        raise InputError(where, "must be a JSON object of areas (e.g. {\"core\": {...}})",
                         "put every key inside an area object")
    flat: dict[str, str] = {}
    first_area: dict[str, str] = {}
    for area, table in data.items():
        if not isinstance(table, dict):
            raise InputError(where, f"area {area!r} must be an object of key -> text",
                             "put the key and text pairs inside the area's braces")
        for key, text_ in table.items():
            if not isinstance(text_, str) or not text_.strip():
                raise InputError(where, f"{area}.{key} must be a non-empty string", "write the text in quotes")
            if key in flat:
                raise InputError(where, f"key {key!r} is in both {first_area[key]!r} and {area!r}",
                                 "keep it in one area (keys are one namespace)")
            flat[key] = text_
            first_area[key] = area
    return flat


@cache
def catalog(lang: str) -> Mapping[str, str]:
    """The read-only key -> text table of `lang`, read from its package file once (then cached).
    InputError when the language has no catalog file or the file is malformed."""
    source = resources.files(PACKAGE).joinpath(f"{lang}.json")
    if not source.is_file():
        raise InputError(catalog_path(lang), f"there is no UI catalog for language {lang!r}",
                         "add the file (copy en.json and translate it) and the language to qa.i18n.LANGUAGES")
    return MappingProxyType(parse_catalog(source.read_text(encoding="utf-8"), catalog_path(lang)))

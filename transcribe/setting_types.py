"""Value types the settings dataclasses are declared with; pydantic checks them when settings are loaded.

The section dataclasses (`AsrSettings`, `DiarizationSettings`, `RoleSettings`, `SentimentSettings`,
`BatchSettings`, `AudioSettings`) are plain stdlib dataclasses that the stages receive. Their field annotations
carry the rules as `Annotated` metadata (type, range, choices as `Literal`), and `SETTINGS_CONFIG` (their
`__pydantic_config__`) refuses unknown keys and infinite/NaN numbers; `qa.config.settings` validates YAML,
command-line and environment values against them with one pydantic `TypeAdapter`.

Every type is strict: "five" is not a whole number, "abc" is not a number, true is not a number, a list is not
text. A whole number is accepted where a number is expected (YAML `turn_gap: 2`) and stored as a float.
Constructing a dataclass in code checks nothing (the loader does); `__post_init__` keeps only normalisation and
checks between fields.
"""
from __future__ import annotations

from typing import Annotated, Any

from annotated_types import Ge, Gt, Interval, Le, MinLen
from pydantic import BeforeValidator, ConfigDict, Strict

SETTINGS_CONFIG = ConfigDict(extra="forbid", allow_inf_nan=False)


class Unit:
    """What a number counts (e.g. "seconds"); named in error messages and docs, ignored by pydantic."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Unit({self.name!r})"


class Expect:
    """A hand-written expectation for error messages and docs where the derived one would be unclear."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"Expect({self.text!r})"


Flag = Annotated[bool, Strict()]
Text = Annotated[str, Strict()]
Name = Annotated[str, Strict(), MinLen(1)]                       # model ids, devices, rubric names, folders
Whole = Annotated[int, Strict()]
Count = Annotated[int, Strict(), Ge(1)]                          # beam_size, batch_size, workers, speakers, ...
Number = Annotated[float, Strict()]
Seconds = Annotated[float, Strict(), Ge(0), Unit("seconds")]
Probability = Annotated[float, Strict(), Interval(ge=0, le=1)]


def one_or_many(value: Any) -> Any:
    """A single number as a one-item list (`temperature: 0.0` means `[0.0]`); anything else unchanged."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return [float(value)]
    return value


Temperatures = Annotated[list[Annotated[float, Strict(), Ge(0)]], BeforeValidator(one_or_many), MinLen(1),
                         Expect("a number >= 0 or a non-empty list of numbers >= 0")]

__all__ = ["SETTINGS_CONFIG", "Count", "Expect", "Flag", "Ge", "Gt", "Interval", "Le", "MinLen", "Name", "Number",
           "Probability", "Seconds", "Temperatures", "Text", "Unit", "Whole", "one_or_many"]

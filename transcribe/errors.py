"""Errors a person can act on: which file, what is wrong, what to do."""
from __future__ import annotations

from typing import Any


class CallQAError(Exception):
    """Base error: `path` (the file concerned), `problem` (what is wrong), `fix` (what to do about it), in
    English (the command line and the logs show `message`).

    An error the app may show also names its case: `key` (stable, e.g. "user_exists") and `params` (the values
    its message needs). The app shows the UI string `i18n_key` (`key_prefix` + `key`, e.g. "err_user_exists")
    filled with `params`, in the viewer's language; an error without a key is shown as `message`."""

    key_prefix = "err_"

    def __init__(self, path: str | None, problem: str, fix: str = "", *, key: str | None = None,
                 **params: Any) -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.fix = fix
        self.key = key
        self.params = params
        super().__init__(self.message)

    @property
    def i18n_key(self) -> str | None:
        """The UI string of this error (None: it has no key; show `message`)."""
        return f"{self.key_prefix}{self.key}" if self.key else None

    @property
    def message(self) -> str:
        where = f"{self.path}: " if self.path else ""
        tail = f" — {self.fix}" if self.fix else ""
        return f"{where}{self.problem}{tail}"


class InputError(CallQAError):
    """An input file (audio, transcript, rubric, settings) cannot be used as it is."""


class ModelUnavailable(CallQAError):
    """A model named in the settings cannot be loaded (not downloaded, offline, or broken)."""

    def __init__(self, model: str, setting: str, problem: str, fix: str = "") -> None:
        self.model = model
        self.setting = setting
        super().__init__(None, problem, fix)


def yaml_error(path: str, exc: Exception, fix: str = "fix the YAML syntax (indentation, quotes, colons)") -> InputError:
    """An `InputError` for a YAML file that does not parse, with the line where the parser stopped."""
    mark = getattr(exc, "problem_mark", None)
    line = f"line {mark.line + 1}: " if mark else ""
    return InputError(path, f"{line}not valid YAML ({getattr(exc, 'problem', exc)})", fix)

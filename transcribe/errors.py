"""Errors a person can act on: which file, what is wrong, what to do."""
from __future__ import annotations


class CallQAError(Exception):
    """Base error: `path` (the file concerned), `problem` (what is wrong), `fix` (what to do about it)."""

    def __init__(self, path: str | None, problem: str, fix: str = "") -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.fix = fix
        super().__init__(self.message)

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

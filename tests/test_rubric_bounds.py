"""Hostile rubric files are refused at load with the file, the line and what to do — never a traceback, a hang or
memory blown up: NaN/inf weights, YAML alias bombs and self-references, non-UTF-8 text, too many '*' gaps, and
files far too large to be a rubric. `callqa check-rubric` and `callqa score --rubric` use the same loader."""
from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from scoring.rubric_schema import MAX_GAPS, load_rubric
from transcribe.errors import InputError

LAST = Path(str(resources.files("rubrics") / "last.yaml")).read_text(encoding="utf-8")
ROOT = Path(__file__).resolve().parent.parent


def write(tmp_path, text: str, name: str = "r.yaml") -> str:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return str(p)


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", ".NaN"])
def test_a_weight_that_is_not_a_finite_number_is_refused(tmp_path, value):
    text = LAST.replace("weight: 25", f"weight: {value}", 1)
    assert text != LAST
    with pytest.raises(InputError, match="expected a finite number|expected a positive number"):
        load_rubric(write(tmp_path, text))


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))


def test_a_billion_laughs_file_is_refused_at_once_through_the_cli(tmp_path):
    path = write(tmp_path, BOMB)
    proc = subprocess.run([sys.executable, "-m", "qa.cli", "check-rubric", path], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)  # a guard against the old hang, not a speed figure
    assert proc.returncode != 0 and "anchors and aliases" in proc.stderr and "Traceback" not in proc.stderr


def test_a_self_referencing_alias_is_refused(tmp_path):
    with pytest.raises(InputError, match="line 1: YAML anchors and aliases"):
        load_rubric(write(tmp_path, "&loop [*loop]\n"))


def test_a_rubric_that_is_not_utf8_is_refused(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes(LAST.replace("cảm ơn", "caf\u00e9").encode("utf-8").replace(b"caf\xc3\xa9", b"caf\xe9"))
    with pytest.raises(InputError, match="is not UTF-8 text"):
        load_rubric(str(p))


def test_a_phrase_with_too_many_gaps_is_refused(tmp_path):
    phrase = " * ".join(["sorry"] * 15)  # 14 gaps: matching would be exponential in them
    text = LAST.replace("en: [", f"en: [\"{phrase}\", ", 1)
    with pytest.raises(InputError, match=f"14 '\\*' gaps; at most {MAX_GAPS}"):
        load_rubric(write(tmp_path, text))


def test_a_file_far_too_large_for_a_rubric_is_refused(tmp_path):
    with pytest.raises(InputError, match="a rubric file is at most"):
        load_rubric(write(tmp_path, LAST + "#" + "x" * 1_100_000 + "\n"))


def test_the_shipped_rubrics_still_load():
    for name in ("last.yaml", "service.yaml"):
        load_rubric(str(resources.files("rubrics") / name))

"""A database that is damaged, cut short, unreadable or held by another process gives a message a person can act
on — in the CLI and in the app, in the viewer's language — never a traceback; nothing stored is changed."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from apphelp import run_app, sample_store
from click.testing import CliRunner

from qa.cli import main
from qa.i18n import t
from qa.store.database import Store
from transcribe.errors import InputError


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("dberr") / "template.duckdb")


def damaged_copies(template, folder):
    data = Path(template).read_bytes()
    garbage = folder / "garbage.duckdb"
    garbage.write_bytes(os.urandom(8192))
    cut = folder / "cut.duckdb"
    cut.write_bytes(data[: len(data) // 3])
    return [garbage, cut]


@pytest.mark.parametrize("which", [0, 1])
def test_cli_names_a_damaged_database_and_says_how_to_restore(template, tmp_path, which):
    path = damaged_copies(template, tmp_path)[which]
    # a file cut short still opens; the commands that read the lost part of it say so
    for args in (["list"], ["show", "vi_request"]) + ((["status"],) if which == 0 else ()):
        res = CliRunner().invoke(main, [*args, "--db", str(path)])
        assert res.exit_code == 1, (args, res.output)
        assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
        assert str(path) in res.output and "backup" in res.output and "Traceback" not in res.output, res.output


def test_app_explains_a_damaged_database_in_vietnamese(template, tmp_path):
    path = damaged_copies(template, tmp_path)[0]
    at = run_app(str(path))
    at.sidebar.radio(key="ui_lang").set_value("vi")
    at = run_app(str(path), at=at)
    assert not at.exception
    assert [e.value for e in at.error] == [t("err_db_damaged", "vi")]


HOLD = textwrap.dedent("""
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
""")


def test_a_database_held_by_another_process_is_busy_not_a_traceback(template, tmp_path, monkeypatch):
    path = tmp_path / "busy.duckdb"
    shutil.copy(template, path)
    before = os.path.getsize(path)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path), "30"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        t0 = time.monotonic()
        with pytest.raises(InputError) as exc:
            Store(str(path), lock_timeout=0.3)
        assert time.monotonic() - t0 < 20
        assert exc.value.key == "db_busy" and "is busy" in exc.value.message, exc.value.message
        monkeypatch.setenv("CALLQA_DB_LOCK_TIMEOUT", "0.3")
        res = CliRunner().invoke(main, ["list", "--db", str(path)])
        assert res.exit_code == 1 and "is busy" in res.output and "try again in a moment" in res.output, res.output
    finally:
        holder.kill()
        holder.wait()
    assert os.path.getsize(path) == before
    assert Store(str(path)).get_call("vi_request") is not None, "nothing stored was lost"

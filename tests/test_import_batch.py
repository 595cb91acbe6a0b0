"""A folder of mixed files: every format is imported, every file left out is counted with its reason, and a bad
file fails alone with its reason while the others are scored."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from click.testing import CliRunner

from qa.batch.discover import scan
from qa.batch.run import run_batch
from qa.batch.state import recent_runs
from qa.cli import main
from qa.config.settings import Settings
from qa.store.database import Store

DATA = Path(__file__).parent / "data" / "imports"
SAMPLES = ("amazon_channels.json", "amazon_speaker_labels.json", "azure_hello.json", "transcript_turns.csv",
           "vttjs_voice_spans.vtt", "webvtt_py_sample.srt", "webvtt_py_teams.vtt", "whisperx_trimit.json")


def mixed_folder(root: Path) -> Path:
    folder = root / "calls"
    (folder / "day2").mkdir(parents=True)
    (folder / ".git" / "objects").mkdir(parents=True)
    for name in SAMPLES:
        shutil.copy(DATA / name, folder / ("day2" if name.endswith(".csv") else "") / name)
    (folder / "notes.txt").write_text("not a call", encoding="utf-8")
    (folder / "README").write_text("about these calls", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / ".git" / "HEAD").write_text("ref: main", encoding="utf-8")
    (folder / ".git" / "objects" / "ab").write_bytes(b"x")
    (folder / "day2" / "broken.vtt").write_text("no header line\n\n00:01.000 --> 00:02.000\nhi\n", encoding="utf-8")
    (folder / "day2" / "other.json").write_text('{"rows": []}', encoding="utf-8")
    return folder


def settings() -> Settings:
    s = Settings()
    s.sentiment.backend = "lexicon"
    s.imports.language = "en"
    return s


def test_scan_counts_every_file_it_leaves_out_with_its_reason(tmp_path):
    folder = mixed_folder(tmp_path)
    got = scan([str(folder)])
    assert len(got.files) == len(SAMPLES) + 2
    assert {os.path.basename(f) for f in got.files} >= set(SAMPLES) | {"broken.vtt", "other.json"}
    assert dict(got.reasons()) == {"inside a hidden folder": 2, "hidden file": 1,
                                   "not a recording or transcript (.txt)": 1,
                                   "not a recording or transcript (no extension)": 1}
    assert {s.key for s in got.skipped} == {"hidden_folder", "hidden_file", "not_media"}
    total = sum(len(files) for _, _, files in os.walk(folder))
    assert len(got.files) + len(got.skipped) == total  # every file is either scored or counted


def test_a_named_file_is_kept_even_with_another_extension(tmp_path):
    f = tmp_path / "x.txt"
    f.write_text("x")
    assert scan([str(f)]).files == [str(f)] and not scan([str(f)]).skipped


def test_mixed_folder_imports_each_format_and_bad_files_fail_alone(tmp_path):
    folder = mixed_folder(tmp_path)
    store = Store(str(tmp_path / "qa.duckdb"))
    report = run_batch([str(folder)], settings(), store)
    assert len(report.done) == len(SAMPLES)
    reasons = {os.path.basename(o.path): o.reason or "" for o in report.failed}
    assert set(reasons) == {"broken.vtt", "other.json"}
    assert reasons["broken.vtt"].startswith("is not valid WebVTT (Invalid format) — expected WebVTT captions")
    assert reasons["other.json"].startswith("is JSON in no format callqa reads (top level: rows)")
    assert report.files_line() == (
        f"{len(SAMPLES) + 7} file(s): {len(SAMPLES)} imported, 2 failed, 5 skipped (2 inside a hidden folder, "
        "1 hidden file, 1 not a recording or transcript (.txt), 1 not a recording or transcript (no extension))")
    s = report.summary
    assert s and s.n_files == len(SAMPLES) + 7 and s.n_skipped == 5 and s.n_done == len(SAMPLES)
    run = recent_runs(store, 1)[0]
    assert (run["n_files"], run["n_done"], run["n_failed"], run["n_skipped"]) == (len(SAMPLES) + 7, len(SAMPLES), 2, 5)


def test_second_run_counts_done_files_as_skipped_with_their_reason(tmp_path):
    folder = mixed_folder(tmp_path)
    store = Store(str(tmp_path / "qa.duckdb"))
    run_batch([str(folder)], settings(), store)
    again = run_batch([str(folder)], settings(), store)
    line = again.files_line()
    assert line.startswith(f"{len(SAMPLES) + 7} file(s): 0 imported, ")
    assert f"{len(SAMPLES)} already done (same content)" in line and "1 hidden file" in line


def test_cli_score_prints_the_files_line(tmp_path):
    folder = mixed_folder(tmp_path)
    cfg = tmp_path / "s.yaml"
    cfg.write_text("sentiment: {backend: lexicon}\nimports: {language: en}\n", encoding="utf-8")
    run = CliRunner().invoke(main, ["score", str(folder), "--db", str(tmp_path / "qa.duckdb"), "--config", str(cfg),
                                    "--quiet"])
    assert run.exit_code == 1, run.output  # two files failed, each with its reason
    assert f"{len(SAMPLES) + 7} file(s): {len(SAMPLES)} imported, 2 failed, 5 skipped (2 inside a hidden folder" \
        in run.output
    assert "broken.vtt: is not valid WebVTT" in run.output
    status = CliRunner().invoke(main, ["status", "--db", str(tmp_path / "qa.duckdb")])
    assert f"{len(SAMPLES)} done, 2 failed, 5 skipped of {len(SAMPLES) + 7}" in status.output


def test_failed_files_skipped_on_a_rerun_are_grouped_in_the_files_line(tmp_path):
    folder = mixed_folder(tmp_path)
    store = Store(str(tmp_path / "qa.duckdb"))
    run_batch([str(folder)], settings(), store)
    line = run_batch([str(folder)], settings(), store).files_line()
    assert "2 failed before (--retry-failed tries again)" in line and "WebVTT" not in line

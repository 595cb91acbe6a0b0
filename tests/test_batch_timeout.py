"""Per-file time limit (`batch.file_timeout`, `--file-timeout`): a file whose decoding hangs ends `failed` with
the reason and the batch goes on, with one worker and with a pool; a named pipe is never opened.

The hang is real: `a_hang.wav` is an FFmpeg concat list ("ffconcat version 1.0") whose one segment is a named
pipe; the decoder probes the file by its content, follows the list and blocks in C opening (or reading) the
pipe, as it would on a stream that stops answering. Every run goes through the `callqa` command in a
subprocess, so a test that hangs fails on its subprocess time-out instead of stalling the suite.
"""
from __future__ import annotations

import errno
import json
import os
import select
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hostile import build_transcripts, transcript

from qa.batch.file_timeout import FileTimeout, call_with_limit
from qa.config.batch import BatchSettings
from qa.config.settings import settings_from_dict
from transcribe.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 3


def callqa(*args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "qa.cli", *args], cwd=ROOT, env=env, text=True,
                          capture_output=True, timeout=timeout)


def open_writer(pipe: Path, wait_s: float = 60.0) -> int | None:
    """Open `pipe` for writing once a reader has it open (None if none comes within `wait_s`)."""
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        try:
            return os.open(pipe, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as exc:
            if exc.errno != errno.ENXIO:  # ENXIO: no reader yet
                raise
            time.sleep(0.02)
    return None


def reader_gone(fd: int, wait_s: float = 60.0) -> bool:
    """Wait until no process has the pipe open for reading (its reader was killed)."""
    poller = select.poll()
    poller.register(fd, select.POLLERR)
    return bool(poller.poll(wait_s * 1000))


@pytest.fixture
def pipes():
    """Named pipes made by a test; at the end any process still blocked on one is let go (its writer
    opens and closes it), so a failing test leaves nothing hanging."""
    made: list[Path] = []

    def make(path: Path) -> Path:
        os.mkfifo(path)
        made.append(path)
        return path

    yield make
    for p in made:
        fd = open_writer(p, 0.2)
        if fd is not None:
            os.close(fd)


def concat_list(path: Path, pipe: Path) -> None:
    """A file FFmpeg reads as a playlist of one segment: `pipe`, a named pipe next to it."""
    path.write_text(f"ffconcat version 1.0\nfile {pipe.name}\n", encoding="utf-8")


def hanging_recording(folder: Path, pipes, name: str = "a_hang.wav") -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    pipe = pipes(folder / (Path(name).stem + ".pipe"))  # not an audio name: the scan does not list it
    concat_list(folder / name, pipe)
    return folder / name, pipe


@pytest.mark.parametrize("workers", [1, 2])
def test_a_hanging_recording_fails_after_the_limit_and_the_batch_goes_on(tmp_path, pipes, workers):
    folder, db = tmp_path / "in", str(tmp_path / "qa.duckdb")
    hang, _ = hanging_recording(folder, pipes)
    names = build_transcripts(folder, 5)  # scored after the hanging file (sorted: "a_hang" < "agent")
    t0 = time.monotonic()
    run = callqa("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "--workers", str(workers),
                 "--file-timeout", str(LIMIT), "-q")
    assert run.returncode == 1, run.stderr
    assert time.monotonic() - t0 < 90
    assert "5 call(s) scored, 1 failed, 1 skipped" in run.stdout, run.stdout + run.stderr  # the .pipe: counted
    assert "7 file(s): 5 imported, 1 failed, 1 skipped (1 not a recording or transcript (.pipe))" in run.stdout
    assert f"{hang}: took longer than {LIMIT} s to score" in run.stderr
    status = callqa("status", "--db", db).stdout
    assert "files: queued 0, running 0, done 5, needs_review 0, failed 1, skipped 0" in status, status
    failed = status.split("failed files:")[1]
    assert str(hang) in failed and f"took longer than {LIMIT} s to score and was stopped" in failed
    assert "batch.file_timeout" in failed and "--file-timeout" in failed and "check the file" in failed
    done = callqa("status", "--db", db, "--status", "done").stdout
    assert all(n in done for n in names)
    # The next night skips the failed file (it is not retried, so it costs no time) unless asked.
    again = callqa("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "--workers",
                   str(workers), "--file-timeout", str(LIMIT), "-q", timeout=60)
    assert again.returncode == 0 and "0 call(s) scored, 0 failed, 7 skipped" in again.stdout, again.stdout


def test_other_files_in_flight_are_scored_again_not_failed(tmp_path, pipes):
    """Two workers: when the hanging file's worker is killed, the pool breaks; the file the other worker was
    scoring at that moment runs again and is done. Its recording (the voice rules of the `service` rubric
    read it) is a concat list on a pipe whose writer lets the first attempt wait and the second one go."""
    folder, db = tmp_path / "in", str(tmp_path / "qa.duckdb")
    _, hang_pipe = hanging_recording(folder, pipes)
    build_transcripts(folder / "more", 4)  # scanned after the top folder's files
    gates = {}
    for name in ("b_wait", "c_slow"):
        gates[name] = pipes(folder / f"{name}.pipe")
        # an audio name (a transcript may only name audio files), hidden so the scan does not list it as a file
        concat_list(folder / f".{name}.wav", gates[name])
        data = transcript(name.replace("_", "-"))
        data["audio"] = f".{name}.wav"
        (folder / f"{name}.json").write_text(json.dumps(data), encoding="utf-8")
    hang_started = threading.Event()
    attempts: list[str] = []
    held: list[int] = []

    def hang_writer() -> None:  # holds the hanging pipe open without writing: the decoder waits in read
        fd = open_writer(hang_pipe)
        if fd is not None:
            held.append(fd)
            hang_started.set()

    def wait_writer() -> None:  # b_wait ends 1.5 s after the hang began: c_slow starts well within the limit
        fd = open_writer(gates["b_wait"])
        hang_started.wait(60)
        time.sleep(1.5)
        if fd is not None:
            os.close(fd)  # end of an empty stream: no voice measures, the call is scored from its transcript

    def slow_writer() -> None:
        for attempt in ("first", "second"):
            fd = open_writer(gates["c_slow"])
            if fd is None:
                return
            attempts.append(attempt)
            if attempt == "first":
                reader_gone(fd)  # its worker was killed with the pool
            os.close(fd)

    threads = [threading.Thread(target=f, daemon=True) for f in (hang_writer, wait_writer, slow_writer)]
    for t in threads:
        t.start()
    try:
        run = callqa("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "--rubric", "service",
                     "--workers", "2", "--file-timeout", str(LIMIT), "-q")
    finally:
        for fd in held:
            os.close(fd)
    for t in threads:
        t.join(5)
    assert run.returncode == 1, run.stderr
    assert "6 call(s) scored, 1 failed, 5 skipped" in run.stdout, run.stdout + run.stderr  # pipes, hidden audio
    assert "(3 not a recording or transcript (.pipe), 2 hidden file)" in run.stdout
    assert attempts == ["first", "second"]  # c_slow was in flight when the pool was killed, and ran again
    assert "other file(s) in flight will be scored again" in run.stderr
    status = callqa("status", "--db", db).stdout
    assert "done 6, needs_review 0, failed 1" in status and f"took longer than {LIMIT} s to score" in status, status


def test_without_a_limit_the_hanging_recording_stalls_the_batch(tmp_path, pipes):
    """The hazard the limit is for: with --file-timeout 0 the run is still stuck on the file."""
    folder, db = tmp_path / "in", str(tmp_path / "qa.duckdb")
    _, pipe = hanging_recording(folder, pipes)
    build_transcripts(folder, 2)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "score", str(folder), "--db", db, "-q",
                             "--sentiment-backend", "lexicon", "--file-timeout", "0"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        fd = open_writer(pipe)  # the decoder has reached the pipe
        assert fd is not None
        time.sleep(LIMIT + 1)
        assert proc.poll() is None  # still waiting on it
        os.close(fd)
    finally:
        proc.kill()
        proc.wait(30)


def test_a_named_pipe_in_the_folder_fails_without_being_opened(tmp_path, pipes):
    folder, db = tmp_path / "in", str(tmp_path / "qa.duckdb")
    build_transcripts(folder, 2)
    fifo = pipes(folder / "dropped-here.wav")
    run = callqa("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "-q", timeout=90)
    assert run.returncode == 1 and "2 call(s) scored, 1 failed" in run.stdout, run.stdout + run.stderr
    status = callqa("status", "--db", db).stdout
    assert str(fifo) in status and "is not a regular file (a named pipe" in status, status


def test_a_read_that_blocks_is_given_up_after_the_limit(tmp_path, pipes):
    pipe = pipes(tmp_path / "p")
    t0 = time.monotonic()
    with pytest.raises(FileTimeout):
        call_with_limit(lambda: Path(pipe).read_bytes(), 0.5)
    assert 0.4 < time.monotonic() - t0 < 5
    assert call_with_limit(lambda: 42, 0.5) == 42 and call_with_limit(lambda: 7, 0) == 7
    with pytest.raises(FileNotFoundError):
        call_with_limit(lambda: (tmp_path / "missing").read_bytes(), 5)


def test_file_timeout_setting():
    assert BatchSettings().file_timeout == 3600.0
    assert BatchSettings(file_timeout=None).file_timeout == 0.0
    assert settings_from_dict({"batch": {"file_timeout": 90}}).batch.file_timeout == 90.0
    for bad in (-1, "1h", True, float("inf")):
        with pytest.raises(InputError, match="batch.file_timeout must be a number of seconds"):
            settings_from_dict({"batch": {"file_timeout": bad}})
    from click.testing import CliRunner

    from qa.cli import main

    run = CliRunner().invoke(main, ["score", "x.json", "--file-timeout", "-5"])
    assert run.exit_code == 2 and "--file-timeout" in run.output


@pytest.mark.slow
def test_ray_engine_kills_the_actor_of_a_hanging_file(tmp_path, pipes):
    """Ray: the actor scoring the hanging file is killed and replaced; the limit counts from when the file was
    handed to its actor, so it is generous here (an actor's first file includes the actor's start)."""
    pytest.importorskip("ray")
    folder, db, limit = tmp_path / "in", str(tmp_path / "qa.duckdb"), 20
    hang, _ = hanging_recording(folder, pipes)
    build_transcripts(folder, 3)
    run = callqa("score", str(folder), "--db", db, "--sentiment-backend", "lexicon", "--engine", "ray",
                 "--workers", "2", "--results-dir", str(tmp_path / "results"), "--file-timeout", str(limit), "-q",
                 timeout=300)
    assert run.returncode == 1, run.stderr
    assert "3 call(s) scored, 1 failed, 1 skipped" in run.stdout, run.stdout + run.stderr  # the .pipe: counted
    assert f"{hang}: took longer than {limit} s to score" in run.stderr

"""The recordings the app plays: only what the product registered at ingest, through the viewer's permission check.

The attack (issue 14, finding 1): a transcript's `"audio"` named `../../etc/passwd`, an absolute path, a link
pointing outside, or the database itself, and the call page's player served that file to any signed-in user.
Here each of those arrives through a real batch and is neither stored as the call's recording nor served; a
legitimate recording next to its transcript is copied into `<db>.media/` and plays.
"""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from apphelp import PASSWORD, run_app
from hostile import transcript, write_wav

from qa.accounts import access
from qa.accounts.access import Viewer
from qa.accounts.auth import add_user
from qa.batch.run import score_files
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.store import media
from qa.store.database import Store

HOSTILE = {  # call_id -> the transcript's "audio" field
    "traversal": "../../../../../../../../etc/passwd",
    "absolute": "/etc/passwd",
    "link-out": "link-out.wav",    # a link beside the transcript, pointing outside the folder
    "database": "qa.duckdb",        # the database beside the transcripts
    "link-db": "link-db.wav",      # a link with an audio name, pointing at the database
    "fake-wav": "notes.wav",       # text with an audio name: resolved, but never registered as a recording
}


def write_call(folder: Path, call_id: str, audio: str | None, agent: str = "agent_lan") -> None:
    data = {**transcript(call_id), "agent_id": agent}
    if audio is not None:
        data["audio"] = audio
    (folder / f"{call_id}.json").write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A batch over a folder holding the hostile transcripts and one good call, its database in that folder."""
    root = tmp_path_factory.mktemp("media")
    inbox = root / "inbox"
    (inbox / "rec").mkdir(parents=True)
    write_wav(root / "outside.wav", 8000, 1, 0.2)  # a real recording, but not the input folder's
    write_wav(inbox / "rec" / "good.wav", 8000, 2, 0.5, tone_channel=0)
    (inbox / "notes.wav").write_text("a text file, not a recording\n", encoding="utf-8")
    db = inbox / "qa.duckdb"
    store = Store(str(db))
    (inbox / "link-out.wav").symlink_to(root / "outside.wav")
    (inbox / "link-db.wav").symlink_to(db)
    for call_id, audio in HOSTILE.items():
        write_call(inbox, call_id, audio)
    write_call(inbox, "good", "rec/good.wav")
    write_call(inbox, "toms-call", "rec/good.wav", agent="agent_tom")
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    jsons = sorted(str(p) for p in inbox.glob("*.json"))  # the .wav files here are recordings, not inputs
    report = score_files(jsons, Pipeline(settings), store)
    assert not report.failed, [o.error for o in report.failed]
    for name, (role, agent) in {"lan": ("agent", "agent_lan"), "sup": ("supervisor", None)}.items():
        add_user(store, name, PASSWORD, role, agent_id=agent)
    return root, inbox, store


def stored(store: Store, call_id: str) -> tuple[str | None, str | None, dict]:
    with store.connect() as con:
        audio_path, key, extra = con.execute("SELECT audio_path, media, extra FROM calls WHERE call_id = ?",
                                             [call_id]).fetchone()
    return audio_path, key, json.loads(extra)


@pytest.mark.parametrize("call_id", sorted(HOSTILE))
def test_a_hostile_audio_reference_is_not_the_calls_recording(site, call_id):
    _, _, store = site
    audio_path, key, extra = stored(store, call_id)
    assert key is None  # nothing registered: nothing the app could serve
    lan = Viewer("lan", "agent", "agent_lan")
    assert access.recording(store, lan, call_id) is None
    if call_id == "fake-wav":  # inside the folder with an audio name: resolved, but its content is not audio
        assert audio_path and audio_path.endswith("notes.wav")
    else:
        assert audio_path is None and extra["audio_refused"].startswith(str(Path(store.path).parent))


def test_the_media_folder_holds_only_the_good_recording_privately(site):
    root, inbox, store = site
    folder = Path(media.media_dir(store.path))
    files = sorted(folder.iterdir())
    good = (inbox / "rec" / "good.wav").read_bytes()
    assert [f.read_bytes() for f in files] == [good]  # one copy, shared by the two calls with that recording
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    _, key, _ = stored(store, "good")
    assert key == files[0].name and key.endswith(".wav")
    for secret in (Path("/etc/passwd"), root / "outside.wav", Path(store.path)):
        content = secret.read_bytes()
        assert all(f.read_bytes() != content for f in files)


def test_the_recording_is_served_only_to_who_may_see_the_call(site):
    _, inbox, store = site
    good = (inbox / "rec" / "good.wav").read_bytes()
    lan, tom = Viewer("lan", "agent", "agent_lan"), Viewer("tom", "agent", "agent_tom")
    assert access.recording(store, lan, "good") == (good, "audio/wav")
    assert access.recording(store, tom, "good") is None  # another agent's call: as if there were none
    assert access.recording(store, tom, "toms-call") == (good, "audio/wav")
    assert access.recording(store, Viewer("x", "nobody"), "good") is None


def test_a_forged_row_cannot_name_a_file(site, tmp_path):
    """Even a row written around the import (an old database, a hand edit) plays nothing but a media file."""
    _, _, store = site
    copy = tmp_path / "qa.duckdb"
    copy.write_bytes(Path(store.path).read_bytes())
    forged = Store(str(copy))
    with forged.connect() as con:
        con.execute("UPDATE calls SET audio_path = '/etc/passwd', media = NULL WHERE call_id = 'traversal'")
        con.execute("UPDATE calls SET media = '../../../../etc/passwd' WHERE call_id = 'absolute'")
        con.execute("UPDATE calls SET media = ? WHERE call_id = 'database'",
                    ["0" * 64 + ".wav"])  # well formed, but no such file
    sup = Viewer("sup", "supervisor")
    assert all(access.recording(forged, sup, c) is None for c in ("traversal", "absolute", "database"))
    os.makedirs(media.media_dir(str(copy)), exist_ok=True)
    os.symlink("/etc/passwd", os.path.join(media.media_dir(str(copy)), "1" * 64 + ".wav"))
    assert media.read(str(copy), "1" * 64 + ".wav") is None  # a link planted in the media folder is not followed


def test_sniff_knows_audio_containers_and_nothing_else():
    assert media.sniff(b"RIFF\x00\x00\x00\x00WAVEfmt ") == "wav"
    assert media.sniff(b"fLaC\x00\x00\x00\x22") == "flac"
    assert media.sniff(b"ID3\x04\x00") == "mp3" and media.sniff(b"\xff\xfb\x90\x00") == "mp3"
    assert media.sniff(b"\x00\x00\x00\x20ftypM4A ") == "m4a" and media.sniff(b"OggS\x00\x02") == "ogg"
    for text in (b"root:x:0:0:root:/root:/bin/bash\n", b"ffconcat version 1.0\n", b"\x00" * 16,
                 b"DUCK\x00\x00\x00\x00", b"SQLite format 3\x00", b""):
        assert media.sniff(text) is None


def test_the_call_page_plays_the_registered_recording_and_nothing_else(site):
    _, _, store = site
    at = run_app(store.path, "lan", query={"page": "call", "call": "good"})
    assert not at.exception
    players = at.get("audio")
    assert len(players) == 1 and players[0].proto.url.endswith(".wav")
    page = " ".join(str(e.proto) for e in at.main)
    root = str(Path(__file__).resolve().parent.parent)  # where the rubric file lives
    assert str(Path(store.path).parent) not in page and root not in page  # no server path is shown to an agent
    sup = run_app(store.path, "sup", query={"page": "call", "call": "good"})
    assert root in " ".join(str(e.proto) for e in sup.main)  # a reviewer still sees which rubric file scored it
    for call_id in sorted(HOSTILE):
        at = run_app(store.path, "lan", query={"page": "call", "call": call_id})
        assert not at.exception and at.header, call_id
        assert not at.get("audio"), call_id
        assert "No recording is linked to this call." in [i.value for i in at.info], call_id
        page = " ".join(str(e.proto) for e in at.main)
        assert "/etc/passwd" not in page and str(Path(store.path).parent) not in page, call_id


def test_an_agent_does_not_get_another_agents_recording_by_url(site):
    _, _, store = site
    at = run_app(store.path, "lan", query={"page": "call", "call": "toms-call"})
    assert not at.exception and not at.get("audio") and not at.header


def test_rescoring_an_old_row_never_registers_its_unchecked_path(site, tmp_path):
    """A call stored by an older version kept whatever path its transcript gave; re-scoring it must not copy
    that file into the media store (only an import, which checks the reference, registers a recording)."""
    from qa.review.rescore import rescore
    from scoring.rubric import resolve_rubric

    root, _, store = site
    copy = tmp_path / "old.duckdb"
    copy.write_bytes(Path(store.path).read_bytes())
    old = Store(str(copy))
    with old.connect() as con:
        con.execute("UPDATE calls SET audio_path = ?, media = NULL WHERE call_id = 'traversal'",
                    [str(root / "outside.wav")])
    assert [r.call_id for r in rescore(old, resolve_rubric("last"), ["traversal"])] == ["traversal"]
    with old.connect() as con:
        assert con.execute("SELECT media FROM calls WHERE call_id = 'traversal'").fetchone()[0] is None
    assert not os.path.exists(media.media_dir(str(copy)))

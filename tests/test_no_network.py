"""No network at run time: scoring recordings (decoding, the VAD's onnxruntime, faster-whisper, pyannote,
transformers sentiment) and the reviewer app (`callqa app`, with a browser-like client fetching its page) run in a
network namespace of their own under strace, and any connection or datagram to an address other than this
machine's loopback fails the test — a DNS lookup of a telemetry host included.

Needs Linux, root (for `unshare -n`), strace and iproute2; in CI a missing tool is an error, not a skip."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOOLS = [shutil.which(t) for t in ("unshare", "strace", "ip")]
MISSING = "needs root, unshare, strace and ip (apt-get install strace iproute2; ./scripts/test.sh does it as root)"
if (None in TOOLS or os.geteuid() != 0) and os.environ.get("CI"):
    raise RuntimeError(MISSING)
NAMESPACES = pytest.mark.skipif(None in TOOLS or os.geteuid() != 0 or not sys.platform.startswith("linux"),
                                reason=MISSING)
ADDRESS = re.compile(r'(?:inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6, "([^"]+)"\))')
LOOPBACK = re.compile(r"^(127\.|::1$|::ffff:127\.)")


def outside_attempts(log: Path) -> list[str]:
    """strace lines of connect/sendto/sendmsg to an AF_INET/AF_INET6 address that is not loopback."""
    bad = []
    for line in log.read_text(errors="replace").splitlines():
        if "AF_INET" not in line or not re.search(r"\b(connect|sendto|sendmsg)\(", line):
            continue
        addresses = [a or b for a, b in ADDRESS.findall(line)]
        if not addresses or any(not LOOPBACK.match(a) for a in addresses):
            bad.append(line.strip())
    return bad


def in_namespace(script: str, log: Path, timeout: float) -> subprocess.CompletedProcess:
    """Run python `script` in a new network namespace (loopback only) under strace, logging network calls."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(PYTHONPATH=str(ROOT), CALLQA_TEST_PYTHON=sys.executable)
    cmd = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec strace -f -qq -e trace=connect,sendto,sendmsg '
           f'-o "{log}" "$CALLQA_TEST_PYTHON" -c "$0"', script]
    return subprocess.run(cmd, cwd=ROOT, env=env, text=True, capture_output=True, timeout=timeout)


@NAMESPACES
def test_the_detector_sees_a_dns_lookup_and_a_connection(tmp_path):
    log = tmp_path / "probe.log"
    proc = in_namespace(textwrap.dedent("""
        import socket
        try:
            socket.getaddrinfo("mobile.events.data.microsoft.com", 443)
        except OSError:
            pass
        s = socket.socket()
        s.settimeout(1)
        try:
            s.connect(("203.0.113.7", 443))
        except OSError:
            pass
        s = socket.socket()
        s.bind(("127.0.0.1", 0)); s.listen(); c = socket.create_connection(s.getsockname())
    """), log, 60)
    assert proc.returncode == 0, proc.stderr
    bad = outside_attempts(log)
    assert any("203.0.113.7" in b for b in bad), bad
    assert not any('"127.0.0.1"' in b for b in bad), "loopback is allowed"


@NAMESPACES
def test_scoring_recordings_makes_no_network_call(tmp_path, samples, tiny_whisper, tiny_sentiment, tiny_pyannote):
    config = tmp_path / "settings.yaml"
    config.write_text(textwrap.dedent(f"""
        asr: {{model: "{tiny_whisper}", beam_size: 1, temperature: [0.0], vad: true, language: en,
              min_language_probability: 0.0, low_confidence_share: 1.0}}  # random weights: score their text anyway
        sentiment: {{backend: transformers, models: {{en: "{tiny_sentiment}", vi: "{tiny_sentiment}"}}}}
        diarization: {{backend: pyannote, model: "{tiny_pyannote}"}}
    """))
    stereo = next((samples / "audio").glob("*.flac"))
    mono = next(p for p in sorted((samples / "audio").glob("*.wav")) if "good" in p.name)
    db = tmp_path / "n.duckdb"
    log = tmp_path / "score.log"
    argv = ["callqa", "score", str(stereo), str(mono), "--config", str(config), "--db", str(db), "-q"]
    script = f"import sys; sys.argv = {argv!r}\nfrom qa.cli import main\nmain()"
    proc = in_namespace(script, log, 900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "2 call(s) scored" in proc.stdout + proc.stderr, "both recordings went through every stage"
    assert outside_attempts(log) == []


@NAMESPACES
def test_redacting_personal_data_makes_no_network_call(tmp_path):
    """Presidio's email check (tldextract's public-suffix list) and phone check (phonenumbers) work offline: the
    suffix list shipped inside tldextract is used, never fetched."""
    import json

    call = tmp_path / "pii.json"
    call.write_text(json.dumps({"call_id": "pii", "language": "en", "turns": [
        {"speaker": "agent", "start": 0.0, "end": 2.0, "text": "Thanks for calling, how can I help?"},
        {"speaker": "customer", "start": 2.5, "end": 6.0,
         "text": "My email is jane.doe@example.co.uk and my number is zero nine one two three four five six seven"
                 " eight, card 4111 1111 1111 1111."}]}))
    config = tmp_path / "settings.yaml"
    config.write_text("sentiment: {backend: lexicon}\n")
    db = tmp_path / "pii.duckdb"
    log = tmp_path / "pii.log"
    argv = ["callqa", "score", str(call), "--config", str(config), "--db", str(db), "-q"]
    proc = in_namespace(f"import sys; sys.argv = {argv!r}\nfrom qa.cli import main\nmain()", log, 600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert outside_attempts(log) == []
    raw = db.read_bytes()
    assert b"jane.doe@example.co.uk" not in raw and b"4111 1111 1111 1111" not in raw


APP = textwrap.dedent("""
    import socket, subprocess, sys, time, urllib.request
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
    app = subprocess.Popen([sys.executable, "-m", "qa.cli", "app", "--db", sys.argv[1], "--port", str(port)])
    # `callqa app` becomes the Streamlit server (exec), so stopping it stops the app: nothing is left running
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10).read()
        assert b"<html" in page.lower()
        time.sleep(8)  # anything the server does once it has served a page
    finally:
        app.terminate(); app.wait(30)
""")


@NAMESPACES
def test_the_app_makes_no_network_call(tmp_path):
    from apphelp import sample_store

    db = sample_store(tmp_path / "app.duckdb")
    log = tmp_path / "app.log"
    script = f"import sys; sys.argv = ['app', {str(db)!r}]\n" + APP
    proc = in_namespace(script, log, 300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert outside_attempts(log) == []


def test_streamlit_run_app_py_uses_the_same_private_options():
    """`streamlit run app.py` from the repository reads .streamlit/config.toml: no usage statistics, loopback only."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["address"] == "127.0.0.1" and config["server"]["headless"] is True

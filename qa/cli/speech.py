"""Speech commands of `callqa`: `eval diarization|asr|roles`, `roles swap`, `models convert`.
Registered on the groups of `qa.cli.group`; `qa.cli` imports this module."""
from __future__ import annotations

import json
import os
import sys

import click

from qa.cli.group import config_option, eval_group, existing_db_option, load, main, models

json_option = click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
end_to_end_option = click.option(
    "--end-to-end", "end_to_end", is_flag=True,
    help="Run the whole speech path on each recording (as a batch would: speech gate, channels or diarization, "
         "recognition, roles) and evaluate the turns it would store.")
backend_option = click.option("--backend", type=click.Choice(["auto", "pyannote", "offline"]), default=None,
                              help="Mono diarization backend (diarization.backend).")


def _pipeline(settings):
    from qa.pipeline.call import Pipeline

    return Pipeline(settings)


def _progress(done: int, total: int, path: str) -> None:
    click.echo(f"[{done}/{total}] {os.path.basename(path)}", err=True)


def _diarizer(settings):
    from transcribe.diarize import make_diarizer

    return make_diarizer(settings.diarization, cache_dir=settings.models_dir)


@eval_group.command(name="diarization")
@click.option("--ref", required=True, help="RTTM file, or a folder of <recording name>.rttm files.")
@click.argument("audio", nargs=-1, required=True)
@config_option
@backend_option
@click.option("--mix", is_flag=True, help="Mix stereo recordings down and diarize them like mono ones.")
@end_to_end_option
@json_option
def eval_diarization(ref: str, audio: tuple[str, ...], config: str | None, backend: str | None, mix: bool,
                     end_to_end: bool, as_json: bool) -> None:
    """Diarization error rate per recording and overall (collar 0.25 s either side, overlap scored).
    Stereo recordings are scored by their channels, mono ones by the configured diarizer; with --end-to-end,
    the stored turns (after recognition and the role decision) are scored."""
    from qa.evaluation.speech import der_rows, hypothesis_segments, rttm_segments

    settings = load(config, {"diarization": {"backend": backend}})
    pairs = []
    if end_to_end:
        from qa.evaluation.end_to_end import METHOD, run_all, turn_segments

        for path in audio:  # every reference found before the first recording is recognised
            rttm_segments(ref, path)
        for st in run_all(_pipeline(settings), list(audio), lambda st: st, _progress):
            pairs.append((os.path.basename(st.path), rttm_segments(ref, st.path), turn_segments(st.transcript),
                          METHOD, st.seconds))
    else:
        diarizer = _diarizer(settings)
        for path in audio:
            hyp, method, seconds = hypothesis_segments(path, diarizer, mix=mix)
            pairs.append((os.path.basename(path), rttm_segments(ref, path), hyp, method, seconds))
    rows, overall = der_rows(pairs)
    if as_json:
        click.echo(json.dumps({"files": [r.__dict__ for r in rows], "overall_der": overall}, indent=2))
        return
    click.echo(f"{'file':<28} {'DER':>6} {'missed':>7} {'false':>7} {'confus.':>7} {'speech':>7}  method")
    for r in rows:
        click.echo(f"{r.file:<28} {r.der:6.3f} {r.missed:7.2f} {r.false_alarm:7.2f} {r.confusion:7.2f} "
                   f"{r.total:7.2f}  {r.method}")
    click.echo(f"{'overall':<28} {overall:6.3f}")


@eval_group.command(name="asr")
@click.option("--ref", required=True, help="Reference transcript JSON or .txt, or a folder of them named after "
                                           "the recordings.")
@click.argument("inputs", nargs=-1, required=True)
@config_option
@click.option("--model", default=None, help="asr.model")
@click.option("--language", type=click.Choice(["auto", "vi", "en", "segment"]), default=None, help="asr.language")
@end_to_end_option
@json_option
def eval_asr(ref: str, inputs: tuple[str, ...], config: str | None, model: str | None, language: str | None,
             end_to_end: bool, as_json: bool) -> None:
    """Word and character error rates of recordings (recognised with asr.model) or of transcript JSON files
    against references. Vietnamese words count syllable by syllable. With --end-to-end, recordings go through
    the whole speech path and the stored turns' words are scored (a call that would go to review is marked)."""
    from qa.evaluation.speech import Totals, error_rates, find_reference, reference_text
    from qa.pipeline.call import is_transcript_file

    settings = load(config, {"asr": {"model": model, "language": language}})
    totals = Totals()
    recognizer = None
    if end_to_end:
        from qa.evaluation.end_to_end import asr_row, run_all

        texts = [p for p in inputs if is_transcript_file(p)]
        if texts:
            raise click.UsageError(f"--end-to-end evaluates recordings; {texts[0]} is a transcript (leave it out, "
                                   "or drop --end-to-end to score transcript files)")
        for path in inputs:  # every reference found before the first recording is recognised
            find_reference(ref, path, (".json", ".txt"))
        totals.rows = run_all(_pipeline(settings), list(inputs),
                              lambda st: asr_row(st, find_reference(ref, st.path, (".json", ".txt"))), _progress)
    for path in inputs if not end_to_end else ():
        ref_path = find_reference(ref, path, (".json", ".txt"))
        if is_transcript_file(path):
            hyp = reference_text(path)
        else:
            from transcribe.asr import Recognizer
            from transcribe.audio import decode

            recognizer = recognizer or Recognizer(settings.asr, cache_dir=settings.models_dir)
            with decode(path) as audio:
                words = [w for ch in audio.channels for w in recognizer.transcribe(ch).words]
            hyp = " ".join(w.text for w in sorted(words, key=lambda w: w.start))
        r = error_rates(reference_text(ref_path), hyp)
        totals.rows.append({"file": os.path.basename(path), **r.__dict__})
    overall = {"wer": totals.overall("word_edits", "ref_words"), "cer": totals.overall("char_edits", "ref_chars")}
    if as_json:
        click.echo(json.dumps({"files": totals.rows, "overall": overall}, ensure_ascii=False, indent=2))
        return
    click.echo(f"{'file':<28} {'WER':>6} {'CER':>6} {'words':>6}")
    for row in totals.rows:
        review = f"  needs review: {row['needs_review']}" if row.get("needs_review") else ""
        click.echo(f"{row['file']:<28} {row['wer']:6.3f} {row['cer']:6.3f} {row['ref_words']:6d}{review}")
    click.echo(f"{'overall':<28} {overall['wer']:6.3f} {overall['cer']:6.3f}")


@eval_group.command(name="roles")
@click.option("--ref", required=True, help="Folder of reference transcript JSON files named after the recordings.")
@click.argument("audio", nargs=-1, required=True)
@config_option
@backend_option
@end_to_end_option
@json_option
def eval_roles(ref: str, audio: tuple[str, ...], config: str | None, backend: str | None, end_to_end: bool,
               as_json: bool) -> None:
    """Role accuracy: is the agent found? On each recording's speakers (stereo channels or diarization) with the
    reference words placed on them, and on the reference text with its labels hidden (with roles.voices_dir:
    also whether the agent voice hint alone points at the agent on mono calls). With --end-to-end: on the
    stored turns (recognised words, their speakers and roles), each reference word checked by its time."""
    from qa.evaluation.speech import find_reference, role_row

    settings = load(config, {"diarization": {"backend": backend}})
    if end_to_end:
        _roles_end_to_end(ref, audio, settings, as_json)
        return
    diarizer = _diarizer(settings)
    rows = [role_row(p, find_reference(ref, p, (".json",)), diarizer, settings.roles) for p in audio]
    n = max(1, len(rows))
    summary = {"calls": len(rows), "role_accuracy": round(sum(r["correct"] for r in rows) / n, 4),
               "text_only_accuracy": round(sum(r["text_only_correct"] for r in rows) / n, 4)}
    voiced = [r["voice_hint_correct"] for r in rows if r["voice_hint_correct"] is not None]
    if settings.roles.voices_dir:
        summary["voice_hint_right"] = f"{sum(voiced)}/{len(voiced)}"
    if as_json:
        click.echo(json.dumps({"files": rows, **summary}, indent=2))
        return
    click.echo(f"{'file':<28} {'agent ok':>8} {'conf':>5} {'words ok':>8} {'text ok':>7}  method")
    for r in rows:
        click.echo(f"{r['file']:<28} {str(r['correct']):>8} {r['confidence']:5.2f} {r['word_accuracy']:8.3f} "
                   f"{str(r['text_only_correct']):>7}  {r['method']}")
    click.echo(f"role accuracy {summary['role_accuracy']:.3f} ({len(rows)} calls); "
               f"text only {summary['text_only_accuracy']:.3f}"
               + (f"; agent voice hint right on {summary['voice_hint_right']} mono calls with a hint"
                  if "voice_hint_right" in summary else ""))


def _roles_end_to_end(ref: str, audio: tuple[str, ...], settings, as_json: bool) -> None:
    from qa.evaluation import end_to_end as e2e
    from qa.evaluation.speech import find_reference
    from transcribe.formats import load_transcript

    for path in audio:  # every reference found before the first recording is recognised
        find_reference(ref, path, (".json",))
    rows = e2e.run_all(_pipeline(settings), list(audio),
                       lambda st: e2e.role_row(st, load_transcript(find_reference(ref, st.path, (".json",)))),
                       _progress)
    n = max(1, len(rows))
    summary = {"calls": len(rows), "role_accuracy": round(sum(r["correct"] for r in rows) / n, 4),
               "word_accuracy": round(sum(r["word_accuracy"] for r in rows) / n, 4)}
    if as_json:
        click.echo(json.dumps({"files": rows, **summary}, indent=2))
        return
    click.echo(f"{'file':<28} {'agent ok':>8} {'conf':>5} {'words ok':>8}  method")
    for r in rows:
        review = f"  needs review: {r['needs_review']}" if r["needs_review"] else ""
        click.echo(f"{r['file']:<28} {str(r['correct']):>8} {r['confidence']:5.2f} {r['word_accuracy']:8.3f}  "
                   f"{r['method']}{review}")
    click.echo(f"role accuracy {summary['role_accuracy']:.3f} ({len(rows)} calls, end to end); "
               f"words in a turn of their true role {summary['word_accuracy']:.3f}")


@main.group(name="roles")
def roles_group() -> None:
    """Correct who is the agent on stored calls."""


@roles_group.command(name="swap")
@click.argument("call_id")
@existing_db_option
@config_option
@click.option("--by", default=None, help="Who made the correction (stored with the call).")
@click.option("--rubric", default=None,
              help="Re-score with this rubric (built-in name or YAML file) instead of the call's own.")
def roles_swap(call_id: str, db: str, config: str | None, by: str | None, rubric: str | None) -> None:
    """Swap agent and customer on a stored call and re-score it with its own rubric (or --rubric)."""
    from qa.pipeline.call import Pipeline
    from qa.review.roles import swap_roles
    from qa.store.database import Store
    from scoring.rubric import resolve_rubric

    result = swap_roles(Store(db), Pipeline(load(config, {})), call_id, by=by,
                        rubric=resolve_rubric(rubric) if rubric else None)
    total = "—" if result.scorecard.total is None else f"{result.scorecard.total:.1f}"
    click.echo(f"{call_id}: roles swapped, re-scored: total {total}  "
               + " ".join(f"{c.id}={c.status}" for c in result.scorecard.criteria))


@models.command(name="convert")
@click.argument("source")
@click.argument("output")
@click.option("--quantization", default="int8", show_default=True, help="int8, int8_float16, float16, float32 …")
@click.option("--download", is_flag=True, help="Fetch SOURCE from the hub first (needs network).")
@click.option("--force", is_flag=True, help="Overwrite OUTPUT.")
@config_option
def models_convert(source: str, output: str, quantization: str, download: bool, force: bool,
                   config: str | None) -> None:
    """Convert a Transformers Whisper checkpoint (e.g. vinai/PhoWhisper-small) to CTranslate2 for asr.model."""
    from qa.pipeline.models import convert_whisper

    settings = load(config, {})
    out = convert_whisper(source, output, quantization, allow_download=download, cache_dir=settings.models_dir,
                          force=force)
    click.echo(f"converted {source} -> {out}; use it with  asr: {{model: {os.path.abspath(out)}}}")
    sys.exit(0)

"""A printable scorecard for a coaching session: one self-contained HTML page (no script, no outside resource)
with the call, the results in force beside the automatic ones, the evidence, the overrides with their reasons
and the coaching notes, laid out for A4 by print CSS. The app offers it as a download and `callqa show --html`
writes it; a browser's Print (or "Save as PDF") gives the paper copy.

Every value from the call (transcript words, names, reasons, notes) is HTML-escaped: the page shows text, never
markup. What is on it is what the viewer may see (the caller passes the viewer's results and notes)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from qa.i18n import criterion_name, level_name, reason_text, t
from qa.i18n import format as fmt
from qa.review.notes import Note
from qa.store.in_force import Result, call_summary
from qa.store.scorecard_view import CallView

__all__ = ["scorecard_html"]

MAX_EVIDENCE = 3  # pieces of evidence printed per criterion (the app shows all)

CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.35 "Noto Sans", "DejaVu Sans", Arial, sans-serif; color: #111; margin: 0 auto; max-width: 190mm; }
h1 { font-size: 15pt; margin: 0 0 2mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 2mm; border-bottom: 1px solid #999; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; vertical-align: top; padding: 1.2mm 1.5mm; border-bottom: 1px solid #ddd; }
th { font-weight: 600; background: #f2f2f2; }
.meta td { border: 0; padding: 0.6mm 1.5mm; }
.pass { color: #0a6b2d; font-weight: 600; } .fail { color: #a30d0d; font-weight: 600; } .na { color: #555; }
.ev { margin: 0.6mm 0 0; color: #333; font-size: 9.5pt; }
.sign { margin-top: 10mm; display: flex; gap: 20mm; }
.sign div { flex: 1; border-top: 1px solid #333; padding-top: 1mm; }
tr, .note { break-inside: avoid; }
footer { margin-top: 6mm; color: #666; font-size: 8.5pt; }
"""


def _status(status: str | None, lang: str) -> str:
    known = status in ("pass", "fail", "na")
    label = t("status_" + status, lang) if known and status else (status or fmt.NOTHING)
    return f'<span class="{escape(status or "")}">{escape(label)}</span>'


def _evidence(card: CallView, criterion_id: str, lang: str) -> str:
    by_id = {c.id: c for c in card.criteria + card.critical}
    c = by_id.get(criterion_id)
    if c is None:
        return ""
    why = reason_text(c.reason, lang) if c.reason else fmt.NOTHING
    lines = [f'<p class="ev">{escape(t("reason", lang))}: {escape(why)}</p>']
    for e in c.evidence[:MAX_EVIDENCE]:
        kind = t("kind_" + e.kind, lang) if e.kind else fmt.NOTHING
        when = fmt.seconds_range(e.start, e.end, lang)
        lines.append(f'<p class="ev">{escape(kind)} · {escape(t("turn", lang))} {escape(str(e.turn))} ({escape(when)}):'
                     f' “{escape(e.text or "")}”</p>')
    return "".join(lines)


def _row(card: CallView, r: Result, lang: str) -> str:
    name = criterion_name(r.criterion_id, r.name, lang)
    if r.critical:
        name = f"{t('rev_critical', lang)}: {name}"
    auto = _status(r.auto_status, lang)
    points = (fmt.NOTHING if r.auto_score is None
              else f"{fmt.number(r.auto_score, lang, 0)}/{fmt.number(r.weight, lang, 0)}")
    if r.override:
        o = r.override
        review = (f"{_status(r.status, lang)}<p class='ev'>{escape(o.reason)} — {escape(o.author)}, "
                  f"{escape(fmt.datetime(o.created_at, lang))}</p>")
    else:
        review = _status(r.status, lang)
    return (f"<tr><td><b>{escape(name)}</b>{_evidence(card, r.criterion_id, lang)}</td><td>{auto} ({escape(points)})"
            f"</td><td>{review}</td></tr>")


def scorecard_html(card: CallView, items: Sequence[Result], notes: Sequence[Note], lang: str, *,
                   state: str | None = None, printed_by: str | None = None, now: datetime | None = None) -> str:
    """The printable scorecard of `card` in `lang`: `items` the results (with the overrides in force) and
    `notes` the notes the viewer may see (private notes are left off even if given), `state` the review's state."""
    summary = call_summary(card, items)
    total = summary.reviewed_total if any(r.override for r in items) else card.total
    level = summary.reviewed_level if summary.reviewed_level is not None else card.service_level
    label = level_name(level, summary.reviewed_label if summary.reviewed_level is not None else card.service_label,
                       lang)
    meta = [
        (t("agent_id", lang), card.agent_id or fmt.NOTHING),
        (t("call", lang), card.call_id),
        (t("language", lang), card.language),
        (t("duration", lang), fmt.seconds(card.duration, lang)),
        (t("total", lang), f"{fmt.number(total, lang)}/100"),
        (t("queue_col_level", lang), fmt.NOTHING if level is None else f"{level} · {label or ''}"),
        (t("rev_state", lang), t("rev_state_" + (state or "none"), lang)),
        (t("print_rubric", lang), f"{card.rubric_id or fmt.NOTHING} {card.rubric_version or ''}".strip()),
    ]
    meta_rows = "".join(f"<tr><td>{escape(k)}</td><td><b>{escape(str(v))}</b></td></tr>" for k, v in meta)
    rows = "".join(_row(card, r, lang) for r in items)
    coaching = [n for n in notes if n.kind != "private"]
    note_html = "".join(
        f"<p class='note'><b>{escape(n.author)}</b>, {escape(fmt.datetime(n.created_at, lang))}"
        f"{'' if n.turn_idx is None else ' · ' + escape(t('turn', lang)) + ' ' + str(n.turn_idx)}: "
        f"{escape(n.text)}</p>" for n in coaching) or f"<p>{escape(t('rev_no_notes', lang))}</p>"
    stamp = fmt.datetime(now or datetime.now(), lang)
    by = f" · {escape(printed_by)}" if printed_by else ""
    return f"""<!DOCTYPE html>
<html lang="{escape(lang)}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>{escape(t("print_title", lang))} — {escape(card.call_id)}</title><style>{CSS}</style></head>
<body>
<h1>{escape(t("print_title", lang))}</h1>
<table class="meta">{meta_rows}</table>
<h2>{escape(t("criteria", lang))}</h2>
<table><thead><tr><th>{escape(t("rev_criterion", lang))}</th><th>{escape(t("rev_auto", lang))}</th>
<th>{escape(t("print_in_force", lang))}</th></tr></thead><tbody>{rows}</tbody></table>
<h2>{escape(t("print_notes", lang))}</h2>
{note_html}
<div class="sign"><div>{escape(t("print_sign_agent", lang))}</div>
<div>{escape(t("print_sign_reviewer", lang))}</div></div>
<footer>callqa · {escape(stamp)}{by}</footer>
</body></html>
"""

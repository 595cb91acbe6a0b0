"""CSV (or tab-separated) transcripts: one row per turn, columns found by the `imports.csv_*` header names.

Times are seconds ("12.5") or clock times ("00:01:02.5"); without an end column a turn ends where the next one
starts. A call id column, when there is one, must hold one call (callqa scores one call per file)."""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from transcribe.importers.common import ImportedCall, bad, need_seconds
from transcribe.importers.settings import DELIMITER_CHARS, ImportSettings
from transcribe.types import Turn

MAX_FIELD = 1_000_000


def _expected(s: ImportSettings) -> str:
    return (f"a header row naming a text column ({' or '.join(s.csv_text)}), a start column "
            f"({' or '.join(s.csv_start)}) and a speaker column ({' or '.join(s.csv_speaker)}); set the "
            "imports.csv_* settings to your file's header names (docs/importing.md)")


def _column(header: Sequence[str], names: Sequence[str]) -> int | None:
    folded = [h.strip().casefold() for h in header]
    for name in names:
        if name.strip().casefold() in folded:
            return folded.index(name.strip().casefold())
    return None


def _dialect(text: str, setting: str) -> str:
    if setting != "auto":
        return DELIMITER_CHARS[setting]
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def read_csv(text: str, path: str, settings: ImportSettings) -> ImportedCall:
    expected = _expected(settings)
    csv.field_size_limit(MAX_FIELD)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text, settings.csv_delimiter)))
    except csv.Error as exc:
        raise bad(path, f"is not valid CSV ({exc})", expected) from None
    rows = [r for r in rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        raise bad(path, "has no rows under its header", expected)
    header, body = rows[0], rows[1:]
    cols = {k: _column(header, getattr(settings, f"csv_{k}")) for k in ("call_id", "speaker", "start", "end", "text")}
    missing = [k for k in ("text", "start", "speaker") if cols[k] is None]
    if missing:
        raise bad(path, f"has no {', '.join(missing)} column (its header is {', '.join(h[:30] for h in header[:12])})",
                  expected)

    def cell(row: list[str], key: str) -> str:
        i = cols[key]
        return row[i].strip() if i is not None and i < len(row) else ""

    turns: list[Turn] = []
    for n, row in enumerate(body, start=2):
        start = need_seconds(cell(row, "start"), path, f"row {n}, column {header[cols['start'] or 0]!r}", expected)
        end_text = cell(row, "end")
        end = need_seconds(end_text, path, f"row {n}, end column", expected) if end_text else None
        turns.append(Turn(speaker=cell(row, "speaker"), start=start, end=end if end is not None else -1.0,
                          text=cell(row, "text")))
    for t, nxt in zip(turns, [*turns[1:], None]):
        if t.end < 0:
            t.end = max(t.start, nxt.start) if nxt else t.start
    ids = sorted({cell(r, "call_id") for r in body} - {""})
    if len(ids) > 1:
        shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
        raise bad(path, f"holds {len(ids)} calls ({shown}) in its call id column; callqa scores one call per file",
                  "one CSV file per call (split the export by its call id column)")
    return ImportedCall(turns, call_id=ids[0] if ids else None)

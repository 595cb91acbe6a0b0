"""`callqa kpis import FILE.csv`: customer survey results per call from a CSV file, checked row by row.

The file has a header row with a `call_id` column and at least one of `csat` (1-5), `nps` (0-10), `ces` (1-7);
other columns (dates, comments) are ignored and named in the report. Commas, semicolons or tabs separate the cells;
the file is UTF-8 (a byte-order mark is fine). An empty cell is "not answered"; a row with no answer is skipped.

Every row is checked before anything is stored: a value off its scale or not a whole number, a call id no stored
call has, a call id given twice. By default a file with any such row stores nothing (`ImportRejected` lists the
rows); `keep_good=True` stores the good rows and reports the others. An imported survey replaces the call's
earlier one, and the transcript's own survey fields never replace an imported one.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime

from qa.pipeline.kpis import KPIS, Survey, survey_value
from qa.store.database import Store
from qa.store.kpis import write_surveys
from transcribe.errors import InputError

__all__ = ["MAX_BYTES", "ImportRejected", "ImportReport", "RowProblem", "import_surveys", "parse_surveys"]

MAX_BYTES = 100_000_000
SHOWN = 20  # problems named in an error message (the report holds them all)


@dataclass(frozen=True)
class RowProblem:
    """What is wrong on line `row` of the file (1: the header), in `column` (None: the whole row)."""

    row: int
    column: str | None
    problem: str

    def __str__(self) -> str:
        return f"row {self.row}" + (f", column {self.column}" if self.column else "") + f": {self.problem}"


@dataclass
class ImportReport:
    """What an import did: surveys stored, rows skipped as unanswered, problem rows, columns ignored."""

    file: str
    stored: int = 0
    replaced: int = 0
    empty: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


class ImportRejected(InputError):
    """A survey file with problem rows, of which nothing was stored."""

    def __init__(self, file: str, problems: list[RowProblem]) -> None:
        listed = "\n  ".join(str(p) for p in problems[:SHOWN])
        more = f"\n  ... and {len(problems) - SHOWN} more" if len(problems) > SHOWN else ""
        super().__init__(file, f"{len(problems)} row(s) cannot be imported, so nothing was stored:\n  {listed}{more}",
                         "correct those rows and import the file again, or pass --keep-good to store the good rows "
                         "and list the others")
        self.problems = problems


def _reader(text: str) -> csv.DictReader[str]:
    first = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first.count)
    return csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)


def parse_surveys(text: str, file: str, known: set[str] | None = None
                  ) -> tuple[dict[str, Survey], list[RowProblem], ImportReport]:
    """The surveys of a CSV text by call id, the problem rows and a report (`known`: the stored call ids, when
    unknown ones are to be reported). A file without a header, a call_id column or any KPI column raises."""
    report = ImportReport(file)
    reader = _reader(text)
    try:
        header = reader.fieldnames
    except csv.Error as exc:
        raise InputError(file, f"is not a readable CSV file ({exc})", "save it as CSV (UTF-8)") from None
    if not header:
        raise InputError(file, "is empty", "give a CSV file with a header row: call_id,csat,nps,ces")
    names = {(h or "").strip().lower().lstrip("\ufeff"): h for h in header}
    if "call_id" not in names:
        raise InputError(file, f"has no call_id column (its header is {', '.join(repr(h) for h in header[:10])})",
                         "name the column of call ids call_id (as `callqa list` shows them)")
    columns = [k for k in KPIS if k in names]
    if not columns:
        raise InputError(file, "has none of the columns csat, nps, ces",
                         "name the survey columns csat (1-5), nps (0-10) and/or ces (1-7)")
    report.ignored_columns = [h for k, h in names.items() if k not in (*KPIS, "call_id")]
    surveys: dict[str, Survey] = {}
    first_row: dict[str, int] = {}
    problems = report.problems
    try:
        for rec in reader:
            row = reader.line_num
            if None in rec:
                problems.append(RowProblem(row, None, "has more cells than the header has columns"))
                continue
            call_id = (rec.get(names["call_id"]) or "").strip()
            values: dict[str, int | None] = {}
            bad = False
            for name in columns:
                try:
                    values[name] = survey_value(name, rec.get(names[name]))
                except ValueError as exc:
                    problems.append(RowProblem(row, name, str(exc)))
                    bad = True
            if not call_id:
                problems.append(RowProblem(row, "call_id", "is empty"))
                continue
            if call_id in first_row:
                problems.append(RowProblem(row, "call_id", f"{call_id!r} is also on row {first_row[call_id]}"))
                continue
            first_row[call_id] = row
            if known is not None and call_id not in known:
                problems.append(RowProblem(row, "call_id", f"no stored call has the id {call_id[:80]!r}: score the "
                                                           "call first, or correct the id"))
                continue
            if bad:
                continue
            survey = Survey(**values)
            if survey.empty():
                report.empty += 1
                continue
            surveys[call_id] = survey
    except csv.Error as exc:
        problems.append(RowProblem(reader.line_num, None, f"cannot be read as CSV ({exc}); nothing after it was read"))
    return surveys, problems, report


def import_surveys(store: Store, path: str, keep_good: bool = False) -> ImportReport:
    """Import the survey file `path` into `store` (see the module docstring): all or nothing, unless `keep_good`."""
    fix = "give a CSV file of survey results (call_id,csat,nps,ces)"
    try:
        size = os.path.getsize(path)
        if size > MAX_BYTES:
            raise InputError(path, f"is {size / 1e6:.0f} MB, more than a survey file of {MAX_BYTES / 1e6:.0f} MB",
                             "split it into smaller files")
        with open(path, encoding="utf-8-sig", newline="") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise InputError(path, "file not found", fix) from None
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file", fix) from None
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror})", "check the path and its permissions") from None
    except UnicodeDecodeError as exc:
        raise InputError(path, f"is not UTF-8 text (byte {exc.start})",
                         "save it as CSV UTF-8 (in Excel: Save As, CSV UTF-8)") from None
    with store.connect() as con:
        known = {r[0] for r in con.execute("SELECT call_id FROM calls").fetchall()}
    surveys, problems, report = parse_surveys(text, path, known)
    if problems and not keep_good:
        raise ImportRejected(path, problems)
    with store.transaction() as con:
        if surveys:
            ids = list(surveys)
            found = con.execute(f"SELECT count(*) FROM call_kpis WHERE call_id IN ({', '.join('?' * len(ids))})",
                                ids).fetchone()
            report.replaced = found[0] if found else 0
        write_surveys(con, surveys, os.path.basename(path), datetime.now(UTC).replace(tzinfo=None))
    report.stored = len(surveys)
    return report


def fill_customers(store: Store, secret: bytes, region: str, page: int = 1000) -> int:
    """Give stored calls without a customer key one (`qa.pipeline.kpis.customer_key`): from their path metadata's or
    transcript's customer_id, else a phone number in their stored customer turns (calls stored before migration 11,
    or scored without one). Returns how many calls got a key."""
    from qa.pipeline.kpis import customer_key
    from qa.store.kpis import write_customers
    from transcribe.types import CUSTOMER, Turn

    done, after = 0, ""
    while True:
        with store.connect() as con:
            rows = con.execute("""
                SELECT c.call_id, coalesce(json_extract_string(c.extra, '$.path_meta.customer_id'),
                                           json_extract_string(c.extra, '$.customer_id')),
                       list(t.text ORDER BY t.idx) FILTER (WHERE t.speaker = ?)
                FROM calls c LEFT JOIN turns t USING (call_id)
                WHERE c.call_id > ? AND c.call_id NOT IN (SELECT call_id FROM call_customers)
                GROUP BY ALL ORDER BY c.call_id LIMIT ?""", [CUSTOMER, after, page]).fetchall()
        if not rows:
            return done
        found = {}
        for call_id, ident, texts in rows:
            key = customer_key([Turn(CUSTOMER, 0.0, 0.0, text or "") for text in texts or []],
                               {"customer_id": ident}, secret, region)
            if key is not None:
                found[call_id] = key
        with store.transaction() as con:
            write_customers(con, found)
        done += len(found)
        after = rows[-1][0]

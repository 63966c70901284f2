"""Spreadsheets and job trackers' CSV exports, read into pipeline rows and written back.

Pure functions of the file's bytes, the column mapping and "today": the preview a member sees
and the import that follows are planned by the same code, so what was shown is what is added.

The rules, in the order they apply:

- **The file.** At most :data:`MAX_FILE_BYTES` and :data:`MAX_ROWS` rows (blank rows do not
  count). UTF-8 (with or without a byte-order mark) or UTF-16 with its mark; anything else is
  read as Windows-1252, what Excel writes on Windows (Latin-1 when it has a byte Windows-1252
  leaves undefined), and the preview says which. A workbook, a PDF or other binary data is
  refused with what to do instead. Commas, semicolons (Excel in
  much of Europe) and tabs are told apart by the header row.
- **Columns.** A preset knows the usual names of each field's column; the member can change
  any of them in the preview. Without a company column nothing is planned.
- **Stages.** The bot's own stage names, or a tracker's word from ``STAGE_WORDS`` in
  :mod:`bot.services.tracker_presets` (any case or spacing); an empty cell is a lead, as with
  ``/pipeline add``. Words meaning the opportunity is over (rejected, withdrawn, accepted...)
  are left out and listed. Any other word is never guessed: the row is listed as a problem,
  with the word, and left out.
- **Dates** (last contact): ISO (``2026-11-02``, with or without a time), month names
  (``Nov 2, 2026``), or numbers with ``/``, ``.`` or ``-``. Which of day and month comes first
  is read from the file (a first number above 12 means day first, a second one month first);
  with no such date in the file, ``/`` is read month first and ``.``/``-`` day first, and the
  preview says so. A date in the future is a problem.
- **Duplicates.** A row with the same company and role (any case or spacing) as an earlier row
  is listed, not added; the same against the member's open opportunities is decided by the
  caller, which knows them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from bot.errors import InvalidInput
from bot.services.kinds import Stage
from bot.services.text import clean_block, echo
from bot.services.tracker_presets import (
    PLAIN_COLUMNS,
    PRESETS,
    Closed,
    Preset,
    compared,
    read_stage,
)

MAX_FILE_BYTES = 1_000_000
MAX_ROWS = 500
MAX_COLUMNS = 200
MAX_COMPANY = 100
MAX_ROLE = 100
MAX_NEXT_STEP = 200
MAX_NOTES = 1000
UNLIMITED = sys.maxsize  # lengths are checked after cleaning, with a reason per row
LIMITS = {
    "company": MAX_COMPANY,
    "role": MAX_ROLE,
    "next_step": MAX_NEXT_STEP,
    "notes": MAX_NOTES,
}
# Dates older than this are typos or another century's spreadsheet, not a last contact.
OLDEST_YEAR = 1970

FIELDS = ("company", "role", "stage", "last_contact", "next_step", "notes")
FIELD_NAMES = {
    "company": "company",
    "role": "role",
    "stage": "stage",
    "last_contact": "last contact",
    "next_step": "next step",
    "notes": "notes",
}
EXPORT_HEADERS = ("Company", "Role", "Stage", "Last contact", "Next step", "Notes")

# Cells a spreadsheet would run as a formula (OWASP's list): written with a leading apostrophe,
# which spreadsheets show as text; the apostrophe is taken off again when such a file is read.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

Mapping = dict[str, int | None]


# -- reading the file ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Row:
    number: int  # as a spreadsheet numbers it: the header is row 1
    cells: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Table:
    filename: str
    headers: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str  # "UTF-8", "UTF-16" or "Windows-1252"
    delimiter: str

    def cell(self, row: Row, column: int | None) -> str:
        if column is None or column >= len(row.cells):
            return ""
        return row.cells[column]


def size_problem(size: int) -> str | None:
    """Why a file of ``size`` bytes is refused before it is even downloaded, or None."""
    if size <= MAX_FILE_BYTES:
        return None
    return (
        f"That file is {_megabytes(size)} MB; I can read up to {_megabytes(MAX_FILE_BYTES)} MB. "
        f"Split it into smaller CSV files (each with the header row, up to {MAX_ROWS} rows) "
        "and import them one after another: rows already in your pipeline are skipped."
    )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f}".removesuffix(".0")


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding (the preview shows it). Nothing is replaced
    silently: a file that is not what it says is refused."""
    marked = (
        (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
        (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
        (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
    )
    for mark, codec, name in marked:
        if data.startswith(mark):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError:
                raise InvalidInput(
                    f"That file says it is {name} but isn't readable as such. Save it again as "
                    "CSV UTF-8 and import that."
                ) from None
    _refuse_binary(data)
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    # Excel on Windows saves "CSV" in the system's code page, Windows-1252 in most of the
    # Americas and Western Europe; the five bytes it leaves undefined mean Latin-1 instead.
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


_SIGNATURES = (
    (b"PK\x03\x04", "an Excel, Numbers or LibreOffice workbook"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF"),
)


def _refuse_binary(data: bytes) -> None:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise InvalidInput(
                f"That looks like {what}, not a CSV file. Open it and save it as CSV "
                "(File > Save As > CSV UTF-8, or Download > CSV), then import that."
            )
    if b"\x00" in data[:4096]:
        raise InvalidInput(
            "That file doesn't look like a CSV (it holds binary data). Export your tracker or "
            "spreadsheet as CSV and import that."
        )


def _delimiter(text: str) -> str:
    """The separator the header row uses most: comma, semicolon or tab."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _clean_cell(value: str) -> str:
    text = value.replace("\x00", "").strip()
    # Undo the formula guard of an exported file (and of other tools that do the same).
    if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_STARTS:
        text = text[1:]
    return text


def read_table(data: bytes, filename: str) -> Table:
    """The file as a header and rows; :class:`InvalidInput` with what to do when it cannot be
    one (too big, too many rows, not a CSV, nothing in it)."""
    problem = size_problem(len(data))
    if problem:
        raise InvalidInput(problem)
    text, encoding = _decode(data)
    if not text.strip():
        raise InvalidInput("That file is empty. Export your tracker or spreadsheet as CSV again.")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    headers: tuple[str, ...] | None = None
    rows: list[Row] = []
    count = 0
    try:
        for number, record in enumerate(reader, start=1):
            cells = tuple(_clean_cell(cell) for cell in record[:MAX_COLUMNS])
            if not any(cells):
                continue
            if headers is None:
                headers = tuple(
                    " ".join((clean_block(cell, "header", len(cell)) or "").split())
                    or f"column {index}"
                    for index, cell in enumerate(cells, start=1)
                )
                continue
            count += 1
            if count <= MAX_ROWS:
                rows.append(Row(number, cells))
    except csv.Error as exc:
        raise InvalidInput(
            f"I couldn't read that file as CSV near row {reader.line_num}: {echo(str(exc))}. "
            "Export it again as CSV and import that."
        ) from None
    if count > MAX_ROWS:
        raise InvalidInput(
            f"That file has {count:,} rows; I can import up to {MAX_ROWS} at a time. Split it "
            "into smaller files (each with the header row) and import them one after another: "
            "rows already in your pipeline are skipped, so nothing is added twice."
        )
    if headers is None or not rows:
        raise InvalidInput(
            "That file has a header row but no rows under it: nothing to import."
            if headers
            else "That file is empty. Export your tracker or spreadsheet as CSV again."
        )
    return Table(filename, headers, tuple(rows), encoding, delimiter)


# -- columns ---------------------------------------------------------------------------------


def detect_preset(table: Table) -> Preset:
    """The tracker a file most likely comes from, by its column names and stage words; a
    plain spreadsheet when nothing points elsewhere."""
    seen = {compared(h) for h in table.headers}
    for row in table.rows[:50]:
        seen.update(compared(cell) for cell in row.cells if len(cell) < 40)
    best, score = PRESETS["spreadsheet"], 0
    for preset in PRESETS.values():
        found = sum(mark in seen for mark in preset.marks)
        if found > score:
            best, score = preset, found
    return best


def guess_mapping(table: Table, preset: Preset) -> Mapping:
    """Each field's column (None: not found): the preset's names first, then the usual ones
    of a plain spreadsheet. A column serves one field."""
    words = [compared(h) for h in table.headers]
    mapping: Mapping = {}
    taken: set[int] = set()
    for name in FIELDS:
        mapping[name] = None
        aliases = dict.fromkeys([*preset.columns.get(name, ()), *PLAIN_COLUMNS[name]])
        for alias in aliases:
            index = next((i for i, w in enumerate(words) if w == alias and i not in taken), None)
            if index is not None:
                mapping[name] = index
                taken.add(index)
                break
    return mapping


# -- dates -----------------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:$|[t ]\d)")
_NUMERIC = re.compile(r"^(\d{1,2})([/.\-])(\d{1,2})\2(\d{4}|\d{2})(?:$|[t ,]+\d)")
_NAMED = re.compile(r"[a-z]+|\d+")


def read_date(text: str, order: str) -> date | None:
    """A date as spreadsheets write it; ``order`` ("mdy" or "dmy") for numeric ones. None
    when it cannot be read (the caller says why)."""
    cleaned = text.strip().casefold()
    try:
        if match := _ISO.match(cleaned):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := _NUMERIC.match(cleaned):
            first, second, year = int(match[1]), int(match[3]), int(match[4])
            year += 2000 if year < 100 else 0
            month, day = (first, second) if order == "mdy" else (second, first)
            return date(year, month, day)
        return _named_date(cleaned)
    except ValueError:
        return None


def _named_date(text: str) -> date | None:
    """``Nov 2, 2026``, ``2 November 2026``, ``Mon, 2 Nov 2026``."""
    tokens = _NAMED.findall(text)
    months = [MONTHS[t] for t in tokens if t in MONTHS]
    numbers = [int(t) for t in tokens if t.isdigit()]
    years = [n for n in numbers if n >= 1000]
    days = [n for n in numbers if n < 100]
    if len(months) != 1 or len(years) != 1 or len(days) != 1:
        return None
    return date(years[0], months[0], days[0])


def _date_order(table: Table, column: int | None) -> tuple[str, bool]:
    """Day or month first in this file's numeric dates, and whether that was assumed."""
    if column is None:
        return "mdy", False
    day_first = month_first = False
    separators: Counter[str] = Counter()
    for row in table.rows:
        match = _NUMERIC.match(table.cell(row, column).strip())
        if match:
            separators[match[2]] += 1
            day_first |= int(match[1]) > 12
            month_first |= int(match[3]) > 12
    if day_first != month_first:
        return ("dmy" if day_first else "mdy"), False
    if not separators:
        return "mdy", False
    common = separators.most_common(1)[0][0]
    return ("mdy" if common == "/" else "dmy"), True


# -- the plan --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlannedRow:
    number: int
    company: str
    role: str | None
    stage: Stage
    stage_word: str  # as written in the file ("" when empty)
    last_contact: date | None
    next_step: str | None
    notes: str | None

    @property
    def title(self) -> str:
        return f"{self.company} ({self.role})" if self.role else self.company

    @property
    def key(self) -> tuple[str, str]:
        return same_key(self.company, self.role)


@dataclass(frozen=True, slots=True)
class Problem:
    number: int
    why: str
    unknown_stage: str | None = None  # the stage word nobody told the bot about


@dataclass(frozen=True, slots=True)
class Repeated:
    number: int
    first: int  # the row it repeats
    title: str


@dataclass(frozen=True, slots=True)
class Left:
    """A row its tracker shows as over: not added."""

    number: int
    title: str
    word: str


@dataclass(frozen=True, slots=True)
class Plan:
    rows: list[PlannedRow]  # what would be added, before the caller removes open duplicates
    repeated: list[Repeated]
    problems: list[Problem]
    closed: list[Left]
    unknown_stages: dict[str, int]
    stages_read: dict[tuple[str, Stage], int]  # (word as written, stage) -> rows
    date_order: str
    date_order_assumed: bool
    missing_company: bool = False


def same_key(company: str, role: str | None) -> tuple[str, str]:
    """Company and role compared the way people mean them: any case, any spacing."""
    return (" ".join(company.split()).casefold(), " ".join((role or "").split()).casefold())


def _too_long(value: str, what: str, limit: int) -> str:
    return f"the {what} is {len(value)} characters (up to {limit})"


def plan(table: Table, mapping: Mapping, today: date) -> Plan:
    """What importing ``table`` read through ``mapping`` would add, and every row it would
    not, with why."""
    order, assumed = _date_order(table, mapping.get("last_contact"))
    result = Plan([], [], [], [], {}, {}, order, assumed, mapping.get("company") is None)
    if result.missing_company:
        return result
    unknown: Counter[str] = Counter()
    read: Counter[tuple[str, Stage]] = Counter()
    first_seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        planned = _plan_row(table, row, mapping, today, order)
        if isinstance(planned, Problem):
            result.problems.append(planned)
            if planned.unknown_stage is not None:
                unknown[planned.unknown_stage] += 1
            continue
        if isinstance(planned, Left):
            result.closed.append(planned)
            continue
        if planned.key in first_seen:
            result.repeated.append(Repeated(row.number, first_seen[planned.key], planned.title))
            continue
        first_seen[planned.key] = row.number
        if planned.stage_word:
            read[(planned.stage_word, planned.stage)] += 1
        result.rows.append(planned)
    result.unknown_stages.update(unknown)
    result.stages_read.update(read)
    return result


def _plan_row(
    table: Table, row: Row, mapping: Mapping, today: date, order: str
) -> PlannedRow | Problem | Left:
    def cell(name: str, *, block: bool = False) -> str | None:
        """A cell cleaned like typed text (invisible characters gone); None if empty."""
        text = clean_block(table.cell(row, mapping.get(name)), FIELD_NAMES[name], UNLIMITED)
        return text if block or text is None else " ".join(text.split())

    values = {
        "company": cell("company"),
        "role": cell("role"),
        "next_step": cell("next_step"),
        "notes": cell("notes", block=True),
    }
    company = values["company"]
    if company is None:
        return Problem(row.number, "no company")
    for name, limit in LIMITS.items():
        value = values[name]
        if value is not None and len(value) > limit:
            return Problem(row.number, _too_long(value, FIELD_NAMES[name], limit))
    role, next_step, notes = values["role"], values["next_step"], values["notes"]
    title = f"{company} ({role})" if role else company
    word = cell("stage") or ""
    stage = read_stage(word)
    if stage is None:
        return Problem(
            row.number,
            f"the stage {echo(word, 40)} is not one I know",
            unknown_stage=word,
        )
    if isinstance(stage, Closed):
        return Left(row.number, title, word)
    contact: date | None = None
    written = cell("last_contact")
    if written:
        contact = read_date(written, order)
        if contact is None:
            return Problem(
                row.number, f"the last contact {echo(written, 40)} is not a date I can read"
            )
        if contact > today + timedelta(days=1):
            return Problem(row.number, f"the last contact {contact.isoformat()} is in the future")
        if contact.year < OLDEST_YEAR:
            return Problem(row.number, f"the last contact {contact.isoformat()} is too long ago")
    return PlannedRow(row.number, company, role, stage, word, contact, next_step, notes)


# -- writing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExportRow:
    company: str
    role: str | None
    stage: Stage
    last_contact: date | None
    next_step: str | None
    notes: str | None


def inert_cell(value: str | None) -> str:
    """A cell a spreadsheet shows as text: one that would start a formula gets an apostrophe
    in front (formula injection: ``=HYPERLINK(...)`` typed as a company must not run)."""
    text = value or ""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: list[ExportRow]) -> bytes:
    """The columns ``/pipeline import`` reads, UTF-8 with a byte-order mark so that Excel
    shows accents right; every cell made inert."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADERS)
    for row in rows:
        writer.writerow(
            [
                inert_cell(row.company),
                inert_cell(row.role),
                row.stage.value,
                row.last_contact.isoformat() if row.last_contact else "",
                inert_cell(row.next_step),
                inert_cell(row.notes),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")

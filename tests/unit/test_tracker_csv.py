"""Reading spreadsheets and trackers' CSV exports, and writing the pipeline back as CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from bot.errors import InvalidInput
from bot.services import tracker_csv as tc
from bot.services import tracker_presets as tp
from bot.services.kinds import Stage

TODAY = date(2026, 11, 16)


def table(text: str, encoding: str = "utf-8") -> tc.Table:
    return tc.read_table(text.encode(encoding), "pipeline.csv")


def plan(text: str, preset: str | None = None) -> tc.Plan:
    read = table(text)
    chosen = tp.PRESETS[preset] if preset else tc.detect_preset(read)
    return tc.plan(read, tc.guess_mapping(read, chosen), TODAY)


# -- reading the file --------------------------------------------------------------------------


def test_plain_spreadsheet_columns_are_found_by_their_usual_names() -> None:
    read = table("Employer,Job Title,Status,Last contacted,Next action,Comments\nAcme,Lead,,,,\n")
    mapping = tc.guess_mapping(read, tp.PRESETS["spreadsheet"])
    assert mapping == {
        "company": 0,
        "role": 1,
        "stage": 2,
        "last_contact": 3,
        "next_step": 4,
        "notes": 5,
    }


def test_semicolons_tabs_and_a_byte_order_mark_are_read() -> None:
    for text in ("\ufeffCompany;Role\nAcme;Lead\n", "Company\tRole\nAcme\tLead\n"):
        read = table(text)
        assert read.headers == ("Company", "Role")
        assert [r.cells for r in read.rows] == [("Acme", "Lead")]


def test_windows_1252_is_read_and_said() -> None:
    read = table("Company,Role\nSociété Générale,Analyste\n", encoding="cp1252")
    assert read.rows[0].cells == ("Société Générale", "Analyste")
    assert read.encoding == "Windows-1252"
    assert table("Company\nAcme\n").encoding == "UTF-8"


def test_bytes_windows_1252_leaves_undefined_are_read_as_latin_1() -> None:
    read = tc.read_table(b"Company\nCaf\xe9 \x81\n", "x.csv")
    assert read.encoding == "Latin-1" and read.rows[0].cells == ("Café \x81",)


def test_a_file_that_is_not_what_its_mark_says_is_refused() -> None:
    with pytest.raises(InvalidInput, match="says it is UTF-8"):
        tc.read_table(b"\xef\xbb\xbfCompany\nAc\xffme\n", "x.csv")


def test_utf16_with_its_mark_is_read() -> None:
    read = tc.read_table("Company,Role\nZürich AG,Lead\n".encode("utf-16"), "x.csv")
    assert read.rows[0].cells == ("Zürich AG", "Lead")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"   \r\n\r\n", "empty"),
        (b"PK\x03\x04\x14\x00\x06\x00rest of a workbook", "save it as CSV"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "doesn't look like a CSV"),
        (b"Company,Role\n", "no rows"),
    ],
)
def test_files_that_are_not_csv_say_what_to_do(data: bytes, problem: str) -> None:
    with pytest.raises(InvalidInput, match=problem):
        tc.read_table(data, "x.csv")


def test_too_many_rows_is_refused_with_the_limit() -> None:
    text = "Company\n" + "".join(f"C{i}\n" for i in range(5000))
    with pytest.raises(InvalidInput) as caught:
        table(text)
    assert "5,000 rows" in caught.value.message and f"{tc.MAX_ROWS}" in caught.value.message


def test_blank_rows_are_ignored_and_rows_numbered_as_in_the_spreadsheet() -> None:
    read = table('Company,Notes\nAcme,"two\nlines"\n,\n\nGlobex,\n')
    assert [(r.number, r.cells[0]) for r in read.rows] == [(2, "Acme"), (5, "Globex")]


# -- stages ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "stage"),
    [
        ("lead", Stage.LEAD),
        ("  Wishlist ", Stage.LEAD),
        ("Bookmarked", Stage.LEAD),
        ("APPLIED", Stage.CONTACTED),
        ("Phone screen", Stage.TALKING),
        ("Interview", Stage.INTERVIEWING),
        ("Negotiating", Stage.OFFER),
        ("offer", Stage.OFFER),
    ],
)
def test_tracker_stage_words_map_to_the_bots_stages(word: str, stage: Stage) -> None:
    assert tp.read_stage(word) == stage


def test_closed_and_unknown_stage_words_are_told_apart() -> None:
    assert tp.read_stage("Rejected") is tp.CLOSED
    assert tp.read_stage("I Withdrew") is tp.CLOSED
    assert tp.read_stage("Maybe later") is None
    assert tp.read_stage("") == Stage.LEAD  # an empty cell: a lead, as with /pipeline add


# -- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-11-02", date(2026, 11, 2)),
        ("2026-11-02T15:04:05Z", date(2026, 11, 2)),
        ("2026/11/02 09:00", date(2026, 11, 2)),
        ("Nov 2, 2026", date(2026, 11, 2)),
        ("2 November 2026", date(2026, 11, 2)),
        ("Mon, 2 Nov 2026", date(2026, 11, 2)),
    ],
)
def test_dates_in_the_usual_forms(text: str, day: date) -> None:
    assert tc.read_date(text, "mdy") == day


def test_day_and_month_order_comes_from_the_file() -> None:
    read = table("Company,Last contact\nA,11/02/2026\nB,25/10/2026\n")
    result = tc.plan(read, tc.guess_mapping(read, tp.PRESETS["spreadsheet"]), TODAY)
    assert [r.last_contact for r in result.rows] == [date(2026, 2, 11), date(2026, 10, 25)]
    assert result.date_order == "dmy" and not result.date_order_assumed


def test_ambiguous_dates_default_to_month_first_and_say_so() -> None:
    result = plan("Company,Last contact\nA,11/02/2026\n")
    assert result.rows[0].last_contact == date(2026, 11, 2)
    assert result.date_order == "mdy" and result.date_order_assumed


# -- the plan ----------------------------------------------------------------------------------


def test_plan_reports_problems_duplicates_closed_and_unknown_stages() -> None:
    result = plan(
        "Company,Role,Stage,Last contact,Next step,Notes\n"
        "Acme,Data Lead,talking,2026-11-10,Ask Sam,Met at a meetup\n"
        ",Orphan role,lead,,,\n"
        "Initech,Analyst,Maybe later,,,\n"
        " acme , data  lead ,interviewing,,,\n"
        "Globex,,Rejected,,,\n"
        "Umbrella,,,tomorrow-ish,,\n"
        "Hooli,,,2027-01-01,,\n"
        f"{'x' * 101},,,,,\n"
    )
    assert [(r.number, r.company, r.stage) for r in result.rows] == [(2, "Acme", Stage.TALKING)]
    acme = result.rows[0]
    assert (acme.role, acme.last_contact, acme.next_step, acme.notes) == (
        "Data Lead",
        date(2026, 11, 10),
        "Ask Sam",
        "Met at a meetup",
    )
    assert [(d.number, d.first) for d in result.repeated] == [(5, 2)]
    assert [(c.number, c.word) for c in result.closed] == [(6, "Rejected")]
    why = {p.number: p.why for p in result.problems}
    assert why[3] == "no company"
    assert "Maybe later" in why[4] and "stage" in why[4]
    assert "tomorrow-ish" in why[7]
    assert "future" in why[8]
    assert "101 characters" in why[9]
    assert result.unknown_stages == {"Maybe later": 1}


def test_without_a_company_column_nothing_can_be_planned() -> None:
    read = table("Firm,Position\nAcme,Lead\n")
    mapping = tc.guess_mapping(read, tp.PRESETS["spreadsheet"])
    assert mapping["company"] is None and mapping["role"] == 1
    result = tc.plan(read, mapping, TODAY)
    assert result.missing_company and not result.rows
    chosen = {**mapping, "company": 0}
    assert [r.company for r in tc.plan(read, chosen, TODAY).rows] == ["Acme"]


def test_presets_are_recognised_by_their_columns_and_words() -> None:
    huntr = table("Company,Job Title,List,Date Applied\nAcme,Lead,Wishlist,\n")
    assert tc.detect_preset(huntr).key == "huntr"
    teal = table("Company,Job Position,Status,Date Applied\nAcme,Lead,Bookmarked,\n")
    assert tc.detect_preset(teal).key == "teal"
    plain = table("Company,Role,Stage\nAcme,Lead,talking\n")
    assert tc.detect_preset(plain).key == "spreadsheet"
    # Words any sheet may use do not make it a tracker's; a preset still finds the usual names.
    own = table("Employer,Title,Status,Comments\nAcme,Lead,Applying,x\nB,C,Negotiating,y\n")
    assert tc.detect_preset(own).key == "spreadsheet"
    mapping = tc.guess_mapping(own, tp.PRESETS["teal"])
    assert (mapping["company"], mapping["notes"]) == (0, 3)


def test_an_exported_cell_guard_is_undone_on_import() -> None:
    result = plan("Company,Role\n'=Acme,'+1 role\n")
    assert (result.rows[0].company, result.rows[0].role) == ("=Acme", "+1 role")


# -- writing -----------------------------------------------------------------------------------


def test_export_guards_formula_cells_and_reads_back() -> None:
    rows = [
        tc.ExportRow('=HYPERLINK("http://x")', "+1", Stage.TALKING, date(2026, 11, 2), "-2", "@x"),
        tc.ExportRow("Acme, Inc.", None, Stage.LEAD, None, None, 'line one\nsaid "hi"'),
    ]
    data = tc.write_csv(rows)
    assert data.startswith("\ufeff".encode())
    back = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert back[0] == list(tc.EXPORT_HEADERS)
    assert back[1] == ['\'=HYPERLINK("http://x")', "'+1", "talking", "2026-11-02", "'-2", "'@x"]
    assert back[2] == ["Acme, Inc.", "", "lead", "", "", 'line one\nsaid "hi"']
    for row in back:
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row)
    again = tc.read_table(data, "export.csv")
    result = tc.plan(again, tc.guess_mapping(again, tc.detect_preset(again)), TODAY)
    assert [r.company for r in result.rows] == ['=HYPERLINK("http://x")', "Acme, Inc."]

"""/pipeline import and /pipeline export end to end: a dry run first, a column-mapping step,
presets for trackers, one transaction on a button press, and hostile files."""

from __future__ import annotations

import csv
import io

import pytest

from bot.app import Running
from bot.services import tracker_csv
from discord_emulator import Message, Person

SHEET = (
    "Company,Role,Stage,Last contact,Next step,Notes\n"
    "Acme,Data Lead,talking,2026-11-10,Ask Sam for an intro,Met at the meetup\n"
    ",Orphan role,lead,,,\n"
    "Initech,Analyst,Maybe later,,,\n"
    "acme , data lead,interviewing,,,\n"
    "Hooli,PM,applied,,,\n"
    "Globex,,Rejected,,,\n"
    "Umbrella,,,,,\n"
)


async def preview(person: Person, name: str, data: bytes, **options: str) -> Message:
    reply = await person.slash("pipeline import", file=(name, data), **options)
    message = await reply.wait_message() if reply.kind == "deferred" else reply.message
    assert message.ephemeral
    return message


async def opportunities(running: Running) -> list[tuple[object, ...]]:
    rows = await running.db.fetchall(
        "SELECT company, role, stage, next_step, notes, substr(last_contact_at, 1, 10)"
        " FROM opportunities ORDER BY opportunity_id"
    )
    return [tuple(r) for r in rows]


async def test_a_dry_run_then_one_import_on_a_press(bot: Running, alice: Person) -> None:
    await alice.slash("pipeline add", company="Hooli", role="PM", stage="contacted")
    shown = await preview(alice, "my search.csv", SHEET.encode())
    text = shown.text()
    assert "Plain spreadsheet" in text
    assert "Would add (2)" in text and "Acme (Data Lead) · talking" in text
    assert "Already in your pipeline (1)" in text and "row 6: Hooli (PM)" in text
    assert "Twice in this file (1)" in text and "row 5: same as row 2" in text
    assert "row 3: no company" in text
    assert "row 4:" in text and "`Maybe later`" in text
    assert "Closed in your tracker" in text and "Rejected" in text
    assert "Nothing is saved until you press Import" in text
    assert len(await opportunities(bot)) == 1  # a dry run

    done = await alice.click(shown, "Import 2")
    assert "Added 2 opportunities" in done.message.text()
    assert await opportunities(bot) == [
        ("Hooli", "PM", "contacted", None, None, "2026-11-16"),
        ("Acme", "Data Lead", "talking", "Ask Sam for an intro", "Met at the meetup", "2026-11-10"),
        ("Umbrella", None, "lead", None, None, None),
    ]
    events = await bot.db.fetchval(
        "SELECT count(*) FROM opportunity_events WHERE action = 'created'"
    )
    assert events == 3
    assert shown.buttons() == [] or "Import 2" not in shown.buttons()
    listing = (await alice.slash("pipeline list")).message.text()
    assert "Acme" in listing and "Umbrella" in listing


async def test_a_second_import_of_the_same_file_adds_nothing(bot: Running, alice: Person) -> None:
    first = await preview(alice, "a.csv", SHEET.encode())
    second = await preview(alice, "a.csv", SHEET.encode())
    await alice.click(first, "Import 3")
    again = await alice.click(second, "Import 3")
    assert "already in your pipeline" in again.message.text()
    assert [r[0] for r in await opportunities(bot)] == ["Acme", "Hooli", "Umbrella"]
    third = await preview(alice, "a.csv", SHEET.encode())
    assert "Would add (0)" in third.text() and "Already in your pipeline (3)" in third.text()
    assert "Import 0" not in third.buttons()


async def test_cancel_leaves_everything_as_it_was(bot: Running, alice: Person) -> None:
    shown = await preview(alice, "a.csv", SHEET.encode())
    cancelled = await alice.click(shown, "Cancel")
    assert "Nothing was imported" in cancelled.message.text()
    assert await opportunities(bot) == []


HUNTR = (
    "Company,Job Title,List,Date Applied,Location,Notes\n"
    "Acme,Data Lead,Wishlist,,Remote,\n"
    "Globex,Analyst,Applied,2026-11-02,Berlin,Sent via referral\n"
    "Initech,PM,Interview,2026-11-09,,\n"
    "Hooli,Lead,Offer,2026-11-12,,\n"
    "Umbrella,Ops,Rejected,2026-10-01,,\n"
)
TEAL = (
    "Company,Job Position,Status,Date Applied,Notes\n"
    "Acme,Data Lead,Bookmarked,,\n"
    "Globex,Analyst,Applied,2026-11-02,\n"
    "Initech,PM,Interviewing,2026-11-09,\n"
    "Hooli,Lead,Negotiating,2026-11-12,\n"
    "Umbrella,Ops,I Withdrew,2026-10-01,\n"
)


@pytest.mark.parametrize(
    ("name", "text", "preset"), [("huntr", HUNTR, "Huntr"), ("teal", TEAL, "Teal")]
)
async def test_tracker_exports_are_recognised_and_their_stages_mapped(
    bot: Running, alice: Person, name: str, text: str, preset: str
) -> None:
    shown = await preview(alice, f"{name}-export.csv", text.encode())
    assert f"{preset} export" in shown.text() and "a guess" in shown.text()
    await alice.click(shown, "Import 4")
    assert [(r[0], r[2], r[5]) for r in await opportunities(bot)] == [
        ("Acme", "lead", None),
        ("Globex", "contacted", "2026-11-02"),
        ("Initech", "interviewing", "2026-11-09"),
        ("Hooli", "offer", "2026-11-12"),
    ]


async def test_the_member_maps_columns_the_bot_did_not_recognise(
    bot: Running, alice: Person
) -> None:
    shown = await preview(alice, "odd.csv", b"Firm;Position;Where it stands\nAcme;Lead;talking\n")
    assert "Which column holds the company?" in shown.text()
    assert not [b for b in shown.buttons() if b.startswith("Import ")]
    await alice.select(shown, ["company"], placeholder="Change a column…")
    await alice.select(shown, ["0"], placeholder="Column for company")
    assert "Would add (1)" in shown.text() and "Acme (Lead) · lead" in shown.text()
    await alice.select(shown, ["stage"], placeholder="Change a column…")
    await alice.select(shown, ["2"], placeholder="Column for stage")
    assert "Acme (Lead) · talking" in shown.text()
    # A preset can be picked too: the columns are guessed again for it.
    await alice.select(shown, ["teal"], placeholder="Read it as…")
    assert "Teal export" in shown.text()
    await alice.select(shown, ["spreadsheet"], placeholder="Read it as…")
    await alice.select(shown, ["company"], placeholder="Change a column…")
    await alice.select(shown, ["0"], placeholder="Column for company")
    await alice.click(shown, "Import 1")
    assert [(r[0], r[1], r[2]) for r in await opportunities(bot)] == [("Acme", "Lead", "lead")]


async def test_the_preset_option_overrides_what_the_columns_suggest(
    bot: Running, alice: Person
) -> None:
    shown = await preview(alice, "t.csv", TEAL.encode(), preset="huntr")
    assert "Huntr export" in shown.text()


# -- hostile files ---------------------------------------------------------------------------


async def test_windows_1252_is_read_and_the_member_told(bot: Running, alice: Person) -> None:
    data = "Company,Role\nSociété Générale,Analyste\n".encode("cp1252")
    shown = await preview(alice, "excel.csv", data)
    assert "Windows-1252" in shown.text() and "Société Générale" in shown.text()
    await alice.click(shown, "Import 1")
    assert (await opportunities(bot))[0][0] == "Société Générale"


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("big.csv", b"Company\n" + b"x" * 10_000_000, ("10 MB", "1 MB")),
        (
            "many.csv",
            ("Company\n" + "".join(f"C{i}\n" for i in range(5000))).encode(),
            ("5,000 rows", "500"),
        ),
        ("sheet.xlsx", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 200, ("save it as CSV",)),
        (
            "photo.csv",
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
            ("doesn't look like a CSV",),
        ),
        ("empty.csv", b"", ("empty",)),
        ("header.csv", b"Company,Role\r\n", ("no rows",)),
    ],
)
async def test_files_that_cannot_be_imported_say_why(
    bot: Running, alice: Person, name: str, data: bytes, words: tuple[str, ...]
) -> None:
    shown = await preview(alice, name, data)
    for word in words:
        assert word in shown.text(), shown.text()
    assert not shown.buttons()
    assert await opportunities(bot) == []


async def test_formula_cells_are_stored_as_text_and_exported_inert(
    bot: Running, alice: Person
) -> None:
    data = (
        b"Company,Role,Next step,Notes\n"
        b'"=HYPERLINK(""http://evil.example"",""Acme"")",+1 role,-2 days,@SUM(A1)\n'
        b"Globex,=1+1,,\n"
    )
    shown = await preview(alice, "formulas.csv", data)
    await alice.click(shown, "Import 2")
    assert (await opportunities(bot))[0][0] == '=HYPERLINK("http://evil.example","Acme")'
    exported = await alice.slash("pipeline export")
    ((name, body),) = exported.message.attachments
    assert name == "pipeline.csv" and exported.message.ephemeral
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == list(tracker_csv.EXPORT_HEADERS)
    cells = [cell for row in rows[1:] for cell in row if cell]
    assert '\'=HYPERLINK("http://evil.example","Acme")' in cells and "'=1+1" in cells
    assert "'+1 role" in cells and "'-2 days" in cells and "'@SUM(A1)" in cells
    assert not [c for c in cells if c[0] in "=+-@\t\r"]


async def test_export_then_import_round_trips(bot: Running, alice: Person) -> None:
    shown = await preview(alice, "a.csv", SHEET.encode())
    await alice.click(shown, "Import 3")
    exported = await alice.slash("pipeline export")
    ((_, body),) = exported.message.attachments
    back = await preview(alice, "pipeline.csv", body)
    assert "Would add (0)" in back.text() and "Already in your pipeline (3)" in back.text()


async def test_an_empty_pipeline_exports_the_columns_to_fill_in(
    bot: Running, alice: Person
) -> None:
    exported = await alice.slash("pipeline export")
    assert "`/pipeline import`" in exported.message.content
    ((_, body),) = exported.message.attachments
    assert body.decode("utf-8-sig").splitlines() == [",".join(tracker_csv.EXPORT_HEADERS)]

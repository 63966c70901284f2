"""The right-job target used, not filed: salaries compared as numbers, currencies never mixed."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import InvalidInput
from bot.services import target
from bot.services.target import Money, compare, parse_money

TARGET: dict[str, Any] = {
    "title": "Head of Data",
    "salary": {"value": 120000, "currency": "EUR"},
    "responsibilities": "The data platform",
    "authority": "Reports to the CTO",
}


def salary_of(check: dict[str, Any], wanted: Any = None) -> target.Criterion:
    goal = dict(TARGET, salary=wanted) if wanted is not None else TARGET
    result = compare(goal, check)
    assert result is not None
    return next(c for c in result.criteria if c.key == "salary")


# -- reading amounts -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("95000", 95000, None),
        ("95k", 95000, None),
        ("95K USD", 95000, "USD"),
        ("$95,000", 95000, "USD"),
        ("95k$", 95000, "USD"),
        ("USD 95,000", 95000, "USD"),
        ("€120k", 120000, "EUR"),
        ("120.000 EUR", 120000, "EUR"),
        ("120 000 €", 120000, "EUR"),
        ("£1.2m", 1200000, "GBP"),
        ("chf 130k", 130000, "CHF"),
        # Both separators: the last one is the decimal point, whichever it is.
        ("95,000.50 USD", 95000.5, "USD"),
        ("95.000,50 EUR", 95000.5, "EUR"),
        # Lakh grouping, as written in India.
        ("₹12,00,000", 1200000, "INR"),
    ],
)
def test_amounts_in_the_forms_people_write(text: str, value: float, currency: str | None) -> None:
    assert parse_money(text) == Money(value, currency)


@pytest.mark.parametrize("text", ["", "a lot", "95k-100k", "1.2.3", "85,00,0", "-5000 EUR"])
def test_what_is_not_an_amount_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput):
        parse_money(text)


STYLES = ("{n}", "{n:,}", "{n:,} {c}", "{c} {n}", "{k}k {c}", "{k}K{c}")


@given(
    thousands=st.integers(min_value=1, max_value=9_999),
    currency=st.sampled_from(["EUR", "USD", "GBP", "CHF", "JPY"]),
    style=st.sampled_from(STYLES),
)
def test_any_written_form_reads_as_the_same_amount(
    thousands: int, currency: str, style: str
) -> None:
    amount = thousands * 1000
    text = style.format(n=amount, k=thousands, c=currency)
    money = parse_money(text)
    assert money.value == amount
    assert money.currency == (currency if "{c}" in style else None)


def test_a_stored_answer_or_a_typed_string_is_money() -> None:
    assert Money.of({"value": 120000, "currency": "EUR"}) == Money(120000, "EUR")
    assert Money.of("95k USD") == Money(95000, "USD")
    assert Money.of("lots") is None
    assert Money.of(None) is None
    assert Money(95000, "USD").shown() == "95,000 USD"


# -- comparing -------------------------------------------------------------------------------------


def test_another_currency_is_flagged_not_converted() -> None:
    salary = salary_of({"salary": {"value": 95000, "currency": "USD"}})
    assert salary.status == "currency"
    assert "95,000 USD" in salary.detail and "120,000 EUR" in salary.detail
    result = compare(TARGET, {"salary": {"value": 95000, "currency": "USD"}})
    assert result is not None
    assert result.flagged == [salary]
    assert salary not in result.short
    assert "1 in another currency" in result.line()
    assert target.STATUS_LABELS["currency"] == "in another currency"


def test_a_lower_amount_in_the_same_currency_falls_short() -> None:
    assert salary_of({"salary": {"value": 110000, "currency": "EUR"}}).status == "short"
    assert salary_of({"salary": {"value": 120000, "currency": "EUR"}}).status == "meets"
    assert salary_of({"salary": {"value": 125000, "currency": "EUR"}}).status == "meets"


def test_a_salary_typed_as_text_is_compared_too() -> None:
    assert salary_of({"salary": "95k USD"}).status == "currency"
    assert salary_of({"salary": "100k EUR"}).status == "short"
    assert salary_of({"salary": "€130,000"}).status == "meets"


def test_no_currency_on_one_side_is_read_as_the_other_and_said_so() -> None:
    salary = salary_of({"salary": {"value": 100000, "currency": None}})
    assert salary.status == "short"
    assert "EUR" in salary.detail


def test_nothing_known_is_unknown_and_the_line_is_unchanged() -> None:
    result = compare(TARGET, {})
    assert result is not None
    assert [c.status for c in result.criteria] == ["unknown"] * 4
    assert result.line() == "0 meet, 0 short, 4 unknown"
    assert compare(None, {"salary": "95k"}) is None


@given(
    wanted=st.integers(min_value=0, max_value=10**7),
    offered=st.integers(min_value=0, max_value=10**7),
    wanted_in=st.sampled_from(["EUR", "USD", "GBP"]),
    offered_in=st.sampled_from(["EUR", "USD", "GBP"]),
)
def test_salaries_compare_as_numbers_in_one_currency_only(
    wanted: int, offered: int, wanted_in: str, offered_in: str
) -> None:
    salary = salary_of(
        {"salary": {"value": offered, "currency": offered_in}},
        wanted={"value": wanted, "currency": wanted_in},
    )
    if wanted_in != offered_in:
        assert salary.status == "currency"
    else:
        assert salary.status == ("meets" if offered >= wanted else "short")


def test_judgements_are_the_three_a_member_can_pick() -> None:
    assert list(target.JUDGEMENTS) == ["meets", "short", "unknown"]
    assert set(target.JUDGEMENTS) < set(target.STATUS_LABELS)

"""Reading one answer of each step kind from what the member typed or pressed.

Pure functions; a problem raises ``InvalidInput`` with the member-facing reason, and nothing
else changes (a list's items are only added once the whole message is valid).
"""

from __future__ import annotations

import math
import re
import sys
from datetime import date, timedelta
from typing import Any

from bot.errors import InvalidInput
from bot.services.dates import MAX_FOLLOW_UP_DAYS, parse_follow_up, parse_when
from bot.services.exercises.model import Kind, Step
from bot.services.text import clean_block, echo, shows_something

_CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF"}
_NEGATIVE = re.compile(r"^[-\u2212\u2013]\s*[€$£¥₹]?\s*\d")  # -5, −5 (minus sign), –5 (dash)
_NUMBER = re.compile(
    r"^(?P<pre>[A-Za-z]{3}|[€$£¥₹])?\s*(?P<num>\d[\d,.\s]*)\s*(?P<mult>[kKmM])?\s*"
    r"(?P<post>[A-Za-z]{3}|[€$£¥₹])?$"
)


def parse(
    step: Step, draft: list[str], today: date, text: str | None, values: list[str] | None
) -> tuple[Any, bool]:
    """(value, complete?) for the asked step; raises InvalidInput and changes nothing.

    A list step collects items across messages in ``draft`` (extended in place).
    """
    if text is not None:
        text = visible_text(text)
    if step.kind in (Kind.CHOICE, Kind.MULTI):
        return _choices(step, text, values), True
    if not text:
        raise InvalidInput("Send your answer as a message.")
    if step.kind is Kind.TEXT:
        cleaned = text
        if len(cleaned) < step.min_length:
            raise InvalidInput(f"A bit more, please: at least {step.min_length} characters.")
        if len(cleaned) > step.max_length:
            raise InvalidInput(
                f"That's {len(cleaned)} characters; the limit here is "
                f"{step.max_length}. Shorten it and send it again."
            )
        return cleaned, True
    if step.kind is Kind.NUMBER:
        return parse_number(step, text), True
    if step.kind is Kind.DATE:
        return parse_date(step, text, today).isoformat(), True
    if step.kind is Kind.LIST:
        lines = [line.strip(" -•*\t") for line in text.splitlines()]
        items: list[str] = []
        seen = {item.casefold() for item in draft}
        for line in lines:
            # Items are keys for later per-item questions, so repeats are dropped.
            if shows_something(line) and line.casefold() not in seen:
                seen.add(line.casefold())
                items.append(line)
        too_long = [i for i in items if len(i) > step.item_max_length]
        if too_long:
            raise InvalidInput(
                f"Keep each item under {step.item_max_length} characters; one "
                f"is {len(too_long[0])}. Nothing was added."
            )
        total = len(draft) + len(items)
        limit = step.count or step.max_items or 25
        if total > limit:
            raise InvalidInput(
                f"That would make {total} items; this question takes "
                f"{'exactly' if step.count else 'at most'} {limit}. You have "
                f"{len(draft)} so far; nothing was added."
            )
        draft.extend(items)
        complete = len(draft) == limit
        return (list(draft) if complete else None), complete
    raise InvalidInput("This question can't be answered that way.")


def visible_text(text: str) -> str:
    """What a member typed without the characters nobody can see (NUL, controls, zero-width,
    bidi overrides), line breaks kept; empty when nothing visible is left."""
    # No length limit here: each kind of question has its own, with its own message.
    return clean_block(text, "answer", sys.maxsize) or ""


FUTURE_DATES = "Try tomorrow, 3d, 2w, a weekday like friday, or YYYY-MM-DD."
PAST_DATES = "Try today, yesterday, a weekday like tuesday, or YYYY-MM-DD."
PAST_YEARS = 100  # a past date in an exercise (a first meeting, a start) is within a lifetime
_DATE_SHAPE = re.compile(r"^(\d{1,6})-(\d{1,2})-(\d{1,2})$")


def parse_date(step: Step, text: str, today: date) -> date:
    """A date answer. Written-out dates are checked here, with messages about this question
    (not about logging wins or follow-ups), so year 1, 999 or 9999 gets a clear reason."""
    cleaned = " ".join(text.split())
    shape = _DATE_SHAPE.match(cleaned)
    if shape is None:
        return _relative_date(step, cleaned, today)
    try:
        day = date(*(int(part) for part in shape.groups()))
    except ValueError:
        raise InvalidInput(
            f"{echo(cleaned)} is not a real date. Use YYYY-MM-DD, e.g. "
            f"{today + timedelta(days=7):%Y-%m-%d}."
        ) from None
    if step.when == "past":
        if day > today:
            raise InvalidInput(f"{_day(day)} is in the future. Pick today or an earlier date.")
        if day.year < today.year - PAST_YEARS:
            raise InvalidInput(
                f"{_day(day)} is more than {PAST_YEARS} years ago. Check the year and send it "
                "again."
            )
        return day
    if day < today:
        raise InvalidInput(f"{_day(day)} has passed. Pick today or a later date.")
    if (day - today).days > MAX_FOLLOW_UP_DAYS:
        raise InvalidInput("That is more than a year away. Pick a date within the next year.")
    return day


def _relative_date(step: Step, cleaned: str, today: date) -> date:
    """today, tomorrow, 3d, a weekday...: the shared date words, in this question's terms."""
    how = PAST_DATES if step.when == "past" else FUTURE_DATES
    try:
        day = parse_when(cleaned, today) if step.when == "past" else parse_follow_up(cleaned, today)
    except InvalidInput as problem:
        if "can't read" not in problem.message:
            raise  # a real date out of range ("more than a year away"): its reason stands
        raise InvalidInput(f"I can't read {echo(cleaned)} as a date. {how}") from None
    if day is None:
        # "none" means no follow-up elsewhere; here the question needs a date.
        raise InvalidInput(f"I need a date here. {how}")
    return day


def _day(day: date) -> str:
    # Spelt out with a four-digit year: strftime's %Y drops the zeros of year 1 on glibc.
    return f"{day:%a %d %b} {day.year:04d}"


def _choices(step: Step, text: str | None, values: list[str] | None) -> Any:
    labels = "\n".join(f"{i}. {o.label}" for i, o in enumerate(step.options, start=1))
    if values is not None:
        chosen = values
    else:
        parts = [p.strip() for p in re.split(r"[,\n;]+", text or "") if p.strip()]
        chosen = []
        for part in parts:
            option = _match_option(step, part)
            if option is None:
                raise InvalidInput(
                    f"{echo(part)} isn't one of the options. Pick a number or a name:\n{labels}"
                )
            chosen.append(option)
    if any(step.option(v) is None for v in chosen):
        raise InvalidInput(f"That isn't one of the options:\n{labels}")
    unique = list(dict.fromkeys(chosen))
    if step.kind is Kind.CHOICE:
        if len(unique) != 1:
            raise InvalidInput(f"Pick one option:\n{labels}")
        return unique[0]
    high = step.max_choices or len(step.options)
    if not step.min_choices <= len(unique) <= high:
        raise InvalidInput(
            f"Pick between {step.min_choices} and {high} options (e.g. `1, 3`):\n{labels}"
        )
    return unique


ALL_PREFIX = "all-"  # a button that sorts every item into one option: "all-<value>"


def parse_sort(
    step: Step, items: list[str], text: str | None, values: list[str] | None
) -> dict[str, str]:
    """Every item of a list sorted in one answer: {item: option value}.

    The picked items take the step's first option, the others the second. Picked by menu
    (item numbers from 0), by a button for all of them (``all-<value>``), or typed: item
    numbers from 1 (``1, 3``), ``all``, ``none``, or an option's name for all of them.
    """
    if step.each is None or len(step.each.options) != 2:
        raise InvalidInput("This question can't be answered that way.")
    first, second = step.each.options
    how = (
        f"Type the numbers of those for **{first.label}**, e.g. `1, 3` (`all` or `none` work "
        f"too); the others go to **{second.label}**."
    )
    picked: set[int]
    if values is not None:
        if len(values) == 1 and values[0].startswith(ALL_PREFIX):
            option = step.each.option(values[0][len(ALL_PREFIX) :])
            if option is None:
                raise InvalidInput(f"That isn't one of the options. {how}")
            picked = set(range(len(items))) if option is first else set()
        elif all(v.isdigit() and int(v) < len(items) for v in values) and values:
            picked = {int(v) for v in values}
        else:
            raise InvalidInput(f"That isn't one of the items. {how}")
    else:
        cleaned = (text or "").strip().lower().rstrip(".")
        parts = [p.strip() for p in re.split(r"[,\s;]+", cleaned) if p.strip()]
        named = _match_option(step.each, cleaned) if not cleaned.isdigit() else None
        if cleaned in ("all", "all of them", "every one"):
            picked = set(range(len(items)))
        elif cleaned in ("none", "neither"):
            picked = set()
        elif named is not None:
            picked = set(range(len(items))) if named == first.value else set()
        elif parts and all(re.fullmatch(r"[0-9]{1,3}", p) for p in parts):
            numbers = {int(p) for p in parts}
            if not all(1 <= n <= len(items) for n in numbers):
                raise InvalidInput(f"Pick numbers from 1 to {len(items)}. {how}")
            picked = {n - 1 for n in numbers}
        else:
            raise InvalidInput(how)
    return {item: first.value if i in picked else second.value for i, item in enumerate(items)}


def _match_option(step: Step, text: str) -> str | None:
    cleaned = text.strip().lower().rstrip(".")
    if re.fullmatch(r"[0-9]{1,3}", cleaned) and 1 <= int(cleaned) <= len(step.options):
        return step.options[int(cleaned) - 1].value
    for option in step.options:
        if cleaned in (option.value, option.label.lower()):
            return option.value
    starts = [o for o in step.options if o.label.lower().startswith(cleaned) and len(cleaned) >= 3]
    return starts[0].value if len(starts) == 1 else None


_GROUPED = re.compile(r"\d{1,3}(?P<sep>[,.])\d{3}(?:(?P=sep)\d{3})*")
_LAKH = re.compile(r"\d{1,2}(?:,\d{2})+,\d{3}")  # 12,00,000: how amounts are grouped in India


def _digits(raw: str) -> float | None:
    """The number in digits and separators, as people write it; None when it is not one.

    85,000 and 85.000 are thousands; 85.5 and 85,5 are decimals; with both marks (95,000.50 or
    95.000,50) the last one is the decimal point.
    """
    if _GROUPED.fullmatch(raw) or _LAKH.fullmatch(raw):
        raw = re.sub(r"[,.]", "", raw)
    elif "," in raw and "." in raw:
        point = max(raw.rfind(","), raw.rfind("."))
        whole, decimals = raw[:point], raw[point + 1 :]
        if not _GROUPED.fullmatch(whole) or whole.count(raw[point]) or not decimals.isdigit():
            return None
        raw = re.sub(r"[,.]", "", whole) + "." + decimals
    else:
        raw = raw.replace(",", ".")
    try:
        return float(raw)
    except ValueError:
        return None


def parse_number(step: Step, text: str) -> dict[str, Any]:
    cleaned = text.strip()
    if _NEGATIVE.match(cleaned):
        # The pattern below has no sign, so "-5" would read as "not a number": say what it is.
        if step.minimum is not None and step.minimum > 0:
            raise InvalidInput(f"That's below the lowest allowed ({step.minimum:g}).")
        raise InvalidInput("A negative number doesn't fit here: send zero or more.")
    match = _NUMBER.match(cleaned)
    if not match:
        raise InvalidInput(f"I need a number here, e.g. 85000{' EUR' if step.currency else ''}.")
    currency_text = match.group("pre") or match.group("post")
    if currency_text and not step.currency:
        raise InvalidInput("Just the number, please.")
    amount = _digits(re.sub(r"[\s]", "", match.group("num")))
    if amount is None:
        raise InvalidInput(f"{echo(cleaned)} isn't a number I can read.")
    mult = (match.group("mult") or "").lower()
    amount *= {"k": 1_000, "m": 1_000_000}.get(mult, 1)
    if not math.isfinite(amount) or amount >= 1e15:
        raise InvalidInput("That number is too large to be right: check it and send again.")
    if step.integer and not amount.is_integer():
        raise InvalidInput("A whole number, please.")
    if step.minimum is not None and amount < step.minimum:
        raise InvalidInput(f"That's below the lowest allowed ({step.minimum:g}).")
    if step.maximum is not None and amount > step.maximum:
        raise InvalidInput(f"That's above the highest allowed ({step.maximum:g}).")
    currency = None
    if currency_text:
        currency = _CURRENCY_SYMBOLS.get(currency_text, currency_text.upper())
    value: int | float = int(amount) if amount.is_integer() else amount
    return {"value": value, "currency": currency}

"""The pacer every REST request passes through (issue #13): one bucket under Discord's global
limit, members' requests ahead of background sends."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.pacing import Pacer, background, in_background


def test_background_is_scoped_to_the_block() -> None:
    assert not in_background()
    with background():
        assert in_background()
    assert not in_background()


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Pacer(rate=0)


async def test_requests_beyond_the_burst_wait_for_the_rate() -> None:
    pacer = Pacer(rate=100, burst=5)
    began = time.monotonic()
    for _ in range(15):
        await pacer.wait()
    # Five at once, then ten at 100 a second: at least 0.1 s, whatever the machine.
    assert time.monotonic() - began >= 0.09


async def test_a_member_goes_ahead_of_a_queue_of_background_sends() -> None:
    pacer = Pacer(rate=50, burst=1)
    order: list[str] = []

    async def send(name: str) -> None:
        with background():
            await pacer.wait()
        order.append(name)

    async def member() -> None:
        await pacer.wait()
        order.append("member")

    sends = [asyncio.create_task(send(f"dm{i}")) for i in range(10)]
    await asyncio.sleep(0.03)  # the queue is formed and a send or two went out
    await member()
    await asyncio.gather(*sends)
    position = order.index("member")
    # Without priority the member would wait behind all ten sends.
    assert position <= 3, order


async def test_waiting_time_is_reported() -> None:
    waits: list[float] = []
    pacer = Pacer(rate=100, burst=1, on_wait=waits.append)
    await pacer.wait()
    await pacer.wait()
    assert len(waits) == 2 and waits[1] > waits[0]

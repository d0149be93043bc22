"""scraper.fetch.hostlimit: per-host cap, jittered spacing, 429/503 slow-down and recovery (fake clock)."""

from __future__ import annotations

import asyncio
import itertools
import random

from httpserver import NeteaseServer, Respond

from scraper.config import FetchOptions
from scraper.fetch import Backoff, Fetcher
from scraper.fetch.hostlimit import HostLimiter


class FakeTime:
    """A clock that only moves when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def limiter(fake: FakeTime, **changes: float) -> HostLimiter:
    kw = {"per_host": 2, "delay": 1.0, "concurrency": 8, "max_delay": 30.0, "min_penalty": 2.0, **changes}
    return HostLimiter(
        per_host=int(kw["per_host"]),
        delay=kw["delay"],
        concurrency=int(kw["concurrency"]),
        max_delay=kw["max_delay"],
        min_penalty=kw["min_penalty"],
        clock=fake.clock,
        sleep=fake.sleep,
        rng=random.Random(7),
    )


def test_starts_are_spaced_by_the_jittered_delay() -> None:
    fake = FakeTime()
    lim = limiter(fake, per_host=4)
    starts: list[float] = []

    async def one() -> None:
        async with lim.slot("www.163.com"):
            starts.append(fake.now)

    async def go() -> None:
        for _ in range(5):
            await one()

    asyncio.run(go())
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert starts[0] == 0.0
    assert all(0.5 <= gap <= 1.5 for gap in gaps), gaps
    assert len(set(gaps)) > 1  # jittered, not a fixed beat


def test_hosts_do_not_wait_for_each_other() -> None:
    fake = FakeTime()
    lim = limiter(fake, delay=10.0)

    async def go() -> None:
        for host in ("www.163.com", "m.163.com", "news.163.com"):
            async with lim.slot(host):
                pass

    asyncio.run(go())
    assert fake.sleeps == []


def peaks(lim: HostLimiter, hosts: list[str]) -> tuple[dict[str, int], int]:
    """Run one short task per entry of ``hosts``; return the peak in flight per host and overall."""
    in_flight: dict[str, int] = {}
    peak: dict[str, int] = {}
    overall = [0, 0]

    async def one(host: str) -> None:
        async with lim.slot(host):
            in_flight[host] = in_flight.get(host, 0) + 1
            overall[0] += 1
            peak[host] = max(peak.get(host, 0), in_flight[host])
            overall[1] = max(overall[1], overall[0])
            for _ in range(3):
                await asyncio.sleep(0)
            in_flight[host] -= 1
            overall[0] -= 1

    async def go() -> None:
        await asyncio.gather(*(one(h) for h in hosts))

    asyncio.run(go())
    return peak, overall[1]


def test_per_host_cap() -> None:
    peak, overall = peaks(limiter(FakeTime(), delay=0.0, per_host=2, concurrency=8), ["a"] * 6 + ["b"] * 6)
    assert peak == {"a": 2, "b": 2}
    assert overall == 4


def test_overall_cap() -> None:
    _, overall = peaks(limiter(FakeTime(), delay=0.0, per_host=4, concurrency=3), ["a", "b", "c", "d"] * 3)
    assert overall == 3


def test_slow_down_doubles_and_is_capped_then_recovers() -> None:
    lim = limiter(FakeTime(), delay=1.0, max_delay=5.0)
    lim.slow_down("h")
    assert lim.delay("h") == 2.0
    lim.slow_down("h")
    lim.slow_down("h")
    assert lim.delay("h") == 5.0
    lim.recovered("h")
    assert lim.delay("h") == 3.0
    for _ in range(20):
        lim.recovered("h")
    assert lim.delay("h") == 1.0
    assert lim.delay("other") == 1.0


def test_slow_down_from_zero_uses_the_minimum_penalty() -> None:
    lim = limiter(FakeTime(), delay=0.0, min_penalty=2.0)
    lim.slow_down("h")
    assert lim.delay("h") == 2.0


def test_pause_holds_the_next_request() -> None:
    fake = FakeTime()
    lim = limiter(fake, delay=0.0)
    lim.pause("h", 7.0)

    async def go() -> None:
        async with lim.slot("h"):
            pass

    asyncio.run(go())
    assert fake.sleeps == [7.0]


def test_floor_from_crawl_delay() -> None:
    lim = limiter(FakeTime(), delay=1.0, max_delay=30.0)
    lim.set_floor("h", 5.0)
    lim.recovered("h")
    assert lim.delay("h") == 5.0
    lim.set_floor("h", 1000.0)
    assert lim.delay("h") == 30.0


def test_retry_after_holds_requests_already_waiting_their_turn(netease_server: NeteaseServer) -> None:
    """Real server, ``per_host=2``: B got its slot and is waiting out the spacing when A's 429 with
    ``Retry-After: 2`` arrives; B must wait for the Retry-After too, not go at its reserved time."""
    ids = ["KRETRYAF00000001", "KRETRYAF00000002", "KRETRYAF00000003"]
    urls = [netease_server.add_article(ids[0], faults=[Respond(429, {"Retry-After": "2"})])]
    urls += [netease_server.add_article(d) for d in ids[1:]]
    opts = FetchOptions(
        per_host=2, delay=1.0, retries=1, timeout=5.0, ignore_robots=True, allow_hosts=(netease_server.host,)
    )

    async def go() -> None:
        async with Fetcher(opts, backoff=Backoff(base=0.01, max=0.05, max_host_delay=5.0)) as fetcher:
            first = asyncio.ensure_future(fetcher.fetch(urls[0]))
            await asyncio.sleep(0)  # A reserves the first start
            await asyncio.gather(first, *(fetcher.fetch(u) for u in urls[1:]))

    asyncio.run(go())
    asked_429 = netease_server.requests(f"/dy/article/{ids[0]}.html")[0].time
    sent_429 = netease_server.answered(f"/dy/article/{ids[0]}.html")[0]
    for docid in ids[1:]:
        for hit in netease_server.requests(f"/dy/article/{docid}.html"):
            # Either on the wire before the 429 was sent, or after the Retry-After (2 s after it was asked).
            assert hit.time < sent_429 or hit.time >= asked_429 + 2.0, (docid, hit.time - asked_429)

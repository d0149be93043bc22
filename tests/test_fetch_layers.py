"""The fetch layers: one ordered declaration, module docstrings that agree, every attempt in tenacity."""

from __future__ import annotations

import asyncio
import importlib
import re
from typing import Any

import pytest
from httpserver import NeteaseServer
from tenacity import AsyncRetrying, RetryCallState

import scraper.fetch
from scraper.config import FetchOptions
from scraper.fetch import fetcher
from scraper.fetch.retry import Backoff


def test_each_layer_module_names_its_place_in_the_one_order() -> None:
    for n, name in enumerate(fetcher.LAYERS, 1):
        doc = importlib.import_module(f"scraper.fetch.{name}").__doc__ or ""
        assert doc.startswith(f"Layer {n} of {len(fetcher.LAYERS)} "), name
    listed = re.findall(r"^(\d)\. ``(\w+)``", scraper.fetch.__doc__ or "", re.M)
    assert [(int(n), name) for n, name in listed] == list(enumerate(fetcher.LAYERS, 1))


@pytest.mark.parametrize("retries", [0, 2])
def test_the_first_attempt_runs_inside_the_tenacity_loop(
    netease_server: NeteaseServer, monkeypatch: pytest.MonkeyPatch, retries: int
) -> None:
    seen: list[int] = []
    real = fetcher.make_retrying

    def counted(**kwargs: Any) -> AsyncRetrying:
        loop = real(**kwargs)

        def before(state: RetryCallState) -> None:
            seen.append(state.attempt_number)

        return loop.copy(before=before)

    monkeypatch.setattr(fetcher, "make_retrying", counted)
    url = netease_server.add_article("KLLLLLLL00000001")
    options = FetchOptions(allow_hosts=(netease_server.host,), delay=0, retries=retries, ignore_robots=True)

    async def go() -> int:
        async with fetcher.Fetcher(options, backoff=Backoff(base=0.01, max=0.01)) as f:
            return (await f.fetch(url)).attempts

    assert asyncio.run(go()) == 1
    assert seen == [1]  # before: 0, the first try ran outside tenacity

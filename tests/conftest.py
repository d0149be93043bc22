"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from httpserver import NeteaseServer


@pytest.fixture
def netease_server() -> Iterator[NeteaseServer]:
    """A fresh local HTTP server (see ``tests/httpserver.py``) serving NetEase-shaped paths."""
    with NeteaseServer() as server:
        yield server

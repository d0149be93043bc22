"""scraper.discovery.model: times from docids and feeds, ``--since`` values."""

from __future__ import annotations

from datetime import datetime

import pytest

from scraper.discovery.model import BEIJING, docid_time, parse_feed_time, parse_since


def test_docid_time_reads_the_creation_time() -> None:
    when = docid_time("F6ISIFBD0001899O")  # research §1.1: the page says 2020-02-29 18:34:31
    assert when is not None and when.replace(microsecond=0) == datetime(
        2020, 2, 29, 18, 34, 31, tzinfo=BEIJING
    )


def test_docid_time_is_none_outside_the_base32_alphabet() -> None:
    assert docid_time("ZZZZZZZZ0001899O") is None


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("02/29/2020 18:34:31", "2020-02-29T18:34:31+08:00"),  # cm_* feeds
        ("2020-02-29 18:34:31", "2020-02-29T18:34:31+08:00"),  # ptime
        ("(2020-7-4 2:20)", "2020-07-04T02:20:00+08:00"),  # rolling list pages
        ("13/45/2020 99:00:00", None),
        ("昨天", None),
        (None, None),
    ],
)
def test_feed_times_become_iso_beijing(text: str | None, iso: str | None) -> None:
    assert parse_feed_time(text) == iso


def test_since_takes_dates_times_and_ages() -> None:
    now = datetime(2020, 3, 2, 12, 0, tzinfo=BEIJING)
    assert parse_since("2020-02-29") == datetime(2020, 2, 29, tzinfo=BEIJING)
    assert parse_since("2020-02-29T18:00") == datetime(2020, 2, 29, 18, tzinfo=BEIJING)
    assert parse_since("2020-02-29T10:00:00+00:00").astimezone(BEIJING).hour == 18
    assert parse_since("36h", now=now) == datetime(2020, 3, 1, 0, 0, tzinfo=BEIJING)
    assert parse_since("2d", now=now) == datetime(2020, 2, 29, 12, 0, tzinfo=BEIJING)


@pytest.mark.parametrize("text", ["yesterday", "", "2020-13-01", "3w"])
def test_since_refuses_anything_else(text: str) -> None:
    with pytest.raises(ValueError):
        parse_since(text)

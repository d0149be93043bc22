"""The public API is exactly what ``scraper.__all__`` says (as httpx's test_exported_members)."""

from __future__ import annotations

import types

import scraper


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name in dir(scraper)
        if not name.startswith("_") and not isinstance(getattr(scraper, name), types.ModuleType)
    }
    assert set(scraper.__all__) - {"__version__"} == public
    assert scraper.__all__ == sorted(scraper.__all__, key=str.lower) or scraper.__all__ == sorted(
        scraper.__all__
    )


def test_every_error_is_a_scraper_error_with_a_reason() -> None:
    for name in scraper.__all__:
        obj = getattr(scraper, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, scraper.ScraperError)
            assert isinstance(obj.reason, str) and obj.reason

"""The public API is exactly what ``scraper.__all__`` says (as httpx's test_exported_members), and
``import scraper`` stays light: the crawler and discovery load on first use."""

from __future__ import annotations

import subprocess
import sys
import types

import scraper

PUBLIC = {
    "ArchiveError",
    "Article",
    "Blocked",
    "BodyTooLarge",
    "CommonCrawlOptions",
    "ConnectionFailed",
    "CrawlOptions",
    "CrawlSummary",
    "DecodeError",
    "DiscoverOptions",
    "DiscoveredURL",
    "DiscoveryResult",
    "FeedError",
    "FetchError",
    "FetchOptions",
    "FetchTimeout",
    "HTTPStatusError",
    "HostNotAllowed",
    "Image",
    "ParseError",
    "Reason",
    "RobotsDisallowed",
    "ScraperError",
    "SourceFailure",
    "StateStoreError",
    "TooManyRedirects",
    "URLRejected",
    "__version__",
    "article_links",
    "clean_html",
    "commoncrawl",
    "crawl",
    "crawl_async",
    "discover",
    "discover_async",
}


def test_all_is_pinned() -> None:
    assert set(scraper.__all__) == PUBLIC
    assert scraper.__all__ == sorted(scraper.__all__, key=str.lower) or scraper.__all__ == sorted(
        scraper.__all__
    )


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        name
        for name in dir(scraper)
        if not name.startswith("_") and not isinstance(getattr(scraper, name), types.ModuleType)
    }
    assert set(scraper.__all__) - {"__version__"} == public


def test_every_error_is_a_scraper_error_with_a_reason() -> None:
    for name in scraper.__all__:
        obj = getattr(scraper, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, scraper.ScraperError)
            assert isinstance(obj.reason, str) and obj.reason


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_import_scraper_for_cleaning_loads_no_fetching_or_state() -> None:
    out = _run(
        "import scraper, sys; scraper.clean_html; scraper.Article; scraper.FetchOptions; scraper.Reason; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'httpx', 'sqlite3', 'trafilatura', 'aiohttp'} "
        "or m.startswith(('scraper.crawling', 'scraper.discovery', 'scraper.fetch'))))"
    )
    assert out == "[]"


def test_lazy_names_load_on_use_and_are_the_real_objects() -> None:
    out = _run(
        "import sys, scraper; from scraper import crawl, crawl_async, discover; "
        "from scraper.crawling.runner import crawl as real_crawl, crawl_async as real_async; "
        "from scraper.discovery.runner import discover as real_discover; "
        "print(crawl is real_crawl, crawl_async is real_async, discover is real_discover, 'httpx' in sys.modules)"
    )
    assert out == "True True True True"


def test_the_subpackages_never_shadow_the_functions() -> None:
    # Importing a subpackage sets it as an attribute of scraper: named like the function, it would
    # replace (or be replaced by) scraper.crawl / scraper.discover depending on import order.
    out = _run(
        "import scraper.crawling.runner, scraper.discovery.runner, scraper, types; "
        "from scraper import crawl, discover; "
        "print(callable(crawl) and not isinstance(crawl, types.ModuleType), "
        "callable(discover) and not isinstance(discover, types.ModuleType), "
        "isinstance(scraper.crawling, types.ModuleType), isinstance(scraper.discovery, types.ModuleType))"
    )
    assert out == "True True True True"


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        scraper.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("scraper.no_such_name did not raise")


def test_commoncrawl_is_lazy_and_not_shadowed_by_its_subpackage() -> None:
    out = _run(
        "import sys, scraper, types; light = 'scraper.common_crawl' not in sys.modules; "
        "import scraper.common_crawl.job; from scraper import commoncrawl, CommonCrawlOptions; "
        "from scraper.common_crawl.job import commoncrawl as real; "
        "print(light, commoncrawl is real, not isinstance(commoncrawl, types.ModuleType), "
        "CommonCrawlOptions().index_url)"
    )
    assert out == "True True True https://index.commoncrawl.org"

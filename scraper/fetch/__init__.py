"""Polite, retrying fetching of NetEase pages.

``Fetcher.fetch(url)`` runs these layers, in this order (each its own module; the order is
``fetcher.LAYERS``, and ``fetcher.py`` composes them in it):

1. ``hosts``     the URL's host is a NetEase domain or an ``--allow-host``         ``HostNotAllowed``
2. ``retry``     one tenacity loop runs every attempt of 3-7, the first included:  (waits, ``Retry-After``)
                 timeouts, dropped connections, 408/425/429/500/502/503/504
                 are retried with backoff + jitter
3. ``robots``    robots.txt of each hop's origin allows it (unless ignored)         ``RobotsDisallowed``
4. ``redirects`` followed by hand; each hop re-checked by 1 and 3; loops           ``TooManyRedirects``
5. ``hostlimit`` per-host slot: in-flight cap, jittered spacing, 429/503 slow-down
6. ``exchange``  one GET; body streamed under the size cap, Content-Encoding      ``BodyTooLarge``,
                 undone by ``decode`` in bounded steps (bombs stop at the cap);     ``FetchTimeout``, ...
                 httpx errors mapped in ``errormap.map_httpx_errors``
7. ``verify``    final status (403 ``Blocked``, 404 ``http_404``...), captcha page,
                 docid of the page vs the docid asked for                          ``docid_mismatch``

The wire under 6 is ``transport``: sharded httpx pools, or aiohttp (``aio``) with the ``[fast]`` extra.

Only ``scraper.errors.FetchError`` subclasses come out, each with ``.reason``, ``.url`` and ``.attempts``.
"""

from .errormap import map_httpx_errors
from .fetcher import Fetcher
from .result import FetchResult
from .retry import Backoff, parse_retry_after

__all__ = ["Backoff", "FetchResult", "Fetcher", "map_httpx_errors", "parse_retry_after"]

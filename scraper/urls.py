"""Recognise NetEase article URLs, extract the docid and give the URL to fetch.

Families (see research/netease-structure.md §1.2); every one ends in ``<DOCID>.html``, optionally with a
variant suffix such as ``_pdya11y`` (关怀版), ``_all`` or ``_2`` that is dropped from the fetch URL:

============  ==============================================================  ============================
family        pattern                                                         fetched as
============  ==============================================================  ============================
``pc``        ``www.163.com/<chan|dy>/article/<ID>.html``                     ``https://www.163.com/...``
``dated``     ``<chan>.163.com[/<sub>]/YY/MMDD/HH/<ID>.html`` (also 3g)       as is (scheme kept)
``static``    ``<chan>.163.com[/<sub>]/static/a/<ID>.html``                   as is (scheme kept)
``dy-v2``     ``dy.163.com/v2/article/detail/<ID>.html``, ``dy.163.com/       as is (scheme kept)
              article/<ID>.html``, ``predy.163.com/v2/article/<ID>.html``
``mobile``    ``m.163.com|3g.163.com/<chan>/article/<ID>.html``               ``https://<host>/...``
``touch``     ``3g.163.com/touch/article.html?docid=<ID>`` (JS shell)         ``https://3g.163.com/all/...``
``app``       ``c.m.163.com/news/a/<ID>.html``, ``c.m.163.com/nc/article/     ``https://c.m.163.com/news/a/``
              <ID>/full.html`` (JSON API)
``mirror``    a host given in ``allow_hosts`` with one of the paths above     scheme+host+port+path
============  ==============================================================  ============================

Old families keep their scheme because some old subdomains (``caozhi.news.163.com``) are not covered by the
``*.163.com`` certificate; modern hosts are upgraded to https. Query strings and fragments are never part of
a fetch URL: they only carry tracking (``?f=``, ``#f=``, ``?spss=``, ``?referFrom=``, ``&isFromOtherWeb=``,
``?from=``, ``#adaptation=``, ``?noredirect``). The docid is the de-duplication key.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from .errors import Reason, URLRejected

__all__ = [
    "ARTICLE_DOMAINS",
    "DOCID_PATTERN",
    "DOCID_RE",
    "NETEASE_DOMAINS",
    "ArticleURL",
    "absolute_url",
    "canonical_url",
    "docid_from_url",
    "host_in",
    "is_netease_host",
    "is_netease_url",
    "parse_article_url",
]

# The docid: 16 upper-case letters and digits (research §1.1), the one pattern every docid reader uses.
DOCID_PATTERN = r"[A-Z0-9]{16}"
DOCID_RE = re.compile(DOCID_PATTERN)
_ID = rf"(?P<docid>{DOCID_PATTERN})(?P<variant>_[A-Za-z0-9]+)?\.html"
_CHAN = r"(?P<chan>[a-z0-9_-]+)"

# Path shapes, tried in order. Each regex matches the whole path.
_PC_PATH = re.compile(rf"/{_CHAN}/article/{_ID}")
_DATED_PATH = re.compile(rf"(?P<prefix>(?:/[a-z0-9_-]+)?)/\d{{2}}/\d{{4}}/\d{{2}}/{_ID}")
_STATIC_PATH = re.compile(rf"(?P<prefix>(?:/[a-z0-9_-]+)?)/static/a/{_ID}")
_DY_V2_PATH = re.compile(rf"(?:/v2)?/article(?:/detail)?/{_ID}")
_APP_PATH = re.compile(rf"/news/a/{_ID}")
_APP_API_PATH = re.compile(rf"/nc/article/(?P<docid>{DOCID_PATTERN})/full\.html")
_TOUCH_PATH = "/touch/article.html"
# Any docid-looking file name, for lenient extraction from final URLs and links.
_ANY_DOCID = re.compile(rf"(?<![A-Za-z0-9])({DOCID_PATTERN})(?:_[A-Za-z0-9]+)?\.html")

# Every domain NetEase serves from (pages, images, the 2005 forums): fetched, read from WARCs, cleaned.
NETEASE_DOMAINS = ("163.com", "netease.com", "126.net")
# The article URL families all live under 163.com: only there does a path make an article URL.
ARTICLE_DOMAINS = ("163.com",)
_MOBILE_HOSTS = frozenset({"m.163.com", "3g.163.com"})
_DY_HOSTS = frozenset({"dy.163.com", "predy.163.com"})
_APP_HOSTS = frozenset({"c.m.163.com", "c.3g.163.com"})
_WWW_HOSTS = frozenset({"www.163.com", "163.com"})
_HOST_RE = re.compile(r"[a-z0-9.-]+")  # IPv6 literals are not supported
_SPACE_OR_CONTROL = re.compile(r"[\s\x00-\x1f]")  # \s is str.isspace(); one C loop instead of a genexpr


@dataclass(frozen=True)
class ArticleURL:
    """A recognised NetEase article URL.

    ``original`` is the line as given (trimmed); ``docid`` the 16-character article id (the
    de-duplication key); ``fetch_url`` the cleaned URL to request; ``host`` the original host (with
    ``:port`` when one was given); ``family`` one of the families in the module docstring; ``channel``
    the channel (``news``, ``dy``, ``tech``...) when the URL says it; ``variant`` a dropped suffix such
    as ``_pdya11y``.
    """

    original: str
    docid: str
    fetch_url: str
    host: str
    family: str
    channel: str | None = None
    variant: str | None = None


def is_netease_host(host: str, domains: Collection[str] = NETEASE_DOMAINS) -> bool:
    """True when ``host`` (without port) is one of ``domains`` or a subdomain of one.

    The one host test of the package: a suffix match on a label boundary, in any case, with one
    trailing dot allowed (``WWW.163.com.``); ``evil163.com``, ``163.com.evil.org`` and ``x.163.co`` are
    not NetEase.
    """
    name = host.lower()
    if name.endswith("."):
        name = name[:-1]
    for domain in domains:
        if name == domain:
            return True
        prefix = name[: -len(domain) - 1]
        if name.endswith("." + domain) and prefix and not prefix.endswith("."):
            return True
    return False


def is_netease_url(url: str | None, domains: Collection[str] = NETEASE_DOMAINS) -> bool:
    """True for an absolute (or ``//host/...``) URL whose host passes :func:`is_netease_host`."""
    if not url:
        return False
    try:
        host = urlsplit("https:" + url if url.startswith("//") else url).hostname
    except ValueError:
        return False
    return host is not None and is_netease_host(host, domains)


def host_in(hostname: str, port: int | None, hosts: Collection[str]) -> bool:
    """True if ``hostname[:port]`` is listed in ``hosts`` (``host`` matches any port, ``host:port`` one)."""
    if not hosts:
        return False
    wanted = {h.strip().lower().rstrip("/") for h in hosts}
    return hostname in wanted or (port is not None and f"{hostname}:{port}" in wanted)


def absolute_url(href: str | None, base: str | None) -> str | None:
    """An absolute http(s) URL for a link's ``href``: relative ones need ``base``; ``//host/...`` is https.

    None for an empty href, an in-page anchor, ``javascript:`` / ``mailto:``, or a relative link
    without a base.
    """
    if not href:
        return None
    href = href.strip()
    if href.startswith("//"):
        return "https:" + href if base is None else urljoin(base, href)
    if href.startswith(("http://", "https://")):
        return href
    if base is None or href.startswith(("#", "javascript:", "mailto:")):
        return None
    try:
        return urljoin(base, href)
    except ValueError:  # a base or href urljoin cannot split (a broken IPv6 literal)
        return None


def canonical_url(docid: str, *, channel: str | None = None) -> str:
    """The URL that names an article when only its docid (and maybe its channel) is known.

    With a ``channel`` (``news``, ``dy`` for 网易号...): the desktop page
    ``https://www.163.com/<channel>/article/<docid>.html``. Without one: the app share page
    ``https://c.m.163.com/news/a/<docid>.html``, which answers for every docid whatever its channel.
    """
    if not DOCID_RE.fullmatch(docid):
        raise ValueError(f"not a NetEase docid: {docid!r}")
    if channel is None:
        return f"https://c.m.163.com/news/a/{docid}.html"
    if not re.fullmatch(r"[a-z0-9_-]+", channel):
        raise ValueError(f"not a channel name: {channel!r}")
    return f"https://www.163.com/{channel}/article/{docid}.html"


def docid_from_url(url: str) -> str | None:
    """The docid found in a URL's path (or ``?docid=``), whatever the host; None if there is none."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    match = _ANY_DOCID.search(parts.path) or _APP_API_PATH.search(parts.path)
    if match:
        return match.group(1)
    docid = parse_qs(parts.query).get("docid", [""])[0]
    return docid if DOCID_RE.fullmatch(docid) else None


def parse_article_url(line: str, *, allow_hosts: Collection[str] = ()) -> ArticleURL:
    """Recognise one NetEase article URL (one line of a URL list).

    Raises ``URLRejected`` with ``reason="bad_url"`` for junk (empty, spaces inside, non-http(s)
    scheme, no host) and ``reason="not_netease"`` for a URL that is not a NetEase article (another
    site, a NetEase gallery/video/list page). Hosts in ``allow_hosts`` (``host`` or ``host:port``, e.g.
    a mirror or a test server) are accepted when their path has a NetEase article form.
    """
    original = line.strip().lstrip("\ufeff")
    hostname, port, scheme, parts = _split(original)
    if is_netease_host(hostname, ARTICLE_DOMAINS):
        found = _netease(original, scheme, hostname, parts.path, parts.query)
        if found is not None:
            return found
    if host_in(hostname, port, allow_hosts):
        host = f"{hostname}:{port}" if port is not None else hostname
        return _mirror(original, scheme, host, parts.path)
    raise URLRejected(f"not a NetEase article URL: {original}", reason=Reason.NOT_NETEASE)


def _split(original: str) -> tuple[str, int | None, str, _Parts]:
    """Validate the URL syntax; return (hostname, port, scheme, parts) or raise ``bad_url``."""
    if not original or _SPACE_OR_CONTROL.search(original):
        raise URLRejected(f"not a URL: {original!r}", reason=Reason.BAD_URL)
    text = original
    if text.startswith("//"):
        text = "https:" + text
    elif "://" not in text and re.match(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?/", text):
        text = "https://" + text  # a bare "www.163.com/..." line
    try:
        split = urlsplit(text)
        port = split.port
    except ValueError as exc:
        raise URLRejected(f"not a URL: {original!r} ({exc})", reason=Reason.BAD_URL) from None
    scheme = split.scheme.lower()
    if scheme not in ("http", "https"):
        raise URLRejected(f"not an http(s) URL: {original!r}", reason=Reason.BAD_URL)
    hostname = (split.hostname or "").rstrip(".")
    if not hostname or not _HOST_RE.fullmatch(hostname):
        raise URLRejected(f"no valid host in {original!r}", reason=Reason.BAD_URL)
    if port in (80, 443):
        port = None  # default ports say nothing; keep the fetch URL canonical
    return hostname, port, scheme, _Parts(split.path or "/", split.query)


@dataclass(frozen=True)
class _Parts:
    path: str
    query: str


def _netease(original: str, scheme: str, host: str, path: str, query: str) -> ArticleURL | None:
    """Match the NetEase families on a 163.com host; None if no article form matches."""

    def make(family: str, docid: str, fetch_url: str, chan: str | None, variant: str | None) -> ArticleURL:
        return ArticleURL(original, docid, fetch_url, host, family, chan, variant or None)

    if host in _APP_HOSTS:
        m = _APP_PATH.fullmatch(path) or _APP_API_PATH.fullmatch(path)
        if not m:
            return None
        docid = m.group("docid")
        return make("app", docid, canonical_url(docid), None, _variant(m))
    if host in _DY_HOSTS:
        m = _DY_V2_PATH.fullmatch(path)
        if not m:
            return None
        return make("dy-v2", m["docid"], f"{scheme}://{host}{_strip_variant(path, m)}", "dy", m["variant"])
    if host in _MOBILE_HOSTS and path == _TOUCH_PATH:
        docid = parse_qs(query).get("docid", [""])[0]
        if not DOCID_RE.fullmatch(docid):
            return None
        # The touch page is a JS shell whose body comes from JSONP; /all/article/ is the plain page.
        return make("touch", docid, f"https://3g.163.com/all/article/{docid}.html", None, None)
    m = _PC_PATH.fullmatch(path)
    if m and (host in _WWW_HOSTS or host in _MOBILE_HOSTS):
        family = "mobile" if host in _MOBILE_HOSTS else "pc"
        target = host if host in _MOBILE_HOSTS else "www.163.com"
        url = f"https://{target}/{m['chan']}/article/{m['docid']}.html"
        return make(family, m["docid"], url, m["chan"], m["variant"])
    for family, regex in (("dated", _DATED_PATH), ("static", _STATIC_PATH)):
        m = regex.fullmatch(path)
        if m:
            chan = m["prefix"].strip("/") or host.split(".")[0]
            return make(family, m["docid"], f"{scheme}://{host}{_strip_variant(path, m)}", chan, m["variant"])
    return None


def _mirror(original: str, scheme: str, host: str, path: str) -> ArticleURL:
    """An allowed (non-NetEase) host: accept any NetEase article path, keep scheme+host+port."""
    for regex in (_PC_PATH, _DATED_PATH, _STATIC_PATH, _DY_V2_PATH, _APP_PATH):
        m = regex.fullmatch(path)
        if m:
            chan = m.groupdict().get("chan")
            url = f"{scheme}://{host}{_strip_variant(path, m)}"
            return ArticleURL(original, m["docid"], url, host, "mirror", chan, m["variant"])
    raise URLRejected(f"no NetEase article path in {original}", reason=Reason.NOT_NETEASE)


def _variant(m: re.Match[str]) -> str | None:
    return m.groupdict().get("variant")


def _strip_variant(path: str, m: re.Match[str]) -> str:
    """The path without its ``_pdya11y``/``_all``/``_2`` suffix."""
    variant = m["variant"]
    if not variant:
        return path
    start, end = m.span("variant")
    return path[:start] + path[end:]

"""A real HTTP server on 127.0.0.1 for fetch and crawl tests, with faults on demand.

    with NeteaseServer() as server:
        url = server.add_article("G33O1QTA05372UZS")                 # /dy/article/<ID>.html, 200
        server.add("/x.html", body=b"...", faults=[Respond(503, {"Retry-After": "1"})])  # 503, then 200
        server.add("/slow.html", body=b"...", delay=2.0)              # every answer 2 s late
        server.add("/drop.html", body=b"...", faults=[Drop()])        # connection closed once
        server.add("/c.html", body=b"...", fixed=[NewCookie(1000)])   # a new cookie on every answer
        server.redirect("/a.html", "/b.html")                         # 302
        server.hits("/x.html"), server.requests("/x.html")[1].time    # what the client did
        server.answered("/x.html")[0]                                # when the first answer was sent

Routes answer by path (the query is ignored; unknown paths are 404, so is ``/robots.txt`` until added).
``faults`` are consumed one per request, in order; once they run out the route answers normally. Use
``fixed=`` faults (applied to every request) for permanent trouble. The server uses HTTP/1.1 with
keep-alive, like a real site. It lives in a daemon thread and is stopped by ``close()``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

__all__ = [
    "Delay",
    "Drop",
    "Fault",
    "Hit",
    "NeteaseServer",
    "NewCookie",
    "Respond",
    "Stall",
    "article_page",
]


@dataclass(frozen=True)
class Respond:
    """Answer this status/headers/body instead of the route's normal answer."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(frozen=True)
class Delay:
    """Wait ``seconds`` before sending anything, then answer normally."""

    seconds: float


@dataclass(frozen=True)
class Drop:
    """Close the connection without sending a response (``reset=True``: with a TCP RST)."""

    reset: bool = False


@dataclass(frozen=True)
class Stall:
    """Send the headers and the first ``after`` body bytes, then hang for ``seconds`` and close."""

    seconds: float
    after: int = 64


@dataclass(frozen=True)
class NewCookie:
    """Add ``Set-Cookie: c<n>=<size bytes>`` with a name never used before (a jar-filling site)."""

    size: int = 1000


Fault = Respond | Delay | Drop | Stall | NewCookie


@dataclass(frozen=True)
class Hit:
    """One request as the server saw it (``time`` is ``time.monotonic()``)."""

    path: str
    query: str
    time: float
    headers: dict[str, str]


@dataclass
class _Route:
    body: bytes
    status: int
    headers: dict[str, str]
    chunked: bool
    faults: deque[Fault]
    fixed: tuple[Fault, ...]


def article_page(
    docid: str,
    *,
    title: str = "测试文章标题",
    paragraphs: tuple[str, ...] = ("第一段正文，用于抓取测试。", "第二段正文，内容是合成的。"),
    published: str = "2024-05-01 10:00:00",
    source: str = "测试来源",
    channel: str = "dy",
    charset: str = "utf-8",
    padding: int = 0,
) -> bytes:
    """A small synthetic page shaped like NetEase's 2021+ desktop template (``post_main``/``post_body``).

    ``padding`` adds that many bytes of an HTML comment (to make big pages).
    """
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    html = f"""<!DOCTYPE html>
<html id="ne_wrap" data-publishtime="{published}"><head>
<meta charset="{charset}">
<title>{title}_网易订阅</title>
<meta name="keywords" content="测试,合成">
<meta name="description" content="{title}">
<link rel="canonical" href="https://www.163.com/{channel}/article/{docid}.html">
<meta property="og:url" content="https://www.163.com/{channel}/article/{docid}.html">
</head><body>
<div id="contain" class="wrapper" data-docid="{docid}" data-ptime="{published}">
<div class="post_main">
<div class="post_crumb"><a href="https://www.163.com/">网易首页</a> &gt; 正文</div>
<h1 class="post_title">{title}</h1>
<div class="post_info">{published}　来源: <a href="https://www.163.com/dy/media/T1536566896022.html">{source}</a></div>
<div id="content" class="post_content">
<div class="post_body">
{body}
</div>
<div class="post_statement">特别声明：以上内容为合成测试数据。</div>
</div></div></div>
<!--{"x" * padding}-->
</body></html>
"""
    return html.encode(charset)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        target = self.path
        if "://" in target.split("?", 1)[0]:  # absolute form: we are being used as an HTTP proxy
            target = "/" + target.split("://", 1)[1].partition("/")[2]
        path, _, query = target.partition("?")
        self.server.owner._record(Hit(path, query, time.monotonic(), dict(self.headers.items())))
        self._counted_in_flight = True
        try:
            self._answer(path)
        finally:
            self._leave_flight()
            self.server.owner._done(path)

    def _leave_flight(self) -> None:
        """The request stops counting as in flight once its answer starts going out (or it ends).

        Not later: the client may read the whole answer and send its next request before this
        thread gets the GIL back, and the two would look concurrent when they never were.
        """
        if self._counted_in_flight:
            self._counted_in_flight = False
            self.server.owner._left_flight()

    def _answer(self, path: str) -> None:
        route, faults = self.server.owner._next(path)
        if route is None:
            self._send(404, {"Content-Type": "text/plain"}, b"not found")
            return
        status, headers, body = route.status, dict(route.headers), route.body
        for fault in faults:
            if isinstance(fault, Delay):
                time.sleep(fault.seconds)
            elif isinstance(fault, Drop):
                self._drop(reset=fault.reset)
                return
            elif isinstance(fault, Respond):
                status, headers, body = fault.status, dict(fault.headers), fault.body
            elif isinstance(fault, NewCookie):
                headers["Set-Cookie"] = f"c{self.server.owner._next_cookie()}={'v' * fault.size}; Path=/"
            elif isinstance(fault, Stall):
                self._send(status, headers, body, chunked=route.chunked, stall=fault)
                return
        self._send(status, headers, body, chunked=route.chunked)

    def _send(
        self,
        status: int,
        headers: dict[str, str],
        body: bytes,
        *,
        chunked: bool = False,
        stall: Stall | None = None,
    ) -> None:
        self._leave_flight()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if stall is not None:
            self.wfile.write(_chunk(body[: stall.after]) if chunked else body[: stall.after])
            self.wfile.flush()
            time.sleep(stall.seconds)
            self.close_connection = True
            return
        if chunked:
            for start in range(0, len(body), 16384):
                self.wfile.write(_chunk(body[start : start + 16384]))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.wfile.write(body)

    def _drop(self, *, reset: bool) -> None:
        self._leave_flight()
        self.close_connection = True
        if reset:  # SO_LINGER 0: close() sends RST instead of FIN
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: object) -> None:  # keep test output clean
        pass


def _chunk(data: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(data), data) if data else b""


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler asleep in a Delay must not hold up the test's teardown
    owner: NeteaseServer

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that time out and hang up are expected here


class NeteaseServer:
    """The server; see the module docstring. ``host`` is ``127.0.0.1:<port>`` (for ``allow_hosts``)."""

    def __init__(self) -> None:
        self._routes: dict[str, _Route] = {}
        self._hits: list[Hit] = []
        self._answered: list[tuple[str, float]] = []
        self._cookies = 0
        self._lock = threading.Lock()
        self._in_flight = 0
        self.max_in_flight = 0
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self.port: int = self._httpd.server_address[1]
        self.host = f"127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()

    def __enter__(self) -> NeteaseServer:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop serving and release the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def url(self, path: str) -> str:
        """``http://127.0.0.1:<port><path>``."""
        return f"http://{self.host}{path}"

    def add(
        self,
        path: str,
        *,
        body: bytes | str = b"",
        status: int = 200,
        headers: dict[str, str] | None = None,
        content_type: str = "text/html; charset=utf-8",
        faults: list[Fault] | tuple[Fault, ...] = (),
        fixed: list[Fault] | tuple[Fault, ...] = (),
        delay: float = 0.0,
        chunked: bool = False,
    ) -> str:
        """Serve ``body`` at ``path``; returns the URL. Replaces an earlier route for the same path.

        ``faults`` apply one per request, then the normal answer; ``fixed`` faults apply to every
        request (``delay=s`` is short for ``fixed=[Delay(s)]``); ``chunked`` sends no Content-Length.
        """
        data = body.encode("utf-8") if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type, **(headers or {})}
        permanent = (*((Delay(delay),) if delay else ()), *fixed)
        with self._lock:
            self._routes[path] = _Route(data, status, all_headers, chunked, deque(faults), permanent)
        return self.url(path)

    def add_article(self, docid: str, *, path: str | None = None, **page: object) -> str:
        """Serve ``article_page(docid, **page)`` at ``path`` (default ``/dy/article/<docid>.html``)."""
        route_keys = {"status", "headers", "content_type", "faults", "fixed", "delay", "chunked"}
        route = {k: v for k, v in page.items() if k in route_keys}
        html = {k: v for k, v in page.items() if k not in route_keys}
        charset = str(html.get("charset", "utf-8"))
        route.setdefault("content_type", f"text/html; charset={charset}")
        return self.add(path or f"/dy/article/{docid}.html", body=article_page(docid, **html), **route)  # type: ignore[arg-type]

    def redirect(self, path: str, location: str, *, status: int = 302) -> str:
        """Answer ``status`` with ``Location: location`` at ``path`` (a path or a full URL)."""
        return self.add(path, status=status, headers={"Location": location}, content_type="text/html")

    def hits(self, path: str) -> int:
        """How many requests ``path`` received."""
        return len(self.requests(path))

    def requests(self, path: str | None = None) -> list[Hit]:
        """The requests received (for ``path``, or all), oldest first."""
        with self._lock:
            return [h for h in self._hits if path is None or h.path == path]

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _left_flight(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def _done(self, path: str) -> None:
        with self._lock:
            self._answered.append((path, time.monotonic()))

    def _next_cookie(self) -> int:
        with self._lock:
            self._cookies += 1
            return self._cookies

    def answered(self, path: str) -> list[float]:
        """When each answer to ``path`` had been sent (``time.monotonic()``), oldest first."""
        with self._lock:
            return [t for p, t in self._answered if p == path]

    def _next(self, path: str) -> tuple[_Route | None, tuple[Fault, ...]]:
        with self._lock:
            route = self._routes.get(path)
            if route is None:
                return None, ()
            once = (route.faults.popleft(),) if route.faults else ()
            return route, (*route.fixed, *once)

"""Content-Encoding, undone in bounded steps: no response can inflate past the body cap.

httpx decodes each network chunk in one go, so 64 KiB of gzip may become 64 MiB before any cap is
checked, and stacked encodings (``gzip, gzip``) multiply that: 300 bytes became 4 GB. Here every
layer is asked for at most ``STEP`` bytes at a time (zlib's ``max_length``, brotli's
``output_buffer_limit``, zstd's ``max_length``), each layer's output streams into the next one, and
the total out of every layer is counted against ``max_bytes``. A response therefore holds at most
the body cap plus one step per layer, whatever its encodings.

Encodings: ``gzip``/``x-gzip``, ``deflate`` (zlib or raw), ``br`` (with ``brotli`` >= 1.2), ``zstd``
(with ``backports.zstd``, or ``compression.zstd`` on Python 3.14+), ``identity``. Like httpx, an
unknown name is passed through undecoded (the cleaner then sees binary and says so); more than
``MAX_LAYERS`` encodings is refused. :data:`ACCEPT_ENCODING` names only what can be decoded here.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from itertools import chain
from typing import Any, Protocol

from ..errors import BodyTooLarge, FetchError, Reason

__all__ = ["ACCEPT_ENCODING", "MAX_LAYERS", "STEP", "CappedDecoder", "supported_encodings"]

STEP = 64 * 1024  # most bytes one layer produces per call
MAX_LAYERS = 3  # real servers send one; a longer stack is an attack

try:  # optional: the [compression] extra
    import brotli as _brotli  # type: ignore[import-untyped]

    if not hasattr(_brotli.Decompressor(), "can_accept_more_data"):  # < 1.2: no output limit
        _brotli = None
except ImportError:
    _brotli = None

_zstd: Any
try:
    from compression import zstd as _zstd  # type: ignore[import-not-found,no-redef]  # Python 3.14+
except ImportError:
    try:
        from backports import zstd as _zstd  # type: ignore[no-redef,unused-ignore]
    except ImportError:
        _zstd = None


class _Layer(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...
    def finish(self) -> Iterator[bytes]: ...


class _Zlib:
    """gzip (``wbits=47``: gzip or zlib header) or deflate (zlib, falling back to raw deflate)."""

    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._obj = zlib.decompressobj(wbits)
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        obj = self._obj
        if obj.eof:  # anything after the end of the stream is ignored (as httpx does)
            return
        if not self._started:
            self._started = True
            try:
                out = obj.decompress(data, STEP)
            except zlib.error:
                if self._wbits != zlib.MAX_WBITS:
                    raise
                self._obj = obj = zlib.decompressobj(-zlib.MAX_WBITS)  # "deflate" sent as raw deflate
                out = obj.decompress(data, STEP)
        else:
            out = obj.decompress(data, STEP)
        while True:
            if out:
                yield out
            if obj.eof or len(out) < STEP:  # short: all input consumed
                return
            out = obj.decompress(obj.unconsumed_tail, STEP)

    def finish(self) -> Iterator[bytes]:
        # feed() consumed all input, so flush() returns at most a few bytes still pending in zlib.
        tail = self._obj.flush()
        if tail:
            yield tail


class _Brotli:
    def __init__(self) -> None:
        assert _brotli is not None
        self._obj = _brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        obj = self._obj
        out = obj.process(data, output_buffer_limit=STEP)
        while True:
            if out:
                yield out
            # A full buffer may leave more output inside: ask again with no input until it runs dry.
            if obj.is_finished() or (len(out) < STEP and obj.can_accept_more_data()):
                return
            out = obj.process(b"", output_buffer_limit=STEP)

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Zstd:
    def __init__(self) -> None:
        self._obj = _zstd.ZstdDecompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        obj = self._obj
        while not obj.eof:  # a second frame is ignored, as after the end of a gzip stream
            out = obj.decompress(data, STEP)
            data = b""
            if out:
                yield out
            if obj.needs_input:
                return

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Identity:
    def feed(self, data: bytes) -> Iterator[bytes]:
        for start in range(0, len(data), STEP):
            yield data[start : start + STEP]

    def finish(self) -> Iterator[bytes]:
        return iter(())


_LAYERS: dict[str, Callable[[], _Layer]] = {
    "identity": _Identity,
    "gzip": lambda: _Zlib(zlib.MAX_WBITS | 32),
    "x-gzip": lambda: _Zlib(zlib.MAX_WBITS | 32),
    "deflate": lambda: _Zlib(zlib.MAX_WBITS),
}
if _brotli is not None:
    _LAYERS["br"] = _Brotli
if _zstd is not None:
    _LAYERS["zstd"] = _Zstd

_DECODE_ERRORS: tuple[type[Exception], ...] = (
    zlib.error,
    *((_brotli.error,) if _brotli is not None else ()),
    *((_zstd.ZstdError, EOFError) if _zstd is not None else ()),
)


def supported_encodings() -> tuple[str, ...]:
    """The content codings this module decodes (``identity`` left out)."""
    return tuple(name for name in ("gzip", "deflate", "br", "zstd") if name in _LAYERS)


ACCEPT_ENCODING = ", ".join(supported_encodings())


class CappedDecoder:
    """Decodes one response body given its ``Content-Encoding`` header.

    ``feed(raw)`` and ``finish()`` yield decoded pieces of at most :data:`STEP` bytes; past
    ``max_bytes`` out of any layer they raise ``BodyTooLarge`` (or, with ``truncate=True``, stop
    and set :attr:`full`: robots.txt keeps its first bytes). A corrupt stream is
    ``FetchError(reason="bad_encoding")``.
    """

    def __init__(self, content_encoding: str | None, *, max_bytes: int, url: str, truncate: bool = False):
        names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
        names = [n for n in names if n in _LAYERS and n != "identity"]  # unknown: passed through
        if len(names) > MAX_LAYERS:
            raise FetchError(
                f"{url}: {len(names)} stacked Content-Encodings (at most {MAX_LAYERS})",
                url=url,
                reason=Reason.BAD_ENCODING,
            )
        # Decoded in the reverse order of application (RFC 9110 §8.4).
        self._layers: list[_Layer] = [_LAYERS[n]() for n in reversed(names)]
        self._out = [0] * len(self._layers)
        self._max = max_bytes
        self._total = 0
        self._url = url
        self._truncate = truncate
        self.full = False  # truncate=True and max_bytes reached: the rest is not decoded

    def feed(self, raw: bytes) -> Iterator[bytes]:
        """Decoded pieces of the next raw chunk."""
        if raw:
            yield from self._run(0, raw, finish=False)

    def finish(self) -> Iterator[bytes]:
        """What the layers still hold once the raw body has ended."""
        yield from self._run(0, b"", finish=True)

    def _run(self, index: int, data: bytes, *, finish: bool) -> Iterator[bytes]:
        """Push ``data`` through layer ``index`` and the ones after it, one piece at a time."""
        if self.full:
            return
        if index == len(self._layers):
            yield from self._emit(data)
            return
        layer = self._layers[index]
        pieces = chain(layer.feed(data) if data else (), layer.finish() if finish else ())
        for piece in self._guarded(pieces):
            self._out[index] += len(piece)
            if self._out[index] > self._max and not self._truncate:
                raise BodyTooLarge(
                    f"{self._url}: body larger than {self._max} bytes once decoded", url=self._url
                )
            yield from self._run(index + 1, piece, finish=False)
            if self.full:
                return
        if finish:
            yield from self._run(index + 1, b"", finish=True)

    def _guarded(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        """``pieces``, with the codecs' own errors turned into ``bad_encoding``."""
        while True:
            try:
                piece = next(pieces)
            except StopIteration:
                return
            except _DECODE_ERRORS as exc:
                raise FetchError(
                    f"bad Content-Encoding from {self._url}: {exc}", url=self._url, reason=Reason.BAD_ENCODING
                ) from None
            yield piece

    def _emit(self, data: bytes) -> Iterator[bytes]:
        room = self._max - self._total
        if len(data) > room:
            if not self._truncate:
                raise BodyTooLarge(f"{self._url}: body larger than {self._max} bytes", url=self._url)
            data, self.full = data[:room], True
        self._total += len(data)
        if data:
            yield data

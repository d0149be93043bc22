"""argparse ``type=`` checks for option values, so a bad one is a usage error (exit 2) at once."""

from __future__ import annotations

import argparse
import ipaddress
import re
from datetime import datetime

from ..discovery.model import parse_since

__all__ = ["host_port", "non_negative_int", "positive_int", "since_time", "user_agent"]

_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_PORT = re.compile(r"[0-9]{1,5}")  # not str.isdigit: that takes "²" too


def positive_int(text: str) -> int:
    """A whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def non_negative_int(text: str) -> int:
    """A whole number >= 0."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be at least 0")
    return value


def since_time(text: str) -> datetime:
    """``--since``: a date, a date-time or an age (``36h``, ``2d``), as :func:`parse_since` reads it."""
    try:
        return parse_since(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date, a date-time or 36h / 2d: {text!r}") from None


def host_port(text: str) -> str:
    """``HOST`` or ``HOST:PORT`` (``[v6]:PORT`` for IPv6), lower-cased, as the allow-list compares it.

    A URL, a path, user info or a port outside 1-65535 is refused: such an entry would never
    match, and the crawl would reject every URL of the mirror without saying why.
    """
    value = text.strip().lower()
    host, port = value, None
    if value.startswith("["):
        host, bracket, rest = value[1:].partition("]")
        if not bracket:
            raise _bad_host(text)
        if rest:
            if not rest.startswith(":"):
                raise _bad_host(text)
            port = rest[1:]
        if not _is_ip(host, version=6):
            raise _bad_host(text)
    elif value.count(":") == 1:
        host, port = value.split(":")
    elif ":" in value and not _is_ip(value, version=6):  # a bare IPv6 address takes no port
        raise _bad_host(text)
    if ":" not in host and not (_is_ip(host, version=4) or _is_hostname(host)):
        raise _bad_host(text)
    if port is not None:
        if not _PORT.fullmatch(port) or not 1 <= int(port) <= 65535:
            raise _bad_host(text)
        return f"{host}:{int(port)}"
    return host


def user_agent(text: str) -> str:
    """A non-empty, printable ASCII header value (a CR/LF would inject headers)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("the User-Agent must not be empty")
    if not all(" " <= c <= "~" for c in text):
        raise argparse.ArgumentTypeError(f"the User-Agent must be printable ASCII: {text!r}")
    return text


def _is_hostname(host: str) -> bool:
    name = host[:-1] if host.endswith(".") else host
    return 0 < len(name) <= 253 and all(_LABEL.fullmatch(label) for label in name.split("."))


def _is_ip(text: str, *, version: int) -> bool:
    try:
        return ipaddress.ip_address(text).version == version
    except ValueError:
        return False


def _bad_host(text: str) -> argparse.ArgumentTypeError:
    return argparse.ArgumentTypeError(f"not HOST or HOST:PORT (e.g. mirror.example.org:8080): {text!r}")

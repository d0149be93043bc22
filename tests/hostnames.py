"""Host names for the host tests: NetEase ones, and look-alikes that must never pass for NetEase."""

from __future__ import annotations

NETEASE_HOSTS = [
    "163.com",
    "www.163.com",
    "caozhi.news.163.com",
    "WWW.163.COM",
    "www.163.com.",
    "netease.com",
    "bbs4.netease.com",
    "126.net",
    "nimg.ws.126.net",
]
LOOK_ALIKES = [
    "evil163.com",
    "x163.com",
    "163.com.evil.org",
    "163.co",
    "63.com",
    "163.comm",
    "163com",
    "www.163-com.org",
    "evilnetease.com",
    "netease.com.cn",
    "my126.net",
    "126.network",
    ".163.com",
    "a..163.com",
    "163.com..",
    "",
]

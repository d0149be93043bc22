"""scraper.fetch.hosts: the allow-list asks scraper.urls.is_netease_host, so look-alikes are refused."""

from __future__ import annotations

import httpx
import pytest
from hostnames import LOOK_ALIKES, NETEASE_HOSTS

from scraper.errors import HostNotAllowed
from scraper.fetch.hosts import HostPolicy


@pytest.mark.parametrize("host", NETEASE_HOSTS)
def test_netease_hosts_are_allowed(host: str) -> None:
    assert HostPolicy().allowed(httpx.URL(f"https://{host}/a.html"))


@pytest.mark.parametrize("host", [h for h in LOOK_ALIKES if h and ".." not in h and not h.startswith(".")])
def test_look_alikes_are_refused(host: str) -> None:
    url = f"https://{host}/a.html"
    assert not HostPolicy().allowed(httpx.URL(url))
    with pytest.raises(HostNotAllowed):
        HostPolicy().check(url)


def test_allow_host_still_adds_a_host() -> None:
    policy = HostPolicy(["evil163.com:8080"])
    assert policy.allowed(httpx.URL("http://evil163.com:8080/a.html"))
    assert not policy.allowed(httpx.URL("http://evil163.com:8081/a.html"))

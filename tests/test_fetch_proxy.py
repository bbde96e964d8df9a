"""Proxies: the [crawler] proxy key and the environment's HTTP(S)_PROXY / NO_PROXY, through a
real forward proxy on 127.0.0.1 (issue 12)."""

from __future__ import annotations

import asyncio

import pytest

from helpers import RawServer, fast_crawler, http_response
from reportarchiver.errors import ConfigError, NetworkError
from reportarchiver.fetch import Fetcher
from reportarchiver.fetch._proxy import proxy_transport

REMOTE = "http://reports.example/art/1.html"  # a host that only the proxy knows


@pytest.fixture
def forward_proxy():
    """A forward proxy that answers absolute-form requests itself, noting what it was asked."""
    def handler(path: str, conn) -> None:
        conn.sendall(http_response(f"<p>via the proxy: {path}</p>".encode(),
                                   headers={"Content-Type": "text/html"}))

    with RawServer(handler) as server:
        yield server


def get(url: str, **cfg: object):
    async def go():
        async with Fetcher(fast_crawler(max_attempts=1, **cfg)) as fetcher:
            return await fetcher.get(url)

    return asyncio.run(go())


def test_the_proxy_key_sends_requests_through_that_proxy(forward_proxy):
    result = get(REMOTE, proxy=forward_proxy.base_url)
    assert result.body == f"<p>via the proxy: {REMOTE}</p>".encode()
    assert forward_proxy.requests == [REMOTE]  # absolute form: a proxy request


def test_the_environments_http_proxy_is_honoured(forward_proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", forward_proxy.base_url)
    assert b"via the proxy" in get(REMOTE).body


def test_no_proxy_sends_a_host_directly(forward_proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", forward_proxy.base_url)
    monkeypatch.setenv("NO_PROXY", "reports.example")
    with pytest.raises(NetworkError):  # directly, the made-up host does not resolve
        get(REMOTE)
    assert forward_proxy.requests == []


def test_proxy_none_ignores_the_environment(forward_proxy, monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", forward_proxy.base_url)
    with pytest.raises(NetworkError):
        get(REMOTE, proxy="none")
    assert forward_proxy.requests == []


def test_loopback_is_never_proxied(forward_proxy, monkeypatch):
    def answer(path: str, conn) -> None:
        conn.sendall(http_response(b"<p>direct</p>"))

    monkeypatch.setenv("HTTP_PROXY", forward_proxy.base_url)
    with RawServer(answer, host="127.0.0.2") as local:
        assert get(local.base_url + "/x").body == b"<p>direct</p>"
    assert forward_proxy.requests == []


def test_without_any_proxy_the_default_transport_is_kept():
    import httpx

    assert proxy_transport("", httpx.Limits(), environ={}) is None


def test_a_proxy_value_that_is_no_url_is_a_config_error():
    from reportarchiver.config import parse_config

    with pytest.raises(ConfigError, match=r"crawler\.proxy"):
        parse_config({"crawler": {"proxy": "proxy.example:3128"}})


def test_a_socks_proxy_without_its_library_is_one_config_error(monkeypatch):
    import importlib.util

    if importlib.util.find_spec("socksio") is not None:
        pytest.skip("socksio is installed: SOCKS proxies work")
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(ConfigError, match=r"httpx\[socks\]"):
        get(REMOTE)

"""Which requests go through a proxy: the ``[crawler] proxy`` key, else the environment.

``proxy = ""`` (the default) follows the conventions of curl, wget and pip: ``HTTP_PROXY``,
``HTTPS_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` (lower case too); ``proxy = "none"`` never
uses one; ``proxy = "http://host:port"`` uses that one for every request (``NO_PROXY`` is
still honoured). Loopback addresses (127.0.0.0/8, ::1, localhost) are always fetched
directly: nothing on this machine is reached through a proxy, and a test server never is.
"""

from __future__ import annotations

import ipaddress
import urllib.request
from collections.abc import Mapping

import httpx

from ..errors import ConfigError

__all__ = ["proxy_transport"]


def proxy_transport(setting: str, limits: httpx.Limits,
                    environ: Mapping[str, str] | None = None) -> httpx.AsyncBaseTransport | None:
    """The transport that routes each request directly or through its proxy; None when no
    proxy applies at all (httpx's default transport is then used)."""
    if setting.strip().lower() == "none":
        return None
    env = dict(environ) if environ is not None else None
    found = _environment(env)
    if setting.strip():
        found = {"http": setting.strip(), "https": setting.strip(),
                 **({"no": found["no"]} if "no" in found else {})}
    targets = {scheme: url for scheme, url in found.items() if scheme in ("http", "https")}
    if "all" in found:
        targets = {"http": found["all"], "https": found["all"], **targets}
    if not targets:
        return None
    return _Routing(targets, found.get("no", ""), limits)


def _environment(env: dict[str, str] | None) -> dict[str, str]:
    if env is None:
        return urllib.request.getproxies_environment()
    found: dict[str, str] = {}
    for key, value in env.items():  # lower case wins, as urllib has it
        if key.lower().endswith("_proxy") and value:
            name = key.lower().removesuffix("_proxy")
            if key.islower() or name not in found:
                found[name] = value
    return found


class _Routing(httpx.AsyncBaseTransport):
    """Hands each request to the direct transport or to its scheme's proxy transport."""

    def __init__(self, targets: dict[str, str], no_proxy: str, limits: httpx.Limits) -> None:
        self._direct = httpx.AsyncHTTPTransport(limits=limits)
        self._proxied = {}
        for scheme, url in targets.items():
            try:
                self._proxied[scheme] = httpx.AsyncHTTPTransport(proxy=url, limits=limits)
            except ImportError as exc:  # a SOCKS proxy without socksio
                raise ConfigError("crawler.proxy", f"the proxy {url} needs "
                                  "pip install 'httpx[socks]'", "proxy settings") from exc
            except ValueError as exc:  # httpx refuses the proxy URL
                raise ConfigError("crawler.proxy", f"unusable proxy {url!r} ({exc})",
                                  "proxy settings") from exc
        self._no_proxy = no_proxy

    def _for(self, url: httpx.URL) -> httpx.AsyncBaseTransport:
        host = url.host
        if _loopback(host) or (self._no_proxy and urllib.request.proxy_bypass_environment(
                host, {"no": self._no_proxy})):
            return self._direct
        return self._proxied.get(url.scheme, self._direct)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._for(request.url).handle_async_request(request)

    async def aclose(self) -> None:
        await self._direct.aclose()
        for transport in self._proxied.values():
            await transport.aclose()


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False

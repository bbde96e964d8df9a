"""URL canonicalization and crawler-trap checks. Pure string functions."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

import idna

from .errors import InvalidURL

#: Longer URLs are refused outright (servers commonly refuse more than 8 KB of request line).
MAX_URL_LENGTH = 8000

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Parameters that only say where a visitor came from: two URLs differing in them are one page.
_TRACKING = re.compile(r"^(utm_\w+|gclid|fbclid|msclkid|spm|from|share_token|_hsenc|_hsmkt)$",
                       re.IGNORECASE)
_SAFE_PATH = "/:@!$&'()*+,;=-._~%"


def canonicalize(url: str, base: str | None = None) -> str:
    """Return the canonical form of ``url`` (resolved against ``base``), or raise InvalidURL.

    Lower-cases scheme and host, drops default ports, fragments and tracking parameters,
    resolves ``.``/``..``, sorts the query, and normalizes percent-escapes. Only http and https
    URLs are accepted: nothing else is ever fetched.
    """
    raw = url.strip()
    if base:
        raw = urljoin(base, raw)
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(url, f"not a valid URL ({exc})") from exc
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        reason = f"scheme {scheme!r} is not http or https" if scheme else "not an absolute URL"
        raise InvalidURL(url, reason)
    if len(raw) > MAX_URL_LENGTH:
        raise InvalidURL(url[:200] + "…", f"longer than {MAX_URL_LENGTH} characters")
    host = (parts.hostname or "").rstrip(".")
    if not host or any(c in host for c in " <>\"'{}|\\^`"):
        raise InvalidURL(url, "no valid host")
    host = _ascii_host(url, host)
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    path = _normalize_path(parts.path)
    query = _normalize_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def _ascii_host(url: str, host: str) -> str:
    """The host as ASCII (A-labels), by the IDNA rules httpx applies (the ``idna`` package),
    so that no host accepted here is refused when it is fetched (``http://xn--/``)."""
    try:
        if not host.isascii():
            # UTS 46 mapping first, as browsers do: full-width letters, upper case
            return idna.encode(host, uts46=True).decode("ascii")
        host = host.lower()
        if "xn--" in host:
            idna.decode(host)  # only validates: a malformed A-label raises
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        raise InvalidURL(url, f"bad host name ({exc})") from exc
    return host


def _normalize_path(path: str) -> str:
    if not path:
        return "/"
    trailing = path.endswith("/")
    resolved = posixpath.normpath(path) if path != "/" else "/"
    if resolved.startswith("//"):
        resolved = "/" + resolved.lstrip("/")
    if trailing and not resolved.endswith("/"):
        resolved += "/"
    return quote(unquote(resolved), safe=_SAFE_PATH)


def _normalize_query(query: str) -> str:
    if not query:
        return ""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _TRACKING.match(k)]
    return urlencode(sorted(pairs), quote_via=quote, safe="/:@!$'()*+,;-._~")


def host_of(url: str) -> str:
    """The ``host[:port]`` part of a canonical URL: the unit of politeness."""
    return urlsplit(url).netloc


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


_MAX_URL = 2000
_MAX_QUERY = 300
_MAX_PARAMS = 12
_CALENDAR = re.compile(r"(?i)[?&](date|day|month|year|cal|calendar)=")
#: A date in a URL: 2024-01-05, 2024/1/5, 20240105, 2024_01, 2024-01 (year 1900-2099).
_URL_DATE = re.compile(
    r"(?<!\d)(?:19|20)\d\d(?:[-/_.]?(?:0?[1-9]|1[0-2])(?:[-/_.]?(?:0?[1-9]|[12]\d|3[01]))?)"
    r"(?!\d)")
_DIGITS = re.compile(r"\d+")


def trap_reason(url: str) -> str | None:
    """Why ``url`` looks like a crawler trap, or None. The reason is recorded when skipping."""
    if len(url) > _MAX_URL:
        return "url too long"
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) > 12:
        return "path too deep"
    for size in (1, 2, 3):
        for i in range(len(segments) - 2 * size + 1):
            if segments[i : i + size] == segments[i + size : i + 2 * size] and (
                size > 1 or segments.count(segments[i]) >= 3
            ):
                return "repeating path segments"
    # a path that grows by one numbered segment a link (/list/1/2/3/4/...); dates
    # (/2024/01/05/) have three
    shapes = [_DIGITS.sub("#", s) for s in segments]
    for i in range(len(shapes) - 3):
        if len(set(shapes[i:i + 4])) == 1 and "#" in shapes[i]:
            return "ever-growing path"
    if len(parts.query) > _MAX_QUERY or parts.query.count("&") >= _MAX_PARAMS:
        return "query string too long"
    if _CALENDAR.search("?" + parts.query):
        return "calendar-like query"
    return None


def url_pattern(url: str) -> str:
    """The shape of a URL: host and path with every run of digits as ``#``, query names
    sorted (``/cal/2024-01-05.html`` -> ``host/cal/#-#-#.html``). Pages of one pattern come
    from one template: a crawler trap shows as one pattern with ever more pages."""
    parts = urlsplit(url)
    names = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&") if pair})
    query = "?" + "&".join(_DIGITS.sub("#", n) for n in names) if names else ""
    return parts.netloc + _DIGITS.sub("#", parts.path) + query


def date_walk(parent: str, link: str) -> bool:
    """True when ``link`` is the same kind of page as ``parent`` for another date: a
    calendar's previous/next day, month or year (``/cal/2024-01-05`` -> ``/cal/2024-01-06``).
    Following such links walks the calendar without end."""
    a, b = _URL_DATE.findall(parent), _URL_DATE.findall(link)
    return bool(a and b) and a != b and url_pattern(parent) == url_pattern(link)


#: File extensions of numbered pages (``4633_2.html``, ``index_3.php``, …).
_PAGE_EXT = r"\.(?:s?html?|php|aspx?|jsp)"
_PAGE_N = re.compile(rf"^(?P<stem>.+?)_(?P<n>\d{{1,3}})(?P<ext>{_PAGE_EXT})$")


def first_page_of(url: str) -> tuple[str, int] | None:
    """For ``…/4633_2.html`` return (``…/4633.html``, 2); None when not a page-n URL.

    Aggregators and many CMSs number the later pages of one article this way; knowing it
    stops the crawler from archiving page 2 as a report of its own.
    """
    parts = urlsplit(url)
    head, _, name = parts.path.rpartition("/")
    m = _PAGE_N.match(name)
    if not m or int(m["n"]) < 2:
        return None
    path = f"{head}/{m['stem']}{m['ext']}"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, "")), int(m["n"])


_LISTING_PAGE_N = re.compile(rf"_\d{{1,3}}(?={_PAGE_EXT}$)")
_INDEX_PAGE = re.compile(rf"/(?:index|default){_PAGE_EXT}$")


def listing_key(url: str) -> str:
    """What the pages of one listing share: the URL without the page number of its file name
    (``list_5_2.html`` -> ``list_5.html``, ``index_3.html`` -> ``index.html``), a folder's
    index page as the folder (``/baogao/index.html`` -> ``/baogao/``).

    Only the last number goes, so ``list_5.html`` and ``list_5_2.html`` differ (is 5 a page
    or a category? the name cannot tell), and a name that grows a number at each link
    (``x_2.html`` -> ``x_2_2.html`` -> ...) never stays in one listing.
    """
    parts = urlsplit(url)
    path = _INDEX_PAGE.sub("/", _LISTING_PAGE_N.sub("", parts.path))
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


__all__ = ["canonicalize", "date_walk", "first_page_of", "host_of", "listing_key", "origin_of",
           "trap_reason", "url_pattern"]

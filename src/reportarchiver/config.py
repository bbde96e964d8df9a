"""The configuration: one frozen object loaded from ``config.toml`` and validated once.

Each key is declared once, as a field of :class:`CrawlerConfig` (``[crawler]``) or in
:data:`SITE_SETTINGS` (``[[sites]]``), carrying its default, bounds and help text. Validation
reads those declarations, and so does :func:`config_template`, which writes the documented
``config.toml`` (a test keeps the bundled file equal to it). Precedence is defaults <
``config.toml`` < command-line flags (the CLI applies them with :func:`dataclasses.replace`).
Every error is a :class:`ConfigError` naming the key.
"""

from __future__ import annotations

import math
import re
import textwrap
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, get_type_hints

from .errors import ConfigError
from .models import SiteHints

__all__ = [
    "SITE_SETTINGS",
    "Config",
    "CrawlerConfig",
    "Setting",
    "SiteConfig",
    "config_template",
    "crawler_settings",
    "load_config",
    "parse_config",
]


@dataclass(frozen=True, slots=True)
class Setting:
    """One config key: its type, default, bounds and help (one sentence a line)."""

    name: str
    kind: type
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    #: the value written in the bundled config.toml when it is not the default (site keys)
    example: Any = None


def _setting(default: Any, help: str, *, min: float | None = None,
             max: float | None = None) -> Any:
    return field(default=default, metadata={"help": help, "min": min, "max": max})


@dataclass(frozen=True, slots=True)
class CrawlerConfig:
    """How politely and how hard the crawler works (``[crawler]``)."""

    user_agent: str = _setting(
        "reportarchiver/0.1 (+mailto:archive@example.org)",
        "User-Agent sent on every request, robots.txt included. Put a way to reach you in it.")
    delay_seconds: float = _setting(
        2.0, "Least gap in seconds between the starts of two requests to one host (plus up to "
        "10% jitter). A robots.txt Crawl-delay that is larger wins.", min=0, max=3600)
    concurrency: int = _setting(8, "Requests in flight over all hosts.", min=1, max=1000)
    per_host_concurrency: int = _setting(1, "Requests in flight to one host.", min=1, max=100)
    proxy: str = _setting(
        "", "Proxy for every request: \"\" follows HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and "
        "NO_PROXY from the environment; \"none\" never uses one; or a URL such as "
        "\"http://proxy.example:3128\". Loopback addresses are always fetched directly.")
    timeout_seconds: float = _setting(
        30.0, "Connect/read timeout of one request, in seconds.", min=0.1, max=3600)
    deadline_seconds: float = _setting(
        300.0, "Total time one request may take, headers and body, in seconds (a server that "
        "sends a byte a second cannot hold the crawl); not retried.", min=1, max=86400)
    max_pages: int = _setting(
        0, "Requests per run, every one counted (failures, retries, redirects, robots.txt); "
        "no new URL is started past it, the ones in flight finish. 0 = no limit. What is "
        "left stays queued for the next run.", min=0)
    respect_robots: bool = _setting(
        True, "Obey robots.txt: Allow/Disallow for our user agent, Crawl-delay, Sitemap lines.")
    max_attempts: int = _setting(
        3, "Tries per URL on connect errors, timeouts, 408, 429, 500, 502, 503, 504 (never "
        "other 4xx).", min=1, max=20)
    max_retry_after_seconds: float = _setting(
        600.0, "Cap in seconds on a server's Retry-After (429/503) before the next request to "
        "that host. A host whose robots.txt asks for a larger Crawl-delay is skipped for the "
        "run (recorded).", min=0, max=86400)
    recheck_days: float = _setting(
        7.0, "Re-check an archived report when its last check is older than this many days; "
        "0 = every run. List pages, sitemaps and feeds are re-checked every run.", min=0,
        max=36500)
    max_depth: int = _setting(
        10, "Link hops from a start URL beyond which links are recorded as skipped. Paging "
        "through one listing (index.html, index_2.html, … index_999.html) does not count as a "
        "hop.", min=0, max=1000)
    max_response_bytes: int = _setting(
        10_000_000, "Body size cap in bytes, enforced while streaming after every "
        "content-encoding layer (so gzip bombs, stacked ones too, stop at it).", min=1)
    max_redirects: int = _setting(
        10, "Redirects followed per request; every hop is checked against the site's scope "
        "and robots.txt and paced by its host's delay.", min=0, max=100)
    max_listings_per_pattern: int = _setting(
        200, "List pages per run whose URLs share one pattern (digits generalised, "
        "/cal/2024-01-05 like /cal/2023-12-31): more are skipped this run, with the reason. "
        "The guard against crawler traps such as endless calendars; pages of one listing "
        "(index_2.html, ...) count once, report pages never.", min=1, max=1_000_000)
    max_report_pages: int = _setting(
        500, "Pages fetched for one multi-page report; a longer report is stored marked "
        "incomplete, with the reason (incomplete_reason).", min=1, max=100_000)
    max_attachments: int = _setting(
        30, "Attachments (PDF, Word, Excel files a report links to) fetched per report.",
        min=0, max=1000)
    max_attachment_bytes: int = _setting(
        50_000_000, "Size cap of one attachment, in bytes, enforced while streaming.", min=1)
    clean_workers: int = _setting(
        1, "Worker processes that clean pages while the crawler fetches and stores (cleaning "
        "is the CPU-heavy part; one worker uses a second core). 0 = clean in the crawling "
        "process.", min=0, max=64)


def crawler_settings() -> tuple[Setting, ...]:
    """The ``[crawler]`` keys, declared by :class:`CrawlerConfig`'s fields."""
    hints = get_type_hints(CrawlerConfig)
    return tuple(
        Setting(f.name, hints[f.name], f.default, f.metadata["help"], f.metadata["min"],
                f.metadata["max"])
        for f in fields(CrawlerConfig))


#: The ``[[sites]]`` keys. ``default`` None: required.
SITE_SETTINGS: tuple[Setting, ...] = (
    Setting("name", str, None, "Short name, stored in reports.site.", example="bx2200"),
    Setting("start_urls", list, None, "Where the crawl starts.",
            example=["http://bx2200.com/baogao/"]),
    Setting("include", list, [], "Regexes; a discovered URL must match one to be followed "
            "(default: the start URLs' hosts).",
            example=[r"^https?://bx2200\.com/(baogao|tjgongbao)/"]),
    Setting("exclude", list, [], "Regexes; a matching URL is never followed."),
    Setting("report_pattern", str, "", "Optional regex: URLs matching it are report pages "
            "(their later pages, 4633_2.html, are found by the crawler). Without it, a page "
            "whose cleaned body has 500+ characters is a report.",
            example=r"/(baogao|tjgongbao)/\w+/\d+\.html$"),
    Setting("body_selector", str, "", "Optional cleaner hints: a CSS selector of the report body "
            "(falls back to the generic extractor, with a warning, when it matches nothing) ..."),
    Setting("drop_selectors", list, [], "... CSS selectors of blocks to drop ..."),
    Setting("drop_text", list, [], "... and regexes: a block whose text matches one is dropped."),
    Setting("user_agent", str, "", "Optional per-site overrides of the [crawler] settings: the "
            "User-Agent (robots.txt is read for it too) ..."),
    Setting("delay_seconds", float, -1.0, "... the least gap between two requests to one of "
            "the site's hosts (-1: the [crawler] value) ...", minimum=-1, maximum=3600),
    Setting("per_host_concurrency", int, 0, "... requests in flight to one of its hosts (0: "
            "the [crawler] value) ...", minimum=0, maximum=100),
    Setting("headers", dict, {}, "... extra request headers, as a table ..."),
    Setting("cookies", dict, {}, "... and cookies sent to the site, as a table."),
    Setting("render", str, "", "\"browser\" renders the site's pages in a headless Chromium "
            "before cleaning (for pages that show no text without JavaScript); every request "
            "it makes goes through the crawler (robots.txt, delays, caps). Needs pip install "
            "'reportarchiver[browser]' and Chromium. \"\" (the default): no browser."),
)


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """One site to crawl (``[[sites]]``): where to start, what to follow, cleaner hints."""

    name: str
    start_urls: tuple[str, ...]
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    report_pattern: re.Pattern[str] | None = None
    hints: SiteHints = field(default_factory=SiteHints)
    #: overrides of the [crawler] settings for this site's requests ("", -1, 0: none)
    user_agent: str = ""
    delay_seconds: float = -1.0
    per_host_concurrency: int = 0
    headers: tuple[tuple[str, str], ...] = ()  # extra request headers, cookies included
    render: str = ""  # "browser": pages rendered in a headless Chromium

    def request_headers(self) -> dict[str, str]:
        """The headers this site's requests carry beyond the crawler's defaults."""
        out = dict(self.headers)
        if self.user_agent:
            out["User-Agent"] = self.user_agent
        return out

    def hosts(self) -> set[str]:
        """The hosts of its start URLs, as the crawler writes them (``host[:port]``, IDN as
        A-labels): what its delay and concurrency overrides apply to."""
        return {_canonical_host(u) for u in self.start_urls}

    def follows(self, url: str) -> bool:
        """True when ``url`` is inside this site's scope (include and not exclude)."""
        if any(p.search(url) for p in self.exclude):
            return False
        return any(p.search(url) for p in self.include)

    def is_report(self, url: str) -> bool:
        """True when ``url`` is a report page by ``report_pattern`` (False if none is set)."""
        return bool(self.report_pattern and self.report_pattern.search(url))


@dataclass(frozen=True, slots=True)
class Config:
    """The whole configuration: crawler settings, the archive's path and the sites."""

    crawler: CrawlerConfig = field(default_factory=CrawlerConfig)
    database: Path = Path("archive/reports.db")
    sites: tuple[SiteConfig, ...] = ()
    path: Path | None = None  # the file it came from, if any
    #: where a crawl also appends WARC files of what it fetches (None: it does not)
    warc_dir: Path | None = None
    warc_max_bytes: int = 1_000_000_000

    def site(self, name: str) -> SiteConfig:
        """The site called ``name``; a ConfigError naming the known ones if there is none."""
        for s in self.sites:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.sites) or "none configured"
        raise ConfigError("sites", f"no site named {name!r} (known: {known})", self._where)

    def site_for(self, url: str) -> SiteConfig | None:
        """The first configured site whose scope contains ``url``, if any."""
        for site in self.sites:
            if site.follows(url):
                return site
        return None

    def hints_for(self, url: str) -> SiteHints:
        """The cleaner hints of the site ``url`` belongs to (none when it belongs to none)."""
        site = self.site_for(url) if url else None
        return site.hints if site else SiteHints()

    @property
    def _where(self) -> str:
        return str(self.path) if self.path else "config"


def load_config(path: Path | str | None = None, *, missing_ok: bool = True) -> Config:
    """Load and validate ``path`` (default ``./config.toml``).

    A missing default file gives the defaults (no sites); a missing explicit file is an error
    unless ``missing_ok``. Relative database paths are resolved against the config file's
    folder, so cron can run from anywhere.
    """
    explicit = path is not None
    p = Path(path) if path is not None else Path("config.toml")
    if not p.exists():
        if explicit and not missing_ok:
            raise ConfigError("(file)", "no such file", str(p))
        return Config()
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError("(file)", f"not valid TOML: {exc}", str(p)) from exc
    except OSError as exc:
        raise ConfigError("(file)", f"cannot read ({exc.strerror or exc})", str(p)) from exc
    return parse_config(data, path=p)


def parse_config(data: dict[str, Any], *, path: Path | None = None) -> Config:
    """Validate a parsed TOML document into a :class:`Config`."""
    where = str(path) if path else "config"
    _no_unknown(data, {"crawler", "storage", "sites"}, "", where)
    crawler = _parse_crawler(_table(data, "crawler", where), where)
    storage = _table(data, "storage", where)
    _no_unknown(storage, {"database", "warc_dir", "warc_max_bytes"}, "storage.", where)
    database = Path(_typed(storage.get("database", "archive/reports.db"), str, "storage.database",
                           where))
    if path is not None and not database.is_absolute():
        database = path.parent / database
    warc_text = _typed(storage.get("warc_dir", ""), str, "storage.warc_dir", where)
    warc_dir = Path(warc_text) if warc_text else None
    if warc_dir is not None and path is not None and not warc_dir.is_absolute():
        warc_dir = path.parent / warc_dir
    warc_max = _typed(storage.get("warc_max_bytes", 1_000_000_000), int,
                      "storage.warc_max_bytes", where)
    if warc_max < 1_000_000:
        raise ConfigError("storage.warc_max_bytes", f"must be >= 1000000, got {warc_max}", where)
    raw_sites = data.get("sites", [])
    if not isinstance(raw_sites, list):
        raise ConfigError("sites", "must be an array of tables ([[sites]])", where)
    sites = tuple(_parse_site(s, i, where) for i, s in enumerate(raw_sites))
    names = [s.name for s in sites]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError("sites.name", f"duplicate site name {name!r}", where)
    return Config(crawler=crawler, database=database, sites=sites, path=path,
                  warc_dir=warc_dir, warc_max_bytes=warc_max)


def _table(data: dict[str, Any], key: str, where: str) -> dict[str, Any]:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ConfigError(key, "must be a table", where)
    return value


def _no_unknown(data: dict[str, Any], known: set[str], prefix: str, where: str) -> None:
    for key in data:
        if key not in known:
            raise ConfigError(f"{prefix}{key}", f"unknown key (known: {', '.join(sorted(known))})",
                              where)


def _typed(value: Any, kind: type, key: str, where: str) -> Any:
    # bool is a subclass of int in Python: reject it explicitly for numeric keys
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        if not math.isfinite(value):  # nan would disable every comparison it takes part in
            raise ConfigError(key, f"must be a finite number, got {value!r}", where)
        return float(value)
    if kind is int and isinstance(value, bool):
        raise ConfigError(key, f"must be an integer, got {value!r}", where)
    if not isinstance(value, kind):
        raise ConfigError(key, f"must be {_type_name(kind)}, got {value!r}", where)
    return value


def _type_name(kind: type) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            list: "an array", dict: "a table"}.get(kind, kind.__name__)


def _bounded(setting: Setting, value: Any, key: str, where: str) -> Any:
    if setting.minimum is not None and value < setting.minimum:
        raise ConfigError(key, f"must be >= {setting.minimum:g}, got {value!r}", where)
    if setting.maximum is not None and value > setting.maximum:
        raise ConfigError(key, f"must be <= {setting.maximum:g}, got {value!r}", where)
    return value


def _parse_crawler(raw: dict[str, Any], where: str) -> CrawlerConfig:
    settings = crawler_settings()
    _no_unknown(raw, {s.name for s in settings}, "crawler.", where)
    values: dict[str, Any] = {}
    for setting in settings:
        if setting.name in raw:
            key = f"crawler.{setting.name}"
            value = _typed(raw[setting.name], setting.kind, key, where)
            values[setting.name] = _bounded(setting, value, key, where)
    if "user_agent" in values and not values["user_agent"].strip():
        raise ConfigError("crawler.user_agent", "must not be empty", where)
    proxy = values.get("proxy", "").strip()
    if proxy and proxy.lower() != "none" and not re.match(r"(?i)(https?|socks5h?)://[^/\s]+",
                                                           proxy):
        raise ConfigError("crawler.proxy", f"must be \"\", \"none\" or a proxy URL such as "
                                            f"http://host:3128, got {proxy!r}", where)
    return CrawlerConfig(**values)


def _parse_site(raw: Any, index: int, where: str) -> SiteConfig:
    if not isinstance(raw, dict):
        raise ConfigError(f"sites[{index}]", "must be a table", where)
    label = f"sites[{raw.get('name', index)}]"
    _no_unknown(raw, {s.name for s in SITE_SETTINGS}, f"{label}.", where)
    values: dict[str, Any] = {}
    for setting in SITE_SETTINGS:
        key = f"{label}.{setting.name}"
        if setting.name not in raw:
            if setting.default is None:
                raise ConfigError(key, "is required", where)
            values[setting.name] = setting.default
            continue
        value = _typed(raw[setting.name], setting.kind, key, where)
        if setting.kind is list:
            value = _strings(value, key, where)
        elif setting.kind is dict:
            value = _string_table(value, key, where)
        elif setting.kind in (int, float):
            value = _bounded(setting, value, key, where)
        values[setting.name] = _SITE_CHECKS.get(setting.name, _keep)(value, key, where)
    starts = values["start_urls"]
    # default scope: the start URLs' hosts, by either scheme (sites move to https and
    # redirect there; a redirect out of scope is refused)
    include = values["include"] or tuple(dict.fromkeys(
        re.compile("^https?://" + re.escape(_canonical_host(u)) + "/") for u in starts))
    headers = dict(values["headers"])
    if values["cookies"]:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in values["cookies"].items())
    return SiteConfig(
        name=values["name"],
        start_urls=starts,
        include=include,
        exclude=values["exclude"],
        report_pattern=values["report_pattern"] or None,
        hints=SiteHints(body_selector=values["body_selector"],
                        drop_selectors=values["drop_selectors"],
                        drop_text=tuple(p.pattern for p in values["drop_text"])),
        user_agent=values["user_agent"].strip(),
        delay_seconds=values["delay_seconds"],
        per_host_concurrency=values["per_host_concurrency"],
        headers=tuple(headers.items()),
        render=values["render"],
    )


def _keep(value: Any, key: str, where: str) -> Any:
    return value


def _check_name(name: str, key: str, where: str) -> str:
    if not re.fullmatch(r"[\w.-]+", name):
        raise ConfigError(key, "use letters, digits, '.', '_' or '-'", where)
    return name


def _check_start_urls(urls: tuple[str, ...], key: str, where: str) -> tuple[str, ...]:
    from ._urls import canonicalize  # the crawler's own rules: what it accepts, config accepts
    from .errors import InvalidURL

    if not urls:
        raise ConfigError(key, "needs at least one URL", where)
    for url in urls:
        try:
            canonicalize(url)
        except InvalidURL as exc:
            raise ConfigError(key, f"not a usable http(s) URL: {url!r} ({exc.message})",
                              where) from None
    return urls


def _check_pattern(pattern: str, key: str, where: str) -> re.Pattern[str] | None:
    return _regex(pattern, key, where) if pattern else None


def _check_patterns(patterns: tuple[str, ...], key: str, where: str
                    ) -> tuple[re.Pattern[str], ...]:
    return tuple(_regex(p, key, where) for p in patterns)


def _check_selector(selector: str, key: str, where: str) -> str:
    if selector:
        _check_selectors((selector,), key, where)
    return selector


def _check_selectors(selectors: tuple[str, ...], key: str, where: str) -> tuple[str, ...]:
    from .clean import selector_error  # the cleaner's own parser judges its hints

    for selector in selectors:
        why = selector_error(selector)
        if why:
            raise ConfigError(key, f"not a CSS selector the cleaner can use: {selector!r} "
                                   f"({why})", where)
    return selectors


def _check_render(value: str, key: str, where: str) -> str:
    if value not in ("", "browser"):
        raise ConfigError(key, f'must be "" or "browser", got {value!r}', where)
    return value


_SITE_CHECKS: dict[str, Callable[[Any, str, str], Any]] = {
    "name": _check_name,
    "render": _check_render,
    "body_selector": _check_selector,
    "drop_selectors": _check_selectors,
    "start_urls": _check_start_urls,
    "include": _check_patterns,
    "exclude": _check_patterns,
    "report_pattern": _check_pattern,
    "drop_text": _check_patterns,
}


def _canonical_host(url: str) -> str:
    """The host of a URL as the crawler writes links (``http://北京.gov.cn:80/`` ->
    ``xn--1lq90i.gov.cn``): scopes built from it match the links found."""
    from ._urls import canonicalize, host_of

    return host_of(canonicalize(url))


def _strings(items: list[Any], key: str, where: str) -> tuple[str, ...]:
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(key, f"must contain strings only, got {item!r}", where)
    return tuple(items)


def _string_table(table: dict[str, Any], key: str, where: str) -> dict[str, str]:
    for name, value in table.items():
        if not isinstance(value, str) or not re.fullmatch(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+", name):
            raise ConfigError(key, f"must map names to strings, got {name!r} = {value!r}",
                              where)
        if "\n" in value or "\r" in value:
            raise ConfigError(key, f"{name!r}: a value may not contain a line break", where)
    return table


def _regex(pattern: str, key: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(key, f"bad regular expression {pattern!r}: {exc}", where) from exc


# -- the documented config.toml --------------------------------------------------------------

_HEADER = """\
# reportarchiver configuration. Every key is optional except each site's name and start_urls.
# Precedence: built-in defaults < this file < command-line flags (--db, --max-pages, --site).
# An unknown key or a bad value stops every command with an error naming the key (exit 2).
# This file is written by `reportarchiver config-template` from the keys' declarations.
"""


_WIDTH = 100


def config_template() -> str:
    """The documented ``config.toml``: every key with its help as comments and its default
    (an example value for the site keys)."""
    out = [_HEADER, "[crawler]"]
    for setting in crawler_settings():
        out += _documented(setting, setting.default)
    out += ["", "[storage]", "# The archive (SQLite). A relative path is relative to this "
            "file's folder.", 'database = "archive/reports.db"',
            "# Optional: a folder where a crawl also appends WARC files (ISO 28500) of every "
            "response it", "# fetches, a new file every warc_max_bytes. \"\": none.",
            'warc_dir = ""', "warc_max_bytes = 1_000_000_000", "",
            "# One [[sites]] table per site to crawl.", "[[sites]]"]
    for setting in SITE_SETTINGS:
        out += _documented(setting, setting.example if setting.example is not None
                           else setting.default)
    return "\n".join(out) + "\n"


def _documented(setting: Setting, value: Any) -> list[str]:
    text = setting.help
    if setting.minimum is not None and setting.maximum is not None:
        text += f" Range {setting.minimum:g} to {setting.maximum:g}."
    elif setting.minimum:
        text += f" At least {setting.minimum:g}."
    lines = textwrap.wrap(text, width=_WIDTH - 2, break_on_hyphens=False)
    return [*(f"# {line}" for line in lines), f"{setting.name} = {_toml_value(value)}"]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value >= 100_000:
        return f"{value:_}"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return f"'{value}'" if "\\" in value and "'" not in value else f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"no TOML form for {value!r}")

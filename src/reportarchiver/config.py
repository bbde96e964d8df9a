"""The configuration: one frozen object loaded from ``config.toml`` and validated once.

Defaults and help text live in :data:`CRAWLER_KEYS` / :data:`SITE_KEYS`; precedence is
defaults < ``config.toml`` < command-line flags (the CLI applies them with
:func:`dataclasses.replace`).
Every error is a :class:`ConfigError` naming the key.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .models import SiteHints

#: key -> (type, default, minimum, help). ``int`` keys accept ints only; ``float`` keys accept both.
CRAWLER_KEYS: dict[str, tuple[type, Any, float | None, str]] = {
    "user_agent": (str, "reportarchiver/0.1 (+mailto:archive@example.org)", None,
                   "User-Agent sent on every request, robots.txt included"),
    "delay_seconds": (float, 2.0, 0.0, "least gap between the starts of two requests to one host"),
    "concurrency": (int, 8, 1, "requests in flight over all hosts"),
    "per_host_concurrency": (int, 1, 1, "requests in flight to one host"),
    "timeout_seconds": (float, 30.0, 0.1, "connect/read timeout of one request"),
    "max_pages": (int, 0, 0, "fetches per run; 0 = no limit"),
    "respect_robots": (bool, True, None, "obey robots.txt (Allow/Disallow, Crawl-delay)"),
    "max_attempts": (int, 3, 1, "tries per URL on retryable failures"),
    "max_retry_after_seconds": (float, 600.0, 0.0, "cap on a server's Retry-After"),
    "recheck_days": (float, 7.0, 0.0, "re-check archived reports older than this; 0 = every run"),
    "max_depth": (int, 10, 0, "link hops from a start URL (paging a listing is none)"),
    "max_response_bytes": (int, 10_000_000, 1, "body size cap, enforced while streaming"),
    "max_redirects": (int, 10, 0, "redirects followed per request"),
    "clean_workers": (int, 1, 0, "processes cleaning pages beside the crawler; 0 = in-process"),
}

SITE_KEYS: dict[str, tuple[type, Any, str]] = {
    "name": (str, None, "short name stored in reports.site"),
    "start_urls": (list, None, "where the crawl starts"),
    "include": (list, [], "regexes; a followed URL matches one (default: start hosts)"),
    "exclude": (list, [], "regexes; a matching URL is never followed"),
    "report_pattern": (str, "", "regex; URLs matching it are report pages"),
    "body_selector": (str, "", "cleaner hint: CSS selector of the report body"),
    "drop_selectors": (list, [], "cleaner hint: CSS selectors of blocks to drop"),
    "drop_text": (list, [], "cleaner hint: regexes; a block whose text matches is dropped"),
}


@dataclass(frozen=True, slots=True)
class CrawlerConfig:
    user_agent: str = CRAWLER_KEYS["user_agent"][1]
    delay_seconds: float = 2.0
    concurrency: int = 8
    per_host_concurrency: int = 1
    timeout_seconds: float = 30.0
    max_pages: int = 0
    respect_robots: bool = True
    max_attempts: int = 3
    max_retry_after_seconds: float = 600.0
    recheck_days: float = 7.0
    max_depth: int = 10
    max_response_bytes: int = 10_000_000
    max_redirects: int = 10
    clean_workers: int = 1


@dataclass(frozen=True, slots=True)
class SiteConfig:
    name: str
    start_urls: tuple[str, ...]
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    report_pattern: re.Pattern[str] | None = None
    hints: SiteHints = field(default_factory=SiteHints)

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
    crawler: CrawlerConfig = field(default_factory=CrawlerConfig)
    database: Path = Path("archive/reports.db")
    sites: tuple[SiteConfig, ...] = ()
    path: Path | None = None  # the file it came from, if any

    def site(self, name: str) -> SiteConfig:
        for s in self.sites:
            if s.name == name:
                return s
        known = ", ".join(s.name for s in self.sites) or "none configured"
        raise ConfigError("sites", f"no site named {name!r} (known: {known})", self._where)

    @property
    def _where(self) -> str:
        return str(self.path) if self.path else "config"


def load_config(path: Path | str | None = None, *, missing_ok: bool = True) -> Config:
    """Load and validate ``path`` (default ``./config.toml``).

    A missing default file gives the defaults (no sites); a missing explicit file is an error.
    Relative database paths are resolved against the config file's folder, so cron can run
    from anywhere.
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
    return parse_config(data, path=p)


def parse_config(data: dict[str, Any], *, path: Path | None = None) -> Config:
    """Validate a parsed TOML document into a :class:`Config`."""
    where = str(path) if path else "config"
    _no_unknown(data, {"crawler", "storage", "sites"}, "", where)
    crawler = _parse_crawler(_table(data, "crawler", where), where)
    storage = _table(data, "storage", where)
    _no_unknown(storage, {"database"}, "storage.", where)
    database = Path(_typed(storage.get("database", "archive/reports.db"), str, "storage.database",
                           where))
    if path is not None and not database.is_absolute():
        database = path.parent / database
    raw_sites = data.get("sites", [])
    if not isinstance(raw_sites, list):
        raise ConfigError("sites", "must be an array of tables ([[sites]])", where)
    sites = tuple(_parse_site(s, i, where) for i, s in enumerate(raw_sites))
    names = [s.name for s in sites]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError("sites.name", f"duplicate site name {name!r}", where)
    return Config(crawler=crawler, database=database, sites=sites, path=path)


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
        return float(value)
    if kind is int and isinstance(value, bool):
        raise ConfigError(key, f"must be an integer, got {value!r}", where)
    if not isinstance(value, kind):
        raise ConfigError(key, f"must be {_type_name(kind)}, got {value!r}", where)
    return value


def _type_name(kind: type) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false",
            list: "an array"}.get(kind, kind.__name__)


def _parse_crawler(raw: dict[str, Any], where: str) -> CrawlerConfig:
    _no_unknown(raw, set(CRAWLER_KEYS), "crawler.", where)
    values: dict[str, Any] = {}
    for key, (kind, _default, minimum, _help) in CRAWLER_KEYS.items():
        if key not in raw:
            continue
        value = _typed(raw[key], kind, f"crawler.{key}", where)
        if minimum is not None and value < minimum:
            raise ConfigError(f"crawler.{key}", f"must be >= {minimum:g}, got {value!r}", where)
        values[key] = value
    if "user_agent" in values and not values["user_agent"].strip():
        raise ConfigError("crawler.user_agent", "must not be empty", where)
    return CrawlerConfig(**values)


def _parse_site(raw: Any, index: int, where: str) -> SiteConfig:
    if not isinstance(raw, dict):
        raise ConfigError(f"sites[{index}]", "must be a table", where)
    label = f"sites[{raw.get('name', index)}]"
    _no_unknown(raw, set(SITE_KEYS), f"{label}.", where)
    for key in ("name", "start_urls"):
        if key not in raw:
            raise ConfigError(f"{label}.{key}", "is required", where)
    name = _typed(raw["name"], str, f"{label}.name", where)
    if not re.fullmatch(r"[\w.-]+", name):
        raise ConfigError(f"{label}.name", "use letters, digits, '.', '_' or '-'", where)
    starts = _strings(raw["start_urls"], f"{label}.start_urls", where)
    if not starts:
        raise ConfigError(f"{label}.start_urls", "needs at least one URL", where)
    for url in starts:
        if not re.match(r"(?i)https?://[^/\s]+", url):
            raise ConfigError(f"{label}.start_urls", f"not an http(s) URL: {url!r}", where)
    include = _regexes(raw.get("include", []), f"{label}.include", where)
    if not include:  # default scope: the start URLs' hosts
        include = tuple(re.compile("^" + re.escape(_origin(u)) + "/") for u in starts)
    pattern = _typed(raw.get("report_pattern", ""), str, f"{label}.report_pattern", where)
    hints = SiteHints(
        body_selector=_typed(raw.get("body_selector", ""), str, f"{label}.body_selector", where),
        drop_selectors=_strings(raw.get("drop_selectors", []), f"{label}.drop_selectors", where),
        drop_text=tuple(p.pattern for p in _regexes(raw.get("drop_text", []),
                                                    f"{label}.drop_text", where)),
    )
    return SiteConfig(
        name=name,
        start_urls=starts,
        include=include,
        exclude=_regexes(raw.get("exclude", []), f"{label}.exclude", where),
        report_pattern=_regex(pattern, f"{label}.report_pattern", where) if pattern else None,
        hints=hints,
    )


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme.lower()}://{rest.split('/', 1)[0].lower()}"


def _strings(value: Any, key: str, where: str) -> tuple[str, ...]:
    items = _typed(value, list, key, where)
    for item in items:
        if not isinstance(item, str):
            raise ConfigError(key, f"must contain strings only, got {item!r}", where)
    return tuple(items)


def _regex(pattern: str, key: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConfigError(key, f"bad regular expression {pattern!r}: {exc}", where) from exc


def _regexes(value: Any, key: str, where: str) -> tuple[re.Pattern[str], ...]:
    return tuple(_regex(p, key, where) for p in _strings(value, key, where))

"""Config loading: defaults, validation errors that name the key, documented keys."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reportarchiver.config import (
    SITE_SETTINGS,
    CrawlerConfig,
    config_template,
    crawler_settings,
    load_config,
    parse_config,
)
from reportarchiver.errors import ConfigError

ROOT = Path(__file__).parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_config_loads() -> None:
    config = load_config(ROOT / "config.toml")
    assert config.sites[0].name == "bx2200"
    assert config.crawler.delay_seconds == 2.0
    assert config.database == ROOT / "archive" / "reports.db"


def test_a_missing_default_config_gives_defaults(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config()
    assert config.sites == ()
    assert config.database == Path("archive/reports.db")


def test_a_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml", missing_ok=False)


def test_an_unknown_key_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"crawler\.delay_secs: unknown key"):
        load_config(write(tmp_path, "[crawler]\ndelay_secs = 1\n"))


def test_an_unknown_site_key_is_named_with_the_site() -> None:
    data = {"sites": [{"name": "a", "start_urls": ["http://a.test/"], "startpage": 1}]}
    with pytest.raises(ConfigError, match=r"sites\[a\]\.startpage"):
        parse_config(data)


@pytest.mark.parametrize(("text", "key"), [
    ("[crawler]\ndelay_seconds = 'slow'", "crawler.delay_seconds"),
    ("[crawler]\nconcurrency = 0", "crawler.concurrency"),
    ("[crawler]\nconcurrency = 2.5", "crawler.concurrency"),
    ("[crawler]\nrespect_robots = 'yes'", "crawler.respect_robots"),
    ("[crawler]\nmax_pages = true", "crawler.max_pages"),
    ("[crawler]\nuser_agent = ' '", "crawler.user_agent"),
    ("[storage]\ndatabase = 3", "storage.database"),
    ("[[sites]]\nname = 'a'", "sites[a].start_urls"),
    ("[[sites]]\nname = 'a'\nstart_urls = ['ftp://x/']", "sites[a].start_urls"),
    ("[[sites]]\nname = 'a'\nstart_urls = ['http://x/']\ninclude = ['(']", "sites[a].include"),
    ("[[sites]]\nname = 'a'\nstart_urls = ['http://x/']\nreport_pattern = '['",
     "sites[a].report_pattern"),
    ("[[sites]]\nname = 'a'\nstart_urls = ['http://x/']\nbody_selector = 'div['",
     "sites[a].body_selector"),
    ("[[sites]]\nname = 'a'\nstart_urls = ['http://x/']\ndrop_selectors = ['.ok', 'p >']",
     "sites[a].drop_selectors"),
])
def test_a_bad_value_is_an_error_naming_its_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert info.value.key == key
    assert key in str(info.value)


def test_invalid_toml_is_an_error_naming_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "[crawler\n")
    with pytest.raises(ConfigError, match="not valid TOML") as info:
        load_config(path)
    assert str(path) in str(info.value)


def test_the_default_include_is_the_start_hosts() -> None:
    config = parse_config({"sites": [{"name": "a", "start_urls": ["http://A.test/x/"]}]})
    site = config.sites[0]
    assert site.follows("http://a.test/y.html")
    assert site.follows("https://a.test/y.html")  # a site moving to https stays in scope
    assert not site.follows("http://b.test/y.html")
    assert not site.follows("http://a.test.evil.example/y.html")


def test_exclude_wins_over_include() -> None:
    config = parse_config({"sites": [{"name": "a", "start_urls": ["http://a.test/"],
                                      "exclude": ["/print/"]}]})
    assert not config.sites[0].follows("http://a.test/print/1.html")


def test_duplicate_site_names_are_rejected() -> None:
    site = {"name": "a", "start_urls": ["http://a.test/"]}
    with pytest.raises(ConfigError, match="duplicate"):
        parse_config({"sites": [site, site]})


def test_the_bundled_config_toml_is_the_generated_template() -> None:
    """config.toml documents every key from its one declaration (regenerate it with
    `reportarchiver config-template > config.toml`)."""
    assert (ROOT / "config.toml").read_text(encoding="utf-8") == config_template()


def test_every_key_is_documented_in_config_toml_and_readme() -> None:
    config_text = config_template()
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    keys = [s.name for s in (*crawler_settings(), *SITE_SETTINGS)]
    for key in [*keys, "database"]:
        assert re.search(rf"# .*\n(# .*\n)*{key} =", config_text), f"{key} has no comment"
        assert f"`{key}`" in readme, f"{key} is not in the README"


@pytest.mark.parametrize(("text", "message"), [
    ("[crawler]\ndelay_seconds = nan", "finite"),
    ("[crawler]\ntimeout_seconds = nan", "finite"),
    ("[crawler]\nrecheck_days = inf", "finite"),
    ("[crawler]\nrecheck_days = 1e9", "<= 36500"),
    ("[crawler]\nmax_retry_after_seconds = -inf", "finite"),
])
def test_non_finite_and_absurd_numbers_are_rejected(tmp_path: Path, text: str,
                                                    message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, text))


def test_a_start_url_with_a_bad_idn_host_is_a_config_error() -> None:
    data = {"sites": [{"name": "a", "start_urls": ["http://xn--/x"]}]}
    with pytest.raises(ConfigError, match=r"sites\[a\]\.start_urls"):
        parse_config(data)


# the defaults the crawler issue asks for
ISSUE_DEFAULTS = {"per_host_concurrency": 1, "max_attempts": 3, "max_retry_after_seconds": 600,
                  "recheck_days": 7, "max_depth": 10, "max_response_bytes": 10_000_000,
                  "max_redirects": 10}


@pytest.mark.parametrize(("key", "value"), sorted(ISSUE_DEFAULTS.items()))
def test_crawler_defaults_are_the_documented_ones_everywhere(key, value, tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[[sites]]\nname = "s"\nstart_urls = ["http://127.0.0.1/"]\n',
                    encoding="utf-8")
    assert getattr(load_config(path).crawler, key) == value  # a config that omits the key
    declared = {s.name: s.default for s in crawler_settings()}
    assert getattr(CrawlerConfig(), key) == value == declared[key]


@pytest.mark.parametrize(("start", "link"), [
    ("http://127.0.0.1.:8000/", "http://127.0.0.1:8000/baogao/1.html"),
    ("http://Example.GOV.cn:80/x/", "http://example.gov.cn/baogao/1.html"),
    ("http://北京.gov.cn/", "http://xn--1lq90i.gov.cn/baogao/1.html"),
])
def test_the_default_scope_matches_links_as_the_crawler_writes_them(start, link):
    config = parse_config({"sites": [{"name": "a", "start_urls": [start]}]})
    assert config.sites[0].follows(link)
    assert config.sites[0].hosts() == {link.split("/")[2]}

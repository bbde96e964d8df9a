"""The public API is small and explicit: what ``reportarchiver`` exports is pinned here."""

import reportarchiver


def test_the_public_api_is_exactly_this() -> None:
    assert set(reportarchiver.__all__) == {
        "Archive", "Cleaned", "Config", "ConfigError", "CrawlerConfig", "FetchError",
        "IngestResult", "InvalidURL", "LockedError", "Metadata", "Report",
        "ReportArchiverError", "RunSummary", "SiteConfig", "SiteHints", "__version__", "clean",
        "crawl", "crawl_lock", "ingest", "load_config",
    }
    for name in reportarchiver.__all__:
        assert getattr(reportarchiver, name) is not None


def test_clean_is_the_pure_entry_point() -> None:
    cleaned = reportarchiver.clean("<html><body><p>各位代表：现在，我代表区人民政府向大会报告工作。"
                                   "</p></body></html>".encode(), "http://a.test/1.html")
    assert isinstance(cleaned, reportarchiver.Cleaned)
    assert "各位代表" in cleaned.text

"""The public API is small and explicit: what ``reportarchiver`` exports is pinned here."""

import reportarchiver


def test_the_public_api_is_exactly_this() -> None:
    assert set(reportarchiver.__all__) == {
        "Archive", "Cleaned", "Config", "ConfigError", "CrawlerConfig", "FetchError",
        "IngestResult", "InvalidURL", "LockedError", "Metadata", "PageError", "Report",
        "ReportArchiverError", "RunSummary", "SiteConfig", "SiteHints", "StoreError",
        "__version__", "clean", "crawl", "crawl_lock", "ingest", "load_config", "reextract",
        "run_crawl", "run_ingest",
    }
    for name in reportarchiver.__all__:
        assert getattr(reportarchiver, name) is not None


def test_every_exported_type_and_function_has_a_docstring() -> None:
    for name in reportarchiver.__all__:
        member = getattr(reportarchiver, name)
        if callable(member):
            assert (member.__doc__ or "").strip(), f"{name} has no docstring"


def test_every_package_names_its_public_surface() -> None:
    import importlib

    for package in ("clean", "metadata", "store", "fetch", "crawl", "browse"):
        module = importlib.import_module(f"reportarchiver.{package}")
        assert module.__all__, package
        for name in module.__all__:
            assert not name.startswith("_") and getattr(module, name) is not None


def test_clean_is_the_pure_entry_point() -> None:
    cleaned = reportarchiver.clean("<html><body><p>各位代表：现在，我代表区人民政府向大会报告工作。"
                                   "</p></body></html>".encode(), "http://a.test/1.html")
    assert isinstance(cleaned, reportarchiver.Cleaned)
    assert "各位代表" in cleaned.text

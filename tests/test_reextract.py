"""Re-extraction: the cleaner runs again over stored raw pages, with no network."""

from __future__ import annotations

import asyncio

from helpers import site_config
from reportarchiver._reextract import reextract_archive
from reportarchiver.crawl import crawl


def test_reextract_restores_a_body_from_raw_pages_and_records_a_version(site, archive, db_path):
    config = site_config(site.base_url, db_path)
    asyncio.run(crawl(config, archive))
    url = site.url("/baogao/db/4633.html")
    good = archive.report(url)
    # as if an older cleaner had kept boilerplate in the stored body
    with archive._db.atomic():
        archive._conn.execute("UPDATE reports SET body_text = body_text || '\n\n本文地址:x', "
                             "content_hash = 'old' WHERE url = ?", [url])
    site.close()  # no network from here on
    counts = reextract_archive(archive, config)
    assert counts["changed"] == 1
    assert counts["unchanged"] == archive.count("reports") - 1
    row = archive.report(url)
    assert row["body_text"] == good["body_text"] and row["page_count"] == 3
    assert row["last_checked"] == good["last_checked"]  # nothing was checked against the site
    versions = archive._conn.execute(
        "SELECT count(*) FROM report_versions WHERE report_id = ?", [row["id"]]).fetchone()[0]
    assert versions == 2


def test_reextract_can_be_limited_to_one_site(site, archive, db_path):
    asyncio.run(crawl(site_config(site.base_url, db_path), archive))
    assert reextract_archive(archive, site_config(site.base_url, db_path), site="other") == {
        "changed": 0, "unchanged": 0, "skipped": 0, "damaged": 0}

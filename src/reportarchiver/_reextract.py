"""``reportarchiver reextract``: run the cleaner again over stored raw pages, no network."""

from __future__ import annotations

from ._pipeline import clean_page, read_attachment, stitch, with_attachments
from .config import Config
from .errors import StoreError
from .models import FetchResult, Page
from .store._archive import Archive


def reextract_archive(archive: Archive, config: Config, *, site: str | None = None
                      ) -> dict[str, int]:
    """Re-clean every stored report (of ``site``) from the page and attachment bodies it was
    made from; returns counts by outcome (changed, unchanged, skipped, damaged).

    A report whose cleaned text changes gets a new version, exactly as if it had been
    re-crawled; metadata is refreshed either way. A report whose stored bodies are damaged
    is counted and left as it is; the others are still re-extracted.
    """
    counts = {"changed": 0, "unchanged": 0, "skipped": 0, "damaged": 0}
    for report_id in archive.report_ids(site):  # one row in memory at a time, not all
        row = archive.report_by_id(report_id)
        if row is None:
            continue
        try:
            stored_pages = archive.stored_report_pages(row["id"])
            attachments = [read_attachment(a.url, a.link_text, a.fetch)
                           for a in archive.report_attachments(row["id"])]
        except StoreError:
            counts["damaged"] += 1
            continue
        pages = []
        for stored in stored_pages:
            fetch = FetchResult(url=stored.url, final_url=stored.url, status=200,
                                headers=stored.headers, body=stored.raw, fetched_at="")
            pages.append(Page(fetch, clean_page(fetch, config.hints_for(stored.url)),
                              stored.page_no or 1))
        if not pages:
            counts["skipped"] += 1
            continue
        # an incomplete report stays marked so: its missing page is still to be fetched
        report = stitch(row["url"], row["site"], pages, complete=bool(row["complete"]),
                        incomplete_reason=row["incomplete_reason"] or "")
        report = with_attachments(report, attachments)
        outcome = archive.save_report(report, keep_checked=True)
        counts["changed" if outcome == "changed" else "unchanged"] += 1
    return counts

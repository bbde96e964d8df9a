"""The archive: one SQLite file, owned by :class:`Archive`.

Nothing outside this package runs SQL on it. ``_archive`` holds the reports, pages, versions
and runs; ``_frontier`` the crawl queue; ``_search`` the Chinese full-text index.
"""

from ._archive import Archive, StoredPage
from ._schema import check_archive

__all__ = ["Archive", "StoredPage", "check_archive"]

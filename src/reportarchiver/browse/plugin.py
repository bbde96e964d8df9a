"""The Datasette plugin: Chinese search, metadata, snippets, its templates, the report page,
version diffs and the downloads of stored attachments and page bodies.

It only acts on *archive* databases (those with the ``reports_fts`` search table), so installing
reportarchiver next to other Datasette databases leaves their search and metadata alone.
"""

from __future__ import annotations

import copy
import json
import sqlite3
from functools import cache
from pathlib import Path
from typing import Any

from datasette import hookimpl
from datasette.utils import urlsafe_components
from jinja2 import ChoiceLoader, Environment, FileSystemLoader
from markupsafe import Markup

from ..store import _search as search
from . import TEMPLATES_DIR
from ._access import ATTACHMENT_PATH, PAGE_VERSION_PATH, archive_databases, has_search_table
from ._snippet import MARK_START, highlight_html, make_snippet
from .diff import unified_diff
from .downloads import attachment_view, page_version_view
from .report_page import diff_view, report_context

METADATA_PATH = Path(__file__).parent / "metadata.json"


@cache
def _metadata_template() -> dict[str, Any]:
    return json.loads(METADATA_PATH.read_text(encoding="utf-8"))


def escape_fts(query: str | None) -> str:
    """Datasette's ``escape_fts`` for archives: every term matched as a substring (AND)."""
    return search.fts_query(query or "")


def sql_snippet(text: str | None, query: str | None) -> str:
    return make_snippet(text, search.search_terms(query or ""))


#: Put before a snippet cut from the attachments' text rather than the report's.
ATTACHMENT_SNIPPET_PREFIX = "[attachment] "


def sql_snippet_with_attachments(text: str | None, attachments: str | None,
                                 query: str | None) -> str:
    """The snippet of the report's text; of its attachments' text when only they hold a hit."""
    terms = search.search_terms(query or "")
    snippet = make_snippet(text, terms)
    if MARK_START not in snippet and attachments:
        in_attachments = make_snippet(attachments, terms)
        if MARK_START in in_attachments:
            return ATTACHMENT_SNIPPET_PREFIX + in_attachments
    return snippet


@hookimpl(trylast=True)
def prepare_connection(conn: sqlite3.Connection, database: str, datasette: Any) -> None:
    # trylast: Datasette's own prepare_connection registers its escape_fts first; ours,
    # registered after it, replaces it -- but only on archive connections.
    if not has_search_table(conn):
        return
    conn.create_function("escape_fts", 1, escape_fts, deterministic=True)
    conn.create_function("reportarchiver_snippet", 2, sql_snippet, deterministic=True)
    conn.create_function("reportarchiver_snippet", 3, sql_snippet_with_attachments,
                         deterministic=True)
    conn.create_function("reportarchiver_diff", 2, unified_diff, deterministic=True)


@hookimpl
def prepare_jinja2_environment(env: Environment) -> None:
    """Put our templates where Datasette puts a plugin's: after ``--template-dir``, before its
    own defaults.

    Datasette looks for ``templates/`` beside a plugin with ``importlib.resources.files()``,
    which on Python 3.11 refuses a plugin that is a module and not a package (the entry point
    names ``reportarchiver.browse.plugin``): plain ``datasette reports.db`` would then show
    Datasette's row page and fail on the diff page. Where Datasette did find them (Python 3.12,
    or the directory was given with ``--template-dir``), nothing changes.
    """
    ours = str(TEMPLATES_DIR)
    loader = env.loader
    paths = loader.loaders[0] if isinstance(loader, ChoiceLoader) and loader.loaders else None
    if isinstance(paths, FileSystemLoader):
        if ours not in paths.searchpath:
            # the last search path is Datasette's own templates, which ours override
            paths.searchpath.insert(max(0, len(paths.searchpath) - 1), ours)
    elif loader is not None:  # a layout this Datasette version does not have: ours first
        env.loader = ChoiceLoader([FileSystemLoader(ours), loader])


@hookimpl
def get_metadata(datasette: Any, key: str, database: str, table: str) -> dict[str, Any]:
    # A fresh copy every time: Datasette merges (and mutates) what hooks return.
    template = _metadata_template()
    metadata = {k: copy.deepcopy(v) for k, v in template.items() if k != "database"}
    metadata["databases"] = {
        name: copy.deepcopy(template["database"]) for name in archive_databases(datasette)
    }
    return metadata


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Markup | None:
    """Hits in a search snippet as ``<mark>``; ``report_id`` of a query links to the report;
    an attachment's file name and a page body's size link to their downloads."""
    is_snippet = column == "snippet" and isinstance(value, str) and MARK_START in value
    is_report_link = column == "report_id" and table is None and isinstance(value, int)
    download = _DOWNLOAD_CELLS.get((table, column))
    is_download = download is not None and value is not None and _has_bytes(row)
    if not (is_snippet or is_report_link or is_download) or (
            database not in archive_databases(datasette)):
        return None
    if is_snippet:
        return Markup(highlight_html(value))
    if is_download:
        href = datasette.urls.path(download.format(database=database, id=row["id"]))
        return Markup('<a href="{}" download>{}</a>').format(href, value)
    href = datasette.urls.row(database, "reports", value)
    return Markup('<a href="{}">{}</a>').format(href, value)


#: The table cells that link to the download of the row's stored bytes.
_DOWNLOAD_CELLS = {("attachments", "filename"): ATTACHMENT_PATH,
                   ("page_versions", "raw_size"): PAGE_VERSION_PATH}


def _has_bytes(row: Any) -> bool:
    try:
        return isinstance(row["id"], int) and row["raw"] is not None
    except (KeyError, IndexError, TypeError):  # a column left out with _col / _nocol
        return False


@hookimpl
def extra_template_vars(view_name: str, database: str, table: str, request: Any,
                        datasette: Any) -> Any:
    if view_name != "row" or table != "reports" or request is None:
        return None
    if database not in archive_databases(datasette):
        return None
    pks = urlsafe_components(request.url_vars.get("pks", ""))

    async def inner() -> dict[str, Any]:
        return await report_context(datasette, database, pks[0] if pks else "")

    return inner


@hookimpl
def register_routes() -> list[tuple[str, Any]]:
    return [
        (r"^/-/reportarchiver/diff/(?P<database>[^/]+)/(?P<report_id>\d+)$", diff_view),
        (r"^/-/reportarchiver/attachment/(?P<database>[^/]+)/(?P<id>\d+)$", attachment_view),
        (r"^/-/reportarchiver/page-version/(?P<database>[^/]+)/(?P<id>\d+)$",
         page_version_view),
    ]

"""Browse the archive in Datasette: how ``reportarchiver browse`` starts it.

The pieces: :mod:`.plugin` (loaded by Datasette through the ``datasette`` entry point) supplies
the metadata, the Chinese-aware ``escape_fts``, snippets, the report page's data and the diff
page, and ``templates/`` (the report page and the diff page). Everything is in the plugin, so
plain ``datasette reports.db`` shows the same pages; ``browse`` only adds settings. The
database is served read-write (not ``--immutable``): a cron crawl writes to it (WAL) while
people browse.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click

__all__ = ["SETTINGS", "TEMPLATES_DIR", "browse_command_line", "datasette_args", "run_browse"]

TEMPLATES_DIR = Path(__file__).parent / "templates"

# Datasette settings for an archive of long Chinese reports.
SETTINGS: dict[str, int | bool] = {
    # Bodies are ~10,000 characters: the table view shows a taste, the report page the rest.
    "truncate_cells_html": 140,
    "default_page_size": 30,
    # Facets over thousands of matches of a one-character search need ~100-300 ms each.
    "facet_time_limit_ms": 500,
    "sql_time_limit_ms": 3000,
    # The useful facets are preset in the metadata; suggesting others probes all 24 columns of
    # every search result page, which costs more than the search itself.
    "suggest_facets": False,
}


def datasette_args(db_path: Path, port: int = 8001, host: str = "127.0.0.1") -> list[str]:
    """The ``datasette serve`` argv (starting with ``datasette``) that serves the archive."""
    args = ["datasette", "serve", str(db_path), "--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value).lower()]
    return args


def run_browse(db_path: Path, port: int = 8001, open_browser: bool = False) -> int:
    """Run Datasette on the archive in this process until Ctrl-C or SIGTERM; 0 when stopped.

    In-process rather than a child process: uvicorn handles the signals itself, so stopping
    ``reportarchiver browse`` can never leave an orphaned server holding the port. A database
    Datasette cannot open gives its error message and a non-zero status.
    """
    from datasette.cli import cli  # imported here: only browsing needs Datasette's CLI

    args = datasette_args(db_path, port)[1:] + (["--open"] if open_browser else [])
    try:
        cli.main(args=args, prog_name="datasette", standalone_mode=False)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    return 0


def browse_command_line(db_path: Path) -> str:
    """The shell command a user can copy to open the archive in Datasette."""
    return shlex.join(["reportarchiver", "browse", "--db", str(db_path)])

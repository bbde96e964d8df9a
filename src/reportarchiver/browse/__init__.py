"""Browse the archive in Datasette: how ``reportarchiver browse`` starts it.

The pieces: :mod:`.plugin` (loaded by Datasette through the ``datasette`` entry point) supplies
the metadata, the Chinese-aware ``escape_fts``, snippets, the report page's data, the diff
page and the downloads (:mod:`.downloads`), and ``templates/`` (the report page and the diff
page). Everything is in the plugin, so plain ``datasette reports.db`` shows the same pages;
``browse`` only adds settings. The database is served read-write (not ``--immutable``): a cron
crawl writes to it (WAL) while people browse; only an archive on a read-only location is
served immutable (:func:`must_serve_immutable`).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
from pathlib import Path
from urllib.parse import quote

import click

from ..errors import StoreError

__all__ = ["SETTINGS", "TEMPLATES_DIR", "browse_command_line", "datasette_args",
           "must_serve_immutable", "run_browse"]

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


def datasette_args(db_path: Path, port: int = 8001, host: str = "127.0.0.1", *,
                   immutable: bool = False) -> list[str]:
    """The ``datasette serve`` argv (starting with ``datasette``) that serves the archive;
    ``immutable``: as a snapshot that nothing writes (an archive on a read-only location)."""
    served = ["--immutable", str(db_path)] if immutable else [str(db_path)]
    args = ["datasette", "serve", *served, "--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value).lower()]
    return args


def _read_error(uri: str) -> str | None:
    """Why SQLite cannot read the database at ``uri`` (None: it can)."""
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        return str(exc)
    finally:
        conn.close()
    return None


def must_serve_immutable(db_path: Path) -> bool:
    """Whether the archive can only be served as an immutable snapshot; raises
    :class:`StoreError` when it cannot be served at all.

    An archive in WAL mode is read through the ``-shm`` file beside it, which SQLite creates
    on the first read: in a folder we may not write to (a read-only mount, another user's
    archive) a normal read fails, and only an immutable one works. Immutable reads skip the
    WAL and assume nothing writes the file, which holds when we cannot write there.
    """
    if not db_path.is_file():
        raise StoreError(f"{db_path} does not exist or is not a file")
    location = quote(str(db_path.resolve()))
    error = _read_error(f"file:{location}?mode=ro")
    if error is None:
        return False
    writable = os.access(db_path, os.W_OK) and os.access(db_path.resolve().parent, os.W_OK)
    if not writable and _read_error(f"file:{location}?immutable=1") is None:
        return True
    raise StoreError(f"{db_path}: cannot read the archive ({error})")


def run_browse(db_path: Path, port: int = 8001, open_browser: bool = False) -> int:
    """Run Datasette on the archive in this process until Ctrl-C or SIGTERM; 0 when stopped.

    In-process rather than a child process: uvicorn handles the signals itself, so stopping
    ``reportarchiver browse`` can never leave an orphaned server holding the port. An archive
    that cannot be served gives one error line and status 1; one on a read-only location is
    served immutable, with a note saying so.
    """
    from datasette.cli import cli  # imported here: only browsing needs Datasette's CLI

    try:
        immutable = must_serve_immutable(db_path)
    except StoreError as error:
        click.echo(f"Error: {error}", err=True)
        return 1
    if immutable:
        click.echo(f"Note: {db_path} is on a read-only location, so it is served as it is now "
                   "(immutable): restart browse to see what later crawls add", err=True)
    args = datasette_args(db_path, port, immutable=immutable)[1:]
    args += ["--open"] if open_browser else []
    try:
        cli.main(args=args, prog_name="datasette", standalone_mode=False)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except sqlite3.Error as error:  # the file changed under us after the check above
        click.echo(f"Error: {db_path}: {error}", err=True)
        return 1
    return 0


def browse_command_line(db_path: Path) -> str:
    """The shell command a user can copy to open the archive in Datasette."""
    return shlex.join(["reportarchiver", "browse", "--db", str(db_path)])

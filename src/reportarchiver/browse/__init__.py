"""Browse the archive in Datasette: how ``reportarchiver browse`` starts it.

The pieces: :mod:`.plugin` (loaded by Datasette through the ``datasette`` entry point) supplies
the metadata, the Chinese-aware ``escape_fts``, snippets, the report page's data and the diff
page; ``templates/`` holds the report page and the diff page. The database is served read-write
and never ``--immutable``: a cron crawl writes to it (WAL) while people browse.
"""

from __future__ import annotations

import shlex
import subprocess
import sys
from pathlib import Path

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
    args = ["datasette", "serve", str(db_path), "--host", host, "--port", str(port),
            "--template-dir", str(TEMPLATES_DIR)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value).lower()]
    return args


def run_browse(db_path: Path, port: int = 8001, open_browser: bool = False) -> int:
    """Run Datasette on the archive in the foreground until Ctrl-C; returns its exit status.

    Datasette runs as ``python -m datasette`` of this interpreter, so the pinned version and this
    package's plugin are the ones used even when another ``datasette`` is first on ``PATH``.
    """
    argv = [sys.executable, "-m", *datasette_args(db_path, port)]
    if open_browser:
        argv.append("--open")
    process = subprocess.Popen(argv)
    try:
        return process.wait()
    except KeyboardInterrupt:
        # Ctrl-C reached Datasette too (same process group); let it finish shutting down.
        process.terminate()
        process.wait()
        return 0


def browse_command_line(db_path: Path) -> str:
    """The shell command a user can copy to open the archive in Datasette."""
    return shlex.join(["reportarchiver", "browse", "--db", str(db_path)])

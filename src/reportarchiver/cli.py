"""The command line: a thin click layer over the library.

Exit codes: 0 ok (a crawl with some page errors is still ok: they are counted and recorded),
1 the run failed, 2 usage or config error, 75 another crawl holds the database (EX_TEMPFAIL).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .config import Config, load_config
from .errors import ConfigError, Interrupted, LockedError, ReportArchiverError, StoreError

EXIT_FAILED, EXIT_USAGE, EXIT_LOCKED = 1, 2, 75

config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Config file (default: ./config.toml).")
db_option = click.option(
    "--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Archive database (default: storage.database from the config, archive/reports.db).")


def _load(config_path: Path | None, db_path: Path | None) -> Config:
    try:
        config = load_config(config_path, missing_ok=config_path is None)
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    return replace(config, database=db_path) if db_path else config


@contextmanager
def _archive(path: Path) -> Iterator[Any]:
    """Open the archive, turning an unopenable file into one error line (exit 1)."""
    from .store import Archive

    try:
        archive = Archive(path)
    except StoreError as exc:
        _fail(str(exc), EXIT_USAGE if exc.foreign else EXIT_FAILED)
    try:
        with archive:
            yield archive
    except sqlite3.DatabaseError as exc:  # a damaged file, a full disk: SQLite's own words
        _fail(f"{path}: database error: {exc}")
    except StoreError as exc:
        _fail(str(exc))


@contextmanager
def run_errors(database: Path, stopped: str, interrupted: str) -> Iterator[None]:
    """The failures of a run (crawl, import) as one line each, with their exit codes."""
    try:
        yield
    except LockedError as exc:
        _fail(str(exc), EXIT_LOCKED)
    except StoreError as exc:
        _fail(str(exc), EXIT_USAGE if exc.foreign else EXIT_FAILED)
    except Interrupted as exc:
        _fail(str(exc), 128 + exc.signum)
    except ConfigError as exc:  # found only when used: a SOCKS proxy, render = "browser"
        _fail(str(exc), EXIT_USAGE)
    except ReportArchiverError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{database}: {exc.strerror or exc}")
    except sqlite3.Error as exc:  # disk full, I/O error: the last commit group was rolled back
        _fail(f"{database}: database error, {stopped}: {exc}")
    except KeyboardInterrupt:
        _fail(f"interrupted: {interrupted}", 130)


def _fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    click.echo(f"Error: {one_line(message)}", err=True)
    sys.exit(code)


def one_line(message: str, limit: int = 500) -> str:
    """An error message as one printable line: a damaged file's bytes or a multi-line
    report from SQLite must not flood a terminal or a cron mail."""
    printable = "".join(c if c.isprintable() else " " for c in message.replace("\ufffd", "?"))
    flat = " ".join(printable.split())
    return flat if len(flat) <= limit else flat[:limit - 1] + "…"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reportarchiver")
@click.option("--log-level", type=click.Choice(["DEBUG", "INFO", "WARNING", "ERROR"],
                                               case_sensitive=False), default=None,
              help="Log at this level (standard logging; INFO: one line per URL).")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Append the log to this file (default: standard error).")
def cli(log_level: str | None, log_file: Path | None) -> None:
    """Archive report web pages into SQLite, searchable with Datasette."""
    if log_level or log_file:
        _setup_logging((log_level or "INFO").upper(), log_file)


def _setup_logging(level: str, path: Path | None) -> None:
    """Standard logging for the reportarchiver loggers, to a file or standard error."""
    try:
        handler: logging.Handler = (logging.FileHandler(path, encoding="utf-8") if path
                                    else logging.StreamHandler())
    except OSError as exc:
        _fail(f"{path}: cannot open the log file ({exc.strerror or exc})", EXIT_USAGE)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.set_name("reportarchiver-cli")
    logger = logging.getLogger("reportarchiver")
    for old in [h for h in logger.handlers if h.get_name() == "reportarchiver-cli"]:
        logger.removeHandler(old)  # a second invocation in one process replaces it
        old.close()
    logger.addHandler(handler)
    logger.setLevel(level)


@cli.command()
@config_option
@db_option
@click.option("--site", "sites", multiple=True, help="Crawl only this site (repeatable).")
@click.option("--max-pages", type=click.IntRange(min=0), default=None,
              help="Stop after this many fetches (0 = no limit; default from config).")
@click.option("-v", "--verbose", is_flag=True, help="One line per URL.")
@click.option("--json", "as_json", is_flag=True, help="Print the run summary as JSON.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print the summary only if a page failed or the run did (for cron mail).")
@click.option("--dry-run", is_flag=True,
              help="List what the run would fetch first; fetch and write nothing.")
def crawl(config_path: Path | None, db_path: Path | None, sites: tuple[str, ...],
          max_pages: int | None, verbose: bool, as_json: bool, quiet: bool,
          dry_run: bool) -> None:
    """Crawl the configured sites: new and changed reports go into the archive.

    Quiet when not on a terminal (cron): one summary line, details with -v; nothing at all
    with -q unless something went wrong.
    """
    from ._progress import LiveStatus
    from .crawl import run_crawl

    config = _load(config_path, db_path)
    if not config.sites:
        where = config_path or Path("config.toml")
        why = "add a [[sites]] table" if where.exists() else "no such file"
        _fail(f"{where}: no sites to crawl ({why}); nothing was created", EXIT_USAGE)
    try:
        for name in sites:
            config.site(name)
    except ConfigError as exc:
        _fail(str(exc), EXIT_USAGE)
    if dry_run:
        _dry_run(config, list(sites) or None, max_pages, as_json)
        return
    status = LiveStatus(verbose=verbose)
    with run_errors(config.database, "the run stopped",
                    "the next crawl resumes where this one stopped"), status:
        summary = run_crawl(config, site_names=list(sites) or None, max_pages=max_pages,
                            progress=status)
    if not quiet or summary.status != "ok" or summary.counters["errors"]:
        click.echo(json.dumps(summary.as_dict(), ensure_ascii=False) if as_json
                   else summary.line())
    if not quiet and not as_json:
        for warning in summary.warnings:
            click.echo(f"warning: {one_line(warning)}", err=True)
    if summary.status != "ok":
        sys.exit(EXIT_FAILED)


def _dry_run(config: Config, sites: list[str] | None, max_pages: int | None,
             as_json: bool) -> None:
    from .crawl import plan_crawl

    try:
        plan = plan_crawl(config, site_names=sites, max_pages=max_pages)
    except StoreError as exc:
        _fail(str(exc), EXIT_USAGE if exc.foreign else EXIT_FAILED)
    for url, site, kind, depth in plan:
        click.echo(json.dumps({"url": url, "site": site, "kind": kind, "depth": depth})
                   if as_json else f"{kind:7} {site} {url}")
    if not as_json:
        click.echo(f"{len(plan)} URL(s) would be fetched first (dry run: nothing fetched or "
                   "written)", err=True)


@cli.command()
@config_option
@db_option
@click.argument("urls", nargs=-1, required=True)
def ingest(config_path: Path | None, db_path: Path | None, urls: tuple[str, ...]) -> None:
    """Fetch, clean and store each URL as a report ('-' reads URLs from stdin, one a line).

    One line per URL; a bad URL gets an error line and the others are still ingested.
    Exits 1 if any URL failed.
    """
    from .crawl import ingest as run_ingest

    config = _load(config_path, db_path)
    todo = [u.strip() for u in _expand_stdin(urls) if u.strip()]

    def report(result: Any) -> None:
        click.echo(result.line(), err=not result.ok)

    with _archive(config.database) as archive:
        results = asyncio.run(run_ingest(config, archive, todo, on_result=report))
    if not all(r.ok for r in results):
        sys.exit(EXIT_FAILED)


def _expand_stdin(items: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for item in items:
        out.extend(sys.stdin.read().splitlines() if item == "-" else [item])
    return out


@cli.command()
@click.argument("source")
@click.option("--url", default="", help="The page's URL (for relative links and metadata).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help="text: the cleaned body; json: body plus metadata.")
@config_option
def extract(source: str, url: str, fmt: str, config_path: Path | None) -> None:
    """Print the cleaned body of FILE, URL or '-' (bytes on stdin) without storing.

    HTML pages, and PDF, DOCX, DOC, XLSX and XLS files (read for their text). Exits 1 when
    the source has no text (an image, a scanned PDF), saying why.
    """
    from .extract import ExtractError, extract_source

    config = _load(config_path, None)
    try:
        cleaned, page_url = extract_source(source, url, config)
    except ExtractError as exc:
        _fail(str(exc))
    if fmt == "text":
        if cleaned.text:
            click.echo(cleaned.text)
    else:
        record = {"url": page_url, "body_text": cleaned.text, **cleaned.metadata.as_dict(),
                  "encoding": cleaned.encoding, "char_count": len(cleaned.text),
                  "source_kind": cleaned.source_kind, "problem": cleaned.problem}
        click.echo(json.dumps(record, ensure_ascii=False, indent=2))
    if cleaned.problem and not cleaned.text:
        _fail(f"{source}: {cleaned.problem}")


@cli.command()
@config_option
@db_option
@click.option("--site", default=None, help="Only this site's reports.")
def reextract(config_path: Path | None, db_path: Path | None, site: str | None) -> None:
    """Re-run the cleaner over the stored raw pages (no network); changed bodies get versions."""
    from ._reextract import reextract_archive

    config = _load(config_path, db_path)
    with _archive(config.database) as archive:
        known = {s.name for s in config.sites} | set(archive.site_names())
        if site and site not in known:
            _fail(f"no site named {site!r} (known: {', '.join(sorted(known)) or 'none'})",
                  EXIT_USAGE)
        counts = reextract_archive(archive, config, site=site)
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()))
    if counts["damaged"]:
        sys.exit(EXIT_FAILED)


@cli.command()
@config_option
@db_option
@click.option("-n", "--limit", default=20, show_default=True, help="How many runs.")
@click.option("--json", "as_json", is_flag=True, help="As JSON lines.")
def runs(config_path: Path | None, db_path: Path | None, limit: int, as_json: bool) -> None:
    """List recent crawl runs with their counters."""

    config = _load(config_path, db_path)
    if not config.database.exists():
        _fail(f"no archive at {config.database}")
    with _archive(config.database) as archive:
        rows = archive.recent_runs(limit)
    for row in rows:
        if as_json:
            click.echo(json.dumps(row, ensure_ascii=False))
            continue
        click.echo(f"{row['id']:>5} {row['started_at']} {row['status'] or '':11} "
                   f"{row['command'] or '':7} fetched {row['fetched'] or 0} new "
                   f"{row['new_reports'] or 0} changed {row['changed_reports'] or 0} unchanged "
                   f"{row['unchanged'] or 0} errors {row['errors'] or 0} "
                   f"{row['duration_seconds'] or 0:.1f}s")


@cli.command()
@config_option
@db_option
@click.option("--port", default=8001, show_default=True, help="Port on 127.0.0.1.")
@click.option("--open", "open_browser", is_flag=True, help="Open a web browser.")
def browse(config_path: Path | None, db_path: Path | None, port: int, open_browser: bool) -> None:
    """Open the archive in Datasette on 127.0.0.1 (read-only alongside a running crawl)."""
    from .browse import run_browse

    config = _load(config_path, db_path)
    if not config.database.exists():
        _fail(f"no archive at {config.database}: run 'reportarchiver crawl' or "
              "'reportarchiver demo' first")
    sys.exit(run_browse(config.database, port=port, open_browser=open_browser))


@cli.command()
@config_option
@db_option
def reindex(config_path: Path | None, db_path: Path | None) -> None:
    """Rebuild the full-text search index from the stored reports."""
    config = _load(config_path, db_path)
    with _archive(config.database) as archive:
        count = archive.reindex()
    click.echo(f"indexed {count} reports")


@cli.command("config-template")
def config_template() -> None:
    """Print the documented config.toml: every key with its help and default."""
    from .config import config_template as template

    click.echo(template(), nl=False)


@cli.command()
@config_option
@db_option
@click.option("-v", "--verbose", is_flag=True, help="One line per URL.")
def demo(config_path: Path | None, db_path: Path | None, verbose: bool) -> None:
    """Serve the bundled sample site on 127.0.0.1 and crawl it into the archive."""
    from ._progress import LiveStatus
    from .demo.run import run_demo

    config = _load(config_path, db_path)
    status = LiveStatus(verbose=verbose)
    try:
        summary = run_demo(config.database, progress=status)
    except LockedError as exc:
        _fail(str(exc), EXIT_LOCKED)
    except ReportArchiverError as exc:
        _fail(str(exc))
    finally:
        status.close()
    click.echo(summary.line())
    with _archive(config.database) as archive:
        for row in archive.reports(site="demo"):
            click.echo(f"  {row['page_count']} page(s) {row['char_count']:>6} chars  "
                       f"{row['title']}")
    from .browse import browse_command_line

    click.echo(f"\nArchive: {config.database}\n"
               f"Browse it in Datasette: {browse_command_line(config.database)}")
    if summary.status != "ok":
        sys.exit(EXIT_FAILED)


from ._cli_data import register  # noqa: E402 -- needs the helpers above

register(cli)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="reportarchiver")

"""Commands that get data in and out: ``export``, ``import``, ``list``, ``show``, ``search``.

Thin, like the rest of the CLI: each opens the archive, makes one library call and turns a
library error into one ``Error:`` line. Exit codes as in :mod:`reportarchiver.cli`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from .cli import (
    EXIT_FAILED,
    EXIT_USAGE,
    _archive,
    _fail,
    _load,
    config_option,
    db_option,
    run_errors,
)


def _since(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--since`` as an archive timestamp (UTC ISO 8601, whole seconds)."""
    if value is None:
        return None
    from .interchange._records import iso_utc, to_utc

    try:
        return iso_utc(to_utc(value.strip()))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD) or an ISO 8601 "
                                 "date-time") from None


site_option = click.option("--site", default=None, help="Only this site's reports.")
since_option = click.option(
    "--since", callback=_since, metavar="DATE",
    help="Only what was captured or changed at or after DATE (YYYY-MM-DD or ISO 8601 "
         "date-time; UTC unless an offset is given).")
query_option = click.option(
    "--query", default=None, metavar="WORDS",
    help="Only reports containing every word (the search of 'reportarchiver search').")
json_option = click.option("--json", "as_json", is_flag=True, help="As JSON.")


@contextmanager
def _existing(config_path: Path | None, db_path: Path | None) -> Iterator[Any]:
    """The archive of the config, which must exist: reading commands create nothing."""
    config = _load(config_path, db_path)
    if not Path(config.database).exists():
        _fail(f"no archive at {config.database}: run 'reportarchiver crawl' or "
              "'reportarchiver demo' first")
    with _archive(config.database) as archive:
        yield archive


def _check_site(archive: Any, site: str | None) -> None:
    known = archive.site_names()
    if site and site not in known:
        _fail(f"no reports of a site named {site!r} in {archive.path} "
              f"(sites: {', '.join(known) or 'none'})", EXIT_USAGE)


@contextmanager
def _writing(target: str) -> Iterator[None]:
    """Output errors as one line: a full disk, a missing folder, a closed pipe."""
    try:
        yield
    except BrokenPipeError:
        # the reader stopped (| head): not an error of ours; keep Python from complaining
        # again when it flushes stdout at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)
    except OSError as exc:
        _fail(f"{target}: {exc.strerror or exc}")
    except ValueError as exc:  # a stored row the format cannot hold, named by URL
        _fail(f"{target}: {exc}")


def _stdout() -> Any:
    """stdout as bytes: exports are UTF-8 whatever the terminal's locale says."""
    return sys.stdout.buffer


# -- export ----------------------------------------------------------------------------------

@click.group()
def export() -> None:
    """Write the archive out: WARC for web archives, JSON Lines, CSV or Markdown."""


@export.command("warc")
@config_option
@db_option
@site_option
@since_option
@click.argument("out", metavar="OUT.warc.gz")
def export_warc(config_path: Path | None, db_path: Path | None, site: str | None,
                since: str | None, out: str) -> None:
    """Write every stored page body as a WARC request/response pair, then a metadata record
    per report version (JSON: metadata, text, page URLs). '-' writes to stdout; a name
    ending in .warc is written uncompressed."""
    from .interchange import write_warc
    from .store._exports import page_captures, report_snapshots, snapshot

    with _existing(config_path, db_path) as archive:
        _check_site(archive, site)
        started = time.monotonic()
        with _writing(out), snapshot(archive):
            stats = write_warc(_stdout() if out == "-" else out,
                               page_captures(archive, site=site, since=since),
                               report_snapshots(archive, site=site, since=since),
                               gzip=out == "-" or not out.endswith(".warc"))
    seconds = time.monotonic() - started
    click.echo(f"wrote {stats.responses} responses and {stats.reports} report versions "
               f"({stats.bytes_written / 1e6:.1f} MB) to {out} in {seconds:.1f}s",
               err=out == "-")


def _report_export(fmt: str) -> Callable[..., None]:
    def command(config_path: Path | None, db_path: Path | None, site: str | None,
                since: str | None, query: str | None, out: str | None) -> None:
        from .interchange import write_csv, write_jsonl, write_markdown
        from .store._exports import REPORT_COLUMNS, report_rows, snapshot

        with _existing(config_path, db_path) as archive:
            _check_site(archive, site)
            target = out or "stdout"
            with _writing(target), snapshot(archive):
                rows = report_rows(archive, site=site, since=since, query=query)
                if fmt == "jsonl":
                    count = write_jsonl(out or _stdout(), rows)
                elif fmt == "csv":
                    count = write_csv(out or _stdout(), rows, columns=REPORT_COLUMNS)
                else:
                    count = write_markdown(str(out), rows)
        if out:
            click.echo(f"wrote {count} reports to {out}")

    return command


_HELP = {
    "jsonl": "Write the reports as JSON Lines (one object a line, UTF-8) to OUT or stdout.",
    "csv": "Write the reports as CSV (UTF-8 with a BOM, for Excel) to OUT or stdout.",
    "markdown": "Write one Markdown file per report into FOLDER (created if needed): YAML "
                "front matter of its metadata, then its text.",
}
for _fmt, _help in _HELP.items():
    _out = click.argument("out", required=_fmt == "markdown",
                          metavar="FOLDER" if _fmt == "markdown" else "[OUT]")
    _command = _report_export(_fmt)
    _command.__doc__ = _help
    for _decorate in (_out, query_option, since_option, site_option, db_option,
                      config_option):
        _command = _decorate(_command)
    export.command(_fmt)(_command)


# -- import ----------------------------------------------------------------------------------

@click.group("import")
def import_() -> None:
    """Read web archives into the archive."""


@import_.command("warc")
@config_option
@db_option
@click.option("--site", "sites", multiple=True,
              help="Only this configured site's responses (repeatable; default: all sites).")
@click.option("-v", "--verbose", is_flag=True, help="One line per capture imported.")
@json_option
@click.argument("files", nargs=-1, required=True,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_warc(config_path: Path | None, db_path: Path | None, sites: tuple[str, ...],
                verbose: bool, as_json: bool, files: tuple[Path, ...]) -> None:
    """Archive the responses in WARC/ARC FILES that lie in the configured sites' scope, as a
    crawl would (cleaning, multi-page reports, metadata, versions), with no network.

    A URL captured several times is imported in capture order, each capture a version. A
    damaged file is imported up to the damage, then named with its offset (exit 1).
    """
    from ._progress import LiveStatus
    from .interchange import run_import_warc

    config = _load(config_path, db_path)
    status = LiveStatus(verbose=verbose)
    with run_errors(config.database, "the import stopped",
                    "what was imported so far is kept"), status:
        summary = run_import_warc(config, files, site_names=list(sites) or None,
                                  progress=status)
    click.echo(json.dumps(summary.as_dict(), ensure_ascii=False) if as_json
               else summary.line())
    for line in summary.errors:
        click.echo(f"Error: {line}", err=True)
    if summary.status != "ok":
        sys.exit(EXIT_FAILED)


# -- inspection ------------------------------------------------------------------------------

def _flags(row: dict[str, Any]) -> str:
    flags = [] if row.get("complete", 1) else ["incomplete"]
    if row.get("live_status") not in (None, "live"):
        flags.append(str(row["live_status"]))
    return f" [{', '.join(flags)}]" if flags else ""


@click.command("list")
@config_option
@db_option
@site_option
@json_option
def list_(config_path: Path | None, db_path: Path | None, site: str | None,
          as_json: bool) -> None:
    """List the archived reports: id, date, pages, characters, title, URL (--json: one
    object a line)."""
    from .store._exports import list_reports

    with _existing(config_path, db_path) as archive, _writing("stdout"):
        _check_site(archive, site)
        for row in list_reports(archive, site=site):
            if as_json:
                click.echo(json.dumps(row, ensure_ascii=False))
                continue
            click.echo(f"{row['id']:>5} {row['report_date'] or '':10} {row['page_count']:>3}p "
                       f"{row['char_count'] or 0:>7} {row['title'] or '(no title)'}"
                       f"{_flags(row)}  {row['url']}")


@click.command()
@config_option
@db_option
@json_option
@click.argument("key", metavar="URL|ID")
def show(config_path: Path | None, db_path: Path | None, as_json: bool, key: str) -> None:
    """Show one report: metadata, live status, pages, versions, attachments and text."""
    from .store._exports import find_report, report_details

    with _existing(config_path, db_path) as archive:
        report = find_report(archive, key)
        if report is None:
            _fail(f"no report {'with id' if key.strip().isdigit() else 'at'} {key} in "
                  f"{archive.path}")
        details = report_details(archive, report["id"])
    report.pop("body_html", None)
    with _writing("stdout"):
        if as_json:
            click.echo(json.dumps({**report, **details}, ensure_ascii=False, indent=2))
        else:
            _print_report(report, details)


def _print_report(report: dict[str, Any], details: dict[str, list[dict[str, Any]]]) -> None:
    text = report.pop("body_text") or ""
    for key, value in report.items():
        if value not in (None, "") and key != "attachments_text":
            click.echo(f"{key}: {value}")
    click.echo(f"\npages ({len(details['pages'])}):")
    for page in details["pages"]:
        click.echo(f"  {page['page_no']} HTTP {page['status']} {page['fetched_at']} "
                   f"{page['size'] or 0} bytes, {page['bodies']} bodies kept  {page['url']}")
    click.echo(f"\nversions ({len(details['versions'])}):")
    for version in details["versions"]:
        click.echo(f"  #{version['id']} {version['captured_at']} {version['chars']} chars  "
                   f"{version['title']}")
    click.echo(f"\nattachments ({len(details['attachments'])}):")
    for item in details["attachments"]:
        what = item["error"] or f"{item['kind'] or '?'}, {item['size'] or 0} bytes, " \
                                f"{item['chars'] or 0} chars"
        click.echo(f"  {item['filename'] or item['url']} ({what})  {item['url']}")
    click.echo(f"\n{text}")


@click.command()
@config_option
@db_option
@site_option
@json_option
@click.option("-n", "--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="How many reports to show.")
@click.argument("words", nargs=-1, required=True)
def search(config_path: Path | None, db_path: Path | None, site: str | None, as_json: bool,
           limit: int, words: tuple[str, ...]) -> None:
    """Find the reports containing every word, Chinese included (the search of the browse
    page: exact substrings, not stems), best match first, each with a snippet."""
    from .browse._snippet import make_snippet
    from .store._exports import search_reports
    from .store._search import search_terms

    query = " ".join(words)
    with _existing(config_path, db_path) as archive:
        _check_site(archive, site)
        total, rows = search_reports(archive, query, limit=limit, site=site)
    terms = search_terms(query)
    with _writing("stdout"):
        if not as_json:
            click.echo(f"{total} report(s) contain {' and '.join(terms)}" +
                       (f"; the first {len(rows)}:" if total > len(rows) else ""))
        for row in rows:
            text = row.pop("body_text") or ""
            attached = row.pop("attachments_text") or ""
            hit = make_snippet(text, terms) if _has(text, terms) or not attached else \
                make_snippet(attached, terms)
            if as_json:
                click.echo(json.dumps({**row, "snippet": hit}, ensure_ascii=False))
            else:
                click.echo(f"{row['id']:>5} {row['report_date'] or '':10} {row['title']}\n"
                           f"      {hit}\n      {row['url']}")


def _has(text: str, terms: list[str]) -> bool:
    folded = text.lower()
    return any(term.lower() in folded for term in terms)


def register(group: click.Group) -> None:
    """Add the data commands to the CLI group."""
    for command in (export, import_, list_, show, search):
        group.add_command(command)

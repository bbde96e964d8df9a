"""JSON Lines, CSV and Markdown exports of report rows: streaming, exact, safe for any text."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from reportarchiver.interchange import write_csv, write_jsonl, write_markdown
from reportarchiver.interchange._markdown import (
    NAME_BYTES,
    file_name,
    front_matter,
    markdown_body,
)

BODY = ("过去一年工作回顾\n\n各位代表：现在，我代表区人民政府向大会报告工作，请予审议。\n\n"
        "一、2022年工作回顾")


def row(n: int = 1, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "url": f"http://www.example.test/zwgk/{n}.html", "site": "example",
        "title": "大连市中山区人民政府工作报告", "kind": "政府工作报告", "province": "辽宁省",
        "city": "大连市", "county": "中山区", "report_date": "2022-12-23", "year": 2022,
        "speaker": "", "meeting": "", "published_at": "", "source": "", "language": "zh",
        "body_text": BODY, "page_count": 2, "char_count": len(BODY),
        "first_seen": "2026-01-01T00:00:00+00:00", "last_changed": "2026-01-01T00:00:00+00:00",
        "complete": 1}
    values.update(changes)
    return values


ROWS = [row(1), row(2, title="统计公报, \"2022\"", body_text="第一行\n第二行, 逗号")]
HOSTILE_TITLES = [
    "政府工作报告: 2022", 'say "hi"', "it's", "line one\nline two", "---", "--- x ---",
    "...", "# not a comment", "- not a list", "[a, b]", "{a: b}", "&anchor *alias !tag",
    "%YAML 1.2", "@handle", "`tick`", "yes", "null", "~", "2022-12-23", "0x1F", " padded ",
    "tab\there", "cr\rhere", "nel\x85sep\u2028ls\u2029ps", "bom\ufeff", "del\x7f", "nul\x00",
    "\\back\\slash", "emoji 😀", "中文：冒号“引号”",
]


def test_jsonl_is_one_json_object_per_line_with_chinese_as_is(tmp_path: Path) -> None:
    path = tmp_path / "reports.jsonl"
    assert write_jsonl(path, ROWS) == 2
    text = path.read_text(encoding="utf-8")
    assert "政府工作报告" in text  # not \\u escapes
    assert [json.loads(line) for line in text.splitlines()] == ROWS


def test_jsonl_keeps_the_key_order_of_each_row() -> None:
    out = io.BytesIO()
    write_jsonl(out, [row()])
    assert list(json.loads(out.getvalue())) == list(row())


def test_jsonl_goes_to_a_text_stream_and_leaves_it_open() -> None:
    out = io.StringIO()
    write_jsonl(out, (r for r in ROWS))
    assert not out.closed
    assert len(out.getvalue().splitlines()) == 2


def test_jsonl_writes_dates_as_strings() -> None:
    import datetime

    out = io.StringIO()
    write_jsonl(out, [{"when": datetime.date(2022, 12, 23)}])
    assert json.loads(out.getvalue()) == {"when": "2022-12-23"}


def _read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_starts_with_a_bom_and_reads_back_every_cell(tmp_path: Path) -> None:
    path = tmp_path / "reports.csv"
    assert write_csv(path, ROWS) == 2
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfurl,site,title,")
    back = _read_csv(data)
    assert back == [{k: str(v) for k, v in r.items()} for r in ROWS]


def test_csv_without_bom_starts_with_the_header() -> None:
    out = io.BytesIO()
    write_csv(out, ROWS, bom=False)
    assert out.getvalue().startswith(b"url,site,title,")


def test_csv_lines_end_in_crlf_and_newlines_inside_cells_are_quoted() -> None:
    out = io.BytesIO()
    write_csv(out, ROWS)
    data = out.getvalue().decode("utf-8-sig")
    assert data.splitlines(keepends=True)[0].endswith("\r\n")
    assert '"第一行\n第二行, 逗号"' in data


@pytest.mark.parametrize("title", ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "\tx"])
def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(title: str) -> None:
    out = io.BytesIO()
    write_csv(out, [row(title=title)])
    assert _read_csv(out.getvalue())[0]["title"] == "'" + title


def test_csv_formula_guard_can_be_turned_off() -> None:
    out = io.BytesIO()
    write_csv(out, [row(title="=1+1")], guard_formulas=False)
    assert _read_csv(out.getvalue())[0]["title"] == "=1+1"


def test_csv_numbers_are_not_touched_by_the_guard() -> None:
    out = io.BytesIO()
    write_csv(out, [{"delta": -3, "none": None, "list": ["a", "b"]}])
    assert _read_csv(out.getvalue()) == [{"delta": "-3", "none": "", "list": '["a", "b"]'}]


def test_csv_columns_can_be_chosen_and_missing_keys_are_empty() -> None:
    out = io.BytesIO()
    write_csv(out, [{"url": "u1"}, {"url": "u2", "title": "t"}], columns=["url", "title"])
    assert _read_csv(out.getvalue()) == [{"url": "u1", "title": ""},
                                        {"url": "u2", "title": "t"}]


def test_csv_a_row_with_an_unknown_key_is_an_error_naming_the_row() -> None:
    with pytest.raises(ValueError, match=r"http://b: 'extra' is not one of the CSV columns"):
        write_csv(io.BytesIO(), [{"url": "http://a"}, {"url": "http://b", "extra": 1}])


def test_csv_of_no_rows_is_the_header_when_columns_are_given(tmp_path: Path) -> None:
    path = tmp_path / "none.csv"
    assert write_csv(path, [], columns=["url", "title"]) == 0
    assert path.read_bytes() == b"\xef\xbb\xbfurl,title\r\n"


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "reports.csv"
    with pytest.raises(ValueError):
        write_csv(path, [{"url": "a"}, {"url": "b", "x": 1}])
    assert list(tmp_path.iterdir()) == []


def _front_matter(text: str) -> tuple[dict[str, object], str]:
    assert text.startswith("---\n")
    header, _, body = text[4:].partition("\n---\n")
    return yaml.safe_load(header), body


def test_markdown_is_one_file_per_report_with_the_metadata_as_yaml(tmp_path: Path) -> None:
    assert write_markdown(tmp_path, ROWS) == 2
    files = sorted(tmp_path.glob("*.md"))
    assert len(files) == 2
    meta, _ = _front_matter(files[0].read_text(encoding="utf-8"))
    original = next(r for r in ROWS if r["url"] == meta["url"])
    assert meta == {k: v for k, v in original.items() if k != "body_text"}


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_any_title_survives_the_yaml_front_matter(tmp_path: Path, title: str) -> None:
    write_markdown(tmp_path, [row(title=title, speaker=title)])
    (path,) = tmp_path.glob("*.md")
    meta, _ = _front_matter(path.read_text(encoding="utf-8"))
    assert meta["title"] == title and meta["speaker"] == title
    assert meta["year"] == 2022 and meta["report_date"] == "2022-12-23"


@given(st.text(), st.text(min_size=1).filter(lambda k: k not in ("body_text", "body_html")))
def test_the_front_matter_reads_back_exactly_for_any_text(title: str, key: str) -> None:
    meta, _ = _front_matter(front_matter({"title": title, key: title}))
    assert meta == {"title": title, key: title}


def test_keys_that_yaml_reads_as_null_or_booleans_stay_strings() -> None:
    keys = ["null", "True", "yes", "on", "N", "off"]
    meta, _ = _front_matter(front_matter(dict.fromkeys(keys, 1)))
    assert meta == dict.fromkeys(keys, 1)


def test_the_front_matter_is_closed_once_whatever_the_title(tmp_path: Path) -> None:
    write_markdown(tmp_path, [row(title="---\n---")])
    (path,) = tmp_path.glob("*.md")
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines.count("---") == 2 and lines[0] == "---"


def test_the_body_is_its_paragraphs_separated_by_blank_lines(tmp_path: Path) -> None:
    write_markdown(tmp_path, [row()])
    (path,) = tmp_path.glob("*.md")
    _, body = _front_matter(path.read_text(encoding="utf-8"))
    assert body.strip().split("\n\n") == BODY.split("\n\n")


@pytest.mark.parametrize("line,escaped", [
    ("# 标题", "\\# 标题"), ("1. 第一", "1\\. 第一"), ("---", "\\---"), ("> 引用", "\\> 引用"),
    ("- 项", "\\- 项"), ("<script>alert(1)</script>", "\\<script>alert(1)\\</script>"),
    ("    缩进", "缩进"), ("2022年", "2022年"), ("　　全角缩进", "　　全角缩进"),
])
def test_text_that_would_render_as_markdown_syntax_is_escaped(line: str, escaped: str) -> None:
    assert markdown_body(line) == escaped + "\n"


def test_file_names_come_from_the_title_and_differ_for_the_same_title() -> None:
    a, b = file_name(row(1)), file_name(row(2))
    assert a.startswith("大连市中山区人民政府工作报告-") and a.endswith(".md")
    assert a != b
    assert file_name(row(1)) == a  # stable: a second export overwrites the same file


def test_file_names_without_a_title_come_from_the_url() -> None:
    assert file_name({"url": "http://a.test/zwgk/%E6%8A%A5%E5%91%8A.html"}).startswith("报告-")
    assert file_name({"url": "http://a.test/"}).startswith("a.test-")


@pytest.mark.parametrize("title", ['a/b\\c:d*e?f"g<h>i|j', "..", "CON", "\x00\x01", "x" * 500,
                                   "报" * 200, " . "])
def test_file_names_are_safe_on_every_system(tmp_path: Path, title: str) -> None:
    name = file_name(row(title=title))
    assert not set(name) & set('/\\:*?"<>|\x00\x01')
    assert len(name.encode()) <= NAME_BYTES + 15
    assert not name.startswith(".")
    write_markdown(tmp_path, [row(title=title)])
    assert [p.name for p in tmp_path.iterdir()] == [name]

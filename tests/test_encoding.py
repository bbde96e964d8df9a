"""decode_html: the charset rules of real Chinese report pages."""

from __future__ import annotations

import pytest

from reportarchiver.clean._encoding import codec_for, decode_html, sniff_meta

GBK_ONLY = "朱镕基 王堃 李喆 刘昇 陈珺"
REPORT = "——2022年12月24日在旅顺口区第十九届人民代表大会第二次会议上 · 各位代表:" + GBK_ONLY


def page(body: str, meta: str | None) -> str:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">' if meta else ""
    return f"<html><head>{head}<title>Report</title></head><body><p>{body}</p></body></html>"


def test_gb2312_label_with_gbk_only_characters_decodes_as_gb18030():
    data = page(REPORT, "gb2312").encode("gbk")
    result = decode_html(data)
    assert result.encoding == "gb18030"
    assert result.declared == "gb2312"
    assert GBK_ONLY in result.text
    assert result.replacements == 0


def test_dashes_and_middle_dot_survive_gb_decoding():
    result = decode_html(page(REPORT, "GB2312").encode("gbk"))
    assert "——2022" in result.text  # U+2014, not the U+2015 of Python's gb2312 codec
    assert " · " in result.text


@pytest.mark.parametrize("label", ["gbk", "x-gbk", "cp936", "GB_2312-80", "gb18030"])
def test_chinese_labels_all_map_to_gb18030(label):
    assert codec_for(label) == "gb18030"


def test_http_header_wins_over_meta_when_it_decodes_better():
    data = page(REPORT, "utf-8").encode("gbk")  # meta lies, the header is right
    result = decode_html(data, http_charset="gbk")
    assert result.encoding == "gb18030"
    assert GBK_ONLY in result.text
    assert (result.http_charset, result.meta_charset) == ("gbk", "utf-8")


def test_meta_wins_over_http_header_when_it_decodes_better():
    data = page(REPORT, "gbk").encode("gbk")  # the header (a server default) lies
    result = decode_html(data, http_charset="utf-8")
    assert result.encoding == "gb18030"
    assert result.source == "meta"
    assert GBK_ONLY in result.text


def test_valid_utf8_overrules_a_stale_gb2312_declaration():
    data = page(REPORT, "gb2312").encode("utf-8")  # re-saved as UTF-8, old meta kept
    result = decode_html(data)
    assert result.encoding == "utf-8"
    assert GBK_ONLY in result.text
    assert result.declared == "gb2312"


def test_undeclared_utf8_is_utf8():
    result = decode_html(page(REPORT, None).encode("utf-8"))
    assert (result.encoding, result.declared, result.source) == ("utf-8", None, "utf-8")


def test_undeclared_gbk_is_detected():
    body = REPORT + "全县经济社会保持平稳健康发展,地区生产总值增长百分之四点八。" * 5
    result = decode_html(page(body, None).encode("gbk"))
    assert result.encoding == "gb18030"
    assert GBK_ONLY in result.text


def test_utf8_bom_beats_a_meta_declaration():
    data = b"\xef\xbb\xbf" + page(REPORT, "gbk").encode("utf-8")
    result = decode_html(data)
    assert (result.encoding, result.source) == ("utf-8", "bom")
    assert result.text.startswith("<html>")


def test_utf16_bom_is_honoured():
    data = b"\xff\xfe" + page(REPORT, None).encode("utf-16-le")
    result = decode_html(data)
    assert result.encoding == "utf-16-le"
    assert GBK_ONLY in result.text


def test_big5_page_decodes():
    text = "臺北市政府工作報告:各位議員,本府謹就施政情形提出報告。"
    result = decode_html(page(text, "big5").encode("big5"))
    assert result.encoding == "big5hkscs"
    assert text in result.text


def test_shift_jis_page_decodes():
    text = "令和5年度予算の概要について報告します。"
    result = decode_html(page(text, "Shift_JIS").encode("shift_jis"))
    assert result.encoding == "cp932"
    assert text in result.text


def test_invalid_bytes_are_replaced_and_counted_not_raised():
    data = page("正常文字" + REPORT * 3, "utf-8").encode("utf-8")
    data = data.replace(b"</p>", b"\xff\xfe\x80</p>")
    result = decode_html(data)
    assert "正常文字" in result.text
    assert result.replacements >= 1


def test_u_fffd_written_in_the_page_is_not_counted_as_an_error():
    result = decode_html(page("\ufffd", "utf-8").encode("utf-8"))
    assert result.replacements == 0


@pytest.mark.parametrize("label", ["base64", "rot13", "utf-16", "nonsense-charset", "", None])
def test_unusable_labels_are_ignored(label):
    assert codec_for(label) is None
    data = page(REPORT, label).encode("utf-8") if label else page(REPORT, None).encode("utf-8")
    assert decode_html(data).encoding == "utf-8"


def test_meta_prescan_reads_charset_attribute_and_xml_declaration():
    assert sniff_meta(b'<meta charset="GBK">') == "GBK"
    assert sniff_meta(b"<?xml version='1.0' encoding='big5'?><html>") == "big5"
    assert sniff_meta(b" " * 5000 + b'<meta charset="gbk">') is None  # beyond the prescan window


@pytest.mark.parametrize("data", [b"", b"\x00", bytes(range(256)), b"\xef\xbb", b"\xff\xfe\x00"])
def test_odd_bytes_never_raise(data):
    result = decode_html(data)
    assert isinstance(result.text, str)

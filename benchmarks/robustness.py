#!/usr/bin/env python3
"""Pathological pages through the cleaner: time grows linearly with size.

    .venv/bin/python benchmarks/robustness.py [--repeat 3]

Three shapes, each at 1/4, 1/2 and full size, best of ``--repeat`` runs:

* a long report page (full size 5 MB of paragraphs, headings and tables, GBK bytes);
* deeply nested markup (full size 10,000 levels of ``<div>``, text at the bottom), and
  100,000 levels: lexbor's parse is quadratic in depth, so pages over 512 KB get their
  nesting capped at 1,000 levels before parsing (smaller ones cannot cost over ~1 s);
* a page of links (full size 100,000 ``<li><a>`` items beside a short article).

For each it prints seconds and seconds per unit; when the per-unit cost stays flat as the
size doubles, the cleaner is linear on that shape.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from reportarchiver.clean import clean  # importable after the path tweak above

PARAGRAPH = (
    "<p>\u3000\u3000全年实施亿元以上重点项目62个,完成投资138亿元。新能源装备产业园一期建成投产,"
    "新增规模以上工业企业27家,高新技术企业达到53家,城乡居民人均可支配收入稳步增长。</p>\n"
)
TABLE = (
    "<table><tr><td>指标</td><td>2022年</td><td>增长(%)</td></tr>"
    "<tr><td>地区生产总值(亿元)</td><td>186.4</td><td>4.8</td></tr></table>\n"
)


def long_page(target_bytes: int) -> bytes:
    """A report page of about target_bytes (GBK), with site furniture around the body."""
    unit = ("<h3>一、工作回顾</h3>\n" + PARAGRAPH * 20 + TABLE).encode("gbk")
    head = (
        '<html><head><meta charset="gb2312"><title>报告</title></head><body>'
        '<div class="nav"><a href="/">首页</a> <a href="/baogao/">报告</a></div>'
        '<div class="content">'
    ).encode("gbk")
    tail = '</div><div class="footer">版权所有 ICP备12345号</div></body></html>'.encode("gbk")
    return head + unit * max(1, target_bytes // len(unit)) + tail


def nested_page(levels: int) -> str:
    return "<div>" * levels + PARAGRAPH * 3 + "</div>" * levels


def links_page(count: int) -> str:
    links = "".join(f'<li><a href="/p/{i}.html">相关报告 {i}</a></li>' for i in range(count))
    return f"<html><body><ul>{links}</ul><div>{PARAGRAPH * 5}</div></body></html>"


def best_time(page: bytes | str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = clean(page)
        times.append(time.perf_counter() - start)
        assert result.text, "the body must survive"
    return min(times)


def run_shape(name: str, unit: str, sizes: list[int], make: Callable, repeat: int) -> None:
    print(f"\n{name}")
    print(f"  {'size':>12s} {'bytes':>11s} {'seconds':>9s} {'us/' + unit:>12s}")
    for size in sizes:
        page = make(size)
        seconds = best_time(page, repeat)
        length = len(page) if isinstance(page, bytes) else len(page.encode("utf-8"))
        print(f"  {size:>12,d} {length:>11,d} {seconds:9.3f} {seconds / size * 1e6:12.3f}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3, help="runs per size; the best counts")
    args = ap.parse_args(argv)
    mb = 5 * 1024 * 1024
    run_shape("long report page (5 MB at full size)", "byte",
              [mb // 4, mb // 2, mb], long_page, args.repeat)
    run_shape("nested markup (10,000 levels at full size)", "level",
              [2_500, 5_000, 10_000, 100_000], nested_page, args.repeat)
    run_shape("links page (100,000 links at full size)", "link",
              [25_000, 50_000, 100_000], links_page, args.repeat)


if __name__ == "__main__":
    main()

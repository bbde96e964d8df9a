"""Benchmark the Chinese search: exactness against LIKE, latency through Datasette, size, build.

    .venv/bin/python benchmarks/search.py               # 10,000 reports of ~10,000 characters
    .venv/bin/python benchmarks/search.py --reports 500 # a quick run

The generated archive is cached under benchmarks/out/ (git-ignored); ``--fresh`` rebuilds it.
Latency is measured through Datasette's JSON API in-process (``datasette.client``), which runs
the same SQL as the table page: count + first page, plugin loaded, bundled metadata.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import quote

from datasette.app import Datasette

from reportarchiver import browse
from reportarchiver.browse.plugin import escape_fts
from reportarchiver.store import _search as search

OUT = Path(__file__).parent / "out"
GENERATOR_VERSION = 2

SUBJECTS = ("我们 政府 全市 全省 各级政府 全区 市委 各部门 人民群众 企业 农村 城市 社区 学校 医院 "
            "财政 税务部门 统计局 各县区 开发区 自贸区 港口 园区").split()
ACTIONS = ("坚持 推进 加快 深化 完善 加强 落实 实施 推动 实现 扩大 提高 促进 巩固 统筹 优化 "
           "支持 保障 健全 构建 培育 打造 强化 稳定 改善").split()
TOPICS = (
    "养老服务 医疗保障 教育公平 就业优先 住房保障 社会保险 乡村振兴 新型城镇化 高质量发展 "
    "营商环境 科技创新 数字经济 绿色发展 生态环境 污染防治 碳达峰 碳中和 新能源 老旧小区 "
    "基础设施 交通运输 粮食安全 农业现代化 民营经济 对外开放 招商引资 财政收入 税收收入 "
    "一般公共预算 政府债务 金融风险 安全生产 食品药品 公共卫生 文化旅游 体育事业 "
    "城乡融合 区域协调 共同富裕 收入分配 社会治理 法治政府 廉政建设 营商改革 放管服 "
    "产业升级 先进制造业 现代服务业 港口物流 跨境电商 5G基站 工业互联网 人工智能 大数据 "
    "义务教育 职业教育 高等教育 托育服务 医疗卫生 中医药 医养结合 长期护理 最低生活保障 "
    "退役军人 妇女儿童 残疾人 水利工程 防汛抗旱 森林防火 耕地保护 黑土地 种业 "
    "消费市场 固定资产投资 进出口 外贸 物价 CPI GDP PM2.5 R&D").split()
OUTCOMES = ("取得明显成效 迈出坚实步伐 持续改善 稳步提升 不断增强 全面完成 超额完成 再创新高 "
            "保持稳定 有效遏制 基本实现 走在前列 显著提高").split()
CONNECTORS = "，同时， 。 ； ，并且 ，进一步 ，着力 ，全力 ，切实".split()
HEADINGS = ("过去一年工作回顾 今年工作安排 主要目标任务 加强政府自身建设 财政预算执行情况 "
            "国民经济和社会发展 统计公报 附件说明").split()
PLACES = [("辽宁省", "大连市"), ("辽宁省", "沈阳市"), ("广东省", "广州市"), ("广东省", "深圳市"),
          ("浙江省", "杭州市"), ("四川省", "成都市"), ("河南省", "郑州市"), ("湖北省", "武汉市")]
KINDS = ["政府工作报告", "统计公报", "预算报告", "国民经济和社会发展计划"]
ENGLISH = ["growth", "policy", "reform", "budget", "pension", "Investment", "Export"]

QUERIES = [
    "税", "粮", "港", "碳", "药", "债",                      # 1 character
    "养老", "教育", "就业", "医疗", "住房", "物价",          # 2
    "新能源", "老旧小", "自贸区", "中医药",                  # 3
    "乡村振兴", "老旧小区", "营商环境", "共同富裕",          # 4
    "新型城镇化", "高质量发展", "一般公共预算",              # 5-6
    "GDP", "growth", "pension",                              # English
    "5G基站", "PM2.5",                                       # mixed
    "养老 医疗", "量子计算",                                 # AND; absent
]


def weighted(words: list[str]) -> tuple[list[str], list[float]]:
    """Zipf-like weights: a few topics dominate, as in real reports."""
    return words, [1.0 / (rank + 1) ** 0.8 for rank in range(len(words))]


def sentence(rng: random.Random, topics: tuple[list[str], list[float]]) -> str:
    topic, other = rng.choices(*topics, k=2)
    parts = [rng.choice(SUBJECTS), rng.choice(ACTIONS), topic, rng.choice(CONNECTORS).strip(),
             rng.choice(ACTIONS), other, rng.choice(OUTCOMES)]
    if rng.random() < 0.3:
        parts.append(f"，增长{rng.randint(1, 30)}.{rng.randint(0, 9)}%")
    if rng.random() < 0.004:
        parts.append(f"（{rng.choice(ENGLISH)}）")
    return "".join(parts) + "。"


def report(rng: random.Random, n: int, chars: int) -> dict:
    province, city = rng.choice(PLACES)
    year = rng.randint(2015, 2024)
    kind = rng.choice(KINDS)
    # Each report dwells on a subset of topics, so a term is in some reports, not all of them.
    topics = weighted(rng.sample(TOPICS, rng.randint(10, 40)))
    paragraphs, size = [], 0
    while size < chars:
        para = rng.choice(HEADINGS) if rng.random() < 0.08 else "".join(
            sentence(rng, topics) for _ in range(rng.randint(3, 8)))
        paragraphs.append(para)
        size += len(para)
    body = "\n\n".join(paragraphs)
    return {"id": n, "url": f"http://bench.test/baogao/{n}.html", "site": "bench",
            "title": f"{city}{year}年{kind}", "kind": kind, "province": province, "city": city,
            "year": year, "report_date": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(10, 28)}",
            "body_text": body, "char_count": len(body), "page_count": 1}


SCHEMA = """CREATE TABLE reports (id INTEGER PRIMARY KEY, url TEXT UNIQUE, site TEXT, title TEXT,
    kind TEXT, province TEXT, city TEXT, county TEXT, report_date TEXT, year INTEGER,
    body_text TEXT, body_html TEXT, page_count INTEGER, char_count INTEGER,
    attachments_text TEXT)"""
COLUMNS = ["id", "url", "site", "title", "kind", "province", "city", "year", "report_date",
           "body_text", "char_count", "page_count"]
INSERT = (f"INSERT INTO reports ({', '.join(COLUMNS)}) "
          f"VALUES ({', '.join('?' * len(COLUMNS))})")


def build(path: Path, count: int, chars: int) -> dict:
    """Generate the archive and index it; returns the build figures."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(SCHEMA)
    search.ensure_search_schema(conn)
    rng = random.Random(20240501)
    rows = (report(rng, n, chars) for n in range(1, count + 1))
    conn.executemany(INSERT, ([r[c] for c in COLUMNS] for r in rows))
    conn.commit()
    started = time.perf_counter()
    search.rebuild_index(conn)
    conn.commit()
    figures = {"build_seconds": time.perf_counter() - started, "reports": count,
               "generator": GENERATOR_VERSION}
    conn.close()
    return figures


def sizes(path: Path) -> dict:
    conn = sqlite3.connect(path)
    text = conn.execute("SELECT sum(length(CAST(body_text AS BLOB)) + "
                        "length(CAST(title AS BLOB))) FROM reports").fetchone()[0]
    index = conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'reports_fts%'"
                         ).fetchone()[0]
    return {"text_bytes": text, "search_bytes": index}


def like_ids(conn: sqlite3.Connection, query: str) -> set[int]:
    ids: set[int] | None = None
    for term in search.search_terms(query):
        found = {row[0] for row in conn.execute(
            "SELECT id FROM reports WHERE body_text LIKE ?1 OR title LIKE ?1", (f"%{term}%",))}
        ids = found if ids is None else ids & found
    return ids or set()


def fts_ids(conn: sqlite3.Connection, query: str) -> set[int]:
    sql = "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?"
    return {row[0] for row in conn.execute(sql, (escape_fts(query),))}


def like_page(conn: sqlite3.Connection, query: str) -> float:
    """The LIKE scan doing the table page's work: count + first page."""
    terms = search.search_terms(query)
    where = " AND ".join(
        f"(body_text LIKE ?{i} OR title LIKE ?{i})" for i in range(1, len(terms) + 1)
    )
    params = [f"%{t}%" for t in terms]
    started = time.perf_counter()
    conn.execute(f"SELECT count(*) FROM reports WHERE {where}", params).fetchone()
    conn.execute(f"SELECT id, title FROM reports WHERE {where} ORDER BY report_date DESC "
                 "LIMIT 31", params).fetchall()
    return time.perf_counter() - started


async def datasette_times(path: Path, runs: int, facets: bool) -> dict[str, list[float]]:
    ds = Datasette([str(path)], template_dir=str(browse.TEMPLATES_DIR), settings=browse.SETTINGS)
    await ds.invoke_startup()
    name = path.stem
    times: dict[str, list[float]] = {}
    for query in QUERIES:
        url = f"/{name}/reports.json?_search={quote(query)}&_col=title&_size=30"
        url += "" if facets else "&_nofacet=1"
        response = await ds.client.get(url)  # warm-up, and the count check
        assert response.status_code == 200, response.text
        times[query] = []
        for _ in range(runs):
            started = time.perf_counter()
            await ds.client.get(url)
            times[query].append(time.perf_counter() - started)
        times[query].append(response.json()["filtered_table_rows_count"])
    return times


def incremental_ms(path: Path, chars: int, samples: int = 10) -> float:
    """Median time to save and index one new report in its own transaction (then undone)."""
    conn = sqlite3.connect(path)
    rng = random.Random(7)
    taken = []
    for n in range(samples):
        row = report(rng, 10_000_000 + n, chars)
        started = time.perf_counter()
        conn.execute(INSERT, [row[c] for c in COLUMNS])
        search.index_report(conn, row["id"], row["title"], row["body_text"])
        conn.commit()
        taken.append(time.perf_counter() - started)
    conn.execute("DELETE FROM reports WHERE id >= 10000000")
    search.sync_index(conn)
    conn.commit()
    conn.close()
    return statistics.median(taken) * 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report_queries(path: Path, runs: int) -> None:
    conn = sqlite3.connect(path)
    conn.create_function("escape_fts", 1, escape_fts)
    searched = asyncio.run(datasette_times(path, runs, facets=False))
    faceted = asyncio.run(datasette_times(path, max(1, runs // 3), facets=True))
    print(f"{'query':<14}{'rows':>7}{'recall':>8}{'prec.':>7}{'api ms':>9}{'+facets':>9}"
          f"{'LIKE ms':>9}{'ratio':>7}")
    all_api, all_like, ratios, faceted_all = [], [], [], []
    for query in QUERIES:
        expected, found = like_ids(conn, query), fts_ids(conn, query)
        *api, count = searched[query]
        *with_facets, _ = faceted[query]
        like = statistics.median(like_page(conn, query) for _ in range(2))
        recall = len(found & expected) / len(expected) if expected else 1.0
        precision = len(found & expected) / len(found) if found else 1.0
        assert count == len(expected), (query, count, len(expected))
        all_api += api
        faceted_all += with_facets
        all_like.append(like)
        ratios.append(like / statistics.median(api))
        print(f"{query:<14}{len(expected):>7}{recall:>8.3f}{precision:>7.3f}"
              f"{statistics.median(api) * 1000:>9.1f}{statistics.median(with_facets) * 1000:>9.1f}"
              f"{like * 1000:>9.0f}{ratios[-1]:>7.0f}")
    api_p50 = statistics.median(all_api) * 1000
    like_p50 = statistics.median(all_like) * 1000
    print(f"\nsearch via Datasette JSON API (count + first page): p50 {api_p50:.1f} ms, "
          f"p95 {percentile(all_api, 95) * 1000:.1f} ms, max {max(all_api) * 1000:.1f} ms")
    print(f"same with the 5 default facets: p50 {statistics.median(faceted_all) * 1000:.1f} ms, "
          f"p95 {percentile(faceted_all, 95) * 1000:.1f} ms")
    print(f"LIKE scan (count + first page, raw SQL): p50 {like_p50:.0f} ms, "
          f"p95 {percentile(all_like, 95) * 1000:.0f} ms; p50 ratio {like_p50 / api_p50:.0f}x, "
          f"per-query ratio min {min(ratios):.0f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--chars", type=int, default=10_000, help="characters per report")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per query")
    parser.add_argument("--fresh", action="store_true", help="rebuild the cached archive")
    args = parser.parse_args(argv)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"bench-{args.reports}x{args.chars}.db"
    info_path = path.with_suffix(".json")
    info = json.loads(info_path.read_text()) if info_path.exists() and path.exists() else {}
    if args.fresh or info.get("generator") != GENERATOR_VERSION:
        print(f"building {args.reports} reports of ~{args.chars} characters in {path} ...")
        info = build(path, args.reports, args.chars)
        info_path.write_text(json.dumps(info))
    size = sizes(path)
    print(f"reports {info['reports']}, text {size['text_bytes'] / 1e6:.0f} MB; "
          f"index build {info['build_seconds']:.1f} s; search structures "
          f"{size['search_bytes'] / 1e6:.0f} MB = {size['search_bytes'] / size['text_bytes']:.2f}x "
          f"the text; incremental index of one new report "
          f"{incremental_ms(path, args.chars):.1f} ms (insert + index + commit)\n")
    report_queries(path, args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())

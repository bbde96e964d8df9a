"""The bigram search index: exactly the LIKE scan's rows, kept current through every write path."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reportarchiver.browse._snippet import highlight_html, make_snippet
from reportarchiver.store import _search as search

REPORTS_DDL = """CREATE TABLE reports (
    id INTEGER PRIMARY KEY, url TEXT UNIQUE, title TEXT, body_text TEXT, last_checked TEXT,
    attachments_text TEXT)"""

# Characters that stress the design: CJK, ASCII both cases, digits, FTS5 syntax, full-width
# letters and punctuation, an accented letter, an emoji outside the BMP, a rare ideograph.
ALPHABET = (
    "养老医疗教育就业税收基站老旧小区培师的年月日"
    "aAbBgGzZ059"
    "\"*()-+:^.,%_'"
    "，。、（）《》：；Ｇé😀𠀀"
)
TEXTS = st.text(alphabet=ALPHABET + " \n", min_size=0, max_size=60)


def make_db(docs: list[tuple[str | None, str | None]]) -> sqlite3.Connection:
    """An in-memory archive with the search schema and the given (title, body) reports."""
    conn = sqlite3.connect(":memory:")
    conn.execute(REPORTS_DDL)
    search.ensure_search_schema(conn)
    for i, (title, body) in enumerate(docs, start=1):
        conn.execute("INSERT INTO reports (id, url, title, body_text) VALUES (?, ?, ?, ?)",
                     (i, f"http://x/{i}", title, body))
        search.index_report(conn, i, title, body)
    return conn


def like_ids(conn: sqlite3.Connection, query: str) -> set[int]:
    """The reference: every term in title or body, LIKE semantics, % and _ taken literally."""
    ids = {row[0] for row in conn.execute("SELECT id FROM reports")}
    for term in search.search_terms(query):
        pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        ids &= {row[0] for row in conn.execute(
            "SELECT id FROM reports WHERE body_text LIKE ? ESCAPE '\\' "
            "OR title LIKE ? ESCAPE '\\'", (pattern, pattern))}
    return ids


def fts_ids(conn: sqlite3.Connection, query: str) -> set[int]:
    sql = "SELECT rowid FROM reports_fts WHERE reports_fts MATCH ?"
    return {row[0] for row in conn.execute(sql, (search.fts_query(query),))}


def index_contents(conn: sqlite3.Connection) -> list[tuple]:
    conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.v USING fts5vocab(main, reports_fts, "
                 "'instance')")
    return sorted(conn.execute("SELECT doc, col, term, offset FROM temp.v"))


def expected_contents(conn: sqlite3.Connection) -> list[tuple]:
    out = []
    for report_id, title, body in conn.execute("SELECT id, title, body_text FROM reports"):
        for col, text in (("title", title), ("body_text", body)):
            tokens = search.bigram_text(text).split()
            out += [(report_id, col, token, n) for n, token in enumerate(tokens)]
    return sorted(out)


def test_every_kept_character_is_a_token_the_default_tokenizer_leaves_alone():
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
    conn.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'row')")
    units = {search.to_units(chr(c)) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF}
    units.discard(" ")
    singles = {u for u in units if len(u) == 1}
    singles |= {ch for u in units if len(u) == 2 for ch in u}
    conn.execute("INSERT INTO t (x) VALUES (?)", (" ".join(sorted(singles)),))
    assert {row[0] for row in conn.execute("SELECT term FROM v")} == singles


def test_text_becomes_overlapping_bigrams_and_the_last_character_of_each_run():
    assert search.bigram_text("老旧小区 Tax\n\n税") == "老旧 旧小 小区 区 ta ax x 税"


def test_a_one_character_term_is_a_prefix_query_and_longer_terms_are_phrases():
    assert search.fts_query("税") == '"税"*'
    assert search.fts_query("老旧小区  5G") == '"老旧 旧小 小区" AND "5g"'


def test_a_query_without_terms_matches_nothing_instead_of_failing():
    conn = make_db([("养老", "养老")])
    assert fts_ids(conn, "   ") == set()


@settings(max_examples=200, deadline=None)
@given(query=st.text(min_size=1, max_size=30))
def test_no_query_raises_an_fts5_syntax_error(query):
    conn = make_db([("a", "b")])
    fts_ids(conn, query)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(st.tuples(TEXTS, TEXTS), min_size=1, max_size=8), data=st.data())
def test_search_returns_exactly_the_like_rows_for_substrings_of_stored_texts(docs, data):
    conn = make_db(docs)
    text = data.draw(st.sampled_from([t for pair in docs for t in pair if t.strip()] or ["x"]))
    start = data.draw(st.integers(0, max(len(text) - 1, 0)))
    query = text[start:start + data.draw(st.integers(1, 20))]
    assume(query.strip())
    assert fts_ids(conn, query) == like_ids(conn, query)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(st.tuples(TEXTS, TEXTS), min_size=1, max_size=8),
       query=st.text(alphabet=ALPHABET + " ", min_size=1, max_size=20))
def test_search_returns_exactly_the_like_rows_for_arbitrary_queries(docs, query):
    assume(query.strip())
    conn = make_db(docs)
    assert fts_ids(conn, query) == like_ids(conn, query)


@pytest.mark.parametrize(
    "query", ["养", "养老", "养老医", "老旧小区税", "tax", "5G基站", "养老 医疗"]
)
def test_typical_queries_match_the_like_scan(query):
    conn = make_db([("关于养老", "推进5g基站建设"), (None, "医疗和养老保险TAX"), ("老旧小区税", ""),
                    ("培养老师", "医疗"), ("区", "养")])
    assert fts_ids(conn, query) == like_ids(conn, query)


def test_a_single_character_at_the_end_of_a_text_is_found():
    conn = make_db([("标题", "最后一个字是税"), ("税", None)])
    assert fts_ids(conn, "税") == {1, 2}


def test_ascii_case_is_ignored_like_like_does():
    conn = make_db([("", "Pension TAX"), ("", "ＴＡＸ")])
    assert fts_ids(conn, "tax") == {1}
    assert fts_ids(conn, "ＴＡＸ") == {2}


def test_reindexing_a_report_after_its_row_changed_replaces_its_tokens():
    conn = make_db([("旧标题", "旧的正文"), ("别的", "养老")])
    conn.execute("UPDATE reports SET title = '新标题', body_text = '新的正文' WHERE id = 1")
    search.index_report(conn, 1, "新标题", "新的正文")
    assert index_contents(conn) == expected_contents(conn)
    assert conn.execute("SELECT count(*) FROM reports_fts_pending").fetchone()[0] == 0


def test_reindexing_a_report_before_its_row_changes_stays_consistent():
    conn = make_db([("旧标题", "旧的正文")])
    search.index_report(conn, 1, "新标题", "新的正文")
    conn.execute("UPDATE reports SET title = '新标题', body_text = '新的正文' WHERE id = 1")
    search.sync_index(conn)
    assert index_contents(conn) == expected_contents(conn)


def test_writes_by_stock_sqlite_are_caught_up_by_sync_index():
    conn = make_db([("一", "养老"), ("二", "医疗"), ("三", "教育")])
    conn.execute("UPDATE reports SET body_text = '就业' WHERE id = 1")
    conn.execute("DELETE FROM reports WHERE id = 2")
    conn.execute("INSERT INTO reports (id, url, title, body_text) VALUES (9, 'u9', '九', '税收')")
    conn.execute("INSERT OR REPLACE INTO reports (id, url, title, body_text) "
                 "VALUES (10, 'http://x/3', '三', '新教育')")
    assert search.sync_index(conn) == 5
    assert index_contents(conn) == expected_contents(conn)
    assert fts_ids(conn, "教育") == {10}


def test_an_unchanged_upsert_leaves_no_stashed_copy_behind():
    conn = make_db([("一", "养老")])
    conn.execute("INSERT INTO reports (id, url, title, body_text, last_checked) "
                 "VALUES (1, 'http://x/1', '一', '养老', 'now') "
                 "ON CONFLICT(id) DO UPDATE SET last_checked = excluded.last_checked")
    assert conn.execute("SELECT count(*) FROM reports_fts_pending").fetchone()[0] == 0


def test_removing_a_report_before_or_after_deleting_its_row_empties_its_entry():
    conn = make_db([("一", "养老"), ("二", "养老")])
    search.remove_report(conn, 1)
    conn.execute("DELETE FROM reports WHERE id = 1")
    conn.execute("DELETE FROM reports WHERE id = 2")
    search.remove_report(conn, 2)
    assert index_contents(conn) == []
    assert conn.execute("SELECT count(*) FROM reports_fts_pending").fetchone()[0] == 0


def test_rebuild_index_counts_reports_and_restores_an_exact_index():
    conn = make_db([("一", "养老"), ("二", "医疗")])
    conn.execute("INSERT INTO reports_fts (rowid, title, body_text) VALUES (1, 'junk', 'junk')")
    assert search.rebuild_index(conn) == 2
    assert index_contents(conn) == expected_contents(conn)


def test_ensuring_the_schema_twice_is_harmless_and_indexes_existing_reports():
    conn = sqlite3.connect(":memory:")
    conn.execute(REPORTS_DDL)
    conn.execute("INSERT INTO reports (id, url, title, body_text) VALUES (1, 'u', '养老', '')")
    search.ensure_search_schema(conn)
    search.ensure_search_schema(conn)
    assert fts_ids(conn, "养老") == {1}


def test_a_snippet_shows_the_text_around_the_first_hit_with_hits_marked():
    text = "前言。" * 30 + "推进养老服务，发展医疗。" + "结尾。" * 30
    snippet = make_snippet(text, ["养老", "医疗"], width=40)
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "推进⟪养老⟫服务，发展⟪医疗⟫。" in snippet
    assert len(snippet.replace("⟪", "").replace("⟫", "")) <= 42


def test_a_snippet_matches_ascii_case_insensitively_and_escapes_html():
    assert highlight_html(make_snippet("<b>GDP</b> growth", ["gdp"])) == (
        "&lt;b&gt;<mark>GDP</mark>&lt;/b&gt; growth")


def test_a_snippet_without_a_hit_in_the_text_is_its_beginning():
    assert make_snippet("第一段。\n\n第二段。", ["标题词"], width=6) == "第一段。 第…"


def test_ensuring_the_schema_catches_up_writes_made_by_other_tools():
    conn = make_db([("一", "养老")])
    conn.execute("UPDATE reports SET title = '税' WHERE id = 1")
    search.ensure_search_schema(conn)
    assert fts_ids(conn, "税") == {1}
    assert index_contents(conn) == expected_contents(conn)


def test_the_text_of_a_reports_attachments_is_searchable_with_it():
    conn = make_db([("预算报告", "正文")])
    conn.execute("UPDATE reports SET attachments_text = '附件：一般公共预算收支表' WHERE id = 1")
    search.sync_index(conn)
    assert fts_ids(conn, "收支表") == {1}
    conn.execute("UPDATE reports SET attachments_text = NULL WHERE id = 1")
    search.sync_index(conn)
    assert fts_ids(conn, "收支表") == set()

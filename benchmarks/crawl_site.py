"""The crawl benchmark's site: generated report pages served by nginx on 127.0.0.1.

Layout, like a Chinese report portal (home -> section -> region list with pagination ->
report, a tenth of the reports split over 2-3 pages)::

    /                                   latest reports, links to the sections
    /{section}/                         the section's regions and latest reports
    /{section}/{region}/[index_n.html]  20 reports per page, paginated (首页 1 2 ... 下一页 末页)
    /{section}/{region}/{id}[_n].html   a report page of ~15 KB: nav, breadcrumbs, body,
                                        上一篇/下一篇, related reports, comment box, footer
    /member/login.html, /member/reg.html

All text is made deterministically from the vocabulary below (written for this benchmark), so
two runs with the same arguments serve byte-identical sites. Every page is reachable by
following links from ``/``; :attr:`Site.paths` lists them all for the bare-fetch baseline.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PER_LIST = 20
PAGE_WINDOW = 5  # numbered pagination links on either side of the current list page
SITE_NAME = "汇报网"

SECTIONS = (("baogao", "政府工作报告"), ("tjgongbao", "统计公报"))
REGIONS = (
    ("db", "东北", ("辽宁省", "吉林省", "黑龙江省")),
    ("huabei", "华北", ("河北省", "山西省", "内蒙古自治区")),
    ("huadong", "华东", ("江苏省", "浙江省", "安徽省", "福建省", "山东省")),
    ("huazhong", "华中", ("河南省", "湖北省", "湖南省")),
    ("huanan", "华南", ("广东省", "广西壮族自治区", "海南省")),
    ("xn", "西南", ("四川省", "贵州省", "云南省")),
    ("xibei", "西北", ("陕西省", "甘肃省", "青海省")),
)
SYLLABLES = "青河安宁平阳山水东西南北丰泽源兴和清永华昌德盛嘉临江桥松石云泉林"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何林罗高"
GIVEN = "建国志强文博海明伟华红军立新丽平晓东春雨"

WHEN = "过去一年 一年来 全年 今年以来 上半年 报告期内 近年来 这一年".split()
WHO = "我们 全区上下 区政府 各部门 全县干部群众 市场主体 各乡镇街道 政府系统".split()
DO = "扎实推进 持续深化 全面落实 加快建设 着力优化 统筹推进 大力发展 稳步实施 认真谋划".split()
WHAT = ("营商环境改革 乡村振兴战略 重点项目建设 老旧小区改造 数字经济发展 生态环境治理 "
        "公共服务体系 科技创新平台 城乡融合发展 现代农业园区 基础教育资源 医疗卫生服务 "
        "养老服务网络 城乡交通路网 农田水利设施 文化旅游产业 社会保障体系 应急管理能力").split()
MEASURE = ("地区生产总值 一般公共预算收入 固定资产投资 社会消费品零售总额 城镇居民人均可支配收入 "
           "农村居民人均可支配收入 规模以上工业增加值 外贸进出口总额 粮食总产量 "
           "实际利用外资 高新技术企业数量 常住人口城镇化率").split()
NEW_THINGS = "市场主体 就业岗位 养老床位 学位 停车泊位 充电桩 公园绿地 标准厂房 保障性住房".split()
UNITS = "个 户 张 处 座 套 家".split()
EFFECT = ("群众获得感明显增强 发展质量稳步提升 基础支撑更加牢固 工作成效得到上级肯定 "
          "短板弱项加快补齐 发展后劲持续增强 风险底线守得更牢").split()
GOALS = ("坚持稳中求进，推动经济持续向好 坚持改革创新，增强发展内生动力 坚持项目为王，扩大有效投资 "
         "坚持生态优先，建设美丽家园 坚持民生为本，办好群众身边实事 坚持依法行政，建设人民满意政府 "
         "坚持城乡统筹，提升区域承载能力 坚持开放合作，培育竞争新优势").split()
CLOSING = ("各位代表！新的征程已经开启，新的使命催人奋进。让我们更加紧密地团结在一起，"
           "勇于担当、真抓实干，为全面建设现代化美好家园而努力奋斗！")

CSS = """
body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f5f5f5}
a{color:#1a4c8b;text-decoration:none}a:hover{color:#b00;text-decoration:underline}
.wrap{width:1000px;margin:0 auto}
.topbar{height:30px;line-height:30px;background:#e9e9e9;font-size:12px}
.topbar .user{float:right}.head{height:76px;background:#fff}
.brand{float:left;font-size:28px;font-weight:bold}.nav{background:#1a4c8b;height:40px}
.nav li{float:left;list-style:none}.nav a{color:#fff;padding:0 16px}
.crumb{padding:8px 0;font-size:12px}
.main{float:left;width:690px;background:#fff;padding:15px}.side{float:right;width:270px}
.article h1{font-size:22px;text-align:center;color:#b00}
.info{text-align:center;color:#888;font-size:12px}.content p{margin:0 0 10px}
.pager{text-align:center;margin:15px 0}
.pager a,.pager span{border:1px solid #ddd;padding:0 8px}
.pager .cur{background:#1a4c8b;color:#fff}
.notice{font-size:12px;color:#888;border-top:1px dashed #ccc}
.panel{background:#fff;margin-bottom:10px;padding:10px}.panel h3{font-size:15px}
.list li{border-bottom:1px dotted #ccc;padding:6px 0;list-style:none}
.list em{float:right;color:#999}
.foot{clear:both;text-align:center;font-size:12px;color:#666;padding:20px 0}"""

SCRIPT = """<script type="text/javascript">
function checkForm(f) {
  if (f.content.value.length < 5) { alert("评论内容不能少于5个字！"); return false; }
  if (f.code.value == "") { alert("请填写验证码！"); return false; }
  return true;
}
</script>"""


@dataclass(frozen=True, slots=True)
class Report:
    id: int
    section: int  # index into SECTIONS
    region: int  # index into REGIONS
    pages: int
    place: tuple[str, str, str]  # province, city, county
    date: str

    @property
    def title(self) -> str:
        province, city, county = self.place
        year = int(self.date[:4])
        if self.section == 0:
            return f"（{province}）{city}{county}人民政府工作报告（{year}年1月{self.date[-2:]}日）"
        return f"（{province}）{city}{county}{year - 1}年国民经济和社会发展统计公报"

    @property
    def folder(self) -> str:
        return f"/{SECTIONS[self.section][0]}/{REGIONS[self.region][0]}/"

    def path(self, page: int = 1) -> str:
        return f"{self.folder}{self.id}{'' if page == 1 else f'_{page}'}.html"


@dataclass(frozen=True, slots=True)
class Site:
    root: Path
    paths: tuple[str, ...]  # every page, absolute paths from "/"
    reports: int
    report_pages: int
    bytes: int


# -- text ----------------------------------------------------------------------------------------


def _place(rng: random.Random, region: int) -> tuple[str, str, str]:
    province = rng.choice(REGIONS[region][2])
    city = "".join(rng.sample(SYLLABLES, 2)) + "市"
    county = "".join(rng.sample(SYLLABLES, 2)) + rng.choice("县区")
    return province, city, county


def _sentence(rng: random.Random) -> str:
    """One sentence of report prose with plausible figures."""
    measure = rng.choice(MEASURE)
    result = rng.choice((
        f"{measure}达到{rng.randint(12, 980)}.{rng.randint(0, 9)}亿元",
        f"{measure}同比增长{rng.randint(1, 15)}.{rng.randint(0, 9)}%",
        f"新增{rng.choice(NEW_THINGS)}{rng.randint(20, 9000)}{rng.choice(UNITS)}",
        f"完成投资{rng.randint(3, 400)}亿元，{rng.choice(EFFECT)}",
    ))
    return (f"{rng.choice(WHEN)}，{rng.choice(WHO)}{rng.choice(DO)}{rng.choice(WHAT)}，"
            f"{result}，{rng.choice(EFFECT)}。")


def sentence_pool(seed: int, size: int = 3000) -> tuple[str, ...]:
    """Sentences drawn once per site: pages pick from the pool, which keeps generation fast."""
    rng = random.Random(seed)
    return tuple(_sentence(rng) for _ in range(size))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.choice((1, 2))))


def plan_reports(report_pages: int, seed: int) -> list[Report]:
    """Reports whose pages add up to ``report_pages``; every tenth has 2 pages, every 30th 3."""
    rng = random.Random(seed)
    reports: list[Report] = []
    left, rid = report_pages, 10_000
    while left > 0:
        rid += 1
        pages = min(left, 3 if rid % 30 == 0 else 2 if rid % 10 == 0 else 1)
        section, region = rng.randrange(len(SECTIONS)), rng.randrange(len(REGIONS))
        year = 2024 - (rid // 3000) % 12
        month = 1 if section == 0 else 3  # work reports in January, bulletins in March
        reports.append(Report(rid, section, region, pages, _place(rng, region),
                              f"{year}-{month:02d}-{rid % 28 + 1:02d}"))
        left -= pages
    return reports


# -- page chrome ---------------------------------------------------------------------------------


def _head(title: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}_{SITE_NAME}</title>\n"
            f'<meta name="keywords" content="政府工作报告,统计公报,{SITE_NAME}" />\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
            f'<style type="text/css">\n{CSS}\n</style>\n{SCRIPT}\n</head>\n<body>\n'
            f'<div class="topbar"><div class="wrap"><span>欢迎访问{SITE_NAME}！各地政府工作报告、'
            f'统计公报一站查阅</span><span class="user"><a href="/member/login.html">登录</a> | '
            f'<a href="/member/reg.html">注册</a></span></div></div>\n'
            f'<div class="head wrap"><div class="brand"><a href="/">{SITE_NAME}</a></div>'
            f'<form action="/search.php" method="get"><input type="text" name="q" /> '
            f'<input type="submit" value="搜索" /></form></div>\n'
            f'<div class="nav"><div class="wrap"><ul><li><a href="/">首页</a></li>'
            + "".join(f'<li><a href="/{s}/">{name}</a></li>' for s, name in SECTIONS)
            + '<li><a href="javascript:void(0);">手机版</a></li></ul></div></div>\n')


def _foot() -> str:
    return (f'<div class="foot"><p>Copyright &copy; 2010-2024 {SITE_NAME} 版权所有 '
            f'联系我们：service#huibao.example</p><p><a href="https://beian.miit.gov.cn/" '
            f'rel="nofollow" target="_blank">京ICP备00000000号-1</a></p></div>\n'
            f"</body>\n</html>\n")


def _crumb(*links: tuple[str, str], last: str) -> str:
    parts = [f'<a href="{href}">{text}</a>' for href, text in links]
    return f'<div class="crumb">当前位置：{" &gt; ".join([*parts, last])}</div>\n'


def _list_items(reports: list[Report], pool: tuple[str, ...]) -> str:
    return "".join(
        f'<li><em>{r.date}</em><a href="{r.path()}" title="{r.title}">{r.title}</a>'
        f"<p>{pool[r.id % len(pool)][:58]}…</p></li>\n" for r in reports)


def _panel(title: str, reports: list[Report]) -> str:
    items = "".join(f'<li><a href="{r.path()}">{r.title}</a></li>' for r in reports)
    return f'<div class="panel"><h3>{title}</h3><ul>{items}</ul></div>\n'


# -- pages ---------------------------------------------------------------------------------------


def _report_body(report: Report, page: int, pool: tuple[str, ...], seed: int) -> str:
    rng = random.Random(seed * 1_000_003 + report.id * 7 + page)
    paragraphs: list[str] = []
    if page == 1:
        _province, city, county = report.place
        year, month, day = (int(x) for x in report.date.split("-"))
        if report.section == 0:
            paragraphs += [
                '<p style="text-align:center">政府工作报告</p>',
                f'<p style="text-align:center">——{year}年{month}月{day}日在{city}{county}第'
                f"{rng.randint(10, 19)}届人民代表大会第{rng.randint(1, 5)}次会议上</p>",
                f'<p style="text-align:center">{county}人民政府{county[-1]}长　{_name(rng)}</p>',
                "<p>　　各位代表：</p>"]
        else:
            paragraphs += [f'<p style="text-align:center">{city}{county}统计局</p>',
                           f'<p style="text-align:center">{year}年{month}月{day}日</p>']
        paragraphs.append(f"<p>　　{pool[report.id % len(pool)]}</p>")
    for number, goal in enumerate(rng.sample(GOALS, 4), start=1):
        paragraphs.append(f"<p>　　<strong>（{'一二三四'[number - 1]}）{goal}</strong></p>")
        for _ in range(rng.randint(3, 5)):
            paragraphs.append(f"<p>　　{''.join(rng.choices(pool, k=rng.randint(3, 5)))}</p>")
    if page == report.pages:
        paragraphs.append(f"<p>　　{CLOSING}</p>")
    return "\n".join(paragraphs)


def _pager(report: Report, page: int) -> str:
    if report.pages == 1:
        return ""
    links = [f'<span class="cur">{n}</span>' if n == page else
             f'<a href="{report.path(n)}">{n}</a>' for n in range(1, report.pages + 1)]
    if page < report.pages:
        links.append(f'<a href="{report.path(page + 1)}">下一页</a>')
    return f'<div class="pager">{" ".join(links)}</div>\n'


def report_page(report: Report, page: int, neighbours: dict[str, Report | None],
                related: list[Report], pool: tuple[str, ...], seed: int) -> str:
    """One page of a report, with the furniture a real portal puts around it."""
    section, region = SECTIONS[report.section], REGIONS[report.region]
    title = report.title + (f"（第{page}页）" if page > 1 else "")
    around = "".join(
        f'<li>{label}：<a href="{r.path()}">{r.title}</a></li>' if r
        else f"<li>{label}：没有了</li>"
        for label, r in (("上一篇", neighbours["prev"]), ("下一篇", neighbours["next"])))
    return "".join((
        _head(title), '<div class="wrap">\n',
        _crumb(("/", "首页"), (f"/{section[0]}/", section[1]), (report.folder, region[1]),
               last="正文"),
        f'<div class="main"><div class="article">\n<h1>{report.title}</h1>\n'
        f'<div class="info">发布时间：{report.date}　来源：{SITE_NAME}　浏览：'
        f'<span id="hits">--</span>次</div>\n<div class="content" id="article-content">\n',
        _report_body(report, page, pool, seed), "\n</div>\n", _pager(report, page),
        f'<div class="notice">本站所载报告仅供学习参考，如需引用请以当地政府官网发布的版本为准。'
        f"转载请注明来源{SITE_NAME}。</div>\n"
        f'<div class="share">分享到：<a href="javascript:void(0);">微信</a> '
        f'<a href="javascript:void(0);">微博</a> <a href="javascript:window.print();">打印</a>'
        f"</div>\n<ul class=\"around\">{around}</ul>\n</div>\n"
        f'<div class="comment"><h3>网友评论</h3><form action="/member/comment.php" '
        f'method="post" onsubmit="return checkForm(this);"><input type="hidden" name="id" '
        f'value="{report.id}" /><textarea name="content" rows="5" cols="70"></textarea>'
        f'<p>验证码：<input type="text" name="code" size="6" /> <input type="submit" '
        f'value="发表评论" /></p></form></div>\n</div>\n',
        '<div class="side">\n', _panel("相关报告", related[:6]), _panel("热门排行", related[6:]),
        "</div>\n</div>\n", _foot()))


def _pagination(folder: str, page: int, last: int) -> str:
    def href(n: int) -> str:
        return folder if n == 1 else f"{folder}index_{n}.html"

    parts = [f'<a href="{href(1)}">首页</a>']
    if page > 1:
        parts.append(f'<a href="{href(page - 1)}">上一页</a>')
    for n in range(max(1, page - PAGE_WINDOW), min(last, page + PAGE_WINDOW) + 1):
        parts.append(f'<span class="cur">{n}</span>' if n == page
                     else f'<a href="{href(n)}">{n}</a>')
    if page < last:
        parts.append(f'<a href="{href(page + 1)}">下一页</a>')
    parts.append(f'<a href="{href(last)}">末页</a> <span>共{last}页</span>')
    return f'<div class="pager">{" ".join(parts)}</div>\n'


def list_page(section: int, region: int, page: int, last: int, items: list[Report],
              pool: tuple[str, ...]) -> str:
    """Page ``page`` of a region's report list."""
    (sdir, sname), (rdir, rname, _) = SECTIONS[section], REGIONS[region]
    folder = f"/{sdir}/{rdir}/"
    return "".join((
        _head(f"{rname}{sname}" + (f"_第{page}页" if page > 1 else "")), '<div class="wrap">\n',
        _crumb(("/", "首页"), (f"/{sdir}/", sname), last=rname),
        f'<div class="main"><h2>{rname}{sname}</h2>\n<ul class="list">\n',
        _list_items(items, pool), "</ul>\n", _pagination(folder, page, last), "</div>\n</div>\n",
        _foot()))


def hub_page(title: str, crumb: str, links: list[tuple[str, str]], latest: list[Report],
             pool: tuple[str, ...]) -> str:
    """The home page or a section page: its sub-pages and the latest reports."""
    nav = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in links)
    return "".join((
        _head(title), '<div class="wrap">\n', crumb,
        f'<div class="main"><ul class="cats">{nav}</ul>\n<h2>最新报告</h2>\n<ul class="list">\n',
        _list_items(latest, pool), "</ul>\n</div>\n</div>\n", _foot()))


def member_page(title: str) -> str:
    return "".join((_head(title), '<div class="wrap"><div class="main"><h2>', title,
                    "</h2><p>会员功能维护中，请稍后再试。</p></div></div>\n", _foot()))


# -- the site ------------------------------------------------------------------------------------


def _pages(reports: list[Report], seed: int) -> Iterator[tuple[str, str]]:
    """Every page of the site as (URL path, html), in a deterministic order.

    A folder's first page is linked as the folder itself (``/baogao/db/``), never also as
    ``index.html``: one URL per page, so that every contender fetches the same set.
    """
    pool = sentence_pool(seed)
    rng = random.Random(seed + 1)
    latest = sorted(reports, key=lambda r: r.id, reverse=True)
    yield "/", hub_page(SITE_NAME, "", [(f"/{s}/", n) for s, n in SECTIONS],
                                  latest[:PER_LIST], pool)
    yield "/member/login.html", member_page("会员登录")
    yield "/member/reg.html", member_page("会员注册")
    for s, (sdir, sname) in enumerate(SECTIONS):
        in_section = [r for r in latest if r.section == s]
        links = [(f"/{sdir}/{rdir}/", f"{rname}{sname}") for rdir, rname, _ in REGIONS]
        yield f"/{sdir}/", hub_page(sname, _crumb(("/", "首页"), last=sname), links,
                                              in_section[:PER_LIST], pool)
        for g in range(len(REGIONS)):
            group = [r for r in in_section if r.region == g]
            yield from _region_pages(s, g, group, rng, latest, pool, seed)


def _region_pages(section: int, region: int, group: list[Report], rng: random.Random,
                  everything: list[Report], pool: tuple[str, ...],
                  seed: int) -> Iterator[tuple[str, str]]:
    last = max(1, -(-len(group) // PER_LIST))
    folder = f"/{SECTIONS[section][0]}/{REGIONS[region][0]}/"
    for page in range(1, last + 1):
        name = "" if page == 1 else f"index_{page}.html"
        yield folder + name, list_page(section, region, page, last,
                                       group[(page - 1) * PER_LIST:page * PER_LIST], pool)
    for i, report in enumerate(group):
        neighbours = {"prev": group[i - 1] if i else None,
                      "next": group[i + 1] if i + 1 < len(group) else None}
        related = rng.sample(group, min(6, len(group))) + rng.sample(everything,
                                                                     min(6, len(everything)))
        for page in range(1, report.pages + 1):
            yield report.path(page), report_page(report, page, neighbours, related, pool, seed)


def generate_site(root: Path, report_pages: int, seed: int = 2024) -> Site:
    """Write the site under ``root`` (which must not hold another site) and list its pages."""
    reports = plan_reports(report_pages, seed)
    paths: list[str] = []
    size = 0
    made: set[Path] = set()
    for path, html in _pages(reports, seed):
        target = root / (path.lstrip("/") + ("index.html" if path.endswith("/") else ""))
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        data = html.encode("utf-8")
        target.write_bytes(data)
        paths.append(path)
        size += len(data)
    (root / "urls.txt").write_text("\n".join(paths) + "\n", encoding="utf-8")
    return Site(root, tuple(paths), len(reports), report_pages, size)


# -- nginx ---------------------------------------------------------------------------------------

NGINX_CONF = """daemon off;
worker_processes 1;
{user}pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    types {{ text/html html; text/plain txt; }}
    default_type application/octet-stream;
    charset utf-8;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
    open_file_cache max=20000 inactive=60s;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {root};
        index index.html;
    }}
}}
"""


def find_nginx() -> str | None:
    """The nginx binary (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM nginx when the benchmark dies, even by kill -9.

    Linux's PR_SET_PDEATHSIG; elsewhere nothing (the benchmark's own cleanup still runs).
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Nginx:
    """nginx serving ``root`` on 127.0.0.1 and a free port, with its files in ``prefix``."""

    def __init__(self, root: Path, prefix: Path) -> None:
        binary = find_nginx()
        if binary is None:
            raise SystemExit("nginx not found: apt-get install -y nginx")
        prefix.mkdir(parents=True, exist_ok=True)
        self.port = _free_port()
        # as root, workers would drop to "nobody", who cannot read a private temp dir
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};\n" if os.geteuid() == 0 else ""
        conf = prefix / "nginx.conf"
        conf.write_text(NGINX_CONF.format(user=user, prefix=prefix, port=self.port, root=root),
                        encoding="utf-8")
        self.process = subprocess.Popen(
            [binary, "-c", str(conf), "-p", str(prefix), "-e", str(prefix / "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        self._wait_ready(prefix)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self, prefix: Path) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                log = (prefix / "error.log").read_text(errors="replace")[-2000:]
                raise SystemExit(f"nginx exited with {self.process.returncode}: {log}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.close()
        raise SystemExit("nginx did not start listening within 10 s")

    def close(self) -> None:
        """Fast shutdown (SIGTERM to the master, which stops its workers)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self) -> Nginx:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

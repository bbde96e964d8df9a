"""Chinese administrative regions: the place string at the start of a report title.

``parse_place("(辽宁省)大连市中山区人民政府工作报告")`` gives
``Place("辽宁省", "大连市", "中山区")``.

Levels, as the archive stores them:

- ``province``: the 34 provincial-level names, always stored in full
  ("广西" -> "广西壮族自治区"). 北京市/天津市/上海市/重庆市 are provinces here, and
  whatever stands under them is the county level.
- ``city``: prefecture level — 地级市, 自治州 (also the short "恩施州"), 地区, 盟.
- ``county``: county level — 区, 县, 自治县, 旗, 自治旗, 林区, 特区, and county-level cities.

A lone "X市" is a prefecture city when it is one of the 293 prefecture-level cities below, a
county-level city when it is one of the 395 county-level cities below (昆山市, 济源市, 仙桃市), and
unknown otherwise ("我市"). A known prefecture or county-level city also gives its province. Short
province names ("辽宁") count only as the whole "(辽宁)" hint. City and county are kept as the
title writes them. A place string that does not parse whole gives an empty
:class:`Place`: nothing is guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")

# Full name -> the short form titles also use.
PROVINCES: dict[str, str] = {
    "北京市": "北京", "天津市": "天津", "上海市": "上海", "重庆市": "重庆",
    "河北省": "河北", "山西省": "山西", "辽宁省": "辽宁", "吉林省": "吉林", "黑龙江省": "黑龙江",
    "江苏省": "江苏", "浙江省": "浙江", "安徽省": "安徽", "福建省": "福建", "江西省": "江西",
    "山东省": "山东", "河南省": "河南", "湖北省": "湖北", "湖南省": "湖南", "广东省": "广东",
    "海南省": "海南", "四川省": "四川", "贵州省": "贵州", "云南省": "云南", "陕西省": "陕西",
    "甘肃省": "甘肃", "青海省": "青海", "台湾省": "台湾",
    "内蒙古自治区": "内蒙古", "广西壮族自治区": "广西", "西藏自治区": "西藏",
    "宁夏回族自治区": "宁夏", "新疆维吾尔自治区": "新疆",
    "香港特别行政区": "香港", "澳门特别行政区": "澳门",
}

# Prefecture-level divisions per province: bare stems are 地级市 (add 市); other names are whole.
_PREFECTURES = {
    "河北省": "石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水",
    "山西省": "太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁",
    "内蒙古自治区": "呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 "
    "兴安盟 锡林郭勒盟 阿拉善盟",
    "辽宁省": "沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛",
    "吉林省": "长春 吉林 四平 辽源 通化 白山 松原 白城 延边朝鲜族自治州",
    "黑龙江省": "哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 "
    "大兴安岭地区",
    "江苏省": "南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁",
    "浙江省": "杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水",
    "安徽省": "合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城",
    "福建省": "福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德",
    "江西省": "南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶",
    "山东省": "济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽",
    "河南省": "郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 "
    "周口 驻马店",
    "湖北省": "武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施土家族苗族自治州",
    "湖南省": "长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 "
    "湘西土家族苗族自治州",
    "广东省": "广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 "
    "东莞 中山 潮州 揭阳 云浮",
    "广西壮族自治区": "南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左",
    "海南省": "海口 三亚 三沙 儋州",
    "四川省": "成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 "
    "巴中 资阳 阿坝藏族羌族自治州 甘孜藏族自治州 凉山彝族自治州",
    "贵州省": "贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南布依族苗族自治州 黔东南苗族侗族自治州 "
    "黔南布依族苗族自治州",
    "云南省": "昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄彝族自治州 红河哈尼族彝族自治州 "
    "文山壮族苗族自治州 西双版纳傣族自治州 大理白族自治州 德宏傣族景颇族自治州 "
    "怒江傈僳族自治州 迪庆藏族自治州",
    "西藏自治区": "拉萨 日喀则 昌都 林芝 山南 那曲 阿里地区",
    "陕西省": "西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛",
    "甘肃省": "兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏回族自治州 "
    "甘南藏族自治州",
    "青海省": "西宁 海东 海北藏族自治州 黄南藏族自治州 海南藏族自治州 果洛藏族自治州 "
    "玉树藏族自治州 海西蒙古族藏族自治州",
    "宁夏回族自治区": "银川 石嘴山 吴忠 固原 中卫",
    "新疆维吾尔自治区": "乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉回族自治州 博尔塔拉蒙古自治州 "
    "巴音郭楞蒙古自治州 克孜勒苏柯尔克孜自治州 伊犁哈萨克自治州 阿克苏地区 喀什地区 和田地区 "
    "塔城地区 阿勒泰地区",
}

# County-level cities per province (县级市, including those directly under a province: 济源市).
_COUNTY_CITIES = {
    "河北省": "辛集 晋州 新乐 遵化 迁安 滦州 武安 南宫 沙河 涿州 定州 安国 高碑店 平泉 泊头 任丘 "
    "黄骅 河间 霸州 三河 深州",
    "山西省": "古交 高平 怀仁 介休 永济 河津 原平 侯马 霍州 孝义 汾阳",
    "内蒙古自治区": "霍林郭勒 满洲里 牙克石 扎兰屯 额尔古纳 根河 丰镇 乌兰浩特 阿尔山 二连浩特 "
    "锡林浩特",
    "辽宁省": "新民 瓦房店 庄河 海城 东港 凤城 凌海 北镇 盖州 大石桥 灯塔 调兵山 开原 北票 凌源 "
    "兴城",
    "吉林省": "榆树 德惠 公主岭 蛟河 桦甸 舒兰 磐石 双辽 梅河口 集安 临江 扶余 洮南 大安 延吉 "
    "图们 敦化 珲春 龙井 和龙",
    "黑龙江省": "尚志 五常 讷河 虎林 密山 铁力 同江 富锦 抚远 绥芬河 海林 宁安 穆棱 东宁 北安 "
    "五大连池 嫩江 安达 肇东 海伦 漠河",
    "江苏省": "江阴 宜兴 新沂 邳州 溧阳 常熟 张家港 昆山 太仓 启东 如皋 海安 东台 仪征 高邮 丹阳 "
    "扬中 句容 兴化 靖江 泰兴",
    "浙江省": "建德 余姚 慈溪 瑞安 乐清 龙港 海宁 平湖 桐乡 诸暨 嵊州 兰溪 义乌 东阳 永康 江山 "
    "温岭 临海 玉环 龙泉",
    "安徽省": "巢湖 无为 桐城 潜山 天长 明光 界首 宁国 广德",
    "福建省": "福清 永安 石狮 晋江 南安 漳平 邵武 武夷山 建瓯 福安 福鼎",
    "江西省": "乐平 瑞昌 共青城 庐山 贵溪 瑞金 龙南 井冈山 丰城 樟树 高安 德兴",
    "山东省": "胶州 平度 莱西 滕州 龙口 莱阳 莱州 招远 栖霞 海阳 青州 诸城 寿光 安丘 高密 昌邑 "
    "曲阜 邹城 新泰 肥城 荣成 乳山 乐陵 禹城 临清 邹平",
    "河南省": "巩义 荥阳 新密 新郑 登封 汝州 舞钢 林州 卫辉 辉县 长垣 沁阳 孟州 禹州 长葛 义马 "
    "灵宝 邓州 永城 项城 济源",
    "湖北省": "大冶 丹江口 宜都 当阳 枝江 老河口 枣阳 宜城 京山 钟祥 应城 安陆 汉川 石首 洪湖 "
    "松滋 监利 麻城 武穴 赤壁 广水 恩施 利川 仙桃 潜江 天门",
    "湖南省": "浏阳 宁乡 醴陵 湘乡 韶山 耒阳 常宁 武冈 邵东 汨罗 临湘 津市 沅江 资兴 祁阳 洪江 "
    "冷水江 涟源 吉首",
    "广东省": "乐昌 南雄 台山 开平 鹤山 恩平 廉江 雷州 吴川 高州 化州 信宜 四会 兴宁 陆丰 阳春 "
    "英德 连州 普宁 罗定",
    "广西壮族自治区": "岑溪 东兴 桂平 北流 靖西 平果 荔浦 合山 凭祥 横州",
    "海南省": "五指山 琼海 文昌 万宁 东方",
    "四川省": "简阳 都江堰 彭州 邛崃 崇州 广汉 什邡 绵竹 江油 射洪 隆昌 峨眉山 阆中 华蓥 万源 "
    "马尔康 康定 会理 西昌",
    "贵州省": "清镇 赤水 仁怀 盘州 黔西 兴义 兴仁 凯里 都匀 福泉",
    "云南省": "安宁 宣威 澄江 腾冲 水富 楚雄 禄丰 个旧 开远 蒙自 弥勒 文山 景洪 大理 瑞丽 芒 "
    "泸水 香格里拉",
    "陕西省": "彬州 兴平 韩城 华阴 子长 神木 旬阳",
    "甘肃省": "玉门 敦煌 华亭 临夏 合作",
    "青海省": "同仁 玉树 格尔木 德令哈 茫崖",
    "宁夏回族自治区": "灵武 青铜峡",
    "新疆维吾尔自治区": "昌吉 阜康 博乐 阿拉山口 库尔勒 阿克苏 库车 阿图什 喀什 和田 伊宁 奎屯 "
    "霍尔果斯 塔城 乌苏 沙湾 阿勒泰 石河子 阿拉尔 图木舒克 五家渠 北屯 铁门关 双河 可克达拉 "
    "昆玉 胡杨河 新星 白杨",
}

# The peoples named in 自治州 names, to find the short form: 恩施土家族苗族自治州 -> 恩施州.
_PEOPLES = re.compile(
    r"^(.+?)(?:朝鲜族|土家族|苗族|藏族|羌族|彝族|布依族|侗族|哈尼族|壮族|傣族|白族|景颇族|"
    r"傈僳族|回族|蒙古族|蒙古|柯尔克孜|哈萨克)+自治州$"
)


def _prefecture_index() -> dict[str, str]:
    """Every spelling of a prefecture a title may use -> its province."""
    index: dict[str, str] = {}
    for province, names in _PREFECTURES.items():
        for name in names.split():
            if name.endswith(("自治州", "地区", "盟")):
                index[name] = province
                short = _PEOPLES.match(name)
                if short:
                    index[short.group(1) + "州"] = province
            else:
                index[name + "市"] = province
    return index


PREFECTURE_PROVINCE = _prefecture_index()
COUNTY_CITY_PROVINCE = {
    name + "市": province for province, names in _COUNTY_CITIES.items() for name in names.split()
}
_SHORT_PROVINCE = {short: full for full, short in PROVINCES.items()}

_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_PROVINCE_ALT = "|".join(sorted(PROVINCES, key=len, reverse=True))
# Lazy names anchored at both ends: the engine backtracks to the split that consumes the whole
# string, so 市中区 stays one district and 杭州市 is not 杭州 + 市. A bare 州 ends a prefecture
# only when no 市/县/区 follows (黔东南州凯里市, never 杭州|市西湖区).
_PLACE = re.compile(
    rf"(?P<province>{_PROVINCE_ALT})?"
    rf"(?P<city>[{_HAN}]{{1,16}}?(?:市|自治州|州(?![市县区])|地区|盟))?"
    rf"(?P<county>[{_HAN}]{{1,16}}?(?:市|县|区|旗))?"
)
# Where the place string ends: the words that follow a place in report titles.
_PLACE_END = re.compile(
    r"人民|政府|人大|国民|统计|关于|第|工作|财政|预算|决算|中级|法院|检察|委|十[三四五]五|"
    r"经济|年|发展|规划|计划|信息|公报|报告|决议|党|本级|全[区县市旗]"
)
_HINT = re.compile(rf"\s*[(\[【]\s*([{_HAN}]{{2,20}})\s*[)\]】]")
_LEAD = re.compile(
    rf"\s*(?:关于)?\s*(?:\d{{4}}|[〇零一二三四五六七八九]{{4}})?\s*(?:年度?)?\s*([{_HAN}]*)"
)


@dataclass(frozen=True, slots=True)
class Place:
    """Province, prefecture and county-level names; ``""`` where unknown."""

    province: str = ""
    city: str = ""
    county: str = ""

    def __bool__(self) -> bool:
        return bool(self.province or self.city or self.county)


def parse_place(text: str) -> Place:
    """The place named at the start of a title or meeting text, or an empty :class:`Place`.

    An optional "(省)" / "(市)" hint comes first; then the leading run of Han characters, cut
    where the report's own words begin (人民政府, 2022年, 国民经济...). A leading 关于 or year is
    skipped. When hint and rest do not parse together, each is tried alone.
    """
    text = text[:200]
    hint_match = _HINT.match(text)
    hint = hint_match.group(1) if hint_match else ""
    hint = _SHORT_PROVINCE.get(hint, hint)
    lead = _LEAD.match(text, hint_match.end() if hint_match else 0)
    run = lead.group(1) if lead else ""
    end = _PLACE_END.search(run)
    rest = run[: end.start()] if end else run
    candidates = [rest] if rest.startswith(hint) else [hint + rest, rest]
    for candidate in (*candidates, hint):
        place = _split(candidate)
        if place:
            return place
    return Place()


def _split(text: str) -> Place:
    """Split a bare place string into levels; empty unless the whole string is understood."""
    if not text:
        return Place()
    match = _PLACE.fullmatch(text)
    if not match:
        return Place()
    province, city, county = (match.group(k) or "" for k in ("province", "city", "county"))
    if city.endswith("州") and not city.endswith("自治州") and city not in PREFECTURE_PROVINCE:
        return Place()  # a bare "X州" is only the short form of a known 自治州
    return _levels(province, city, county)


def _levels(province: str, city: str, county: str) -> Place:
    """Put municipalities' districts and lone county-level cities at the county level."""
    if province in MUNICIPALITIES:
        if city and county:
            return Place()  # nothing prefecture-like stands between 重庆市 and its counties
        return Place(province, "", county or city)
    if city.endswith("市") and not county and city not in PREFECTURE_PROVINCE:
        known = COUNTY_CITY_PROVINCE.get(city)
        if known is None or province not in ("", known):
            return Place(province) if province else Place()  # "我市": not a place we know
        return Place(province or known, "", city)
    known = PREFECTURE_PROVINCE.get(city)
    if known and not province:
        province = known
    return Place(province, city, county)

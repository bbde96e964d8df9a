"""Place strings of report titles (reportarchiver.regions)."""

from __future__ import annotations

import pytest

from reportarchiver.metadata._regions import (
    COUNTY_CITY_PROVINCE,
    PREFECTURE_PROVINCE,
    PROVINCES,
    Place,
    parse_place,
)


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("(辽宁省)大连市中山区人民政府工作报告", Place("辽宁省", "大连市", "中山区")),
        ("(大连市)中山区人民政府工作报告", Place("辽宁省", "大连市", "中山区")),
        ("(辽宁省大连市)中山区人民政府工作报告", Place("辽宁省", "大连市", "中山区")),
        ("(河南省)温县人民政府工作报告", Place("河南省", "", "温县")),
        ("(江苏省)苏州市昆山市政府工作报告", Place("江苏省", "苏州市", "昆山市")),
        ("(山东省)济南市市中区人民政府工作报告", Place("山东省", "济南市", "市中区")),
        ("荆州市沙市区人民政府工作报告", Place("湖北省", "荆州市", "沙市区")),
        ("杭州市西湖区人民政府工作报告", Place("浙江省", "杭州市", "西湖区")),
        ("吉林市船营区人民政府工作报告", Place("吉林省", "吉林市", "船营区")),
        ("(重庆市)城口县人民政府工作报告", Place("重庆市", "", "城口县")),
        ("天津市河北区人民政府工作报告", Place("天津市", "", "河北区")),
        ("(青海省)黄南藏族自治州河南蒙古族自治县人民政府工作报告",
         Place("青海省", "黄南藏族自治州", "河南蒙古族自治县")),
        ("恩施州2022年国民经济和社会发展统计公报", Place("湖北省", "恩施州", "")),
        ("海南藏族自治州人民政府工作报告", Place("青海省", "海南藏族自治州", "")),
        ("(新疆)乌鲁木齐市天山区人民政府工作报告",
         Place("新疆维吾尔自治区", "乌鲁木齐市", "天山区")),
        ("2023年大连市中山区政府工作报告", Place("辽宁省", "大连市", "中山区")),
        ("关于大连市中山区2022年预算执行情况的报告", Place("辽宁省", "大连市", "中山区")),
        ("中山区委工作报告", Place("", "", "中山区")),
    ],
)
def test_place_strings_split_into_province_city_and_county(text, place):
    assert parse_place(text) == place


def test_a_lone_prefecture_city_is_the_city_level():
    place = parse_place("(辽宁省)大连市2022年国民经济和社会发展统计公报")
    assert place == Place("辽宁省", "大连市", "")


def test_a_lone_county_level_city_is_the_county_level_with_its_province():
    assert parse_place("昆山市人民政府工作报告") == Place("江苏省", "", "昆山市")


def test_an_unknown_lone_city_name_is_not_guessed():
    assert parse_place("我市2022年国民经济和社会发展统计公报") == Place()


def test_an_unknown_lone_city_keeps_only_the_province_hint():
    assert parse_place("(河南省)本市统计公报") == Place("河南省", "", "")


def test_a_short_province_outside_a_hint_is_not_a_province():
    assert parse_place("新疆乌鲁木齐市人民政府工作报告") == Place()


def test_a_bare_zhou_that_is_no_autonomous_prefecture_is_not_a_place():
    assert parse_place("杭州2022年统计公报") == Place()


def test_a_development_zone_is_not_guessed():
    assert parse_place("大连经济技术开发区管委会工作报告") == Place()


def test_a_title_without_a_place_gives_an_empty_place():
    assert not parse_place("政府工作报告")


def test_there_are_34_provincial_level_names():
    assert len(PROVINCES) == 34


def test_there_are_293_prefecture_level_cities():
    assert sum(name.endswith("市") for name in PREFECTURE_PROVINCE) == 293


def test_no_name_is_both_a_prefecture_and_a_county_level_city():
    assert not set(PREFECTURE_PROVINCE) & set(COUNTY_CITY_PROVINCE)


def test_every_table_province_is_a_provincial_level_name():
    assert set(PREFECTURE_PROVINCE.values()) | set(COUNTY_CITY_PROVINCE.values()) <= set(PROVINCES)

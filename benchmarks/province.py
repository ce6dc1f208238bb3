"""A province-shaped org tree for the generator (``--region province``): 浙江省, its 11 cities and 90
county-level divisions with their GB/T 2260 codes and names (2021 boundaries), every 党委政府 with the same
units as the demo's (信访局, 住建, 人社, 自然资源, 市场监管, 政法委, 纪委监委), and townships.

The demo city (湖州市 with 德清县 and 长兴县, `xinfang.orgs.demo`) stays as it is, so the benchmark
users and their orgs are the same at every shape; 湖州市 gets its other three districts and counties
and is placed under the province. Township names are not real: each county gets 10-20 township-level
divisions (浙江 has about 1,360 for 90 counties) with codes in the 9-digit form.

Each county carries a weight (its share of the province's petitions, roughly by population: a city
district or a big county weighs more than a mountain county), drawn once from the seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

PROVINCE = ("330000", "浙江省")

# city code, city name, [(county code, county name)]
CITIES: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "330100",
        "杭州市",
        [
            ("330102", "上城区"),
            ("330105", "拱墅区"),
            ("330106", "西湖区"),
            ("330108", "滨江区"),
            ("330109", "萧山区"),
            ("330110", "余杭区"),
            ("330111", "富阳区"),
            ("330112", "临安区"),
            ("330113", "临平区"),
            ("330114", "钱塘区"),
            ("330122", "桐庐县"),
            ("330127", "淳安县"),
            ("330182", "建德市"),
        ],
    ),
    (
        "330200",
        "宁波市",
        [
            ("330203", "海曙区"),
            ("330205", "江北区"),
            ("330206", "北仑区"),
            ("330211", "镇海区"),
            ("330212", "鄞州区"),
            ("330213", "奉化区"),
            ("330225", "象山县"),
            ("330226", "宁海县"),
            ("330281", "余姚市"),
            ("330282", "慈溪市"),
        ],
    ),
    (
        "330300",
        "温州市",
        [
            ("330302", "鹿城区"),
            ("330303", "龙湾区"),
            ("330304", "瓯海区"),
            ("330305", "洞头区"),
            ("330324", "永嘉县"),
            ("330326", "平阳县"),
            ("330327", "苍南县"),
            ("330328", "文成县"),
            ("330329", "泰顺县"),
            ("330381", "瑞安市"),
            ("330382", "乐清市"),
            ("330383", "龙港市"),
        ],
    ),
    (
        "330400",
        "嘉兴市",
        [
            ("330402", "南湖区"),
            ("330411", "秀洲区"),
            ("330421", "嘉善县"),
            ("330424", "海盐县"),
            ("330481", "海宁市"),
            ("330482", "平湖市"),
            ("330483", "桐乡市"),
        ],
    ),
    (
        "330500",
        "湖州市",
        [
            ("330502", "吴兴区"),
            ("330503", "南浔区"),
            ("330521", "德清县"),
            ("330522", "长兴县"),
            ("330523", "安吉县"),
        ],
    ),
    (
        "330600",
        "绍兴市",
        [
            ("330602", "越城区"),
            ("330603", "柯桥区"),
            ("330604", "上虞区"),
            ("330624", "新昌县"),
            ("330681", "诸暨市"),
            ("330683", "嵊州市"),
        ],
    ),
    (
        "330700",
        "金华市",
        [
            ("330702", "婺城区"),
            ("330703", "金东区"),
            ("330723", "武义县"),
            ("330726", "浦江县"),
            ("330727", "磐安县"),
            ("330781", "兰溪市"),
            ("330782", "义乌市"),
            ("330783", "东阳市"),
            ("330784", "永康市"),
        ],
    ),
    (
        "330800",
        "衢州市",
        [
            ("330802", "柯城区"),
            ("330803", "衢江区"),
            ("330822", "常山县"),
            ("330824", "开化县"),
            ("330825", "龙游县"),
            ("330881", "江山市"),
        ],
    ),
    (
        "330900",
        "舟山市",
        [("330902", "定海区"), ("330903", "普陀区"), ("330921", "岱山县"), ("330922", "嵊泗县")],
    ),
    (
        "331000",
        "台州市",
        [
            ("331002", "椒江区"),
            ("331003", "黄岩区"),
            ("331004", "路桥区"),
            ("331022", "三门县"),
            ("331023", "天台县"),
            ("331024", "仙居县"),
            ("331081", "温岭市"),
            ("331082", "临海市"),
            ("331083", "玉环市"),
        ],
    ),
    (
        "331100",
        "丽水市",
        [
            ("331102", "莲都区"),
            ("331121", "青田县"),
            ("331122", "缙云县"),
            ("331123", "遂昌县"),
            ("331124", "松阳县"),
            ("331125", "云和县"),
            ("331126", "庆元县"),
            ("331127", "景宁畲族自治县"),
            ("331181", "龙泉市"),
        ],
    ),
]

# Stems of invented township names; a district's are 街道, a county's mostly 镇 and 乡.
TOWN_STEMS = [
    "城东",
    "城西",
    "城南",
    "城北",
    "新城",
    "东湖",
    "西山",
    "南溪",
    "北岭",
    "青山",
    "白沙",
    "石门",
    "桃源",
    "梅林",
    "竹溪",
    "清水",
    "龙潭",
    "凤凰",
    "金桥",
    "银湖",
    "长乐",
    "永安",
    "太平",
    "大溪",
    "小港",
    "双峰",
    "三河",
    "五里",
    "七星",
    "九龙",
]


@dataclass(frozen=True)
class Town:
    code: str
    name: str


def towns_of(county_code: str, county_name: str, rng: random.Random) -> list[Town]:
    """10-20 invented township-level divisions (街道 in a district, 镇/乡 in a county or county-level city)."""
    n = rng.randint(10, 20)
    district = county_name.endswith("区")
    stems = rng.sample(TOWN_STEMS, n)
    out = []
    for i, stem in enumerate(stems):
        if district or i < 3:
            out.append(Town(f"{county_code}{i + 1:03d}", f"{stem}街道"))
        else:
            out.append(Town(f"{county_code}{i + 98:03d}", f"{stem}{'镇' if i % 4 else '乡'}"))
    return out


def county_weights(rng: random.Random) -> dict[str, float]:
    """Each county's relative volume of petitions: city districts and big counties more, all within 1:8."""
    weights = {}
    for _city, _name, counties in CITIES:
        for code, name in counties:
            base = 2.0 if name.endswith("区") else 1.4 if name.endswith("市") else 1.0
            weights[code] = base * rng.uniform(0.5, 2.0)
    return weights


def build_province(seed: int) -> dict[str, int]:
    """Add 浙江省 around the demo city: the province, the other cities and counties, and townships.

    Idempotent (update_or_create by org code). Returns the number of orgs of each level it wrote.
    """
    from django.db import transaction

    from xinfang.orgs.demo import UNITS, party_gov, township, units_of
    from xinfang.orgs.models import Level, Org, OrgType

    rng = random.Random(seed)
    counts = {"province": 0, "city": 0, "county": 0, "township": 0}
    with transaction.atomic():
        code, name = PROVINCE
        province = party_gov(code, name, Level.PROVINCE, None)
        units = units_of(province, code, name, Level.PROVINCE)
        counts["province"] = 1 + len(UNITS)
        for city_code, city_name, counties in CITIES:
            city = party_gov(city_code, city_name, Level.CITY, province)
            city_units = units_of(city, city_code, city_name, Level.CITY, units)
            counts["city"] += 1 + len(UNITS)
            for county_code, county_name in counties:
                gov = party_gov(county_code, county_name, Level.COUNTY, city)
                units_of(gov, county_code, county_name, Level.COUNTY, city_units)
                counts["county"] += 1 + len(UNITS)
                if Org.objects.filter(parent=gov, type=OrgType.TOWNSHIP).exists():
                    continue  # the demo's 德清县 and 长兴县 keep their (real) townships
                for town in towns_of(county_code, county_name, rng):
                    township(gov, county_name, town.code, town.name)
                    counts["township"] += 1
    return counts

"""A realistic region for the demo and the tests: a city, two counties, their townships and units.

Region codes follow GB/T 2260 (湖州市 330500, 德清县 330521, 长兴县 330522); township codes follow the
9-digit form. Org codes are the region code plus a unit suffix, e.g. 330521-XFJ is 德清县信访局.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from xinfang.orgs.models import Level, Org, OrgType, Role, User

# (suffix, name, type) of the units every 党委政府 has beside its 信访部门.
UNITS = [
    ("XFJ", "信访局", OrgType.BUREAU),
    ("ZJJ", "住房和城乡建设局", OrgType.DEPARTMENT),
    ("RSJ", "人力资源和社会保障局", OrgType.DEPARTMENT),
    ("ZRZY", "自然资源和规划局", OrgType.DEPARTMENT),
    ("SCJG", "市场监督管理局", OrgType.DEPARTMENT),
    ("ZFW", "政法委员会", OrgType.LEGAL),
    ("JW", "纪律检查委员会（监察委员会）", OrgType.DISCIPLINE),
]
COUNTIES = [
    ("330521", "德清县", [("330521001", "武康街道"), ("330521101", "乾元镇"), ("330521102", "新市镇")]),
    ("330522", "长兴县", [("330522001", "雉城街道"), ("330522002", "画溪街道"), ("330522101", "和平镇")]),
]


@dataclass
class Region:
    orgs: dict[str, Org]

    def __getitem__(self, code: str) -> Org:
        return self.orgs[code]


def _org(
    code: str,
    name: str,
    type_: str,
    level: str,
    region_code: str,
    parent: Org | None,
    supervisor: Org | None = None,
) -> Org:
    org, _ = Org.objects.update_or_create(
        code=code,
        defaults={
            "name": name,
            "type": type_,
            "level": level,
            "region_code": region_code,
            "parent": parent,
            "supervisor": supervisor,
        },
    )
    return org


def party_gov(code: str, name: str, level: str, parent: Org | None) -> Org:
    """The 党委政府 of a region (中共X委 X人民政府), e.g. party_gov("330521", "德清县", Level.COUNTY, city)."""
    return _org(f"{code}-GOV", f"中共{name}委 {name}人民政府", OrgType.PARTY_GOV, level, code, parent)


def units_of(
    gov: Org, code: str, name: str, level: str, above: dict[str, Org] | None = None
) -> dict[str, Org]:
    """The 信访部门 and units of a 党委政府, by suffix; a department's 上级主管部门 is the same unit above."""
    out = {}
    for suffix, unit, type_ in UNITS:
        supervisor = (above or {}).get(suffix) if type_ == OrgType.DEPARTMENT else None
        out[suffix] = _org(f"{code}-{suffix}", f"{name}{unit}", type_, level, code, gov, supervisor)
    return out


def township(gov: Org, county_name: str, code: str, name: str) -> Org:
    """A 乡镇人民政府 or 街道办事处 under its county's 党委政府."""
    label = "办事处" if name.endswith("街道") else "人民政府"
    return _org(f"{code}-GOV", f"{county_name}{name}{label}", OrgType.TOWNSHIP, Level.TOWNSHIP, code, gov)


def build_region() -> Region:
    orgs: dict[str, Org] = {}
    with transaction.atomic():
        city = party_gov("330500", "湖州市", Level.CITY, None)
        orgs[city.code] = city
        city_units = units_of(city, "330500", "湖州市", Level.CITY)
        orgs.update({o.code: o for o in city_units.values()})
        for county_code, county_name, townships in COUNTIES:
            gov = party_gov(county_code, county_name, Level.COUNTY, city)
            orgs[gov.code] = gov
            for o in units_of(gov, county_code, county_name, Level.COUNTY, city_units).values():
                orgs[o.code] = o
            for town_code, town_name in townships:
                o = township(gov, county_name, town_code, town_name)
                orgs[o.code] = o
    return Region(orgs)


# (username, org code, role, name): one of each role at the city and the counties.
DEMO_USERS = [
    ("admin", "330500-XFJ", Role.ADMIN, "系统管理员"),
    ("city_clerk", "330500-XFJ", Role.CLERK, "王登记"),
    ("city_supervisor", "330500-XFJ", Role.SUPERVISOR, "赵督查"),
    ("city_leader", "330500-GOV", Role.LEADER, "钱领导"),
    ("city_zjj", "330500-ZJJ", Role.HANDLER, "孙承办"),
    ("dq_clerk", "330521-XFJ", Role.CLERK, "李登记"),
    ("dq_supervisor", "330521-XFJ", Role.SUPERVISOR, "周督查"),
    ("dq_leader", "330521-GOV", Role.LEADER, "吴领导"),
    ("dq_zjj", "330521-ZJJ", Role.HANDLER, "郑承办"),
    ("dq_rsj", "330521-RSJ", Role.HANDLER, "冯承办"),
    ("dq_zfw", "330521-ZFW", Role.HANDLER, "陈承办"),
    ("dq_jw", "330521-JW", Role.HANDLER, "褚承办"),
    ("dq_wukang", "330521001-GOV", Role.HANDLER, "卫承办"),
    ("cx_clerk", "330522-XFJ", Role.CLERK, "蒋登记"),
    ("cx_zjj", "330522-ZJJ", Role.HANDLER, "沈承办"),
    ("cx_zhicheng", "330522001-GOV", Role.HANDLER, "韩承办"),
]
DEMO_PASSWORD = "xinfang-demo"  # noqa: S105 - the published demo login, not a secret


def build_users(region: Region, *, password: str | None = DEMO_PASSWORD) -> dict[str, User]:
    users: dict[str, User] = {}
    for username, code, role, name in DEMO_USERS:
        user = User.objects.filter(username=username).first() or User(username=username)
        user.org = region[code]
        user.role = role
        user.full_name = name
        user.is_staff = user.is_superuser = role == Role.ADMIN
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        users[username] = user
    return users

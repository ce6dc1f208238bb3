"""Fill a PostgreSQL database with N realistic petitions for the benchmarks (BENCHMARKS.md).

    python -m benchmarks.generate --size 1m --reset

The database is DATABASE_URL (default postgres://postgres@127.0.0.1:5432/xinfang_bench); it is created
if missing (``--reset`` drops it first), migrated, and given the demo region (湖州市, 德清县, 长兴县) and
users; with ``--region province``, all of 浙江省 around it (11 cities, 90 counties, 1,300 townships:
benchmarks/province.py), the petitions spread over the province by each county's weight. Then N petitions spread over the last 3 years are simulated clock by clock, as the services would
have written them: registered at the city and county bureaus and at units, triaged (转送/交办/移送/报请),
accepted or diverted or declined, handled (延期, 中止), decided, delivered, rated, some taken to 复查 and
复核; the ones still running on today's date keep their open stage, some of them late. Every petition
gets its petitioners (1-3; IDs and phones encrypted, repeat petitioners drawn from a pool), its stages
and its events.

Loading: one transaction. The five petition tables (and any table referencing them, which must be
empty) are truncated, their non-unique indexes dropped (definitions read from pg_indexes first),
the rows streamed with ``COPY ... FREEZE`` while two worker processes generate them, the indexes
recreated from the saved definitions (and compared with the originals), sequences and 信访件编号
counters set, foreign keys verified with anti-joins (row-by-row FK triggers are skipped with
``session_replication_role = replica`` during the COPY), and the transaction committed; then
VACUUM ANALYZE. A failure at any point rolls everything back.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import itertools
import json
import multiprocessing
import random
import re
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from benchmarks import common

TABLES = (
    "petitions_petition",
    "petitions_petitioner",
    "petitions_stage",
    "petitions_event",
    "petitions_rating",
)
COLUMNS = {
    "petitions_petition": (
        "id",
        "number",
        "query_code",
        "channel",
        "received_on",
        "registered_at",
        "registered_org_id",
        "registered_by_id",
        "headcount",
        "subject",
        "request",
        "content",
        "kind",
        "route",
        "category_id",
        "region_code",
        "place",
        "accused_org_id",
        "state",
        "last_action_on",
        "closed_on",
        "next_due_on",
        "is_final",
        "appeal_until",
        "appeal_basis",
        "is_repeat",
        "repeat_of_id",
    ),
    "petitions_petitioner": (
        "id",
        "petition_id",
        "kind",
        "name",
        "id_number",
        "id_number_hash",
        "phone",
        "phone_hash",
        "phone_tail",
        "address",
        "is_representative",
    ),
    "petitions_stage": (
        "id",
        "petition_id",
        "kind",
        "org_id",
        "from_org_id",
        "rule",
        "opened_on",
        "due_on",
        "due_basis",
        "closed_on",
        "outcome",
        "decided_on",
        "paused_since",
        "pause_reason",
        "paused_days",
        "extended_days",
        "data",
    ),
    "petitions_event": ("id", "petition_id", "stage_id", "action", "on", "at", "actor_id", "org_id", "data"),
    "petitions_rating": ("id", "petition_id", "stage_id", "satisfaction", "comment", "on"),
}
NULL = "\\N"
QUERY_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# 内容分类: (code, name, weight, handling unit suffix or "TOWN", subjects).
CATEGORIES = (
    (
        "01",
        "城乡建设",
        22,
        "ZJJ",
        (
            "关于{estate}小区物业管理问题的反映",
            "反映{estate}小区加装电梯问题",
            "关于{road}道路施工噪音扰民的投诉",
            "要求解决{estate}小区不动产权证办理问题",
        ),
    ),
    (
        "02",
        "劳动和社会保障",
        18,
        "RSJ",
        (
            "关于{company}拖欠工资的反映",
            "要求{company}补缴社会保险",
            "关于工伤认定的诉求",
            "反映{company}违法解除劳动合同",
        ),
    ),
    (
        "03",
        "自然资源",
        12,
        "ZRZY",
        ("关于{village}村土地征收补偿的诉求", "反映{village}村宅基地审批问题", "反映{village}村违法占地建房"),
    ),
    (
        "04",
        "市场监管",
        8,
        "SCJG",
        (
            "反映{company}销售不合格商品",
            "关于{estate}附近商户预付卡退费的投诉",
            "反映{road}沿街餐饮食品安全问题",
        ),
    ),
    ("05", "农业农村", 8, "TOWN", ("关于{village}村土地流转费用的反映", "反映{village}村集体收益分配问题")),
    (
        "06",
        "政法",
        6,
        "ZFW",
        ("对某民事判决不服的申诉", "要求公安机关对{company}诈骗案立案", "反映执行难问题"),
    ),
    ("07", "纪检监察", 5, "JW", ("检举{village}村干部违规问题", "检举某单位工作人员违纪问题")),
    ("08", "卫生健康", 5, "TOWN", ("关于医疗纠纷处理的投诉", "反映{road}卫生院服务问题")),
    ("09", "教育", 5, "TOWN", ("关于子女入学问题的诉求", "反映{road}某培训机构违规收费")),
    ("10", "交通运输", 4, "ZJJ", ("关于{road}公交线路调整的建议", "反映{road}路段交通安全隐患")),
    ("11", "生态环境", 5, "ZRZY", ("反映{company}排放污水问题", "关于{estate}附近异味扰民的投诉")),
    (
        "12",
        "民政",
        4,
        "TOWN",
        ("关于最低生活保障申请的诉求", "反映养老服务补贴发放问题", "关于残疾人补贴的诉求"),
    ),
)
DETAILS = (
    "多次向有关部门反映未果。",
    "问题已持续一年多，严重影响正常生活。",
    "涉及住户二十余户。",
    "相关单位答复称正在研究。",
    "本人生活困难，急需解决。",
    "曾于去年向社区反映，至今未处理。",
    "附相关照片和合同复印件。",
    "周边群众意见很大。",
    "施工方和物业互相推诿。",
    "相关款项至今未兑现。",
)
REQUESTS = (
    "请求依法处理。",
    "请求督促相关单位尽快解决。",
    "请求落实补偿。",
    "请求给予书面答复。",
    "请求调查核实并公开结果。",
)
OPINIONS = (
    "经调查核实，信访人反映的问题基本属实，已责成相关单位限期整改。",
    "经核查，相关补偿已按政策标准发放，诉求缺乏依据。",
    "已协调相关部门予以解决，并向信访人解释说明有关政策。",
    "经调查，反映情况与事实不符。",
)


@dataclass
class Plan:
    """Everything the worker processes need, built once in the parent and inherited by fork."""

    n: int
    seed: int
    today: int  # ordinal
    days: Any  # array('l') of received_on ordinals, chronological
    org_idx: Any  # array('l') into reg_orgs
    seq: Any  # array('l') 信访件编号 sequence within (region, year)
    reg_orgs: list[int]
    orgs: dict[int, dict[str, Any]]
    levels: dict[str, dict[str, Any]]
    actors: dict[int, str]
    categories: list[tuple[int, str, int, str, tuple[str, ...]]]
    # The people who petition: (name, id cipher, id hash, phone cipher, phone hash, tail, address), each
    # encrypted once with xinfang.core.crypto; `tickets` repeats a person's index as often as they petition.
    people: list[tuple[str, str, str, str, str, str, str]]
    tickets: Any  # array('l')
    mult: Any  # array('l'): how many tickets each person holds
    counters: dict[str, Any] = field(default_factory=dict)


PLAN: Plan | None = None


# --------------------------------------------------------------------------------------------- helpers


def _cum(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _pick(rng: random.Random, items: tuple[Any, ...] | list[Any], cum: list[float]) -> Any:
    return items[bisect.bisect_right(cum, rng.random() * cum[-1])]


CHANNELS = ("online", "visit", "letter", "phone", "fax", "other")
CHANNEL_CUM = _cum([46, 22, 16, 13, 1, 2])
KINDS = ("request", "suggestion", "accusation")
KIND_CUM = _cum([80, 8, 12])
ROUTES = ("petition", "administrative", "litigation", "duty", "arbitration", "party_appeal")
ROUTE_CUM = _cum([78, 8, 7, 4, 2, 1])
SATISFACTION = ("satisfied", "basic", "unsatisfied")
SATISFACTION_CUM = _cum([60, 28, 12])


class Dates:
    """ISO strings for day ordinals, cached (every row has several dates)."""

    def __init__(self) -> None:
        self._cache: dict[int, str] = {}

    def __call__(self, ordinal: int | None) -> str:
        if ordinal is None:
            return NULL
        s = self._cache.get(ordinal)
        if s is None:
            s = self._cache[ordinal] = dt.date.fromordinal(ordinal).isoformat()
        return s


class Due:
    """Due dates and their stored basis, computed by the app's own rules (xinfang.deadlines) and cached."""

    def __init__(self) -> None:
        from django.conf import settings

        from xinfang.deadlines.calendar import WorkCalendar
        from xinfang.deadlines.compute import compute_due
        from xinfang.deadlines.rules import rule

        self._compute = compute_due
        self._rule = rule
        self._calendar = WorkCalendar.official()
        self._roll = settings.XINFANG_ROLL_TO_WORKDAY
        self._cache: dict[tuple[str, int, int, int], tuple[int, str]] = {}

    def __call__(self, rule_key: str, start: int, ext: int = 0, paused: int = 0) -> tuple[int, str]:
        key = (rule_key, start, ext, paused)
        hit = self._cache.get(key)
        if hit is None:
            d = self._compute(
                self._rule(rule_key),
                dt.date.fromordinal(start),
                calendar=self._calendar,
                extension_days=ext,
                paused_days=paused,
                roll_to_workday=self._roll,
            )
            basis = json.dumps({**d.as_dict(), "explain": d.explain()}, ensure_ascii=False)
            hit = self._cache[key] = (d.due_on.toordinal(), basis)
        return hit


def query_code(pid: int) -> str:
    """Unique per id (an odd multiplier is a bijection mod 2**60), random-looking, 12 chars like the app's."""
    v = (pid * 0x5DEECE66D3A1 + 0x2545F4914F6CDD1D) % (1 << 60)
    return "".join(QUERY_CODE_ALPHABET[(v >> (5 * k)) & 31] for k in range(12))


def clock(rng: random.Random) -> str:
    """A time of day in office hours, Beijing time."""
    minutes, seconds = divmod(28_800 + int(rng.random() * 36_000), 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}:{seconds:02d}+08"


def js(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------------------------- simulation


class Chunk:
    """Simulates the petitions [start, stop) and renders them as COPY text."""

    def __init__(self, plan: Plan, k: int, start: int, stop: int) -> None:
        self.p = plan
        self.rng = random.Random(plan.seed * 1_000_003 + k)
        self.start, self.stop = start, stop
        self.petitions: list[list[Any]] = []
        self.petitioners: list[list[Any]] = []
        self.stages: list[list[Any]] = []  # [..., petition local index] ; id assigned later
        self.events: list[list[Any]] = []  # stage given as local stage index or None
        self.ratings: list[list[Any]] = []
        self.states: Counter[str] = Counter()

    # ---------------------------------------------------------------- stage and event primitives
    def open(
        self,
        kind: str,
        org: int,
        on: int,
        rule_key: str | None,
        *,
        from_org: int | None = None,
        due_on: int | None = None,
        start: int | None = None,
        data: str = "{}",
    ) -> list[Any]:
        if rule_key is not None:
            due_on, basis = DUE(rule_key, start or on)
        else:
            assert due_on is not None
            basis = js(
                {
                    "rule_key": "set_by_sender",
                    "start": DATES(on),
                    "due_on": DATES(due_on),
                    "article": "《信访工作条例》第二十二条第三项",
                    "explain": f"交办单位指定于{DATES(due_on)}前反馈办理结果、提交办结报告。",
                }
            )
        # kind, org, from_org, rule, opened, due, basis, closed, outcome, decided, paused_since,
        # pause_reason, paused_days, extended_days, data, local index
        stage = [
            kind,
            org,
            from_org,
            rule_key or "set_by_sender",
            on,
            due_on,
            basis,
            None,
            "",
            None,
            None,
            "",
            0,
            0,
            data,
            len(self.stages),
        ]
        self.stages.append(stage)
        self.cur_stages.append(stage)
        return stage

    def event(self, action: str, on: int, org: int | None, stage: list[Any] | None, data: str = "{}") -> None:
        self.events.append([action, on, org, stage[15] if stage else None, data, self.pid_local])
        self.last_on = max(self.last_on, on)

    @staticmethod
    def close(stage: list[Any], on: int, outcome: str) -> None:
        stage[7] = on
        stage[8] = outcome

    # ---------------------------------------------------------------- org structure
    def level_of(self, org: int) -> dict[str, Any]:
        return self.p.levels[self.p.orgs[org]["level_key"]]

    def unit_for(self, level: dict[str, Any], handler: str) -> int:
        if handler == "TOWN":
            towns = level["towns"]
            return self.rng.choice(towns) if towns else level["ZJJ"]
        return level[handler]

    def superiors(self, org: int) -> list[int]:
        o = self.p.orgs[org]
        if o["type"] == "party_gov":
            parent = o["parent_id"]
            return [parent] if parent and self.p.orgs[parent]["type"] == "party_gov" else []
        out = [o["gov_id"]]
        if o["supervisor_id"] and o["supervisor_id"] not in out:
            out.append(o["supervisor_id"])
        return out

    # ---------------------------------------------------------------- one petition
    def petition(self, i: int) -> None:
        p, rng, today = self.p, self.rng, self.p.today
        pid_local = len(self.petitions)
        self.pid_local = pid_local
        self.cur_stages: list[list[Any]] = []
        received = p.days[i]
        self.last_on = received
        reg = p.reg_orgs[p.org_idx[i]]
        reg_org = p.orgs[reg]
        level = self.level_of(reg)
        # What it is about.
        if reg_org["suffix"] == "JW":
            kind = "accusation" if rng.random() < 0.9 else "suggestion"
        elif reg_org["suffix"] == "ZFW":
            kind = "request"
        else:
            kind = _pick(rng, KINDS, KIND_CUM)
        route = ""
        if kind == "request":
            route = (
                "litigation"
                if reg_org["suffix"] == "ZFW" and rng.random() < 0.8
                else _pick(rng, ROUTES, ROUTE_CUM)
            )
        if kind == "accusation":
            cat = p.categories[6]
        elif route == "litigation":
            cat = p.categories[5]
        else:
            cat = _pick(rng, p.categories, CATEGORY_CUM)
        cat_id, _code, _, handler, subjects = cat
        fill = {
            "estate": rng.choice(common.ESTATES),
            "road": rng.choice(common.ROADS),
            "company": rng.choice(common.COMPANIES),
            "village": rng.choice(common.VILLAGES),
        }
        subject = rng.choice(subjects).format(**fill)
        request = rng.choice(REQUESTS)
        content = (
            f"信访人反映：{subject.removeprefix('关于').removeprefix('反映')}。"
            + "".join(rng.sample(DETAILS, rng.randint(1, 4)))
            + request
        )
        channel = _pick(rng, CHANNELS, CHANNEL_CUM)
        county = level["county"] or rng.choice(level["counties"])
        county_level = p.levels[county]
        town_codes = county_level["town_codes"]
        region_code = rng.choice(town_codes) if rng.random() < 0.5 else county
        place = f"{county_level['name']}{rng.choice(common.ROADS)}{rng.randint(1, 300)}号"
        accused = NULL
        if kind == "accusation" and rng.random() < 0.5:
            accused = str(rng.choice(level["accusable"]))

        # Petitioners (第二十条: a group visit names up to 5 representatives).
        group = channel == "visit" and rng.random() < 0.08
        n_people = rng.choice((1, 2, 3)) if group else (1 if rng.random() < 0.85 else rng.choice((2, 2, 3)))
        headcount = rng.randint(5, 40) if group else n_people
        repeat = False
        for _ in range(n_people):
            repeat |= self.petitioner(pid_local, channel, county, representative=group)

        # The clocks.
        bureau_like = reg_org["type"] in ("bureau", "party_gov")
        if bureau_like:
            first = self.open("triage", reg, received, "triage")
        else:
            first = self.open("notice", reg, received, "notice_direct")
        self.event("register", received, reg, first, js({"channel": channel, "headcount": headcount}))
        closed_as = self.run(first, reg, level, kind, route, handler, accused)

        # Derived state, as services._base.derive_state would have stored it.
        main = [s for s in self.cur_stages if s[7] is None and s[0] != "report"]
        closed_on: int | None = None
        if main:
            s = main[0]
            state = "awaiting_delivery" if s[9] is not None else STATE_BY_STAGE[s[0]]
        else:
            state = closed_as or "answered"
            closed_on = max(s[7] for s in self.cur_stages if s[0] != "report")
        self.states[state] += 1
        late = sum(1 for s in self.cur_stages if s[7] is None and s[5] < today and s[10] is None)
        running = [s[5] for s in self.cur_stages if s[7] is None and s[10] is None]
        next_due_on = min(running) if running else None
        if late:
            self.states["(petitions with an overdue stage)"] += 1
            self.states["(overdue stages)"] += late
        appeal_until, appeal_basis, is_final = self.appeal
        year = dt.date.fromordinal(received).year
        number = f"{reg_org['region6']}{year}{p.seq[i]:07d}"
        at = f"{DATES(received)} {clock(rng)}"
        self.petitions.append(
            [
                number,
                channel,
                received,
                at,
                reg,
                p.actors.get(reg, NULL),
                headcount,
                subject,
                request,
                content,
                kind,
                route,
                cat_id,
                region_code,
                place,
                accused,
                state,
                self.last_on,
                closed_on,
                next_due_on,
                is_final,
                appeal_until,
                appeal_basis,
                repeat,
            ]
        )

    def petitioner(self, pid_local: int, channel: str, county: str, *, representative: bool) -> bool:
        """One petitioner row; returns whether this person petitions more than once (重复信访)."""
        p, rng = self.p, self.rng
        person = p.tickets[rng.randrange(len(p.tickets))]
        name, id_c, id_h, ph_c, ph_h, tail, addr = p.people[person]
        kind = "person"
        r = rng.random()
        if r < 0.03:
            kind, name, id_c, id_h = "organisation", f"湖州{rng.choice(common.COMPANIES)}有限公司", "", ""
        elif r > ID_SHARE.get(channel, 1.0):
            id_c = id_h = ""  # callers and letter writers do not always give an ID number
        if rng.random() < 0.04:
            ph_c = ph_h = tail = ""
        self.petitioners.append([pid_local, kind, name, id_c, id_h, ph_c, ph_h, tail, addr, representative])
        times = p.mult[person]
        return times > 1 and rng.random() < 1 - 1 / times

    def late(self, rate: float) -> bool:
        return self.rng.random() < rate

    def span(self, opened: int, due: int, lo: int, hi: int, late_rate: float) -> int:
        """The day a stage's work ends: usually before its due date, sometimes after (late)."""
        rng = self.rng
        if rng.random() < STUCK_RATE:
            return FOREVER
        if rng.random() < late_rate:
            return due + rng.randint(1, 25)
        return min(opened + rng.randint(lo, hi), due)

    def run(
        self,
        first: list[Any],
        reg: int,
        level: dict[str, Any],
        kind: str,
        route: str,
        handler: str,
        accused: str,
    ) -> str | None:
        """Walk the clocks from registration until today; returns the terminal state if it ended."""
        rng, today = self.rng, self.p.today
        self.appeal: tuple[int | None, str, bool] = (None, "{}", False)
        stage = first
        holder = reg
        # ---- triage by a bureau (第二十二条), possibly twice (city bureau → county bureau, or 报请)
        hops = 0
        while stage[0] == "triage":
            end = self.span(stage[4], stage[5], 1, 14, 0.03)
            if end > today:
                return None
            hops += 1
            holder_org = self.p.orgs[holder]
            lvl = self.level_of(holder)
            r = rng.random()
            if r < 0.05:
                self.close_all(end, "declined", reports=True)
                self.event(
                    "decline",
                    end,
                    holder,
                    stage,
                    js({"reason": "not_competent", "related": None, "competent_body": "有权处理的机关"}),
                )
                return "declined"
            if r < 0.07:
                self.close_all(end, "withdrawn", reports=True)
                self.event("withdraw", end, holder, stage, js({"reason": "信访人申请撤回"}))
                return "withdrawn"
            if kind == "accusation":
                target, action, outcome = lvl["JW"], "refer", "referred"
            elif route == "litigation":
                target, action, outcome = lvl["ZFW"], "refer", "referred"
            elif holder_org["type"] == "party_gov" or hops > 1 or r > 0.085:
                # Above the county (a city or the province): down to the level below, or to one of its units.
                if not lvl["county"] and hops == 1 and rng.random() < 0.35:
                    below = self.p.levels[rng.choice(lvl["children"])]
                    target, action, outcome = below["XFJ"], "transfer", "transferred"
                else:
                    unit_level = lvl
                    if not lvl["county"] and rng.random() < 0.2:
                        unit_level = self.p.levels[rng.choice(lvl["children"])]
                    target = self.unit_for(unit_level, handler)
                    action, outcome = (
                        ("assign", "assigned") if rng.random() < 0.14 else ("transfer", "transferred")
                    )
            else:
                # 报请本级党委和政府 (第二十二条第一项): the 党委政府 takes the triage, same due date.
                gov = holder_org["parent_id"]
                self.close(stage, end, "escalated")
                stage = self.open("triage", gov, end, "triage", from_org=holder, start=first[4])
                self.event("escalate", end, holder, stage, js({"reason": "情况重大、紧急"}))
                holder = gov
                continue
            if accused != NULL and target == int(accused):
                target = lvl["JW"]
            self.close(stage, end, outcome)
            t = self.p.orgs[target]
            data: dict[str, Any] = {"to_org": t["code"], "to_org_name": t["name"]}
            if t["type"] in ("bureau", "party_gov"):
                stage = self.open("triage", target, end, "triage", from_org=holder, data=js({"via": action}))
            else:
                obj_due, obj_basis = DUE("objection", end)
                stage = self.open(
                    "notice",
                    target,
                    end,
                    "notice_transfer",
                    from_org=holder,
                    data=(
                        f'{{"via": "{action}", "objection_due_on": "{DATES(obj_due)}", "objection_basis": {obj_basis}}}'
                    ),
                )
            if action == "assign":
                report_due = end + rng.randint(75, 100)
                data["report_due_on"] = DATES(report_due)
                self.open("report", target, end, None, from_org=holder, due_on=report_due)
            self.event(action, end, holder, stage, js(data))
            holder = target
        # ---- the unit's written notice (第二十三条), objection (异议), acceptance
        objected = False
        while stage[0] == "notice":
            end = self.span(stage[4], stage[5], 2, 15, 0.04)
            if end > today:
                return None
            r = rng.random()
            sender = stage[2]
            if sender is not None and not objected and r < 0.03:
                objected = True
                self.close(stage, end, "objected")
                obj = self.open(
                    "objection",
                    sender,
                    end,
                    "objection_review",
                    from_org=holder,
                    data=js({"reason": "不属于本单位职权范围", "notice_stage": f"@{stage[15]}"}),
                )
                self.event("object", end, holder, obj, js({"reason": "不属于本单位职权范围"}))
                decided = self.span(end, obj[5], 1, 6, 0.02)
                if decided > today:
                    return None
                approve = rng.random() < 0.6
                self.close(obj, decided, "objection_approved" if approve else "objection_rejected")
                if approve:
                    for rep in self.cur_stages:
                        if rep[0] == "report" and rep[7] is None and rep[1] == holder:
                            self.close(rep, decided, "cancelled")
                    lvl = self.level_of(sender)
                    other = self.unit_for(lvl, rng.choice(("ZJJ", "RSJ", "ZRZY", "SCJG", "TOWN")))
                    if other == holder:
                        other = lvl["SCJG"] if holder != lvl["SCJG"] else lvl["ZJJ"]
                    # The sender disposes again at once and sends it to the right unit.
                    again = self.open("triage", sender, decided, "triage")
                    self.event(
                        "object_approve",
                        decided,
                        sender,
                        again,
                        js({"reason": "", "unit": self.p.orgs[holder]["code"]}),
                    )
                    self.close(again, decided, "transferred")
                    t = self.p.orgs[other]
                    obj_due, obj_basis = DUE("objection", decided)
                    stage = self.open(
                        "notice",
                        other,
                        decided,
                        "notice_transfer",
                        from_org=sender,
                        data=(
                            f'{{"via": "transfer", "objection_due_on": "{DATES(obj_due)}", '
                            f'"objection_basis": {obj_basis}}}'
                        ),
                    )
                    self.event(
                        "transfer",
                        decided,
                        sender,
                        stage,
                        js({"to_org": t["code"], "to_org_name": t["name"]}),
                    )
                    holder = other
                else:
                    stage = self.open(
                        "notice",
                        holder,
                        decided,
                        "notice_transfer",
                        from_org=sender,
                        data=js({"via": "objection_rejected", "objection_rejected": True}),
                    )
                    self.event(
                        "object_reject",
                        decided,
                        sender,
                        stage,
                        js({"reason": "属于本单位职权范围，请依法办理", "unit": self.p.orgs[holder]["code"]}),
                    )
                continue
            if kind == "request" and route != "petition":
                self.close_all(end, "diverted", reports=False)
                procedure = {
                    "litigation": "诉讼",
                    "arbitration": "劳动人事争议仲裁",
                    "party_appeal": "党员申诉",
                    "administrative": "行政复议",
                    "duty": "申请履行法定职责",
                }[route]
                self.event("divert", end, holder, stage, js({"procedure": procedure}))
                self.finish_report(end)
                return "diverted"
            if r < 0.03 and sender is None:
                self.close_all(end, "declined", reports=True)
                self.event(
                    "decline",
                    end,
                    holder,
                    stage,
                    js({"reason": "not_competent", "related": None, "competent_body": "有权处理的机关"}),
                )
                return "declined"
            if r < 0.045:
                self.close_all(end, "withdrawn", reports=True)
                self.event("withdraw", end, holder, stage, js({"reason": "信访人申请撤回"}))
                return "withdrawn"
            self.close(stage, end, "accepted")
            rule_key = "handling" if kind == "request" else "handling_reference"
            stage = self.open("handling", holder, end, rule_key)
            self.event("accept", end, holder, stage)
        # ---- handling (第三十四条) and the written answer
        formal = kind == "request" and route == "petition"
        result = self.decide(stage, holder, kind, formal, first_level=True)
        if result is not None or stage[7] is None:
            return result
        if not formal:
            return "answered"
        # ---- 复查 (第三十五条) and 复核 (第三十六条)
        decider = stage
        for stage_kind in ("review", "reexamination"):
            delivered = decider[7]
            unsatisfied = self.rated_unsatisfied
            if decider[8] == "support" or rng.random() > (0.45 if unsatisfied else 0.06):
                return "answered"
            asked = delivered + rng.randint(3, 29)
            if asked > today:
                return "answered"
            sup = self.superiors(decider[1])
            if not sup:
                return "answered"
            target = sup[0] if len(sup) == 1 or rng.random() < 0.7 else sup[1]
            reason = "对处理意见不服"
            stage = self.open(
                stage_kind, target, asked, stage_kind, from_org=decider[1], data=js({"reason": reason})
            )
            self.appeal = (None, self.appeal[1], False)
            self.event(
                f"request_{stage_kind}",
                asked,
                target,
                stage,
                js({"to_org": self.p.orgs[target]["code"], "reason": reason}),
            )
            result = self.decide(stage, target, kind, formal, first_level=False)
            if result is not None or stage[7] is None:
                return result
            if stage_kind == "reexamination":
                self.appeal = (None, "{}", True)
                return "concluded"
            decider = stage
        return "answered"

    def close_all(self, on: int, outcome: str, *, reports: bool) -> None:
        for s in self.cur_stages:
            if s[7] is None and (reports or s[0] != "report"):
                self.close(s, on, outcome)

    def finish_report(self, on: int) -> None:
        """The assigned unit files its 办结报告 once its own work is done; the bureau accepts it."""
        rng, today = self.rng, self.p.today
        for rep in self.cur_stages:
            if rep[0] != "report" or rep[7] is not None:
                continue
            filed = on + rng.randint(1, 10)
            if rng.random() < 0.04:
                filed = rep[5] + rng.randint(1, 20)  # late report
            if filed > today:
                return
            self.close(rep, filed, "report_submitted")
            self.event("report", filed, rep[1], rep)
            accepted = filed + rng.randint(1, 7)
            if accepted <= today:
                rep[8] = "report_accepted"
                self.event("report_accept", accepted, rep[2], rep)

    def decide(
        self, stage: list[Any], holder: int, kind: str, formal: bool, *, first_level: bool
    ) -> str | None:
        """A deciding stage: 延期/中止, 意见书, 送达, 评价. None = still open or answered normally."""
        rng, today = self.rng, self.p.today
        self.rated_unsatisfied = False
        opened, due = stage[4], stage[5]
        lo, hi = (20, 60) if stage[0] == "handling" else (8, 29)
        # 中止/听证: the clock stops; the due date moves by the paused days on resume.
        if rng.random() < 0.03:
            paused_on = opened + rng.randint(5, 25)
            paused_days = rng.randint(7, 40)
            if paused_on <= today:
                self.event("pause", paused_on, holder, stage, js({"reason": "hearing"}))
                if paused_on + paused_days > today:
                    stage[10], stage[11] = paused_on, "hearing"
                    return None
                stage[12] = paused_days
                due, stage[6] = DUE(stage[3], opened, 0, paused_days)
                stage[5] = due
                self.event(
                    "resume",
                    paused_on + paused_days,
                    holder,
                    stage,
                    js({"paused_days": paused_days, "reason": "hearing", "due_on": DATES(due)}),
                )
        # 延期 once, ≤ 30 日, approved by the unit's 负责人 (第三十四条).
        if stage[0] == "handling" and rng.random() < 0.08:
            on = min(due - rng.randint(1, 10), today)
            if on > max(opened, self.last_on):
                days = rng.choice((15, 20, 30, 30))
                due, stage[6] = DUE(stage[3], opened, days, stage[12])
                stage[5], stage[13] = due, days
                self.event(
                    "extend",
                    on,
                    holder,
                    stage,
                    js(
                        {
                            "days": days,
                            "approver": "分管负责人",
                            "reason": "情况复杂，需进一步调查核实",
                            "due_on": DATES(due),
                        }
                    ),
                )
        r = rng.random()
        if first_level and kind == "request" and r < 0.04:
            end = max(self.span(opened, due, lo, hi, 0.02), self.last_on)
            if end > today:
                return None
            stage[14] = js({"agreement": "双方自愿达成调解协议", "method": "mediation"})
            self.close(stage, end, "mediated")
            self.event("mediate", end, holder, stage, js({"method": "mediation"}))
            self.finish_report(end)
            return "mediated"
        if first_level and r < 0.055:
            end = max(self.span(opened, due, 1, 30, 0.0), self.last_on)
            if end > today:
                return None
            self.close_all(end, "withdrawn", reports=True)
            self.event("withdraw", end, holder, stage, js({"reason": "问题已自行解决"}))
            return "withdrawn"
        decided = max(self.span(opened, due, lo, hi, 0.05), self.last_on)
        if decided > today:
            return None
        if stage[0] != "handling":
            outcome = _pick(rng, ("uphold", "change", "revoke"), _cum([86, 8, 6]))
        elif kind == "suggestion":
            outcome = rng.choice(("adopted", "partly_adopted", "not_adopted"))
        elif kind == "accusation":
            outcome = _pick(
                rng, ("substantiated", "partly_substantiated", "unsubstantiated"), _cum([25, 25, 50])
            )
        else:
            outcome = _pick(rng, ("support", "explain", "reject"), _cum([32, 45, 23]))
        stage[9], stage[8] = decided, outcome
        stage[14] = js(
            {
                **json.loads(stage[14]),
                "request": "",
                "facts": "",
                "opinion": rng.choice(OPINIONS),
                "legal_basis": "《信访工作条例》第三十二条" if formal else "",
            }
        )
        self.event("decide", decided, holder, stage, js({"outcome": outcome}))
        delivered = decided + rng.randint(1, 6)
        if delivered > today:
            return None
        stage[7] = delivered
        method = rng.choice(("in_person", "mail", "electronic", "electronic"))
        appeal_until: int | None = None
        if formal and stage[0] != "reexamination":
            window = "review_request" if stage[0] == "handling" else "reexamination_request"
            appeal_until, basis = DUE(window, delivered)
            after = stage[0]
            self.appeal = (
                appeal_until,
                basis[:-1] + f', "after": "{after}", "stage": "@{stage[15]}"}}',
                False,
            )
        self.event(
            "deliver",
            delivered,
            holder,
            stage,
            js({"method": method, "appeal_until": DATES(appeal_until) if appeal_until else None}),
        )
        if first_level:
            self.finish_report(delivered)
        # 满意度评价 of the delivered answer.
        if rng.random() < 0.55:
            rated = delivered + rng.randint(0, 20)
            if rated <= today:
                sat = _pick(rng, SATISFACTION, SATISFACTION_CUM)
                self.rated_unsatisfied = sat == "unsatisfied"
                self.ratings.append([self.pid_local, stage[15], sat, "", rated])
                self.event("rate", rated, holder, stage, js({"satisfaction": sat}))
        return None

    # ---------------------------------------------------------------- rendering
    def render(self, ids: dict[str, int]) -> dict[str, bytes]:
        p = self.p
        pid0 = self.start + 1
        sid0, eid0, rid0, qid0 = ids["stage"], ids["event"], ids["rating"], ids["petitioner"]
        out: dict[str, list[str]] = {t: [] for t in TABLES}
        rows = out["petitions_petition"]
        for n, r in enumerate(self.petitions):
            pid = pid0 + n
            (
                number,
                channel,
                received,
                at,
                reg,
                actor,
                headcount,
                subject,
                request,
                content,
                kind,
                route,
                cat_id,
                region_code,
                place,
                accused,
                state,
                last_on,
                closed_on,
                next_due_on,
                is_final,
                appeal_until,
                appeal_basis,
                repeat,
            ) = r
            if '"@' in appeal_basis:
                appeal_basis = LOCAL_REF.sub(lambda m: str(sid0 + int(m.group(1))), appeal_basis)
            rows.append(
                "\t".join(
                    (
                        str(pid),
                        number,
                        query_code(pid),
                        channel,
                        DATES(received),
                        at,
                        str(reg),
                        actor,
                        str(headcount),
                        subject,
                        request,
                        content,
                        kind,
                        route,
                        str(cat_id),
                        region_code,
                        place,
                        accused,
                        state,
                        DATES(last_on),
                        DATES(closed_on),
                        DATES(next_due_on),
                        "t" if is_final else "f",
                        DATES(appeal_until),
                        appeal_basis,
                        "t" if repeat else "f",
                        NULL,
                    )
                )
            )
        rows = out["petitions_petitioner"]
        for n, r in enumerate(self.petitioners):
            local, kind, name, id_c, id_h, ph_c, ph_h, tail, addr, rep = r
            rows.append(
                "\t".join(
                    (
                        str(qid0 + n),
                        str(pid0 + local),
                        kind,
                        name,
                        id_c,
                        id_h,
                        ph_c,
                        ph_h,
                        tail,
                        addr,
                        "t" if rep else "f",
                    )
                )
            )
        rows = out["petitions_stage"]
        for s in self.stages:
            (
                kind,
                org,
                from_org,
                rule,
                opened,
                due,
                basis,
                closed,
                outcome,
                decided,
                paused_since,
                pause_reason,
                paused_days,
                extended_days,
                data,
                local,
                pl,
            ) = s
            if '"@' in data:
                data = LOCAL_REF.sub(lambda m: str(sid0 + int(m.group(1))), data)
            rows.append(
                "\t".join(
                    (
                        str(sid0 + local),
                        str(pid0 + pl),
                        kind,
                        str(org),
                        NULL if from_org is None else str(from_org),
                        rule,
                        DATES(opened),
                        DATES(due),
                        basis,
                        DATES(closed),
                        outcome,
                        DATES(decided),
                        DATES(paused_since),
                        pause_reason,
                        str(paused_days),
                        str(extended_days),
                        data,
                    )
                )
            )
        rows = out["petitions_event"]
        rng = self.rng
        for n, e in enumerate(self.events):
            action, on, org, stage_local, data, pl = e
            at = f"{DATES(on)} {clock(rng)}"
            rows.append(
                "\t".join(
                    (
                        str(eid0 + n),
                        str(pid0 + pl),
                        NULL if stage_local is None else str(sid0 + stage_local),
                        action,
                        DATES(on),
                        at,
                        p.actors.get(org, NULL) if org else NULL,
                        NULL if org is None else str(org),
                        data,
                    )
                )
            )
        rows = out["petitions_rating"]
        for n, r in enumerate(self.ratings):
            pl, stage_local, sat, comment, on = r
            rows.append(
                "\t".join((str(rid0 + n), str(pid0 + pl), str(sid0 + stage_local), sat, comment, DATES(on)))
            )
        return {t: ("\n".join(v) + "\n").encode() if v else b"" for t, v in out.items()}


STATE_BY_STAGE = {
    "triage": "registered",
    "notice": "awaiting_acceptance",
    "objection": "objected",
    "handling": "in_handling",
    "review": "in_review",
    "reexamination": "in_reexamination",
}
LOCAL_REF = re.compile(r'"@(\d+)"')  # a stage id not known until the chunk's ids are allocated
STUCK_RATE = 0.0004  # a clock nobody closed: stays open, and overdue, until someone notices
FOREVER = 10**9
BIRTH_FROM = dt.date(1942, 1, 1).toordinal()
BIRTH_TO = dt.date(2004, 12, 31).toordinal()
CATEGORY_CUM: list[float] = []
DATES = Dates()
DUE: Due
ID_SHARE = {"phone": 0.5, "letter": 0.75, "visit": 0.95}
# How often one person petitions in 3 years: (times, share of people). Mean ≈ 1.6, so about 38% of
# petitioner rows are repeats, and a few people file a hundred or more.
MULTIPLICITY = ((1, 85.0), (2, 8.0), (3, 3.0), ((4, 10), 3.0), ((11, 50), 0.9), ((51, 200), 0.1))
ID_COUNTERS: dict[str, Any] = {}


def _allocate(name: str, count: int) -> int:
    counter = ID_COUNTERS[name]
    with counter.get_lock():
        first = counter.value
        counter.value += count
    return first


def work(k: int) -> tuple[int, dict[str, bytes], dict[str, int], Counter[str], float]:
    """Worker: simulate chunk k and render it; ids come from counters shared by all workers."""
    t0 = time.perf_counter()
    plan = PLAN
    assert plan is not None
    start = k * plan.counters["chunk"]
    stop = min(plan.n, start + plan.counters["chunk"])
    chunk = Chunk(plan, k, start, stop)
    for i in range(start, stop):
        before = len(chunk.stages)
        chunk.petition(i)
        for s in chunk.stages[before:]:
            s.append(i - start)
    counts = {
        "petition": len(chunk.petitions),
        "petitioner": len(chunk.petitioners),
        "stage": len(chunk.stages),
        "event": len(chunk.events),
        "rating": len(chunk.ratings),
    }
    ids = {name: _allocate(name, counts[name]) for name in ("petitioner", "stage", "event", "rating")}
    data = chunk.render(ids)
    return k, data, counts, chunk.states, time.perf_counter() - t0


def _init_worker() -> None:
    global DUE
    DUE = Due()


# ------------------------------------------------------------------------------------------ the parent


def parse_size(text: str) -> int:
    m = re.fullmatch(r"\s*([\d.]+)\s*([kKmM]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {text!r}: use e.g. 100k, 1m, 250000")
    value = float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    if value < 1:
        raise argparse.ArgumentTypeError("size must be at least 1")
    return int(value)


def ensure_database(url: str, *, reset: bool) -> None:
    import dj_database_url
    import psycopg
    from psycopg import sql

    cfg = dj_database_url.parse(url)
    name = cfg["NAME"]
    admin = psycopg.connect(
        dbname="postgres",
        host=cfg["HOST"] or None,
        port=cfg["PORT"] or None,
        user=cfg["USER"] or None,
        password=cfg["PASSWORD"] or None,
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reset:
            print(f"dropping database {name}", flush=True)
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            exists = None
        if not exists:
            print(f"creating database {name}", flush=True)
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def setup_app(shape: str = "city", seed: int = 0) -> dict[str, Any]:
    """Migrate, build the demo region (and with shape "province" all of 浙江省 around it) and its users,
    the categories, and one clerk per org without a user."""
    from django.core.management import call_command

    from xinfang.orgs.demo import build_region, build_users
    from xinfang.orgs.models import Org, OrgType, Role, User
    from xinfang.petitions.models import Category

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # the database cache, when REDIS_URL is not set
    region = build_region()
    build_users(region)
    if shape == "province":
        from benchmarks.province import build_province

        print(f"province: {build_province(seed)} orgs", flush=True)
    for code, name, *_ in CATEGORIES:
        Category.objects.update_or_create(code=code, defaults={"name": name, "is_active": True})
    for org in Org.objects.all():
        if not User.objects.filter(org=org).exists():
            role = Role.CLERK if org.type in (OrgType.BUREAU, OrgType.PARTY_GOV) else Role.HANDLER
            user = User(
                username=f"bench-{org.code}",
                org=org,
                role=role,
                full_name=f"{org.short_name or org.name}经办人",
            )
            user.set_unusable_password()
            user.save()
    return {"region": region}


def make_people(
    spec: tuple[int, int, int, dict[str, str], list[str]],
) -> list[tuple[str, str, str, str, str, str, str]]:
    """People [start, stop): a valid ID number and a mobile, encrypted and blind-indexed by the app's crypto."""
    from xinfang.core.crypto import blind_index, encrypt

    seed, start, stop, county_names, counties = spec
    rng = random.Random(seed * 7919 + start)
    out = []
    for _ in range(start, stop):
        county = rng.choice(counties)
        number = common.id_number(rng, county, rng.randint(BIRTH_FROM, BIRTH_TO))
        phone = common.mobile(rng)
        out.append(
            (
                common.person_name(rng),
                encrypt(number),
                blind_index("id_number", number),
                encrypt(phone),
                blind_index("phone", phone),
                phone[-4:],
                f"{county_names[county]}{rng.choice(common.ROADS)}{rng.randint(1, 300)}号",
            )
        )
    return out


def _within(orgs: dict[int, dict[str, Any]], org: int, ancestor: int) -> bool:
    node: int | None = org
    while node is not None:
        if node == ancestor:
            return True
        node = orgs[node]["parent_id"]
    return False


def build_plan(args: argparse.Namespace) -> Plan:
    from array import array

    from django.utils import timezone

    from xinfang.orgs.models import Org, Role, User
    from xinfang.petitions.models import Category

    rng = random.Random(args.seed)
    today = timezone.localdate().toordinal()
    orgs: dict[int, dict[str, Any]] = {}
    for o in Org.objects.all():
        orgs[o.pk] = {
            "code": o.code,
            "name": o.name,
            "type": o.type,
            "region6": o.region_code[:6],
            "parent_id": o.parent_id,
            "supervisor_id": o.supervisor_id,
            "suffix": o.code.split("-", 1)[1],
            "level_key": o.region_code[:6],
            "level": o.level,
        }
    levels: dict[str, dict[str, Any]] = {}
    for oid, o in orgs.items():
        lvl = levels.setdefault(o["level_key"], {"towns": [], "town_codes": [], "accusable": []})
        if o["type"] == "township":
            lvl["towns"].append(oid)
            lvl["town_codes"].append(Org.objects.get(pk=oid).region_code)
            lvl["accusable"].append(oid)
        else:
            lvl[o["suffix"]] = oid
            if o["type"] == "department":
                lvl["accusable"].append(oid)
    for key, lvl in levels.items():
        gov = orgs[lvl["GOV"]]
        lvl["county"] = key if gov["level"] == "county" else ""
        lvl["name"] = gov["name"].split()[-1].removesuffix("人民政府")
        lvl["children"] = []
    # The tree of 党委政府: each level's children (a city's counties, the province's cities) and the
    # counties within it, in code order.
    for key in sorted(levels):
        parent = orgs[levels[key]["GOV"]]["parent_id"]
        if parent is not None:
            levels[orgs[parent]["level_key"]]["children"].append(key)
    for key, lvl in levels.items():
        if lvl["county"]:
            lvl["counties"] = [key]
        else:
            lvl["counties"] = sorted(
                c
                for c, other in levels.items()
                if other["county"] and _within(orgs, other["GOV"], lvl["GOV"])
            )
    for o in orgs.values():
        lvl = levels[o["level_key"]]
        o["gov_id"] = lvl["GOV"]
    # Who is recorded as the actor at each org: its clerk (or handler) when it has one.
    actors: dict[int, str] = {}
    for u in User.objects.exclude(org=None).order_by("id"):
        if u.org_id not in actors or u.role == Role.CLERK:
            actors[u.org_id] = str(u.pk)
    cats = {c.code: c.pk for c in Category.objects.all()}
    categories = [(cats[code], code, w, handler, subjects) for code, _, w, handler, subjects in CATEGORIES]
    CATEGORY_CUM[:] = _cum([c[2] for c in categories])

    # Where petitions are registered: the demo city 28% at the city, 36% at each county; a province by
    # each county's weight, each city 28/72 of its counties' together, the province 2%. Mostly at the
    # bureaus.
    unit_weights = {"XFJ": 58, "GOV": 2, "ZJJ": 7, "RSJ": 6, "ZRZY": 4, "SCJG": 4, "ZFW": 2, "JW": 3}
    reg_orgs: list[int] = []
    weights: list[float] = []
    level_shares: list[tuple[str, float]] = [("330500", 28), ("330521", 36), ("330522", 36)]
    if args.region == "province":
        from benchmarks.province import county_weights

        county_w = county_weights(random.Random(args.seed))
        level_shares = [(c, county_w[c]) for c in sorted(levels) if levels[c]["county"]]
        for key in sorted(levels):
            if not levels[key]["county"] and orgs[levels[key]["GOV"]]["level"] == "city":
                level_shares.append((key, 28 / 72 * sum(county_w[c] for c in levels[key]["counties"])))
        total_share = sum(w for _, w in level_shares)
        level_shares.append(("330000", total_share * 0.02))
    for key, share in level_shares:
        lvl = levels[key]
        local: list[tuple[int, float]] = [(lvl[s], w) for s, w in unit_weights.items()]
        local += [(t, 14 / len(lvl["towns"])) for t in lvl["towns"]]
        total = sum(w for _, w in local)
        for oid, w in local:
            reg_orgs.append(oid)
            weights.append(share * w / total)

    # Arrival days: 3 years up to today, fewer at weekends, volume growing ~10% a year.
    n = args.size
    first = today - 365 * args.years + 1
    day_w = []
    for d in range(first, today + 1):
        wd = dt.date.fromordinal(d).weekday()
        day_w.append((1.0 if wd < 5 else 0.35) * (1 + 0.1 * (d - first) / 365))
    total_w = sum(day_w)
    days = array("l")
    cum = 0.0
    done = 0
    for d, w in zip(range(first, today + 1), day_w, strict=True):
        cum += w
        upto = round(n * cum / total_w)
        days.extend([d] * (upto - done))
        done = upto
    org_pick = rng.choices(range(len(reg_orgs)), weights=weights, k=n)
    org_idx = array("l", org_pick)
    seq = array("l", [0]) * n
    counters: dict[str, int] = {}
    for i in range(n):
        o = orgs[reg_orgs[org_idx[i]]]
        key = f"{o['region6']}-{dt.date.fromordinal(days[i]).year}"
        counters[key] = counters.get(key, 0) + 1
        seq[i] = counters[key]

    # The people: encrypted once (in parallel), then drawn by ticket so that some petition again and again.
    t0 = time.perf_counter()
    n_people = args.people or max(1000, int(n * 0.6))
    counties = sorted(k for k, lvl in levels.items() if lvl["county"])
    if args.region == "city":
        counties = list(common.COUNTY_CODES)
    county_names = {c: levels[c]["name"] for c in counties}
    slices = [
        (args.seed, start, min(n_people, start + 20_000), county_names, counties)
        for start in range(0, n_people, 20_000)
    ]
    with multiprocessing.get_context("fork").Pool(args.workers) as workers:
        people = [person for part in workers.map(make_people, slices) for person in part]
    mult = array("l", [0]) * n_people
    tickets = array("l")
    kinds, shares = zip(*MULTIPLICITY, strict=True)
    for person, times in enumerate(rng.choices(kinds, weights=shares, k=n_people)):
        count = times if isinstance(times, int) else rng.randint(*times)
        mult[person] = count
        tickets.extend([person] * count)
    print(
        f"people: {n_people:,} encrypted in {time.perf_counter() - t0:.1f}s; {len(tickets):,} tickets",
        flush=True,
    )
    return Plan(
        n=n,
        seed=args.seed,
        today=today,
        days=days,
        org_idx=org_idx,
        seq=seq,
        reg_orgs=reg_orgs,
        orgs=orgs,
        levels=levels,
        actors=actors,
        categories=categories,
        people=people,
        tickets=tickets,
        mult=mult,
        counters={"chunk": args.chunk, "numbers": counters},
    )


def referencing_tables(cur: Any, tables: tuple[str, ...]) -> set[str]:
    """Every table with a foreign key (transitively) into `tables`."""
    found = set(tables)
    while True:
        rows = cur.execute(
            "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' "
            "AND confrelid::regclass::text = ANY(%s)",
            [list(found)],
        ).fetchall()
        new = {r[0] for r in rows} - found
        if not new:
            return found
        found |= new


def droppable_indexes(cur: Any) -> list[tuple[str, str, str]]:
    """(table, index, definition) of the non-unique indexes on the loaded tables that back no constraint."""
    return cur.execute(
        """
        SELECT t.relname, i.relname, pg_get_indexdef(i.oid)
          FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
          JOIN pg_namespace n ON n.oid = t.relnamespace
         WHERE n.nspname = current_schema() AND t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid)
         ORDER BY t.relname, i.relname
        """,
        [list(TABLES)],
    ).fetchall()


def index_snapshot(cur: Any) -> set[tuple[str, str, str]]:
    return set(
        cur.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s)",
            [list(TABLES)],
        ).fetchall()
    )


def check_foreign_keys(cur: Any) -> list[str]:
    """Verify every FK of the loaded tables with one anti-join each (the COPY skipped the row triggers)."""
    fks = cur.execute(
        """
        SELECT c.conrelid::regclass::text, a.attname, c.confrelid::regclass::text, af.attname
          FROM pg_constraint c
          JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
          JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
         WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)
        """,
        [list(TABLES)],
    ).fetchall()
    problems = []
    for table, col, ref, ref_col in fks:
        bad = cur.execute(
            f'SELECT count(*) FROM {table} c WHERE c."{col}" IS NOT NULL AND NOT EXISTS '
            f'(SELECT 1 FROM {ref} r WHERE r."{ref_col}" = c."{col}")'
        ).fetchone()[0]
        if bad:
            problems.append(f"{table}.{col} → {ref}: {bad} dangling")
    return problems


def load(args: argparse.Namespace, plan: Plan) -> dict[str, Any]:
    import psycopg
    from django.db import connection, connections

    conninfo = connection.get_connection_params()
    connections.close_all()  # no Django connection across the fork
    timings: dict[str, float] = {}
    totals: Counter[str] = Counter()
    states: Counter[str] = Counter()
    gen_seconds = 0.0
    conn = psycopg.connect(
        **{k: v for k, v in conninfo.items() if k in ("dbname", "host", "port", "user", "password")}
    )
    with conn:
        cur = conn.cursor()
        cur.execute("SET synchronous_commit = off")
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET session_replication_role = replica")  # no per-row FK triggers; checked below
        involved = referencing_tables(cur, TABLES)
        for table in sorted(involved):
            if cur.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]:
                raise SystemExit(f"{table} is not empty: run with --reset to start from a fresh database")
        cur.execute(f"TRUNCATE {', '.join(sorted(involved))} RESTART IDENTITY")
        before = index_snapshot(cur)
        dropped: list[tuple[str, str, str]] = []
        if not args.keep_indexes:
            dropped = droppable_indexes(cur)
            for _, index, _ in dropped:
                cur.execute(f'DROP INDEX "{index}"')
            print(f"dropped {len(dropped)} non-unique indexes (definitions kept)", flush=True)

        global PLAN
        PLAN = plan
        for name in ("petitioner", "stage", "event", "rating"):
            ID_COUNTERS[name] = multiprocessing.get_context("fork").Value("q", 1)
        n_chunks = (plan.n + args.chunk - 1) // args.chunk
        gate = threading.Semaphore(args.workers + 2)  # bounded: the parent holds at most a few chunks

        def feed():
            for k in range(n_chunks):
                gate.acquire()
                yield k

        t0 = time.perf_counter()
        copy_seconds = 0.0
        done = 0
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(args.workers, initializer=_init_worker) as pool:
            for _k, data, counts, chunk_states, gen_s in pool.imap_unordered(work, feed()):
                c0 = time.perf_counter()
                for table in TABLES:
                    if not data[table]:
                        continue
                    cols = ", ".join(f'"{c}"' for c in COLUMNS[table])
                    with cur.copy(f"COPY {table} ({cols}) FROM STDIN (FREEZE)") as copy:
                        copy.write(data[table])
                copy_seconds += time.perf_counter() - c0
                gate.release()
                totals.update(counts)
                states.update(chunk_states)
                gen_seconds += gen_s
                done += counts["petition"]
                if done % max(args.chunk * 20, 1) < args.chunk or done == plan.n:
                    el = time.perf_counter() - t0
                    rows = sum(totals.values())
                    print(
                        f"  {done:>9,} petitions, {rows:>10,} rows, {el:6.1f}s, {rows / el:>9,.0f} rows/s",
                        flush=True,
                    )
        timings["copy_wall"] = time.perf_counter() - t0
        timings["copy_in_parent"] = copy_seconds
        timings["generate_cpu_in_workers"] = gen_seconds

        t1 = time.perf_counter()
        for table, index, definition in dropped:
            ti = time.perf_counter()
            cur.execute(definition)
            print(f"  index {index} on {table}: {time.perf_counter() - ti:.1f}s", flush=True)
        after = index_snapshot(cur)
        if after != before:
            raise SystemExit(f"index definitions differ after the load: {sorted(before ^ after)}")
        timings["indexes"] = time.perf_counter() - t1

        for table in TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"GREATEST((SELECT max(id) FROM {table}), 1))"
            )
        for key, value in plan.counters["numbers"].items():
            cur.execute(
                "INSERT INTO petitions_counter (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = GREATEST(petitions_counter.value, EXCLUDED.value)",
                [key, value],
            )
        # Not a Django table: what the generator loaded, so that the benchmarks can tell their own rows
        # (registered later) from the generated ones and remove leftovers of an interrupted run.
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)")
        cur.execute(
            "INSERT INTO bench_meta VALUES ('generated_max_petition_id', (SELECT max(id)::text FROM "
            "petitions_petition)), ('generated_size', %s), ('generated_at', now()::text) "
            "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
            [str(plan.n)],
        )
        # The rows bypassed the services, which keep the statistics' roll-ups: mark them incomplete (the
        # statistics are computed live) until `xinfang stats rebuild` fills them from what was loaded.
        cur.execute(
            "INSERT INTO reports_factstate (id, complete_since, rebuilt_at, petitions, seconds) "
            "VALUES (1, NULL, NULL, 0, 0) ON CONFLICT (id) DO UPDATE SET complete_since = NULL"
        )
        cur.execute("SET session_replication_role = origin")
        if not args.no_check:
            t2 = time.perf_counter()
            problems = check_foreign_keys(cur)
            if problems:
                raise SystemExit("foreign key check failed: " + "; ".join(problems))
            timings["fk_check"] = time.perf_counter() - t2
            print(f"foreign keys verified in {timings['fk_check']:.1f}s", flush=True)
        t3 = time.perf_counter()
    timings["commit"] = time.perf_counter() - t3

    conn = psycopg.connect(
        **{k: v for k, v in conninfo.items() if k in ("dbname", "host", "port", "user", "password")},
        autocommit=True,
    )
    with conn:
        t4 = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '1GB'")
        for table in (*TABLES, "petitions_counter"):
            conn.execute(f"VACUUM (ANALYZE) {table}")
        timings["vacuum_analyze"] = time.perf_counter() - t4
        sizes = conn.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relname = ANY(%s)",
            [list(TABLES)],
        ).fetchall()
        db_size = conn.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {
        "rows": dict(totals),
        "states": dict(states),
        "timings": timings,
        "table_bytes": dict(sizes),
        "database_bytes": db_size,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=parse_size, default=1_000_000, help="petitions: 100k, 1m, ... (1m)")
    parser.add_argument("--reset", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--seed", type=int, default=20240501)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="generator processes (2)")
    parser.add_argument("--chunk", type=int, default=5000, help="petitions per COPY batch (5000)")
    parser.add_argument(
        "--people", type=int, default=0, help="distinct petitioners, encrypted once (default: 0.6 x size)"
    )
    parser.add_argument(
        "--region",
        choices=("city", "province"),
        default="city",
        help="org tree: the demo city (湖州市 with two counties) or 浙江省 around it (11 cities, 90 counties)",
    )
    parser.add_argument("--keep-indexes", action="store_true", help="load with every index in place")
    parser.add_argument("--no-check", action="store_true", help="skip the foreign-key verification")
    args = parser.parse_args(argv)

    import os

    os.environ.setdefault("DATABASE_URL", common.DEFAULT_DATABASE_URL)
    started = time.perf_counter()
    ensure_database(os.environ["DATABASE_URL"], reset=args.reset)
    common.setup_django()
    t0 = time.perf_counter()
    setup_app(args.region, args.seed)
    print(f"migrated, region and users in {time.perf_counter() - t0:.1f}s", flush=True)
    t0 = time.perf_counter()
    plan = build_plan(args)
    print(f"planned {plan.n:,} petitions in {time.perf_counter() - t0:.1f}s", flush=True)
    result = load(args, plan)
    total = time.perf_counter() - started
    rows = sum(result["rows"].values())
    t = result["timings"]
    print()
    print(f"rows: {result['rows']}  ({rows:,} in all)")
    print(f"states: {dict(sorted(result['states'].items(), key=lambda kv: -kv[1]))}")
    print(
        f"COPY {t['copy_wall']:.1f}s ({rows / t['copy_wall']:,.0f} rows/s, "
        f"{result['rows']['petition'] / t['copy_wall']:,.0f} petitions/s); indexes {t['indexes']:.1f}s; "
        f"VACUUM ANALYZE {t['vacuum_analyze']:.1f}s"
    )
    print(
        f"database size {result['database_bytes'] / 2**30:.2f} GiB; total {total:.1f}s "
        f"({rows / total:,.0f} rows/s end to end)"
    )
    path = common.write_result(
        f"generate-{args.size}{'-province' if args.region == 'province' else ''}.json",
        {
            "size": args.size,
            "args": vars(args),
            "total_seconds": round(total, 1),
            **result,
            "machine": common.machine(),
            "git": common.git_revision(),
        },
    )
    print(f"written {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The time limits of the 《信访工作条例》(2022), one :class:`Rule` per clock.

Each rule carries the article it implements and the article's own words, so that every stored due date can
say where its limit comes from. "N日" is N calendar days (:attr:`Unit.CALENDAR_DAYS`); "N个工作日" is N
Chinese working days (:attr:`Unit.WORKING_DAYS`). How a limit is counted is explained in
:mod:`xinfang.deadlines.compute`.

Clocks the 条例 leaves open and this system fills in are marked as such in their label, article and quote
(``objection_review``), and clocks that borrow another article's limit say 参照 (``handling_reference``).
The result report of a 交办 (第二十二条第三项) has no rule: its date is set by the assigning bureau.

This module is pure Python: no Django imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["MAX_EXTENSION_DAYS", "RULES", "Rule", "Unit", "rule"]

_TIAOLI = "《信访工作条例》"

MAX_EXTENSION_DAYS = 30
"""《信访工作条例》第三十四条: “……可以适当延长办理期限，但延长期限不得超过30日，并告知信访人延期理由。”"""


class Unit(StrEnum):
    """How the days of a limit are counted."""

    CALENDAR_DAYS = "calendar_days"
    """"N日": every calendar day counts."""
    WORKING_DAYS = "working_days"
    """"N个工作日": only Chinese working days count (weekends and 法定节假日 off, 调休 days on)."""


@dataclass(frozen=True)
class Rule:
    """One statutory time limit.

    ``key``: stable identifier stored in the database. ``label``: Chinese name shown to users.
    ``days`` and ``unit``: the limit. ``article``: where it comes from, e.g. “《信访工作条例》第二十二条”.
    ``quote``: the article's sentence setting the limit, verbatim. ``roll_to_workday``: whether a last day
    that is not a working day moves to the next working day (《民法典》第二百零三条); irrelevant for
    working-day limits, whose last day is always a working day.
    """

    key: str
    label: str
    days: int
    unit: Unit
    article: str
    quote: str
    roll_to_workday: bool = True

    def __post_init__(self) -> None:
        if not self.key:
            raise ValueError("a rule needs a non-empty key")
        if self.days < 0:
            raise ValueError(f"rule {self.key!r}: days must be non-negative, got {self.days}")
        if not isinstance(self.unit, Unit):
            raise ValueError(f"rule {self.key!r}: unit must be a Unit, got {self.unit!r}")


TRIAGE = Rule(
    key="triage",
    label="信访部门登记后转送、交办",
    days=15,
    unit=Unit.CALENDAR_DAYS,
    article=f"{_TIAOLI}第二十二条",
    quote="各级党委和政府信访部门收到信访事项，应当予以登记，并区分情况，在15日内分别按照下列方式处理：",
)
"""第二十二条: “各级党委和政府信访部门收到信访事项，应当予以登记，并区分情况，在15日内分别按照下列方式处理：
（一）……应当转送有权处理的机关、单位；……（二）……转送有权处理的机关、单位。（三）……可以交由有权处理的机关、单位
办理……”"""

NOTICE_DIRECT = Rule(
    key="notice_direct",
    label="直接提出的信访事项书面告知",
    days=15,
    unit=Unit.CALENDAR_DAYS,
    article=f"{_TIAOLI}第二十三条第二款",
    quote=(
        "对信访人直接提出的信访事项，有关机关、单位能够当场告知的，应当当场书面告知；不能当场告知的，"
        "应当自收到信访事项之日起15日内书面告知信访人，但信访人的姓名（名称）、住址不清的除外。"
    ),
)
"""第二十三条第二款: “对信访人直接提出的信访事项，有关机关、单位能够当场告知的，应当当场书面告知；
不能当场告知的，应当自收到信访事项之日起15日内书面告知信访人，但信访人的姓名（名称）、住址不清的除外。”"""

NOTICE_TRANSFER = Rule(
    key="notice_transfer",
    label="转送、交办的信访事项书面告知",
    days=15,
    unit=Unit.CALENDAR_DAYS,
    article=f"{_TIAOLI}第二十三条第三款",
    quote=(
        "对党委和政府信访部门或者本系统上级机关、单位转送、交办的信访事项，属于本机关、单位职权范围的，"
        "有关机关、单位应当自收到之日起15日内书面告知信访人接收情况以及处理途径和程序；"
    ),
)
"""第二十三条第三款: “对党委和政府信访部门或者本系统上级机关、单位转送、交办的信访事项，
属于本机关、单位职权范围的，有关机关、单位应当自收到之日起15日内书面告知信访人接收情况以及处理途径和程序；……”"""

OBJECTION = Rule(
    key="objection",
    label="不属于职权范围的提出异议",
    days=5,
    unit=Unit.WORKING_DAYS,
    article=f"{_TIAOLI}第二十三条第三款",
    quote=(
        "不属于本机关、单位或者本系统职权范围的，有关机关、单位应当自收到之日起5个工作日内提出异议，"
        "并详细说明理由，经转送、交办的信访部门或者上级机关、单位核实同意后，交还相关材料。"
    ),
)
"""第二十三条第三款: “……不属于本机关、单位或者本系统职权范围的，有关机关、单位应当自收到之日起5个工作日内提出
异议，并详细说明理由，经转送、交办的信访部门或者上级机关、单位核实同意后，交还相关材料。”"""

OBJECTION_REVIEW = Rule(
    key="objection_review",
    label="核实异议（条例未规定期限，本系统默认5个工作日）",
    days=5,
    unit=Unit.WORKING_DAYS,
    article=f"{_TIAOLI}第二十三条第三款未规定期限，本系统默认",
    quote=(
        "条例未规定期限，本系统默认5个工作日。第二十三条第三款仅规定：“经转送、交办的信访部门或者上级机关、"
        "单位核实同意后，交还相关材料。”"
    ),
)
"""The transferring bureau's verification of an objection. 第二十三条第三款 only says
“经转送、交办的信访部门或者上级机关、单位核实同意后，交还相关材料。” and sets no limit; this system
defaults to 5 working days, mirroring the objection window itself."""

HANDLING = Rule(
    key="handling",
    label="办理期限",
    days=60,
    unit=Unit.CALENDAR_DAYS,
    article=f"{_TIAOLI}第三十四条",
    quote=(
        "对本条例第三十一条第六项规定的信访事项应当自受理之日起60日内办结；情况复杂的，经本机关、单位负责人"
        "批准，可以适当延长办理期限，但延长期限不得超过30日，并告知信访人延期理由。"
    ),
)
"""第三十四条: “对本条例第三十一条第六项规定的信访事项应当自受理之日起60日内办结；情况复杂的，
经本机关、单位负责人批准，可以适当延长办理期限，但延长期限不得超过30日，并告知信访人延期理由。”"""

HANDLING_REFERENCE = Rule(
    key="handling_reference",
    label="办理期限（参照第三十四条）",
    days=60,
    unit=Unit.CALENDAR_DAYS,
    article=f"参照{_TIAOLI}第三十四条",
    quote=HANDLING.quote,
)
"""For 建议意见类 and 检举控告类 matters handled outside route (六) of 第三十一条, which the 条例 gives no
limit of their own; this system applies 第三十四条 by analogy (configurable):
“……应当自受理之日起60日内办结；……”"""

REVIEW_REQUEST = Rule(
    key="review_request",
    label="请求复查",
    days=30,
    unit=Unit.CALENDAR_DAYS,
    article=f"{_TIAOLI}第三十五条",
    quote="信访人对信访处理意见不服的，可以自收到书面答复之日起30日内请求原办理机关、单位的上一级机关、单位复查。",
)
"""第三十五条: “信访人对信访处理意见不服的，可以自收到书面答复之日起30日内请求原办理机关、单位的
上一级机关、单位复查。”"""

REVIEW = Rule(
    key="review",
    label="复查意见",
    days=30,
    unit=Unit.CALENDAR_DAYS,
    article=f"{_TIAOLI}第三十五条",
    quote="收到复查请求的机关、单位应当自收到复查请求之日起30日内提出复查意见，并予以书面答复。",
)
"""第三十五条: “收到复查请求的机关、单位应当自收到复查请求之日起30日内提出复查意见，并予以书面答复。”"""

REEXAMINATION_REQUEST = Rule(
    key="reexamination_request",
    label="请求复核",
    days=30,
    unit=Unit.CALENDAR_DAYS,
    article=f"{_TIAOLI}第三十六条",
    quote="信访人对复查意见不服的，可以自收到书面答复之日起30日内向复查机关、单位的上一级机关、单位请求复核。",
)
"""第三十六条第一款: “信访人对复查意见不服的，可以自收到书面答复之日起30日内向复查机关、单位的上一级机关、单位
请求复核。”"""

REEXAMINATION = Rule(
    key="reexamination",
    label="复核意见（听证时间不计入）",
    days=30,
    unit=Unit.CALENDAR_DAYS,
    article=f"{_TIAOLI}第三十六条",
    quote="收到复核请求的机关、单位应当自收到复核请求之日起30日内提出复核意见。",
)
"""第三十六条: “收到复核请求的机关、单位应当自收到复核请求之日起30日内提出复核意见。” and, second paragraph,
“听证所需时间不计算在前款规定的期限内。” — pass the hearing time as ``paused_days`` to
:func:`xinfang.deadlines.compute.compute_due`."""

RULES: dict[str, Rule] = {
    r.key: r
    for r in (
        TRIAGE,
        NOTICE_DIRECT,
        NOTICE_TRANSFER,
        OBJECTION,
        OBJECTION_REVIEW,
        HANDLING,
        HANDLING_REFERENCE,
        REVIEW_REQUEST,
        REVIEW,
        REEXAMINATION_REQUEST,
        REEXAMINATION,
    )
}
"""All rules by key."""


def rule(key: str) -> Rule:
    """The rule stored under ``key``; :class:`KeyError` naming the known keys if there is none."""
    try:
        return RULES[key]
    except KeyError:
        known = ", ".join(sorted(RULES))
        raise KeyError(f"unknown deadline rule {key!r}; known rules: {known}") from None

"""Checks the system can decide from a petition's record (pre-filled on the 评查 scoring page).

Each rule reads the petition's stages and events and returns (value, reason): True/False when the record
decides it, None when it cannot (e.g. no handling stage because the matter went into another procedure).
Stages held by the reviewed unit are preferred when it held any of that kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xinfang.ledgers.models import AutoRule
from xinfang.petitions.models import Event, Kind, Petition, Route, Stage, StageKind

Result = tuple[bool | None, str]
DECISION_ELEMENTS = (
    ("request", "投诉请求"),
    ("facts", "事实和理由"),
    ("opinion", "处理意见"),
    ("legal_basis", "法律法规依据"),
)


@dataclass(frozen=True)
class Record:
    """What the rules read: the petition's kind and route, its stages and its events."""

    formal: bool  # 第三十一条第六项: the 意见书 of 第三十二条 applies
    stages: Sequence[Stage]
    events: Sequence[Event]
    unit_id: int | None = None

    def of_kind(self, kind: str) -> list[Stage]:
        stages = [s for s in self.stages if s.kind == kind]
        at_unit = [s for s in stages if s.org_id == self.unit_id]
        return at_unit or stages


def record_of(petition: Petition, unit_id: int | None) -> Record:
    return Record(
        formal=petition.kind == Kind.REQUEST and petition.route == Route.PETITION,
        stages=list(petition.stages.all()),
        events=list(petition.events.all()),
        unit_id=unit_id,
    )


def _closed_on_time(stages: list[Stage], what: str) -> Result:
    closed = [s for s in stages if s.closed_on is not None]
    if not closed:
        return None, f"无已完成的{what}环节"
    for s in closed:
        if s.closed_on is not None and s.closed_on > s.due_on:
            return False, f"{what}于{s.closed_on}完成，期限为{s.due_on}"
    return True, f"{what}按期完成（期限{closed[-1].due_on}）"


def notice_on_time(record: Record) -> Result:
    """第二十三条: 15日内书面告知. The notice stage closed on or before its due date."""
    return _closed_on_time(record.of_kind(StageKind.NOTICE), "受理告知")


def handled_on_time(record: Record) -> Result:
    """第三十四条: 60日内办结 (after an approved extension). The handling stage closed by its due date."""
    return _closed_on_time(record.of_kind(StageKind.HANDLING), "办理")


def decision_complete(record: Record) -> Result:
    """第三十二条: 信访处理意见书应当载明信访人投诉请求、事实和理由、处理意见及其法律法规依据.

    Read from the handling stage's decision data (what the 意见书 was rendered from); only matters
    handled under 第三十一条第六项 get an 意见书.
    """
    if not record.formal:
        return None, "非第三十一条第六项事项，不出具信访处理意见书"
    decided = [s for s in record.of_kind(StageKind.HANDLING) if s.decided_on is not None]
    if not decided:
        return None, "未出具处理意见书"
    data = decided[-1].data
    missing = [label for key, label in DECISION_ELEMENTS if not str(data.get(key) or "").strip()]
    if missing:
        return False, "意见书缺少：" + "、".join(missing)
    return True, "意见书载明请求、事实和理由、处理意见及法律依据"


def delivered(record: Record) -> Result:
    """送达有据: a written answer was issued and its delivery (送达) is recorded."""
    if not any(s.decided_on is not None for s in record.stages):
        return None, "无书面答复"
    events = [e for e in record.events if e.action == "deliver"]
    if events:
        return True, f"{events[0].on}送达"
    return False, "出具答复后无送达记录"


RULES: dict[str, Callable[[Record], Result]] = {
    AutoRule.NOTICE_ON_TIME: notice_on_time,
    AutoRule.DECISION_COMPLETE: decision_complete,
    AutoRule.DELIVERED: delivered,
    AutoRule.HANDLED_ON_TIME: handled_on_time,
}


def evaluate(rule: str, record: Record) -> Result:
    fn = RULES.get(rule)
    if fn is None:
        return None, ""
    return fn(record)

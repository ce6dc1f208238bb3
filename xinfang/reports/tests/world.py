"""A small 德清县 world whose figures are worked out by hand (docs/reports.md, "Worked example").

All petitions are letters received Mon 2025-11-10 at 德清县信访局 and transferred on 11-12, so every
triage stage is due Tue 11-25 (第二十二条, 15日) and every first 受理告知 stage Thu 11-27 (第二十三条).

| petition | story | counts |
|---|---|---|
| on_time | ZJJ accepts on 11-27 (the due day); handling due 2026-01-26; paused 12-01→12-11 (10 days): due 02-05; delivered 02-03; rated 满意 02-04 | notice on time; handling on time in Feb |
| late | ZJJ accepts 11-28 (a day late); handling due 2026-01-27; extended 30 days: due 02-26; delivered 02-25; rated 不满意 02-26 | notice late; handling on time in Feb |
| withdrawn | withdrawn 11-20 while ZJJ holds the notice | left out of every rate |
| moved | sent to RSJ, which objects on 11-14; the bureau agrees 11-17 and sends it to ZJJ on 11-18 (notice due 12-03) | RSJ notice on time in Nov; ZJJ notice (open) late in Dec |
| open | ZJJ never answers | notice late (open after due) |
| paused | ZJJ accepts 11-20, pauses 12-01 and never resumes | left out of handling while paused |
| repeat | sent to ZJJ, linked as a repeat of `on_time` | a repeat |
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.tests.helpers import act, person, register
from xinfang.routing.services import petition_link_repeat

TODAY = "2026-11-23 10:00 +0800"


def build(api: Any, users: dict[str, User]) -> dict[str, int]:
    clerk, zjj, rsj = api("dq_clerk"), api("dq_zjj"), api("dq_rsj")
    ids: dict[str, int] = {}
    for i, name in enumerate(("on_time", "late", "withdrawn", "moved", "open", "paused", "repeat"), start=1):
        ids[name] = register(clerk, petitioners=[person(i)], subject=f"事项{name}")["id"]
        act(
            clerk,
            ids[name],
            "transfer",
            "2025-11-12",
            to_org="330521-RSJ" if name == "moved" else "330521-ZJJ",
        )

    p = ids["on_time"]
    assert act(zjj, p, "accept", "2025-11-27")["state"] == "in_handling"
    act(zjj, p, "pause", "2025-12-01", reason="hearing")
    act(zjj, p, "resume", "2025-12-11")
    act(
        zjj,
        p,
        "decide",
        "2026-02-01",
        outcome="support",
        opinion="予以支持。",
        legal_basis="《某条例》第三条",
    )
    act(zjj, p, "deliver", "2026-02-03", method="mail")
    act(clerk, p, "rate", "2026-02-04", satisfaction="satisfied")

    p = ids["late"]
    act(zjj, p, "accept", "2025-11-28")
    act(zjj, p, "extend", "2026-01-10", days=30, approver="张局长", reason="需现场核查")
    act(
        zjj,
        p,
        "decide",
        "2026-02-24",
        outcome="explain",
        opinion="解释说明。",
        legal_basis="《某条例》第五条",
    )
    act(zjj, p, "deliver", "2026-02-25", method="mail")
    act(clerk, p, "rate", "2026-02-26", satisfaction="unsatisfied")

    act(clerk, ids["withdrawn"], "withdraw", "2025-11-20", reason="信访人撤回")

    p = ids["moved"]
    act(rsj, p, "object", "2025-11-14", reason="不属本单位职责")
    act(clerk, p, "object_approve", "2025-11-17")
    act(clerk, p, "transfer", "2025-11-18", to_org="330521-ZJJ")

    p = ids["paused"]
    act(zjj, p, "accept", "2025-11-20")
    act(zjj, p, "pause", "2025-12-01", reason="suspension")

    main = Petition.objects.get(pk=ids["on_time"])
    petition_link_repeat(
        Petition.objects.get(pk=ids["repeat"]), actor=users["dq_clerk"], on=dt.date(2025, 11, 12), main=main
    )
    return ids

"""Demo content for the ledgers, created through the services (called by the demo command)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from xinfang.ledgers import services
from xinfang.ledgers.models import OutreachForm, RiskAssessment
from xinfang.orgs.models import User

PROJECTS = [
    ("城东片区旧城改造项目", "project", "high", "postpone"),
    ("垃圾焚烧发电厂选址", "project", "high", "reject"),
    ("公交线路优化调整方案", "decision", "medium", "implement"),
    ("农村宅基地有偿退出试点", "policy", "medium", "implement"),
    ("学区划分调整", "decision", "low", "implement"),
]


def load(*, rng: random.Random, today: dt.date, users: dict[str, User]) -> dict[str, int]:
    """Risk assessments, outreach events and training sessions for 德清县 and 长兴县 (once per database)."""
    if RiskAssessment.objects.exists():
        return {"risk_assessments": 0, "outreach_events": 0, "training_sessions": 0}
    counts = {"risk_assessments": 0, "outreach_events": 0, "training_sessions": 0}
    for clerk in ("dq_clerk", "cx_clerk"):
        actor = users[clerk]
        for title, kind, level, conclusion in PROJECTS:
            start = today - dt.timedelta(days=rng.randint(60, 300))
            record = services.risk_register(
                actor=actor,
                title=title,
                subject_kind=kind,
                scope_text="项目涉及区域内的住户和经营户",
                registered_on=start,
            )
            services.risk_assess(
                record,
                actor=actor,
                on=start + dt.timedelta(days=10),
                risk_points="补偿标准、环境影响",
                level=level,
                measures="公开征求意见，召开听证会",
            )
            services.risk_conclude(
                record,
                actor=actor,
                on=start + dt.timedelta(days=15),
                conclusion=conclusion,
                note="风险可控，化解措施已落实" if conclusion == "implement" else "",
            )
            counts["risk_assessments"] += 1
        for _ in range(8):
            services.outreach_record(
                actor=actor,
                held_on=today - dt.timedelta(days=rng.randint(1, 330)),
                title="《信访工作条例》宣传",
                place="街道文化广场",
                form=rng.choice(OutreachForm.values),
                organiser=actor.org.name if actor.org else "",
                materials=rng.randint(200, 3000),
                consultations=rng.randint(20, 400),
                reached=rng.randint(100, 2000),
            )
            counts["outreach_events"] += 1
        for topic in ("信访工作条例专题培训", "网上信访业务培训"):
            services.training_record(
                actor=actor,
                start_on=today - dt.timedelta(days=rng.randint(1, 330)),
                topic=topic,
                participants=rng.randint(30, 120),
                hours=Decimal(rng.choice([8, 12, 16])),
            )
            counts["training_sessions"] += 1
    return counts

"""annual_figures against a hand-computed fixture: every figure the annual report takes from the ledgers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from xinfang.ledgers import access
from xinfang.ledgers.figures import LABELS, annual_figures
from xinfang.ledgers.models import ChecklistItem
from xinfang.ledgers.services import (
    CheckInput,
    outreach_record,
    review_case_score,
    review_draw,
    review_problem_record,
    review_problem_rectify,
    risk_assess,
    risk_conclude,
    risk_register,
    suggestion_reward,
    training_record,
)
from xinfang.ledgers.tests.world import TODAY, closed_petition, suggestion
from xinfang.petitions.tests.helpers import act

pytestmark = pytest.mark.django_db
D = dt.date
START, END = D(2026, 1, 1), D(2026, 6, 30)


def _risk(user, registered, assessed=None, conclusion=None, concluded=None, title="项目"):
    r = risk_register(
        actor=user, title=title, subject_kind="project", scope_text="范围", registered_on=registered
    )
    if assessed:
        risk_assess(r, actor=user, on=assessed, risk_points="风险点", level="medium", measures="措施")
    if conclusion:
        risk_conclude(r, actor=user, on=concluded, conclusion=conclusion)
    return r


def _outreach(user, on, materials, consultations, reached):
    outreach_record(
        actor=user,
        held_on=on,
        title="宣传",
        place="广场",
        form="street",
        organiser="信访局",
        materials=materials,
        consultations=consultations,
        reached=reached,
    )


@time_machine.travel(TODAY, tick=False)
def test_it_computes_every_annual_report_figure_from_a_hand_counted_fixture(api, users, region):
    dq, cx, sup = users["dq_clerk"], users["cx_clerk"], users["dq_supervisor"]
    # 风险评估: assessed in the period → 2; one assessed the year before, one never assessed, one elsewhere.
    _risk(dq, D(2026, 3, 1), D(2026, 3, 10), "postpone", D(2026, 3, 12))  # counts; postponed (1)
    _risk(dq, D(2026, 4, 1), D(2026, 5, 1), "implement", D(2026, 5, 2))  # counts
    _risk(dq, D(2025, 12, 1), D(2025, 12, 20), "reject", D(2025, 12, 21))  # before the period
    _risk(dq, D(2026, 2, 1))  # registered only
    _risk(cx, D(2026, 3, 1), D(2026, 3, 10), "reject", D(2026, 3, 12))  # 长兴县

    # 评查: two closed matters drawn; one scored in the period, one after; problems found 2, rectified 1.
    closed_petition(api)
    closed_petition(
        api, received="2026-03-03", accept="2026-03-06", decide="2026-03-21", deliver="2026-03-24"
    )
    review = review_draw(
        actor=sup,
        unit=region["330521-ZJJ"],
        title="评查",
        period_start=D(2026, 3, 1),
        period_end=D(2026, 5, 31),
        on=D(2026, 6, 1),
        percent=100,
        seed=3,
    )
    first, second = review.cases.order_by("position")
    manual = {i.pk: CheckInput(True) for i in ChecklistItem.objects.filter(auto_rule="")}
    review_case_score(first, actor=sup, on=D(2026, 6, 10), results=manual)
    review_case_score(second, actor=sup, on=D(2026, 7, 5), results=manual)
    p1 = review_problem_record(first, actor=sup, on=D(2026, 6, 10), description="告知书未载明期限")
    review_problem_record(first, actor=sup, on=D(2026, 6, 11), description="卷宗缺送达回证")
    review_problem_record(second, actor=sup, on=D(2026, 7, 5), description="答复过简")  # after the period
    review_problem_rectify(p1, actor=users["dq_zjj"], on=D(2026, 6, 20), rectification="已整改")

    # 普法宣传: 2 events in the period; one before it; one in 长兴县.
    _outreach(dq, D(2026, 3, 15), 1200, 85, 600)
    _outreach(dq, D(2026, 6, 30), 300, 40, 120)
    _outreach(dq, D(2025, 12, 31), 999, 99, 999)
    _outreach(cx, D(2026, 3, 15), 5000, 500, 5000)
    # 培训: one in the period, one after.
    training_record(actor=dq, start_on=D(2026, 4, 1), topic="条例", participants=80, hours=Decimal("16"))
    training_record(actor=dq, start_on=D(2026, 9, 1), topic="业务", participants=45, hours=Decimal("8"))

    # 人民建议: 2 received; 1 adopted (the other not); rewarded once (twice, but one suggestion).
    adopted = suggestion(api)
    refused = suggestion(api, received="2026-04-05", accept="2026-04-06", subject="另一建议")
    act(api("dq_zjj"), adopted, "decide", "2026-04-20", outcome="adopted", opinion="采纳")
    act(api("dq_zjj"), refused, "decide", "2026-04-21", outcome="not_adopted", opinion="未采纳")
    suggestion_reward(adopted, actor=users["dq_zjj"], on=D(2026, 5, 1), form="奖金", basis="办法")
    suggestion_reward(adopted, actor=users["dq_zjj"], on=D(2026, 6, 1), form="证书", basis="办法")

    figures = annual_figures(access.visible_org_ids(dq), START, END)
    assert figures == {
        "risk_assessments": 2,
        "risk_postponed_or_rejected": 1,
        "reviewed_cases": 1,
        "review_problems_found": 2,
        "review_problems_rectified": 1,
        "outreach_events": 2,
        "outreach_materials": 1500,
        "outreach_consultations": 125,
        "outreach_reached": 720,
        "training_sessions": 1,
        "training_participants": 80,
        "training_hours": 16.0,
        "suggestions_received": 2,
        "suggestions_adopted": 1,
        "suggestions_rewarded": 1,
    }
    assert set(LABELS) == set(figures)
    # The whole year, and 长兴县 alone.
    year = annual_figures(access.visible_org_ids(dq), START, D(2026, 12, 31))
    assert (year["reviewed_cases"], year["review_problems_found"], year["training_participants"]) == (
        2,
        3,
        125,
    )
    cx_figures = annual_figures(access.visible_org_ids(cx), START, END)
    assert (cx_figures["risk_assessments"], cx_figures["risk_postponed_or_rejected"]) == (1, 1)
    assert cx_figures["outreach_materials"] == 5000 and cx_figures["suggestions_received"] == 0
    # The overview page shows them.
    from django.test import Client

    c = Client()
    c.force_login(dq)
    page = c.get("/ledgers/?start=2026-01-01&end=2026-06-30").content.decode()
    assert "发放宣传资料（份）</td><td>1500" in page


def test_it_returns_zeros_for_an_empty_period(db):
    figures = annual_figures([], START, END)
    assert set(figures) == set(LABELS) and not any(figures.values())

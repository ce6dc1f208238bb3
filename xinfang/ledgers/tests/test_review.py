"""业务规范化评查: the seeded sample, the automatic checks, scoring with overrides, problems to 整改."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from openpyxl import load_workbook  # type: ignore[import-untyped]

from xinfang.core.errors import Invalid, NotFound
from xinfang.ledgers import autochecks, sampling
from xinfang.ledgers.models import ChecklistItem, LedgerEvent, ProblemState, QualityReview
from xinfang.ledgers.services import (
    CheckInput,
    review_case_score,
    review_draw,
    review_problem_record,
    review_problem_rectify,
)
from xinfang.ledgers.services.review import review_population, review_redraw
from xinfang.ledgers.tests.world import TODAY, closed_petition, withdrawn_petition
from xinfang.petitions.models import Stage

pytestmark = pytest.mark.django_db
MARCH, MAY = dt.date(2026, 3, 1), dt.date(2026, 5, 31)
ON = dt.date(2026, 11, 20)


def test_it_draws_the_same_sample_from_the_same_seed_and_population():
    ids = list(range(100, 400, 3))
    first = sampling.draw(ids, 20260301, 12)
    assert first == sampling.draw(list(reversed(ids)), 20260301, 12)  # order of input does not matter
    assert len(first) == 12 and len(set(first)) == 12 and set(first) <= set(ids)
    assert first == sorted(first)
    assert first != sampling.draw(ids, 20260302, 12)
    # Pinned: random.Random(seed).sample over ids in ascending order is stable across Python versions.
    assert sampling.draw([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 42, 3) == sorted(
        __import__("random").Random(42).sample([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 3)
    )
    assert sampling.sample_size(45, percent=10) == 5  # rounded up
    assert sampling.sample_size(3, size=10) == 3


@pytest.fixture
def population(api):
    """Five matters 德清县住建局 closed in March–May 2026, one closed outside the period."""
    with time_machine.travel(TODAY, tick=False):
        return {
            "good": closed_petition(api),
            "late_notice": closed_petition(
                api, accept="2026-03-20", decide="2026-03-25", deliver="2026-03-26"
            ),
            "late_handling": closed_petition(
                api, accept="2026-03-05", decide="2026-05-08", deliver="2026-05-09"
            ),
            "withdrawn": withdrawn_petition(api),
            "other": closed_petition(
                api, received="2026-04-01", accept="2026-04-02", decide="2026-04-10", deliver="2026-04-13"
            ),
            "june": closed_petition(
                api, received="2026-06-01", accept="2026-06-02", decide="2026-06-10", deliver="2026-06-12"
            ),
        }


@time_machine.travel(TODAY, tick=False)
def test_it_reproduces_a_review_sample_from_its_stored_seed(population, users, region):
    ids = list(review_population(region["330521-ZJJ"], MARCH, MAY).values_list("id", flat=True))
    assert ids == sorted(v for k, v in population.items() if k != "june")
    a = review_draw(
        actor=users["dq_supervisor"],
        unit=region["330521-ZJJ"],
        title="一季度评查",
        period_start=MARCH,
        period_end=MAY,
        on=ON,
        size=3,
        seed=777,
    )
    b = review_draw(
        actor=users["dq_supervisor"],
        unit=region["330521-ZJJ"],
        title="复抽",
        period_start=MARCH,
        period_end=MAY,
        on=ON,
        size=3,
        seed=777,
    )
    sample = [c.petition_id for c in a.cases.order_by("position")]
    assert sample == [c.petition_id for c in b.cases.order_by("position")] == sampling.draw(ids, 777, 3)
    assert a.seed == 777 and a.population_count == 5
    unchanged, redrawn = review_redraw(a)
    assert unchanged and redrawn == sample
    # A different seed over the same population gives (here) another sample; a random seed is stored.
    c = review_draw(
        actor=users["dq_supervisor"],
        unit=region["330521-ZJJ"],
        title="比例抽取",
        period_start=MARCH,
        period_end=MAY,
        on=ON,
        percent=40,
    )
    assert c.cases.count() == 2  # 40% of 5
    assert [x.petition_id for x in c.cases.order_by("position")] == sampling.draw(ids, c.seed, 2)
    assert LedgerEvent.objects.filter(ledger="review", action="draw").count() == 3


@time_machine.travel(TODAY, tick=False)
def test_it_prefills_the_checks_the_system_can_decide(population, users, region):
    review = review_draw(
        actor=users["dq_supervisor"],
        unit=region["330521-ZJJ"],
        title="全部",
        period_start=MARCH,
        period_end=MAY,
        on=ON,
        percent=100,
        seed=1,
    )
    values = {
        c.petition_id: {k.item.code: k.auto_value for k in c.checks.select_related("item")}
        for c in review.cases.all()
    }
    assert values[population["good"]] == {
        "registration": None,
        "notice_on_time": True,
        "decision_complete": True,
        "delivered": True,
        "handled_on_time": True,
        "reply_quality": None,
    }
    assert values[population["late_notice"]]["notice_on_time"] is False  # accepted 03-20, due 03-17
    assert values[population["late_notice"]]["handled_on_time"] is True
    assert values[population["late_handling"]]["handled_on_time"] is False  # delivered 05-09, due 05-06
    assert values[population["withdrawn"]]["decision_complete"] is None
    assert values[population["withdrawn"]]["delivered"] is None
    assert values[population["withdrawn"]]["handled_on_time"] is None


def test_it_finds_a_decision_missing_an_element_of_article_32_and_an_undelivered_reply():
    stage = Stage(kind="handling", org_id=1, due_on=dt.date(2026, 5, 6), decided_on=dt.date(2026, 4, 1))
    stage.data = {"request": "拆除违建", "facts": "占用通道", "opinion": "不予支持", "legal_basis": " "}
    record = autochecks.Record(formal=True, stages=[stage], events=[], unit_id=1)
    value, reason = autochecks.decision_complete(record)
    assert value is False and "法律法规依据" in reason
    assert autochecks.delivered(record) == (False, "出具答复后无送达记录")
    assert autochecks.handled_on_time(record)[0] is None  # still open
    assert autochecks.decision_complete(autochecks.Record(False, [stage], []))[0] is None


@time_machine.travel(TODAY, tick=False)
def test_it_scores_a_case_and_asks_for_a_note_to_override_the_system(population, users, region):
    review = review_draw(
        actor=users["dq_supervisor"],
        unit=region["330521-ZJJ"],
        title="评查",
        period_start=MARCH,
        period_end=MAY,
        on=ON,
        percent=100,
        seed=1,
    )
    case = review.cases.get(petition_id=population["late_notice"])
    items = {i.code: i.pk for i in ChecklistItem.objects.all()}
    reviewer = users["dq_supervisor"]
    with pytest.raises(Invalid) as missing:
        review_case_score(case, actor=reviewer, on=ON, results={})
    assert missing.value.code == "required"  # 登记规范 and 答复质量 are manual
    manual = {
        items["registration"]: CheckInput(True),
        items["reply_quality"]: CheckInput(False, "答复过于简单"),
    }
    with pytest.raises(Invalid) as override:
        review_case_score(
            case, actor=reviewer, on=ON, results={**manual, items["notice_on_time"]: CheckInput(True)}
        )
    assert override.value.code == "override_note_required"
    case.refresh_from_db()
    assert case.score is None  # nothing written
    scored = review_case_score(case, actor=reviewer, on=ON, results=manual, comment="告知超期")
    # 100 points: registration 15 + decision 20 + delivered 15 + handled 20 won; notice 20 + reply 10 lost.
    assert str(scored.score) == "70.0"
    scored = review_case_score(
        case,
        actor=reviewer,
        on=ON,
        results={**manual, items["notice_on_time"]: CheckInput(True, "告知书已当面送达，系统录入延迟")},
    )
    assert str(scored.score) == "90.0"
    assert [c.item.code for c in scored.checks.all() if c.overridden] == ["notice_on_time"]
    # The reviewed unit sees the case but cannot score it; another county does not see it at all.
    with pytest.raises(Exception) as not_reviewer:
        review_case_score(case, actor=users["dq_zjj"], on=ON, results=manual)
    assert getattr(not_reviewer.value, "code", "") == "not_reviewer"
    with pytest.raises(NotFound):
        review_case_score(case, actor=users["cx_clerk"], on=ON, results=manual)


@time_machine.travel(TODAY, tick=False)
def test_it_tracks_a_problem_to_rectification(population, users, region, client):
    review = review_draw(
        actor=users["dq_supervisor"],
        unit=region["330521-ZJJ"],
        title="评查",
        period_start=MARCH,
        period_end=MAY,
        on=ON,
        size=2,
        seed=5,
    )
    case = review.cases.order_by("position")[0]
    problem = review_problem_record(
        case,
        actor=users["dq_supervisor"],
        on=ON,
        description="受理告知书未载明办理期限",
        due_on=dt.date(2026, 12, 20),
    )
    assert problem.state == ProblemState.OPEN
    with pytest.raises(Invalid) as empty:
        review_problem_rectify(problem, actor=users["dq_zjj"], on=ON, rectification=" ")
    assert empty.value.field == "rectification"
    done = review_problem_rectify(
        problem, actor=users["dq_zjj"], on=ON, rectification="已修订告知书模板并组织学习"
    )
    assert done.state == ProblemState.RECTIFIED and done.rectified_on == ON
    with pytest.raises(Exception) as again:
        review_problem_rectify(problem, actor=users["dq_zjj"], on=ON, rectification="再次")
    assert getattr(again.value, "code", "") == "already_rectified"
    # The list and its export.
    client.force_login(users["dq_supervisor"])
    page = client.get("/ledgers/reviews/problems/?state=rectified")
    assert "受理告知书未载明办理期限" in page.content.decode()
    export = client.get("/ledgers/reviews/problems/?state=open&export=xlsx")
    sheet = load_workbook(__import__("io").BytesIO(export.content)).active
    assert [c.value for c in sheet[1]][:3] == ["被评查单位", "信访件编号", "评查项目"]
    assert sheet.max_row == 1  # the only problem is rectified


@time_machine.travel(TODAY, tick=False)
def test_it_refuses_a_bad_draw_and_writes_nothing(users, region):
    kw: dict[str, Any] = dict(actor=users["dq_supervisor"], unit=region["330521-ZJJ"], title="x", on=ON)
    cases: list[tuple[dict[str, Any], str]] = [
        (dict(period_start=MAY, period_end=MARCH, size=1), "period_reversed"),
        (dict(period_start=MARCH, period_end=MAY), "size_or_percent"),
        (dict(period_start=MARCH, period_end=MAY, size=2, percent=10), "size_or_percent"),
        (dict(period_start=MARCH, period_end=MAY, percent=150), "percent_range"),
        (dict(period_start=dt.date(2020, 1, 1), period_end=dt.date(2020, 2, 1), size=1), "empty_population"),
    ]
    for extra, code in cases:
        with pytest.raises(Invalid) as error:
            review_draw(**kw, **extra)
        assert error.value.code == code
    with pytest.raises(Invalid) as scope_error:
        review_draw(**{**kw, "unit": region["330522-ZJJ"]}, period_start=MARCH, period_end=MAY, size=1)
    assert scope_error.value.code == "org_out_of_scope"
    assert QualityReview.objects.count() == 0


@time_machine.travel(TODAY, tick=False)
def test_it_draws_through_the_page_and_exports_the_list(population, users, region, client):
    client.force_login(users["dq_supervisor"])
    response = client.post(
        "/ledgers/reviews/new/",
        {
            "title": "住建局评查",
            "unit": region["330521-ZJJ"].pk,
            "period_start": "2026-03-01",
            "period_end": "2026-05-31",
            "size": "",
            "percent": "",
            "seed": "9",
            "on": "2026-11-20",
        },
    )
    assert "请填写抽取件数或抽取比例" in response.content.decode()  # error shown, typed data kept
    assert 'value="住建局评查"' in response.content.decode()
    response = client.post(
        "/ledgers/reviews/new/",
        {
            "title": "住建局评查",
            "unit": region["330521-ZJJ"].pk,
            "period_start": "2026-03-01",
            "period_end": "2026-05-31",
            "size": "2",
            "seed": "9",
            "on": "2026-11-20",
        },
    )
    review = QualityReview.objects.get()
    assert response.status_code == 302 and review.seed == 9
    detail = client.get(f"/ledgers/reviews/{review.pk}/").content.decode()
    assert "按种子重新抽取结果一致" in detail
    export = client.get("/ledgers/reviews/?export=xlsx")
    sheet = load_workbook(__import__("io").BytesIO(export.content)).active
    assert sheet["A1"].value == "评查名称" and sheet["A2"].value == "住建局评查" and sheet["I2"].value == 9
    client.force_login(users["cx_clerk"])
    assert client.get(f"/ledgers/reviews/{review.pk}/").status_code == 404
    assert "住建局评查" not in client.get("/ledgers/reviews/").content.decode()

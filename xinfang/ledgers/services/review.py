"""业务规范化评查: draw a seeded sample of closed petitions, score them, track problems to 整改.

The population for a unit and period: petitions that ended (a terminal state) with `closed_on` in the
period and that the unit handled (held a stage) or registered. Drawn with `sampling.draw` (seeded), so
the same seed over the same population gives the same sample; the seed and a digest of the population
are stored for audit.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from xinfang.core.errors import IllegalTransition, Invalid
from xinfang.ledgers import access, autochecks, sampling
from xinfang.ledgers.models import (
    CaseCheck,
    ChecklistItem,
    ProblemState,
    QualityReview,
    ReviewCase,
    ReviewProblem,
)
from xinfang.ledgers.services import _base
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import TERMINAL_STATES, Petition, Stage

LEDGER = "review"
MAX_SEED = 2**31 - 1


def review_population(unit: Org | int, start: dt.date, end: dt.date) -> QuerySet[Petition]:
    """Closed petitions of a unit in [start, end], ordered by id (the order the draw relies on)."""
    unit_id = unit if isinstance(unit, int) else unit.pk
    held = Stage.objects.filter(petition=OuterRef("pk"), org_id=unit_id)
    return (
        Petition.objects.filter(state__in=TERMINAL_STATES, closed_on__gte=start, closed_on__lte=end)
        .filter(Q(registered_org_id=unit_id) | Exists(held))
        .exclude(accused_org_id=unit_id)  # 第三十条第三款: never put the accusation before the accused
        .order_by("id")
    )


def review_draw(
    *,
    actor: User,
    unit: Org | int,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    on: dt.date,
    size: int | None = None,
    percent: int | None = None,
    seed: int | None = None,
) -> QualityReview:
    """Draw the sample and open one case per petition, with the checks the system can decide pre-filled."""
    _base.require_user(actor)
    title = _base.require_text(title, "title", "评查名称")
    if period_start is None or period_end is None:
        raise Invalid("period_start", "请填写办结时间段。", code="required")
    if period_start > period_end:
        raise Invalid("period_end", "办结止日不能早于起日。", code="period_reversed")
    if (size is None) == (percent is None):
        raise Invalid("size", "请填写抽取件数或抽取比例（二选一）。", code="size_or_percent")
    if size is not None and size < 1:
        raise Invalid("size", "抽取件数至少为1。", code="min_value")
    if percent is not None and not 1 <= percent <= 100:
        raise Invalid("percent", "抽取比例应为1至100。", code="percent_range")
    if seed is None:
        seed = secrets.randbelow(MAX_SEED)
    elif not 0 <= seed <= MAX_SEED:
        raise Invalid("seed", f"随机种子应为0至{MAX_SEED}的整数。", code="seed_range")
    on = _base.check_date(on, "on", "抽取日期")
    items = list(ChecklistItem.objects.filter(is_active=True))
    if not items:
        raise Invalid("title", "评查项目清单为空，请管理员先在系统管理中设置评查项目。", code="no_checklist")
    with transaction.atomic(durable=True):
        unit_org = access.require_org(actor, unit, field="unit")
        ids = list(review_population(unit_org, period_start, period_end).values_list("id", flat=True))
        if not ids:
            raise Invalid("unit", "该单位在此期间没有已办结的信访事项。", code="empty_population")
        n = sampling.sample_size(len(ids), size=size, percent=percent)
        chosen = sampling.draw(ids, seed, n)
        reviewer = actor.org
        assert reviewer is not None
        review = QualityReview.objects.create(
            org=reviewer,
            unit=unit_org,
            title=title,
            period_start=period_start,
            period_end=period_end,
            sample_size=size,
            sample_percent=percent,
            seed=seed,
            population_count=len(ids),
            population_digest=sampling.digest(ids),
            created_on=on,
            created_by=actor,
        )
        petitions = Petition.objects.filter(pk__in=chosen).prefetch_related("stages", "events").order_by("id")
        for position, petition in enumerate(petitions, start=1):
            case = ReviewCase.objects.create(review=review, petition=petition, position=position)
            record = autochecks.record_of(petition, unit_org.pk)
            checks = []
            for item in items:
                value, reason = autochecks.evaluate(item.auto_rule, record)
                checks.append(
                    CaseCheck(
                        case=case,
                        item=item,
                        weight=item.weight,
                        auto_value=value,
                        auto_reason=reason[:200],
                        passed=value,
                    )
                )
            CaseCheck.objects.bulk_create(checks)
        _base.audit(
            LEDGER, review, "draw", actor=actor, org=review.org_id, seed=seed, population=len(ids), drawn=n
        )
        return review


def review_redraw(review: QualityReview) -> tuple[bool, list[int]]:
    """Re-draw from the stored seed over today's population: (population unchanged, sample ids)."""
    ids = list(
        review_population(review.unit_id, review.period_start, review.period_end).values_list("id", flat=True)
    )
    n = sampling.sample_size(len(ids), size=review.sample_size, percent=review.sample_percent)
    return sampling.digest(ids) == review.population_digest, sampling.draw(ids, review.seed, n)


@dataclass(frozen=True)
class CheckInput:
    passed: bool | None
    note: str = ""


def _lock_case(case: ReviewCase | int, actor: User) -> ReviewCase:
    pk = case if isinstance(case, int) else case.pk
    access.get_scoped(ReviewCase.objects.all(), actor, pk, "review__org", "review__unit", label="评查案卷")
    return ReviewCase.objects.select_for_update().select_related("review").get(pk=pk)


def score_of(checks: list[CaseCheck]) -> Decimal | None:
    """Points won over points at stake: items that do not apply (no value) are left out."""
    at_stake = sum(c.weight for c in checks if c.passed is not None)
    if not at_stake:
        return None
    won = sum(c.weight for c in checks if c.passed)
    return (Decimal(100) * won / at_stake).quantize(Decimal("0.1"))


def review_case_score(
    case: ReviewCase | int,
    *,
    actor: User,
    on: dt.date,
    results: Mapping[int, CheckInput],
    comment: str = "",
) -> ReviewCase:
    """Score a case: every manual item needs a value; overriding the system's value needs a note."""
    with transaction.atomic(durable=True):
        locked = _lock_case(case, actor)
        if actor.org_id != locked.review.org_id:
            raise IllegalTransition("只有评查单位可以评分。", code="not_reviewer")
        on = _base.check_date(on, "on", "评查日期")
        if on < locked.review.created_on:
            raise Invalid("on", "评查日期不能早于抽取日期。", code="date_before_draw")
        checks = list(locked.checks.select_related("item"))
        for check in checks:
            given = results.get(check.item_id, CheckInput(check.passed, check.note))
            note = (given.note or "").strip()[:300]
            field = f"check_{check.item_id}"
            if given.passed is None and not check.item.auto_rule:
                raise Invalid(field, f"请评定“{check.item.label}”。", code="required")
            if check.auto_value is not None and given.passed != check.auto_value and not note:
                raise Invalid(
                    field,
                    f"“{check.item.label}”与系统判定（{check.auto_reason}）不一致，请说明理由。",
                    code="override_note_required",
                )
            check.passed = given.passed
            check.note = note
        CaseCheck.objects.bulk_update(checks, ["passed", "note"])
        locked.score = score_of(checks)
        locked.scored_on = on
        locked.scored_by = actor
        locked.comment = (comment or "").strip()
        locked.save()
        _base.audit(
            LEDGER,
            locked.review,
            "score",
            actor=actor,
            org=locked.review.org_id,
            case=locked.pk,
            score=str(locked.score),
            overridden=[c.item.code for c in checks if c.overridden],
        )
        return locked


def review_problem_record(
    case: ReviewCase | int,
    *,
    actor: User,
    on: dt.date,
    description: str,
    item: ChecklistItem | int | None = None,
    due_on: dt.date | None = None,
) -> ReviewProblem:
    """A problem found in a case, to be rectified (整改) by the unit."""
    with transaction.atomic(durable=True):
        locked = _lock_case(case, actor)
        if actor.org_id != locked.review.org_id:
            raise IllegalTransition("只有评查单位可以登记问题。", code="not_reviewer")
        on = _base.check_date(on, "on", "发现日期")
        if due_on is not None and due_on < on:
            raise Invalid("due_on", "整改期限不能早于发现日期。", code="due_before_found")
        problem = ReviewProblem.objects.create(
            case=locked,
            item_id=item if isinstance(item, int) or item is None else item.pk,
            description=_base.require_text(description, "description", "问题描述"),
            found_on=on,
            due_on=due_on,
        )
        _base.audit(
            LEDGER, locked.review, "problem", actor=actor, org=locked.review.org_id, problem=problem.pk
        )
        return problem


def review_problem_rectify(
    problem: ReviewProblem | int, *, actor: User, on: dt.date, rectification: str
) -> ReviewProblem:
    """整改 to closure: the reviewed unit (or the reviewer) records what was done."""
    pk = problem if isinstance(problem, int) else problem.pk
    with transaction.atomic(durable=True):
        access.get_scoped(
            ReviewProblem.objects.all(),
            actor,
            pk,
            "case__review__org",
            "case__review__unit",
            label="评查问题",
        )
        locked = ReviewProblem.objects.select_for_update().select_related("case__review").get(pk=pk)
        if locked.state == ProblemState.RECTIFIED:
            raise IllegalTransition("该问题已整改完毕。", code="already_rectified")
        on = _base.check_date(on, "on", "整改完成日期")
        if on < locked.found_on:
            raise Invalid("on", "整改完成日期不能早于发现日期。", code="date_before_found")
        locked.rectification = _base.require_text(rectification, "rectification", "整改情况")
        locked.rectified_on = on
        locked.state = ProblemState.RECTIFIED
        locked.save()
        review = locked.case.review
        _base.audit(LEDGER, review, "rectify", actor=actor, org=review.org_id, problem=locked.pk, on=on)
        return locked

"""人民建议征集 (第二十九条): study, acting units, reward, and consent to publish.

第二十九条: 对信访人提出的建议意见类事项，有关机关、单位应当认真研究论证。对科学合理、具有现实可行性的，
应当采纳或者部分采纳，并予以回复。信访人反映的情况、提出的建议意见对国民经济和社会发展或者对改进工作
以及保护社会公共利益有贡献的，应当按照有关规定给予奖励。

Adoption itself (采纳 / 部分采纳 / 未采纳 with the reply) is the petition's `decide`
(xinfang.petitions.services.petition_decide); this module records what surrounds it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction

from xinfang.core.errors import IllegalTransition, Invalid
from xinfang.ledgers import access
from xinfang.ledgers.models import Reward, SuggestionRecord
from xinfang.ledgers.services import _base
from xinfang.orgs import scope
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import Kind, Outcome, Petition

LEDGER = "suggestion"
ADOPTED = (Outcome.ADOPTED, Outcome.PARTLY_ADOPTED)


def _record_for(petition: Petition | int, actor: User) -> tuple[Petition, SuggestionRecord]:
    """The suggestion as the actor may see it (404 otherwise), with its ledger row locked."""
    _base.require_user(actor)
    scope.require_acting_role(actor)
    pk = petition if isinstance(petition, int) else petition.pk
    found = scope.get_petition_for(actor, pk)
    if found.kind != Kind.SUGGESTION:
        raise IllegalTransition("该信访件不是建议意见类事项。", code="not_a_suggestion")
    record, _ = SuggestionRecord.objects.get_or_create(petition=found)
    return found, SuggestionRecord.objects.select_for_update().get(pk=record.pk)


def adoption_outcome(petition: Petition) -> str:
    """The latest decide outcome on the suggestion (采纳 / 部分采纳 / 未采纳), or "" if not decided."""
    stage = (
        petition.stages.filter(outcome__in=(*ADOPTED, Outcome.NOT_ADOPTED), decided_on__isnull=False)
        .order_by("-decided_on", "-id")
        .first()
    )
    return stage.outcome if stage else ""


def suggestion_study(petition: Petition | int, *, actor: User, on: dt.date, study: str) -> SuggestionRecord:
    """研究论证: how the suggestion was studied (experts consulted, feasibility)."""
    with transaction.atomic(durable=True):
        found, record = _record_for(petition, actor)
        on = _base.check_date(on, "on", "研究论证日期")
        if on < found.received_on:
            raise Invalid("on", "研究论证日期不能早于收到日期。", code="date_before_receipt")
        record.study = _base.require_text(study, "study", "研究论证情况")
        record.studied_on = on
        record.save()
        _base.audit(LEDGER, record, "study", actor=actor, petition=found.pk, on=on)
        return record


def suggestion_set_units(
    petition: Petition | int, *, actor: User, unit_ids: Iterable[int], action_taken: str
) -> SuggestionRecord:
    """The units that acted on an adopted suggestion and what they did."""
    with transaction.atomic(durable=True):
        found, record = _record_for(petition, actor)
        if adoption_outcome(found) not in ADOPTED:
            raise IllegalTransition("建议被采纳或部分采纳后才能登记落实单位。", code="not_adopted")
        ids = sorted(set(unit_ids))
        if not ids:
            raise Invalid("units", "请选择采纳落实单位。", code="required")
        units = list(Org.objects.filter(pk__in=ids))
        if len(units) != len(ids):
            raise Invalid("units", "落实单位不存在。", code="unknown_org")
        record.acting_units.set(units)
        record.action_taken = _base.require_text(action_taken, "action_taken", "落实情况")
        record.save()
        _base.audit(LEDGER, record, "units", actor=actor, petition=found.pk, units=ids)
        return record


def suggestion_consent(
    petition: Petition | int, *, actor: User, on: dt.date, consent: bool, public_summary: str = ""
) -> SuggestionRecord:
    """Record whether the petitioner agreed to publish; a published one needs a summary without personal data."""
    with transaction.atomic(durable=True):
        found, record = _record_for(petition, actor)
        on = _base.check_date(on, "on", "登记日期")
        summary = (public_summary or "").strip()
        if consent and not summary:
            raise Invalid("public_summary", "同意公开的，请填写公开摘要（不含个人信息）。", code="required")
        record.publish_consent = bool(consent)
        record.consent_recorded_on = on
        record.public_summary = summary
        record.save()
        _base.audit(LEDGER, record, "consent", actor=actor, petition=found.pk, consent=consent)
        return record


def suggestion_reward(
    petition: Petition | int,
    *,
    actor: User,
    on: dt.date,
    form: str,
    basis: str,
    amount: Decimal | None = None,
    org: Org | int | None = None,
) -> Reward:
    """第二十九条第二款: a reward for a suggestion that contributed; only for adopted ones."""
    with transaction.atomic(durable=True):
        found, record = _record_for(petition, actor)
        if adoption_outcome(found) not in ADOPTED:
            raise IllegalTransition("建议被采纳或部分采纳后才能登记奖励。", code="not_adopted")
        on = _base.check_date(on, "on", "奖励日期")
        if amount is not None and amount < 0:
            raise Invalid("amount", "奖金不能为负数。", code="min_value")
        reward = Reward.objects.create(
            record=record,
            org=access.require_org(actor, org),
            on=on,
            form=_base.require_text(form, "form", "奖励形式")[:50],
            basis=_base.require_text(basis, "basis", "奖励依据")[:200],
            amount=amount,
            by=actor,
        )
        _base.audit(LEDGER, record, "reward", actor=actor, org=reward.org_id, petition=found.pk, on=on)
        return reward

"""Shared machinery of the petition services: locking, date guards, stages, events, documents.

Every public service function follows one shape (STYLE.md §2):

    with transaction.atomic(durable=True):
        petition = lock(petition_id, actor)      # row lock: two clerks cannot both act
        guards ...                               # raise before anything is written
        writes ...                               # stages, event, document, derived state

so an error leaves nothing half-written, and the second of two concurrent calls sees the first's
result when it gets the lock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone

from xinfang.core.errors import Forbidden, IllegalTransition, Invalid
from xinfang.deadlines.compute import DueDate, compute_due
from xinfang.deadlines.rules import rule
from xinfang.documents.render import format_date_zh, render_document
from xinfang.holidays.selectors import work_calendar
from xinfang.orgs import scope
from xinfang.orgs.models import Org, User
from xinfang.petitions.models import (
    ACCEPTED_STATES,
    TERMINAL_STATES,
    Document,
    Event,
    Outcome,
    Petition,
    Stage,
    StageKind,
    State,
)


def today() -> dt.date:
    return timezone.localdate()


def lock(petition: Petition | int, actor: User | None, *, petitioner_may: bool = False) -> Petition:
    """Re-read the petition under a row lock, as this user may see it (404 otherwise).

    `actor=None` is the petitioner acting through the public portal, which has already checked the
    查询码 and phone digits; only the acts a petitioner may do accept it.
    """
    pk = petition if isinstance(petition, int) else petition.pk
    if actor is None:
        if not petitioner_may:
            raise Forbidden("只有工作人员可以办理此事项。", code="staff_only")
        found = Petition.objects.select_for_update().filter(pk=pk).first()
        if found is None:
            from xinfang.core.errors import NotFound

            raise NotFound("信访件不存在。")
        return found
    return scope.get_petition_for(actor, pk, for_update=True)


def require_staff_or_petitioner(actor: User | None) -> None:
    """Petitioner-side acts: a staff member recording them, or the petitioner at the portal."""
    if actor is not None:
        scope.require_acting_role(actor)


def check_on(petition: Petition, on: dt.date) -> None:
    """`on` is the legal date of the act: never in the future, never before the previous act."""
    if on > today():
        raise Invalid("on", "办理日期不能晚于今天。", code="date_in_future")
    if on < petition.last_action_on:
        raise Invalid(
            "on",
            f"办理日期不能早于上一办理环节的日期（{format_date_zh(petition.last_action_on)}）。",
            code="date_before_previous_act",
        )


def require_state(petition: Petition, *states: str, action: str) -> None:
    if petition.state not in states:
        raise IllegalTransition(
            f"信访件当前状态为“{petition.get_state_display()}”，不能执行“{action}”。",
            code="illegal_transition",
        )


def require_not_terminal(petition: Petition, action: str) -> None:
    if petition.state in TERMINAL_STATES and petition.state != State.ANSWERED:
        raise IllegalTransition(
            f"信访件已{petition.get_state_display()}，不能执行“{action}”。", code="illegal_transition"
        )


def open_stages(petition: Petition, *kinds: str) -> QuerySet[Stage]:
    qs = petition.stages.filter(closed_on__isnull=True)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.select_related("org", "from_org").order_by("id")


def held_stage(petition: Petition, actor: User, *kinds: str, action: str) -> Stage:
    """The open stage of one of `kinds` that the actor's org holds (409 if none, 403 if another's)."""
    stages = list(open_stages(petition, *kinds))
    if not stages:
        raise IllegalTransition(
            f"信访件当前状态为“{petition.get_state_display()}”，不能执行“{action}”。",
            code="illegal_transition",
        )
    acting = scope.acting_org_ids(actor)
    mine = [s for s in stages if s.org_id in acting]
    scope.require_acting_role(actor)
    if not mine:
        if petition.stages.filter(org_id__in=acting, kind__in=kinds, closed_on__isnull=False).exists():
            # This org held this very step and has passed the matter on (e.g. the loser of two concurrent
            # transfers): a conflict with the current state, not a question of scope.
            raise IllegalTransition(
                f"该信访件已由{stages[0].org.name}办理，本单位不能再执行“{action}”。",
                code="illegal_transition",
            )
        scope.require_acts_for(actor, stages[0].org_id)
    return mine[0]


def due(rule_key: str, start: dt.date, *, extension_days: int = 0, paused_days: int = 0) -> DueDate:
    return compute_due(
        rule(rule_key),
        start,
        calendar=work_calendar(),
        extension_days=extension_days,
        paused_days=paused_days,
        roll_to_workday=settings.XINFANG_ROLL_TO_WORKDAY,
    )


def open_stage(
    petition: Petition,
    kind: str,
    org: Org,
    on: dt.date,
    *,
    rule_key: str | None = None,
    due_on: dt.date | None = None,
    start: dt.date | None = None,
    from_org: Org | None = None,
    data: dict[str, Any] | None = None,
) -> Stage:
    """Open a stage whose due date comes from a legal rule, or (a 交办 report) from a set date."""
    if rule_key is not None:
        computed = due(rule_key, start or on)
        due_on_value, basis = computed.due_on, {**computed.as_dict(), "explain": computed.explain()}
    else:
        assert due_on is not None
        due_on_value = due_on
        basis = {
            "rule_key": "set_by_sender",
            "start": on.isoformat(),
            "due_on": due_on.isoformat(),
            "article": "《信访工作条例》第二十二条第三项",
            "explain": f"交办单位指定于{format_date_zh(due_on)}前反馈办理结果、提交办结报告。",
        }
    return Stage.objects.create(
        petition=petition,
        kind=kind,
        org=org,
        from_org=from_org,
        rule=rule_key or "set_by_sender",
        opened_on=on,
        due_on=due_on_value,
        due_basis=basis,
        data=data or {},
    )


def recompute_due(stage: Stage) -> None:
    """Recompute a stage's due date after an extension or a pause (the only times it moves)."""
    start = dt.date.fromisoformat(stage.due_basis["start"])
    computed = due(stage.rule, start, extension_days=stage.extended_days, paused_days=stage.paused_days)
    stage.due_on = computed.due_on
    stage.due_basis = {**computed.as_dict(), "explain": computed.explain()}


def close_stage(stage: Stage, on: dt.date, outcome: str) -> None:
    stage.closed_on = on
    stage.outcome = outcome
    if stage.paused_since is not None:
        stage.paused_days += (on - stage.paused_since).days
        stage.paused_since = None
    stage.save()


def close_all(petition: Petition, on: dt.date, outcome: str, kinds: Iterable[str] = ()) -> None:
    for stage in open_stages(petition, *kinds):
        close_stage(stage, on, outcome)


def remember_related(instance: Model, name: str, objects: Sequence[Model]) -> None:
    """Let `instance.<name>.all()` answer from `objects` just written, as prefetch_related would.

    Only for rows this transaction has just created (the full set of that relation).
    """
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    cache = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    cache[name] = queryset  # a reverse foreign key is cached under its related_name


def record(
    petition: Petition,
    action: str,
    *,
    actor: User | None,
    on: dt.date,
    org: Org | None,
    stage: Stage | None = None,
    data: dict[str, Any] | None = None,
) -> Event:
    """Append the act to the petition's timeline; call it once the act's other writes are done.

    The statistics' roll-ups follow the act in the same transaction (`petition_facts_refresh`), so the
    figures of 第四十一条's annual report equal the live definition at every moment.
    """
    from xinfang.reports.facts import petition_facts_refresh

    data = dict(data or {})
    if actor is None:
        data.setdefault("via", "portal")
    event = Event.objects.create(
        petition=petition, stage=stage, action=action, on=on, actor=actor, org=org, data=data
    )
    petition_facts_refresh(petition.pk)
    return event


def document_context(petition: Petition, **extra: Any) -> dict[str, str]:
    names = "、".join(p.name for p in petition.petitioners.all())
    context = {
        "petition_number": petition.number,
        "query_code": petition.query_code,
        "subject": petition.subject,
        "received_on": format_date_zh(petition.received_on),
        "channel": petition.get_channel_display(),
        "petitioner_names": names,
        "request": petition.request,
        "facts": petition.content,
        # 第三十条第三款: accusation content travels only to the competent body, never in unit copies.
        "confidential": "1" if petition.kind == "accusation" else "",
    }
    for key, value in extra.items():
        if isinstance(value, dt.date):
            context[key] = format_date_zh(value)
        elif value is None:
            context[key] = ""
        else:
            context[key] = str(value)
    return context


def issue(
    petition: Petition,
    event: Event,
    kind: str,
    *,
    issuing_org: Org,
    on: dt.date,
    to_org: Org | None = None,
    **context: Any,
) -> Document:
    """Render and store a written notice; its text is frozen from now on."""
    context.setdefault("issuing_org", issuing_org.name)
    context.setdefault("on", on)
    if to_org is not None:
        context.setdefault("to_org", to_org.name)
    rendered = render_document(kind, document_context(petition, **context))
    seq = petition.documents.count() + 1
    return Document.objects.create(
        petition=petition,
        event=event,
        kind=kind,
        number=f"{petition.number}-{seq:02d}",
        title=rendered.title,
        text=rendered.text,
        addressee="unit" if to_org is not None else "petitioner",
        to_org=to_org,
        issuing_org=issuing_org,
        issued_on=on,
    )


# The petition's visible state follows its main open stage (the report of a 交办 runs beside it).
_STATE_BY_STAGE = {
    StageKind.OBJECTION: State.OBJECTED,
    StageKind.TRIAGE: State.REGISTERED,
    StageKind.NOTICE: State.AWAITING_ACCEPTANCE,
    StageKind.HANDLING: State.IN_HANDLING,
    StageKind.REVIEW: State.IN_REVIEW,
    StageKind.REEXAMINATION: State.IN_REEXAMINATION,
}


def derive_state(petition: Petition, on: dt.date, *, closed_as: str | None = None) -> None:
    """Set `state` from the open stages, or to `closed_as` when none is open; save the petition.

    Also keeps `next_due_on`, the earliest due date of the open stages whose clock runs.
    """
    opened = list(open_stages(petition))
    running = [s.due_on for s in opened if s.paused_since is None]
    petition.next_due_on = min(running) if running else None
    main = [s for s in opened if s.kind != StageKind.REPORT]
    if main:
        stage = main[0]
        petition.state = (
            State.AWAITING_DELIVERY if stage.decided_on else _STATE_BY_STAGE[StageKind(stage.kind)]
        )
        petition.closed_on = None
    else:
        assert closed_as is not None, "a transition that closes every stage must say how the petition ended"
        petition.state = closed_as
        petition.closed_on = on
    petition.last_action_on = on
    petition.save(
        update_fields=[
            "state",
            "closed_on",
            "next_due_on",
            "last_action_on",
            "appeal_until",
            "appeal_basis",
            "is_final",
        ]
    )


def is_accepted(petition: Petition) -> bool:
    return petition.state in ACCEPTED_STATES


def require_text(value: str, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(field, f"请填写{label}。", code="required")
    return value


__all__ = [
    "Outcome",
    "StageKind",
    "State",
    "check_on",
    "close_all",
    "close_stage",
    "derive_state",
    "document_context",
    "due",
    "held_stage",
    "issue",
    "lock",
    "open_stage",
    "open_stages",
    "recompute_due",
    "record",
    "require_not_terminal",
    "require_state",
    "require_text",
    "today",
]

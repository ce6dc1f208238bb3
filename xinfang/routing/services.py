"""State changes of the routing app: training, rules, feedback, vectors, repeat links, hotspot alerts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Max
from django.forms.models import model_to_dict
from django.utils import timezone

from xinfang.core.crypto import blind_index
from xinfang.core.errors import Forbidden, IllegalTransition, Invalid
from xinfang.orgs import scope
from xinfang.orgs.models import Role, User
from xinfang.petitions.models import Petition, Petitioner, Stage, StageKind
from xinfang.petitions.services import _base
from xinfang.routing import clusters, pairs
from xinfang.routing import text as tx
from xinfang.routing.classifier import TextClassifier, cross_validate
from xinfang.routing.models import (
    EscalateTo,
    HotspotAlert,
    HotspotStatus,
    KeywordRule,
    PersonKey,
    PetitionVector,
    RoutingModel,
    RuleChange,
    SuggestionFeedback,
    UnitRule,
)

MIN_TRAINING_ROWS = 10


# --- training ------------------------------------------------------------------------------------


MAX_TRAINING_ROWS = 20_000  # the most recent closed petitions: enough to learn from, bounded in memory
KEEP_MODEL_BLOBS = 3  # older versions keep their figures (shown to admins) but not their weights


def training_rows(limit: int = MAX_TRAINING_ROWS) -> list[tuple[int, str, str | None, str | None]]:
    """(petition id, document, category code, unit code) from history and clerks' feedback.

    History: the `limit` most recently closed petitions with a category; their unit is the org of the
    last 办理 stage. Feedback: the value a clerk chose last for a petition overrides (or adds) its label.
    """
    rows: dict[int, list[Any]] = {}
    closed = (
        Petition.objects.filter(closed_on__isnull=False, category__isnull=False)
        .order_by("-closed_on", "-pk")
        .values_list("pk", "subject", "content", "category__code")[:limit]
    )
    for pk, subject, content, cat in closed:
        rows[pk] = [tx.document(subject, content), cat, None]
    last_handling = (
        Stage.objects.filter(petition_id__in=list(rows), kind=StageKind.HANDLING)
        .values("petition_id")
        .annotate(last=Max("id"))
        .values_list("last", flat=True)
    )
    for pid, code in Stage.objects.filter(pk__in=list(last_handling)).values_list("petition_id", "org__code"):
        rows[pid][2] = code
    feedback = SuggestionFeedback.objects.order_by("id").values_list("petition_id", "field", "chosen")
    for pid, field, chosen in feedback:
        if pid not in rows:
            p = Petition.objects.filter(pk=pid).values_list("subject", "content").first()
            if p is None:
                continue
            rows[pid] = [tx.document(*p), None, None]
        rows[pid][1 if field == SuggestionFeedback.Field.CATEGORY else 2] = chosen
    return [(pk, r[0], r[1], r[2]) for pk, r in sorted(rows.items())]


def training_vectors(ids: list[int], docs: list[str]) -> tx.FloatArray | None:
    """Sentence vectors of the training petitions: the ones stored after registration, the rest encoded
    now (once, shared by the category and unit models and their cross-validation). None without encoder.
    """
    name = tx.encoder_name()
    if name == "none":
        return None
    stored: dict[int, bytes] = {
        pid: bytes(blob)
        for pid, blob in PetitionVector.objects.filter(
            petition_id__in=ids, encoder=name, embedding__isnull=False
        ).values_list("petition_id", "embedding")
        if blob
    }
    out = np.zeros((len(ids), tx.ENCODER_DIM), dtype=np.float32)
    missing = [k for k, pid in enumerate(ids) if pid not in stored]
    for k, pid in enumerate(ids):
        if pid in stored:
            out[k] = np.frombuffer(stored[pid], dtype=np.float16).astype(np.float32)
    if missing:
        encoded = tx.encode([docs[k] for k in missing])
        if encoded is None:
            return None
        out[missing] = encoded
    return out


def _fit(
    docs: list[str], labels: list[str], vectors: tx.FloatArray | None
) -> tuple[TextClassifier | None, float | None, float | None]:
    if len(docs) < MIN_TRAINING_ROWS or len(set(labels)) < 2:
        return None, None, None
    f1, acc = (
        cross_validate(docs, labels, folds=5, vectors=vectors)
        if min(labels.count(x) for x in set(labels)) >= 2
        else (None, None)
    )
    return TextClassifier().fit(docs, labels, vectors), f1, acc


def routing_train(*, actor: User | None = None) -> RoutingModel:
    """Train a new version of the category and unit classifiers from the bureau's own history.

    Run by `xinfang routing train` and, on a schedule, by the task `train_routing_model`. Each version
    stores when it was trained, on how many rows, and its 5-fold cross-validated accuracy and macro-F1.
    Raises Invalid("no_history") when there are too few closed petitions: the rules answer meanwhile.
    """
    rows = training_rows()
    cat_rows = [(pk, d, c) for pk, d, c, _ in rows if c]
    if len(cat_rows) < MIN_TRAINING_ROWS or len({c for _, _, c in cat_rows}) < 2:
        raise Invalid(
            "history",
            f"已办结并分类的信访件不足{MIN_TRAINING_ROWS}件（现有{len(cat_rows)}件），暂由分办规则提供建议。",
            code="no_history",
        )
    ids = [pk for pk, _, _, _ in rows]
    vectors = training_vectors(ids, [d for _, d, _, _ in rows])
    position = {pk: k for k, pk in enumerate(ids)}

    def subset(picked: list[int]) -> tx.FloatArray | None:
        return None if vectors is None else vectors[[position[pk] for pk in picked]]

    cat_clf, f1, acc = _fit(
        [d for _, d, _ in cat_rows], [c for _, _, c in cat_rows], subset([pk for pk, _, _ in cat_rows])
    )
    unit_rows = [(pk, d, u) for pk, d, _, u in rows if u]
    unit_clf, _, unit_acc = _fit(
        [d for _, d, _ in unit_rows], [u for _, _, u in unit_rows], subset([pk for pk, _, _ in unit_rows])
    )
    n_feedback = SuggestionFeedback.objects.values("petition_id").distinct().count()
    with transaction.atomic(durable=True):
        # Lock the latest version (if any): two trainings at once number their versions one after the other.
        last = (
            RoutingModel.objects.select_for_update()
            .order_by("-version")
            .values_list("version", flat=True)
            .first()
        ) or 0
        model = RoutingModel.objects.create(
            version=last + 1,
            trained_at=timezone.now(),
            n_train=len(cat_rows),
            n_feedback=n_feedback,
            cv_accuracy=acc,
            cv_macro_f1=f1,
            unit_cv_accuracy=unit_acc,
            encoder=cat_clf.encoder if cat_clf else "none",
            category_model=cat_clf.dumps() if cat_clf else None,
            unit_model=unit_clf.dumps() if unit_clf else None,
            trained_by=actor,
        )
        RoutingModel.objects.filter(version__lte=model.version - KEEP_MODEL_BLOBS).exclude(
            category_model=None, unit_model=None
        ).update(category_model=None, unit_model=None)
    return model


# --- rules (admin-edited, with history) -------------------------------------------------------------


def _rule_dict(rule: KeywordRule | UnitRule) -> dict[str, Any]:
    return {k: v for k, v in model_to_dict(rule).items() if k != "id"}


def rule_save(rule: KeywordRule | UnitRule, *, actor: User | None) -> KeywordRule | UnitRule:
    """Create or update a routing rule and record the change (before/after) in RuleChange."""
    kind = "keyword" if isinstance(rule, KeywordRule) else "unit"
    if isinstance(rule, KeywordRule) and not rule.words():
        raise Invalid("keywords", "请填写至少一个关键词。", code="required")
    with transaction.atomic(durable=True):
        before: dict[str, Any] = {}
        if rule.pk:
            old = type(rule).objects.select_for_update().filter(pk=rule.pk).first()
            before = _rule_dict(old) if old else {}
        action = "update" if before else "create"
        rule.save()
        RuleChange.objects.create(
            rule_type=kind, rule_id=rule.pk, action=action, before=before, after=_rule_dict(rule), actor=actor
        )
    return rule


def rule_delete(rule: KeywordRule | UnitRule, *, actor: User | None) -> None:
    kind = "keyword" if isinstance(rule, KeywordRule) else "unit"
    with transaction.atomic(durable=True):
        RuleChange.objects.create(
            rule_type=kind, rule_id=rule.pk, action="delete", before=_rule_dict(rule), after={}, actor=actor
        )
        rule.delete()


# --- feedback --------------------------------------------------------------------------------------


def suggestion_feedback_record(
    petition: Petition,
    *,
    actor: User,
    field: str,
    chosen: str,
    suggested: str = "",
    confidence: float | None = None,
    source: str = "",
    model_version: int | None = None,
) -> SuggestionFeedback:
    """Record that a clerk accepted or overrode a suggestion; the next training uses `chosen`."""
    if field not in SuggestionFeedback.Field.values:
        raise Invalid("field", "反馈项只能是内容分类或承办单位。", code="invalid_field")
    chosen = (chosen or "").strip()
    if not chosen:
        raise Invalid("chosen", "请填写最终选择的值。", code="required")
    scope.require_acting_role(actor)
    with transaction.atomic(durable=True):
        petition = scope.get_petition_for(actor, petition.pk)
        return SuggestionFeedback.objects.create(
            petition=petition,
            field=field,
            suggested=suggested or "",
            chosen=chosen,
            accepted=bool(suggested) and suggested == chosen,
            confidence=confidence,
            source=source,
            model_version=model_version,
            actor=actor,
        )


# --- vectors (after commit, off the request path) --------------------------------------------------


def petition_vector_store(petition_id: int) -> PetitionVector | None:
    """Compute and store a petition's fingerprint, sentence vector and person keys, once."""
    petition = Petition.objects.filter(pk=petition_id).first()
    if petition is None:
        return None
    existing = PetitionVector.objects.filter(petition=petition).first()
    if existing is not None:
        return existing
    doc = tx.document(petition.subject, petition.content)
    value = tx.simhash(doc)
    vectors = tx.encode([doc])
    keys = set()
    for name, address in petition.petitioners.values_list("name", "address"):
        normal = pairs.normalize_name_address(name, address)
        if normal:
            keys.add(blind_index("name_address", normal))
    with transaction.atomic():
        bands = tx.simhash_bands(value)
        vector = PetitionVector.objects.create(
            petition=petition,
            simhash=tx.to_signed64(value),
            band0=bands[0],
            band1=bands[1],
            band2=bands[2],
            band3=bands[3],
            embedding=None if vectors is None else vectors[0].astype(np.float16).tobytes(),
            encoder=tx.encoder_name() if vectors is not None else "none",
        )
        PersonKey.objects.bulk_create([PersonKey(petition=petition, key=k) for k in sorted(keys)])
    return vector


# --- repeat links ----------------------------------------------------------------------------------


def petition_link_repeat(
    petition: Petition, *, actor: User, on: dt.date, main: Petition, mode: str = "repeat"
) -> Petition:
    """Link a petition to an earlier one as a 重复信访 (answered together) or for joint handling.

    A staff decision on a system suggestion: the petition is not refused. Refusals of a repeat are the
    `decline` action with its own articles (《信访工作条例》第十九条第三款: 信访人按照前款规定提出信访事项后,
    又就同一信访事项向其他上级机关提出的, 其他上级机关不予受理; 第三十六条第三款: 信访人对复核意见不服,
    仍以同一事实和理由提出信访事项的, 不再受理).
    """
    if mode not in ("repeat", "joint"):
        raise Invalid("mode", "关联方式只能是“重复信访”或“合并办理”。", code="invalid_mode")
    with transaction.atomic(durable=True):
        petition = _base.lock(petition, actor)
        scope.require_acting_role(actor)
        _base.check_on(petition, on)
        target = scope.get_petition_for(actor, main.pk)
        if target.repeat_of_id is not None:
            root = target.repeat_of
            assert root is not None
            target = root
        if target.pk == petition.pk:
            raise Invalid("main", "不能关联到信访件本身。", code="self_link")
        if petition.repeat_of_id is not None:
            raise IllegalTransition("该信访件已关联到其他信访件。", code="already_linked")
        if target.received_on > petition.received_on:
            raise Invalid("main", "只能关联到更早收到的信访件。", code="main_not_earlier")
        petition.is_repeat = mode == "repeat"
        petition.repeat_of = target
        petition.save(update_fields=["is_repeat", "repeat_of"])
        _base.record(
            petition,
            "link_repeat",
            actor=actor,
            on=on,
            org=actor.org,
            data={"main": target.pk, "main_number": target.number, "mode": mode},
        )
    return petition


# --- hotspots --------------------------------------------------------------------------------------


# Who may dismiss or escalate a 矛盾隐患预警 (the API and the page offer it to the same roles).
DECIDING_ROLES = frozenset({Role.SUPERVISOR, Role.LEADER, Role.ADMIN, Role.CLERK})


def hotspot_scan(
    *, on: dt.date, window_days: int = 30, min_size: int = 5, min_people: int | None = 3
) -> list[HotspotAlert]:
    """Group the petitions received in the window by content and place; raise new alerts.

    《信访工作条例》第二十五条第一款: 各级党委和政府信访部门和其他机关、单位应当……对可能造成社会影响的
    重大、紧急信访事项和信访信息, 及时报告. An existing alert on the same group (same earliest member) is
    refreshed, not duplicated; a dismissed one is not raised again unless the group has grown.
    """
    if window_days < 1:
        raise Invalid("window_days", "统计窗口至少为1日。", code="invalid_window")
    if min_size < 2 or (min_people is not None and min_people < 1):
        raise Invalid("min_size", "成组至少需要2件信访件、1名信访人。", code="invalid_threshold")
    since = on - dt.timedelta(days=window_days)
    rows = Petition.objects.filter(received_on__gt=since, received_on__lte=on).values_list(
        "pk", "received_on", "subject", "content", "region_code"
    )
    people: dict[int, str] = {}
    for pid, id_hash, phone_hash, name in (
        Petitioner.objects.filter(petition_id__in=[r[0] for r in rows])
        .order_by("id")
        .values_list("petition_id", "id_number_hash", "phone_hash", "name")
    ):
        people.setdefault(pid, id_hash or phone_hash or f"{pid}:{name}")
    items = [
        clusters.Item(
            id=str(pid),
            user=people.get(pid, str(pid)),
            at=dt.datetime.combine(received, dt.time(), tzinfo=dt.UTC),
            title=subject,
            text=content,
            region=(region or "")[:6],
        )
        for pid, received, subject, content, region in rows
    ]
    groups = clusters.find_groups(items, window_days=window_days, min_size=min_size, min_people=min_people)
    raised = []
    for group in groups:
        ids = sorted(int(i) for i in group.ids)
        key = str(min(ids))
        with transaction.atomic(durable=True):
            alert = HotspotAlert.objects.select_for_update().filter(key=key).order_by("-id").first()
            if alert is not None and (alert.status != HotspotStatus.OPEN and len(ids) <= alert.size):
                continue
            if alert is None or alert.status != HotspotStatus.OPEN:
                alert = HotspotAlert(key=key)
            regions = {m.region for m in group.members if m.region}
            alert.title = group.title[:200]
            alert.region_code = regions.pop() if len(regions) == 1 else ""
            alert.places, alert.terms = group.places, group.terms
            alert.size, alert.petitioners = len(ids), group.users
            alert.first_on, alert.last_on = group.first.date(), group.last.date()
            alert.window_days, alert.raised_on = window_days, on
            alert.save()
            alert.petitions.set(ids)
        raised.append(alert)
    return raised


def _decide(alert: HotspotAlert, actor: User, status: str, note: str, to: str = "") -> HotspotAlert:
    from xinfang.routing.selectors import get_hotspot_for

    if actor.role not in DECIDING_ROLES:
        raise Forbidden("您的角色不能处置预警。", code="role_forbidden")
    with transaction.atomic(durable=True):
        alert = get_hotspot_for(actor, alert.pk)
        alert = HotspotAlert.objects.select_for_update().get(pk=alert.pk)
        if alert.status != HotspotStatus.OPEN:
            raise IllegalTransition(
                f"该预警{alert.get_status_display()}，不能再处置。", code="illegal_transition"
            )
        alert.status, alert.note, alert.escalated_to = status, note, to
        alert.decided_by, alert.decided_at = actor, timezone.now()
        alert.save()
    return alert


def hotspot_dismiss(alert: HotspotAlert, *, actor: User, note: str = "") -> HotspotAlert:
    """排除: the group is not a hotspot (e.g. one person posting many times), with the reason written down.

    A warning set aside without a reason could not be reviewed later (第二十五条第一款 requires reporting
    what may have a social impact; whoever decides it does not must say why).
    """
    reason = (note or "").strip()
    if not reason:
        raise Invalid("note", "请填写排除理由。", code="required")
    return _decide(alert, actor, HotspotStatus.DISMISSED, reason)


def hotspot_escalate(alert: HotspotAlert, *, actor: User, to: str, note: str = "") -> HotspotAlert:
    """升级处置: into a 领导包案, a 矛盾纠纷台账 entry, or joint handling (第四十条 分析研判)."""
    if to not in EscalateTo.values:
        raise Invalid("to", "请选择升级处置方式。", code="invalid_escalation")
    return _decide(alert, actor, HotspotStatus.ESCALATED, note.strip(), to)

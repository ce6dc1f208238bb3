"""Reads of the routing app: suggestions for a petition being registered, repeat candidates, hotspots."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Prefetch, Q, QuerySet

from xinfang.core.crypto import blind_index
from xinfang.orgs import scope
from xinfang.orgs.models import Org, OrgType, User
from xinfang.petitions.models import Category, Petition, Petitioner
from xinfang.routing import pairs
from xinfang.routing import text as tx
from xinfang.routing.classifier import Prediction, TextClassifier
from xinfang.routing.models import (
    HotspotAlert,
    HotspotStatus,
    KeywordRule,
    PersonKey,
    PetitionVector,
    RoutingModel,
    UnitRule,
)

CANDIDATE_LIMIT = 50
NEAR_IDENTICAL_BITS = 3


def active_model() -> RoutingModel | None:
    return RoutingModel.objects.defer("category_model", "unit_model").order_by("-version").first()


@functools.lru_cache(maxsize=2)
def _load(pk: int) -> tuple[TextClassifier | None, TextClassifier | None]:
    row = RoutingModel.objects.get(pk=pk)
    cat = TextClassifier.loads(bytes(row.category_model)) if row.category_model else None
    unit = TextClassifier.loads(bytes(row.unit_model)) if row.unit_model else None
    return cat, unit


def _category_dict(code: str | None, confidence: float) -> dict[str, Any] | None:
    if not code:
        return None
    cat = Category.objects.filter(code=code).first()
    return {"code": code, "name": cat.name if cat else code, "confidence": confidence}


def _unit_dict(code: str | None, confidence: float) -> dict[str, Any] | None:
    if not code:
        return None
    org = Org.objects.filter(code=code).first()
    return {"code": code, "name": org.name if org else code, "confidence": confidence}


def _with_runner_up(make: Any, prediction: Prediction) -> dict[str, Any] | None:
    main: dict[str, Any] | None = make(prediction.label, prediction.confidence)
    if main is not None:
        main["runner_up"] = make(prediction.runner_up, prediction.runner_up_confidence)
    return main


def rule_unit(category_code: str, region: str) -> Org | None:
    """分类×属地 → 承办单位: the active rule with the longest matching region prefix."""
    rules = UnitRule.objects.filter(category__code=category_code, is_active=True).select_related("unit")
    best: UnitRule | None = None
    for rule in rules:
        if region.startswith(rule.region_code) and (
            best is None or len(rule.region_code) > len(best.region_code)
        ):
            best = rule
    return best.unit if best else None


def rule_category(text: str) -> list[tuple[Category, int]]:
    """关键词 → 内容分类: categories ranked by keyword hits (admin rules first, built-in lexicon after)."""
    hits: dict[int, int] = {}
    cats: dict[int, Category] = {}
    for rule in KeywordRule.objects.filter(is_active=True).select_related("category"):
        n = sum(text.count(w) for w in rule.words())
        if n:
            hits[rule.category_id] = hits.get(rule.category_id, 0) + n
            cats[rule.category_id] = rule.category
    if not hits:
        guess = tx.lexicon_guess(text)
        if guess is not None:
            cat = Category.objects.filter(name=guess[0], is_active=True).first()
            if cat is not None:
                hits[cat.pk], cats[cat.pk] = guess[1], cat
    return sorted(((cats[k], n) for k, n in hits.items()), key=lambda x: (-x[1], x[0].code))


def suggest(
    *,
    subject: str,
    content: str,
    region: str = "",
    vector: np.ndarray[Any, Any] | None = None,
    encode: bool = True,
) -> dict[str, Any]:
    """What the system would suggest for a petition being registered (the clerk decides).

    The trained model answers when there is one; otherwise (or for the unit, when the model has no unit
    classifier) the admin's rules do. Every answer carries its confidence and the runner-up.
    """
    doc = tx.document(subject, content)
    vectors = None if vector is None else vector.reshape(1, -1).astype(np.float32)
    if vectors is None and not encode:
        # On a page or API response: never run the encoder there; a missing vector counts as zeros.
        vectors = np.zeros((1, tx.ENCODER_DIM), dtype=np.float32)
    model = active_model()
    out: dict[str, Any] = {"source": "none", "model_version": None, "category": None, "unit": None}
    if model is not None:
        cat_clf, unit_clf = _load(model.pk)
        out["model_version"] = model.version
        if cat_clf is not None:
            out["category"] = _with_runner_up(_category_dict, cat_clf.predict([doc], vectors)[0])
            out["source"] = "model"
        if unit_clf is not None:
            out["unit"] = _with_runner_up(_unit_dict, unit_clf.predict([doc], vectors)[0])
            out["source"] = "model"
    if out["category"] is None:
        ranked = rule_category(doc)
        if ranked:
            total = sum(n for _, n in ranked)
            first, n1 = ranked[0]
            category: dict[str, Any] = {
                "code": first.code,
                "name": first.name,
                "confidence": round(n1 / total, 3),
            }
            out["category"] = category
            category["runner_up"] = (
                {
                    "code": ranked[1][0].code,
                    "name": ranked[1][0].name,
                    "confidence": round(ranked[1][1] / total, 3),
                }
                if len(ranked) > 1
                else None
            )
            out["source"] = "rules"
    if out["unit"] is None and out["category"] is not None:
        unit = rule_unit(out["category"]["code"], region)
        if unit is not None:
            out["unit"] = {"code": unit.code, "name": unit.name, "confidence": None, "runner_up": None}
            if out["source"] == "none":
                out["source"] = "rules"
    return out


# --- repeat candidates ---------------------------------------------------------------------------


def person_keys(petition: Petition) -> set[str]:
    from xinfang.petitions.selectors import petitioner_keys

    keys = set()
    for _, _, name, address in petitioner_keys(petition):
        normal = pairs.normalize_name_address(name, address)
        if normal:
            keys.add(blind_index("name_address", normal))
    return keys


def _own_simhash(petition: Petition) -> int:
    # Hashing the text (~0.5 ms) is cheaper than reading the stored value back, and at registration
    # there is none yet (the vector is stored by a task after commit).
    return tx.simhash(tx.document(petition.subject, petition.content))


def name_address_matches(petition: Petition) -> set[int]:
    keys = person_keys(petition)
    if not keys:
        return set()
    return set(
        PersonKey.objects.filter(key__in=keys)
        .exclude(petition=petition)
        .values_list("petition_id", flat=True)[:200]
    )


def near_identical(petition: Petition) -> set[int]:
    """Earlier petitions from anyone whose text is (nearly) the same: 一信多投, copied group letters."""
    value = _own_simhash(petition)
    bands = tx.simhash_bands(value)
    q = Q()
    for i, band in enumerate(bands):
        q |= Q(**{f"band{i}": band})
    rows = (
        PetitionVector.objects.filter(q)
        .exclude(petition=petition)
        .values_list("petition_id", "simhash")[:200]
    )
    return {pid for pid, h in rows if tx.hamming(value, tx.from_signed64(h)) <= NEAR_IDENTICAL_BITS}


def _embeddings(petition_ids: list[int]) -> dict[int, np.ndarray[Any, Any]]:
    rows = PetitionVector.objects.filter(petition_id__in=petition_ids).exclude(embedding=None)
    return {
        pid: np.frombuffer(bytes(blob), dtype=np.float16).astype(np.float32)
        for pid, blob in rows.values_list("petition_id", "embedding")
        if blob
    }


def content_scores(petition: Petition, others: list[Petition]) -> dict[int, tuple[float, bool]]:
    """Pair scores of `petition` against each earlier one: {id: (score, is_repeat)}."""
    if not others:
        return {}
    docs = [tx.document(p.subject, p.content) for p in [petition, *others]]
    matrix = pairs.pair_vectorizer().fit_transform(docs)
    sims = (matrix[1:] @ matrix[0].T).toarray().ravel()
    vectors = _embeddings([petition.pk, *(p.pk for p in others)])
    own = vectors.get(petition.pk)
    out = {}
    for other, char_cos in zip(others, sims.tolist(), strict=True):
        vec = vectors.get(other.pk) if own is not None else None
        vec_cos = float(own @ vec) if own is not None and vec is not None else None
        score, is_repeat = pairs.pair_score(float(char_cos), vec_cos)
        out[other.pk] = (round(score, 3), is_repeat)
    return out


@dataclass
class RepeatMatch:
    petition: Petition
    reasons: list[str]
    score: float
    is_repeat: bool
    extra: dict[str, Any] = field(default_factory=dict)


def extra_matches(petition: Petition, user: User, known: set[int]) -> list[tuple[Petition, tuple[str, ...]]]:
    """Matches beyond the same ID number/phone: same name + address, and near-identical text from anyone."""
    by_person = name_address_matches(petition) - known
    by_text = near_identical(petition) - known
    ids = by_person | by_text
    if not ids:
        return []
    visible = (
        scope.petitions_visible_to(user)
        .filter(pk__in=ids, received_on__lte=petition.received_on)
        .select_related("registered_org")
        .order_by("-received_on", "-id")[:CANDIDATE_LIMIT]
    )
    out = []
    for p in visible:
        reasons = []
        if p.pk in by_person:
            reasons.append("name_address")
        if p.pk in by_text:
            reasons.append("content")
        out.append((p, tuple(reasons)))
    return out


def link_suggestion(
    petition: Petition,
    matches: list[tuple[Petition, tuple[str, ...]]],
    scores: dict[int, tuple[float, bool]] | None = None,
) -> dict[str, Any] | None:
    """Otherwise (no 第十九条/第三十六条 refusal applies): offer to link the top repeat match.

    `scores` are `content_scores(petition, matches)` when the caller has them already.
    """
    if petition.repeat_of_id is not None or not matches:
        return None
    if scores is None or any(p.pk not in scores for p, _ in matches):
        scores = content_scores(petition, [p for p, _ in matches])
    ranked = sorted(
        matches, key=lambda m: (-int(scores[m[0].pk][1] or "content" in m[1]), -scores[m[0].pk][0])
    )
    top, reasons = ranked[0]
    score, is_repeat = scores[top.pk]
    if not (is_repeat or "content" in reasons):
        return None
    main = top.repeat_of if top.repeat_of_id else top
    assert main is not None
    return {
        "action": "link_repeat",
        "reason": "same_matter",
        "related": main.pk,
        "related_number": main.number,
        "score": score,
        "matched_on": list(reasons),
        "options": ["repeat", "joint"],
        "article": "",
        "message": f"与信访件{main.number}内容相似（相似度{score:.2f}）；可关联为重复信访（一并答复）或合并办理。",
    }


def hotspot_list(user: User, *, status: str | None = None) -> QuerySet[HotspotAlert]:
    """Alerts whose petitions the user may see (at least one)."""
    visible = scope.petitions_visible_to(user).values("pk")
    qs = HotspotAlert.objects.filter(petitions__in=visible).distinct()
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-raised_on", "-size", "-id")


def get_hotspot_for(user: User, pk: int) -> HotspotAlert:
    from xinfang.core.errors import NotFound

    alert = hotspot_list(user).filter(pk=pk).first()
    if alert is None:
        raise NotFound("预警不存在或无权查看。")
    return alert


@dataclass
class HotspotRow:
    """One alert as a page shows it: only the member petitions this user may open are listed."""

    alert: HotspotAlert
    petitions: list[Petition]
    hidden: int  # members outside the user's scope (counted, never shown)
    region_name: str


def hotspot_rows(
    user: User, *, status: str | None = None, pk: int | None = None, limit: int = 100
) -> list[HotspotRow]:
    """The alerts a user sees, each with its visible member petitions (three queries whatever the count)."""
    visible = Prefetch(
        "petitions",
        queryset=scope.petitions_visible_to(user).order_by("received_on", "id"),
        to_attr="visible_petitions",
    )
    qs = hotspot_list(user, status=status)
    if pk is not None:
        qs = qs.filter(pk=pk)
    alerts = list(qs.prefetch_related(visible)[:limit])
    codes = {a.region_code for a in alerts if a.region_code}
    names = dict(
        Org.objects.filter(region_code__in=codes, type__in=(OrgType.PARTY_GOV, OrgType.TOWNSHIP))
        .order_by("path")
        .values_list("region_code", "name")
    )
    rows = []
    for alert in alerts:
        shown: list[Petition] = getattr(alert, "visible_petitions", [])
        rows.append(
            HotspotRow(
                alert=alert,
                petitions=shown,
                hidden=max(0, alert.size - len(shown)),
                region_name=names.get(alert.region_code, ""),
            )
        )
    return rows


def hotspot_row(user: User, pk: int) -> HotspotRow:
    from xinfang.core.errors import NotFound

    found = hotspot_rows(user, pk=pk)
    if not found:
        raise NotFound("预警不存在或无权查看。")
    return found[0]


def open_hotspot_count(user: User) -> int:
    return hotspot_list(user, status=HotspotStatus.OPEN).count()


def petitioner_count(petition_ids: list[int]) -> int:
    keys = set()
    for pid, id_hash, phone_hash, name in Petitioner.objects.filter(petition_id__in=petition_ids).values_list(
        "petition_id", "id_number_hash", "phone_hash", "name"
    ):
        keys.add(id_hash or phone_hash or f"{pid}:{name}")
    return len(keys)


def routing_suggestions(petition: Petition) -> list[dict[str, Any]]:
    """The 分办 suggestion shown on a petition awaiting triage (category, unit, confidence, runner-up)."""
    if petition.state != "registered":
        return []
    # The vector stored after registration, if the task has run; the request never encodes.
    suggestion = suggest(
        subject=petition.subject,
        content=petition.content,
        region=petition.region_code,
        vector=_embeddings([petition.pk]).get(petition.pk),
        encode=False,
    )
    if suggestion["category"] is None and suggestion["unit"] is None:
        return []
    return [{"action": "route", "reason": "suggested_routing", "article": "", **suggestion}]


def model_versions() -> list[dict[str, Any]]:
    """What admins see of each trained version: when, on how much data, how accurate (cross-validated)."""
    return [
        dict(row)
        for row in RoutingModel.objects.order_by("-version").values(
            "version",
            "trained_at",
            "n_train",
            "n_feedback",
            "cv_accuracy",
            "cv_macro_f1",
            "unit_cv_accuracy",
            "encoder",
        )[:20]
    ]

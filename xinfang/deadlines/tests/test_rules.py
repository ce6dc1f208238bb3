"""The rule table: the limits, units and articles of the 《信访工作条例》."""

import ast
import os
from pathlib import Path

import pytest

from xinfang.deadlines.rules import MAX_EXTENSION_DAYS, RULES, Rule, Unit, rule

EXPECTED = {
    # key: (days, unit, article)
    "triage": (15, Unit.CALENDAR_DAYS, "《信访工作条例》第二十二条"),
    "notice_direct": (15, Unit.CALENDAR_DAYS, "《信访工作条例》第二十三条第二款"),
    "notice_transfer": (15, Unit.CALENDAR_DAYS, "《信访工作条例》第二十三条第三款"),
    "objection": (5, Unit.WORKING_DAYS, "《信访工作条例》第二十三条第三款"),
    "objection_review": (5, Unit.WORKING_DAYS, "《信访工作条例》第二十三条第三款未规定期限，本系统默认"),
    "handling": (60, Unit.CALENDAR_DAYS, "《信访工作条例》第三十四条"),
    "handling_reference": (60, Unit.CALENDAR_DAYS, "参照《信访工作条例》第三十四条"),
    "review_request": (30, Unit.CALENDAR_DAYS, "《信访工作条例》第三十五条"),
    "review": (30, Unit.CALENDAR_DAYS, "《信访工作条例》第三十五条"),
    "reexamination_request": (30, Unit.CALENDAR_DAYS, "《信访工作条例》第三十六条"),
    "reexamination": (30, Unit.CALENDAR_DAYS, "《信访工作条例》第三十六条"),
}

LAW_TEXT = (
    Path(os.environ.get("XINFANG_LAW_TEXTS", "/work/shared/law-texts")) / "xinfang_gongzuo_tiaoli_2022.md"
)


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_it_has_the_statutory_limit(key: str) -> None:
    days, unit, article = EXPECTED[key]
    r = rule(key)
    assert (r.key, r.days, r.unit, r.article) == (key, days, unit, article)
    assert r.label
    assert r.roll_to_workday is True


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_each_quote_states_the_limit(key: str) -> None:
    r = rule(key)
    limit = f"{r.days}个工作日" if r.unit is Unit.WORKING_DAYS else f"{r.days}日"
    assert limit in r.quote


@pytest.mark.parametrize("key", sorted(set(EXPECTED) - {"objection_review"}))
def test_each_quote_is_verbatim_from_the_tiaoli(key: str) -> None:
    if not LAW_TEXT.exists():
        pytest.skip(f"law text not available at {LAW_TEXT}")
    assert rule(key).quote in LAW_TEXT.read_text(encoding="utf-8")


def test_objection_review_says_the_tiaoli_sets_no_limit() -> None:
    r = rule("objection_review")
    assert "条例未规定期限，本系统默认5个工作日" in r.label
    assert "条例未规定期限，本系统默认5个工作日" in r.quote


def test_handling_reference_says_it_borrows_article_34() -> None:
    assert "参照第三十四条" in rule("handling_reference").label


def test_max_extension_is_30_days() -> None:
    assert MAX_EXTENSION_DAYS == 30
    assert "延长期限不得超过30日" in rule("handling").quote


def test_rules_are_keyed_by_their_own_key() -> None:
    assert set(EXPECTED) <= set(RULES)
    assert all(k == r.key for k, r in RULES.items())


def test_unknown_rule_raises_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match=r"unknown deadline rule 'nonsense'.*known rules: .*triage"):
        rule("nonsense")


def test_unit_values_are_stable_strings() -> None:
    assert Unit("calendar_days") is Unit.CALENDAR_DAYS
    assert Unit("working_days") is Unit.WORKING_DAYS


def test_a_rule_with_negative_days_is_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        Rule(key="x", label="x", days=-1, unit=Unit.CALENDAR_DAYS, article="x", quote="x")


def test_the_package_imports_no_django() -> None:
    package = Path(__file__).resolve().parents[1]
    for path in package.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not any(n.split(".")[0] in {"django", "rest_framework"} for n in names), path.name

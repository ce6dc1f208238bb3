"""The classifier on its own: the title block, and versions stored before it still load and answer."""

from __future__ import annotations

from typing import Any

import pytest

from xinfang.routing import text as tx
from xinfang.routing.classifier import _LEGACY, TextClassifier
from xinfang.routing.tests.helpers import BUILDING, LABOUR


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("拖欠工资", "公司拖欠工资。"),
        ("A市。B区", "正文。还有"),
        ("", "没有标题。没有标题。"),
        ("重复", "重复。重复"),
    ],
)
def test_the_title_is_read_back_from_a_document(title: str, text: str) -> None:
    assert tx.title_of(tx.document(title, text)) == tx.normalize_space(title)


def test_a_text_without_the_repeated_title_has_none() -> None:
    assert tx.title_of("一段话。另一段话。") == ""


def _training() -> tuple[list[str], list[str]]:
    docs = [tx.document(t, c) for t, c in BUILDING + LABOUR]
    return docs, ["CX"] * len(BUILDING) + ["LD"] * len(LABOUR)


def test_the_title_has_its_own_block_and_weighs_in() -> None:
    docs, labels = _training()
    model = TextClassifier(use_encoder=False).fit(docs, labels)
    assert model.title_vectorizer is not None and model.encoder == "none"
    without = TextClassifier(use_encoder=False, title_weight=0.0).fit(docs, labels)
    assert without.title_vectorizer is None
    # A title about wages over a text that says little: the title block tips it further to 劳动.
    probe = [tx.document("拖欠工资社保", "情况如下。")]
    assert model.predict(probe)[0].label == "LD"
    assert (
        model.scores(probe)[0][model.labels.index("LD")]
        > without.scores(probe)[0][without.labels.index("LD")]
    )


def test_a_version_stored_before_the_title_block_loads_and_answers_as_it_was_trained() -> None:
    docs, labels = _training()
    params: dict[str, Any] = {k: v for k, v in _LEGACY.items() if k != "title_vectorizer"}
    old = TextClassifier(use_encoder=False, **params).fit(docs, labels)
    expected = [(p.label, p.confidence) for p in old.predict(docs)]
    for name in _LEGACY:  # the attributes an older version of the class did not have
        del old.__dict__[name]
    loaded = TextClassifier.loads(old.dumps())
    assert (loaded.ngram_max, loaded.title_weight, loaded.encoder_weight) == (2, 0.0, 1.0)
    assert [(p.label, p.confidence) for p in loaded.predict(docs)] == expected

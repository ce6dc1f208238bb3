"""Is a later petition about the same matter as an earlier one? (重复信访, no Django imports.)

The score of a pair is the character TF-IDF cosine of the two texts, averaged with the sentence-vector
cosine when both vectors exist. The thresholds were chosen by cross-validation on hand-labelled pairs
of real messages by the same user (see docs/routing.md); they are constants here so that the decision
is the same in the product and in `xinfang repeats evaluate`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from xinfang.routing import text as tx

CHAR_THRESHOLD = 0.2  # char (1-3)-gram TF-IDF cosine alone
BLEND_THRESHOLD = 0.425  # mean of char cosine and sentence-vector cosine
NEAR_IDENTICAL = 0.9  # 一信多投 / copied letters: flagged whoever sent them


def pair_vectorizer() -> TfidfVectorizer:
    # Numbers and place codes stay: they tell one building, road or village from another.
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)


def pair_score(char_cos: float, vec_cos: float | None) -> tuple[float, bool]:
    """The blended score and whether it reaches the repeat threshold."""
    if vec_cos is None:
        return char_cos, char_cos >= CHAR_THRESHOLD
    score = (char_cos + vec_cos) / 2
    return score, score >= BLEND_THRESHOLD


@dataclass
class Message:
    id: str
    user: str
    time: str
    title: str
    text: str


class RepeatIndex:
    """Messages registered in time order; each new one is compared with the same user's earlier ones."""

    def __init__(self, corpus: Sequence[str], *, use_encoder: bool = True) -> None:
        self.vectorizer = pair_vectorizer().fit(corpus)
        self.use_encoder = use_encoder and tx.get_encoder() is not None
        self.by_user: dict[str, list[tuple[str, object, tx.FloatArray | None]]] = {}

    def register(self, message: Message) -> dict[str, float]:
        """Add a message; return {earlier id: score} for the earlier ones it repeats."""
        doc = tx.document(message.title, message.text)
        char = self.vectorizer.transform([doc])
        vec = tx.encode([doc]) if self.use_encoder else None
        vec_row = None if vec is None else vec[0]
        flagged: dict[str, float] = {}
        earlier = self.by_user.setdefault(message.user, [])
        for other_id, other_char, other_vec in earlier:
            char_cos = float(char.multiply(other_char).sum())
            vec_cos = None if vec_row is None or other_vec is None else float(vec_row @ other_vec)
            score, is_repeat = pair_score(char_cos, vec_cos)
            if is_repeat:
                flagged[other_id] = round(score, 4)
        earlier.append((message.id, char, vec_row))
        return flagged


def evaluate_pairs(
    messages: Sequence[Message], pairs: Sequence[tuple[str, str, int]], *, use_encoder: bool = True
) -> dict[str, float | int]:
    """Register every message in time order and score the decisions on the labelled pairs."""
    wanted = {a for a, _, _ in pairs} | {b for _, b, _ in pairs}
    index = RepeatIndex([tx.document(m.title, m.text) for m in messages], use_encoder=use_encoder)
    flagged: dict[str, dict[str, float]] = {}
    for message in sorted(messages, key=lambda m: (m.time, m.id)):
        if message.id in wanted:  # the others cannot change a decision about a labelled pair
            flagged[message.id] = index.register(message)
    tp = fp = fn = 0
    for a, b, label in pairs:
        predicted = a in flagged.get(b, {}) or b in flagged.get(a, {})
        tp += int(predicted and label == 1)
        fp += int(predicted and label == 0)
        fn += int(not predicted and label == 1)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "n_pairs": len(pairs),
    }


_ID_NUMBER = re.compile(r"[^0-9Xx]")


def normalize_id_number(value: str) -> str:
    return _ID_NUMBER.sub("", value or "").upper()


def normalize_phone(value: str) -> str:
    digits = re.sub(r"\D", "", value or "")
    return digits[-11:] if len(digits) >= 11 else digits


def normalize_name_address(name: str, address: str) -> str:
    """Name + address as a key: no spaces or punctuation, so 英溪南路1号 and 英溪南路 1 号 agree."""
    clean = re.sub(r"[\s\W_]+", "", f"{name}|{address}")
    return clean if name.strip() and address.strip() else ""

"""Emerging hotspots (矛盾隐患预警): group recent petitions by content and place (no Django imports).

《信访工作条例》第二十五条: 各级党委和政府信访部门和其他机关、单位应当……对可能造成社会影响的重大、紧急
信访事项和信访信息，及时报告; 第四十条 (分析研判, 提出完善政策、解决问题的建议) asks the bureau to
watch what many people raise at once. A group is a connected set of petitions whose texts are alike
(char TF-IDF cosine) or that name the same place and are at least loosely alike; an alert is raised
when, inside the window, a group reaches `min_size` petitions or `min_people` distinct petitioners.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]

from xinfang.routing import text as tx

SIMILAR = 0.5  # alike on their own
SAME_PLACE_SIMILAR = 0.25  # alike enough when they also name the same place

_PLACE = re.compile(
    r"[\u4e00-\u9fa5A-Za-z0-9]{2,12}?"
    r"(?:小区|花园|家园|公寓|大厦|广场|村|社区|组|路|街|大道|镇|乡|学校|小学|中学|幼儿园|医院|公司|工地|市场|公园|项目|楼盘|城)"
)
_LEADING = re.compile(r"^(?:关于|反映|投诉|举报|请求|要求|希望|建议|咨询|我是|我们|我|位于|在)+")


def places(text: str) -> set[str]:
    """Place-like names (X小区, X村, X路 …) named in a text, leading verbs stripped."""
    found = set()
    for match in _PLACE.findall(text):
        name = _LEADING.sub("", match)
        if len(name) >= 3:
            found.add(name)
    return found


@dataclass
class Item:
    id: str
    user: str
    at: dt.datetime
    title: str
    text: str
    region: str = ""


@dataclass
class Group:
    ids: list[str]
    users: int
    first: dt.datetime
    last: dt.datetime
    places: list[str]
    terms: list[str]
    title: str
    members: list[Item] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "size": len(self.ids),
            "petitioners": self.users,
            "first": self.first.isoformat(sep=" "),
            "last": self.last.isoformat(sep=" "),
            "places": self.places,
            "terms": self.terms,
            "title": self.title,
            "ids": self.ids,
        }


def _components(n: int, edges: list[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def find_groups(
    items: Sequence[Item], *, window_days: int, min_size: int, min_people: int | None = None
) -> list[Group]:
    """Groups that, inside some window of `window_days` days, reach the size or the petitioner count."""
    if not items:
        return []
    items = sorted(items, key=lambda i: (i.at, i.id))
    docs = [tx.document(i.title, i.text) for i in items]
    # Boilerplate shared by most messages says nothing about a group; on a small set it is the group.
    max_df = 0.5 if len(items) >= 100 else 1.0
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True, max_df=max_df)
    matrix = vectorizer.fit_transform(docs)
    item_places = [places(d) for d in docs]
    times = np.array([i.at.timestamp() for i in items])
    span = window_days * 86400
    edges: list[tuple[int, int]] = []
    block = 512  # rows at a time: one dense block of similarities stays small
    for lo in range(0, len(items), block):
        hi = min(len(items), lo + block)
        # Only later items inside the window matter: compare the block with its reachable slice.
        j_end = int(np.searchsorted(times, times[hi - 1] + span, side="right"))
        sims = (matrix[lo:hi] @ matrix[lo:j_end].T).toarray()
        rows, cols = np.nonzero(sims >= SAME_PLACE_SIMILAR)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            i, j = lo + r, lo + c
            if j <= i or times[j] - times[i] > span:
                continue
            if items[i].region and items[j].region and items[i].region != items[j].region:
                continue
            if sims[r, c] >= SIMILAR or item_places[i] & item_places[j]:
                edges.append((i, j))
    terms = np.asarray(vectorizer.get_feature_names_out())
    out: list[Group] = []
    for component in _components(len(items), edges):
        if len(component) < 2:
            continue
        best = _best_window(component, items, span, min_size, min_people)
        if not best:
            continue
        members = [items[k] for k in best]
        centroid = np.asarray(matrix[best].mean(axis=0)).ravel()
        top_terms = _top_terms([str(t) for t in terms[np.argsort(-centroid)[:50]]])
        place_counts = Counter(p for k in best for p in item_places[k])
        out.append(
            Group(
                ids=[m.id for m in members],
                users=len({m.user for m in members}),
                first=members[0].at,
                last=members[-1].at,
                places=[p for p, c in place_counts.most_common(3) if c >= 2],
                terms=top_terms,
                title=members[0].title,
                members=members,
            )
        )
    out.sort(key=lambda g: (-len(g.ids), g.first))
    return out


_WORDLIKE = re.compile(r"^[\u4e00-\u9fa5A-Za-z0-9]+$")


def _top_terms(ranked: list[str], n: int = 5) -> list[str]:
    """The strongest n-grams that read as words: no punctuation, none inside another one kept."""
    kept: list[str] = []
    for term in ranked:
        if not _WORDLIKE.match(term) or any(term in k for k in kept):
            continue
        kept = [k for k in kept if k not in term]  # a longer n-gram replaces the shorter one inside it
        kept.append(term)
        if len(kept) == n:
            break
    return kept


def _best_window(
    component: list[int], items: Sequence[Item], span: float, min_size: int, min_people: int | None
) -> list[int]:
    """The largest run of the component inside one window that reaches a threshold ([] if none)."""
    component = sorted(component)
    best: list[int] = []
    start = 0
    for end in range(len(component)):
        while items[component[end]].at.timestamp() - items[component[start]].at.timestamp() > span:
            start += 1
        run = component[start : end + 1]
        people = len({items[k].user for k in run})
        reached = len(run) >= min_size or (min_people is not None and people >= min_people)
        if reached and len(run) > len(best):
            best = run
    return best

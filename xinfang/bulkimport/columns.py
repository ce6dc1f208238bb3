"""The columns of an import file (docs/import.md): Chinese headers as a bureau's ledger has them.

Each field accepts a few header spellings (the Chinese one first, then the API's English name), and each
coded value its code, its Chinese label, or a short form of the label, so that a sheet exported from an
old ledger needs at most its headers renamed.
"""

from __future__ import annotations

from collections.abc import Iterable

from xinfang.petitions.models import Channel, Kind, Outcome, PetitionerKind, Route, State

MAX_PETITIONERS = 5

# field → accepted headers (the first one is what the template and the error messages use).
FIELDS: dict[str, tuple[str, ...]] = {
    "received_on": ("收到日期", "来信来访日期", "received_on"),
    "channel": ("信访形式", "channel"),
    "org": ("登记单位", "登记单位代码", "org"),
    "subject": ("标题", "事项标题", "subject"),
    "request": ("诉求", "信访诉求", "request"),
    "content": ("事实和理由", "主要内容", "content"),
    "kind": ("三类", "信访类别", "kind"),
    "route": ("途径", "处理途径", "route"),
    "category": ("内容分类", "内容分类代码", "category"),
    "region": ("问题属地", "问题属地代码", "region"),
    "place": ("发生地点", "place"),
    "headcount": ("人数", "headcount"),
    "accused_org": ("被检举控告单位", "accused_org"),
    "source_number": ("原编号", "原信访件编号", "source_number"),
    "closed_on": ("办结日期", "closed_on"),
    "closed_as": ("办结方式", "closed_as"),
    "outcome": ("办理结果", "outcome"),
    "handled_by": ("办理单位", "handled_by"),
    "opinion": ("处理意见", "opinion"),
}
PERSON_PARTS: dict[str, tuple[str, str]] = {
    # part → (Chinese suffix, English suffix)
    "name": ("姓名", "name"),
    "kind": ("类型", "kind"),
    "id_number": ("证件号码", "id_number"),
    "phone": ("联系电话", "phone"),
    "address": ("住址", "address"),
    "is_representative": ("是否代表", "is_representative"),
}
REQUIRED = ("received_on", "channel", "subject", "content", "kind")
# The two columns a rejects file adds in front (services._write_rejects): ignored, so that the fixed
# rejects file can be imported as it is.
REJECTS_ROW, REJECTS_ERRORS = "原行号", "错误"
IGNORED = frozenset({REJECTS_ROW, REJECTS_ERRORS})


def person_headers(n: int, part: str) -> tuple[str, ...]:
    """Headers of part `part` of the n-th petitioner (1-based): 信访人姓名, 信访人2姓名, petitioner2_name."""
    zh, en = PERSON_PARTS[part]
    number = "" if n == 1 else str(n)
    names = [f"信访人{number}{zh}", f"petitioner{n}_{en}"]
    if n == 1:
        names[1:1] = [zh] if part != "kind" else []
        if part == "name":
            names.append("信访人")
    return tuple(names)


def header_map() -> dict[str, str]:
    """Normalised header → key: a FIELDS key, or "p{n}.{part}" for a petitioner column."""
    out: dict[str, str] = {}
    for key, headers in FIELDS.items():
        for h in headers:
            out[normal_header(h)] = key
    for n in range(1, MAX_PETITIONERS + 1):
        for part in PERSON_PARTS:
            for h in person_headers(n, part):
                out[normal_header(h)] = f"p{n}.{part}"
    return out


def normal_header(text: str) -> str:
    return "".join(str(text).split()).replace("（", "(").replace("）", ")").replace("*", "").lower()


def is_person(key: str) -> bool:
    """A petitioner column key ("p2.phone"), not a field ("place")."""
    return key[:1] == "p" and key[1:2].isdigit()


def label_of(key: str) -> str:
    """The Chinese header of a key, for error messages."""
    if is_person(key):
        n, part = key[1:].split(".", 1)
        return person_headers(int(n), part)[0]
    return FIELDS[key][0]


def template_headers() -> list[str]:
    """The header row of the template (docs/import.md): the fields, then two petitioners."""
    keys = [
        "received_on",
        "channel",
        "org",
        "subject",
        "request",
        "content",
        "kind",
        "route",
        "category",
        "region",
        "place",
        "headcount",
        "accused_org",
        "source_number",
    ]
    people = [person_headers(n, part)[0] for n in (1, 2) for part in PERSON_PARTS]
    closing = ["closed_on", "closed_as", "outcome", "handled_by", "opinion"]
    return [FIELDS[k][0] for k in keys] + people + [FIELDS[k][0] for k in closing]


def _choices(pairs: Iterable[tuple[str, str]], extra: dict[str, str] | None = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, label in pairs:
        out[code.lower()] = code
        out[label] = code
    out.update(extra or {})
    return out


CHANNELS = _choices(
    Channel.choices,
    {"网上": Channel.ONLINE, "网信": Channel.ONLINE, "电话": Channel.PHONE, "走访": Channel.VISIT},
)
KINDS = _choices(
    Kind.choices,
    {"建议意见": Kind.SUGGESTION, "检举控告": Kind.ACCUSATION, "申诉求决": Kind.REQUEST},
)
_NUMERALS = "一二三四五六"
ROUTES = _choices(Route.choices)
for _i, (_code, _label) in enumerate(Route.choices):
    ROUTES[_NUMERALS[_i]] = _code
    ROUTES[f"（{_NUMERALS[_i]}）"] = _code
    ROUTES[str(_i + 1)] = _code
    ROUTES[_label.split("）", 1)[1]] = _code
PERSON_KINDS = _choices(
    PetitionerKind.choices, {"个人": PetitionerKind.PERSON, "单位": PetitionerKind.ORGANISATION}
)
# How a closed historic record ended (the petition's terminal state).
CLOSED_STATES = _choices(
    [
        (s.value, s.label)
        for s in (
            State.ANSWERED,
            State.CONCLUDED,
            State.DIVERTED,
            State.DECLINED,
            State.MEDIATED,
            State.WITHDRAWN,
        )
    ],
    {"办结": State.ANSWERED, "答复": State.ANSWERED, "终结": State.CONCLUDED, "撤回": State.WITHDRAWN},
)
# The result of the handling, by kind of matter (第二十九、三十、三十二条).
OUTCOMES_BY_KIND: dict[str, frozenset[str]] = {
    Kind.REQUEST: frozenset({Outcome.SUPPORT, Outcome.EXPLAIN, Outcome.REJECT}),
    Kind.SUGGESTION: frozenset({Outcome.ADOPTED, Outcome.PARTLY_ADOPTED, Outcome.NOT_ADOPTED}),
    Kind.ACCUSATION: frozenset(
        {Outcome.SUBSTANTIATED, Outcome.PARTLY_SUBSTANTIATED, Outcome.UNSUBSTANTIATED}
    ),
}
OUTCOMES = _choices(
    [(o.value, o.label) for o in Outcome if any(o in allowed for allowed in OUTCOMES_BY_KIND.values())]
)
YES = frozenset({"是", "y", "yes", "true", "1", "代表", "√"})
NO = frozenset({"", "否", "n", "no", "false", "0"})

"""The annual report draft (年度工作报告) and the .xlsx of the tables behind it.

《信访工作条例》第四十一条: 各级党委和政府信访部门应当于每年1月底前，将上一年度信访工作情况向党委和政府、
上一级信访部门报告。年度工作报告应当包括下列内容：（一）信访事项的数据统计、信访事项涉及领域以及被投诉较多的
机关、单位；（二）转送、交办、督办情况；（三）提出改进工作、完善政策、追究责任建议以及建议被采纳情况；
（四）其他应当报告的事项。

The system writes every number (with 同比 against the year before); the bureau edits the prose.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from xinfang.documents.render import Rendered, format_date_zh, render_docx
from xinfang.orgs.models import Org

from .access import Subtree, subtree_of
from .periods import year_period
from .selectors import change
from .stats import compute_stats, statistics_transaction
from .work import ledger_figures, work_figures

TOP_AREAS = 5


def _pct(n: int, total: int) -> str:
    return f"{n / total * 100:.2f}%" if total else "0.00%"


def _rate_text(r: dict[str, Any]) -> str:
    """ "96.30%（130/135）" or "样本不足（3/5）": never a bare percentage."""
    return str(r["display"])


def annual_data(subtree: Subtree, year: int, *, today: dt.date) -> dict[str, Any]:
    period = year_period(year)
    with statistics_transaction():
        stats = compute_stats(subtree, period, today=today)
        stats["work_yoy"] = work_figures(subtree.org_ids, period.year_before())
        stats["ledgers"] = ledger_figures(subtree.org_ids, period)
    return stats


def _volume_paragraph(s: dict[str, Any], year: int) -> str:
    v = s["volume"]
    parts = []
    for c in v["by_channel"]:
        if c["key"] == "visit":
            parts.append(
                f"来访{v['visit_batches']}批{v['visit_persons']}人次，批次{v['visit_batches_yoy']['text']}，"
                f"人次{v['visit_persons_yoy']['text']}"
            )
        elif c["n"] or c["yoy"]["previous"]:
            parts.append(f"{c['label']}{c['n']}件，{c['yoy']['text']}")
    return (
        f"{year}年，{s['scope_word']}共受理群众信访事项{v['total']}件，{v['yoy']['text']}。其中，"
        + "；".join(parts)
        + "。"
    )


def _kpi_paragraph(s: dict[str, Any]) -> str:
    k = s["kpis"]
    r = s["ratings"]
    return (
        f"及时受理率{_rate_text(k['timely_acceptance_rate'])}，{k['timely_acceptance_rate']['yoy']['text']}；"
        f"按期办结率{_rate_text(k['on_time_completion_rate'])}，{k['on_time_completion_rate']['yoy']['text']}；"
        f"按期答复率{_rate_text(k['on_time_reply_rate'])}，{k['on_time_reply_rate']['yoy']['text']}；"
        f"及时转交率{_rate_text(k['timely_transfer_rate'])}，{k['timely_transfer_rate']['yoy']['text']}。"
        f"群众对信访事项办理的满意率为{_rate_text(k['satisfaction_rate'])}，"
        f"其中满意{r['satisfied']}件、基本满意{r['basic']}件、不满意{r['unsatisfied']}件；"
        f"参评率为{_rate_text(k['participation_rate'])}。"
        f"重复信访{s['volume']['repeats']}件，重复信访率{_rate_text(k['repeat_rate'])}。"
    )


def _areas_paragraph(s: dict[str, Any]) -> str:
    total = s["volume"]["total"]
    cats = s["top_categories"][:TOP_AREAS]
    if not cats:
        return "从涉及领域看，本年度信访事项均未分类。"
    listed = "；".join(f"{c['label']}{c['n']}件，占{_pct(c['n'], total)}" for c in cats)
    return f"从涉及领域看，信访事项主要集中在：{listed}。"


def _units_paragraph(s: dict[str, Any]) -> str:
    units = s["top_units"][:TOP_AREAS]
    if not units:
        return "本年度无交由机关、单位办理的信访事项。"
    listed = "、".join(f"{u['name']}（{u['n']}件）" for u in units)
    return f"交由办理信访事项较多（被投诉较多）的机关、单位依次为：{listed}。"


def _transfer_paragraph(s: dict[str, Any]) -> str:
    t = s["transfers"]
    sup = s["supervision"]["by_kind"]
    prev = s["work_yoy"]
    rec, rec_prev = s["receptions"], prev["receptions"]
    cases = s["leader_cases"]
    disputes = s["disputes"]
    return (
        f"全年转送信访事项{t['transferred']}件，交办{t['assigned']}件，移送有权处理机关{t['referred']}件，"
        f"报请本级党委和政府{t['escalated']}件。"
        f"发出提醒函{sup['reminder']['total']}件，"
        f"{change(sup['reminder']['total'], prev['supervision']['by_kind']['reminder']['total'], '同比')['text']}；"
        f"督办函{sup['supervise']['total']}件，"
        f"{change(sup['supervise']['total'], prev['supervision']['by_kind']['supervise']['total'], '同比')['text']}；"
        f"挂牌督办{s['supervision']['listings']}件。"
        f"各级领导接访下访{rec['times']}次，{change(rec['times'], rec_prev['times'], '同比')['text']}，"
        f"接待群众{rec['persons']}人次，受理信访事项{rec['accepted']}件；"
        f"领导包案{cases['cases']}件，已化解{cases['resolved']}件，化解率{_rate_text(cases['resolution_rate'])}。"
        f"排查矛盾纠纷{disputes['screened']}件，"
        f"{change(disputes['screened'], prev['disputes']['screened'], '同比')['text']}，"
        f"化解{disputes['resolved']}件，化解率{_rate_text(disputes['resolution_rate'])}。"
    )


def _recommendation_paragraph(s: dict[str, Any]) -> str:
    by = s["supervision"]["by_kind"]
    recs = s["supervision"]["recommendations"]
    adopted = sum(by[k]["adopted"] for k in ("improve", "policy", "accountability"))
    partly = sum(by[k]["partly"] for k in ("improve", "policy", "accountability"))
    refused = sum(by[k]["not_adopted"] for k in ("improve", "policy", "accountability"))
    return (
        f"全年提出改进工作建议{by['improve']['total']}件、完善政策建议{by['policy']['total']}件、"
        f"追究责任建议{by['accountability']['total']}件，共{recs['total']}件。"
        f"已书面反馈{recs['answered']}件，其中采纳{adopted}件、部分采纳{partly}件、不采纳{refused}件，"
        f"采纳率（含部分采纳）{_rate_text(recs['adoption_rate'])}；"
        f"尚未反馈{recs['total'] - recs['answered']}件。"
    )


def _figure(label: str, value: int | float) -> str:
    """ "开展重大社会风险评估（次）" and 4 → "开展重大社会风险评估4次"."""
    if label.endswith("）") and "（" in label:
        name, unit = label[:-1].rsplit("（", 1)
        return f"{name}{value}{unit}"
    return f"{label}{value}"


def _other_paragraph(s: dict[str, Any]) -> str:
    ledgers = s["ledgers"]
    if not ledgers:
        return "（其他应当报告的事项由本单位补充。）"
    values, labels = ledgers["values"], ledgers["labels"]
    listed = "；".join(_figure(labels[k], values[k]) for k in values)
    return f"其他工作情况：{listed}。（其他应当报告的事项由本单位补充。）"


def annual_text(org: Org, subtree: Subtree, year: int, s: dict[str, Any], *, today: dt.date) -> Rendered:
    title = f"{org.name}关于{year}年度信访工作情况的报告"
    s["scope_word"] = subtree.root.name.split(" ")[-1].removesuffix("人民政府") or "全区域"
    addressee = subtree.root.name if subtree.root.pk != org.pk else (org.parent.name if org.parent else "")
    lines = [
        title,
        "",
        f"{addressee}：" if addressee else "",
        f"根据《信访工作条例》第四十一条规定，现将{year}年度信访工作情况报告如下。",
        "（一）信访事项的数据统计、涉及领域以及被投诉较多的机关、单位",
        _volume_paragraph(s, year),
        _kpi_paragraph(s),
        _areas_paragraph(s),
        _units_paragraph(s),
        "（二）转送、交办、督办情况",
        _transfer_paragraph(s),
        "（三）提出改进工作、完善政策、追究责任建议以及建议被采纳情况",
        _recommendation_paragraph(s),
        "（四）其他应当报告的事项",
        _other_paragraph(s),
        "",
        org.name,
        format_date_zh(today),
    ]
    return Rendered("annual_report", title, "\n".join(lines))


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for i, header in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(12, len(header) * 2 + 4)


def _rate_row(label: str, r: dict[str, Any], yoy: str = "") -> list[Any]:
    return [
        label,
        r["numerator"],
        r["denominator"],
        r["value"] if r["value"] is not None else "样本不足",
        yoy,
    ]


def annual_xlsx(s: dict[str, Any]) -> bytes:
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    v = s["volume"]
    _sheet(
        wb,
        "信访总量",
        ["项目", "本年", "上年同期", "同比增减", "同比"],
        [["合计", v["total"], v["yoy"]["previous"], v["yoy"]["delta"], v["yoy"]["text"]]]
        + [
            [c["label"], c["n"], c["yoy"]["previous"], c["yoy"]["delta"], c["yoy"]["text"]]
            for c in v["by_channel"]
        ]
        + [
            [
                "来访批次",
                v["visit_batches"],
                v["visit_batches_yoy"]["previous"],
                v["visit_batches_yoy"]["delta"],
                v["visit_batches_yoy"]["text"],
            ],
            [
                "来访人次",
                v["visit_persons"],
                v["visit_persons_yoy"]["previous"],
                v["visit_persons_yoy"]["delta"],
                v["visit_persons_yoy"]["text"],
            ],
        ],
    )
    k = s["kpis"]
    _sheet(
        wb,
        "主要指标",
        ["指标", "分子", "分母", "比率", "同比"],
        [_rate_row(k[key]["label"], k[key], k[key].get("yoy", {}).get("text", "")) for key in k]
        + [
            _rate_row("包案化解率", s["leader_cases"]["resolution_rate"]),
            _rate_row("矛盾纠纷化解率", s["disputes"]["resolution_rate"]),
            _rate_row("建议采纳率", s["supervision"]["recommendations"]["adoption_rate"]),
        ],
    )
    b = s["breakdowns"]
    _sheet(wb, "涉及领域", ["分类", "件数"], [[c["label"], c["n"]] for c in b["category"]])
    _sheet(wb, "问题属地", ["属地", "件数"], [[c["label"], c["n"]] for c in b["region"]])
    _sheet(wb, "三类", ["类别", "件数"], [[c["label"], c["n"]] for c in b["kind"]])
    _sheet(wb, "月度", ["月份", "件数"], [[c["label"], c["n"]] for c in b["month"]])
    _sheet(
        wb,
        "承办单位",
        ["单位", "交办件数", "及时受理（分子/分母）", "按期办结（分子/分母）", "按期答复（分子/分母）"],
        [
            [
                u["name"],
                u["petitions"],
                f"{u['timely_acceptance_rate']['numerator']}/{u['timely_acceptance_rate']['denominator']}",
                f"{u['on_time_completion_rate']['numerator']}/{u['on_time_completion_rate']['denominator']}",
                f"{u['on_time_reply_rate']['numerator']}/{u['on_time_reply_rate']['denominator']}",
            ]
            for u in b["unit"]
        ],
    )
    t = s["transfers"]
    sup = s["supervision"]["by_kind"]
    _sheet(
        wb,
        "转送交办督办",
        ["项目", "件数", "采纳", "部分采纳", "不采纳", "未反馈"],
        [
            ["转送", t["transferred"], "", "", "", ""],
            ["交办", t["assigned"], "", "", "", ""],
            ["移送", t["referred"], "", "", "", ""],
            ["报请", t["escalated"], "", "", "", ""],
            ["挂牌督办", s["supervision"]["listings"], "", "", "", ""],
        ]
        + [
            [e["label"], e["total"], e["adopted"], e["partly"], e["not_adopted"], e["awaiting"]]
            for e in sup.values()
        ],
    )
    rec, cases, disputes = s["receptions"], s["leader_cases"], s["disputes"]
    _sheet(
        wb,
        "接访包案排查",
        ["项目", "数值"],
        [
            ["领导接访下访（次）", rec["times"]],
            ["接待群众（批）", rec["batches"]],
            ["接待群众（人次）", rec["persons"]],
            ["受理信访事项（件）", rec["accepted"]],
            ["领导包案（件）", cases["cases"]],
            ["包案已化解（件）", cases["resolved"]],
            ["排查矛盾纠纷（件）", disputes["screened"]],
            ["矛盾纠纷已化解（件）", disputes["resolved"]],
        ],
    )
    if s.get("ledgers"):
        ledgers = s["ledgers"]
        _sheet(
            wb,
            "其他",
            ["项目", "数值"],
            [[ledgers["labels"][key], val] for key, val in ledgers["values"].items()],
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def annual_files(org: Org, year: int, *, today: dt.date) -> tuple[Rendered, bytes, bytes]:
    """(the text, the .docx, the .xlsx) of the annual report of `org`'s subtree for `year`."""
    subtree = subtree_of(org)
    data = annual_data(subtree, year, today=today)
    rendered = annual_text(org, subtree, year, data, today=today)
    return rendered, render_docx(rendered, issuing_org=org.name), annual_xlsx(data)


def write_annual_report(
    org: Org, year: int, out: Path, *, today: dt.date, xlsx: Path | None = None
) -> list[Path]:
    _, docx, workbook = annual_files(org, year, today=today)
    out.write_bytes(docx)
    xlsx_path = xlsx or out.with_suffix(".xlsx")
    xlsx_path.write_bytes(workbook)
    return [out, xlsx_path]

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from xinfang.documents.kinds import ADDRESSEE, DocumentKind
from xinfang.documents.models import DocumentTemplate, DocumentTemplateRevision
from xinfang.documents.render import (
    SAMPLE_CONTEXT,
    Rendered,
    build_context,
    default_template_source,
    format_date_zh,
    render_document,
    tidy,
)

FULL = dict(SAMPLE_CONTEXT)
MINIMAL: dict[str, str] = {}
ALL_KINDS = list(DocumentKind.values)
UNIT_KINDS = [kind for kind in ALL_KINDS if ADDRESSEE[kind] == "unit"]
PETITIONER_KINDS = [kind for kind in ALL_KINDS if ADDRESSEE[kind] == "petitioner"]


def render(kind, context):
    return render_document(kind, context, use_override=False)


def assert_clean(text: str) -> None:
    for leftover in ("{{", "}}", "{%", "%}", "None", "&quot;", "&amp;", "&lt;", "。。", "；。", "，。"):
        assert leftover not in text, leftover
    assert "\n\n\n" not in text
    assert text == text.strip()


def test_kinds_are_exactly_the_twenty():
    assert len(ALL_KINDS) == 20
    assert DocumentKind.DECISION.label == "信访处理意见书"
    assert DocumentKind("redirect_notice").label == "告知书"
    assert set(ADDRESSEE) == set(ALL_KINDS)
    assert set(ADDRESSEE.values()) == {"petitioner", "unit"}
    assert ADDRESSEE["decision"] == "petitioner"
    assert ADDRESSEE["transfer_slip"] == "unit"


@pytest.mark.parametrize("kind", ALL_KINDS)
@pytest.mark.parametrize("context", [FULL, MINIMAL], ids=["full", "minimal"])
def test_every_kind_renders(kind, context):
    rendered = render(kind, context)
    assert isinstance(rendered, Rendered)
    assert rendered.kind == kind
    assert_clean(rendered.text)
    lines = rendered.text.split("\n")
    assert lines[0] == rendered.title == DocumentKind(kind).label
    assert lines[1] == ""
    assert lines[2].endswith("：")
    assert lines[-3] == ""  # a blank line before the signature
    if context:
        assert lines[-2] == FULL["issuing_org"]
        assert lines[-1] == FULL["on"]
    else:
        assert lines[-1].replace("\u3000", "") == "年月日"  # left for the date to be written in


@pytest.mark.parametrize("kind", PETITIONER_KINDS)
def test_petitioner_documents_greet_the_petitioner(kind):
    if kind == "mediation_agreement":
        assert "信访人：张三、李四" in render(kind, FULL).text
        return
    assert render(kind, FULL).text.split("\n")[2] == "张三、李四："
    assert render(kind, MINIMAL).text.split("\n")[2] == "信访人："


@pytest.mark.parametrize("kind", UNIT_KINDS)
def test_unit_documents_greet_the_unit(kind):
    assert render(kind, FULL).text.split("\n")[2] == "某镇人民政府："


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_approver_is_never_named(kind):
    assert FULL["approver"] not in render(kind, FULL).text


def test_plural_and_singular_address():
    assert "你们于" in render("acceptance_notice", FULL).text
    single = render("acceptance_notice", {**FULL, "petitioner_names": "张三"}).text
    assert "你于2026年3月5日" in single and "你们" not in single


def test_decision_carries_what_article_32_and_35_require():
    text = render("decision", FULL).text
    for key in ("request", "facts", "opinion", "legal_basis", "review_body", "review_deadline"):
        assert FULL[key].rstrip("。") in text, key
    assert "法律法规依据" in text
    assert "投诉请求" in text
    assert "自收到本意见书之日起30日内" in text
    assert "复查" in text
    assert "予以支持" in text
    assert "（截至2026年5月25日）" in text


def test_decision_outcomes_and_defaults():
    assert "不予支持" in render("decision", {**FULL, "outcome": "不予支持"}).text
    assert "解释说明" in render("decision", {**FULL, "outcome": "解释说明"}).text
    minimal = render("decision", {}).text
    assert "30日内，向本机关的上一级机关、单位书面请求复查" in minimal
    assert "截至" not in minimal


def test_review_decision_points_to_reexamination():
    text = render("review_decision", {**FULL, "outcome": "维持", "review_body": "某市人民政府"}).text
    assert "维持原处理意见" in text
    assert "30日内" in text and "某市人民政府请求复核" in text
    assert "发回原办理机关、单位重新办理" in render("review_decision", {**FULL, "outcome": "发回重办"}).text


def test_reexamination_decision_is_final():
    text = render("reexamination_decision", FULL).text
    assert "仍然以同一事实和理由提出投诉请求的" in text
    assert "各级党委和政府信访部门和其他机关、单位不再受理" in text
    assert "第三十六条第三款" in text
    assert "请求复核" not in text and "请求复查" not in text


def test_extension_notice_gives_reason_days_and_new_due_date_but_no_approver():
    text = render("extension_notice", FULL).text
    assert "经本机关负责人批准" in text
    assert "延期理由：需要调取相关单位的用工记录。" in text
    assert "延长30日" in text
    assert "2026年6月3日" in text
    assert "王五" not in text
    assert "第三十四条" in text


def test_decline_and_non_acceptance_cite_their_articles():
    decline = render("decline_notice", {**FULL, "reason": ""}).text
    assert "第十九条第三款" in decline and "不予受理" in decline
    assert "（原信访件编号：XF2026-0000）" in decline
    final = render("non_acceptance_notice", {**FULL, "reason": ""}).text
    assert "第三十六条第三款" in final and "不再受理" in final
    assert "XF2026-0000" in final


def test_redirect_and_divert_name_where_to_go():
    assert "请你们向某县劳动人事争议仲裁委员会提出" in render("redirect_notice", FULL).text
    assert "有权处理的机关、单位提出" in render("redirect_notice", {}).text
    divert = render("divert_notice", FULL).text
    assert "通过劳动人事争议仲裁处理" in divert and "第三十一条" in divert


def test_assignment_letter_sets_report_due_date():
    text = render("assignment_letter", FULL).text
    assert "于2026年4月30日前向本机关反馈办理结果，提交办结报告" in text


@pytest.mark.parametrize("outcome", ["同意", "同意异议，材料交还", "异议成立"])
def test_objection_reply_agrees(outcome):
    text = render("objection_reply", {**FULL, "outcome": outcome}).text
    assert "本机关同意你单位的异议" in text and "不同意" not in text
    assert "交还相关材料" in text


@pytest.mark.parametrize("outcome", ["不同意", "不同意异议，请依法办理", "异议不成立"])
def test_objection_reply_rejects(outcome):
    text = render("objection_reply", {**FULL, "outcome": outcome}).text
    assert "本机关不同意你单位的异议" in text
    assert "请你单位依法办理" in text


def test_transfer_notice_accepts_to_org_name():
    text = render("transfer_notice", {**FULL, "to_org": "", "to_org_name": "某县住建局"}).text
    assert "转送某县住建局依法处理" in text


def test_acceptance_notice_states_route_and_due_date():
    context = {
        **FULL,
        "days": "",
        "new_due_on": "2026年6月19日",
        "procedure": "信访程序（《信访工作条例》第三十一条第六项）",
    }
    text = render("acceptance_notice", context).text
    assert "该信访事项按照信访程序（《信访工作条例》第三十一条第六项）办理。" in text
    assert "本机关将于2026年6月19日前办结" in text
    assert "60日" not in text


def test_suggestion_reply_outcomes():
    assert "部分采纳" in render("suggestion_reply", {**FULL, "outcome": "部分采纳"}).text
    text = render("suggestion_reply", {**FULL, "outcome": "未采纳", "reason": "与现行政策不符"}).text
    assert "暂未采纳，理由是：与现行政策不符。" in text


def test_settlement_flag_makes_a_settlement_agreement():
    assert render("mediation_agreement", FULL).title == "调解协议书"
    settled = render("mediation_agreement", {**FULL, "settlement": "1"})
    assert settled.title == "和解协议书"
    assert "自愿和解" in settled.text
    assert render("mediation_agreement", {**FULL, "settlement": "0"}).title == "调解协议书"
    assert render("mediation_agreement", {**FULL, "method": "和解"}).title == "和解协议书"
    assert "调解机关" not in render("mediation_agreement", {**FULL, "method": "和解"}).text
    assert render("mediation_agreement", {**FULL, "method": "调解"}).title == "调解协议书"


@pytest.mark.parametrize("kind", UNIT_KINDS)
def test_confidential_unit_documents_carry_only_subject_and_number(kind):
    context = {**FULL, "confidential": "1"}
    text = render(kind, context).text
    for key in ("facts", "request", "petitioner_names", "text", "query_code"):
        assert context[key].rstrip("。") not in text, key
    assert FULL["petition_number"] in text
    assert FULL["subject"] in text


def test_open_unit_documents_carry_the_content():
    text = render("transfer_slip", FULL).text
    assert FULL["facts"].rstrip("。") in text and "张三、李四" in text


@pytest.mark.parametrize("kind", UNIT_KINDS)
def test_query_code_is_only_for_the_petitioner(kind):
    assert FULL["query_code"] not in render(kind, FULL).text


def test_no_html_escaping():
    text = render("decision", {**FULL, "opinion": '按"合同"约定 <立即> 支付 & 结清'}).text
    assert '按"合同"约定 <立即> 支付 & 结清' in text


def test_unknown_kind_is_a_value_error():
    with pytest.raises(ValueError):
        render_document("no_such_kind", FULL)
    with pytest.raises(ValueError):
        default_template_source("../settings")


def test_format_date_zh():
    assert format_date_zh(date(2026, 3, 5)) == "2026年3月5日"
    assert format_date_zh(date(2026, 12, 31)) == "2026年12月31日"
    assert format_date_zh(None) == ""
    late_utc = datetime(2026, 3, 4, 20, 0, tzinfo=ZoneInfo("UTC"))  # 3月5日 04:00 in 北京时间
    assert format_date_zh(late_utc) == "2026年3月5日"


def test_context_is_normalised():
    ctx = build_context({"confidential": "false", "settlement": "yes", "request": " 要求赔偿。 ", "x": None})
    assert ctx["confidential"] == ""
    assert ctx["settlement"] == "1"
    assert ctx["request"] == "要求赔偿"
    assert ctx["x"] == ""
    assert ctx["you"] == "你"
    assert ctx["review_body"] == ""


def test_tidy_collapses_blank_lines_and_punctuation():
    assert tidy("a  \n\n\n\n\nb\n\n") == "a\n\nb"
    assert tidy("\n\n标题\n正文。。\n理由；。") == "标题\n正文。\n理由。"
    assert tidy("标题\r\n正文\x00\x1b。") == "标题\n正文。"


# --- admin overrides ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_file_template_is_used_without_override():
    assert render_document("decision", FULL).text == render("decision", FULL).text


@pytest.mark.django_db
def test_override_is_used():
    DocumentTemplate.objects.create(
        kind="decision",
        body="{% autoescape off %}信访处理意见书\n\n{{ petitioner_names }}：\n本县特别格式。{{ opinion }}\n\n"
        "{{ issuing_org }}\n{{ on }}{% endautoescape %}\n",
    )
    rendered = render_document("decision", FULL)
    assert rendered.title == "信访处理意见书"
    assert "本县特别格式。责成某公司" in rendered.text
    assert "本县特别格式" not in render_document("review_decision", FULL).text
    assert "本县特别格式" not in render_document("decision", FULL, use_override=False).text


@pytest.mark.django_db
def test_override_without_autoescape_tag_is_not_escaped():
    DocumentTemplate.objects.create(kind="transfer_slip", body="转送单\n\n{{ to_org }}：\n{{ opinion }}\n")
    text = render_document("transfer_slip", {**FULL, "opinion": 'A & "B"'}).text
    assert 'A & "B"' in text


@pytest.mark.parametrize(
    "body",
    [
        "标题\n{% if %}\n",
        "标题\n{% if x %}没有结束",
        "标题\n{{ x|no_such_filter }}",
        "{% no_such_tag %}",
        "{% include 'documents/no_such_file.txt' %}",
        "   \n",
    ],
)
def test_broken_override_fails_clean(body):
    template = DocumentTemplate(kind="decision", body=body)
    with pytest.raises(ValidationError) as excinfo:
        template.clean()
    assert "body" in excinfo.value.message_dict
    assert any("模板" in message for message in excinfo.value.message_dict["body"])


def test_file_templates_pass_clean():
    for kind in ALL_KINDS:
        DocumentTemplate(kind=kind, body=default_template_source(kind)).clean()


@pytest.mark.django_db
def test_save_with_revision_keeps_history():
    template = DocumentTemplate(kind="decision", body=default_template_source("decision"), note="初始")
    template.save_with_revision(by=None)
    template.body = template.body.replace("现提出处理意见如下", "现答复如下")
    template.note = "改措辞"
    template.save_with_revision(by=None)
    revisions = list(template.revisions.all())
    assert len(revisions) == 2
    assert "现答复如下" in revisions[0].body
    assert "现提出处理意见如下" in revisions[1].body
    assert DocumentTemplateRevision.objects.count() == 2
    assert "现答复如下" in render_document("decision", FULL).text

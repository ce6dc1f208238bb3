"""HTML forms: they parse types; the services decide what is allowed."""

from __future__ import annotations

from typing import Any

from django import forms

from xinfang.ledgers.models import Conclusion, OutreachForm, RiskLevel, RiskState, SubjectKind
from xinfang.orgs.models import Org
from xinfang.petitions.models import Outcome

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(choices: Any, label: str = "全部") -> list[tuple[str, str]]:
    return [("", label), *list(choices)]


class PeriodFilter(forms.Form):
    date_from = forms.DateField(label="起始日期", required=False, widget=DATE)
    date_to = forms.DateField(label="截止日期", required=False, widget=DATE)
    q = forms.CharField(label="关键词", required=False)


class RiskFilter(PeriodFilter):
    level = forms.ChoiceField(label="风险等级", required=False, choices=_blank(RiskLevel.choices))
    conclusion = forms.ChoiceField(label="评估结论", required=False, choices=_blank(Conclusion.choices))
    state = forms.ChoiceField(label="状态", required=False, choices=_blank(RiskState.choices))


class SuggestionFilter(PeriodFilter):
    outcome = forms.ChoiceField(
        label="采纳情况",
        required=False,
        choices=_blank(
            [
                ("pending", "待答复"),
                (Outcome.ADOPTED.value, "采纳"),
                (Outcome.PARTLY_ADOPTED.value, "部分采纳"),
                (Outcome.NOT_ADOPTED.value, "未采纳"),
            ]
        ),
    )


class OutreachFilter(PeriodFilter):
    form = forms.ChoiceField(label="形式", required=False, choices=_blank(OutreachForm.choices))


class ProblemFilter(PeriodFilter):
    state = forms.ChoiceField(
        label="整改状态", required=False, choices=_blank([("open", "待整改"), ("rectified", "已整改")])
    )


class OrgChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def org_field(org_ids: list[int], label: str, required: bool = False) -> OrgChoiceField:
    return OrgChoiceField(
        label=label,
        queryset=Org.objects.filter(pk__in=org_ids, is_active=True).order_by("path"),
        required=required,
        empty_label="本单位" if not required else "请选择",
    )


class RiskRegisterForm(forms.Form):
    title = forms.CharField(label="决策事项或项目名称", max_length=200)
    subject_kind = forms.ChoiceField(label="类型", choices=SubjectKind.choices)
    scope_text = forms.CharField(label="评估范围", widget=forms.Textarea)
    registered_on = forms.DateField(label="登记日期", widget=DATE)


class RiskAssessForm(forms.Form):
    on = forms.DateField(label="评估日期", widget=DATE)
    risk_points = forms.CharField(label="风险点", widget=forms.Textarea)
    level = forms.ChoiceField(label="风险等级", choices=RiskLevel.choices)
    measures = forms.CharField(label="防范化解措施", widget=forms.Textarea)


class RiskConcludeForm(forms.Form):
    on = forms.DateField(label="结论日期", widget=DATE)
    conclusion = forms.ChoiceField(label="评估结论", choices=Conclusion.choices)
    note = forms.CharField(label="结论说明", widget=forms.Textarea, required=False)


class RiskFollowUpForm(forms.Form):
    on = forms.DateField(label="回访日期", widget=DATE)
    findings = forms.CharField(label="跟踪情况", widget=forms.Textarea)
    risk_materialised = forms.BooleanField(label="风险已显现", required=False)


class RiskLinkForm(forms.Form):
    petition = forms.CharField(label="信访件编号", max_length=30)
    on = forms.DateField(label="关联日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件（PDF、图片、Word、Excel、ZIP，20MB以内）")


class ReviewDrawForm(forms.Form):
    title = forms.CharField(label="评查名称", max_length=100)
    period_start = forms.DateField(label="办结起", widget=DATE)
    period_end = forms.DateField(label="办结止", widget=DATE)
    size = forms.IntegerField(label="抽取件数", required=False, min_value=1)
    percent = forms.IntegerField(label="抽取比例（%）", required=False, min_value=1, max_value=100)
    seed = forms.IntegerField(label="随机种子（留空则随机生成）", required=False, min_value=0)
    on = forms.DateField(label="抽取日期", widget=DATE)


class ProblemForm(forms.Form):
    description = forms.CharField(label="问题描述", widget=forms.Textarea)
    on = forms.DateField(label="发现日期", widget=DATE)
    due_on = forms.DateField(label="整改期限", widget=DATE, required=False)


class RectifyForm(forms.Form):
    rectification = forms.CharField(label="整改情况", widget=forms.Textarea)
    on = forms.DateField(label="整改完成日期", widget=DATE)


class AdoptionForm(forms.Form):
    outcome = forms.ChoiceField(
        label="采纳情况",
        choices=[
            (Outcome.ADOPTED.value, "采纳"),
            (Outcome.PARTLY_ADOPTED.value, "部分采纳"),
            (Outcome.NOT_ADOPTED.value, "未采纳"),
        ],
    )
    opinion = forms.CharField(label="答复意见", widget=forms.Textarea)
    on = forms.DateField(label="答复日期", widget=DATE)


class StudyForm(forms.Form):
    study = forms.CharField(label="研究论证情况", widget=forms.Textarea)
    on = forms.DateField(label="研究论证日期", widget=DATE)


class ConsentForm(forms.Form):
    consent = forms.BooleanField(label="信访人同意公开", required=False)
    public_summary = forms.CharField(label="公开摘要（不含个人信息）", widget=forms.Textarea, required=False)
    on = forms.DateField(label="登记日期", widget=DATE)


class RewardForm(forms.Form):
    form = forms.CharField(label="奖励形式", max_length=50)
    basis = forms.CharField(label="奖励依据", max_length=200)
    amount = forms.DecimalField(label="奖金（元）", required=False, min_value=0, decimal_places=2)
    on = forms.DateField(label="奖励日期", widget=DATE)


class OutreachRecordForm(forms.Form):
    held_on = forms.DateField(label="日期", widget=DATE)
    title = forms.CharField(label="活动名称", max_length=200)
    place = forms.CharField(label="地点", max_length=200)
    form = forms.ChoiceField(label="形式", choices=OutreachForm.choices)
    organiser = forms.CharField(label="组织者", max_length=100)
    materials = forms.IntegerField(label="发放宣传资料（份）", min_value=0, initial=0)
    consultations = forms.IntegerField(label="接受群众咨询（人次）", min_value=0, initial=0)
    reached = forms.IntegerField(label="受众人数", min_value=0, initial=0)
    note = forms.CharField(label="备注", widget=forms.Textarea, required=False)


class TrainingRecordForm(forms.Form):
    start_on = forms.DateField(label="开班日期", widget=DATE)
    topic = forms.CharField(label="培训主题", max_length=200)
    place = forms.CharField(label="地点", max_length=200, required=False)
    participants = forms.IntegerField(label="参训人次", min_value=1)
    hours = forms.DecimalField(label="学时", min_value=0, decimal_places=1, max_digits=6)
    note = forms.CharField(label="参训对象及备注", widget=forms.Textarea, required=False)

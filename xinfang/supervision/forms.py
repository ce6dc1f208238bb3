from __future__ import annotations

from typing import Any

from django import forms

from xinfang.orgs.models import Org, User

from .models import Adoption, Ground, ReceptionKind, SupervisionKind


class IssueForm(forms.Form):
    # The service checks every field and its message is shown next to it (no browser-side blocking).
    use_required_attribute = False
    kind = forms.ChoiceField(label="文书类别", choices=SupervisionKind.choices)
    petition = forms.IntegerField(label="信访件ID", required=False, widget=forms.HiddenInput)
    unit = forms.ModelChoiceField(
        label="被督办单位",
        queryset=Org.objects.none(),
        required=False,
        help_text="针对信访件时可不选，默认为当前办理单位",
    )
    to_org = forms.ModelChoiceField(
        label="主送单位",
        queryset=Org.objects.none(),
        required=False,
        help_text="追究责任建议可选党委政府或上级主管部门；不选按默认",
    )
    grounds = forms.MultipleChoiceField(
        label="督办事由（第四十条）", choices=Ground.choices, widget=forms.CheckboxSelectMultiple
    )
    facts = forms.CharField(label="发现的问题", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    requirement = forms.CharField(
        label="工作要求或建议", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    respond_by = forms.DateField(
        label="反馈期限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="不填按类别默认期限",
    )

    def __init__(self, *args: Any, orgs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["unit"].queryset = orgs  # type: ignore[attr-defined]
            self.fields["to_org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["grounds"].required = False  # the service says what is missing, next to the field


class FeedbackForm(forms.Form):
    adoption = forms.ChoiceField(
        label="采纳情况", choices=[("", "（督办函、提醒函可不选）"), *Adoption.choices], required=False
    )
    feedback = forms.CharField(label="书面反馈", widget=forms.Textarea(attrs={"rows": 5}), required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CloseCaseForm(forms.Form):
    resolved = forms.TypedChoiceField(
        label="结果", choices=[("1", "已化解"), ("0", "未化解")], coerce=lambda v: v == "1"
    )
    outcome = forms.CharField(label="化解结果", widget=forms.Textarea(attrs={"rows": 3}), required=False)


def _date(**kw: Any) -> forms.DateField:
    return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kw)


def _time(**kw: Any) -> forms.TimeField:
    return forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"), **kw)


class _LeaderForm(forms.Form):
    """A form with a 领导 chosen among the leaders the actor may arrange for (set by the view)."""

    # The services check every field; their messages go next to the field (no browser-side blocking).
    use_required_attribute = False

    def __init__(self, *args: Any, leaders: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"] = forms.ModelChoiceField(
            label="领导",
            queryset=leaders if leaders is not None else User.objects.none(),
            empty_label="（请选择）",
            error_messages={"required": "请选择领导。", "invalid_choice": "所选领导不在本辖区。"},
        )
        self.order_fields(["kind", "leader", *self.field_order_after_leader])

    field_order_after_leader: tuple[str, ...] = ()


class SlotForm(_LeaderForm):
    """接访安排 (第十八条第一款: 公布信访接待的时间和地点)."""

    kind = forms.ChoiceField(label="方式", choices=ReceptionKind.choices, initial=ReceptionKind.RECEIVE)
    leader_title = forms.CharField(label="职务", max_length=60, required=False)
    on = _date(label="日期", error_messages={"required": "请填写日期。", "invalid": "日期格式不正确。"})
    starts_at = _time(label="开始时间", error_messages={"required": "请填写开始时间。"})
    ends_at = _time(label="结束时间", error_messages={"required": "请填写结束时间。"})
    place = forms.CharField(label="地点", max_length=200, required=False)
    topics = forms.CharField(
        label="接访事项", max_length=300, required=False, help_text="如：城乡建设、劳动保障"
    )
    field_order_after_leader = ("leader_title", "on", "starts_at", "ends_at", "place", "topics")


PETITION_NUMBERS_HELP = "填写信访件编号，多件用空格、逗号或换行分隔"


class ReceptionForm(_LeaderForm):
    """接访/下访/约访记录 with the petitions received (批次, 人次, 受理件数 default from them)."""

    kind = forms.ChoiceField(label="方式", choices=ReceptionKind.choices, initial=ReceptionKind.RECEIVE)
    on = _date(label="日期", error_messages={"required": "请填写日期。", "invalid": "日期格式不正确。"})
    place = forms.CharField(label="地点", max_length=200, required=False)
    petitions = forms.CharField(
        label="接待的信访件",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=PETITION_NUMBERS_HELP,
    )
    batches = forms.IntegerField(label="批次", required=False, help_text="不填按所列信访件计算")
    persons = forms.IntegerField(label="人次", required=False, help_text="不填按所列信访件计算")
    accepted = forms.IntegerField(label="受理件数", required=False, help_text="不填按所列信访件计算")
    notes = forms.CharField(label="情况记录", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    field_order_after_leader = ("on", "place", "petitions", "batches", "persons", "accepted", "notes")


class CaseForm(_LeaderForm):
    """领导包案: a leader, one or a group of petitions, a resolution target."""

    title = forms.CharField(label="案件名称", max_length=200, required=False)
    petitions = forms.CharField(
        label="包案信访件",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=PETITION_NUMBERS_HELP,
    )
    target_on = _date(
        label="化解时限", error_messages={"required": "请填写化解时限。", "invalid": "日期格式不正确。"}
    )
    field_order_after_leader = ("title", "petitions", "target_on")


class ListingForm(forms.Form):
    """挂牌督办 of one petition with its own deadline."""

    use_required_attribute = False
    petition = forms.CharField(label="信访件编号", max_length=30, required=False)
    deadline = _date(
        label="办结时限", error_messages={"required": "请填写办结时限。", "invalid": "日期格式不正确。"}
    )
    reason = forms.CharField(label="挂牌理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LiftForm(forms.Form):
    use_required_attribute = False
    note = forms.CharField(label="摘牌说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

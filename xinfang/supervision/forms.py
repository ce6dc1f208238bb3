from __future__ import annotations

from typing import Any

from django import forms

from xinfang.orgs.models import Org

from .models import Adoption, Ground, SupervisionKind


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

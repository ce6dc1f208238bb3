"""The portal's forms: labels and help in plain Chinese, every field labelled for screen readers."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from xinfang.petitions.models import Kind, PetitionerKind, Route, Satisfaction
from xinfang.portal import selectors
from xinfang.portal.services import MAX_ATTACHMENTS

# The six routes of 第三十一条 in words a petitioner understands (the legal label is kept in the value).
ROUTE_CHOICES = [
    (Route.PETITION, "以上都不是，请按信访程序办理（可以得到书面处理意见，不服可以请求复查、复核）"),
    (Route.LITIGATION, "已经或应当通过法院诉讼、检察院、公安机关处理的（涉法涉诉）"),
    (Route.ARBITRATION, "应当通过仲裁解决的（如劳动争议仲裁、农村土地承包仲裁）"),
    (Route.ADMINISTRATIVE, "可以通过行政复议、行政裁决、行政许可、行政处罚等行政程序解决的"),
    (Route.DUTY, "请求查处违法行为，或请求机关履行保护人身权、财产权职责的"),
    (Route.PARTY_APPEAL, "党员申诉、申请复审的"),
]
KIND_CHOICES = [
    (Kind.REQUEST, "申诉求决：为自己的权益提出请求，希望得到解决"),
    (Kind.SUGGESTION, "建议意见：对工作提出建议、意见"),
    (Kind.ACCUSATION, "检举控告：检举、控告公职人员或单位的违纪违法行为"),
]


class PortalForm(forms.Form):
    """Labels without the trailing colon, so a screen reader reads exactly the label."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class SubmissionForm(PortalForm):
    petitioner_kind = forms.ChoiceField(
        label="信访人类型",
        choices=PetitionerKind.choices,
        initial=PetitionerKind.PERSON,
        widget=forms.RadioSelect,
    )
    name = forms.CharField(label="姓名（单位名称）", max_length=100)
    id_number = forms.CharField(
        label="身份证号码（单位填统一社会信用代码）",
        max_length=30,
        help_text="用于核实身份，加密保存，不会公开。",
    )
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        help_text="查询办理进展时需要输入手机号后四位；办理机关会通过它联系您。",
    )
    address = forms.CharField(label="住址（通信地址）", max_length=200)
    kind = forms.ChoiceField(
        label="您要反映的是", choices=KIND_CHOICES, initial=Kind.REQUEST, widget=forms.RadioSelect
    )
    route = forms.ChoiceField(
        label="如果是申诉求决，属于以下哪种情况",
        choices=ROUTE_CHOICES,
        initial=Route.PETITION,
        required=False,
        widget=forms.RadioSelect,
        help_text="不确定的，请选第一项，受理机关会依法告知您处理途径。",
    )
    subject = forms.CharField(
        label="标题", max_length=200, help_text="一句话概括反映的问题，例如“小区消防通道被占用”。"
    )
    request = forms.CharField(
        label="请求", widget=forms.Textarea(attrs={"rows": 3}), help_text="您希望解决什么问题。"
    )
    content = forms.CharField(
        label="事实和理由",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="发生了什么、什么时间、什么地点，以及您的理由。",
    )
    region = forms.ChoiceField(label="问题发生地（行政区划）")
    place = forms.CharField(label="具体地点", max_length=200, required=False)
    org = forms.ChoiceField(label="向哪个机关、单位提出", help_text="不清楚由谁处理的，请选择当地信访局。")
    attachments = MultipleFileField(
        label="附件（可选）",
        required=False,
        help_text=f"照片、扫描件或PDF，最多{MAX_ATTACHMENTS}个，每个不超过10MB。出错后需要重新选择附件。",
    )
    truthful = forms.BooleanField(
        label="我已阅读上面的说明，所反映的情况客观真实，我对所提供材料内容的真实性负责（《信访工作条例》第十九条第二款）。"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = selectors.region_choices()
        self.fields["region"].choices = [("", "请选择"), *regions]  # type: ignore[attr-defined]
        self.fields["org"].choices = [("", "请选择"), *selectors.receiving_org_choices()]  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if name not in ("petitioner_kind", "kind", "route", "truthful", "attachments"):
                field.widget.attrs.setdefault(
                    "autocomplete",
                    {"name": "name", "phone": "tel", "address": "street-address"}.get(name, "off"),
                )
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Kind.REQUEST and not data.get("route"):
            data["route"] = Route.PETITION
        if data.get("kind") != Kind.REQUEST:
            data["route"] = ""
        return data


class TrackForm(PortalForm):
    code = forms.CharField(
        label="查询码", max_length=30, help_text="提交成功时或登记回执上给出的12位查询码。"
    )
    phone_tail = forms.RegexField(
        label="手机号后四位",
        regex=r"^\d{4}$",
        error_messages={"invalid": "请输入4位数字。"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}),
    )
    captcha_key = forms.CharField(required=False, widget=forms.HiddenInput)
    captcha = forms.CharField(
        label="验证码：请输入图中算式的结果",
        required=False,
        max_length=4,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class AppealForm(PortalForm):
    to_org = forms.ChoiceField(label="向哪个机关请求")
    reason = forms.CharField(
        label="请求的理由",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        error_messages={"required": "请填写请求的理由：您认为原处理意见哪里不对。"},
    )

    def __init__(self, *args: Any, bodies: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].choices = bodies  # type: ignore[attr-defined]


class RatingForm(PortalForm):
    satisfaction = forms.ChoiceField(
        label="您对这次答复的评价", choices=Satisfaction.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="意见（可选）", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class UrgeForm(PortalForm):
    text = forms.CharField(
        label="催办内容",
        max_length=500,
        initial="该环节已超过法定期限，请尽快办理并答复。",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

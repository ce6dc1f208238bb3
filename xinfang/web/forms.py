"""Forms of the workbench: they parse and label input; the services decide what is allowed."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import filetype  # type: ignore[import-untyped]
from django import forms
from django.core.exceptions import ValidationError
from django.forms import formset_factory

from xinfang.orgs.models import Org, User
from xinfang.petitions.actions import ACTIONS
from xinfang.petitions.models import (
    Channel,
    DeliveryMethod,
    Kind,
    Outcome,
    PauseReason,
    Petition,
    PetitionerKind,
    Route,
    Satisfaction,
    StageKind,
    State,
)
from xinfang.petitions.selectors import today
from xinfang.petitions.services.handling import (
    ACCUSATION_OUTCOMES,
    PETITION_OUTCOMES,
    REVIEW_OUTCOMES,
    SUGGESTION_OUTCOMES,
)
from xinfang.web import selectors
from xinfang.web.models import MAX_ATTACHMENT_BYTES

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ALLOWED_UPLOADS = {"image/jpeg", "image/png", "image/tiff", "application/pdf"}


def _blank(choices: list[tuple[str, str]], label: str = "全部") -> list[tuple[str, str]]:
    return [("", label), *choices]


# --- queue / search filters ----------------------------------------------------------------------


class FilterForm(forms.Form):
    q = forms.CharField(label="关键词", required=False, max_length=100, help_text="标题、内容或信访件编号")
    channel = forms.ChoiceField(label="信访形式", required=False, choices=_blank(Channel.choices))
    kind = forms.ChoiceField(label="三类", required=False, choices=_blank(Kind.choices))
    category = forms.ChoiceField(label="内容分类", required=False)
    region = forms.ChoiceField(label="问题属地", required=False)
    unit = forms.ChoiceField(label="办理单位", required=False)
    state = forms.ChoiceField(label="状态", required=False, choices=_blank(State.choices))
    received_from = forms.DateField(label="收到日期起", required=False, widget=DATE)
    received_to = forms.DateField(label="收到日期止", required=False, widget=DATE)
    overdue = forms.BooleanField(label="只看超期", required=False)
    sort = forms.ChoiceField(label="排序", required=False, choices=list(selectors.SORT_LABELS.items()))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _blank([(c.code, c.name) for c in selectors.categories()])  # type: ignore[attr-defined]
        self.fields["region"].choices = _blank(selectors.regions(user))  # type: ignore[attr-defined]
        self.fields["unit"].choices = _blank([(str(o.pk), o.name) for o in selectors.region_orgs(user)])  # type: ignore[attr-defined]

    def filters(self) -> selectors.Filters:
        data = self.cleaned_data if self.is_valid() else {}
        unit = data.get("unit") or ""
        return selectors.Filters(
            channel=data.get("channel") or "",
            kind=data.get("kind") or "",
            category=data.get("category") or "",
            region=data.get("region") or "",
            unit=int(unit) if unit else None,
            received_from=data.get("received_from"),
            received_to=data.get("received_to"),
            q=(data.get("q") or "").strip(),
            state=data.get("state") or "",
            overdue=bool(data.get("overdue")),
        )


# --- registration --------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,.tif,.tiff"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = []
        for f in files:
            f = super().clean(f, initial)
            if f.size > MAX_ATTACHMENT_BYTES:
                raise ValidationError(f"“{f.name}”超过10MB，请分页扫描后上传。")
            head = f.read(262)
            f.seek(0)
            kind = filetype.guess(head)
            if kind is None or kind.mime not in ALLOWED_UPLOADS:
                raise ValidationError(f"“{f.name}”不是PDF、JPEG、PNG或TIFF扫描件。")
            f.detected_type = kind.mime
            cleaned.append(f)
        return cleaned


class RegisterForm(forms.Form):
    """One form for every channel; the channel's own fieldset is what changes (来信/来访/来电/网上)."""

    channel = forms.ChoiceField(label="信访形式", choices=Channel.choices, initial=Channel.LETTER)
    received_on = forms.DateField(
        label="收到日期", widget=DATE, help_text="来信填收信日期；来访、来电填接待日期"
    )
    subject = forms.CharField(label="标题", max_length=200)
    request = forms.CharField(label="诉求", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label="事实和理由", widget=forms.Textarea(attrs={"rows": 5}))
    kind = forms.ChoiceField(label="三类", choices=_blank(Kind.choices, "请选择"))
    route = forms.ChoiceField(
        label="处理途径（第三十一条）",
        required=False,
        choices=_blank(Route.choices, "不适用（建议意见类、检举控告类）"),
    )
    category = forms.ChoiceField(label="内容分类", required=False)
    region = forms.ChoiceField(label="问题属地", required=False)
    place = forms.CharField(label="发生地点", required=False, max_length=200)
    accused_org = forms.ChoiceField(label="被检举控告单位", required=False, help_text="仅检举控告类填写")
    headcount = forms.IntegerField(
        label="人数", min_value=1, initial=1, help_text="来访为人次；5人以上为集体访"
    )
    # 来信
    postmark_on = forms.DateField(label="邮戳日期", required=False, widget=DATE)
    postmark_place = forms.CharField(label="邮戳地", required=False, max_length=50)
    attachments = MultipleFileField(label="扫描件（可多选）", required=False)
    # 来访
    batch = forms.CharField(label="批次", required=False, max_length=30, help_text="如：当日第3批")
    window = forms.CharField(label="接待窗口", required=False, max_length=30)
    # 来电
    call_line = forms.CharField(label="受理热线/坐席", required=False, max_length=30)
    # 网上
    online_ref = forms.CharField(label="网上信访编号", required=False, max_length=40)

    CHANNEL_FIELDS: ClassVar[dict[str, tuple[str, ...]]] = {
        "letter": ("postmark_on", "postmark_place", "attachments"),
        "visit": ("batch", "window"),
        "phone": ("call_line",),
        "online": ("online_ref",),
    }

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _blank([(c.code, c.name) for c in selectors.categories()], "请选择")  # type: ignore[attr-defined]
        self.fields["region"].choices = _blank(selectors.regions(user), "请选择")  # type: ignore[attr-defined]
        self.fields["accused_org"].choices = _blank(  # type: ignore[attr-defined]
            [(o.code, o.name) for o in selectors.region_orgs(user)], "无"
        )

    def clean_received_on(self) -> dt.date:
        value: dt.date = self.cleaned_data["received_on"]
        if value > today():
            raise ValidationError("收到日期不能晚于今天。")
        return value

    def details(self) -> dict[str, str]:
        """The channel's own details, kept with the petition (IntakeRecord)."""
        out: dict[str, str] = {}
        for name in self.CHANNEL_FIELDS.get(self.cleaned_data["channel"], ()):
            if name == "attachments":
                continue
            value = self.cleaned_data.get(name)
            if value:
                out[name] = value.isoformat() if isinstance(value, dt.date) else str(value)
        return out


class PetitionerForm(forms.Form):
    name = forms.CharField(label="姓名（名称）", max_length=100, required=False)
    kind = forms.ChoiceField(label="类型", choices=PetitionerKind.choices, initial=PetitionerKind.PERSON)
    id_number = forms.CharField(label="身份证号码", max_length=40, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    address = forms.CharField(label="住址", max_length=200, required=False)
    is_representative = forms.BooleanField(label="代表", required=False)


PetitionerFormSet = formset_factory(PetitionerForm, extra=0, min_num=1, max_num=200, absolute_max=200)


def filled(form: PetitionerForm) -> bool:
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    return bool((data.get("name") or "").strip() or data.get("id_number") or data.get("phone"))


# --- actions -------------------------------------------------------------------------------------

DECLINE_REASONS = [
    ("not_competent", "不属于本机关职权范围，告知向有权机关提出（第二十三条）"),
    ("in_progress_elsewhere", "已经受理或正在办理，上级不予受理（第十九条第三款）"),
    ("final", "复核终结，同一事实和理由不再受理（第三十六条第三款）"),
]
MEDIATION_METHODS = [("mediation", "调解"), ("settlement", "和解")]
LABELS: dict[str, str] = {
    "on": "办理日期",
    "to_org": "移交单位",
    "report_due_on": "办结报告期限",
    "reason": "理由",
    "related": "相关的此前信访件",
    "competent_body": "有权处理的机关、单位",
    "procedure": "法定途径和程序（如：行政复议）",
    "days": "延长天数（不超过30日）",
    "approver": "批准延期的本单位负责人",
    "outcome": "处理结果",
    "request": "投诉请求",
    "facts": "事实和理由",
    "opinion": "处理意见",
    "legal_basis": "法律法规依据",
    "method": "方式",
    "agreement": "协议内容",
    "consent": "双方当事人同意",
    "satisfaction": "满意度",
    "comment": "评价意见",
    "text": "内容",
}
REASON_LABELS = {
    "extend": "延期理由（将告知信访人）",
    "object": "异议理由（不属于本单位职责的依据）",
    "object_reject": "不同意异议的理由",
    "object_approve": "说明",
    "escalate": "报请理由",
    "withdraw": "撤回方式和理由",
    "request_review": "请求复查的理由",
    "request_reexamination": "请求复核的理由",
}
TEXT_LABELS = {"report": "办结报告", "report_return": "退回理由", "urge": "催办内容"}
LONG = {"request", "facts", "opinion", "legal_basis", "agreement", "comment", "text"}


def outcome_choices(petition: Petition, stage_kind: str | None) -> list[tuple[str, str]]:
    if stage_kind in (StageKind.REVIEW, StageKind.REEXAMINATION):
        values: tuple[str, ...] = REVIEW_OUTCOMES
    elif petition.kind == Kind.SUGGESTION:
        values = SUGGESTION_OUTCOMES
    elif petition.kind == Kind.ACCUSATION:
        values = ACCUSATION_OUTCOMES
    else:
        values = PETITION_OUTCOMES
    return [(v, Outcome(v).label) for v in values]


class ActionForm(forms.Form):
    """The form of one action: exactly the parameters its row in `ACTIONS` names, labelled in Chinese."""

    def __init__(
        self,
        action: str,
        *args: Any,
        petition: Petition,
        org_choices: list[Org] | None = None,
        stage_kind: str | None = None,
        related: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", action)
        super().__init__(*args, **kwargs)
        self.action = action
        spec = ACTIONS[action]
        self.label = spec.label
        self.fields["on"] = forms.DateField(label=LABELS["on"], initial=today, widget=DATE)
        for name in (*spec.required, *spec.optional):
            required = name in spec.required
            self.fields[name] = self._field(name, required, petition, org_choices, stage_kind, related)

    def _field(
        self,
        name: str,
        required: bool,
        petition: Petition,
        orgs: list[Org] | None,
        stage_kind: str | None,
        related: list[tuple[str, str]] | None,
    ) -> forms.Field:
        label = LABELS.get(name, name)
        if name == "reason":
            label = REASON_LABELS.get(self.action, label)
            if self.action == "decline":
                return forms.ChoiceField(label="不予受理的情形", choices=DECLINE_REASONS)
            if self.action == "pause":
                return forms.ChoiceField(label="中止计时的原因", choices=PauseReason.choices)
        if name == "text":
            label = TEXT_LABELS.get(self.action, label)
        if name == "to_org":
            choices = [(o.code, o.name) for o in (orgs or [])]
            return forms.ChoiceField(label=label, choices=_blank(choices, "请选择"), required=required)
        if name == "related":
            return forms.ChoiceField(label=label, choices=_blank(related or [], "无"), required=False)
        if name in ("report_due_on",):
            return forms.DateField(label=label, required=required, widget=DATE)
        if name == "days":
            return forms.IntegerField(
                label=label,
                required=required,
                min_value=1,
                max_value=30,
                error_messages={"max_value": "延长期限不得超过30日（《信访工作条例》第三十四条）。"},
            )
        if name == "outcome":
            return forms.ChoiceField(label=label, choices=outcome_choices(petition, stage_kind))
        if name == "method":
            choices = MEDIATION_METHODS if self.action == "mediate" else list(DeliveryMethod.choices)
            return forms.ChoiceField(label="送达方式" if self.action == "deliver" else label, choices=choices)
        if name == "satisfaction":
            return forms.ChoiceField(label=label, choices=Satisfaction.choices)
        if name == "consent":
            return forms.BooleanField(label=label, required=required)
        initial = ""
        if name == "request":
            initial = petition.request
        elif name == "facts":
            initial = petition.content
        widget = forms.Textarea(attrs={"rows": 3}) if name in LONG or name == "reason" else None
        return forms.CharField(label=label, required=required, initial=initial, widget=widget)

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {"action": self.action}
        for name, value in self.cleaned_data.items():
            if value in (None, "") and name != "consent":
                continue
            out[name] = value.isoformat() if isinstance(value, dt.date) else value
        if "related" in out:
            out["related"] = int(out["related"])
        return out


class BatchTransferForm(forms.Form):
    ids = forms.TypedMultipleChoiceField(label="信访件", coerce=int, choices=[])
    to_org = forms.ChoiceField(label="转送至")
    on = forms.DateField(label="办理日期", initial=today, widget=DATE)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ids = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(i, i) for i in ids if str(i).isdigit()]  # type: ignore[attr-defined]
        self.fields["to_org"].choices = _blank(  # type: ignore[attr-defined]
            [(o.code, o.name) for o in selectors.transfer_targets(user)], "请选择"
        )

"""Forms of the 矛盾隐患预警 page: the two decisions a supervisor takes on an alert."""

from __future__ import annotations

from django import forms

from xinfang.routing.models import EscalateTo


class DismissForm(forms.Form):
    # The service checks the reason; its message goes next to the field (no browser-side blocking).
    use_required_attribute = False

    note = forms.CharField(
        label="排除理由",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写排除理由。"},
        help_text="例如：同一人反复反映、已在其他渠道处理、内容相似但不是同一问题。",
    )


class EscalateForm(forms.Form):
    use_required_attribute = False

    to = forms.ChoiceField(
        label="升级处置方式",
        choices=EscalateTo.choices,
        error_messages={"required": "请选择升级处置方式。", "invalid_choice": "请选择升级处置方式。"},
    )
    note = forms.CharField(
        label="说明", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

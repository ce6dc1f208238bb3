from __future__ import annotations

from django import forms


class ImportForm(forms.Form):
    file = forms.FileField(label="台账文件（.xlsx）")
    valid_rows_only = forms.BooleanField(label="仅导入无误的行", required=False)


class ActForm(forms.Form):
    act = forms.ChoiceField(
        label="操作",
        choices=[("start", "开始化解"), ("resolve", "已化解"), ("close_out", "销号"), ("link", "关联信访件")],
    )
    text = forms.CharField(
        label="化解措施 / 销号理由 / 说明", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    petition = forms.IntegerField(label="信访件ID", required=False)


class MonthForm(forms.Form):
    year = forms.IntegerField(label="年", min_value=2000, max_value=2100)
    month = forms.IntegerField(label="月", min_value=1, max_value=12)

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from xinfang.ledgers import access
from xinfang.ledgers.figures import LABELS, annual_figures
from xinfang.ledgers.forms import DATE
from xinfang.ledgers.views._common import user_of


class YearForm(forms.Form):
    start = forms.DateField(label="起始日期", required=False, widget=DATE)
    end = forms.DateField(label="截止日期", required=False, widget=DATE)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Overview: the figures of the user's scope for a period (default: this year so far)."""
    today = timezone.localdate()
    form = YearForm(request.GET or None)
    start, end = dt.date(today.year, 1, 1), today
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    figures = annual_figures(access.visible_org_ids(user_of(request)), start, end)
    rows = [(LABELS[k], v) for k, v in figures.items()]
    return render(request, "ledgers/home.html", {"form": form, "rows": rows, "start": start, "end": end})

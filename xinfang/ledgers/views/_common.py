"""Thin-view helpers: run a service against a bound form; render or export a list."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from xinfang.core.errors import XinfangError
from xinfang.ledgers.exports import Cell, xlsx_response
from xinfang.orgs.models import User


def user_of(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def run(form: forms.Form, call: Callable[[], Any], *, field_map: dict[str, str] | None = None) -> bool:
    """Call a service; a domain error becomes an error next to its field (nothing was written)."""
    try:
        call()
    except XinfangError as error:
        field = (field_map or {}).get(error.field or "", error.field)
        form.add_error(field if field in form.fields else None, error.message)
        return False
    return True


def list_page(
    request: HttpRequest,
    *,
    title: str,
    filter_form: forms.Form,
    headers: Sequence[str],
    rows: Iterable[tuple[str | None, Sequence[Cell]]],
    filename: str,
    new_url: str | None = None,
    new_label: str = "新增",
    totals: Sequence[tuple[str, Any]] = (),
    extra_links: Sequence[tuple[str, str]] = (),
) -> HttpResponse:
    """One list page with filters; `?export=xlsx` gives the same rows as an Excel file."""
    if request.GET.get("export") == "xlsx":
        return xlsx_response(filename, headers, (cells for _, cells in rows))
    query = request.GET.copy()
    query["export"] = "xlsx"
    return render(
        request,
        "ledgers/list.html",
        {
            "title": title,
            "filter_form": filter_form,
            "headers": headers,
            "rows": list(rows)[:500],
            "export_query": query.urlencode(),
            "new_url": new_url,
            "new_label": new_label,
            "totals": totals,
            "extra_links": extra_links,
        },
    )


def cleaned(form: forms.Form) -> dict[str, Any]:
    """Filter values (an invalid filter is shown with its error and ignored)."""
    if form.is_valid():
        return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    return {}

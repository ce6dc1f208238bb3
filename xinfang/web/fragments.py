"""Pieces of the work-queue page that are the same for everyone of a region, rendered once.

The filter form lists the region's orgs, its 问题属地 and the categories; the batch form lists where the
bureau may transfer to. Rendered through Django's form templates they cost more than the rest of the
page together (a dozen fields, hundreds of options), yet they change only when the org tree or the
categories do. While the user has not filled in a filter, the rendered HTML is kept per process for a
minute under the region it lists (`core/refcache.py`: dropped at once when this process saves an org),
so a category renamed in the admin shows in the pickers within that minute.
"""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from xinfang.core import refcache
from xinfang.orgs import scope
from xinfang.orgs.models import Org, User
from xinfang.web import selectors
from xinfang.web.forms import BatchTransferForm, FilterForm


def filters_html(
    user: User, params: QueryDict, queue: selectors.Queue | None
) -> tuple[selectors.Filters, SafeString]:
    """The filters the user chose (none while the form is blank) and the filter form's HTML."""

    def render() -> str:
        form = FilterForm(params or None, user=user)
        return render_to_string("web/_filters.html", {"form": form, "queue": queue})

    if any(name in params for name in FilterForm.base_fields):
        form = FilterForm(params, user=user)
        html = render_to_string("web/_filters.html", {"form": form, "queue": queue})
        return form.filters(), mark_safe(html)  # noqa: S308 - rendered by Django's templates
    key = f"filters:{selectors.region_key(user)}:{queue.key if queue else ''}"
    return selectors.Filters(), mark_safe(refcache.memo(Org, key, render))  # noqa: S308 - as above


def batch_html(user: User, on: dt.date) -> SafeString:
    """The fields of the batch transfer (where to, on which day) for a bureau's 待转交 queue."""
    acting = ",".join(map(str, sorted(scope.acting_org_ids(user))))
    key = f"batch:{selectors.region_key(user)}:{acting}:{on.isoformat()}"
    html = refcache.memo(
        Org, key, lambda: render_to_string("web/_batch.html", {"batch": BatchTransferForm(user=user)})
    )
    return mark_safe(html)  # noqa: S308 - rendered by Django's templates above

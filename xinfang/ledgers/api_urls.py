"""REST endpoints of this app, mounted under /api/v1/ by xinfang/urls.py."""

from django.urls import URLPattern, URLResolver, path

from xinfang.ledgers.api import LedgerFiguresApi, PublicSuggestionsApi

urlpatterns: list[URLPattern | URLResolver] = [
    path("ledgers/figures/", LedgerFiguresApi.as_view(), name="ledger-figures"),
    path("ledgers/public-suggestions/", PublicSuggestionsApi.as_view(), name="ledger-public-suggestions"),
]

"""REST endpoints of this app, mounted under /api/v1/ by xinfang/urls.py."""

from django.urls import URLPattern, URLResolver, path

from .api import StatsApi

urlpatterns: list[URLPattern | URLResolver] = [path("stats/", StatsApi.as_view(), name="stats")]

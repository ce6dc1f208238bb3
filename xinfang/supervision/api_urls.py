"""REST endpoints of this app, mounted under /api/v1/ by xinfang/urls.py."""

from django.urls import URLPattern, URLResolver, path

from .api import ReceptionScheduleApi

urlpatterns: list[URLPattern | URLResolver] = [
    path("receptions/schedule/", ReceptionScheduleApi.as_view(), name="reception-schedule"),
]

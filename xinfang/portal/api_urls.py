"""REST endpoints of this app, mounted under /api/v1/ by xinfang/urls.py."""

from django.urls import URLPattern, URLResolver, path

from xinfang.portal.api import PublicCaptchaApi, PublicDocumentDocxApi, PublicTrackApi

urlpatterns: list[URLPattern | URLResolver] = [
    path("public/track/", PublicTrackApi.as_view(), name="public-track"),
    path(
        "public/track/documents/<int:document_id>/docx/",
        PublicDocumentDocxApi.as_view(),
        name="public-track-document-docx",
    ),
    path("public/captcha/", PublicCaptchaApi.as_view(), name="public-captcha"),
]

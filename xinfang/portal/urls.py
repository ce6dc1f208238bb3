from django.urls import URLPattern, URLResolver, path

from xinfang.portal import views

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("submitted/", views.submitted, name="submitted"),
    path("track/", views.track, name="track"),
    path("captcha/<str:key>.png", views.captcha_image, name="captcha"),
    path("track/<str:number>/", views.petition_detail, name="petition"),
    path("track/<str:number>/appeal/", views.appeal, name="appeal"),
    path("track/<str:number>/rate/", views.rate, name="rate"),
    path("track/<str:number>/urge/", views.urge, name="urge"),
    path("track/<str:number>/leave/", views.leave, name="leave"),
    path("track/<str:number>/notices/<int:document_id>.txt", views.notice_txt, name="notice_txt"),
    path("track/<str:number>/notices/<int:document_id>.docx", views.notice_docx, name="notice_docx"),
    path(
        "track/<str:number>/attachments/<int:attachment_id>/",
        views.attachment_public,
        name="attachment_public",
    ),
    path("receipt/<int:petition_id>/", views.receipt, name="receipt"),
    path("attachments/<int:attachment_id>/", views.attachment_staff, name="attachment"),
]

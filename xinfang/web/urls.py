from django.urls import path

from xinfang.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("register/", views.register, name="register"),
    path("register/suggest/", views.suggest, name="suggest"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("petitions/<int:petition_id>/", views.petition, name="petition"),
    path("petitions/<int:petition_id>/reveal/", views.reveal, name="reveal"),
    path("petitions/<int:petition_id>/act/", views.act, name="act"),
    path(
        "petitions/<int:petition_id>/documents/<int:document_id>/print/",
        views.document_print,
        name="document_print",
    ),
    path(
        "petitions/<int:petition_id>/documents/<int:document_id>/docx/",
        views.document_docx,
        name="document_docx",
    ),
    path(
        "petitions/<int:petition_id>/attachments/<int:attachment_id>/",
        views.attachment,
        name="attachment",
    ),
    path("batch/transfer/", views.batch_transfer, name="batch_transfer"),
    path("batch/print/", views.batch_print, name="batch_print"),
]

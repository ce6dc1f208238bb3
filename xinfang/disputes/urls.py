from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "disputes"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("export.xlsx", views.export, name="export"),
    path("template.xlsx", views.blank, name="template"),
    path("import/", views.import_view, name="import"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("<int:pk>/", views.detail, name="detail"),
]

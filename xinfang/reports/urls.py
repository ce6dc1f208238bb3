from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "reports"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("petitions/", views.petitions, name="petitions"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("bulletin.xlsx", views.bulletin_download, name="bulletin_xlsx"),
    path("annual/", views.annual, name="annual"),
]

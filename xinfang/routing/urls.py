from django.urls import URLPattern, URLResolver, path

from xinfang.routing import views

app_name = "routing"
urlpatterns: list[URLPattern | URLResolver] = [
    path("hotspots/", views.hotspots, name="hotspots"),
]

from django.urls import path

from xinfang.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
]

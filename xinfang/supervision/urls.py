from django.urls import URLPattern, URLResolver, path

from . import views

app_name = "supervision"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
    path("alerts/", views.alerts, name="alerts"),
    path("letters/", views.letters, name="letters"),
    path("letters/new/", views.letter_new, name="letter_new"),
    path("letters/<int:pk>/", views.letter, name="letter"),
    path("letters/<int:pk>/docx/", views.letter_file, name="letter_docx"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case, name="case"),
    path("schedule/", views.schedule, name="schedule"),
    path("schedule/new/", views.slot_new, name="slot_new"),
    path("receptions/", views.receptions, name="receptions"),
    path("receptions/new/", views.reception_new, name="reception_new"),
    path("listings/", views.listings, name="listings"),
]

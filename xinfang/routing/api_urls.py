"""REST endpoints of this app, mounted under /api/v1/ by xinfang/urls.py."""

from django.urls import URLPattern, URLResolver, path

from xinfang.routing import api

urlpatterns: list[URLPattern | URLResolver] = [
    path("routing/suggest/", api.SuggestApi.as_view(), name="routing_suggest"),
    path("routing/models/", api.ModelListApi.as_view(), name="routing_models"),
    path("routing/petitions/<int:petition_id>/feedback/", api.FeedbackApi.as_view(), name="routing_feedback"),
    path(
        "routing/petitions/<int:petition_id>/link-repeat/",
        api.LinkRepeatApi.as_view(),
        name="routing_link_repeat",
    ),
    path("routing/hotspots/", api.HotspotListApi.as_view(), name="routing_hotspots"),
    path(
        "routing/hotspots/<int:alert_id>/<str:decision>/",
        api.HotspotDecideApi.as_view(),
        name="routing_hotspot_decide",
    ),
]

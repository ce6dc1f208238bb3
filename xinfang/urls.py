from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from xinfang.orgs.api import OrgListApi
from xinfang.petitions.api import DocumentDocxApi, PetitionActionApi, PetitionDetailApi, PetitionListCreateApi

admin.site.site_header = "信访事项办理系统 管理"
admin.site.site_title = "xinfang"

api_v1 = [
    path("orgs/", OrgListApi.as_view(), name="org-list"),
    path("petitions/", PetitionListCreateApi.as_view(), name="petition-list"),
    path("petitions/<int:petition_id>/", PetitionDetailApi.as_view(), name="petition-detail"),
    path("petitions/<int:petition_id>/actions/", PetitionActionApi.as_view(), name="petition-actions"),
    path(
        "petitions/<int:petition_id>/documents/<int:document_id>/docx/",
        DocumentDocxApi.as_view(),
        name="document-docx",
    ),
]

urlpatterns = [
    path("", include("xinfang.web.urls")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/v1/", include(api_v1)),
    # Each app's own REST endpoints (DESIGN.md §6: /api/v1/public/track/, /api/v1/stats/, ...).
    path("api/v1/", include("xinfang.portal.api_urls")),
    path("api/v1/", include("xinfang.supervision.api_urls")),
    path("api/v1/", include("xinfang.disputes.api_urls")),
    path("api/v1/", include("xinfang.reports.api_urls")),
    path("api/v1/", include("xinfang.routing.api_urls")),
    path("api/v1/", include("xinfang.ledgers.api_urls")),
    path("portal/", include("xinfang.portal.urls")),
    path("supervision/", include("xinfang.supervision.urls")),
    path("disputes/", include("xinfang.disputes.urls")),
    path("reports/", include("xinfang.reports.urls")),
    path("routing/", include("xinfang.routing.urls")),
    path("ledgers/", include("xinfang.ledgers.urls")),
]

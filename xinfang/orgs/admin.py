from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from xinfang.orgs.models import Org, User


@admin.register(Org)
class OrgAdmin(admin.ModelAdmin[Org]):
    list_display = ("name", "code", "type", "level", "region_code", "parent", "supervisor", "is_active")
    list_filter = ("type", "level", "is_active")
    search_fields = ("name", "code", "region_code")
    autocomplete_fields = ("parent", "supervisor")
    readonly_fields = ("path",)


@admin.register(User)
class XinfangUserAdmin(UserAdmin):  # type: ignore[type-arg]
    list_display = ("username", "full_name", "org", "role", "is_active")
    list_filter = ("role", "is_active", "org__type")
    search_fields = ("username", "full_name", "org__name")
    autocomplete_fields = ("org",)
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("单位和角色", {"fields": ("full_name", "org", "role")}),
    )

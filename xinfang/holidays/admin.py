from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from xinfang.holidays.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ("date", "is_workday", "name", "updated_at", "updated_by")
    list_filter = ("is_workday",)
    date_hierarchy = "date"
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request: HttpRequest, obj: CalendarDay, form: Any, change: bool) -> None:
        obj.updated_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)

"""The admin's corrections to the official holiday/调休 table.

The official table ships with the `chinesecalendar` package; each year the State Council publishes the
next year's 放假安排 in November, usually before the package is updated. The admin enters those days
here (or any local correction) and they override the package from the moment they are saved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CalendarDay(models.Model):
    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日", help_text="勾选表示上班（含调休补班）；不勾选表示放假。")
    name = models.CharField("说明", max_length=50, help_text="例如：春节、国庆节调休上班")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ("-date",)

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.name}"

"""普法宣传 and 信访干部培训 records (条例 第七条: 加强信访法治宣传; 第十条: 信访工作队伍建设)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models


class OutreachForm(models.TextChoices):
    STREET = "street", "现场宣传"
    LECTURE = "lecture", "专题讲座"
    MEDIA = "media", "媒体宣传"
    ONLINE = "online", "网络宣传"
    VISIT = "visit", "进村入户"
    OTHER = "other", "其他"


class OutreachEvent(models.Model):
    org = models.ForeignKey("orgs.Org", verbose_name="主办单位", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField("日期")
    title = models.CharField("活动名称", max_length=200)
    place = models.CharField("地点", max_length=200)
    form = models.CharField("形式", max_length=10, choices=OutreachForm.choices)
    organiser = models.CharField("组织者", max_length=100)
    materials = models.PositiveIntegerField("发放宣传资料（份）", default=0)
    consultations = models.PositiveIntegerField("接受群众咨询（人次）", default=0)
    reached = models.PositiveIntegerField("受众人数", default=0)
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "普法宣传活动"
        verbose_name_plural = verbose_name
        ordering: ClassVar = ["-held_on", "-id"]
        indexes: ClassVar = [models.Index(fields=["org", "held_on"])]


class TrainingSession(models.Model):
    org = models.ForeignKey("orgs.Org", verbose_name="主办单位", on_delete=models.PROTECT, related_name="+")
    start_on = models.DateField("开班日期")
    topic = models.CharField("培训主题", max_length=200)
    place = models.CharField("地点", max_length=200, blank=True)
    participants = models.PositiveIntegerField("参训人次")
    hours = models.DecimalField("学时", max_digits=6, decimal_places=1, default=Decimal("0"))
    note = models.TextField("参训对象及备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "培训班"
        verbose_name_plural = verbose_name
        ordering: ClassVar = ["-start_on", "-id"]
        indexes: ClassVar = [models.Index(fields=["org", "start_on"])]

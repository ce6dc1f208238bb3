"""人民建议征集 (第二十九条): what the petition record does not hold about a suggestion.

The suggestion itself is a Petition of kind "suggestion"; its adoption is the handling stage's decide
outcome (采纳 / 部分采纳 / 未采纳) with the reply. Here: the study, the units that acted, rewards, and the
petitioner's consent to publish.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models


class SuggestionRecord(models.Model):
    petition = models.OneToOneField("petitions.Petition", on_delete=models.CASCADE, related_name="+")
    study = models.TextField("研究论证情况", blank=True)
    studied_on = models.DateField("研究论证日期", null=True, blank=True)
    acting_units = models.ManyToManyField(
        "orgs.Org", verbose_name="采纳落实单位", blank=True, related_name="+"
    )
    action_taken = models.TextField("落实情况", blank=True)
    publish_consent = models.BooleanField("信访人同意公开", default=False)
    consent_recorded_on = models.DateField(null=True, blank=True)
    public_summary = models.TextField("公开摘要", blank=True)

    class Meta:
        verbose_name = "人民建议"
        verbose_name_plural = verbose_name


class Reward(models.Model):
    """第二十九条第二款: 对于信访人提出的建议意见……对国民经济和社会发展或者对改进工作以及保护社会公共利益
    有贡献的，应当按照有关规定给予奖励."""

    record = models.ForeignKey(SuggestionRecord, on_delete=models.CASCADE, related_name="rewards")
    org = models.ForeignKey("orgs.Org", verbose_name="奖励单位", on_delete=models.PROTECT, related_name="+")
    on = models.DateField("奖励日期")
    form = models.CharField("奖励形式", max_length=50)
    amount = models.DecimalField("奖金（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    basis = models.CharField("奖励依据", max_length=200)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "建议奖励"
        verbose_name_plural = verbose_name
        ordering: ClassVar = ["on", "id"]

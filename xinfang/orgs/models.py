"""The org tree: 党委政府, their 信访部门, departments, townships, 政法 and 纪检监察 bodies.

Two edges matter to the 条例: the territorial parent (属地管理, 分级负责) and the 上级主管部门
(谁主管、谁负责; the body that reviews a department's decision under 第三十五条).
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models, transaction


class OrgType(models.TextChoices):
    PARTY_GOV = (
        "party_gov",
        "党委政府",
    )  # 本级党委和政府: decides 报请 matters, reviews its units (第三十五条)
    BUREAU = "bureau", "信访部门"  # 党委和政府信访部门 (第十四条): registers, transfers, assigns, supervises
    DEPARTMENT = "department", "职能部门"  # 政府工作部门: handles matters in its remit
    TOWNSHIP = "township", "乡镇街道"  # 乡镇党委和政府、街道党工委和办事处 (第十五条第三款)
    LEGAL = "legal", "政法部门"  # receives 涉法涉诉 matters (第二十二条第二款, 第二十八条第二款)
    DISCIPLINE = "discipline", "纪检监察机关"  # receives 检举控告 (第二十二条第二款, 第三十条)
    OTHER = "other", "群团/国企等"  # 群团组织、国有企事业单位 (第二条)


class Level(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"
    TOWNSHIP = "township", "乡级"
    VILLAGE = "village", "村级"


class Role(models.TextChoices):
    CLERK = "clerk", "登记员"
    HANDLER = "handler", "承办员"
    SUPERVISOR = "supervisor", "督查员"
    LEADER = "leader", "领导"
    ADMIN = "admin", "管理员"


region_code_validator = RegexValidator(
    r"^[1-9]\d{5}(\d{3})?(\d{3})?$",
    "行政区划代码应为6位（GB/T 2260）或9、12位（乡镇、村）数字。",
    code="region_code",
)
org_code_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
    "机构代码只能包含字母、数字、点、下划线和连字符。",
    code="org_code",
)


class Org(models.Model):
    code = models.CharField("机构代码", max_length=40, unique=True, validators=[org_code_validator])
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    type = models.CharField("类型", max_length=20, choices=OrgType.choices)
    level = models.CharField("层级", max_length=20, choices=Level.choices)
    region_code = models.CharField("行政区划代码", max_length=12, validators=[region_code_validator])
    parent = models.ForeignKey(
        "self",
        verbose_name="上级（属地）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name="上级主管部门",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervised",
    )
    # Materialised path of codes ("/city/county/dept/"), so a region's subtree is one indexed prefix scan.
    path = models.CharField(max_length=500, editable=False, db_index=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering: ClassVar = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        with transaction.atomic():
            old_path = self.path
            self.path = self._compute_path()
            super().save(*args, **kwargs)  # type: ignore[arg-type]
            if old_path and old_path != self.path:
                # Moving a subtree: rewrite descendants' paths in one statement.
                for child in Org.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    Org.objects.filter(pk=child.pk).update(path=self.path + child.path[len(old_path) :])

    def _compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id and self.parent else "/"
        return f"{prefix}{self.code}/"

    @property
    def is_bureau(self) -> bool:
        return self.type == OrgType.BUREAU

    def region_root(self) -> Org:
        """The 党委政府 whose region this org serves (itself, or a bureau's own 党委政府)."""
        if self.type == OrgType.PARTY_GOV or self.parent is None:
            return self
        if self.type == OrgType.BUREAU:
            return self.parent
        return self

    def party_gov(self) -> Org | None:
        """The nearest 党委政府 at or above this org (本级党委和政府)."""
        node: Org | None = self
        while node is not None and node.type != OrgType.PARTY_GOV:
            node = node.parent
        return node

    def superiors(self) -> list[Org]:
        """The 上一级机关、单位 that may review this org's decision (第三十五条).

        A 党委政府's superior is the 党委政府 above it; any other unit's are its 本级党委政府 and, when
        recorded, its 上级主管部门.
        """
        if self.type == OrgType.PARTY_GOV:
            upper = self.parent.party_gov() if self.parent else None
            return [upper] if upper else []
        result: list[Org] = []
        gov = self.party_gov()
        if gov is not None:
            result.append(gov)
        if self.supervisor is not None and self.supervisor not in result:
            result.append(self.supervisor)
        return result

    def is_within(self, other: Org) -> bool:
        return self.path.startswith(other.path)


class User(AbstractUser):
    org = models.ForeignKey(Org, verbose_name="所属机构", null=True, blank=True, on_delete=models.PROTECT)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.CLERK)
    full_name = models.CharField("姓名", max_length=50, blank=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

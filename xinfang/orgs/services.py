"""Writes to the org tree and users."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from xinfang.core.errors import Invalid
from xinfang.orgs.models import Org, Role, User


def user_ensure(
    username: str, *, org_code: str | None = None, role: str | None = None, full_name: str = ""
) -> User:
    """Return the user, creating it in `org_code` with `role` when missing (DESIGN.md §6 `xinfang token`)."""
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user
        if not org_code:
            raise Invalid("org", f"用户 {username} 不存在；创建新用户须指定 --org。", code="required")
        org = Org.objects.filter(code=org_code).first()
        if org is None:
            raise Invalid("org", f"找不到机构代码 {org_code}。", code="unknown_org")
        role = role or Role.CLERK
        if role not in Role.values:
            raise Invalid("role", f"角色应为 {', '.join(Role.values)} 之一。", code="invalid_choice")
        user = User(
            username=username,
            org=org,
            role=role,
            full_name=full_name,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        user.set_unusable_password()
        user.save()
        return user


def token_for(user: User) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return str(token.key)

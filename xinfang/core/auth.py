"""Authentication that reads the user's org and its parent in the same query as the user.

Every request needs the user's org (scope, acting orgs; a 信访部门 acts for its parent 党委政府), so the
token look-up (API) and the session's user look-up (pages) join them instead of three separate queries.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token


class OrgTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        token = Token.objects.select_related("user__org__parent").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return (token.user, token)


class OrgModelBackend(ModelBackend):
    """Django's model backend; the signed-in user of a session comes with the org and its parent."""

    def get_user(self, user_id: Any) -> Any:
        from xinfang.orgs.models import User

        user = User.objects.select_related("org__parent").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None

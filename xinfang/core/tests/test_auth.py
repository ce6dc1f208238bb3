"""The signed-in user comes with the org and its parent in the one query that reads the user."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinfang.core.auth import OrgModelBackend
from xinfang.orgs.models import User
from xinfang.orgs.scope import acting_org_ids


def test_the_sessions_user_is_read_with_the_org_and_its_parent(users):
    clerk = users["dq_clerk"]  # a 信访局's clerk: acts for the bureau and its 党委政府
    with CaptureQueriesContext(connection) as queries:
        user = OrgModelBackend().get_user(clerk.pk)
        assert user is not None and user.org is not None and user.org.parent is not None
        acting = acting_org_ids(user)
    assert len(queries) == 1
    assert acting == {clerk.org_id, user.org.parent_id}


def test_an_inactive_or_missing_user_is_nobody(users):
    clerk = users["dq_clerk"]
    User.objects.filter(pk=clerk.pk).update(is_active=False)
    assert OrgModelBackend().get_user(clerk.pk) is None
    assert OrgModelBackend().get_user(10**9) is None


def test_a_page_signs_in_through_it(client_for):
    html = client_for("dq_clerk").get("/").content.decode()
    assert "德清县信访局" in html

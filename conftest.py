"""The test world: the demo region (湖州市, 德清县, 长兴县) and one user of each role."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from xinfang.orgs.demo import Region, build_region, build_users
from xinfang.orgs.models import User


@pytest.fixture
def region(db: None) -> Region:
    return build_region()


@pytest.fixture
def users(region: Region) -> dict[str, User]:
    return build_users(region, password=None)


@pytest.fixture
def api(users: dict[str, User]):
    """api("dq_clerk") → an APIClient signed in as that user."""

    def client_for(username: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(users[username])
        return client

    return client_for

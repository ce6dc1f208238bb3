"""The test world: the demo region (湖州市, 德清县, 长兴县) and one user of each role."""

from __future__ import annotations

import io
import os
import shutil

import pytest
from django.test import Client
from rest_framework.test import APIClient

from xinfang.orgs.demo import Region, build_region, build_users
from xinfang.orgs.models import User


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """With XINFANG_TEST_PARTITIONED=1 (PostgreSQL), the test database has the yearly partitions of
    `xinfang partition apply`, rolled once so that rows take ids from the second block (make
    test-partitioned runs the lifecycle, statistics and workbench tests so)."""
    if os.environ.get("XINFANG_TEST_PARTITIONED"):
        from django.core.management import call_command
        from django.db import connection

        with django_db_blocker.unblock():
            if connection.vendor != "postgresql":
                pytest.exit("XINFANG_TEST_PARTITIONED needs PostgreSQL (DATABASE_URL)", returncode=2)
            call_command("partition", "apply", stdout=io.StringIO())
            call_command("partition", "roll", "--year", "2100", stdout=io.StringIO())


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


@pytest.fixture
def client_for(users: dict[str, User]):
    """client_for("dq_clerk") → a Django test Client with that user signed in (the workbench's pages)."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(users[username])
        return client

    return make


# --- browser tests -----------------------------------------------------------------------------------
# Playwright drives Debian's chromium (installed by `make install`); no browser is ever downloaded.
# Playwright's sync API runs an event loop in the test thread, which Django would otherwise take for
# async code; the ORM calls in these tests are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
CHROMIUM = os.environ.get("XINFANG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TEST_PASSWORD = "test-pass-123"  # noqa: S105 - set on test users only


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    """Each test starts with empty caches (rate limits, captchas, reference tables) of its own process."""
    from django.core.cache import cache

    from xinfang.core import refcache
    from xinfang.orgs.scope import clear_region_cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    refcache.clear()
    clear_region_cache()
    yield
    cache.clear()
    refcache.clear()
    clear_region_cache()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} not found: install Debian's chromium (make install does)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import expect, sync_playwright

    # Assertions on what a page shows retry until it shows it: a click that submits a form returns before
    # the next page has loaded, so reading the page at once would race the server.
    expect.set_options(timeout=15_000)
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 900}, base_url=live_server.url
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def login(page, users):
    """login("dq_clerk") signs that user in through the login form and returns the page."""

    def sign_in(username: str):
        user = users[username]
        user.set_password(TEST_PASSWORD)
        user.save(update_fields=["password"])
        page.goto("/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(TEST_PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url(lambda url: not url.endswith("/login/"))
        page.wait_for_load_state()
        return page

    return sign_in

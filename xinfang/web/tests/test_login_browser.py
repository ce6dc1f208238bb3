"""What a person sees: signing in and out in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_signs_in_shows_the_users_org_and_signs_out(page, login):
    login("dq_clerk")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.locator("header")).to_contain_text("德清县信访局")
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()


def test_it_says_clearly_when_the_password_is_wrong(page, users):
    page.goto("/login/")
    page.get_by_label("用户名").fill("dq_clerk")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_have_text("用户名或密码不正确，请重新输入。")

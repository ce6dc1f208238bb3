"""What a person sees: signing in and out in a real browser."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_signs_in_shows_the_users_org_and_signs_out(page, login):
    login("dq_clerk")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert "德清县信访局" in page.locator("header").inner_text()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url("**/login/")
    assert page.get_by_role("heading", name="工作人员登录").is_visible()


def test_it_says_clearly_when_the_password_is_wrong(page, users):
    page.goto("/login/")
    page.get_by_label("用户名").fill("dq_clerk")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    assert page.get_by_role("alert").inner_text() == "用户名或密码不正确，请重新输入。"

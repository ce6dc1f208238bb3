"""The guarded lookup by 查询码 + phone digits, and the short-lived tracking session it opens.

The same answer for an unknown code and for wrong digits (no enumeration); every attempt counted
against the IP and the code; a CAPTCHA after repeated failures (xinfang.portal.limits).
"""

from __future__ import annotations

import time

from django.http import HttpRequest

from xinfang.core.errors import NotFound
from xinfang.petitions.models import Petition
from xinfang.portal import limits, selectors

NOT_FOUND_MESSAGE = "查询码或手机号后四位不正确，请核对后重新输入。"
SESSION_KEY = "portal_access"
ACCESS_SECONDS = 30 * 60


def track_lookup(
    ip: str, code: str, phone_tail: str, *, captcha_key: str = "", captcha: str = ""
) -> Petition:
    limits.check_lookup(ip, code)
    if limits.needs_captcha(ip, code):
        if not captcha_key or not captcha:
            raise limits.CaptchaRequired("输入错误次数较多，请填写验证码后再查询。", code="captcha_required")
        if not limits.captcha_check(captcha_key, captcha):
            limits.record_failure(ip, "")
            raise limits.CaptchaRequired("验证码不正确，请重新计算图中的算式。", code="captcha_wrong")
    petition = selectors.petition_for_tracking(code, phone_tail)
    if petition is None:
        limits.record_failure(ip, code)
        raise NotFound(NOT_FOUND_MESSAGE, code="not_found")
    return petition


def grant(request: HttpRequest, petition: Petition) -> None:
    """Let this browser see this petition for half an hour without typing the code again."""
    access = {k: v for k, v in request.session.get(SESSION_KEY, {}).items() if v > time.time()}
    access[str(petition.pk)] = time.time() + ACCESS_SECONDS
    request.session[SESSION_KEY] = access
    request.session.cycle_key()  # a new session id once it unlocks something (no session fixation)


def revoke(request: HttpRequest, petition: Petition) -> None:
    access = dict(request.session.get(SESSION_KEY, {}))
    access.pop(str(petition.pk), None)
    request.session[SESSION_KEY] = access


def granted(request: HttpRequest, number: str) -> Petition:
    """The petition this browser has unlocked (404 otherwise: the same as for an unknown number)."""
    petition = Petition.objects.filter(number=number).select_related("registered_org").first()
    if petition is None:
        raise NotFound("请先输入查询码和手机号后四位。")
    expires = request.session.get(SESSION_KEY, {}).get(str(petition.pk), 0)
    if expires <= time.time():
        raise NotFound("请先输入查询码和手机号后四位。")
    return petition

"""The petitioner's pages after tracking: notices, 复查/复核 within the window, rating, 催办; staff receipt."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xinfang.petitions.models import Document, Petition, Rating, Urge
from xinfang.petitions.tests.helpers import act, register
from xinfang.portal import limits
from xinfang.portal.models import Attachment
from xinfang.portal.tests.helpers import answered, png_bytes, submission

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"


def tracked(code: str, tail: str = "5678") -> tuple[Client, str]:
    client = Client()
    response = client.post("/portal/track/", {"code": code, "phone_tail": tail})
    assert response.status_code == 302, response.content.decode()[:1500]
    return client, response["Location"]


@time_machine.travel(TODAY, tick=False)
def test_it_needs_the_code_before_showing_any_page_of_a_petition(api):
    p = answered(api)
    base = f"/portal/track/{p['number']}/"
    doc = Document.objects.get(petition_id=p["id"], kind="decision")
    stranger = Client()
    for url in (base, f"{base}notices/{doc.pk}.txt", f"{base}notices/{doc.pk}.docx"):
        assert stranger.get(url).status_code == 404
    assert stranger.post(f"{base}rate/", {"satisfaction": "satisfied"}).status_code == 404
    assert not Rating.objects.exists()

    client, url = tracked(p["query_code"])
    assert url == base
    page = client.get(url).content.decode()
    assert "德清县住房和城乡建设局" in page and "信访处理意见书" in page
    assert client.get(f"{base}notices/{doc.pk}.txt").content.decode() == doc.text
    assert client.get(f"{base}notices/{doc.pk}.docx").content[:2] == b"PK"
    unit_doc = Document.objects.get(petition_id=p["id"], kind="transfer_slip")
    assert client.get(f"{base}notices/{unit_doc.pk}.txt").status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_it_shows_the_captcha_image_on_the_form_after_three_failures(api):
    p = answered(api)
    client = Client()
    for _ in range(3):
        wrong = client.post("/portal/track/", {"code": p["query_code"], "phone_tail": "0000"})
        assert wrong.status_code == 404
        assert "查询码或手机号后四位不正确" in wrong.content.decode()
    page = client.post("/portal/track/", {"code": p["query_code"], "phone_tail": "5678"})
    assert page.status_code == 403
    html = page.content.decode()
    found = re.search(r'name="captcha_key" value="([^"]+)"', html)
    assert found is not None
    key = found.group(1)
    image = client.get(f"/portal/captcha/{key}.png")
    assert image["Content-Type"] == "image/png" and image.content[:4] == b"\x89PNG"
    question = limits.captcha_question(key)
    assert question is not None
    a, b = question
    ok = client.post(
        "/portal/track/",
        {"code": p["query_code"], "phone_tail": "5678", "captcha_key": key, "captcha": str(a + b)},
    )
    assert ok.status_code == 302


@time_machine.travel(TODAY, tick=False)
def test_it_requests_review_online_within_the_window(api):
    p = answered(api)
    client, url = tracked(p["query_code"])
    page = client.get(url).content.decode()
    assert "2026年12月18日" in page and "第三十五条" in page
    bad = client.post(f"{url}appeal/", {"to_org": "330521-GOV", "reason": ""})
    assert bad.status_code == 422 and "请填写请求的理由" in bad.content.decode()
    done = client.post(f"{url}appeal/", {"to_org": "330521-GOV", "reason": "认为核查不全面"}, follow=True)
    assert "复查请求已提交" in done.content.decode()
    petition = Petition.objects.get(pk=p["id"])
    assert petition.state == "in_review"
    stage = petition.stages.get(kind="review")
    assert (stage.org.code, stage.data["reason"]) == ("330521-GOV", "认为核查不全面")
    assert petition.events.get(action="request_review").data["via"] == "portal"


@time_machine.travel("2026-12-21 10:00 +0800", tick=False)
def test_it_explains_why_review_is_closed_after_the_window_and_refuses_it(api):
    p = answered(api)  # delivered 2026-11-18: the 30 days ended on 2026-12-18
    client, url = tracked(p["query_code"])
    page = client.get(url).content.decode()
    assert (
        "请求复查的期限（自收到书面答复之日起30日内，《信访工作条例》第三十五条）已于2026年12月18日届满"
        in page
    )
    assert "重新提出信访事项" in page and "人民法院" in page
    assert "提交复查请求" not in page
    refused = client.post(f"{url}appeal/", {"to_org": "330521-GOV", "reason": "x"}, follow=True)
    assert "已于2026年12月18日届满" in refused.content.decode()
    assert Petition.objects.get(pk=p["id"]).state == "answered"
    api_view = Client().get("/api/v1/public/track/", {"code": p["query_code"], "phone_tail": "5678"}).json()
    assert api_view["appeal"]["open"] is False


@time_machine.travel(TODAY, tick=False)
def test_it_rates_a_reply_once(api):
    p = answered(api)
    client, url = tracked(p["query_code"])
    done = client.post(f"{url}rate/", {"satisfaction": "basic", "comment": "答复及时"}, follow=True)
    assert "感谢您的评价" in done.content.decode()
    rating = Rating.objects.get()
    assert (rating.satisfaction, rating.comment, rating.stage.kind) == ("basic", "答复及时", "handling")
    assert "提交评价" not in done.content.decode()
    again = client.post(f"{url}rate/", {"satisfaction": "unsatisfied"})
    assert again.status_code == 422 and "该次答复已评价过" in again.content.decode()
    assert Rating.objects.count() == 1


@time_machine.travel(TODAY, tick=False)
def test_it_urges_an_overdue_step_into_the_units_queue_once_a_day(api):
    late = register(api("dq_clerk"), received_on="2026-10-12")  # the 15-day triage ended on 2026-10-27
    client, url = tracked(late["query_code"], "0001")
    page = client.get(url).content.decode()
    assert "已超期" in page and "催办" in page
    done = client.post(f"{url}urge/", {"text": "请尽快转送"}, follow=True)
    assert "已催办" in done.content.decode()
    urge = Urge.objects.get()
    assert (urge.org.code, urge.by_petitioner, urge.text) == ("330521-XFJ", True, "请尽快转送")
    again = client.post(f"{url}urge/", {"text": "再次催办"})
    assert again.status_code == 422 and "今天已催办过" in again.content.decode()
    on_time = register(api("dq_clerk"), received_on="2026-11-20")
    client, url = tracked(on_time["query_code"], "0001")
    refused = client.post(f"{url}urge/", {"text": "催办"})
    assert refused.status_code == 422 and "没有超期未办的环节" in refused.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_it_shows_a_decline_with_its_reason_and_where_to_go(api):
    p = register(api("dq_zjj"), received_on="2026-11-20", org="330521-ZJJ")
    act(
        api("dq_zjj"),
        p["id"],
        "decline",
        "2026-11-21",
        reason="not_competent",
        competent_body="德清县人力资源和社会保障局",
    )
    client, url = tracked(p["query_code"], "0001")
    page = client.get(url).content.decode()
    assert "告知向有权处理的机关、单位提出（《信访工作条例》第二十三条第一款）" in page
    assert "有权处理的机关、单位：德清县人力资源和社会保障局" in page


@time_machine.travel(TODAY, tick=False)
def test_it_serves_uploads_only_to_the_petitioner_and_to_staff_who_see_the_petition(api, users):
    client = Client()
    client.post(
        "/portal/submit/",
        {
            **submission(),
            "attachments": [SimpleUploadedFile("照片.png", png_bytes(), content_type="image/png")],
        },
    )
    petition = Petition.objects.get()
    attachment = Attachment.objects.get()
    public = f"/portal/track/{petition.number}/attachments/{attachment.pk}/"
    response = client.get(public)  # the submitting browser holds the tracking session
    assert response.status_code == 200
    assert response.getvalue() == png_bytes()
    assert response["X-Content-Type-Options"] == "nosniff"
    assert Client().get(public).status_code == 404

    staff = f"/portal/attachments/{attachment.pk}/"
    assert Client().get(staff).status_code == 302  # to the login page
    clerk, outsider = Client(), Client()
    clerk.force_login(users["dq_clerk"])
    outsider.force_login(users["cx_clerk"])
    assert clerk.get(staff).status_code == 200
    assert outsider.get(staff).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_it_prints_a_receipt_with_the_query_code_for_a_letter_registered_by_staff(api, users):
    p = register(api("dq_clerk"), received_on="2026-11-20")
    clerk, outsider = Client(), Client()
    clerk.force_login(users["dq_clerk"])
    outsider.force_login(users["cx_clerk"])
    page = clerk.get(f"/portal/receipt/{p['id']}/").content.decode()
    for part in (p["number"], p["query_code"], "/portal/track/", "手机号码后四位", "登记回执"):
        assert part in page, part
    assert outsider.get(f"/portal/receipt/{p['id']}/").status_code == 404
    assert Client().get(f"/portal/receipt/{p['id']}/").status_code == 302

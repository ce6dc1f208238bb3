"""第四十条: every kind of supervision through the recipient's written feedback; 挂牌督办; 包案 to 化解."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import override_settings

from xinfang.core.errors import Forbidden, IllegalTransition, Invalid, NotFound
from xinfang.orgs.models import Org
from xinfang.petitions.tests.helpers import act, register
from xinfang.supervision.models import Alert, CaseStatus, Notification, OutboundMessage, Supervision
from xinfang.supervision.notifications import services as outbound
from xinfang.supervision.notifications.backends import ConsoleBackend
from xinfang.supervision.selectors import case_figures, cases_for, recommendation_figures
from xinfang.supervision.services import leaders
from xinfang.supervision.services.supervisions import (
    letter_docx,
    listing_create,
    listing_lift,
    supervision_feedback,
    supervision_issue,
)
from xinfang.supervision.services.sweep import sweep

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"
ON = dt.date(2026, 11, 23)


def transferred(api, received_on: str = "2026-10-01") -> int:
    clerk = api("dq_clerk")
    p = register(clerk, received_on=received_on)
    act(clerk, p["id"], "transfer", received_on, to_org="330521-ZJJ")
    return int(p["id"])


# (kind, to_org code or None, grounds, who answers, adoption)
KINDS = [
    ("reminder", None, ["delay"], "dq_zjj", ""),
    ("supervise", None, ["delay", "shirking"], "dq_zjj", ""),
    ("improve", None, ["perfunctory"], "dq_zjj", "adopted"),
    ("policy", None, ["policy_issue"], "dq_leader", "partly"),
    ("accountability", None, ["delay"], "dq_leader", "not_adopted"),
    ("accountability", "330500-ZJJ", ["falsifying"], "city_zjj", "adopted"),
]
RECIPIENT = {"reminder": "330521-ZJJ", "supervise": "330521-ZJJ", "improve": "330521-ZJJ"}


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(("kind", "to_code", "grounds", "answerer", "adoption"), KINDS)
def test_it_takes_every_kind_of_supervision_through_written_feedback(
    api, users, region, kind, to_code, grounds, answerer, adoption
):
    pid = transferred(api)
    s = supervision_issue(
        actor=users["dq_supervisor"],
        kind=kind,
        on=ON,
        petition=pid,
        grounds=grounds,
        facts="该件受理告知已超期三十余日，经电话催促仍未办理",
        to_org=region[to_code] if to_code else None,
        respond_by=ON + dt.timedelta(days=10),
    )
    expected = to_code or RECIPIENT.get(kind, "330521-GOV")
    assert s.recipient.code == expected
    assert s.unit.code == "330521-ZJJ"
    assert ("第四十条" in s.letter_text and s.number in s.letter_text) or s.number
    assert "2026年12月3日" in s.letter_text  # the response date
    assert letter_docx(s)[:2] == b"PK"
    assert Notification.objects.filter(user__org__code=expected, text__contains=s.number).exists()
    # Someone else's unit cannot answer it.
    with pytest.raises(NotFound):
        supervision_feedback(
            s, actor=users["cx_zjj"], on=ON, feedback="已整改完毕。", adoption=adoption or ""
        )
    reasons = "经研究，因涉及上位法规定调整，暂无法全部采纳，已报上级部门研究。"
    done = supervision_feedback(s, actor=users[answerer], on=ON, feedback=reasons, adoption=adoption)
    assert done.feedback_on == ON and done.adoption == adoption
    with pytest.raises(IllegalTransition):
        supervision_feedback(s, actor=users[answerer], on=ON, feedback=reasons, adoption=adoption)
    assert Notification.objects.filter(user=users["dq_supervisor"], text__contains="已收到书面反馈").exists()


@time_machine.travel(TODAY, tick=False)
def test_it_issues_a_reminder_to_a_unit_without_a_petition_and_refuses_units_outside_the_region(
    users, region
):
    s = supervision_issue(
        actor=users["dq_supervisor"],
        kind="reminder",
        on=ON,
        unit=region["330521-RSJ"],
        grounds=["delay"],
        facts="本季度有3件信访事项受理告知超期",
    )
    assert s.petition is None and s.recipient.code == "330521-RSJ"
    with pytest.raises(NotFound):
        supervision_issue(
            actor=users["dq_supervisor"],
            kind="reminder",
            on=ON,
            unit=region["330522-ZJJ"],
            grounds=["delay"],
            facts="x",
        )
    with pytest.raises(Forbidden):
        supervision_issue(
            actor=users["dq_zjj"],
            kind="reminder",
            on=ON,
            unit=region["330521-RSJ"],
            grounds=["delay"],
            facts="x",
        )


@time_machine.travel(TODAY, tick=False)
def test_it_refuses_bad_input_and_writes_nothing(api, users, region):
    pid = transferred(api)
    sup = users["dq_supervisor"]
    bad = [
        ({"kind": "supervise", "grounds": []}, "grounds"),
        ({"kind": "supervise", "grounds": ["bogus"]}, "grounds"),
        ({"kind": "accountability", "grounds": ["improper"]}, "grounds"),
        ({"kind": "policy", "grounds": ["policy_issue"], "to_org": region["330521-ZJJ"]}, "to_org"),
        ({"kind": "supervise", "grounds": ["delay"], "respond_by": ON}, "respond_by"),
        ({"kind": "supervise", "grounds": ["delay"], "facts": "  "}, "facts"),
    ]
    for extra, field in bad:
        params = {"facts": "超期未办", **extra}
        with pytest.raises(Invalid) as caught:
            supervision_issue(actor=sup, on=ON, petition=pid, **params)
        assert caught.value.field == field
    s = supervision_issue(actor=sup, kind="improve", on=ON, petition=pid, grounds=["delay"], facts="超期未办")
    with pytest.raises(Invalid) as caught:
        supervision_feedback(s, actor=users["dq_zjj"], on=ON, feedback="不采纳。", adoption="")
    assert caught.value.field == "adoption"
    with pytest.raises(Invalid) as caught:
        supervision_feedback(s, actor=users["dq_zjj"], on=ON, feedback="不采纳", adoption="not_adopted")
    assert caught.value.field == "feedback"
    assert Supervision.objects.count() == 1 and Supervision.objects.get().feedback_on is None


@time_machine.travel(TODAY, tick=False)
def test_it_alerts_an_unanswered_supervision_past_its_response_date(api, users):
    pid = transferred(api)
    s = supervision_issue(
        actor=users["dq_supervisor"],
        kind="supervise",
        on=ON,
        petition=pid,
        grounds=["delay"],
        facts="超期未办",
        respond_by=ON + dt.timedelta(days=5),
    )
    sweep()
    assert not Alert.objects.filter(supervision=s).exists()
    with time_machine.travel("2026-11-29 09:00 +0800", tick=False):
        sweep()
        alert = Alert.objects.get(supervision=s)
        assert alert.org.code == "330521-ZJJ" and alert.cleared_on is None
        assert Notification.objects.filter(alert=alert, user=users["dq_zjj"]).exists()
        assert Notification.objects.filter(alert=alert, user=users["dq_supervisor"]).exists()
        supervision_feedback(
            s, actor=users["dq_zjj"], on=dt.date(2026, 11, 29), feedback="已于11月28日受理并书面告知。"
        )
        alert.refresh_from_db()
        assert alert.cleared_on == dt.date(2026, 11, 29)
    figures = recommendation_figures(users["dq_supervisor"], from_on=ON, to_on=ON)
    assert figures == {"supervise": {"total": 1, "awaiting": 1}} or figures["supervise"]["total"] == 1


@time_machine.travel(TODAY, tick=False)
def test_it_lists_a_petition_for_top_level_follow_up_and_lifts_it(api, users):
    pid = transferred(api)
    listing = listing_create(
        pid, actor=users["city_supervisor"], on=ON, deadline=ON + dt.timedelta(days=30), reason="群众反映强烈"
    )
    with pytest.raises(IllegalTransition):
        listing_create(
            pid, actor=users["dq_supervisor"], on=ON, deadline=ON + dt.timedelta(days=30), reason="重复"
        )
    with pytest.raises(Invalid):
        listing_lift(listing, actor=users["city_supervisor"], on=ON, note="")
    lifted = listing_lift(listing, actor=users["city_supervisor"], on=ON, note="已化解")
    assert lifted.lifted_on == ON


@time_machine.travel(TODAY, tick=False)
def test_it_takes_a_leader_case_to_resolution_and_counts_the_rate(api, users):
    a, b, c = transferred(api), transferred(api, "2026-10-05"), transferred(api, "2026-10-06")
    leader = users["dq_leader"]
    case = leaders.case_assign(
        actor=users["dq_supervisor"],
        leader=leader,
        petition_ids=[a, b],
        title="某小区违建问题",
        on=ON,
        target_on=ON + dt.timedelta(days=60),
    )
    assert set(case.petitions.values_list("pk", flat=True)) == {a, b}
    with pytest.raises(IllegalTransition):
        leaders.case_assign(
            actor=users["dq_supervisor"],
            leader=leader,
            petition_ids=[b],
            title="重复",
            on=ON,
            target_on=ON + dt.timedelta(days=9),
        )
    with pytest.raises(Invalid):
        leaders.case_assign(
            actor=users["dq_supervisor"],
            leader=users["dq_zjj"],
            petition_ids=[c],
            title="x",
            on=ON,
            target_on=ON + dt.timedelta(days=9),
        )
    other = leaders.case_assign(
        actor=users["dq_supervisor"],
        leader=leader,
        petition_ids=[c],
        title="另一件",
        on=ON,
        target_on=ON + dt.timedelta(days=9),
    )
    leaders.case_add_note(case, actor=leader, on=ON, text="召开协调会，住建局承诺一个月内拆除")
    resolved = leaders.case_close(case, actor=leader, on=ON, resolved=True, outcome="违建已拆除，信访人息诉")
    assert resolved.status == CaseStatus.RESOLVED and resolved.notes.count() == 1
    with pytest.raises(IllegalTransition):
        leaders.case_add_note(case, actor=leader, on=ON, text="再记")
    figures = case_figures(cases_for(users["dq_supervisor"]))
    assert (figures.sponsored, figures.resolved, figures.open, figures.rate) == (2, 1, 1, 0.5)
    assert other.status == CaseStatus.OPEN


@time_machine.travel(TODAY, tick=False)
def test_it_records_a_reception_with_its_figures_and_publishes_the_schedule(api, users, client):
    clerk = api("dq_clerk")
    visit = register(clerk, channel="visit", received_on="2026-11-23", headcount=3)
    letter = register(clerk, received_on="2026-11-23")
    slot = leaders.slot_publish(
        actor=users["dq_clerk"],
        leader=users["dq_leader"],
        on=dt.date(2026, 11, 27),
        starts_at=dt.time(9),
        ends_at=dt.time(11, 30),
        place="县人民来访接待中心",
        topics="城乡建设、劳动保障",
        leader_title="副县长",
    )
    record = leaders.reception_record(
        actor=users["dq_clerk"],
        kind="receive",
        leader=users["dq_leader"],
        on=ON,
        place="县人民来访接待中心",
        petition_ids=[visit["id"], letter["id"]],
    )
    assert (record.batches, record.persons, record.accepted) == (2, 4, 0)
    with pytest.raises(Invalid):
        leaders.reception_record(
            actor=users["dq_clerk"],
            kind="visit",
            leader=users["dq_leader"],
            on=ON,
            place="乾元镇",
            batches=3,
            persons=2,
        )
    body = client.get("/api/v1/receptions/schedule/").json()  # public: no login
    assert [(r["leader"], r["place"], r["topics"]) for r in body["results"]] == [
        ("吴领导", "县人民来访接待中心", "城乡建设、劳动保障")
    ]
    leaders.slot_withdraw(slot, actor=users["dq_clerk"])
    assert client.get("/api/v1/receptions/schedule/").json()["results"] == []


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}})
def test_it_sends_outbound_messages_only_after_commit_and_retries_failures(settings):
    from django.db import transaction

    ConsoleBackend.sent.clear()
    with transaction.atomic():
        outbound.send_sms("13800001111", "您有一件督办文书待反馈")
        assert ConsoleBackend.sent == []  # nothing leaves before commit
    assert ConsoleBackend.sent[-1][0] == "13800001111"
    assert OutboundMessage.objects.get().status == "sent"

    with pytest.raises(RuntimeError), transaction.atomic():
        outbound.send_mail("a@example.org", "主题", "正文")
        raise RuntimeError("rolled back")
    assert OutboundMessage.objects.count() == 1 and len(ConsoleBackend.sent) == 1

    settings.XINFANG_MAIL_BACKEND = "xinfang.supervision.tests.test_supervisions.FlakyGateway"
    FlakyGateway.failures = 1
    with transaction.atomic():
        message = outbound.send_mail("b@example.org", "主题", "正文")
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1) and "网关" in message.last_error
    assert message.next_attempt_at is not None
    assert outbound.retry_due(now=message.next_attempt_at) == 1
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)
    with pytest.raises(Invalid):
        outbound.send_sms("12345", "x")


class FlakyGateway:
    failures = 0

    def send(self, to: str, subject: str, text: str) -> None:
        if FlakyGateway.failures:
            FlakyGateway.failures -= 1
            raise ConnectionError("网关超时")


def test_it_knows_the_demo_region_has_the_recipients(region):
    assert Org.objects.get(code="330521-ZJJ").superiors()[0].code == "330521-GOV"

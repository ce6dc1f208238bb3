"""The sweep: alerts for near-due and overdue stages, idempotent, safe in concurrent workers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection

from xinfang.petitions.services import petition_urge
from xinfang.petitions.tests.helpers import act, register
from xinfang.supervision.models import Alert, AlertLevel, AlertThreshold, Notification
from xinfang.supervision.services.sweep import sweep

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"


def levels(**filters: object) -> list[tuple[str, bool]]:
    return sorted((a.level, a.cleared_on is None) for a in Alert.objects.filter(**filters))


@time_machine.travel(TODAY, tick=False)
def test_it_raises_near_due_then_overdue_then_severe_once_each(api, users):
    p = register(api("dq_clerk"), received_on="2026-11-10")  # triage due 2026-11-25 (第二十二条: 15日)
    result = sweep()
    assert result.raised["near"] == 1
    assert levels() == [("near", True)]
    told = set(Notification.objects.values_list("user__username", flat=True))
    # The holding bureau's clerk, and the supervisors of every region containing it.
    assert told == {"dq_clerk", "dq_supervisor", "city_supervisor"}
    assert "dq_zjj" not in told and "cx_clerk" not in told
    first = Notification.objects.count()

    again = sweep()  # idempotent: nothing new
    assert again.raised["near"] == 0 and again.notified == 0
    assert Alert.objects.count() == 1 and Notification.objects.count() == first

    with time_machine.travel("2026-11-27 09:00 +0800", tick=False):
        call_command("sweep")
        assert levels() == [("near", False), ("overdue", True)]
    with time_machine.travel("2026-12-11 09:00 +0800", tick=False):  # 16 days late > 15
        sweep()
        assert levels() == [("near", False), ("overdue", False), ("severe", True)]
        assert Notification.objects.filter(text__contains="严重超期", user=users["dq_clerk"]).count() == 1
        # Closing the stage clears the alert at the next sweep.
        act(api("dq_clerk"), p["id"], "transfer", "2026-12-11", to_org="330521-ZJJ")
        sweep()
        assert not Alert.objects.filter(
            stage__petition_id=p["id"], stage__kind="triage", cleared_on__isnull=True
        )


@time_machine.travel(TODAY, tick=False)
def test_it_reads_thresholds_per_stage_kind(api):
    register(api("dq_clerk"), received_on="2026-11-10")  # due in 2 days
    AlertThreshold.objects.create(stage_kind="triage", near_days=1, severe_days=5)
    assert sweep().raised["near"] == 0
    AlertThreshold.objects.filter(stage_kind="triage").update(near_days=5)
    assert sweep().raised["near"] == 1


@time_machine.travel(TODAY, tick=False)
def test_it_clears_the_alert_of_a_paused_stage_and_skips_paused_ones(api):
    clerk, unit = api("dq_clerk"), api("dq_zjj")
    p = register(clerk, received_on="2026-09-01")
    act(clerk, p["id"], "transfer", "2026-09-02", to_org="330521-ZJJ")
    act(unit, p["id"], "accept", "2026-09-03")  # handling due 2026-11-02: overdue now
    sweep()
    assert levels(stage__kind="handling") == [("severe", True)]
    act(unit, p["id"], "pause", "2026-11-23", reason="hearing")
    sweep()
    assert levels(stage__kind="handling") == [("severe", False)]


@time_machine.travel(TODAY, tick=False)
def test_it_turns_a_petitioners_urge_into_an_alert_for_the_unit(api, users):
    clerk = api("dq_clerk")
    p = register(clerk, received_on="2026-10-01")
    act(clerk, p["id"], "transfer", "2026-10-02", to_org="330521-ZJJ")  # notice due 2026-10-19
    petition_urge(p["id"], actor=None, on=dt.date(2026, 11, 23), text="已超期，请尽快受理。")
    sweep()
    urged = Alert.objects.get(level=AlertLevel.URGED)
    assert urged.org.code == "330521-ZJJ"
    assert Notification.objects.filter(user=users["dq_zjj"], alert=urged).exists()
    assert Notification.objects.filter(user=users["dq_supervisor"], alert=urged).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_raises_each_alert_once_when_workers_sweep_at_the_same_time(api):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    with time_machine.travel(TODAY, tick=False):
        clerk = api("dq_clerk")
        for day in range(1, 13):
            register(clerk, received_on=f"2026-11-{day:02d}", subject=f"事项{day}")
        barrier = threading.Barrier(4)
        errors: list[BaseException] = []

        def worker() -> None:
            try:
                with time_machine.travel(TODAY, tick=False):
                    barrier.wait()
                    sweep()
            except BaseException as exc:
                errors.append(exc)
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        # received 11-01..11-08 → due 11-17..11-24 (rolled to working days): overdue or near; 11-09+ near.
        alerts = list(Alert.objects.values_list("stage_id", "level"))
        assert len(alerts) == len(set(alerts)) == Alert.objects.values("stage_id").distinct().count()
        per_alert = Notification.objects.values_list("alert_id", "user_id")
        assert len(per_alert) == len(set(per_alert))
        assert Notification.objects.filter(alert__isnull=False).count() == 3 * Alert.objects.count()

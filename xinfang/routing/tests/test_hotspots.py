"""矛盾隐患预警: the job groups recent petitions by content and place; supervisors dismiss or escalate."""

from __future__ import annotations

import datetime as dt

import time_machine

from xinfang.petitions.tests.helpers import person, register
from xinfang.routing import services
from xinfang.routing.models import HotspotAlert
from xinfang.routing.tests.helpers import TODAY

PLANT = "丽景花园小区旁边新建搅拌站，粉尘和噪音严重影响居民生活，请求停止建设。"


@time_machine.travel(TODAY, tick=False)
def test_it_raises_a_hotspot_for_many_petitioners_on_one_place_and_lets_supervisors_decide(api):
    clerk = api("dq_clerk")
    ids = [
        register(
            clerk,
            received_on=f"2026-11-{10 + i:02d}",
            petitioners=[person(10 + i)],
            subject=f"丽景花园小区旁搅拌站扰民{'！' * i}",
            content=PLANT.replace("严重", ["严重", "非常", "极其", "十分", "很"][i]),
        )["id"]
        for i in range(5)
    ]
    register(clerk, received_on="2026-11-12", subject="孩子入学问题", content="学区划分不合理。")
    register(clerk, received_on="2026-09-01", subject="丽景花园小区搅拌站扰民", content=PLANT)  # outside

    alerts = services.hotspot_scan(on=dt.date(2026, 11, 20), window_days=30, min_size=5)
    assert len(alerts) == 1
    alert = alerts[0]
    assert sorted(alert.petitions.values_list("id", flat=True)) == sorted(ids)
    assert (alert.size, alert.petitioners, alert.status) == (5, 5, "open")
    assert "丽景花园" in alert.places
    # Running the job again refreshes the same alert.
    services.hotspot_scan(on=dt.date(2026, 11, 21), window_days=30, min_size=5)
    assert HotspotAlert.objects.count() == 1

    supervisor = api("dq_supervisor")
    listed = supervisor.get("/api/v1/routing/hotspots/").json()
    assert [a["id"] for a in listed] == [alert.pk] and len(listed[0]["petitions"]) == 5
    bad = supervisor.post(f"/api/v1/routing/hotspots/{alert.pk}/escalate/", {"to": "x"}, format="json")
    assert bad.status_code in (400, 422)
    done = supervisor.post(
        f"/api/v1/routing/hotspots/{alert.pk}/escalate/",
        {"to": "leader_case", "note": "请县领导包案"},
        format="json",
    )
    assert done.json()["status"] == "escalated" and done.json()["escalated_to"] == "leader_case"
    again = supervisor.post(f"/api/v1/routing/hotspots/{alert.pk}/dismiss/", {}, format="json")
    assert again.status_code == 409
    # Another region's bureau does not see it.
    assert api("city_zjj").get("/api/v1/routing/hotspots/").json() == []


@time_machine.travel(TODAY, tick=False)
def test_it_does_not_raise_below_the_size_and_a_dismissed_group_stays_dismissed(api):
    clerk = api("dq_clerk")
    for i in range(3):
        register(clerk, received_on=f"2026-11-{10 + i:02d}", petitioners=[person(20 + i)], content=PLANT)
    assert services.hotspot_scan(on=dt.date(2026, 11, 20), window_days=30, min_size=5, min_people=None) == []
    alerts = services.hotspot_scan(on=dt.date(2026, 11, 20), window_days=30, min_size=5, min_people=3)
    assert len(alerts) == 1
    api("dq_supervisor").post(
        f"/api/v1/routing/hotspots/{alerts[0].pk}/dismiss/", {"note": "已处理"}, format="json"
    )
    assert services.hotspot_scan(on=dt.date(2026, 11, 21), window_days=30, min_size=5, min_people=3) == []
    assert HotspotAlert.objects.get().status == "dismissed"

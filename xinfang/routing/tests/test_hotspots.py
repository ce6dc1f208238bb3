"""矛盾隐患预警: the job groups recent petitions by content and place; supervisors dismiss or escalate."""

from __future__ import annotations

import datetime as dt

import time_machine

from xinfang.petitions.tests.helpers import act, person, register
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
    no_reason = supervisor.post(f"/api/v1/routing/hotspots/{alert.pk}/dismiss/", {}, format="json")
    assert no_reason.status_code == 422 and no_reason.json()["errors"] == {"note": ["请填写排除理由。"]}
    again = supervisor.post(f"/api/v1/routing/hotspots/{alert.pk}/dismiss/", {"note": "重复"}, format="json")
    assert again.status_code == 409
    # A handling unit that holds one member sees the alert with that one petition only.
    act(clerk, ids[0], "transfer", "2026-11-21", to_org="330521-ZJJ")
    (seen,) = api("dq_zjj").get("/api/v1/routing/hotspots/").json()
    assert [p["id"] for p in seen["petitions"]] == [ids[0]] and seen["petitions_not_shown"] == 4
    assert (
        api("dq_zjj")
        .post(f"/api/v1/routing/hotspots/{alert.pk}/escalate/", {"to": "leader_case"}, format="json")
        .status_code
        == 403
    )  # a handler does not decide on alerts
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


def test_a_groups_terms_are_words_without_punctuation_or_repeats() -> None:
    from xinfang.routing.clusters import Item, find_groups

    items = [
        Item(str(i), f"u{i}", dt.datetime(2026, 11, 10 + i, tzinfo=dt.UTC), f"搅拌站扰民{'。' * i}", PLANT)
        for i in range(5)
    ]
    (group,) = find_groups(items, window_days=30, min_size=5)
    assert group.terms and all(t.isalnum() for t in group.terms)
    assert not any(a != b and a in b for a in group.terms for b in group.terms)

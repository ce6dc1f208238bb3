"""The public contracts of DESIGN.md §6 that are not a transition: orgs, schema, documents, tokens, lists."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from docx import Document as DocxDocument

from xinfang.orgs.models import User
from xinfang.petitions.tests.helpers import act, register

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"


def test_it_lists_the_whole_org_tree_to_any_user(api, region):
    body = api("dq_wukang").get("/api/v1/orgs/").json()
    assert len(body) == len(region.orgs)
    city_bureau = next(o for o in body if o["code"] == "330500-XFJ")
    assert set(city_bureau) >= {"id", "code", "name", "type", "level", "parent"}
    assert city_bureau["type"] == "bureau" and city_bureau["level"] == "city"
    county_zjj = next(o for o in body if o["code"] == "330521-ZJJ")
    assert county_zjj["supervisor"] == next(o["id"] for o in body if o["code"] == "330500-ZJJ")


def test_it_serves_the_openapi_schema(api):
    response = api("dq_clerk").get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in (
        "/api/v1/orgs/",
        "/api/v1/petitions/",
        "/api/v1/petitions/{petition_id}/",
        "/api/v1/petitions/{petition_id}/actions/",
    ):
        assert path in paths, path
    actions = schema["components"]["schemas"]["ActionInputRequest"]["properties"]["action"]
    assert "request_reexamination" in str(actions) or "ActionEnum" in str(actions)


@time_machine.travel(TODAY, tick=False)
def test_it_downloads_a_notice_as_docx(api):
    clerk = api("dq_clerk")
    pid = register(clerk)["id"]
    body = act(clerk, pid, "transfer", "2025-11-12", to_org="330521-ZJJ")
    doc = next(d for d in body["documents"] if d["title"] == "转送告知书")
    response = clerk.get(doc["docx_url"])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    text = "\n".join(p.text for p in DocxDocument(io.BytesIO(response.content)).paragraphs)
    assert "转送告知书" in text and "德清县住房和城乡建设局" in text
    assert api("cx_clerk").get(doc["docx_url"]).status_code == 404


def test_the_token_command_creates_a_user_and_the_token_works(region, capsys):
    call_command("token", "newclerk", "--org", "330522-XFJ", "--role", "clerk")
    key = capsys.readouterr().out.strip()
    assert len(key) == 40
    user = User.objects.get(username="newclerk")
    assert user.org is not None
    assert (user.org.code, user.role) == ("330522-XFJ", "clerk")
    call_command("token", "newclerk")
    assert capsys.readouterr().out.strip() == key
    response = Client().get("/api/v1/orgs/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    with pytest.raises(Exception, match="--org"):
        call_command("token", "ghost")


@time_machine.travel(TODAY, tick=False)
def test_it_filters_the_list_and_scopes_it_by_region(api):
    dq, cx, city = api("dq_clerk"), api("cx_clerk"), api("city_clerk")
    a = register(dq, received_on="2026-03-01", subject="德清违建")["id"]
    b = register(cx, received_on="2026-04-01", subject="长兴欠薪", region="330522")["id"]
    act(dq, a, "transfer", "2026-03-02", to_org="330521-ZJJ")
    ids = lambda client, qs="": {r["id"] for r in client.get(f"/api/v1/petitions/{qs}").json()["results"]}  # noqa: E731
    assert ids(dq) == {a}
    assert ids(cx) == {b}
    assert ids(city) == {a, b}
    assert ids(api("dq_zjj")) == {a}
    assert ids(api("cx_zjj")) == set()
    assert ids(city, "?q=欠薪") == {b}
    assert ids(city, "?state=awaiting_acceptance") == {a}
    assert ids(city, "?org=330521-ZJJ") == {a}
    assert ids(city, "?received_from=2026-03-15") == {b}
    assert ids(city, "?received_to=2026-03-15") == {a}
    bad = city.get("/api/v1/petitions/?received_from=soon")
    assert (bad.status_code, bad.json()["code"]) == (422, "invalid_date")


def test_the_list_total_stops_at_the_cap_and_says_so(api, monkeypatch):
    from xinfang.petitions.api import CappedCountPagination

    monkeypatch.setattr(CappedCountPagination, "COUNT_CAP", 3)
    dq = api("dq_clerk")
    for day in range(1, 6):
        register(dq, received_on=f"2026-03-0{day}")
    body = dq.get("/api/v1/petitions/?limit=2").json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, True, 2)
    assert body["next"] is not None  # offset 2 < 3
    last = dq.get("/api/v1/petitions/?limit=2&offset=2").json()
    assert (len(last["results"]), last["next"]) == (2, None)  # the rows are there; paging stops at the cap
    few = dq.get("/api/v1/petitions/?received_from=2026-03-04").json()
    assert (few["count"], few["count_capped"]) == (2, False)


def test_a_text_filtered_total_stops_at_the_lower_text_cap(api, monkeypatch):
    from xinfang.petitions.api import CappedCountPagination

    monkeypatch.setattr(CappedCountPagination, "TEXT_COUNT_CAP", 2)
    dq = api("dq_clerk")
    for day in range(1, 5):
        register(dq, received_on=f"2026-03-0{day}")  # the letter's subject: 小区旁违章建筑影响通行
    text = dq.get("/api/v1/petitions/?q=违章建筑&limit=3").json()
    assert (text["count"], text["count_capped"], len(text["results"])) == (2, True, 3)
    plain = dq.get("/api/v1/petitions/?limit=3").json()
    assert (plain["count"], plain["count_capped"]) == (4, False)


def test_the_list_total_is_counted_unsorted(api):
    """The total needs no order: sorted, a text filter's count walked the date index row by row (BENCHMARKS.md)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dq = api("dq_clerk")
    register(dq, received_on="2026-03-01")
    for query in ("?q=欠薪", ""):
        with CaptureQueriesContext(connection) as captured:
            assert dq.get(f"/api/v1/petitions/{query}").status_code == 200
        counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
        assert len(counts) == 1 and "ORDER BY" not in counts[0], query
    # The overdue list reads the ids of its first 1,001 in order once (total and page), then the page's rows.
    with CaptureQueriesContext(connection) as captured:
        assert dq.get("/api/v1/petitions/?overdue=true").status_code == 200
    petitions = [q["sql"] for q in captured.captured_queries if '"petitions_petition"' in q["sql"]]
    assert len(petitions) == 2 and not any(q.startswith("SELECT COUNT(*)") for q in petitions)


@time_machine.travel("2026-06-01 10:00 +0800", tick=False)
def test_the_overdue_list_pages_past_its_capped_total(api, monkeypatch):
    from xinfang.petitions.api import CappedCountPagination

    monkeypatch.setattr(CappedCountPagination, "COUNT_CAP", 3)
    dq = api("dq_clerk")
    # Triage is due 15 days after receipt: all five are overdue on 06-01, the earliest received first.
    ids = [register(dq, received_on=f"2026-03-0{day}")["id"] for day in range(1, 6)]
    pages = [dq.get(f"/api/v1/petitions/?overdue=true&limit=2&offset={o}").json() for o in (0, 2, 4)]
    assert [(b["count"], b["count_capped"]) for b in pages] == [(3, True)] * 3
    assert [r["id"] for r in pages[0]["results"] + pages[1]["results"]] == ids[:4]
    assert pages[2]["results"] == []  # offset 4 > the capped total: DRF's paging stops, as for any list
    # A page reaching past the ids read first is read from the query (the rows are there, as for any list).
    wide = dq.get("/api/v1/petitions/?overdue=true&limit=3&offset=2").json()
    assert [r["id"] for r in wide["results"]] == ids[2:]


def test_the_openapi_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/v1/petitions/{petition_id}/actions/" in (tmp_path / "schema.yaml").read_text()

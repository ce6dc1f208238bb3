"""The queue page's filter and batch forms are rendered once per region and kept (web/fragments.py)."""

from __future__ import annotations

from typing import Any

import pytest

from xinfang.orgs.models import Org
from xinfang.petitions.tests.helpers import register
from xinfang.web import fragments

pytestmark = pytest.mark.django_db


@pytest.fixture
def renders(monkeypatch):
    """The templates fragments.py renders, in order."""
    seen: list[str] = []
    from django.template.loader import render_to_string as real

    def counting(name, context=None, *args, **kwargs):
        seen.append(name)
        return real(name, context, *args, **kwargs)

    monkeypatch.setattr(fragments, "render_to_string", counting)
    return seen


def test_the_blank_forms_are_rendered_once_per_region_and_shared(api, client_for, renders):
    register(api("dq_clerk"), subject="德清县的来信")
    register(api("cx_clerk"), subject="长兴县的来信", region="330522")
    first = client_for("dq_clerk").get("/?queue=triage").content.decode()
    again = client_for("dq_clerk").get("/?queue=triage&cursor=").content.decode()
    assert renders == ["web/_filters.html", "web/_batch.html"]
    assert 'name="q"' in first and "德清县住房和城乡建设局" in first and 'name="to_org"' in first
    assert first.count('name="to_org"') == again.count('name="to_org"') == 1
    # Another region has its own pickers: 长兴县 lists its units, not 德清县's.
    other = client_for("cx_clerk").get("/?queue=triage").content.decode()
    assert renders[2:] == ["web/_filters.html", "web/_batch.html"]
    assert "长兴县住房和城乡建设局" in other and "德清县住房和城乡建设局" not in other


def test_a_filled_filter_is_rendered_with_what_was_typed(client_for, renders):
    html = client_for("dq_clerk").get("/?queue=triage&channel=letter&q=补偿").content.decode()
    assert '<option value="letter" selected>' in html
    assert 'value="补偿"' in html
    client_for("dq_clerk").get("/?queue=triage&channel=letter&q=补偿")
    assert renders.count("web/_filters.html") == 2  # never kept: what was typed is the user's own


def test_a_renamed_org_shows_in_the_pickers_at_once(client_for):
    client_for("dq_clerk").get("/?queue=triage")
    unit = Org.objects.get(code="330521-ZJJ")
    unit.name = "德清县住房和城乡建设局（更名后）"
    unit.save()
    html = client_for("dq_clerk").get("/?queue=triage").content.decode()
    assert "德清县住房和城乡建设局（更名后）" in html


def test_queue_lines_escape_and_mark_the_clock():
    from xinfang.web.selectors import QueueRow
    from xinfang.web.templatetags.queue_lines import queue_lines

    def row(**clock):
        base: dict[str, Any] = {"days_left": 3, "overdue": False, "near_due": False, "paused": False}
        base.update(clock)
        return QueueRow(
            stage_id=9,
            petition_id=7,
            number="330521202600001",
            url="/petitions/7/",
            subject="<script>alert(1)</script>",
            channel="来信",
            kind="申诉求决类",
            received="2026-12-01",
            step="登记交转",
            org_name="德清县信访局",
            due="2026-12-10",
            **base,
        )

    html = str(
        queue_lines([row(days_left=-2, overdue=True), row(days_left=1, near_due=True), row(paused=True)])
    )
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert '<tr class="overdue">' in html and "超期2日" in html
    assert '<tr class="near">' in html and "临期 剩1日" in html
    assert "已中止计时" in html
    assert "剩3日" in str(queue_lines([row()])) and "—" in str(queue_lines([row(days_left=None)]))
    assert "此队列暂无待办事项。" in str(queue_lines([]))
    # Each cell is escaped exactly as Django escapes a value (quotes and ampersands included).
    from django.utils.html import escape

    tricky = row()
    tricky.subject, tricky.org_name = "A&B \"引号\" 'x'", "<b>单位</b>"
    line = str(queue_lines([tricky]))
    assert f"<td>{escape(tricky.subject)}</td>" in line and f"<td>{escape(tricky.org_name)}</td>" in line

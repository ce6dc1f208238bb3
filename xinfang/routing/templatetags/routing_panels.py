"""`{% load routing_panels %}{% hotspot_panel %}`: the open 矛盾隐患预警 on another section's page.

The dashboard and 督查督办 include it with one line; the reads stay in the routing selectors.
"""

from __future__ import annotations

from typing import Any

from django import template

from xinfang.orgs.models import User
from xinfang.routing import selectors
from xinfang.routing.models import HotspotStatus

register = template.Library()

PANEL_ROWS = 5


@register.inclusion_tag("routing/_hotspot_panel.html", takes_context=True)
def hotspot_panel(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    if not isinstance(user, User):
        return {"alerts": [], "count": 0}
    alerts = list(selectors.hotspot_list(user, status=HotspotStatus.OPEN)[:PANEL_ROWS])
    count = len(alerts) if len(alerts) < PANEL_ROWS else selectors.open_hotspot_count(user)
    return {"alerts": alerts, "count": count}

"""How the petitioner is told things outside the portal (SMS, 短信), through one small interface.

`notify_petitioner(petition, message)` hands the message to the backend named by the setting
XINFANG_NOTIFY_BACKEND (a dotted path to a callable taking the petition and the message); the default
writes to the console log with the 查询码 blanked out, so no petitioner's data or credential reaches a
log. A real SMS gateway plugs in as another backend. Call it after commit (transaction.on_commit): an
SMS for a submission that was rolled back cannot be taken back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from xinfang.petitions.models import Petition

logger = logging.getLogger("xinfang.portal.notify")


def console_backend(petition: Petition, message: str) -> None:
    logger.info("通知信访人（信访件%s）：%s", petition.number, message.replace(petition.query_code, "****"))


def notify_petitioner(petition: Petition, message: str) -> None:
    path = getattr(settings, "XINFANG_NOTIFY_BACKEND", "")
    backend: Callable[[Petition, str], None] = import_string(path) if path else console_backend
    backend(petition, message)

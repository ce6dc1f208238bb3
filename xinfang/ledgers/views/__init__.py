"""Pages of the ledgers: thin views over `services` and `selectors`."""

from xinfang.ledgers.views import outreach, review, risk, suggestions
from xinfang.ledgers.views.home import home

__all__ = ["home", "outreach", "review", "risk", "suggestions"]

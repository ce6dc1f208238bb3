"""Every write to the ledgers: one function each, its own transaction, guard and audit row."""

from xinfang.ledgers.services.outreach import outreach_record, training_record
from xinfang.ledgers.services.review import (
    CheckInput,
    review_case_score,
    review_draw,
    review_problem_record,
    review_problem_rectify,
)
from xinfang.ledgers.services.risk import (
    risk_assess,
    risk_attach,
    risk_conclude,
    risk_follow_up,
    risk_link_petition,
    risk_register,
)
from xinfang.ledgers.services.suggestions import (
    suggestion_consent,
    suggestion_reward,
    suggestion_set_units,
    suggestion_study,
)

__all__ = [
    "CheckInput",
    "outreach_record",
    "review_case_score",
    "review_draw",
    "review_problem_record",
    "review_problem_rectify",
    "risk_assess",
    "risk_attach",
    "risk_conclude",
    "risk_follow_up",
    "risk_link_petition",
    "risk_register",
    "suggestion_consent",
    "suggestion_reward",
    "suggestion_set_units",
    "suggestion_study",
    "training_record",
]

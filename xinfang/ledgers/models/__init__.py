"""The ledgers' models, one module per sub-domain."""

from xinfang.ledgers.models.common import LedgerEvent
from xinfang.ledgers.models.outreach import OutreachEvent, OutreachForm, TrainingSession
from xinfang.ledgers.models.review import (
    AutoRule,
    CaseCheck,
    ChecklistItem,
    ProblemState,
    QualityReview,
    ReviewCase,
    ReviewProblem,
)
from xinfang.ledgers.models.risk import (
    Conclusion,
    RiskAssessment,
    RiskAttachment,
    RiskFollowUp,
    RiskLevel,
    RiskPetitionLink,
    RiskState,
    SubjectKind,
)
from xinfang.ledgers.models.suggestions import Reward, SuggestionRecord

__all__ = [
    "AutoRule",
    "CaseCheck",
    "ChecklistItem",
    "Conclusion",
    "LedgerEvent",
    "OutreachEvent",
    "OutreachForm",
    "ProblemState",
    "QualityReview",
    "ReviewCase",
    "ReviewProblem",
    "Reward",
    "RiskAssessment",
    "RiskAttachment",
    "RiskFollowUp",
    "RiskLevel",
    "RiskPetitionLink",
    "RiskState",
    "SubjectKind",
    "SuggestionRecord",
    "TrainingSession",
]

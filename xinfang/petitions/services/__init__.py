"""Every state change of a petition: one function each, its own transaction and guard.

Views, the API, the admin and commands call these; nothing else writes petition state.
"""

from xinfang.petitions.services.closing import (
    petition_rate,
    petition_report,
    petition_report_accept,
    petition_report_return,
    petition_urge,
    petition_withdraw,
)
from xinfang.petitions.services.handling import (
    petition_decide,
    petition_deliver,
    petition_extend,
    petition_mediate,
    petition_pause,
    petition_resume,
)
from xinfang.petitions.services.intake import PetitionerInput, PetitionInput, petition_register
from xinfang.petitions.services.receipt import (
    petition_accept,
    petition_decline,
    petition_divert,
    petition_object,
    petition_object_decide,
)
from xinfang.petitions.services.review import petition_request_reexamination, petition_request_review
from xinfang.petitions.services.triage import (
    petition_assign,
    petition_escalate,
    petition_refer,
    petition_transfer,
)

__all__ = [
    "PetitionInput",
    "PetitionerInput",
    "petition_accept",
    "petition_assign",
    "petition_decide",
    "petition_decline",
    "petition_deliver",
    "petition_divert",
    "petition_escalate",
    "petition_extend",
    "petition_mediate",
    "petition_object",
    "petition_object_decide",
    "petition_pause",
    "petition_rate",
    "petition_refer",
    "petition_register",
    "petition_report",
    "petition_report_accept",
    "petition_report_return",
    "petition_request_reexamination",
    "petition_request_review",
    "petition_resume",
    "petition_transfer",
    "petition_urge",
    "petition_withdraw",
]

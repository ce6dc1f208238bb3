"""The written documents (文书) the system issues, and to whom each is addressed.

Each kind has one Django template, ``documents/<kind>.txt``, which an admin may override
(``DocumentTemplate``). The article of the 《信访工作条例》(2022) that requires the document is noted
beside each kind.
"""

from __future__ import annotations

from typing import Final, Literal

from django.db import models


class DocumentKind(models.TextChoices):
    ACCEPTANCE_NOTICE = "acceptance_notice", "受理告知书"  # 第二十三条: 接收情况以及处理途径和程序
    TRANSFER_SLIP = "transfer_slip", "转送单"  # 第二十二条: to the receiving unit
    TRANSFER_NOTICE = "transfer_notice", "转送告知书"  # 第二十二、二十三条: 告知信访人转送去向
    ASSIGNMENT_LETTER = "assignment_letter", "交办函"  # 第二十二条第一款第三项: 办结报告 due date
    REFERRAL_SLIP = "referral_slip", "移送函"  # 第二十二条第二款: 涉法涉诉→政法, 检举控告→纪检监察
    ESCALATION_REPORT = "escalation_report", "报请件"  # 第二十二条第一款第一项, 第二十五条: 重大紧急
    DECLINE_NOTICE = "decline_notice", "不予受理告知书"  # 第十九条第三款
    NON_ACCEPTANCE_NOTICE = "non_acceptance_notice", "不再受理告知书"  # 第三十六条第三款
    REDIRECT_NOTICE = "redirect_notice", "告知书"  # 第二十三条第一款: 向有权处理的机关、单位提出
    DIVERT_NOTICE = "divert_notice", "导入程序告知书"  # 第三十一条第一项至第五项
    OBJECTION_LETTER = "objection_letter", "异议函"  # 第二十三条第三款
    OBJECTION_REPLY = "objection_reply", "异议处理意见"  # 第二十三条第三款: the sender agrees or not
    EXTENSION_NOTICE = "extension_notice", "延期告知书"  # 第三十四条: 延期理由
    DECISION = "decision", "信访处理意见书"  # 第三十一条第六项, 第三十二条
    REVIEW_DECISION = "review_decision", "复查意见书"  # 第三十五条
    REEXAMINATION_DECISION = "reexamination_decision", "复核意见书"  # 第三十六条
    SUGGESTION_REPLY = "suggestion_reply", "建议意见答复书"  # 第二十九条
    MEDIATION_AGREEMENT = "mediation_agreement", "调解协议书"  # 第三十三条 (和解协议书: settlement="1")
    COMPLETION_REPORT = "completion_report", "办结报告"  # 第二十二条第一款第三项
    WITHDRAWAL_RECORD = "withdrawal_record", "撤回信访事项记录"


Addressee = Literal["petitioner", "unit"]

#: Who a document of each kind is written to. Documents for units never describe accusation material
#: when the context says ``confidential`` (第三十条第三款).
ADDRESSEE: Final[dict[str, Addressee]] = {
    DocumentKind.ACCEPTANCE_NOTICE: "petitioner",
    DocumentKind.TRANSFER_SLIP: "unit",
    DocumentKind.TRANSFER_NOTICE: "petitioner",
    DocumentKind.ASSIGNMENT_LETTER: "unit",
    DocumentKind.REFERRAL_SLIP: "unit",
    DocumentKind.ESCALATION_REPORT: "unit",
    DocumentKind.DECLINE_NOTICE: "petitioner",
    DocumentKind.NON_ACCEPTANCE_NOTICE: "petitioner",
    DocumentKind.REDIRECT_NOTICE: "petitioner",
    DocumentKind.DIVERT_NOTICE: "petitioner",
    DocumentKind.OBJECTION_LETTER: "unit",
    DocumentKind.OBJECTION_REPLY: "unit",
    DocumentKind.EXTENSION_NOTICE: "petitioner",
    DocumentKind.DECISION: "petitioner",
    DocumentKind.REVIEW_DECISION: "petitioner",
    DocumentKind.REEXAMINATION_DECISION: "petitioner",
    DocumentKind.SUGGESTION_REPLY: "petitioner",
    DocumentKind.MEDIATION_AGREEMENT: "petitioner",
    DocumentKind.COMPLETION_REPORT: "unit",
    DocumentKind.WITHDRAWAL_RECORD: "petitioner",
}

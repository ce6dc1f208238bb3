"""Render the written documents (文书) as text, and as .docx in 公文 layout (GB/T 9704-2012).

``render_document`` fills the template of a kind (an admin override from ``DocumentTemplate`` if one
exists, else ``templates/documents/<kind>.txt``) from a context of strings. ``render_docx`` lays the
result out as a Word document: A4, the standard margins, title in 小标宋 二号, body in 仿宋_GB2312 三号
at a fixed 28.95 pt line pitch (22 lines a page), page numbers "— 1 —" in the footer.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Final

from django.core.exceptions import ImproperlyConfigured
from django.template import Context, Engine, Template, engines
from django.template.backends.django import DjangoTemplates
from django.utils import timezone
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .kinds import DocumentKind

#: The context keys the templates read. Every key is present (as "") when rendering, so a template
#: may test any of them with ``{% if %}``. Dates are passed already formatted (``format_date_zh``).
CONTEXT_KEYS: Final[tuple[str, ...]] = (
    "petition_number",  # 信访件编号
    "query_code",  # 查询码 (only in documents for the petitioner)
    "subject",  # 事由
    "received_on",  # date the petition was received
    "channel",  # 信访形式, Chinese label (网上/来信/来访/来电/传真/其他)
    "petitioner_names",  # "张三、李四"
    "request",  # 投诉请求 / 建议意见
    "facts",  # 事实 (and reasons)
    "issuing_org",  # the org signing the document
    "to_org",  # the receiving org (unit documents; transfer notice: where it went)
    "on",  # date of the act = date of the document
    "reason",  # reason of the act (延期理由, 异议理由, ...)
    "procedure",  # 处理途径和程序 / the statutory procedure a matter is diverted to
    "competent_body",  # 有权处理的机关、单位
    "days",  # a number of days (extension; handling limit)
    "approver",  # the approving 负责人 (internal records only; never printed in notices)
    "new_due_on",  # the due date after an extension
    "outcome",  # Chinese label: 支持/解释说明/不予支持, 维持/撤销/变更/发回重办, 采纳/部分采纳/未采纳, 同意
    "opinion",  # 处理意见
    "legal_basis",  # 法律法规依据
    "review_body",  # where to ask for 复查/复核
    "review_deadline",  # last day to ask for 复查/复核
    "report_due_on",  # 交办: 办结报告 due date
    "text",  # free text body (办结报告, agreement terms, ...)
    "related_number",  # an earlier petition's number
    "method",  # how something was done (e.g. how a withdrawal was made)
    "other_party",  # 调解/和解协议书: the other party to the dispute
    "confidential",  # flag: accusation material; unit documents carry only subject and number
    "settlement",  # flag: 调解协议书 becomes 和解协议书
    "you",  # derived unless given: "你们" for several petitioners, else "你"
)

FLAG_KEYS: Final = frozenset({"confidential", "settlement"})
#: Other names callers use for a key (a transfer notice names its target without addressing it).
ALIASES: Final[dict[str, str]] = {"to_org_name": "to_org"}
_FALSE_WORDS: Final = frozenset({"", "0", "false", "no", "off", "none", "否"})

#: A full sample context, used by the admin preview and to check admin overrides before saving.
SAMPLE_CONTEXT: Final[dict[str, str]] = {
    "petition_number": "XF2026-0001",
    "query_code": "K7Q2-M9XD-4HTA",
    "subject": "拖欠工资",
    "received_on": "2026年3月5日",
    "channel": "来信",
    "petitioner_names": "张三、李四",
    "request": "要求某公司支付拖欠的2025年10月至12月工资共计3万元。",
    "facts": "经调查核实，某公司确未按劳动合同约定按时足额支付上述工资。",
    "issuing_org": "某县人力资源和社会保障局",
    "to_org": "某镇人民政府",
    "on": "2026年4月20日",
    "reason": "需要调取相关单位的用工记录",
    "procedure": "劳动人事争议仲裁",
    "competent_body": "某县劳动人事争议仲裁委员会",
    "days": "30",
    "approver": "王五",
    "new_due_on": "2026年6月3日",
    "outcome": "支持",
    "opinion": "责成某公司于2026年5月10日前足额支付拖欠工资。",
    "legal_basis": "《中华人民共和国劳动合同法》第三十条、《保障农民工工资支付条例》第十五条",
    "review_body": "某县人民政府",
    "review_deadline": "2026年5月25日",
    "report_due_on": "2026年4月30日",
    "text": "已督促某公司支付全部拖欠工资，信访人表示满意。",
    "related_number": "XF2026-0000",
    "method": "书面",
    "other_party": "某建筑有限公司",
    "confidential": "",
    "settlement": "",
}

_VALUE_END: Final = "。；，、"
_MANY_BLANK_LINES = re.compile(r"\n{3,}")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in .docx XML
_DOUBLED_STOP = re.compile(r"([。！？])。+")
_STOP_AFTER_PAUSE = re.compile(r"[；，、]。")
_PAUSE_AFTER_STOP = re.compile(r"。([，；])")


@dataclass(frozen=True)
class Rendered:
    kind: str
    title: str
    text: str


def format_date_zh(d: date | None) -> str:
    """``date(2026, 3, 5)`` → "2026年3月5日"; ``None`` → ""."""
    if d is None:
        return ""
    if isinstance(d, datetime):
        d = timezone.localtime(d).date() if timezone.is_aware(d) else d.date()
    return f"{d.year}年{d.month}月{d.day}日"


def template_name(kind: str) -> str:
    return f"documents/{kind}.txt"


def _engine() -> Engine:
    backend = engines["django"]
    if not isinstance(backend, DjangoTemplates):
        raise ImproperlyConfigured("documents: TEMPLATES needs a DjangoTemplates backend named 'django'")
    return backend.engine


def _check_kind(kind: str) -> str:
    if kind not in DocumentKind.values:
        raise ValueError(f"unknown document kind: {kind!r}")
    return str(kind)


def default_template_source(kind: str) -> str:
    """The text of the file template of ``kind`` (what an admin override replaces)."""
    return str(_engine().get_template(template_name(_check_kind(kind))).source)


def build_context(context: Mapping[str, object]) -> dict[str, str]:
    """Every known key present, values as stripped strings, flags as "1" or ""."""
    ctx = dict.fromkeys(CONTEXT_KEYS, "")
    for key, value in context.items():
        # Templates put the full stop after a value, so a value's own final stop is dropped.
        ctx[key] = "" if value is None else str(value).strip().rstrip(_VALUE_END).rstrip()
    for alias, key in ALIASES.items():
        if not ctx[key] and ctx.get(alias):
            ctx[key] = ctx[alias]
    for key in FLAG_KEYS:
        ctx[key] = "" if ctx[key].lower() in _FALSE_WORDS else "1"
    if not ctx["you"]:
        ctx["you"] = "你们" if "、" in ctx["petitioner_names"] else "你"
    return ctx


def tidy(text: str) -> str:
    """Strip trailing spaces and outer blank lines, keep at most one blank line in a row, and
    mend doubled punctuation where a value met the template's own ("。。" → "。", "；。" → "。")."""
    text = _CONTROL_CHARS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines).strip("\n")
    text = _STOP_AFTER_PAUSE.sub("。", _DOUBLED_STOP.sub(r"\1", text))
    text = _PAUSE_AFTER_STOP.sub(r"\1", text)
    return _MANY_BLANK_LINES.sub("\n\n", text)


@functools.lru_cache(maxsize=128)
def _compile(source: str) -> Template:
    # Keyed on the text itself, so an edited override compiles afresh and the old entry ages out.
    return _engine().from_string(source)


def render_source(kind: str, source: str, context: Mapping[str, object]) -> Rendered:
    """Render a template text (with autoescaping off: the output is plain text)."""
    template = _compile(source)
    text = tidy(template.render(Context(build_context(context), autoescape=False)))
    title = next((line.strip() for line in text.split("\n") if line.strip()), "")
    return Rendered(kind=kind, title=title, text=text)


def override_source(kind: str) -> str | None:
    """The admin's override of ``kind``, if there is one."""
    from .models import DocumentTemplate

    return DocumentTemplate.objects.filter(kind=kind).values_list("body", flat=True).first()


def render_document(kind: str, context: Mapping[str, str], *, use_override: bool = True) -> Rendered:
    """Render the document ``kind``; unknown kinds raise ``ValueError``.

    An admin override (``DocumentTemplate``) wins over the file template unless ``use_override`` is
    false (which also avoids the database).
    """
    kind = _check_kind(kind)
    source = override_source(kind) if use_override else None
    if source is None:
        source = default_template_source(kind)
    return render_source(kind, source, context)


# --- .docx -------------------------------------------------------------------------------------------

TITLE_FONT: Final = "方正小标宋简体"
TITLE_FALLBACK_FONT: Final = "宋体"
BODY_FONT: Final = "仿宋_GB2312"
BODY_FALLBACK_FONT: Final = "仿宋"
PAGE_NUMBER_FONT: Final = "宋体"
TITLE_SIZE: Final = 22.0  # 二号
BODY_SIZE: Final = 16.0  # 三号
PAGE_NUMBER_SIZE: Final = 14.0  # 四号
LINE_PITCH: Final = 28.95  # pt: 22 lines in the 225 mm type area
RED: Final = "FF0000"
TEXT_WIDTH_MM: Final = 210 - 28 - 26


def _set_fonts(
    run: Run, font: str, size: float, *, latin: str | None = None, color: str | None = None
) -> None:
    """``font`` as w:eastAsia (what Word and WPS use for Chinese characters); ``latin`` (default the
    same) as w:ascii/w:hAnsi/w:cs, for digits and Latin letters."""
    run.font.name = latin or font  # w:ascii and w:hAnsi
    run.font.size = Pt(size)
    if color:
        run.font.color.rgb = RGBColor.from_string(color)
    r_fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    r_fonts.set(qn("w:eastAsia"), font)
    r_fonts.set(qn("w:cs"), latin or font)
    r_fonts.set(qn("w:hint"), "eastAsia")


def _fixed_pitch(paragraph: Paragraph) -> None:

    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _indent_chars(paragraph: Paragraph, *, first_line: int = 0, right: int = 0) -> None:
    """Indents in characters (w:firstLineChars, w:rightChars), with the point values as fallback."""

    fmt = paragraph.paragraph_format
    if first_line:
        fmt.first_line_indent = Pt(first_line * BODY_SIZE)
    if right:
        fmt.right_indent = Pt(right * BODY_SIZE)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        if first_line:
            ind.set(qn("w:firstLineChars"), str(first_line * 100))
        if right:
            ind.set(qn("w:rightChars"), str(right * 100))


def _display_width(text: str) -> float:
    """Width in em of a line: full-width characters 1, half-width 0.5."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def _prepare_styles(document: DocxDocument) -> None:
    """Body font and grid as the document default, without theme fonts that would win over them."""

    styles = document.styles.element
    r_fonts = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    if r_fonts is not None:
        for attr in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme", "w:cstheme"):
            r_fonts.attrib.pop(qn(attr), None)
        for attr in ("w:ascii", "w:eastAsia", "w:hAnsi", "w:cs"):
            r_fonts.set(qn(attr), BODY_FONT)
    lang = styles.find(f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(BODY_SIZE)
    normal_fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    normal_fonts.set(qn("w:eastAsia"), BODY_FONT)
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)


def _declare_fonts(document: DocxDocument) -> None:
    """List the Chinese fonts in the font table with a fallback (w:altName) and the GB2312 charset.

    A machine without 方正小标宋简体 then shows the title in 宋体, and 仿宋_GB2312 falls back to 仿宋.
    """
    for part in document.part.package.iter_parts():
        if part.content_type != CT.WML_FONT_TABLE:
            continue
        root = parse_xml(part.blob)
        for name, alt, family in (
            (TITLE_FONT, TITLE_FALLBACK_FONT, "roman"),
            (BODY_FONT, BODY_FALLBACK_FONT, "modern"),
            (BODY_FALLBACK_FONT, "FangSong", "modern"),
            (PAGE_NUMBER_FONT, "SimSun", "auto"),
        ):
            font = OxmlElement("w:font", {qn("w:name"): name})
            for tag, value in (("w:altName", alt), ("w:charset", "86"), ("w:family", family)):
                font.append(OxmlElement(tag, {qn("w:val"): value}))
            font.append(OxmlElement("w:pitch", {qn("w:val"): "variable"}))
            root.append(font)
        part._blob = serialize_part_xml(root)
        return


def _page_number(paragraph: Paragraph) -> None:
    """ "— N —" with N a PAGE field, 4号 半角宋体."""

    def run_with(child: Any | None = None, text: str = "") -> None:
        run = paragraph.add_run(text)
        _set_fonts(run, PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
        if child is not None:
            run._r.append(child)

    def fld_char(kind: str) -> Any:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        return element

    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = " PAGE "
    run_with(text="— ")
    run_with(fld_char("begin"))
    run_with(instr)
    run_with(fld_char("separate"))
    run_with(text="1")
    run_with(fld_char("end"))
    run_with(text=" —")


def _footers(document: DocxDocument) -> None:
    """GB/T 9704: page number under the type area; odd pages right, even pages left, one space in."""

    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        paragraph.alignment = align
        fmt = paragraph.paragraph_format
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = Pt(PAGE_NUMBER_SIZE)
        else:
            fmt.left_indent = Pt(PAGE_NUMBER_SIZE)
        fmt.space_before = Pt(0)
        fmt.space_after = Pt(0)
        _page_number(paragraph)


def _red_rule(paragraph: Paragraph) -> None:
    """A red line under the paragraph, the width of the type area (版头中的分隔线)."""

    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "18")  # eighths of a point: 2.25 pt
    bottom.set(qn("w:space"), "11")  # points: about 4 mm below the document number
    bottom.set(qn("w:color"), RED)
    borders.append(bottom)
    # w:pBdr comes before w:spacing, w:ind and w:jc in the schema's sequence.
    anchor = next(
        (child for child in p_pr if child.tag in {qn("w:spacing"), qn("w:ind"), qn("w:jc")}),
        None,
    )
    if anchor is not None:
        anchor.addprevious(borders)
    else:
        p_pr.append(borders)


def _red_header(document: DocxDocument, issuing_org: str, doc_number: str) -> None:

    mark = f"{issuing_org}文件"
    # As large as 小初 (36 pt) but no wider than the type area.
    text_width_pt = TEXT_WIDTH_MM / 25.4 * 72
    size = max(TITLE_SIZE, min(36.0, float(int(text_width_pt / max(_display_width(mark), 1.0)))))
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    _set_fonts(paragraph.add_run(mark), TITLE_FONT, size, latin=TITLE_FALLBACK_FONT, color=RED)

    _fixed_pitch(document.add_paragraph())  # 空二行 (one at this pitch, the rule adds the rest)
    number = document.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fixed_pitch(number)
    if doc_number:
        _set_fonts(number.add_run(doc_number), BODY_FONT, BODY_SIZE)
    _red_rule(number)
    _fixed_pitch(document.add_paragraph())


def render_docx(
    rendered: Rendered, *, issuing_org: str, doc_number: str = "", red_header: bool = False
) -> bytes:
    """The document as .docx bytes in 公文 layout (GB/T 9704-2012).

    Line 1 of ``rendered.text`` is the title; the first line after it that ends with "：" is the
    salutation (not indented); the last two lines (issuing org and date) are right-aligned, the
    org centred over the date, the date four characters in from the right; every other line is a
    body paragraph with a two-character first-line indent. ``red_header`` adds the red 发文机关标志
    "{issuing_org}文件", ``doc_number`` and the red rule.
    """

    document = Document()
    section = document.sections[0]
    section.page_width = Mm(210)
    section.page_height = Mm(297)
    section.top_margin = Mm(37)
    section.bottom_margin = Mm(35)
    section.left_margin = Mm(28)
    section.right_margin = Mm(26)
    section.footer_distance = Mm(25)
    section.header_distance = Mm(15)
    _prepare_styles(document)
    _declare_fonts(document)
    document.core_properties.title = rendered.title
    document.core_properties.author = issuing_org
    document.core_properties.language = "zh-CN"

    if red_header and issuing_org:
        _red_header(document, issuing_org, doc_number)
    elif doc_number:
        number = document.add_paragraph()
        number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _fixed_pitch(number)
        _set_fonts(number.add_run(doc_number), BODY_FONT, BODY_SIZE)

    lines = rendered.text.split("\n")
    title_at = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title_at is None:
        _footers(document)
        return _save(document)
    filled = [i for i, line in enumerate(lines) if line.strip() and i > title_at]
    salutation_at = filled[0] if filled and lines[filled[0]].rstrip().endswith("：") else None
    signature = [i for i in filled[-2:] if i != salutation_at]
    date_at = signature[-1] if signature else None
    org_at = signature[0] if len(signature) == 2 else None

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fixed_pitch(title)
    _set_fonts(title.add_run(lines[title_at].strip()), TITLE_FONT, TITLE_SIZE, latin=TITLE_FALLBACK_FONT)

    date_width = _display_width(lines[date_at].strip()) if date_at is not None else 0.0
    for i in range(title_at + 1, len(lines)):
        line = lines[i].strip()
        paragraph = document.add_paragraph()
        _fixed_pitch(paragraph)
        if not line:
            continue
        if i == salutation_at:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
        elif i == date_at:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _indent_chars(paragraph, right=4)  # 成文日期右空四字
        elif i == org_at:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            # 发文机关署名以成文日期为准居中编排
            offset = 4 + (date_width - _display_width(line)) / 2
            if offset > 0:
                paragraph.paragraph_format.right_indent = Pt(offset * BODY_SIZE)
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _indent_chars(paragraph, first_line=2)
        _set_fonts(paragraph.add_run(line), BODY_FONT, BODY_SIZE)

    _footers(document)
    return _save(document)


def _save(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

import io
import zipfile

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from xinfang.documents.kinds import DocumentKind
from xinfang.documents.render import SAMPLE_CONTEXT, Rendered, render_document, render_docx

ORG = SAMPLE_CONTEXT["issuing_org"]


def rendered(kind="decision", context=SAMPLE_CONTEXT):
    return render_document(kind, context, use_override=False)


def open_docx(data: bytes):
    return Document(io.BytesIO(data))


def east_asia(run) -> str | None:
    r_fonts = run._element.rPr.find(qn("w:rFonts"))
    return None if r_fonts is None else r_fonts.get(qn("w:eastAsia"))


def filled(doc):
    return [p for p in doc.paragraphs if p.text.strip()]


def mm(length):
    return round(length / Mm(1), 1)


def test_page_is_a4_with_gbt_9704_margins():
    doc = open_docx(render_docx(rendered(), issuing_org=ORG))
    section = doc.sections[0]
    assert (mm(section.page_width), mm(section.page_height)) == (210.0, 297.0)
    assert mm(section.top_margin) == 37.0
    assert mm(section.bottom_margin) == 35.0
    assert mm(section.left_margin) == 28.0
    assert mm(section.right_margin) == 26.0


def test_title_body_and_signature_layout():
    doc_rendered = rendered()
    doc = open_docx(render_docx(doc_rendered, issuing_org=ORG))
    paragraphs = filled(doc)
    title, salutation, first_body = paragraphs[0], paragraphs[1], paragraphs[2]
    org, day = paragraphs[-2], paragraphs[-1]

    assert title.text == "信访处理意见书" == doc_rendered.title
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert east_asia(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.name == "宋体"  # digits and Latin letters; and the named fallback

    assert salutation.text == "张三、李四："
    assert not salutation.paragraph_format.first_line_indent

    assert first_body.paragraph_format.first_line_indent == Pt(32)
    assert first_body._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert first_body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert first_body._p.pPr.find(qn("w:spacing")).get(qn("w:line")) == "579"  # 28.95 pt in twips
    assert first_body._p.pPr.find(qn("w:spacing")).get(qn("w:lineRule")) == "exact"

    assert (org.text, day.text) == (ORG, "2026年4月20日")
    assert org.alignment == day.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert day.paragraph_format.right_indent == Pt(64)  # 右空四字


def test_body_runs_use_fangsong_gb2312_with_east_asia_font():
    doc = open_docx(render_docx(rendered(), issuing_org=ORG))
    body_runs = [run for p in filled(doc)[1:] for run in p.runs]
    assert body_runs
    for run in body_runs:
        assert east_asia(run) == "仿宋_GB2312"
        assert run.font.name == "仿宋_GB2312"
        assert run.font.size == Pt(16)
    text = "\n".join(p.text for p in doc.paragraphs)
    for needle in ("要求某公司支付拖欠", "法律法规依据", "30日内", "某县人民政府书面请求复查"):
        assert needle in text


def test_default_fonts_have_no_theme_override():
    doc = open_docx(render_docx(rendered(), issuing_org=ORG))
    r_fonts = doc.styles.element.find(
        f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}"
    )
    assert r_fonts.get(qn("w:eastAsiaTheme")) is None
    assert r_fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"


def test_font_table_gives_fallbacks():
    data = render_docx(rendered(), issuing_org=ORG)
    font_table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
    assert 'w:name="方正小标宋简体"' in font_table
    assert 'w:altName w:val="宋体"' in font_table
    assert 'w:name="仿宋_GB2312"' in font_table


def test_no_red_header_by_default():
    data = render_docx(rendered(), issuing_org=ORG)
    doc = open_docx(data)
    assert filled(doc)[0].text == "信访处理意见书"
    assert "FF0000" not in zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()


def test_red_header_when_asked():
    data = render_docx(rendered(), issuing_org=ORG, doc_number="某人社信〔2026〕12号", red_header=True)
    doc = open_docx(data)
    paragraphs = filled(doc)
    mark, number, title = paragraphs[0], paragraphs[1], paragraphs[2]
    assert mark.text == f"{ORG}文件"
    assert mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert str(mark.runs[0].font.color.rgb) == "FF0000"
    assert east_asia(mark.runs[0]) == "方正小标宋简体"
    assert number.text == "某人社信〔2026〕12号"
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000"
    assert rule.get(qn("w:val")) == "single"
    assert title.text == "信访处理意见书"


def test_red_header_without_number_still_draws_the_rule():
    data = render_docx(rendered(), issuing_org=ORG, red_header=True)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    assert 'w:color="FF0000"' in xml and "<w:pBdr>" in xml


def test_doc_number_without_red_header():
    doc = open_docx(render_docx(rendered(), issuing_org=ORG, doc_number="某人社信告〔2026〕3号"))
    first = filled(doc)[0]
    assert first.text == "某人社信告〔2026〕3号"
    assert first.alignment == WD_ALIGN_PARAGRAPH.RIGHT


def test_page_number_field_in_footers():
    data = render_docx(rendered(), issuing_org=ORG)
    doc = open_docx(data)
    assert doc.settings.odd_and_even_pages_header_footer
    for footer in (doc.sections[0].footer, doc.sections[0].even_page_footer):
        paragraph = footer.paragraphs[0]
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        xml = paragraph._p.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        assert all(run.font.size == Pt(14) for run in paragraph.runs)
        assert all(east_asia(run) == "宋体" for run in paragraph.runs)


@pytest.mark.parametrize("kind", DocumentKind.values)
def test_every_kind_makes_a_docx(kind):
    doc_rendered = rendered(kind)
    doc = open_docx(render_docx(doc_rendered, issuing_org=ORG))
    paragraphs = filled(doc)
    assert paragraphs[0].text == doc_rendered.title
    assert paragraphs[-1].text == "2026年4月20日"
    assert doc.core_properties.title == doc_rendered.title


def test_odd_input_does_not_break():
    for text in ("", "只有标题", "标题\n\n正文一行"):
        data = render_docx(Rendered(kind="decision", title=text[:4], text=text), issuing_org="")
        assert mm(open_docx(data).sections[0].page_width) == 210.0

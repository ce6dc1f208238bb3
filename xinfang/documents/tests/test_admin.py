import pytest
from django.urls import reverse

from xinfang.documents.models import DocumentTemplate, DocumentTemplateRevision
from xinfang.documents.render import default_template_source, render_document

pytestmark = pytest.mark.django_db


def test_add_form_starts_from_the_file_template(admin_client):
    response = admin_client.get(reverse("admin:documents_documenttemplate_add") + "?kind=decision")
    assert response.status_code == 200
    content = response.content.decode()
    assert "信访处理意见书" in content
    assert "可用变量" in content


def test_saving_in_admin_records_user_and_revision(admin_client, admin_user):
    body = default_template_source("decision").replace("现提出处理意见如下", "现答复如下")
    url = reverse("admin:documents_documenttemplate_add")
    response = admin_client.post(
        url,
        {
            "kind": "decision",
            "body": body,
            "note": "改措辞",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    template = DocumentTemplate.objects.get(kind="decision")
    assert template.updated_by == admin_user
    revision = DocumentTemplateRevision.objects.get(template=template)
    assert revision.saved_by == admin_user
    assert "现答复如下" in revision.body
    assert "现答复如下" in render_document("decision", {"outcome": "支持"}).text

    change_url = reverse("admin:documents_documenttemplate_change", args=[template.pk])
    page = admin_client.get(change_url).content.decode()
    assert "默认模板" in page and "历史版本" in page and "当前模板示例效果" in page

    response = admin_client.post(
        change_url,
        {
            "kind": "decision",
            "body": body.replace("现答复如下", "特答复如下"),
            "note": "再改",
            "revisions-TOTAL_FORMS": "1",
            "revisions-INITIAL_FORMS": "1",
            "revisions-0-id": str(revision.pk),
            "revisions-0-template": str(template.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    bodies = list(template.revisions.values_list("body", flat=True))
    assert len(bodies) == 2
    assert "特答复如下" in bodies[0] and "现答复如下" in bodies[1]


def test_broken_template_is_refused_in_admin(admin_client):
    response = admin_client.post(
        reverse("admin:documents_documenttemplate_add"),
        {
            "kind": "decision",
            "body": "信访处理意见书\n{% if %}",
            "note": "",
            "revisions-TOTAL_FORMS": "0",
            "revisions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "模板语法错误" in response.content.decode()
    assert not DocumentTemplate.objects.exists()

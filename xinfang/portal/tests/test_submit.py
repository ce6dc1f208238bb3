"""Online submission: the form, its guidance, uploads checked and stored safely, the notice after commit."""

from __future__ import annotations

import logging

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xinfang.petitions.models import Petition
from xinfang.portal.models import Attachment
from xinfang.portal.services import attachment_path, uploads_dir
from xinfang.portal.tests.helpers import EXE, PDF, png_bytes, submission

pytestmark = pytest.mark.django_db
TODAY = "2026-11-23 10:00 +0800"


def post(client: Client, files: list[SimpleUploadedFile] | None = None, **extra: str):
    data: dict[str, object] = {**submission(**extra)}
    if files:
        data["attachments"] = files
    return client.post("/portal/submit/", data)


@time_machine.travel(TODAY, tick=False)
def test_it_explains_what_goes_where_before_submitting(region):
    page = Client().get("/portal/submit/").content.decode()
    for words in ("诉讼与信访分离", "第二十八条第二款", "第三十一条", "仲裁", "行政复议", "纪检监察机关"):
        assert words in page, words
    assert '<option value="330521-XFJ">德清县信访局</option>' in page
    assert '<optgroup label="德清县">' in page
    assert '<option value="330521001">德清县武康街道</option>' in page


@time_machine.travel(TODAY, tick=False)
def test_it_registers_an_online_petition_and_shows_number_and_query_code(
    region, django_capture_on_commit_callbacks, caplog
):
    client = Client()
    files = [
        SimpleUploadedFile("现场照片.png", png_bytes(), content_type="image/png"),
        SimpleUploadedFile("材料.pdf", PDF, content_type="application/pdf"),
    ]
    with (
        caplog.at_level(logging.INFO, logger="xinfang.portal.notify"),
        django_capture_on_commit_callbacks(execute=True) as callbacks,
    ):
        response = post(client, files)
    assert response.status_code == 302, response.content.decode()[:2000]
    petition = Petition.objects.get()
    assert (petition.channel, petition.registered_org.code, petition.state) == (
        "online",
        "330521-XFJ",
        "registered",
    )
    assert (petition.received_on.isoformat(), petition.region_code, petition.route) == (
        "2026-11-23",
        "330521",
        "petition",
    )
    assert petition.registered_by is None
    page = client.get(response["Location"]).content.decode()
    assert petition.number in page and petition.query_code in page

    # The notice goes out after commit, with the code blanked in the console log.
    assert [c for c in callbacks if "portal_submit" in c.__qualname__], callbacks
    assert petition.number in caplog.text
    assert petition.query_code not in caplog.text and "13857212345" not in caplog.text

    # Files: sniffed types, random names, under DATA_DIR/uploads (outside the web root), mode 0600.
    rows = list(Attachment.objects.filter(petition=petition))
    assert [(a.original_name, a.content_type) for a in rows] == [
        ("现场照片.png", "image/png"),
        ("材料.pdf", "application/pdf"),
    ]
    for a in rows:
        path = attachment_path(a)
        assert path.parent == uploads_dir() and path.exists()
        assert "现场照片" not in a.stored_name and len(a.stored_name) >= 32
        assert path.stat().st_mode & 0o777 == 0o600


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [SimpleUploadedFile("setup.pdf", EXE, content_type="application/pdf")],
            "不是图片（JPG、PNG）或PDF文件",
        ),
        (
            [SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")],
            "超过每个10MB的限制",
        ),
        (
            [SimpleUploadedFile(f"{i}.png", png_bytes(), content_type="image/png") for i in range(6)],
            "附件最多5个",
        ),
    ],
)
def test_it_refuses_a_bad_upload_and_keeps_nothing_but_the_typed_text(region, files, message):
    response = post(Client(), files)
    assert response.status_code == 422
    page = response.content.decode()
    assert message in page
    assert "小区消防通道被违章建筑占用" in page  # what was typed is still there
    assert Petition.objects.count() == 0 and Attachment.objects.count() == 0
    assert not uploads_dir().exists() or not any(uploads_dir().iterdir())


@time_machine.travel(TODAY, tick=False)
def test_it_shows_service_errors_next_to_the_field_and_writes_nothing(region):
    response = post(
        Client(), [SimpleUploadedFile("a.png", png_bytes(), content_type="image/png")], phone="12345"
    )
    assert response.status_code == 422
    page = response.content.decode()
    # The error sits in the phone field's group, which is marked invalid for screen readers.
    group = page[page.index('for="id_phone"') : page.index('for="id_address"')]
    assert "请填写正确的手机号码（11位）或带区号的固定电话号码" in group
    assert 'aria-invalid="true"' in group
    assert Petition.objects.count() == 0 and not any(uploads_dir().iterdir())


@time_machine.travel(TODAY, tick=False)
def test_it_limits_submissions_per_address(region, settings):
    settings.XINFANG_PORTAL_IP_SUBMISSIONS = 1
    client = Client()
    assert post(client).status_code == 302
    refused = post(client, phone="13857212346")
    assert refused.status_code == 429
    assert "提交过于频繁" in refused.content.decode()
    assert Petition.objects.count() == 1

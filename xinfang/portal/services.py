"""The portal's writes: an online submission with its attachments.

Every other act of the petitioner (复查/复核 request, rating, 催办, withdrawal) is a petition service
called with `actor=None` once the portal has checked the 查询码 and phone digits; this module only adds
what the petitions app does not have: files, and telling the petitioner.

《信访工作条例》第十七条: 公民、法人或者其他组织可以采用信息网络、书信、电话、传真、走访等形式……提出建议、
意见或者投诉请求。第十九条第一款: 信访人一般应当采用书面形式提出信访事项，并载明其姓名（名称）、住址和请求、
事实、理由。第二十一条第二款: ……方便信访人查询、评价信访事项办理情况。
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from xinfang.core.errors import Invalid
from xinfang.petitions.models import Petition
from xinfang.petitions.services import PetitionInput, petition_register
from xinfang.portal.models import Attachment
from xinfang.portal.notify import notify_petitioner

# Only what a petitioner needs to show (photos, scans): content sniffed, the file name not trusted.
ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5


def uploads_dir() -> Path:
    """Outside the web root (static files are served from STATIC_ROOT only); read at call time."""
    return Path(settings.DATA_DIR) / "uploads"


@dataclass(frozen=True)
class CheckedFile:
    upload: UploadedFile
    content_type: str
    extension: str


def attachments_check(files: list[UploadedFile]) -> list[CheckedFile]:
    """Refuse too many, too big, empty or not-an-image/PDF files before anything is written."""
    import filetype  # type: ignore[import-untyped]

    if len(files) > MAX_ATTACHMENTS:
        raise Invalid("attachments", f"附件最多{MAX_ATTACHMENTS}个。", code="too_many_attachments")
    checked = []
    for upload in files:
        name = upload.name or "附件"
        size = upload.size or 0
        if size > MAX_ATTACHMENT_BYTES:
            raise Invalid(
                "attachments",
                f"附件“{name}”大小为{size / 1024 / 1024:.1f}MB，超过每个10MB的限制，请压缩或分拆后再上传。",
                code="attachment_too_large",
            )
        if size == 0:
            raise Invalid("attachments", f"附件“{name}”是空文件。", code="attachment_empty")
        upload.seek(0)
        head = upload.read(262)
        upload.seek(0)
        kind = filetype.guess(head)
        mime = kind.mime if kind is not None else ""
        if mime not in ALLOWED_TYPES:
            raise Invalid(
                "attachments",
                f"附件“{name}”不是图片（JPG、PNG）或PDF文件，请上传照片、扫描件或PDF。",
                code="attachment_type",
            )
        checked.append(CheckedFile(upload, mime, ALLOWED_TYPES[mime]))
    return checked


def _write(checked: list[CheckedFile]) -> list[Attachment]:
    """Write the files under random names (0600); the rows are saved once the petition exists."""
    folder = uploads_dir()
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for item in checked:
        stored = f"{secrets.token_hex(16)}.{item.extension}"
        digest = hashlib.sha256()
        size = 0
        path = folder / stored
        with path.open("xb") as out:
            for chunk in item.upload.chunks():
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
        path.chmod(0o600)
        original = Path(item.upload.name or "附件").name[:200]
        rows.append(
            Attachment(
                original_name=original,
                stored_name=stored,
                content_type=item.content_type,
                size=size,
                sha256=digest.hexdigest(),
            )
        )
    return rows


def attachment_path(attachment: Attachment) -> Path:
    return uploads_dir() / attachment.stored_name


def submission_message(petition: Petition) -> str:
    return (
        f"您的信访事项已提交，信访件编号{petition.number}，查询码{petition.query_code}。"
        "请妥善保管查询码，凭查询码和手机号后四位可在网上查询办理进展、下载告知书。"
    )


def portal_submit(data: PetitionInput, files: list[UploadedFile]) -> Petition:
    """Register an online petition (channel 网上信访, at the body the petitioner chose) with its files.

    Files are checked first and written before the petition is registered; if registration refuses
    the input, the files are removed again, so a refusal leaves nothing behind. The SMS goes out only
    after the rows are committed.
    """
    checked = attachments_check(files)
    rows = _write(checked)
    try:
        petition = petition_register(data, actor=None)
        with transaction.atomic(durable=True):
            for row in rows:
                row.petition = petition
            Attachment.objects.bulk_create(rows)
            transaction.on_commit(lambda: notify_petitioner(petition, submission_message(petition)))
    except BaseException:
        for row in rows:
            attachment_path(row).unlink(missing_ok=True)
        raise
    return petition

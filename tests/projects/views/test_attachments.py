"""Attachments: size and type limits, content checked, and files served only to who may see them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from projects.models import Attachment, Candidate
from tests.conftest import Cast, client_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
PDF = b"%PDF-1.7\n" + b"0" * 100


def _upload(cast: Cast, candidate: Candidate, upload: SimpleUploadedFile) -> str:
    response = client_for(cast.east_staff).post(
        reverse("attachment_new", kwargs={"body": cast.body.slug, "pk": candidate.pk}),
        {"file": upload},
        follow=True,
    )
    return response.content.decode()


def test_a_photo_and_a_pdf_are_attached(cast: Cast, draft: Candidate) -> None:
    _upload(cast, draft, SimpleUploadedFile("现场照片.png", PNG))
    page = _upload(cast, draft, SimpleUploadedFile("可行性报告.pdf", PDF))
    assert "附件已上传。" in page
    assert sorted(draft.attachments.values_list("original_name", "content_type")) == [
        ("可行性报告.pdf", "application/pdf"),
        ("现场照片.png", "image/png"),
    ]


def test_an_oversize_file_is_refused_and_not_stored(
    cast: Cast, draft: Candidate, settings: object
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 50  # type: ignore[attr-defined]
    page = _upload(cast, draft, SimpleUploadedFile("big.png", PNG))
    assert "文件过大（108\xa0字节），上限为 50\xa0字节。" in page  # filesizeformat uses NBSP
    assert Attachment.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "只能上传 JPEG、PNG 或 PDF 文件。"),
        ("photo.png", b"MZ\x90\x00 not a png", "文件内容不是 PNG 格式（与文件名不符）。"),
        ("report.pdf", PNG, "文件内容不是 PDF 格式（与文件名不符）。"),
    ],
)
def test_a_wrong_type_is_refused_and_not_stored(
    cast: Cast, draft: Candidate, name: str, content: bytes, message: str
) -> None:
    page = _upload(cast, draft, SimpleUploadedFile(name, content))
    assert message in page
    assert Attachment.objects.count() == 0


def test_a_stored_file_comes_back_byte_for_byte(cast: Cast, draft: Candidate) -> None:
    _upload(cast, draft, SimpleUploadedFile("现场照片.png", PNG))
    token = draft.attachments.get().token
    response = client_for(cast.east_staff).get(
        reverse("attachment_file", kwargs={"body": cast.body.slug, "token": token})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG  # type: ignore[attr-defined]

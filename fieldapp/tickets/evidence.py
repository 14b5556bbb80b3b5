"""Evidence from the field: photos and PDF documents, checked by their content, within the
quotas, kept in the database until the update that carries them attaches them."""

import unicodedata
from urllib.parse import quote

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from fieldapp.extensions import db
from fieldapp.models import Attachment, Ticket, User, utcnow
from fieldapp.rules.actions import WORKERS
from fieldapp.services.evidence import MB, Excess, current_limits, excess
from fieldapp.services.transactions import begin_write
from fieldapp.tickets import bp
from fieldapp.tickets.views import works_on

MAX_FILES = 10
PDF = "application/pdf"


class EvidenceError(ValueError):
    """An upload we do not keep; the message is for the user, the status for the API."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def sniff(head: bytes) -> str | None:
    """The type its first bytes announce (JPEG, PNG, WebP or PDF), else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def megabytes(size: int) -> str:
    """A size as people read it: "4,2 MB"."""
    return f"{format_decimal(round(size / MB, 1))} MB"


def _read(upload: FileStorage, max_bytes: int) -> tuple[bytes, str]:
    """The bytes and type of one upload, or EvidenceError saying what is wrong with it."""
    name = upload.filename or "tệp"
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise EvidenceError(
            _("Tệp “%(name)s” lớn hơn %(limit)s.", name=name, limit=megabytes(max_bytes))
        )
    kind = sniff(data[:16])
    if kind is None:
        raise EvidenceError(
            _("Tệp “%(name)s” không phải ảnh (JPEG, PNG, WebP) hay tài liệu PDF.", name=name)
        )
    return data, kind


def store_evidence(uploads: list[FileStorage], user: User, ticket: Ticket) -> list[int]:
    """Check every upload (who sends it, what it is, the quotas), then keep them all or none,
    recorded as made for the ticket; returns the attachment ids."""
    uploads = [u for u in uploads if u and u.filename]
    if not uploads:
        return []
    check_uploader(user, ticket)
    if len(uploads) > MAX_FILES:
        raise EvidenceError(_("Tối đa %(n)s tệp mỗi lần cập nhật.", n=MAX_FILES))
    limits = current_limits()
    checked = [((u.filename or "")[-200:], *_read(u, limits.file)) for u in uploads]
    adding = sum(len(data) for _name, data, _kind in checked)
    begin_write()  # apply() starts its own transaction: the rows must exist before it
    over = excess(user, ticket, adding, limits, utcnow())
    if over is not None:
        db.session.rollback()
        raise EvidenceError(_quota_message(over, adding))
    rows = [
        Attachment(
            user_id=user.id,
            for_ticket_id=ticket.id,
            filename=name,
            content_type=kind,
            size=len(data),
            data=data,
        )
        for name, data, kind in checked
    ]
    db.session.add_all(rows)
    db.session.commit()
    return [row.id for row in rows]


def check_uploader(user: User, ticket: Ticket | None = None) -> None:
    """EvidenceError (403) unless the user works tickets, and this one when it is given:
    company and admin users read tickets, they never add to them."""
    if user.role not in WORKERS or (ticket is not None and not works_on(ticket, user)):
        raise EvidenceError(_("Chỉ người xử lý phiếu mới tải ảnh, tài liệu lên phiếu được."), 403)


def _quota_message(over: Excess, adding: int) -> str:
    """Which quota the upload would pass, with the figures."""
    figures = {
        "used": megabytes(over.used),
        "adding": megabytes(adding),
        "limit": megabytes(over.limit),
    }
    if over.kind == "ticket":
        return _(
            "Phiếu này đã có %(used)s ảnh, tài liệu; thêm %(adding)s sẽ vượt mức "
            "%(limit)s mỗi phiếu.",
            **figures,
        )
    if over.kind == "pending":
        return _(
            "Bạn còn %(used)s ảnh, tài liệu đã tải lên mà chưa gửi kèm cập nhật nào; thêm "
            "%(adding)s sẽ vượt mức %(limit)s. Hãy gửi các cập nhật đang chờ trước.",
            **figures,
        )
    return _(
        "Trong 24 giờ qua bạn đã tải lên %(used)s; thêm %(adding)s sẽ vượt mức %(limit)s mỗi ngày.",
        **figures,
    )


def inline_names(filename: str) -> dict[str, str]:
    """Content-Disposition parameters naming the file, for ASCII-only and UTF-8 browsers."""
    simple = unicodedata.normalize("NFKD", filename).encode("ascii", "ignore").decode()
    simple = "".join(c for c in simple if c.isprintable() and c not in '"\\') or "tep"
    if simple == filename:
        return {"filename": filename}
    return {"filename": simple, "filename*": f"UTF-8''{quote(filename, safe='')}"}


@bp.app_template_global()
def evidence_files(ids: list[int]) -> list:
    """The files an event carries, in its order, without their bytes (for the timeline)."""
    columns = (Attachment.id, Attachment.filename, Attachment.content_type, Attachment.purged_at)
    rows = db.session.execute(select(*columns).where(Attachment.id.in_(ids))).all()
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]

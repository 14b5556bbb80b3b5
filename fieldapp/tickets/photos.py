"""Photos from the camera: checked by their content, at most 5 MB each, kept in the database."""

from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from fieldapp.extensions import db
from fieldapp.models import Attachment, User

MAX_BYTES = 5 * 1024 * 1024
MAX_FILES = 10


class PhotoError(ValueError):
    """A file that is not a photo we keep; the message is for the user."""


def sniff(head: bytes) -> str | None:
    """The image type its first bytes announce (JPEG, PNG or WebP), else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def _read(upload: FileStorage) -> tuple[bytes, str]:
    """The bytes and type of one upload, or PhotoError saying what is wrong with it."""
    name = upload.filename or "ảnh"
    data = upload.stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoError(_("Ảnh “%(name)s” lớn hơn 5 MB.", name=name))
    kind = sniff(data[:16])
    if kind is None:
        raise PhotoError(_("Tệp “%(name)s” không phải ảnh JPEG, PNG hoặc WebP.", name=name))
    return data, kind


def store_photos(uploads: list[FileStorage], user: User) -> list[int]:
    """Check every upload, then keep them all (or none); returns the attachment ids."""
    uploads = [u for u in uploads if u and u.filename]
    if len(uploads) > MAX_FILES:
        raise PhotoError(_("Tối đa %(n)s ảnh mỗi lần cập nhật.", n=MAX_FILES))
    checked = [(u.filename[-200:], *_read(u)) for u in uploads]
    rows = [Attachment(user_id=user.id, filename=name, content_type=kind, size=len(data),
                       data=data) for name, data, kind in checked]
    if not rows:
        return []
    db.session.add_all(rows)
    db.session.commit()  # apply() starts its own transaction: the rows must exist before it
    return [row.id for row in rows]

"""Uploaded files, for every area: check, store, serve, clean up.

An area that takes files (activity photos, meeting files, rating evidence, civic-event photos)
calls this module instead of handling bytes itself::

    class MeetingFile(UploadRecordMixin, AllianceRecord, db.Model):
        __tablename__ = "meeting_files"
        __upload_folder__ = "meetings"          # under UPLOAD_FOLDER
        __visibility__ = ...                    # send_stored re-checks it
        meeting_id: Mapped[int] = ...

    # services.py (flushes, never commits)
    stored = store_uploads(files, kind=DOCUMENTS, folder=MeetingFile.__upload_folder__,
                           field="files")        # all or nothing; FieldErrors (422) otherwise
    for item in stored:
        db.session.add(MeetingFile(meeting=meeting, alliance_id=..., **item.columns()))

    # views.py / api.py, after the caller's own access check
    return send_stored(get_visible_or_404(MeetingFile, file_id))

What it guarantees:

- **The bytes decide the type**, never the name or the client's content type (``kind``:
  :data:`IMAGES` = JPEG/PNG/WebP; :data:`DOCUMENTS` = PDF, DOCX, XLSX and those images).
- **Limits before work**: size (``kind.max_bytes_key`` in the config), then the pixel
  dimensions read from the image *header*, before any pixel is decoded
  (``UPLOAD_MAX_PIXELS``, ``UPLOAD_MAX_DECODED_BYTES``, far below Pillow's own bomb limit),
  and a budget of decoded pixels per request (``UPLOAD_MAX_PIXELS_PER_REQUEST``) however many
  calls the request makes.
- **No metadata is served**: every image is decoded and re-encoded on store (turned upright
  by its EXIF orientation), so EXIF, GPS, XMP, comments and colour profiles are gone; its
  thumbnail (JPEG, longest side :data:`THUMBNAIL_SIZE`) is written beside it.
- **Files follow the transaction**: files written in a transaction that does not commit are
  removed when it ends; :func:`remove_after_commit` removes files only once the deletion of
  their record has committed.
- **Serving is checked twice**: :func:`send_stored` takes the record the caller loaded after
  its access check, and refuses (404) a record the current user's visibility policy hides.
"""
from __future__ import annotations

import io
import re
import uuid
import warnings
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import abort, current_app, has_request_context, request, send_from_directory
from PIL import Image, ImageOps
from sqlalchemy import String, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from alliance.core.checks import Errors
from alliance.core.errors import FieldErrors
from alliance.extensions import db

THUMBNAIL_SIZE = 480  # px, longest side: enough for a phone screen's thumbnail grid
THUMBNAIL_TYPE = "image/jpeg"
NAME_LENGTH = 200


# --- kinds of file ---------------------------------------------------------------------------

@dataclass(frozen=True)
class FileFormat:
    """One accepted format: what is stored and served for it."""

    content_type: str
    extension: str
    is_image: bool = False


JPEG = FileFormat("image/jpeg", "jpg", True)
PNG = FileFormat("image/png", "png", True)
WEBP = FileFormat("image/webp", "webp", True)
PDF = FileFormat("application/pdf", "pdf")
DOCX = FileFormat("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx")
XLSX = FileFormat("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")

# Pillow's format names → our formats (what Image.open may recognise).
_IMAGE_FORMATS = {"JPEG": JPEG, "PNG": PNG, "WEBP": WEBP}


@dataclass(frozen=True)
class FileKind:
    """What an upload field accepts, and how its messages name the files."""

    name: str
    formats: tuple[FileFormat, ...]
    noun: str  # "照片", "文件": how messages call one file
    refusal: str  # shown for a file of another type; {name} is the file's name
    max_bytes_key: str  # config key of the size limit of one file

    @property
    def accept(self) -> str:
        """For ``<input type=file accept=...>``: a hint to the browser, not a check."""
        return ",".join([f.content_type for f in self.formats]
                        + [f".{f.extension}" for f in self.formats]
                        + ([".jpeg"] if JPEG in self.formats else []))

    def max_bytes(self) -> int:
        return int(current_app.config[self.max_bytes_key])


IMAGES = FileKind("images", (JPEG, PNG, WEBP), "照片",
                  "文件“{name}”不是图片，请上传 JPG、PNG 或 WebP 格式的照片", "PHOTO_MAX_BYTES")
DOCUMENTS = FileKind("documents", (PDF, DOCX, XLSX, JPEG, PNG, WEBP), "文件",
                     "文件“{name}”的格式不支持，请上传 PDF、Word（.docx）、Excel（.xlsx）"
                     "或 JPG、PNG、WebP 图片", "DOCUMENT_MAX_BYTES")


# --- what is stored ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every check, still only in memory (re-encoded if an image)."""

    original_name: str
    format: FileFormat
    content: bytes
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class StoredFile:
    """A file written under ``UPLOAD_FOLDER/<folder>/<stored_name>`` (and its thumbnail)."""

    folder: str
    stored_name: str
    original_name: str
    content_type: str
    size_bytes: int
    width: int | None
    height: int | None
    has_thumbnail: bool

    def columns(self) -> dict[str, Any]:
        """The values of :class:`UploadRecordMixin`'s columns, for the record's constructor."""
        return {"stored_name": self.stored_name, "original_name": self.original_name,
                "content_type": self.content_type, "size_bytes": self.size_bytes,
                "width": self.width, "height": self.height}


class UploadRecordMixin:
    """The columns of a record that stands for one stored file. The class names its folder
    (``__upload_folder__``); images record their (upright) pixel size, other files leave it
    empty (a model may redeclare ``width``/``height`` as required if it stores images only)."""

    __upload_folder__: str = ""

    stored_name: Mapped[str] = mapped_column(String(100), unique=True)
    original_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column()
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


# --- limits -----------------------------------------------------------------------------------

def format_size(size: int) -> str:
    """5242880 → "5MB", 512000 → "500KB": how the limits are written in messages."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + "MB"
    return f"{max(1, round(size / 1024))}KB"


def _max_pixels() -> int:
    config = current_app.config
    # Pillow keeps 4 bytes per pixel for RGB(A)/CMYK, so the byte cap is a pixel cap too.
    return min(int(config["UPLOAD_MAX_PIXELS"]), int(config["UPLOAD_MAX_DECODED_BYTES"]) // 4)


_BUDGET_KEY = "alliance.upload_pixels_left"  # in the WSGI environ: one budget per request


def _take_from_budget(pixels: int) -> bool:
    """Decoded pixels left to this request (all uploads, all calls); False when exhausted."""
    if not has_request_context():
        return True  # CLI, demo loader: trusted input
    left = request.environ.get(_BUDGET_KEY, int(current_app.config["UPLOAD_MAX_PIXELS_PER_REQUEST"]))
    if pixels > left:
        return False
    request.environ[_BUDGET_KEY] = left - pixels
    return True


# --- checking -------------------------------------------------------------------------------

def has_upload(file) -> bool:
    """Browsers send an empty part for an untouched file input; that is no upload."""
    return file is not None and bool(getattr(file, "filename", None))


def clean_file_name(name: str | None, default: str = "文件") -> str:
    """The name to show: no folders (old browsers send C:\\fakepath\\...), no control
    characters, at most NAME_LENGTH characters. Chinese names are kept as they are."""
    name = re.split(r"[\\/]", name or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name).strip()
    if len(name) > NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:NAME_LENGTH - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 \
            else name[:NAME_LENGTH]
    return name or default


def check_upload(file, *, kind: FileKind, field: str, errors: Errors) -> CheckedUpload | None:
    """Check one upload; on a problem add a message under ``field`` and return None."""
    name = clean_file_name(file.filename, kind.noun)
    limit = kind.max_bytes()
    content = _read_at_most(file, limit + 1)
    if len(content) > limit:
        errors.add(field, f"{kind.noun}不能超过{format_size(limit)}（“{name}”超过了这个大小，"
                          f"请压缩后再上传）")
        return None
    if not content:
        errors.add(field, f"文件“{name}”是空的，请重新选择")
        return None
    try:
        return _inspect(name, content, kind)
    except _TooManyPixels:
        errors.add(field, f"{kind.noun}“{name}”的像素尺寸过大，请缩小后再上传")
    except _OverBudget:
        errors.add(field, f"本次上传的图片总像素过多（“{name}”起未能处理），请分几次上传")
    except _Broken:
        errors.add(field, f"{kind.noun}“{name}”已损坏或不完整，请重新选择")
    except _NotAccepted:
        errors.add(field, kind.refusal.format(name=name))
    return None


def check_uploads(files: Iterable, *, kind: FileKind, field: str,
                  errors: Errors) -> list[CheckedUpload]:
    """Check every real upload of ``files``; problems go under ``field``."""
    checked = []
    for file in files:
        if has_upload(file):
            item = check_upload(file, kind=kind, field=field, errors=errors)
            if item is not None:
                checked.append(item)
    return checked


def _read_at_most(file, limit: int) -> bytes:
    stream = getattr(file, "stream", file)
    try:
        stream.seek(0)
    except (AttributeError, OSError):
        pass  # a stream that cannot seek is read from where it is
    return stream.read(limit) or b""


class _NotAccepted(Exception):
    pass


class _Broken(Exception):
    pass


class _TooManyPixels(Exception):
    pass


class _OverBudget(Exception):
    pass


def _inspect(name: str, content: bytes, kind: FileKind) -> CheckedUpload:
    if content.startswith(b"%PDF-"):
        return _accepted(name, PDF, content, kind)
    if content.startswith(b"PK\x03\x04"):
        return _accepted(name, _office_format(content), content, kind)
    if not any(f.is_image for f in kind.formats):
        raise _NotAccepted()
    return _inspect_image(name, content, kind)


def _accepted(name: str, file_format: FileFormat | None, content: bytes,
              kind: FileKind) -> CheckedUpload:
    if file_format is None or file_format not in kind.formats:
        raise _NotAccepted()
    return CheckedUpload(original_name=name, format=file_format, content=content)


def _office_format(content: bytes) -> FileFormat | None:
    """A .docx or .xlsx is a zip with a known main part; macro-enabled files are refused.
    Only the zip's directory is read, never its (possibly huge) decompressed content."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        return None
    if "[Content_Types].xml" not in names or any(n.endswith("vbaProject.bin") for n in names):
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def _inspect_image(name: str, content: bytes, kind: FileKind) -> CheckedUpload:
    """Read the header (dimensions) first and refuse big images before decoding a pixel;
    then decode once, which also catches files damaged past the header, and re-encode."""
    allowed = {pillow: f for pillow, f in _IMAGE_FORMATS.items() if f in kind.formats}
    # Untrusted bytes make Pillow raise many kinds of exceptions (SyntaxError, struct.error,
    # IndexError...); any of them means "not a file we can use", never a 500.
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(content), formats=list(allowed))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _TooManyPixels() from None
        except Exception:
            raise _NotAccepted() from None
        with image:
            file_format = allowed.get(image.format or "")
            if file_format is None:
                raise _NotAccepted()
            width, height = image.size
            if width * height > _max_pixels() or width <= 0 or height <= 0:
                raise _TooManyPixels()
            if not _take_from_budget(width * height):
                raise _OverBudget()
            try:
                stored, thumbnail, size = _reencode(image, file_format)
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise _TooManyPixels() from None
            except Exception:
                raise _Broken() from None
    return CheckedUpload(original_name=name, format=file_format, content=stored,
                         thumbnail=thumbnail, width=size[0], height=size[1])


def _reencode(image: Image.Image, file_format: FileFormat) -> tuple[bytes, bytes, tuple[int, int]]:
    """The image without any metadata (only pixels are written back), turned upright, and its
    thumbnail. Animated files keep their first frame."""
    image.load()
    # Phones store portrait photos sideways plus an orientation tag; turn the pixels instead.
    upright = ImageOps.exif_transpose(image)  # a copy
    # Savers write some of ``info`` back (JPEG comments, for one): keep only what the pixels need.
    upright.info = {k: v for k, v in upright.info.items() if k == "transparency"}
    out = io.BytesIO()
    if file_format is JPEG:
        if upright.mode not in ("L", "RGB"):
            upright = upright.convert("RGB")
        upright.save(out, "JPEG", quality=90)
    elif file_format is PNG:
        params = {}
        if "transparency" in upright.info and upright.mode in ("P", "L", "RGB"):
            params["transparency"] = upright.info["transparency"]
        upright.save(out, "PNG", **params)
    else:
        if upright.mode not in ("RGB", "RGBA"):
            upright = upright.convert("RGBA" if "A" in upright.getbands() or
                                      "transparency" in upright.info else "RGB")
        upright.save(out, "WEBP", quality=90)
    return out.getvalue(), _thumbnail(upright), upright.size


def _thumbnail(image: Image.Image) -> bytes:
    image = image.copy()
    image.thumbnail((THUMBNAIL_SIZE, THUMBNAIL_SIZE))
    if image.mode in ("RGBA", "LA", "P", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80, optimize=True)
    return out.getvalue()


# --- storing ------------------------------------------------------------------------------

def folder_path(folder: str) -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"]) / folder


def thumbnail_name(stored_name: str) -> str:
    return f"{Path(stored_name).stem}.thumb.jpg"


def write_upload(checked: CheckedUpload, *, folder: str) -> StoredFile:
    """Write a checked upload (and its thumbnail) under a new random name. The files are
    removed again if the current transaction does not commit."""
    path = folder_path(folder)
    path.mkdir(parents=True, exist_ok=True)
    stored_name = f"{uuid.uuid4().hex}.{checked.format.extension}"
    _write_file(path / stored_name, checked.content)
    if checked.thumbnail is not None:
        _write_file(path / thumbnail_name(stored_name), checked.thumbnail)
    return StoredFile(folder=folder, stored_name=stored_name, original_name=checked.original_name,
                      content_type=checked.format.content_type, size_bytes=len(checked.content),
                      width=checked.width, height=checked.height,
                      has_thumbnail=checked.thumbnail is not None)


def store_uploads(files: Iterable, *, kind: FileKind, folder: str, field: str = "files",
                  max_count: int | None = None,
                  too_many: Callable[[int], str] | None = None) -> list[StoredFile]:
    """Check every real upload of ``files``, then store them all, or none: any refusal
    raises FieldErrors (422) with every problem under ``field``. ``max_count`` limits how
    many may come at once (``too_many(count)`` words the refusal)."""
    files = [f for f in files if has_upload(f)]
    if max_count is not None and len(files) > max_count:
        message = too_many(len(files)) if too_many else f"一次最多上传{max_count}个{kind.noun}"
        raise FieldErrors({field: [message]})
    errors = Errors()
    checked = check_uploads(files, kind=kind, field=field, errors=errors)
    errors.raise_if_any()
    return [write_upload(item, folder=folder) for item in checked]


def store_upload(file, *, kind: FileKind, folder: str, field: str = "file") -> StoredFile:
    """Check and store one upload, or raise FieldErrors (422) under ``field``."""
    if not has_upload(file):
        raise FieldErrors({field: [f"请选择要上传的{kind.noun}"]})
    return store_uploads([file], kind=kind, folder=folder, field=field)[0]


def remove_after_commit(record: UploadRecordMixin) -> None:
    """Delete the record's files once the current transaction commits (not if it rolls back:
    the row is still there and must keep its file). For hard deletes and replaced files; a
    soft-deleted record keeps its files so it can be restored."""
    path = folder_path(type(record).__upload_folder__)
    doomed = db.session.info.setdefault(_DOOMED_FILES, [])
    doomed += [path / record.stored_name, path / thumbnail_name(record.stored_name)]


def _write_file(path: Path, content: bytes) -> None:
    session = db.session()
    if not session.in_transaction():
        session.begin()  # so that its end (commit or not) is seen even before any SQL
    session.info.setdefault(_PENDING_FILES, []).append(path)
    with open(path, "xb") as handle:  # "x": never overwrite another file
        handle.write(content)


# --- serving ------------------------------------------------------------------------------

def send_stored(record: UploadRecordMixin, *, thumbnail: bool = False,
                as_attachment: bool | None = None, user=None):
    """The file of ``record``, which the caller loaded after its own access check (e.g.
    ``get_visible_or_404``). The record's visibility policy is checked again here, so a
    forgotten check answers 404, not the file. Images are shown inline, other files are
    downloaded; ``thumbnail`` falls back to the image for files stored without one."""
    from alliance.core.permissions import is_visible  # permissions imports nothing of ours

    if not is_visible(record, user, include_deleted=True):
        abort(404)
    folder = folder_path(type(record).__upload_folder__)
    name, mimetype = record.stored_name, record.content_type
    if thumbnail and (folder / thumbnail_name(name)).is_file():
        name, mimetype = thumbnail_name(name), THUMBNAIL_TYPE
    if as_attachment is None:
        as_attachment = not mimetype.startswith("image/")
    response = send_from_directory(folder, name, mimetype=mimetype, as_attachment=as_attachment,
                                   download_name=record.original_name)
    response.cache_control.private = True  # never kept by a shared proxy
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- files of uncommitted transactions ------------------------------------------------------
# The files of a submission are written before its rows are flushed; if the transaction then
# rolls back (a database error, a later file refused in the same request, a crash before the
# commit), the files must go too, or the uploads folder fills with orphans. Files of deleted
# records go only after the deletion committed.

_PENDING_FILES = "core.uploads.pending"
_DOOMED_FILES = "core.uploads.doomed"


@event.listens_for(Session, "after_commit")
def _after_commit(session) -> None:
    if session.in_nested_transaction():  # a savepoint's commit is not the real one
        return
    session.info.pop(_PENDING_FILES, None)
    for path in session.info.pop(_DOOMED_FILES, ()):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session, transaction) -> None:
    if transaction.parent is None:  # the outermost transaction ended without a commit
        for path in session.info.pop(_PENDING_FILES, ()):
            path.unlink(missing_ok=True)
        session.info.pop(_DOOMED_FILES, None)


__all__ = ["CheckedUpload", "DOCUMENTS", "FileFormat", "FileKind", "IMAGES", "StoredFile",
           "THUMBNAIL_SIZE", "UploadRecordMixin", "check_upload", "check_uploads",
           "clean_file_name", "folder_path", "format_size", "has_upload", "remove_after_commit",
           "send_stored", "store_upload", "store_uploads", "thumbnail_name",
           "write_upload"]

"""core.uploads: types by content, limits before decoding, metadata stripped, files that follow
the transaction, serving behind the visibility policy."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from flask_login import login_user
from PIL import Image, ImageFile
from werkzeug.exceptions import NotFound

from alliance.activities.models import ActivityPhoto
from alliance.core import uploads as up
from alliance.core.checks import Errors
from alliance.core.errors import FieldErrors
from tests.activities import PDF_BYTES, image_bytes, make_activity, upload

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@pytest.fixture(scope="session")
def bomb_png() -> bytes:
    """Issue 5 finding 2: a real, decodable 9,400 × 9,400 RGBA PNG of about 336 KB (it costs
    seconds and over a gigabyte to decode)."""
    side = 9400
    compressor = zlib.compressobj(9)
    row = b"\0" * (1 + side * 4)  # filter byte + transparent pixels
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", idat)
            + _png_chunk(b"IEND", b""))


@pytest.fixture
def decodes(monkeypatch) -> list:
    """Records every pixel decode Pillow starts."""
    calls: list = []
    original = ImageFile.ImageFile.load

    def load(self):
        calls.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return calls


def _jpeg_with_gps(size=(60, 40), orientation: int | None = None) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    if orientation:
        exif[ORIENTATION] = orientation
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (31.0, 12.0, 30.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", exif=exif, comment=b"secret")
    return out.getvalue()


def _office(main_part: str, *extra: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name in (main_part, *extra):
            archive.writestr(name, "<x/>")
    return out.getvalue()


def _check(app, content: bytes, name: str, kind=up.IMAGES):
    errors = Errors()
    with app.test_request_context():
        checked = up.check_upload(upload(content, name), kind=kind, field="files",
                                       errors=errors)
    return checked, errors.get("files", [])


# --- the big PNG of issue 5 ---------------------------------------------------------------

def test_the_bomb_png_is_refused_from_its_header_without_decoding(app, bomb_png, decodes):
    assert len(bomb_png) < 400_000
    checked, errors = _check(app, bomb_png, "big.png")
    assert checked is None
    assert errors == ["照片“big.png”的像素尺寸过大，请缩小后再上传"]
    assert decodes == []  # not a single pixel decoded


def test_nine_bomb_pngs_in_one_request_answer_422_at_once(world, api_as, db, uploads, bomb_png,
                                                          decodes):
    activity = make_activity(world.unit_a)
    api = api_as(world.liaison_a)
    response = api.post(f"/api/v1/activities/{activity.id}/photos", json=None,
                        content_type="multipart/form-data",
                        data={"photos": [(io.BytesIO(bomb_png), f"{i}.png") for i in range(9)]})
    assert response.status_code == 422
    assert len(response.get_json()["error"]["fields"]["photos"]) == 9
    assert decodes == []
    assert db.session.query(ActivityPhoto).count() == 0
    assert api.get("/api/v1/health").status_code == 200


def test_the_pixel_limit_is_well_below_pillows(app):
    assert app.config["UPLOAD_MAX_PIXELS"] <= Image.MAX_IMAGE_PIXELS // 2
    checked, errors = _check(app, image_bytes("PNG", (7000, 6000)), "a.png")  # 42 MP
    assert checked is None and "像素尺寸过大" in errors[0]


def test_the_decoded_bytes_cap_applies_too(app):
    app.config["UPLOAD_MAX_DECODED_BYTES"] = 4 * 100 * 100
    assert _check(app, image_bytes("PNG", (100, 100)), "ok.png")[0] is not None
    assert _check(app, image_bytes("PNG", (101, 100)), "big.png")[0] is None


def test_a_request_has_a_budget_of_decoded_pixels_across_calls(app):
    app.config["UPLOAD_MAX_PIXELS_PER_REQUEST"] = 3 * 100 * 100
    errors = Errors()
    with app.test_request_context():
        files = [upload(image_bytes("PNG", (100, 100)), f"{i}.png") for i in range(2)]
        first = up.check_uploads(files, kind=up.IMAGES, field="files", errors=errors)
        again = up.check_uploads(files, kind=up.IMAGES, field="files", errors=errors)
    assert len(first) == 2 and len(again) == 1
    assert errors["files"] == ["本次上传的图片总像素过多（“1.png”起未能处理），请分几次上传"]
    with app.test_request_context():  # a new request starts afresh
        assert up.check_uploads(files, kind=up.IMAGES, field="f", errors=Errors())


# --- metadata -----------------------------------------------------------------------------

def test_exif_gps_and_comments_are_stripped_and_the_photo_turned_upright(app):
    original = _jpeg_with_gps((60, 40), orientation=6)  # stored sideways: shown 40 × 60
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif().get_ifd(GPS_IFD)
    checked, errors = _check(app, original, "带定位.jpg")
    assert errors == []
    assert (checked.width, checked.height) == (40, 60)
    assert b"Exif" not in checked.content and b"secret" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as after:
        assert after.format == "JPEG" and after.size == (40, 60)
        assert dict(after.getexif()) == {} and "comment" not in after.info


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_metadata_is_stripped(app, fmt):
    exif = Image.Exif()
    exif.get_ifd(GPS_IFD)[1] = "N"
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    Image.new("RGBA", (30, 20), (1, 2, 3, 128)).save(out, fmt, exif=exif)
    assert b"PhoneMaker" in out.getvalue()
    checked, errors = _check(app, out.getvalue(), f"a.{fmt.lower()}")
    assert errors == [] and b"PhoneMaker" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as after:
        assert after.format == fmt and after.mode == "RGBA" and dict(after.getexif()) == {}


def test_served_activity_photos_carry_no_location(world, sign_in, uploads):
    activity = make_activity(world.unit_a, photos=[upload(_jpeg_with_gps(), "现场.jpg")])
    photo = activity.photos[0]
    served = sign_in(world.organizer).get(f"/activities/{activity.id}/photos/{photo.id}")
    assert served.status_code == 200 and served.data.startswith(b"\xff\xd8")
    assert b"Exif" not in served.data and b"PhoneMaker" not in served.data


# --- kinds of file ----------------------------------------------------------------------------

@pytest.mark.parametrize("content, name, content_type", [
    (PDF_BYTES, "通知.jpg", "application/pdf"),  # the bytes decide, not the name
    (_office("word/document.xml"), "纪要.docx", up.DOCX.content_type),
    (_office("xl/workbook.xml"), "台账.xlsx", up.XLSX.content_type),
    (image_bytes("PNG"), "签到.png", "image/png"),
])
def test_documents_accept_pdf_word_excel_and_images(app, content, name, content_type):
    checked, errors = _check(app, content, name, up.DOCUMENTS)
    assert errors == [] and checked.format.content_type == content_type


@pytest.mark.parametrize("content, name", [
    (_office("word/document.xml", "word/vbaProject.bin"), "宏.docx"),  # macros
    (_office("other/part.xml"), "a.docx"),
    (b"PK\x03\x04 broken zip", "b.xlsx"),
    (b"<html><script>alert(1)</script>", "c.pdf"),
    (image_bytes("GIF"), "d.gif"),
])
def test_documents_refuse_anything_else(app, content, name):
    checked, errors = _check(app, content, name, up.DOCUMENTS)
    assert checked is None
    assert errors == [up.DOCUMENTS.refusal.format(name=name)]


def test_images_refuse_documents(app):
    checked, errors = _check(app, PDF_BYTES, "x.pdf")
    assert checked is None and errors == ["文件“x.pdf”不是图片，请上传 JPG、PNG 或 WebP 格式的照片"]


def test_a_document_over_its_limit_is_refused(app):
    app.config["DOCUMENT_MAX_BYTES"] = 1024
    checked, errors = _check(app, PDF_BYTES + b"\0" * 2000, "大.pdf", up.DOCUMENTS)
    assert checked is None and errors == ["文件不能超过1KB（“大.pdf”超过了这个大小，请压缩后再上传）"]


def test_file_names_are_cleaned():
    assert up.clean_file_name("C:\\fakepath\\合影.jpg") == "合影.jpg"
    assert up.clean_file_name("../../etc/passwd") == "passwd"
    assert up.clean_file_name("a\x00b\nc.png") == "abc.png"
    assert up.clean_file_name("", "照片") == "照片"
    long_name = up.clean_file_name("长" * 300 + ".jpeg")
    assert len(long_name) == 200 and long_name.endswith(".jpeg")


# --- files follow the transaction ------------------------------------------------------------

def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_store_uploads_is_all_or_nothing(app, uploads):
    with app.test_request_context(), pytest.raises(FieldErrors) as caught:
        up.store_uploads([upload(image_bytes(), "a.jpg"), upload(b"text", "b.jpg")],
                                     kind=up.IMAGES, folder="things")
    assert list(caught.value.fields) == ["files"]
    assert _files(uploads / "things") == []


def test_files_of_a_rolled_back_transaction_are_removed(app, db, uploads):
    with app.test_request_context():
        stored = up.store_upload(upload(image_bytes(), "a.jpg"),
                                            kind=up.IMAGES, folder="things")
        assert _files(uploads / "things") == sorted(
            [stored.stored_name, up.thumbnail_name(stored.stored_name)])
        db.session.rollback()
    assert _files(uploads / "things") == []


def test_files_of_a_committed_transaction_stay(app, db, uploads):
    with app.test_request_context():
        up.store_upload(upload(PDF_BYTES, "a.pdf"), kind=up.DOCUMENTS,
                                   folder="things")
        db.session.commit()
        db.session.rollback()
    assert len(_files(uploads / "things")) == 1  # a PDF has no thumbnail


def test_removed_files_go_only_when_the_deletion_commits(world, db, uploads):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), "a.jpg")])
    photo = activity.photos[0]
    folder = uploads / "activities"
    up.remove_after_commit(photo)
    db.session.rollback()
    assert len(_files(folder)) == 2  # rolled back: the row is there, so is its file
    up.remove_after_commit(photo)
    db.session.commit()
    assert _files(folder) == []


# --- serving ------------------------------------------------------------------------------

def test_send_stored_refuses_a_record_the_user_may_not_see(world, app):
    activity = make_activity(world.unit_a, photos=[upload(image_bytes(), "a.jpg")])
    photo = activity.photos[0]
    with app.test_request_context():
        login_user(world.liaison_b)
        with pytest.raises(NotFound):
            up.send_stored(photo)
    with app.test_request_context():
        login_user(world.liaison_a)
        response = up.send_stored(photo)
        response.direct_passthrough = False
        assert response.status_code == 200 and response.mimetype == "image/jpeg"
        assert "attachment" not in response.headers["Content-Disposition"]
        assert "sandbox" in response.headers["Content-Security-Policy"]


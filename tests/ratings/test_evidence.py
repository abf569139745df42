"""Evidence files: type and size checks, scope, and nothing kept when refused."""
from __future__ import annotations

import io

from alliance.ratings.models import RatingEvidence
from tests.activities import image_bytes


def _upload(api, rating_id, content, name, item="D1-1"):
    return api.post(f"/api/v1/ratings/{rating_id}/evidence?item_code={item}", json=None,
                    content_type="multipart/form-data", data={"file": (io.BytesIO(content), name)})


def test_pdf_and_photo_are_accepted_and_downloadable_by_own_unit_only(world, api_as, ratings, db):
    rating = ratings.rating()
    api = api_as(world.liaison_a)
    response = _upload(api, rating.id, b"%PDF-1.4 meeting minutes", "三会一课记录.pdf")
    assert response.status_code == 201, response.get_json()
    files = response.get_json()["evidence"]
    assert files[0]["original_name"] == "三会一课记录.pdf" and files[0]["content_type"] == "application/pdf"
    assert _upload(api, rating.id, image_bytes(), "photo.jpg", item="D3-1").status_code == 201
    download = api.get(f"/api/v1/ratings/{rating.id}/evidence/{files[0]['id']}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert api_as(world.liaison_b).get(f"/api/v1/ratings/{rating.id}/evidence/{files[0]['id']}").status_code == 404


def test_wrong_type_too_large_and_other_unit_are_refused(world, api_as, ratings, db, app):
    rating = ratings.rating()
    api = api_as(world.liaison_a)
    wrong = _upload(api, rating.id, b"MZ\x90\x00 an executable", "tool.pdf")
    assert wrong.status_code == 422
    assert "格式不支持" in wrong.get_json()["error"]["fields"]["file"][0]
    app.config["DOCUMENT_MAX_BYTES"] = 100  # the shared uploads read the limit per call
    big = _upload(api, rating.id, b"%PDF-" + b"x" * 200, "big.pdf")
    assert big.status_code == 422 and "不能超过" in big.get_json()["error"]["fields"]["file"][0]
    assert _upload(api_as(world.liaison_b), rating.id, b"%PDF-1.4", "a.pdf").status_code == 404
    assert db.session.query(RatingEvidence).count() == 0

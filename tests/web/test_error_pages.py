"""Error pages in the app's style and language; the API keeps its JSON."""

import pytest

from fieldapp import create_app
from fieldapp.config import TestConfig
from tests.conftest import _config_dict


def test_404_is_a_page_in_vietnamese(client, org, login):
    login("crew")
    resp = client.get("/no/such/page")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 404 and "Không tìm thấy" in html and 'class="topbar"' in html


def test_404_follows_the_language(client, org, login):
    token = login("crew")
    client.post("/language", data={"lang": "en", "csrf_token": token})
    assert "Not found" in client.get("/no/such/page").get_data(as_text=True)


def test_403_is_a_page(client, org, login):
    login("crew")
    resp = client.get("/board")
    assert resp.status_code == 403 and "Không có quyền" in resp.get_data(as_text=True)


def test_api_paths_keep_json_errors(client, org, login):
    assert client.get("/api/v1/nothing-here").get_json() == {
        "errors": {"_request": ["Không tìm thấy."]}
    }
    login("crew")
    resp = client.get("/api/v1/tickets/999999")
    assert resp.status_code == 404 and resp.get_json()["errors"]


@pytest.fixture
def failing_app(tmp_path):
    config = {
        **_config_dict(TestConfig),
        "PROPAGATE_EXCEPTIONS": False,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'e.db'}",
    }
    app = create_app(config)

    @app.get("/boom")
    def boom():
        raise RuntimeError("broken on purpose")

    @app.get("/api/v1/boom")
    def api_boom():
        raise RuntimeError("broken on purpose")

    return app


def test_500_is_a_page_and_json_under_the_api(failing_app):
    client = failing_app.test_client()
    resp = client.get("/boom")
    assert resp.status_code == 500 and "Lỗi hệ thống" in resp.get_data(as_text=True)
    resp = client.get("/api/v1/boom")
    assert resp.status_code == 500 and "errors" in resp.get_json()

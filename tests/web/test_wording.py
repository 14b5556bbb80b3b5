"""The words of every page: one word for accepting, a Vietnamese menu, the corporation's name
for the product."""

import re


def test_accepting_is_tiep_nhan_on_the_list_and_the_ticket(client, login, ticket):
    t = ticket()
    login("crew")
    rows = client.get("/").get_data(as_text=True)
    page = client.get(f"/tickets/{t.id}").get_data(as_text=True)
    for html in (rows, page):
        assert re.search(r'<button type="submit" class="primary[^"]*">Tiếp nhận</button>', html)
        assert ">Nhận<" not in html


def test_the_menu_is_in_vietnamese(client, login, org):
    login("crew")
    html = client.get("/").get_data(as_text=True)
    assert "<summary>Danh mục</summary>" in html and "Menu" not in html


def test_the_header_names_the_product_as_the_corporation_does(app, client, login, org):
    login("crew")
    html = client.get("/").get_data(as_text=True)
    assert '<a class="brand" href="/">Phiếu công tác</a>' in html
    assert "fieldapp<" not in html and "· fieldapp" not in html
    app.config["FIELDAPP_BRAND"] = "CSKH Điện lực miền Trung"
    html = client.get("/").get_data(as_text=True)
    assert '<a class="brand" href="/">CSKH Điện lực miền Trung</a>' in html
    assert "<title>Việc của tôi · CSKH Điện lực miền Trung</title>" in html
    manifest = client.get("/manifest.webmanifest").get_json()
    assert manifest["short_name"] == "CSKH Điện lực miền Trung"

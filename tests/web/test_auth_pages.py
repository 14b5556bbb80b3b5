"""Signing in and out on the pages, the language switch, and CSRF on every form."""

import re


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_pages_ask_for_a_session(client, org):
    resp = client.get("/")
    assert resp.status_code == 302 and "/login" in resp.location


def test_login_page_is_vietnamese_by_default(client, org):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in html and "Đăng nhập" in html and "Mật khẩu" in html


def test_wrong_password_is_said_in_vietnamese(client, org):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"username": "crew", "password": "nope", "csrf_token": token})
    assert resp.status_code == 401
    html = resp.get_data(as_text=True)
    assert "Sai tên đăng nhập hoặc mật khẩu." in html and 'value="crew"' in html


def test_login_goes_back_to_a_local_page_only(client, org):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    form = {"username": "crew", "password": "pw", "csrf_token": token}
    resp = client.post("/login", data={**form, "next": "//evil.example/x"})
    assert resp.status_code == 303 and resp.location == "/"
    client.post("/logout", data={"csrf_token": csrf_of(client.get("/").get_data(as_text=True))})
    token = csrf_of(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={**form, "csrf_token": token, "next": "/desk?q=abc"})
    assert resp.location == "/desk?q=abc"


def test_a_session_lasts_a_working_shift(client, org):
    token = csrf_of(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"username": "crew", "password": "pw", "csrf_token": token})
    cookie = resp.headers["Set-Cookie"]
    assert "Expires=" in cookie and "HttpOnly" in cookie


def test_forms_without_a_csrf_token_are_refused(client, org, login):
    login("crew")
    resp = client.post("/logout")
    assert resp.status_code == 400
    assert "Phiên làm việc đã hết hạn" in resp.get_data(as_text=True)
    assert client.get("/").status_code == 200  # still signed in


def test_logout_ends_the_session(client, org, login):
    token = login("crew")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/").status_code == 302


def test_language_switch_changes_the_pages(client, org, login):
    token = login("crew")
    resp = client.post("/language", data={"lang": "en", "next": "/", "csrf_token": token})
    assert resp.status_code == 303 and resp.location == "/"
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "My work" in html and "Sign out" in html
    client.post("/language", data={"lang": "vi", "next": "/", "csrf_token": token})
    assert "Việc của tôi" in client.get("/").get_data(as_text=True)


def test_unknown_language_is_ignored(client, org, login):
    token = login("crew")
    client.post("/language", data={"lang": "fr", "csrf_token": token})
    assert '<html lang="vi">' in client.get("/").get_data(as_text=True)


def test_the_menu_follows_the_role(client, org, login):
    expected = {
        "crew": ({"/"}, {"/desk", "/board", "/reports/dashboard"}),
        "desk": ({"/", "/desk"}, {"/board"}),
        "lead": ({"/", "/desk", "/board", "/reports/dashboard"}, set()),
    }
    for user, (shown, hidden) in expected.items():
        login(user)
        html = client.get("/desk" if user == "desk" else "/").get_data(as_text=True)
        menu = html[html.index('class="menu-list"') : html.index("</nav>")]
        links = set(re.findall(r'<a href="([^"]+)"', menu))
        assert shown <= links and not hidden & links, user
        assert "/settings" in links and "Đăng xuất" in menu

"""The administrator's pages: accounts (create, disable, enable, reset a password, move) and
the audit of every change, reached from the menu."""

from flask.testing import FlaskClient
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import AdminAudit, User

NEW = {
    "username": "thu.nt",
    "name": "Nguyễn Thị Thu",
    "password": "mat-khau-1",
    "role": "desk",
    "team": "PC-DN-HC",
    "desk": "",
}


def audit() -> list[tuple[str, str, dict]]:
    db.session.rollback()
    rows = db.session.execute(select(AdminAudit).order_by(AdminAudit.id)).scalars()
    return [(r.action, r.user.username, r.changes) for r in rows]


def account(username: str) -> User:
    db.session.rollback()
    return db.session.execute(select(User).where(User.username == username)).scalar_one()


def test_the_menu_leads_to_every_admin_page(client, login, org):
    login("admin")
    html = client.get("/settings").get_data(as_text=True)
    for url in ("/admin/users", "/admin/audit", "/admin/callbacks"):
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200
    login("lead")
    html = client.get("/settings").get_data(as_text=True)
    assert "/admin/" not in html
    for url in ("/admin/users", "/admin/audit", "/admin/users/1"):
        assert client.get(url).status_code == 403


def test_an_account_is_created_disabled_reset_moved_and_every_change_is_audited(
    app, client, login, org
):
    token = login("admin")
    resp = client.post("/admin/users", data={**NEW, "csrf_token": token})
    thu = account("thu.nt")
    assert resp.status_code == 303 and resp.location == f"/admin/users/{thu.id}"
    assert thu.role == "desk" and thu.desk == "business" and thu.team.code == "PC-DN-HC"

    other = app.test_client()
    login("thu.nt", "mat-khau-1", c=other)
    assert other.get("/").status_code == 200

    client.post(f"/admin/users/{thu.id}/disable", data={"csrf_token": token})
    assert not account("thu.nt").active
    assert other.get("/").status_code == 302  # signed out at once
    client.post(f"/admin/users/{thu.id}/enable", data={"csrf_token": token})
    client.post(
        f"/admin/users/{thu.id}/password", data={"csrf_token": token, "password": "mat-khau-2"}
    )
    assert account("thu.nt").check_password("mat-khau-2")
    client.post(
        f"/admin/users/{thu.id}/move",
        data={"csrf_token": token, "team": "PC-DN-ST", "desk": "operations"},
    )
    thu = account("thu.nt")
    assert thu.team.code == "PC-DN-ST" and thu.desk == "operations"

    assert audit() == [
        (
            "created",
            "thu.nt",
            {"role": [None, "desk"], "team": [None, "PC-DN-HC"], "desk": [None, "business"]},
        ),
        ("disabled", "thu.nt", {"active": [True, False]}),
        ("enabled", "thu.nt", {"active": [False, True]}),
        ("password_reset", "thu.nt", {}),
        ("moved", "thu.nt", {"team": ["PC-DN-HC", "PC-DN-ST"], "desk": ["business", "operations"]}),
    ]
    page = client.get("/admin/audit").get_data(as_text=True)
    assert page.index("Chuyển đội / bộ phận") < page.index("Đặt lại mật khẩu")
    assert "Đội: Đội QLĐKV Hải Châu → Đội QLĐKV Sơn Trà" in page
    assert "Bộ phận: Bộ phận kinh doanh → Bộ phận trực vận hành" in page
    assert "bởi Quản trị" in page and "mat-khau" not in page


def test_bad_input_is_named_and_nothing_changes(client, login, org):
    token = login("admin")
    form = {**NEW, "username": "an", "password": "short", "team": "", "csrf_token": token}
    form["username"] = "crew"  # taken
    resp = client.post("/admin/users", data=form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422 and audit() == []
    for sentence in (
        "Tên đăng nhập này đã có người dùng.",
        "Mật khẩu cần ít nhất 8 ký tự.",
        "Vai trò này cần một đội.",
    ):
        assert sentence in html
    admin = account("admin")
    resp = client.post(f"/admin/users/{admin.id}/disable", data={"csrf_token": token})
    assert resp.status_code == 422 and account("admin").active
    crew = account("crew")
    resp = client.post(
        f"/admin/users/{crew.id}/move", data={"csrf_token": token, "team": "NO-SUCH", "desk": ""}
    )
    assert resp.status_code == 422 and account("crew").team.code == "PC-DN-HC"
    assert (
        client.post(f"/admin/users/{crew.id}/delete", data={"csrf_token": token}).status_code == 404
    )
    assert audit() == []


def test_changes_need_the_csrf_token(client: FlaskClient, login, org):
    login("admin")
    crew = account("crew")
    assert client.post(f"/admin/users/{crew.id}/disable").status_code == 400
    assert account("crew").active

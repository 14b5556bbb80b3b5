"""`flask org load`: creates or updates the organisation; loading twice changes nothing."""

import copy
import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from fieldapp.extensions import db
from fieldapp.models import Company, Team, User
from fieldapp.services.org import OrgFileError, load_org

DEMO = Path(__file__).resolve().parents[1] / "fieldapp" / "demo" / "org.json"

SMALL = {
    "companies": [
        {
            "code": "PC-DN",
            "name": "Công ty Điện lực Đà Nẵng",
            "teams": [
                {"code": "PC-DN-HC", "name": "Đội QLĐKV Hải Châu"},
                {"code": "PC-DN-ST", "name": "Đội QLĐKV Sơn Trà"},
            ],
        }
    ],
    "users": [
        {
            "username": "an.nv",
            "name": "Nguyễn Văn An",
            "password": "secret-1",
            "role": "crew",
            "team": "PC-DN-HC",
            "desk": "operations",
        },
        {
            "username": "binh.tt",
            "name": "Trần Thị Bình",
            "password": "secret-2",
            "role": "desk",
            "team": "PC-DN-HC",
        },
        {
            "username": "dung.pv",
            "name": "Phạm Văn Dũng",
            "password": "secret-3",
            "role": "team_lead",
            "team": "PC-DN-HC",
        },
        {
            "username": "huong.tt",
            "name": "Trịnh Thị Hương",
            "password": "secret-4",
            "role": "company",
            "company": "PC-DN",
        },
        {"username": "admin", "name": "Quản trị", "password": "secret-5", "role": "admin"},
    ],
}


def changed(counts: dict) -> int:
    return sum(t["created"] + t["updated"] for t in counts.values())


def user(username: str) -> User:
    return db.session.scalars(select(User).filter_by(username=username)).one()


def test_the_demo_file_loads_and_loading_it_again_changes_nothing(app, runner):
    first = runner.invoke(args=["org", "load", str(DEMO)])
    assert first.exit_code == 0, first.output
    assert "companies: 2 created" in first.output
    assert "teams: 4 created" in first.output
    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    hashes = dict(db.session.execute(select(User.username, User.password_hash)).all())
    assert len(hashes) == len(demo["users"])

    again = runner.invoke(args=["org", "load", str(DEMO)])
    assert again.exit_code == 0, again.output
    assert again.output.count("0 created, 0 updated") == 3
    db.session.expire_all()
    assert dict(db.session.execute(select(User.username, User.password_hash)).all()) == hashes


def test_every_role_is_placed_as_the_contract_says(app):
    counts = load_org(copy.deepcopy(SMALL))
    assert counts["users"] == {"created": 5, "updated": 0, "unchanged": 0}
    crew, desk, lead, company, admin = (user(u["username"]) for u in SMALL["users"])
    assert (crew.role, crew.team.code, crew.desk, crew.company) == (
        "crew",
        "PC-DN-HC",
        "operations",
        None,
    )
    assert desk.desk == "business"  # the default desk of a counter clerk
    assert (lead.team.code, lead.desk) == ("PC-DN-HC", None)
    assert (company.company.code, company.team) == ("PC-DN", None)
    assert (admin.team, admin.company, admin.desk) == (None, None, None)
    assert crew.check_password("secret-1")


def test_a_second_load_changes_nothing(app):
    load_org(copy.deepcopy(SMALL))
    counts = load_org(copy.deepcopy(SMALL))
    assert changed(counts) == 0
    assert counts["users"]["unchanged"] == 5


def test_changes_are_applied_and_counted(app):
    load_org(copy.deepcopy(SMALL))
    data = copy.deepcopy(SMALL)
    data["companies"][0]["teams"][1]["name"] = "Đội QLĐKV Sơn Trà - Ngũ Hành Sơn"
    data["users"][0]["name"] = "Nguyễn Văn Ân"
    data["users"][1]["password"] = "new-secret"
    data["users"][2]["team"] = "PC-DN-ST"
    counts = load_org(data)
    assert counts["companies"] == {"created": 0, "updated": 0, "unchanged": 1}
    assert counts["teams"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert counts["users"] == {"created": 0, "updated": 3, "unchanged": 2}
    assert user("an.nv").name == "Nguyễn Văn Ân"
    assert user("binh.tt").check_password("new-secret")
    assert user("dung.pv").team.code == "PC-DN-ST"


def test_a_team_moves_to_another_company(app):
    load_org(copy.deepcopy(SMALL))
    data = copy.deepcopy(SMALL)
    moved = data["companies"][0]["teams"].pop()
    data["companies"].append(
        {"code": "PC-QN", "name": "Công ty Điện lực Quảng Nam", "teams": [moved]}
    )
    counts = load_org(data)
    assert counts["companies"]["created"] == 1 and counts["teams"]["updated"] == 1
    team = db.session.scalars(select(Team).filter_by(code="PC-DN-ST")).one()
    assert team.company.code == "PC-QN"


def test_users_may_name_teams_already_stored(app):
    load_org(copy.deepcopy(SMALL))
    later = {
        "companies": [],
        "users": [
            {
                "username": "cuong.lv",
                "name": "Lê Văn Cường",
                "password": "secret-6",
                "role": "crew",
                "team": "PC-DN-ST",
            }
        ],
    }
    assert load_org(later)["users"]["created"] == 1


@pytest.mark.parametrize(
    "change, expected",
    [
        ({"role": "boss"}, "users[0].role (an.nv): Must be one of"),
        ({"team": "PC-XX-01"}, "users[0].team (an.nv): unknown team 'PC-XX-01'"),
        (
            {"role": "company", "team": None, "desk": None, "company": "PC-ZZ"},
            "users[0].company (an.nv): unknown company 'PC-ZZ'",
        ),
        ({"role": "admin"}, "users[0].team (an.nv): A user with role 'admin' names no team"),
        ({"team": None}, "users[0].team (an.nv): A user with role 'crew' names a team"),
        ({"desk": "kitchen"}, "users[0].desk (an.nv): Must be one of: operations, business"),
        ({"password": "short"}, "users[0].password (an.nv): Length must be between 8"),
        ({"nickname": "An"}, "users[0].nickname (an.nv): Unknown field"),
    ],
)
def test_bad_entries_are_named_and_nothing_is_stored(app, runner, tmp_path, change, expected):
    data = copy.deepcopy(SMALL)
    data["users"][0].update(change)
    with pytest.raises(OrgFileError) as err:
        load_org(copy.deepcopy(data))
    assert expected in str(err.value)

    path = tmp_path / "org.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(args=["org", "load", str(path)])
    assert result.exit_code != 0
    assert expected in result.output
    assert db.session.scalar(select(func.count()).select_from(Company)) == 0


def test_duplicates_and_broken_json_are_reported(app, runner, tmp_path):
    data = copy.deepcopy(SMALL)
    data["users"].append(dict(data["users"][0]))
    with pytest.raises(OrgFileError, match=r"users\[\]\.username \(an\.nv\): listed more"):
        load_org(data)
    path = tmp_path / "broken.json"
    path.write_text('{"companies": [', encoding="utf-8")
    result = runner.invoke(args=["org", "load", str(path)])
    assert result.exit_code != 0 and "is not valid JSON" in result.output

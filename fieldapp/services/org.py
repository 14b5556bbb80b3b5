"""Loading the organisation (companies, teams, users) from the JSON file of CONTRACT "Running it".

Loading is idempotent: an entry equal to what is stored changes nothing, and a password is
rehashed only when it no longer matches.
"""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import select

from fieldapp.extensions import db
from fieldapp.models import DESKS, ROLES, Company, Team, User
from fieldapp.services.transactions import begin_write

TEAM_ROLES = ("crew", "desk", "team_lead")
DEFAULT_DESK = {"crew": "operations", "desk": "business"}

_code = validate.Regexp(r"^[A-Za-z0-9_-]{1,32}$", error="Use letters, digits, - and _ only.")


class OrgFileError(ValueError):
    """The file names bad entries; `problems` holds one line per problem."""

    def __init__(self, problems: list[str]):
        super().__init__("\n  ".join(["the organisation file has errors:", *problems]))
        self.problems = problems


class TeamSchema(Schema):
    code = fields.String(required=True, validate=_code)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class CompanySchema(Schema):
    code = fields.String(required=True, validate=_code)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    teams = fields.List(fields.Nested(TeamSchema), load_default=list)


class UserSchema(Schema):
    username = fields.String(
        required=True,
        validate=validate.Regexp(
            r"^[a-z0-9._-]{2,80}$", error="Use 2-80 of a-z, 0-9, '.', '-', '_'."
        ),
    )
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    password = fields.String(required=True, validate=validate.Length(min=8, max=128))
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    team = fields.String(load_default=None, allow_none=True)
    company = fields.String(load_default=None, allow_none=True)
    desk = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(DESKS))

    @validates_schema
    def _placement(self, data, **_):
        """Team roles name a team, company users a company, an admin neither."""
        role = data.get("role")
        wants = {"team": role in TEAM_ROLES, "company": role == "company"}
        errors = {}
        for field, needed in wants.items():
            if needed and not data.get(field):
                errors[field] = [f"A user with role {role!r} names a {field}."]
            elif data.get(field) and not needed:
                errors[field] = [f"A user with role {role!r} names no {field}."]
        if data.get("desk") and role not in DEFAULT_DESK:
            errors["desk"] = [f"A user with role {role!r} has no desk."]
        if errors:
            raise ValidationError(errors)


class OrgFileSchema(Schema):
    companies = fields.List(fields.Nested(CompanySchema), required=True)
    users = fields.List(fields.Nested(UserSchema), load_default=list)


def load_org(data: dict) -> dict[str, dict[str, int]]:
    """Create or update what the file describes; per kind, the created/updated/unchanged count."""
    org = _validated(data)
    begin_write()
    counts = {
        kind: {"created": 0, "updated": 0, "unchanged": 0}
        for kind in ("companies", "teams", "users")
    }
    companies = {c.code: c for c in db.session.scalars(select(Company))}
    teams = {t.code: t for t in db.session.scalars(select(Team))}
    users = {u.username: u for u in db.session.scalars(select(User))}
    for entry in org["companies"]:
        company = _upsert(
            Company, companies, entry["code"], {"name": entry["name"]}, counts["companies"]
        )
        for team in entry["teams"]:
            _upsert(
                Team,
                teams,
                team["code"],
                {"name": team["name"], "company": company},
                counts["teams"],
            )
    for entry in org["users"]:
        _upsert_user(users, entry, teams, companies, counts["users"])
    db.session.commit()
    return counts


def _validated(data: dict) -> dict:
    """The file's content once it is well-formed and every team and company it names exists."""
    try:
        org = OrgFileSchema().load(data)
    except ValidationError as err:
        raise OrgFileError(list(_problems(err.messages, data))) from None
    problems = list(_cross_check(org))
    if problems:
        raise OrgFileError(problems)
    return org


def _cross_check(org: dict):
    """Codes and usernames listed twice; teams and companies neither the file nor the DB has."""
    teams = [t["code"] for c in org["companies"] for t in c["teams"]]
    companies = [c["code"] for c in org["companies"]]
    yield from _listed_twice("companies[].code", companies)
    yield from _listed_twice("companies[].teams[].code", teams)
    yield from _listed_twice("users[].username", [u["username"] for u in org["users"]])
    known = {
        "team": set(teams) | set(db.session.scalars(select(Team.code))),
        "company": set(companies) | set(db.session.scalars(select(Company.code))),
    }
    for index, user in enumerate(org["users"]):
        for field, codes in known.items():
            code = user[field]
            if code and code not in codes:
                yield f"users[{index}].{field} ({user['username']}): unknown {field} {code!r}."


def _listed_twice(path: str, values: list[str]):
    """A problem line per value that appears more than once."""
    seen = set()
    for value in values:
        if value in seen:
            yield f"{path} ({value}): listed more than once."
        seen.add(value)


def _problems(messages, data, path: str = "", label: str = ""):
    """Marshmallow's nested messages as lines like `users[3].role (an.nv): Must be one of...`."""
    if isinstance(messages, list):
        yield f"{path}{f' ({label})' if label else ''}: {' '.join(map(str, messages))}"
        return
    for key, sub in messages.items():
        if isinstance(key, int):
            item = data[key] if isinstance(data, list) and key < len(data) else None
            named = (item.get("username") or item.get("code")) if isinstance(item, dict) else None
            yield from _problems(sub, item, f"{path}[{key}]", named or label)
        else:
            item = data.get(key) if isinstance(data, dict) else None
            yield from _problems(sub, item, f"{path}.{key}" if path else key, label)


def _upsert(model, known: dict, code: str, values: dict, tally: dict):
    """The row with this code, created or brought up to date."""
    row = known.get(code)
    if row is None:
        row = known[code] = model(code=code, **values)
        db.session.add(row)
        tally["created"] += 1
    else:
        tally["updated" if _assign(row, values) else "unchanged"] += 1
    return row


def _upsert_user(users: dict, entry: dict, teams: dict, companies: dict, tally: dict) -> None:
    """Create or update one user; the password is rehashed only when it changed."""
    role = entry["role"]
    values = {
        "name": entry["name"],
        "role": role,
        "desk": (entry["desk"] or DEFAULT_DESK[role]) if role in DEFAULT_DESK else None,
        "team": teams[entry["team"]] if entry["team"] else None,
        "company": companies[entry["company"]] if entry["company"] else None,
    }
    user = users.get(entry["username"])
    if user is None:
        user = users[entry["username"]] = User(username=entry["username"], **values)
        user.set_password(entry["password"])
        db.session.add(user)
        tally["created"] += 1
        return
    changed = _assign(user, values)
    if not user.check_password(entry["password"]):
        user.set_password(entry["password"])
        changed = True
    tally["updated" if changed else "unchanged"] += 1


def _assign(row, values: dict) -> bool:
    """Set the attributes that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed

"""No English on a Vietnamese page: every page each role can reach from its start page (links
followed, as a user would tap them) is read, its visible text and the texts its scripts show
(data-msg-*, labels, placeholders), and none may hold a word of the English catalogue.

The English words are those of the catalogue's translations that no Vietnamese text uses
(so "Zalo", "SMS", "CMIS" or a name pass); codes, names and numbers never are such words."""

import re
import uuid
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from babel.messages.pofile import read_po

import fieldapp
from fieldapp.models import utcnow
from fieldapp.services.tickets import OpRequest, apply_batch
from tests.api.helpers import declare_incident

CATALOGUE = Path(fieldapp.__file__).parent / "translations/en/LC_MESSAGES/messages.po"
ROLES = ("crew", "desk", "lead", "company", "admin")
MAX_PAGES = 80
PER_PATH = 3  # the same page for other days or teams reads the same words
SKIP = re.compile(r"\.(xlsx|csv|png|jpg|json|js|css|webmanifest)$|^/(static|attachments)/")
TEXT_ATTRIBUTES = ("placeholder", "aria-label", "title", "alt", "value")
SILENT = {"script", "style"}
WORD = re.compile(r"[^\W\d_]{3,}")


def english_words() -> set[str]:
    """Words of the English translations that appear in no Vietnamese msgid."""
    with open(CATALOGUE, "rb") as po:
        messages = [m for m in read_po(po) if m.id and m.string]
    vietnamese = {w.lower() for m in messages for w in WORD.findall(_one(m.id))}
    english = {
        w.lower() for m in messages if m.string != m.id for w in WORD.findall(_one(m.string))
    }
    return {w for w in english - vietnamese if w.isascii()}


def _one(text) -> str:
    return text if isinstance(text, str) else " ".join(text)


class PageText(HTMLParser):
    """A page's texts people read, its links, and nothing marked as another language."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.links, self._stack = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        foreign = attrs.get("lang", "vi").startswith("en")
        void = tag in ("input", "meta", "link", "img", "br", "hr", "source")
        if not void:
            self._stack.append((tag, foreign))
        if self._quiet() or foreign:
            return
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        skip_value = tag != "input" or attrs.get("type") not in ("submit", "button")
        for name, value in attrs.items():
            shown = name in TEXT_ATTRIBUTES and not (name == "value" and skip_value)
            if value and (shown or name.startswith(("data-msg-", "data-label"))):
                self.texts.append(value)

    def handle_endtag(self, tag):
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if not self._quiet() and data.strip():
            self.texts.append(data)

    def _quiet(self) -> bool:
        return any(tag in SILENT or foreign for tag, foreign in self._stack)


def walk(client, start: list[str]) -> dict[str, str]:
    """Every page reachable by links from the start pages: {url: its readable text}."""
    seen, queue, pages, per_path = set(), list(start), {}, Counter()
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen or SKIP.search(path) or urlsplit(url).netloc or per_path[path] >= PER_PATH:
            continue
        seen.add(url)
        per_path[path] += 1
        resp = client.get(url)
        if resp.status_code != 200 or not resp.mimetype == "text/html":
            continue
        parser = PageText()
        parser.feed(resp.get_data(as_text=True))
        pages[url] = " ".join(parser.texts)
        queue += [
            urljoin(url, link)
            for link in parser.links
            if not link.startswith(("#", "tel:", "mailto:", "http"))
        ]
    return pages


def world(org, ticket, client, login):
    """Tickets at every stage, a walk-in, an incident and an admin's change to an account."""
    users = org["users"]
    ticket(type="NEW_SUPPLY_LV", customer={"name": "Phạm Thị Hoa"})
    worked = ticket(customer={"name": "Võ Văn Tám", "birth_year": 1950})
    ticket(type="COMPLAINT", content="Khách hàng bức xúc vì mất điện nhiều lần")
    ticket(type="RECONNECT")
    now = utcnow()
    ops = [
        OpRequest(uuid.uuid4().hex, worked.id, "accept", now, {}),
        OpRequest(uuid.uuid4().hex, worked.id, "update", now, {"note": "Đang đến"}),
    ]
    assert {r.status for r in apply_batch(ops, users["crew"]).results} == {"applied"}
    declare_incident(users["crew"])
    token = login("desk")
    client.post(
        "/desk/tickets",
        data={
            "type": "CONTRACT_OWNER",
            "customer_name": "Lê Thị Mai",
            "customer_phone": "0905777888",
            "content": "Sang tên hợp đồng",
            "csrf_token": token,
        },
    )
    token = login("admin")
    client.post(f"/admin/users/{users['crew2'].id}/disable", data={"csrf_token": token})


def english_in(text: str, english: set[str], names: set[str]) -> list[str]:
    """The English words of a text; codes (all capitals: CPC-TEST-1) and names are not."""
    return sorted(
        {
            w
            for w in WORD.findall(text)
            if w.lower() in english and not w.isupper() and w.lower() not in names
        }
    )


def test_no_page_of_any_role_shows_english(app, client, login, org, ticket):
    world(org, ticket, client, login)
    english = english_words()
    assert {"the", "ticket", "accept"} <= english
    names = set(org["users"])  # the test's usernames (crew, desk, lead, admin...)
    found = {}
    for role in ROLES:
        visitor = app.test_client()
        login(role, c=visitor)
        start = [
            "/",
            "/settings",
            "/incidents",
            "/desk",
            "/board",
            "/reports/dashboard",
            "/reports/monthly",
            "/reports/adjusted",
            "/admin/users",
            "/admin/audit",
            "/admin/callbacks",
        ]
        pages = walk(visitor, start)
        assert len(pages) >= 5, (role, list(pages))

        for url, text in pages.items():
            if words := english_in(text, english, names):
                found[f"{role} {url}"] = words
    signed_out = walk(app.test_client(), ["/login", "/offline"])
    for url, text in signed_out.items():
        if words := english_in(text, english, names):
            found[f"signed out {url}"] = words
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in sorted(found.items()))

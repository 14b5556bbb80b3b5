"""Reading numbers off the report pages: every element marked with data-* attributes."""

from html.parser import HTMLParser

VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
    "line",
    "rect",
    "polyline",
    "circle",
    "path",
}


class _Marked(HTMLParser):
    """Collects (data-* of the element and its ancestors, text, links) per marked element."""

    def __init__(self):
        super().__init__()
        self.stack: list[dict] = []
        self.found: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        inherited = dict(self.stack[-1]["data"]) if self.stack else {}
        own = {k[5:]: v for k, v in attrs.items() if k.startswith("data-")}
        entry = {"data": {**inherited, **own}, "text": [], "links": [], "marked": bool(own)}
        for open_entry in self.stack:
            if tag == "a" and attrs.get("href"):
                open_entry["links"].append(attrs["href"])
        if tag not in VOID:
            self.stack.append(entry)

    def handle_endtag(self, tag):
        if tag in VOID or not self.stack:
            return
        entry = self.stack.pop()
        if entry["marked"]:
            self.found.append(
                {
                    "data": entry["data"],
                    "text": "".join(entry["text"]).strip(),
                    "links": entry["links"],
                }
            )

    def handle_data(self, data):
        for entry in self.stack:
            entry["text"].append(data)


def marked(html: str) -> list[dict]:
    """Every element with a data-* attribute: {"data", "text", "links"} (inner links)."""
    parser = _Marked()
    parser.feed(html)
    return parser.found


def number(text: str) -> int | None:
    """A Vietnamese-formatted count (1.234) as an int; "—" (not recorded) as None."""
    text = text.strip()
    return None if text == "—" else int(text.replace(".", ""))


def check_number_links(client, cells: list[dict]) -> int:
    """Each count links to a ticket list of exactly that many tickets, and a zero links
    nowhere; how many links were followed."""
    followed = 0
    for cell in cells:
        value = number(cell["text"])
        assert bool(cell["links"]) == bool(value), cell
        if value:
            page = client.get(cell["links"][0].replace("&amp;", "&"))
            assert page.status_code == 200
            assert page.get_data(as_text=True).count('class="rp-ticket"') == value, cell
            followed += 1
    return followed

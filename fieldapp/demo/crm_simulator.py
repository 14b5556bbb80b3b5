"""A stand-in for the call center's CRM: realistic tickets, signed and pushed as CONTRACT says.

Generation is deterministic for a seed, so tests can check what it builds. Every round of the
type rotation covers every ticket type; some customers are elderly, important or difficult,
some tickets repeat an earlier one, and some arrive already past a deadline. Each street of a
team's area is fed by a station and a feeder of its own, which the customer block names; a
scenario (demo/storm.py) can add calls of its own to the run's timeline.
"""

import heapq
import itertools
import json
import random
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from fieldapp.rules.catalog import CHANNELS, TYPES
from fieldapp.rules.customers import ELDERLY_MEN, ELDERLY_WOMEN
from fieldapp.services.signing import signed_headers

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")
INTAKE_PATH = "/api/v1/crm/tickets"

CONTENT = {
    "OUTAGE": [
        "Mất điện cả nhà từ khoảng 20 phút trước, nhà hàng xóm vẫn có điện.",
        "Mất điện cả xóm, nghe tiếng nổ lớn ở trạm biến áp đầu kiệt.",
        "Nhà mất điện một pha, tủ lạnh và máy bơm không chạy.",
    ],
    "RECONNECT": [
        "Khách hàng đã thanh toán tiền điện nợ qua ví điện tử, đề nghị đóng điện lại.",
        "Đã nộp đủ tiền điện tại quầy thu, yêu cầu cấp điện trở lại.",
    ],
    "POWER_QUALITY": [
        "Điện chập chờn, đèn nhấp nháy liên tục vào buổi tối.",
        "Điện áp thấp giờ cao điểm, máy lạnh không khởi động được.",
    ],
    "SAFETY": [
        "Dây điện võng thấp chạm ngọn cây trước nhà, có tia lửa khi gió mạnh.",
        "Cột điện bị nghiêng sau mưa lớn, có nguy cơ ngã ra đường.",
        "Tủ điện hạ thế hở cửa, trẻ em hay chơi gần.",
    ],
    "NEW_SUPPLY_LV": [
        "Khách hàng yêu cầu lắp công tơ mới cho nhà mới xây.",
        "Đề nghị cấp điện sinh hoạt cho căn hộ cho thuê.",
    ],
    "NEW_SUPPLY_LV_WORKS": [
        "Cấp điện mới cho nhà trong kiệt sâu, cần dựng thêm cột.",
        "Cấp điện cho xưởng mộc nhỏ, cần kéo cáp ngầm qua đường.",
    ],
    "NEW_SUPPLY_MV": [
        "Doanh nghiệp đề nghị cấp điện trung áp cho trạm biến áp 560 kVA.",
        "Khách sạn đề nghị đấu nối trạm biến áp riêng cấp 22 kV.",
    ],
    "CONTRACT_CAPACITY": ["Đề nghị nâng công suất, chuyển sang công tơ 3 pha để lắp máy lạnh."],
    "CONTRACT_OWNER": ["Đề nghị sang tên hợp đồng mua bán điện do đã mua lại nhà."],
    "CONTRACT_PURPOSE": ["Chuyển mục đích sử dụng điện từ sinh hoạt sang kinh doanh quán cà phê."],
    "CONTRACT_RENEWAL": ["Đề nghị gia hạn hợp đồng mua bán điện sắp hết hạn."],
    "CONTRACT_TERMINATION": ["Đề nghị thanh lý hợp đồng do phá dỡ nhà để xây mới."],
    "METER_RELOCATION": ["Đề nghị di dời công tơ ra trước cổng để tiện ghi chỉ số."],
    "CONTRACT_OTHER": ["Đề nghị cập nhật số điện thoại và email nhận thông báo tiền điện."],
    "METER_CHECK": ["Tiền điện tháng này tăng gấp đôi, nghi công tơ chạy nhanh, đề nghị kiểm tra."],
    "METER_CALIBRATION": ["Đề nghị kiểm định lại công tơ, chịu chi phí nếu công tơ đạt."],
    "COMPLAINT": [
        "Phản ánh nhân viên ghi chỉ số công tơ không đúng ngày.",
        "Phản ánh thái độ nhân viên tại quầy giao dịch.",
        "Kiến nghị thông báo lịch tạm ngừng cấp điện sớm hơn.",
    ],
    "MEDIA_COMPLAINT": [
        "Bài đăng trên Facebook phản ánh khu phố mất điện nhiều lần trong tuần.",
        "Báo địa phương phản ánh cột điện nghiêng chưa được xử lý.",
    ],
    "OTHER": [
        "Đề nghị nhập chung hóa đơn tiền điện của hai công tơ.",
        "Hỏi thủ tục di dời trụ điện trước nhà.",
    ],
}
# One round of the rotation: every type once, plus the ones a team sees most.
ROUND = [*CONTENT, "OUTAGE", "OUTAGE", "OUTAGE", "RECONNECT", "SAFETY", "COMPLAINT"]
CHANNEL_WEIGHTS = {
    "phone": 55,
    "zalo": 10,
    "app": 10,
    "website": 8,
    "email": 5,
    "portal": 4,
    "sms": 4,
    "other": 4,
}

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = {
    "M": ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Công"],
    "F": ["Thị", "Thị Thu", "Thị Kim", "Ngọc", "Thị Minh"],
}
GIVEN = {
    "M": [
        "An",
        "Bảo",
        "Cường",
        "Dũng",
        "Hải",
        "Hùng",
        "Khánh",
        "Long",
        "Nam",
        "Phúc",
        "Quân",
        "Sơn",
        "Tâm",
        "Thắng",
        "Vinh",
    ],
    "F": [
        "Anh",
        "Bình",
        "Cúc",
        "Dung",
        "Hà",
        "Hạnh",
        "Hoa",
        "Lan",
        "Linh",
        "Mai",
        "Nga",
        "Oanh",
        "Phượng",
        "Thảo",
        "Yến",
    ],
}
IMPORTANT = [
    "Bệnh viện Đa khoa khu vực",
    "Trường THPT Phan Châu Trinh",
    "Trạm cấp nước sạch",
    "UBND phường",
    "Đài khí tượng thủy văn",
    "Trung tâm y tế",
]
STREETS = {
    "PC-DN-HC": (
        "Hải Châu, Đà Nẵng",
        ["Lê Lợi", "Trần Phú", "Bạch Đằng", "Hùng Vương", "Nguyễn Văn Linh", "Lê Duẩn"],
    ),
    "PC-DN-ST": (
        "Sơn Trà, Đà Nẵng",
        ["Ngô Quyền", "Võ Nguyên Giáp", "Phạm Văn Đồng", "Lê Văn Duyệt", "Hoàng Sa"],
    ),
    "PC-QN-HA": (
        "Hội An, Quảng Nam",
        ["Trần Hưng Đạo", "Nguyễn Duy Hiệu", "Cửa Đại", "Hai Bà Trưng", "Lý Thường Kiệt"],
    ),
    "PC-QN-TK": (
        "Tam Kỳ, Quảng Nam",
        ["Phan Chu Trinh", "Hùng Vương", "Trần Cao Vân", "Nguyễn Hoàng", "Huỳnh Thúc Kháng"],
    ),
}
OTHER_STREETS = ("", ["Quang Trung", "Lê Lợi", "Nguyễn Trãi", "Trần Phú"])
CUSTOMER_PREFIX = {"PC-DN": "PC03", "PC-QN": "PC05"}

REPEAT_SHARE = 0.12
LATE_SHARE = 0.15
ELDERLY_SHARE = 0.2


def build_ticket(
    rng: random.Random, now: datetime, teams: list[str], seq: int, earlier: dict | None = None
) -> dict:
    """The CRM body of ticket number `seq`; a repeat of `earlier` when given."""
    if earlier is not None:
        return _repeat(earlier, now, seq)
    type_code = _rotation(seq)
    team = rng.choice(teams)
    return {
        "crm_id": crm_id(now, seq),
        "type": type_code,
        "received_at": iso(_received_at(rng, now, type_code)),
        "team": team,
        "channel": _channel(rng, type_code),
        "content": rng.choice(CONTENT[type_code]),
        "customer": customer(rng, now, team),
        "repeat_of": None,
        "contact_count": 1,
    }


def crm_id(now: datetime, seq: int) -> str:
    """The CRM's ticket id, e.g. CPC-2027-000123."""
    return f"CPC-{now.astimezone(LOCAL).year}-{seq:06d}"


def signed_request(body: bytes, secret: str, now: datetime) -> dict[str, str]:
    """The headers that sign a body sent at `now` (CONTRACT: X-CRM-Timestamp, X-CRM-Signature)."""
    return signed_headers(secret, int(now.timestamp()), body)


def ticket_stream(
    seed: int, teams: list[str], first_seq: int = 1, clock: Callable[[], datetime] | None = None
) -> Iterator[dict]:
    """Endless tickets; now and then a repeat of one of the recent ones."""
    rng = random.Random(seed)
    clock = clock or (lambda: datetime.now(LOCAL))
    history: list[dict] = []
    for seq in range(first_seq, 10**9):
        earlier = None
        if history and rng.random() < REPEAT_SHARE:
            earlier = rng.choice(history[-30:])
        ticket = build_ticket(rng, clock(), teams, seq, earlier)
        history.append(ticket)
        yield ticket


# (seconds into the run, the stream the next ticket then comes from)
Timeline = Iterable[tuple[float, Iterator[dict]]]


def simulate(
    url: str,
    secret: str,
    teams: list[str],
    *,
    interval: float = 20.0,
    count: int | None = None,
    burst: int = 15,
    seed: int | None = None,
    echo: Callable[[str], None] = print,
    sleep: Callable[[float], None] = time.sleep,
    first_seq: int | None = None,
    extra: Timeline = (),
) -> int:
    """Push tickets to the app until `count` are sent (forever when None): a burst, then one
    every `interval` seconds, and the `extra` calls of a scenario at their own times; how
    many were sent."""
    seed = int(time.time()) if seed is None else seed
    # Another run's ids would be taken as duplicates: start where the clock says.
    first_seq = first_seq or int(time.time()) // 10 % 900_000 + 1
    endpoint = url.rstrip("/") + INTAKE_PATH
    stream = ticket_stream(seed, teams, first_seq)
    usual = ((max(0, n - burst + 1) * interval, stream) for n in itertools.count())
    _wait_for_app(url, echo, sleep)
    sent, elapsed = 0, 0.0
    with requests.Session() as session:
        for at, source in heapq.merge(usual, extra, key=lambda item: item[0]):
            if count is not None and sent >= count:
                break
            if at > elapsed:
                sleep(at - elapsed)
                elapsed = at
            ticket = next(source)  # built now: received when it is sent
            echo(
                f"{ticket['crm_id']} {ticket['type']:<20} {ticket['team']:<9} → "
                f"{post_ticket(session, endpoint, ticket, secret)}"
            )
            sent += 1
    return sent


def post_ticket(session: requests.Session, endpoint: str, ticket: dict, secret: str) -> str:
    """POST one signed ticket; the status code, or what went wrong."""
    body = json.dumps(ticket, ensure_ascii=False).encode()
    headers = signed_request(body, secret, datetime.now(LOCAL))
    try:
        response = session.post(endpoint, data=body, headers=headers, timeout=10)
    except requests.RequestException as err:
        return f"error: {err.__class__.__name__}"
    if response.status_code == 400:
        return f"400 {response.text.strip()[:300]}"
    return str(response.status_code)


def _wait_for_app(url: str, echo, sleep, attempts: int = 60) -> None:
    """Give an app that is starting alongside a moment to answer."""
    for _ in range(attempts):
        try:
            requests.get(url, timeout=2)
            return
        except requests.RequestException:
            sleep(0.5)
    echo(f"{url} does not answer yet; sending anyway")


def _rotation(seq: int) -> str:
    """The type of ticket `seq`: each round is ROUND shuffled, so every type comes round."""
    order = ROUND[:]
    random.Random(seq // len(ROUND)).shuffle(order)
    return order[seq % len(ROUND)]


def _received_at(rng: random.Random, now: datetime, type_code: str) -> datetime:
    """Minutes ago as usual; sometimes long enough ago that a deadline has passed."""
    if rng.random() >= LATE_SHARE:
        return now - timedelta(seconds=rng.randint(0, 240))
    if rng.random() < 0.4:  # nobody accepted it in time (3 minutes)
        return now - timedelta(minutes=rng.randint(8, 40))
    hours = TYPES[type_code].resolve_hours
    if hours:
        return now - timedelta(hours=hours, minutes=rng.randint(15, 180))
    # Working-day deadlines: well past even a long holiday.
    return now - timedelta(days=rng.randint(16, 25), hours=rng.randint(0, 8))


def _channel(rng: random.Random, type_code: str) -> str:
    """How the customer got in touch; media complaints come from the press and social media."""
    if type_code == "MEDIA_COMPLAINT":
        return rng.choice(["other", "website"])
    return rng.choices(CHANNELS, weights=[CHANNEL_WEIGHTS[c] for c in CHANNELS])[0]


def customer(rng: random.Random, now: datetime, team: str) -> dict:
    """A customer of the team's area, on the station and feeder of the customer's street: a
    household, now and then a priority organisation."""
    area, streets = STREETS.get(team, OTHER_STREETS)
    street = rng.choice(streets)
    address = f"{rng.randint(1, 320)} {street}" + (f", {area}" if area else "")
    block = {
        "code": _customer_code(rng, team),
        "phone": _phone(rng),
        "address": address,
        "important": rng.random() < 0.08,
        "difficult": rng.random() < 0.1,
        **grid_of(team, street),
    }
    if block["important"]:
        name = f"{rng.choice(IMPORTANT)} {area.split(',')[0]}".strip()
        return {**block, "name": name, "sex": None}
    sex = rng.choice("MF")
    name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"
    return {**block, "name": name, "sex": sex, **_birth(rng, now, sex)}


def grid_of(team: str, street: str) -> dict:
    """The transformer station and feeder of a street of the team's area: "HC-T01", "471-HC"."""
    streets = STREETS.get(team, OTHER_STREETS)[1]
    index = streets.index(street) if street in streets else len(streets)
    short = team.rsplit("-", 1)[-1]
    return {"station": f"{short}-T{index + 1:02d}", "feeder": f"47{index % 3 + 1}-{short}"}


def _birth(rng: random.Random, now: datetime, sex: str) -> dict:
    """A birth date or just a year; ELDERLY_SHARE of them past the elderly threshold."""
    threshold = ELDERLY_MEN if sex == "M" else ELDERLY_WOMEN
    if rng.random() < ELDERLY_SHARE:
        age = rng.randint(threshold + 1, 92)
    else:
        age = rng.randint(22, threshold - 3)
    year = now.astimezone(LOCAL).year - age
    if rng.random() < 0.4:
        return {"birth_year": year}
    return {"birth_date": date(year, rng.randint(1, 12), rng.randint(1, 28)).isoformat()}


def _customer_code(rng: random.Random, team: str) -> str:
    """A CMIS customer code like PC03AA0123456."""
    prefix = CUSTOMER_PREFIX.get(team.rsplit("-", 1)[0], "PC00")
    letters = "".join(rng.choice("ABCDEFGHK") for _ in range(2))
    return f"{prefix}{letters}{rng.randint(0, 9_999_999):07d}"


def _phone(rng: random.Random) -> str:
    """A Vietnamese mobile number."""
    prefix = rng.choice(["0905", "0935", "0914", "0983", "0776", "0868"])
    return f"{prefix}{rng.randrange(10**6):06d}"


def _repeat(earlier: dict, now: datetime, seq: int) -> dict:
    """The customer calls again about the same request."""
    count = (earlier.get("contact_count") or 1) + 1
    return {
        **earlier,
        "crm_id": crm_id(now, seq),
        "received_at": iso(now),
        "content": f"Khách hàng gọi lại lần {count}: {earlier['content']}",
        "repeat_of": earlier["repeat_of"] or earlier["crm_id"],
        "contact_count": count,
    }


def iso(moment: datetime) -> str:
    """ISO 8601 in Vietnam's time, with its offset."""
    return moment.astimezone(LOCAL).isoformat(timespec="seconds")

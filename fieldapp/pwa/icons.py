"""The app's own icon, drawn here: a white lightning bolt on the brand blue, as PNG.

No image library is needed: the bolt is a polygon filled row by row and written with zlib.
The bolt stays inside the central 60 %, so the same picture serves as a maskable icon.
"""

import struct
import zlib
from functools import lru_cache

SIZES = (192, 512)
BRAND = (0x0B, 0x4F, 0x8A)
WHITE = (0xFF, 0xFF, 0xFF)
# The bolt, in fractions of the side, clockwise from its top.
BOLT = (
    (0.57, 0.20),
    (0.31, 0.56),
    (0.48, 0.56),
    (0.43, 0.80),
    (0.69, 0.43),
    (0.52, 0.43),
    (0.60, 0.20),
)


@lru_cache(maxsize=len(SIZES))
def icon_png(size: int) -> bytes:
    """The icon at size × size pixels, PNG bytes (made once per size and process)."""
    points = [(x * size, y * size) for x, y in BOLT]
    rows = []
    for y in range(size):
        spans = _spans(points, y + 0.5)
        row = bytearray(bytes(BRAND) * size)
        for start, end in spans:
            for x in range(max(0, round(start)), min(size, round(end))):
                row[3 * x : 3 * x + 3] = bytes(WHITE)
        rows.append(b"\x00" + bytes(row))
    return _png(size, size, b"".join(rows))


def _spans(points, y: float) -> list[tuple[float, float]]:
    """Where the scan line at height y is inside the polygon: (start, end) pairs."""
    crossings = []
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        if (y1 <= y < y2) or (y2 <= y < y1):
            crossings.append(x1 + (y - y1) * (x2 - x1) / (y2 - y1))
    crossings.sort()
    return list(zip(crossings[::2], crossings[1::2], strict=False))


def _png(width: int, height: int, raw: bytes) -> bytes:
    """An 8-bit RGB PNG from filtered rows."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )

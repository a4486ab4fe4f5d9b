"""A small FIT encoder for tests: file_id, record, lap, session (and any other) messages.

Follows the FIT protocol: a 14-byte header with its own CRC, definition messages that
describe each local message layout, data messages, and a CRC-16 over the whole file.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
_CRC_TABLE = (0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
              0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400)
# base type code -> struct format (little-endian)
BASE_TYPES = {0x00: "B", 0x01: "b", 0x02: "B", 0x83: "h", 0x84: "H", 0x85: "i", 0x86: "I",
              0x8C: "I", 0x0A: "B"}
ENUM, UINT8, UINT16, SINT32, UINT32, UINT32Z = 0x00, 0x02, 0x84, 0x85, 0x86, 0x8C

MESSAGES = {"file_id": 0, "session": 18, "lap": 19, "record": 20, "event": 21,
            "activity": 34, "sport": 12}
# (field number, base type) for the fields the helpers write.
FIELDS: dict[str, dict[str, tuple[int, int]]] = {
    "file_id": {"type": (0, ENUM), "manufacturer": (1, UINT16), "product": (2, UINT16),
                "serial_number": (3, UINT32Z), "time_created": (4, UINT32)},
    "record": {"timestamp": (253, UINT32), "position_lat": (0, SINT32),
               "position_long": (1, SINT32), "altitude": (2, UINT16), "heart_rate": (3, UINT8),
               "cadence": (4, UINT8), "distance": (5, UINT32)},
    "lap": {"timestamp": (253, UINT32), "start_time": (2, UINT32),
            "total_elapsed_time": (7, UINT32), "total_timer_time": (8, UINT32),
            "total_distance": (9, UINT32), "avg_heart_rate": (15, UINT8),
            "avg_cadence": (17, UINT8), "total_ascent": (21, UINT16), "sport": (25, ENUM)},
    "session": {"timestamp": (253, UINT32), "start_time": (2, UINT32), "sport": (5, ENUM),
                "sub_sport": (6, ENUM), "total_elapsed_time": (7, UINT32),
                "total_timer_time": (8, UINT32), "total_distance": (9, UINT32),
                "avg_heart_rate": (16, UINT8), "avg_cadence": (18, UINT8),
                "total_ascent": (22, UINT16), "avg_fractional_cadence": (92, UINT8)},
    "sport": {"sport": (0, ENUM), "sub_sport": (1, ENUM)},
}
SPORTS = {"generic": 0, "running": 1, "cycling": 2, "walking": 11, "hiking": 17,
          "swimming": 5, "training": 10}
SUB_SPORTS = {"generic": 0, "treadmill": 1, "street": 2, "trail": 3}


def crc16(data: bytes, crc: int = 0) -> int:
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = (crc >> 4) & 0x0FFF
        crc = crc ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


def fit_time(moment: datetime) -> int:
    return int((moment - FIT_EPOCH).total_seconds())


@dataclass
class FitWriter:
    """Collects messages; `to_bytes()` gives a complete FIT file with correct CRCs."""

    body: bytearray = field(default_factory=bytearray)
    _layouts: dict[int, tuple[int, tuple[tuple[int, int], ...]]] = field(default_factory=dict)

    def message(self, name: str, **raw: int) -> None:
        """One data message with raw (already scaled) integer values."""
        fields = tuple(FIELDS[name][key] for key in raw)
        local = MESSAGES[name] % 16
        layout = (MESSAGES[name], fields)
        if self._layouts.get(local) != layout:
            self._layouts[local] = layout
            self.body += struct.pack("<BBBHB", 0x40 | local, 0, 0, MESSAGES[name], len(fields))
            for number, base in fields:
                self.body += struct.pack("<BBB", number, struct.calcsize(BASE_TYPES[base]), base)
        self.body += struct.pack("<B", local)
        for (_, base), value in zip(fields, raw.values(), strict=True):
            self.body += struct.pack("<" + BASE_TYPES[base], value)

    def to_bytes(self) -> bytes:
        header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(self.body), b".FIT")
        header += struct.pack("<H", crc16(header))
        data = header + bytes(self.body)
        return data + struct.pack("<H", crc16(data))

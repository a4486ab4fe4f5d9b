"""A structural pass over a FIT file: check its CRC fast and set aside the per-second messages.

fitdecode decodes every field of every message in Python, about 70 µs a message; a 1 Hz
watch file of an hour holds 3,600 `record` messages that a summary does not need when the
watch wrote a `session`. This pass walks the message headers only (definitions give each
message's size), checks the file's CRC with a byte table, and returns the same file without
the high-volume messages, for fitdecode to decode. Anything unusual returns None, and the
caller lets fitdecode read the whole file (and report what is wrong with it).
"""

from __future__ import annotations

import struct

from ptdesk.domain.run_files.model import RunFileError

# record, hr, hrv, gps_metadata, gyroscope/accelerometer/magnetometer data, respiration.
HIGH_VOLUME = frozenset({20, 78, 132, 160, 164, 165, 208, 297})


def _table() -> tuple[int, ...]:
    rows = []
    for byte in range(256):
        crc = byte
        for _ in range(8):  # CRC-16/ARC (reflected 0x8005), the FIT SDK's checksum
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        rows.append(crc)
    return tuple(rows)


_CRC = _table()


def crc16(data: bytes | bytearray) -> int:
    crc = 0
    table = _CRC
    for byte in data:
        crc = (crc >> 8) ^ table[(crc ^ byte) & 0xFF]
    return crc


def without_high_volume(data: bytes) -> bytes | None:
    """The file minus HIGH_VOLUME data messages (CRCs redone), or None to read it whole.

    Raises RunFileError when the file's own CRC does not match its contents.
    """
    if len(data) < 14 or data[0] not in (12, 14):
        return None
    header_size = data[0]
    end = header_size + struct.unpack_from("<I", data, 4)[0]
    if len(data) != end + 2:  # cut short, or several FIT files chained: read it whole
        return None
    if crc16(data[:end]) != struct.unpack_from("<H", data, end)[0]:
        raise RunFileError("The FIT file is damaged (its checksum does not match).")
    layouts: dict[int, tuple[int, int]] = {}  # local message type -> (global number, size)
    kept = bytearray()
    pos = header_size
    try:
        while pos < end:
            head = data[pos]
            if head & 0x80:  # compressed timestamp header: a data message, local type 0-3
                number, size = layouts[(head >> 5) & 0x03]
                length, is_data = 1 + size, True
            elif head & 0x40:  # definition message
                big_endian = data[pos + 2] == 1
                number = struct.unpack_from(">H" if big_endian else "<H", data, pos + 3)[0]
                fields = data[pos + 5]
                cursor = pos + 6
                size = sum(data[cursor + 3 * i + 1] for i in range(fields))
                cursor += 3 * fields
                if head & 0x20:  # developer fields follow
                    extra = data[cursor]
                    size += sum(data[cursor + 1 + 3 * i + 1] for i in range(extra))
                    cursor += 1 + 3 * extra
                layouts[head & 0x0F] = (number, size)
                length, is_data = cursor - pos, False
            else:
                number, size = layouts[head & 0x0F]
                length, is_data = 1 + size, True
            if not (is_data and number in HIGH_VOLUME):
                kept += data[pos:pos + length]
            pos += length
    except (KeyError, IndexError):
        return None
    if pos != end:
        return None
    header = bytearray(data[:header_size])
    struct.pack_into("<I", header, 4, len(kept))
    if header_size == 14:
        struct.pack_into("<H", header, 12, crc16(header[:12]))
    body = bytes(header + kept)
    return body + struct.pack("<H", crc16(body))

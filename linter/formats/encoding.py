"""Files as Windows tools write them: UTF-16 or UTF-32 with a byte-order mark (Windows
PowerShell's `>` and `Out-File`, "Unicode" in Notepad and Excel), read as their UTF-8 twin.

One place for every reader of such files (story inputs, `report`'s result files).
"""

from __future__ import annotations

UTF8_BOM = b"\xef\xbb\xbf"
#: the byte-order marks of UTF-16 and UTF-32, longest first: FF FE 00 00 is UTF-32's
WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"),
)  # fmt: skip
WIDE_STARTS = tuple(bom for bom, _ in WIDE_BOMS)


class Undecodable(ValueError):
    """A UTF-16 or UTF-32 input that does not decode; the message says at which byte."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def from_wide(data: bytes) -> bytes:
    """`data` as UTF-8 when it starts with a UTF-16 or UTF-32 byte-order mark, else as it is,
    so that every reader reads such a file as it reads UTF-8 (read as UTF-8, it was "binary
    data" or "invalid UTF-8 at byte 0"). Read whole: such files are a tool's export, not a
    stream. Raises Undecodable, naming the byte and the line, when it does not decode."""
    codec = next((codec for bom, codec in WIDE_BOMS if data.startswith(bom)), None)
    if codec is None:
        return data
    try:
        return data.decode(codec).encode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(codec, "replace").count("\n") + 1
        raise Undecodable(f"invalid {codec.upper()} at byte {exc.start}", line) from None

"""Text files whose lines mix UTF-8 and Windows-1252: each line read in its own encoding.

A file put together from two exports (one system writes UTF-8, Excel in Spanish saves
Windows-1252) is not valid UTF-8, so it was read as Windows-1252 and every UTF-8 line came
out as mojibake (`QuÃ­mica`), silently. The codec registered here as `utf-8/cp1252` reads
a line as UTF-8 when it is valid UTF-8 and as Windows-1252 otherwise (Spanish and
Portuguese text in Windows-1252 is practically never valid UTF-8); the reader says so in
a warning.
"""

from __future__ import annotations

import codecs
import re

import numpy as np

NAME = "utf-8/cp1252"
_LOOKUP = "utf_8_cp1252"  # how codecs.lookup hands NAME to a search function
# A UTF-8 sequence of a character beyond ASCII (2 or 3 bytes): proof that some text is UTF-8.
UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")


def holds_utf8_sequence(data: bytes) -> bool:
    """Say whether the bytes hold a match of UTF8_SEQUENCE, looking only after lead bytes.

    The regex tries every position: 43 ms for 4 MB of Windows-1252 text, which has none; the
    lead bytes (0xC2 and up) are few, and their next bytes are checked as arrays (2 ms).
    """
    array = np.frombuffer(data, dtype=np.uint8)
    lead = np.flatnonzero(array[:-1] >= 0xC2)
    second = array[lead + 1]
    continued = (second >= 0x80) & (second <= 0xBF)
    first = array[lead]
    if (continued & (first <= 0xDF)).any():
        return True
    three = lead[continued & (first >= 0xE0) & (first <= 0xEF) & (lead + 2 < len(array))]
    third = array[three + 2]
    return bool(((third >= 0x80) & (third <= 0xBF)).any())


def decode_lines(data: bytes, errors: str = "strict") -> str:
    """Decode each line as UTF-8 if it is UTF-8, else as Windows-1252 (undefined bytes replaced)."""
    out = []
    for line in data.splitlines(keepends=True):
        try:
            out.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            out.append(line.decode("cp1252", errors="replace"))
    return "".join(out)


class _Decoder(codecs.IncrementalDecoder):
    """Decode complete lines as they arrive; keep a partial line for the next input."""

    def __init__(self, errors: str = "strict"):
        super().__init__(errors)
        self._pending = b""

    def decode(self, data: bytes, final: bool = False) -> str:
        """Decode the complete lines of what has arrived (everything, when final)."""
        data = self._pending + data
        if final:
            self._pending = b""
            return decode_lines(data)
        cut = max(data.rfind(b"\n"), data.rfind(b"\r")) + 1
        self._pending = data[cut:]
        return decode_lines(data[:cut])

    def reset(self) -> None:
        """Forget a partial line."""
        self._pending = b""

    def getstate(self):
        """Return the partial line (codecs protocol)."""
        return self._pending, 0

    def setstate(self, state) -> None:
        """Restore a partial line (codecs protocol)."""
        self._pending = state[0]


def _decode(data, errors: str = "strict"):
    """Decode a whole input (codecs protocol)."""
    return decode_lines(bytes(data), errors), len(data)


def _encode(text: str, errors: str = "strict"):
    """Encode as UTF-8 (such files are only read; codecs wants both ways)."""
    return text.encode("utf-8", errors), len(text)


def _search(name: str) -> codecs.CodecInfo | None:
    """Find this module's codec by name."""
    if name != _LOOKUP:
        return None
    return codecs.CodecInfo(name=NAME, encode=_encode, decode=_decode,
                            incrementaldecoder=_Decoder,
                            incrementalencoder=codecs.getincrementalencoder("utf-8"))


codecs.register(_search)

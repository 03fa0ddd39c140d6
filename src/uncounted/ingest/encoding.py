"""Which kind of file this is, and which text encoding it uses, decided from its bytes (never its name).

Lists arrive as CSV exported from Excel on Arabic Windows (Windows-1256), as UTF-8 with or without a BOM, as
UTF-16 from "Unicode text" exports — and sometimes as a PNG someone renamed. Byte-order marks and magic
numbers settle most cases; charset-normalizer (restricted to the encodings such lists really use) settles the
rest.
"""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from uncounted.errors import BadInput

#: Magic numbers of files that are not tables we read, with what to tell the user.
_NOT_TABLES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls (or other OLE) file; save it as .xlsx or CSV"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
#: Single-byte encodings of lists that are not Unicode: Arabic Windows, Arabic ISO, Western Windows.
GUESSABLE = ("cp1256", "iso8859_6", "cp1252")


def sniff_format(data: bytes, file: str) -> str:
    """'xlsx', 'parquet' or 'text'; BadInput for an empty file or a file that is not a table at all."""
    if not data:
        raise BadInput("the file is empty (0 bytes)", file=file)
    if data.startswith(b"PAR1"):
        return "parquet"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    for magic, what in _NOT_TABLES:
        if data.startswith(magic):
            raise BadInput(f"this is {what}, not a table (CSV, XLSX or Parquet)", file=file)
    return "text"


def decode(data: bytes, file: str, declared: str | None = None) -> tuple[str, str]:
    """The text of a CSV and the encoding it was read with.

    Order: a declared encoding (from the mapping) if any; a byte-order mark; UTF-8 if it decodes (most files
    are UTF-8, and a UTF-8 file that happens to be valid Windows-1256 must not be read as that); then
    charset-normalizer's best guess among GUESSABLE. Binary content (NUL bytes outside UTF-16/32) is refused.
    """
    if declared:
        try:
            return data.decode(declared), codecs.lookup(declared).name
        except LookupError:
            raise BadInput(
                f"the mapping declares encoding '{declared}', which Python does not know", file=file
            ) from None
        except UnicodeDecodeError as exc:
            raise BadInput(f"the file is not valid {declared} (byte {exc.start})", file=file) from None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise BadInput(
                    f"the file starts with a {encoding} byte-order mark but is not valid {encoding} "
                    f"(byte {exc.start})",
                    file=file,
                ) from None
    if b"\x00" in data[:65536]:
        unmarked = _utf16_without_bom(data)
        if unmarked is None:
            raise BadInput("the file holds binary data (NUL bytes), not text; is it really a CSV?", file=file)
        return unmarked
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[: 1 << 20], cp_isolation=list(GUESSABLE)).best()
    if best is None:
        raise BadInput(
            "cannot tell the file's text encoding (it is not UTF-8, UTF-16 or Windows-1256); "
            "save it as UTF-8 or declare its encoding in the read section of a mapping file",
            file=file,
        )
    try:
        return data.decode(best.encoding), best.encoding
    except UnicodeDecodeError as exc:  # the guess was made on the first megabyte only
        raise BadInput(
            f"the file looks like {best.encoding} but byte {exc.start} is not; save it as UTF-8", file=file
        ) from None


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """UTF-16 saved without a byte-order mark, told by where its NUL bytes fall.

    CSV text has many ASCII delimiters, digits and line ends, whose high byte in UTF-16 is NUL: at odd offsets
    in little-endian, at even ones in big-endian. Binary files have NULs at both.
    """
    head = data[:65536]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    for encoding, nuls, pairs in (("utf-16-le", odd, len(head[1::2])), ("utf-16-be", even, len(head[0::2]))):
        if len(data) % 2 == 0 and pairs and nuls >= 0.3 * pairs and nuls > 4 * min(even, odd):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                return None
    return None

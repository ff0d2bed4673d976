"""Building blocks shared by every loader: sources, decoding, CSV records with line numbers,
value parsers that report bad cells, and the loader registry.

A loader is a class with a ``format`` name and two methods::

    class MyLoader(Loader):
        format = "x_analytics_csv"
        def sniff(self, source: Source, ctx: Context) -> bool: ...  # cheap, content-based
        def read(self, source: Source, ctx: Context) -> Parsed: ...

registered with :func:`register`. ``sniff`` looks at content (header line, JSON keys, prefix), not
only at the file name. ``read`` returns canonical-column frames plus the rows it rejected, each
with a line, column and reason; :func:`toolkit.io.load` does the rest (casting, deduplication,
the load report).
"""

from __future__ import annotations

import codecs
import contextvars
import csv
import functools
import gc
import io
import re
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validate import check_tz  # the one time-zone validator (public as toolkit.schema.check_tz)
from ..errors import ExportFormatError, ParameterError
from . import _digits
from ._coerce import to_datetime

__all__ = [
    "DEFAULT_TZ",
    "Source",
    "Context",
    "Parsed",
    "Loader",
    "register",
    "loaders",
    "Records",
    "read_csv_records",
    "read_source_records",
    "decode",
    "sniff_delimiter",
    "check_tz",
    "LIMITS",
]

#: Time zone assumed for exports that carry no zone when ``tz=`` is not given (with a warning).
DEFAULT_TZ = "UTC"

#: Limits that keep :func:`toolkit.io.load` within bounded memory and time whatever the bytes.
#: Raise one for a file you trust, e.g. ``toolkit.io.LIMITS["max_file_bytes"] = 2 * 1024**3``.
#:
#: ``max_file_bytes``
#:     Size of one file: a file on disk, or a member of a zip/tar as unpacked (checked on the
#:     archive's declared size and again while unpacking, so a header that lies cannot pass).
#: ``max_total_bytes``
#:     Everything unpacked from one archive, nested archives included (zip bombs).
#: ``max_members``
#:     Members of one archive.
#: ``max_depth``
#:     Archives inside archives: 2 reads a zip inside the downloaded zip, not a zip inside that.
#: ``max_columns``
#:     Columns of a CSV header (after dropping columns that have neither a name nor a value).
LIMITS = {"max_file_bytes": 256 * 1024**2, "max_total_bytes": 2 * 1024**3, "max_members": 20_000,
          "max_depth": 2, "max_columns": 2_000}

_NA_TOKENS = {"", "-", "--", "n/a", "N/A", "NA", "null", "None", "nan", "NaN", "undefined"}


@dataclass
class Source:
    """One input file: a file on disk or a member of a zip/tar archive, read into memory.

    Attributes
    ----------
    name : str
        Display name used in messages and in ``source_file`` (``"dl.zip!data/tweets.js"``).
    data : bytes
        Raw content.
    notes : list[str]
        What reading the bytes showed (bytes not valid in the detected encoding, ignored empty
        or repeated columns); :func:`toolkit.io.load` adds them to the file's load-report notes.
    """

    name: str
    data: bytes
    notes: list[str] = field(default_factory=list, repr=False)
    _text: str | None = field(default=None, repr=False)
    _encoding: str | None = field(default=None, repr=False)
    #: Modification time an archive records for the member (naive, as stored), else None:
    #: evidence of when the export was made (used for TikTok's year-less dates).
    modified: pd.Timestamp | None = field(default=None, repr=False)
    _plain: bool = field(default=False, repr=False)

    @property
    def basename(self) -> str:
        """File name without folders or archive prefix."""
        return re.split(r"[/\\!]", self.name)[-1]

    @property
    def suffix(self) -> str:
        """Lower-case extension with dot, e.g. ``".csv"``."""
        base = self.basename.lower()
        return base[base.rfind("."):] if "." in base else ""

    @property
    def encoding(self) -> str:
        """Encoding found by :func:`decode`."""
        if self._encoding is None:
            self.text  # noqa: B018 - decodes and caches
        return self._encoding  # type: ignore[return-value]

    @property
    def text(self) -> str:
        """Content decoded by BOM sniffing (UTF-16, UTF-8-sig, UTF-8, else cp1252); see :func:`decode`."""
        if self._text is None:
            before = len(self.notes)
            self._text, self._encoding = decode(self.data, notes=self.notes)
            # UTF-8 read without a byte taken as cp1252: the text is exactly the bytes after the BOM
            self._plain = self._encoding in ("utf-8", "utf-8-sig") and len(self.notes) == before
        return self._text

    def head(self, n: int = 4096) -> str:
        """The first ``n`` characters of the decoded text (cheap; for sniffing)."""
        if self._text is not None:
            return self._text[:n]
        heads = self.__dict__.setdefault("_heads", {})  # every loader's sniff asks: decode once per n
        if n not in heads:
            raw = self.data[: n * 4]
            try:
                heads[n] = decode(raw, partial=True)[0][:n]
            except ExportFormatError:
                heads[n] = ""
        return heads[n]


@contextmanager
def paused_gc():
    """Pause Python's cyclic garbage collector while a large JSON document becomes objects.

    ``json.loads`` of an export with millions of dicts triggers a collection every few
    thousand allocations, each scanning every object made so far: a third of the parse time,
    for nothing (parsed JSON holds no reference cycles). Reference counting still frees memory.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def decode(data: bytes, *, partial: bool = False, notes: list[str] | None = None) -> tuple[str, str]:
    """Decode bytes the way platform exports need: BOM first, then UTF-8, then cp1252.

    Returns ``(text, encoding)``. ``partial=True`` tolerates a multi-byte character cut at the end.

    A UTF-8 file with a few bytes that are not UTF-8 (a line pasted from a Windows program) stays
    UTF-8: only those bytes are read as cp1252, and ``notes`` gets one entry naming their lines, so
    the other rows are not turned into mojibake. A file with no valid UTF-8 multi-byte character
    at all is cp1252 (a German Excel re-save). Bytes that are not valid UTF-16 in a UTF-16 file
    become U+FFFD, also with a note.
    """
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        raw = data[: len(data) - (len(data) % 2)] if partial else data
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            if notes is not None and not partial:
                line = raw[: exc.start].decode("utf-16", errors="replace").count("\n") + 1
                notes.append(f"line {line}: bytes that are not valid UTF-16 were replaced by '\ufffd'; check "
                             f"the text there")
            return raw.decode("utf-16", errors="replace"), "utf-16"
    bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if bom else data
    try:
        return body.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError as exc:
        if partial and exc.start >= len(body) - 3 and exc.reason == "unexpected end of data":
            try:
                return body[: exc.start].decode("utf-8"), "utf-8-sig" if bom else "utf-8"
            except UnicodeDecodeError:
                pass
    valid = sum(map(len, _UTF8_MULTIBYTE.findall(body)))
    high = len(body) - len(body.translate(None, _HIGH_BYTES))
    if valid == 0 or high - valid > valid:
        return body.decode("cp1252", errors="replace"), "cp1252"
    _FALLBACK.positions = []
    try:
        text = body.decode("utf-8", errors="toolkit-cp1252")
        positions = _FALLBACK.positions
    finally:
        _FALLBACK.positions = []
    if partial and positions and positions[-1] >= len(body) - 3:  # a character cut by the slice
        cut = positions[-1]
        text = body[:cut].decode("utf-8", errors="toolkit-cp1252")
        positions = [p for p in positions if p < cut]
    if notes is not None and positions and not partial:
        lines, line, last = [], 1, 0
        for pos in positions[:1000]:  # positions ascend: count newlines between them only
            line += body.count(b"\n", last, pos)
            last = pos
            if not lines or lines[-1] != line:
                lines.append(line)
        shown = ", ".join(map(str, lines[:5])) + (f" and {len(lines) - 5} more" if len(lines) > 5 else "")
        example = body[positions[0]:positions[0] + 1].decode("cp1252", errors="replace")
        notes.append(f"line(s) {shown}: {len(positions)} byte(s) that are not UTF-8 in a UTF-8 file were read as "
                     f"Windows-1252 (e.g. {example!r}); the rest of the file is UTF-8. Check the text on "
                     f"these lines (pasted from another program?)")
    return text, "utf-8-sig" if bom else "utf-8"


_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTES = bytes(range(0x80, 0x100))
_FALLBACK = threading.local()


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read a byte that is not UTF-8 as cp1252 and remember where it was."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    positions = getattr(_FALLBACK, "positions", None)
    if positions is not None:
        positions.append(exc.start)
    return exc.object[exc.start:exc.start + 1].decode("cp1252", errors="replace"), exc.start + 1


codecs.register_error("toolkit-cp1252", _cp1252_fallback)


@dataclass
class Context:
    """Options of one :func:`toolkit.io.load` call, shared by the loaders it runs.

    Attributes
    ----------
    tz : str or None
        Zone for exports without one (``tz=`` of :func:`load`).
    errors : {"raise", "reject"}
        What to do with a bad row: stop with an error, or reject the row with its reason.
    columns : dict
        User mapping of column names onto canonical names (generic CSV).
    year : int or None
        Year for exports whose dates have none (TikTok overview).
    owner : tuple of str
        Names of the account's own people in chat exports (WhatsApp): their messages are the replies.
    dayfirst : bool or None
        Day/month order of chat exports whose dates cannot tell (None = infer from the file).
    """

    tz: str | None = None
    errors: str = "raise"
    columns: dict[str, str] = field(default_factory=dict)
    year: int | None = None
    owner: tuple[str, ...] = ()
    dayfirst: bool | None = None
    _warned_tz: bool = field(default=False, repr=False)

    def zone_for(self, source: Source, notes: list[str]) -> str:
        """The zone to assume for a zone-less export, noting the assumption (warns once per load)."""
        if self.tz is not None:
            notes.append(f"times had no zone: assumed {self.tz} (tz=)")
            return self.tz
        notes.append(f"times had no zone and no tz= was given: assumed {DEFAULT_TZ}")
        if not self._warned_tz:
            self._warned_tz = True
            warnings.warn(f"{source.name}: the export's times carry no time zone and load() got no tz=; "
                          f"assuming {DEFAULT_TZ}. Pass tz='Europe/Berlin' (the zone your account's "
                          f"insights use) to fix.", stacklevel=4)
        return DEFAULT_TZ


@dataclass
class Parsed:
    """What a loader read from one source.

    Attributes
    ----------
    format : str
        Format id of the loader.
    tables : dict[str, DataFrame]
        Canonical-column frames by table name ("posts", "comments", "daily"); may hold extra columns.
    rows_read : dict[str, int]
        Input rows per table (data rows; header and description lines are not rows).
    rejected : list[dict]
        One dict per rejected input row: table, line, column, reason.
    notes : list[str]
        What the loader noticed (assumed zone, unknown columns kept out, ...).
    exported_at : pandas.Timestamp or None
        When the export was made, if the file says; newer exports win when rows are duplicated.
    visits : object or None
        A Matomo Visits Log's visits (``toolkit.io.matomo.Visits``): ``load()`` adds up the visits of
        several such files together.
    merged : int
        Rows of this file merged into another file's rows by ``load()`` (counted as duplicates).
    """

    format: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)
    rejected: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    exported_at: pd.Timestamp | None = None
    visits: object = None
    merged: int = 0


class Loader:
    """Base class of format loaders; see the module docstring."""

    format: str = ""
    #: Lower numbers are tried first; generic fallbacks use high numbers.
    priority: int = 50

    def sniff(self, source: Source, ctx: Context) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, source: Source, ctx: Context) -> Parsed:  # pragma: no cover - interface
        raise NotImplementedError


_REGISTRY: list[Loader] = []


def register(cls: type[Loader]) -> type[Loader]:
    """Class decorator adding a loader to the registry (idempotent)."""
    if not any(type(l) is cls for l in _REGISTRY):
        _REGISTRY.append(cls())
        _REGISTRY.sort(key=lambda l: (l.priority, l.format))
    return cls


def loaders() -> list[Loader]:
    """Registered loaders in the order they are tried."""
    return list(_REGISTRY)


def sniff_delimiter(header_line: str) -> str:
    """The delimiter among ``,``, ``;`` and tab that splits the header line into most fields."""
    # each loader's sniff asks about the same few header lines: short ones are remembered
    return _sniff_short(header_line) if len(header_line) <= 4096 else _sniff_delimiter(header_line)


@functools.lru_cache(maxsize=1024)
def _sniff_short(header_line: str) -> str:
    return _sniff_delimiter(header_line)


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: _count_outside_quotes(header_line, d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


def _count_outside_quotes(line: str, ch: str) -> int:
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            n += 1
    return n


@dataclass
class Records:
    """CSV data rows as a string frame plus the physical line where each row starts.

    ``frame`` has one string column per header field (original header text, stripped);
    ``lines[i]`` is the 1-based line of row ``i``; ``bad`` lists rows with the wrong number of
    fields (dicts with line, column, reason), which are not in ``frame``.
    """

    frame: pd.DataFrame
    lines: np.ndarray
    header: list[str]
    header_line: int
    bad: list[dict]
    delimiter: str

    def line_of(self, mask) -> np.ndarray:
        """Physical lines of the rows selected by a boolean mask."""
        return self.lines[np.asarray(mask, dtype=bool)]


def read_csv_records(text: str, *, source: Source, delimiter: str | None = None,
                     skip_lines: int = 0, duplicate_columns: str = "first") -> Records:
    """Parse CSV text with a real CSV parser, keeping the line number of every record.

    Quoted fields may hold delimiters, ``""`` escapes and raw newlines. Blank lines are not rows.
    ``skip_lines`` physical lines (title or ``sep=`` lines) are skipped before the header.

    What this guards against, for every CSV loader:

    - A row with more or fewer fields than the header, and a last row cut off inside a quoted
      cell (a truncated download), are listed in ``Records.bad`` with the reason, never loaded.
    - Columns with neither a header name nor a value (a spreadsheet's trailing ``;;;;``) are
      dropped, with a note; a header with more than ``LIMITS["max_columns"]`` columns raises.
    - A header name that occurs twice: the first column keeps the name (so loaders read it) and
      the other becomes ``name.1``. With ``duplicate_columns="first"`` (default) ``source.notes``
      names both columns, which one is read, and whether their values differ; a loader that
      tells the columns apart itself passes ``"keep"`` and writes its own note.
    """
    header_line = skip_lines + 1
    if len(text) >= FAST_MIN_CHARS:
        # The header from the head of the text only (a StringIO of all of it is a copy, at up
        # to 4 bytes a character); then the C parser for the records, if the file allows it.
        found = _head_header(lambda size: text[:size], lambda: len(text), source=source, delimiter=delimiter,
                             skip_lines=skip_lines)
        if found is not None:
            delim, header, tail, header_lines, head = found
            fast = _fast_records(text, tail, header_lines, delim, len(header), source=source)
            if fast is not None:  # every record is well quoted and has the header's field count
                return _fast_result(fast, header, header_line, delim, source, duplicate_columns)
    return _careful_records(text, source=source, delimiter=delimiter, skip_lines=skip_lines,
                            duplicate_columns=duplicate_columns)


def read_source_records(source: Source, *, delimiter: str | None = None, skip_lines: int = 0,
                        duplicate_columns: str = "first") -> Records:
    """``read_csv_records(source.text, source=source, ...)``, without decoding a large UTF-8 file.

    The same records, lines, notes and errors. A file of valid UTF-8 (checked in C, without making
    the text) that the fast path reads is parsed from its own bytes: the decoded text of a file
    with one emoji is a Python string of 4 bytes per character (a 16 MB export: 62 MB and 40 ms
    to make) that nothing else needs. Any other file (UTF-16, cp1252 bytes, a small file, one
    that needs the careful path) goes through :func:`read_csv_records` unchanged. A parse that
    :func:`parse_ahead` made of the file is taken when it was made with the same arguments.

    Parameters
    ----------
    source : Source
        The file (its bytes; ``source.text`` is decoded only when the careful path needs it).
    delimiter, skip_lines, duplicate_columns
        As for :func:`read_csv_records`.

    Returns
    -------
    Records
        As :func:`read_csv_records` returns for ``source.text``.

    Examples
    --------
    >>> src = Source("posts.csv", b"post_id,likes\\n1,2\\n")
    >>> read_source_records(src).frame["likes"].tolist()
    ['2']
    """
    ahead = source.__dict__.pop("_ahead", None)  # the file's parse done by parse_ahead, if any
    got = None
    if ahead is not None and (delimiter, skip_lines, duplicate_columns) == (None, 0, "first"):
        got = _ahead_result(source, ahead)
    if got is None:
        got = _fast_source_records(source, delimiter, skip_lines, duplicate_columns)
    if isinstance(got, Records):
        return got
    if got is _CAREFUL:
        return _careful_records(source.text, source=source, delimiter=delimiter, skip_lines=skip_lines,
                                duplicate_columns=duplicate_columns)
    return read_csv_records(source.text, source=source, delimiter=delimiter, skip_lines=skip_lines,
                            duplicate_columns=duplicate_columns)


#: :func:`_fast_source_records`' answer for a valid UTF-8 file that the fast path does not read.
_CAREFUL = object()


def _fast_source_records(source: Source, delimiter: str | None, skip_lines: int, duplicate_columns: str):
    """The fast path of :func:`read_source_records`: its Records, :data:`_CAREFUL` (valid UTF-8 large
    enough, but only the careful path can read it), or None (any other file)."""
    data = source.data
    bom = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    if source._text is None and len(data) - bom >= FAST_MIN_CHARS and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        chars = _utf8_chars(memoryview(data)[bom:])
        if chars is not None:  # valid UTF-8: decode() would return exactly these characters, no notes
            source._encoding, source._plain = ("utf-8-sig" if bom else "utf-8"), True
            least = (len(data) - bom) // 4  # characters at least (at most 4 bytes each)
            if least >= FAST_MIN_CHARS or chars() >= FAST_MIN_CHARS:
                def head(size: int) -> str:
                    cut = min(len(data), bom + 4 * size)
                    while cut < len(data) and (data[cut] & 0xC0) == 0x80:  # not inside a character
                        cut -= 1
                    return data[bom:cut].decode("utf-8")[:size]
                found = _head_header(head, chars, source=source, delimiter=delimiter, skip_lines=skip_lines)
                if found is not None:
                    delim, header, tail, header_lines, text_head = found
                    start = len(text_head[:tail].encode("utf-8"))
                    after = least - tail if least - tail >= FAST_MIN_CHARS else chars() - tail
                    fast = _fast_body(memoryview(data)[bom + start:], after, header_lines, delim,
                                      len(header), source=source)
                    if fast is not None:
                        return _fast_result(fast, header, skip_lines + 1, delim, source, duplicate_columns)
            return _CAREFUL
    return None


#: Files at least this large are parsed ahead (:func:`parse_ahead`): below, the parse costs less than
#: handing it to a thread.
AHEAD_MIN_BYTES = 1 << 20


def parse_ahead(source: Source) -> None:
    """Parse a CSV file's records now, in a worker thread, for :func:`read_source_records` to take later.

    :func:`toolkit.io.load` reads the next file of a folder from disk and calls this in a worker
    thread while the main thread checks the current file. The C parts of reading (UTF-8 check,
    record scan, Arrow's CSV parser) let go of the GIL, so on two cores the next file's parse runs
    beside this file's checks. The parse works on a copy of the source (the bytes are shared,
    nothing else is). The first :func:`read_source_records` of the file with the default arguments
    (every CSV loader but Meta's Business Suite report) takes the result and the copy's notes; any
    other call parses as before. Only the fast path runs ahead: a file it does not read, or that
    raises, is read by the main thread exactly as without it.
    """
    if source.suffix not in (".csv", ".tsv") or len(source.data) < AHEAD_MIN_BYTES or source._text is not None:
        return
    shadow = Source(source.name, source.data, modified=source.modified)
    try:
        got = _fast_source_records(shadow, None, 0, "first")
    except Exception:  # noqa: BLE001 - the main thread reads the file again and raises what it must
        got = None
    source.__dict__["_ahead"] = (got, shadow)


def _ahead_result(source: Source, ahead):
    """What :func:`parse_ahead` found for ``source`` (Records or :data:`_CAREFUL`, with the copy's
    encoding and notes handed over), or None when the main thread must read the file itself."""
    got, shadow = ahead
    if got is None or source._text is not None:
        return None
    source._encoding, source._plain = shadow._encoding, shadow._plain
    source.notes.extend(shadow.notes)
    return got


def _utf8_chars(body):
    """``chars()``: the number of characters of ``body``, when it is valid UTF-8 (exactly as
    ``bytes.decode("utf-8")`` accepts: no surrogates, overlong forms or code points past U+10FFFF;
    a test compares them), else None.

    Checked by Arrow in C without making a Python string; None also without pyarrow. ``chars()``
    counts the characters only when the answer matters: a body of at least 4 bytes per character
    of the sizes it is compared with (:data:`FAST_MIN_CHARS` and the header) has more than enough.
    """
    try:
        import pyarrow as pa
        import pyarrow.compute as pc
    except ImportError:
        return None
    arr = pa.Array.from_buffers(pa.large_string(), 1, [None, pa.py_buffer(np.array([0, len(body)], dtype=np.int64)),
                                                      pa.py_buffer(body)])
    try:
        arr.validate(full=True)
    except pa.ArrowInvalid:
        return None
    exact: list[int] = []

    def chars() -> int:
        if not exact:
            exact.append(int(pc.utf8_length(arr)[0].as_py()))
        return exact[0]
    return chars


def _head_header(head, total: int, *, source: Source, delimiter: str | None, skip_lines: int):
    """The header read from a growing head of the text (``head(size)`` = its first ``size``
    characters, ``total()`` = all of them): ``(delimiter, header, offset of the first record in
    the head, lines through the header, the head)``, or None when only the whole text has it
    (the careful path then reads it, or raises the header's error)."""
    size = 1 << 16
    while True:
        part = head(size)
        try:
            delim, header, tail, header_lines = _header(part, source=source, delimiter=delimiter,
                                                        skip_lines=skip_lines)
        except ExportFormatError:
            if size >= total():
                return None
            tail = len(part)  # a header cut by the slice: take a longer one
        if tail < len(part) or size >= total():
            return delim, header, tail, header_lines, part
        size *= 4


def _fast_result(fast, header: list[str], header_line: int, delim: str, source: Source,
                 duplicate_columns: str) -> Records:
    """Records of the fast path: empty unnamed columns dropped, names checked and made unique."""
    frame, lines = fast
    header, frame = _drop_empty_unnamed_frame(header, frame, source)
    _check_columns(header, header_line, source)
    names = _dedupe_names(header)
    frame.columns = names
    if duplicate_columns == "first":
        _note_duplicates(header, names, frame, source)
    return Records(frame, lines, header, header_line, [], delim)


def _careful_records(text: str, *, source: Source, delimiter: str | None, skip_lines: int,
                     duplicate_columns: str) -> Records:
    """The record-by-record path of :func:`read_csv_records` (:mod:`csv`, any shape of file)."""
    header_line = skip_lines + 1
    buf = io.StringIO(text, newline="")
    delim, header, _, prev, reader = _header(buf, source=source, delimiter=delimiter, skip_lines=skip_lines,
                                             reader=True)
    ncol = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[dict] = []
    last_start, last_line, last_ok = -1, 0, False
    while True:
        pos = buf.tell()
        try:
            rec = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            line = prev + 1
            raise ExportFormatError(f"{source.name}, line {line}: broken CSV quoting ({exc}). Was the file "
                                    f"edited by hand or cut off? Export it again.",
                                    file=source.name, line=line) from None
        line = prev + 1
        prev = reader.line_num + skip_lines
        if not rec or (len(rec) == 1 and not rec[0].strip()):
            continue
        last_start, last_line = pos, line
        if len(rec) != ncol:
            if len(rec) > ncol and not any(f.strip() for f in rec[ncol:]):
                rec = rec[:ncol]
            else:
                bad.append({"line": line, "column": None,
                            "reason": f"has {len(rec)} fields, the header has {ncol} (cut off, or a "
                                      f"delimiter in an unquoted cell?)"})
                last_ok = False
                continue
        rows.append(rec)
        lines.append(line)
        last_ok = True
    if last_start >= 0 and _ends_inside_quotes(text[last_start:], delim):
        reason = "the file ends inside a quoted cell that starts on this line: the file is cut off"
        if last_ok:
            rows.pop()
            lines.pop()
            bad.append({"line": last_line, "column": None, "reason": reason})
        else:
            bad[-1]["reason"] = reason
    header, rows = _drop_empty_unnamed(header, rows, source)
    _check_columns(header, header_line, source)
    names = _dedupe_names(header)
    frame = pd.DataFrame(rows, columns=names, dtype="string") if rows else \
        pd.DataFrame({h: pd.Series(dtype="string") for h in names})
    if duplicate_columns == "first":
        _note_duplicates(header, names, frame, source)
    return Records(frame, np.asarray(lines, dtype=np.int64), header, header_line, bad, delim)


def _header(text_or_buf, *, source: Source, delimiter: str | None, skip_lines: int, reader: bool = False):
    """Delimiter, header fields, where the records start and the physical lines up to the header.

    Returns ``(delimiter, header, offset of the first record, lines through the header)`` and,
    with ``reader=True`` (a StringIO given), the csv reader positioned at the first record.
    """
    buf = text_or_buf if reader else io.StringIO(text_or_buf, newline="")
    for _ in range(skip_lines):
        buf.readline()
    start = buf.tell()
    first = buf.readline()
    if not first.strip():
        raise ExportFormatError(f"{source.name}, line {skip_lines + 1}: expected a header line, found "
                                f"an empty line. Is the file empty or cut off? Export it again.",
                                file=source.name, line=skip_lines + 1)
    delim = delimiter or sniff_delimiter(first)
    buf.seek(start)
    rdr = csv.reader(buf, delimiter=delim)
    try:
        header = next(rdr)
    except csv.Error as exc:
        raise ExportFormatError(f"{source.name}, line {skip_lines + 1}: cannot read the header ({exc}).",
                                file=source.name, line=skip_lines + 1) from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    lines = rdr.line_num + skip_lines
    if reader:
        return delim, header, buf.tell(), lines, rdr
    return delim, header, buf.tell(), lines


def _check_columns(header: list[str], header_line: int, source: Source) -> None:
    if len(header) > LIMITS["max_columns"]:
        raise ExportFormatError(
            f"{source.name}, line {header_line}: the header has {len(header):,} columns, more than the limit "
            f"of {LIMITS['max_columns']:,} (no platform export has that many). If the file is right, raise "
            f"toolkit.io.LIMITS['max_columns'].", file=source.name, line=header_line)


#: ``progress=`` of the running :func:`toolkit.io.load` (None = auto), for the bar inside one large
#: file; outside ``load()`` no such bar is shown.
FILE_PROGRESS: contextvars.ContextVar[bool | None] = contextvars.ContextVar("toolkit_file_progress", default=False)
#: A file with at least this many records gets its own bar while its records are parsed.
FILE_BAR_MIN_ROWS = 200_000

#: Files smaller than this (characters after the header) always take the careful path: it is as
#: fast there, and small files are where hand-edited, hostile shapes live.
FAST_MIN_CHARS = 1 << 16
_QUOTE, _LF, _CR = 34, 10, 13


def _fast_records(text: str, start: int, header_lines: int, delim: str, ncol: int, *, source: Source | None = None
                  ) -> tuple[pd.DataFrame, np.ndarray] | None:
    """The data records after the header, read by a C parser, with the line where each starts.

    Returns ``(string frame with columns "0".."ncol-1", lines)``, or None when the file needs the
    careful, record-by-record path: a record with another field count than the header (ragged
    rows, blank-looking lines, cut-off last record), quotes that are not RFC 4180 (a quote inside
    an unquoted cell, text after a closing quote, an odd number of quotes), a lone carriage
    return, a NUL byte, or a file too small to matter.

    With RFC 4180 quoting a newline ends a record exactly when an even number of quotes comes
    before it, so record starts, their physical lines and every record's field count are found
    with a few vectorised passes over the bytes (no Python step per record); the C parser then
    yields the same cells as :mod:`csv` (a test compares both paths on every fixture).
    """
    if ncol < 2 or ncol > LIMITS["max_columns"] or len(text) - start < FAST_MIN_CHARS or ord(delim) > 127:
        return None  # (a header wider than the limit: the careful path drops empty columns cheaply)
    if source is not None and text is source._text and source._plain:
        # the file's own bytes (no copy): the text is their UTF-8 decoding
        bom = 3 if source.data.startswith(b"\xef\xbb\xbf") else 0
        body = memoryview(source.data)[bom + len(text[:start].encode("utf-8")):]
    else:
        try:
            body = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: only the careful path can show where
            return None
        body = memoryview(body)[len(text[:start].encode("utf-8")):]
    return _fast_body(body, len(text) - start, header_lines, delim, ncol, source=source)


def _fast_body(body, chars: int, header_lines: int, delim: str, ncol: int, *, source: Source | None = None
               ) -> tuple[pd.DataFrame, np.ndarray] | None:
    """:func:`_fast_records` of the UTF-8 bytes after the header (``chars`` characters)."""
    if ncol < 2 or ncol > LIMITS["max_columns"] or chars < FAST_MIN_CHARS or ord(delim) > 127:
        return None
    a = np.frombuffer(body, dtype=np.uint8)
    raw = body.obj if isinstance(body, memoryview) else body
    at = a.ctypes.data - np.frombuffer(raw, dtype=np.uint8).ctypes.data if isinstance(raw, bytes) else -1
    tail = 0 <= at and at + len(a) == len(raw)  # the tail of a bytes object: memchr, no flag per byte

    def where(byte: int) -> np.ndarray:
        if tail and raw.find(bytes([byte]), at) < 0:
            return np.zeros(0, dtype=np.intp)
        return np.flatnonzero(a == byte)
    nul = raw.find(b"\x00", at) >= 0 if tail else bool((a == 0).any())
    cr = where(_CR)
    if nul or (len(cr) and (cr[-1] == len(a) - 1 or not (a[cr + 1] == _LF).all())):
        return None  # a NUL byte, or a carriage return that does not end a line with a newline
    del cr
    q = where(_QUOTE)
    if len(q) % 2:
        return None
    end = len(a)
    if len(q):
        # even-numbered quotes open a quoted cell (or follow the closing half of a "" escape),
        # odd-numbered ones close it (or start a "" escape): anything else is not RFC 4180
        d = ord(delim)
        opening, closing = q[0::2], q[1::2]
        before = a[np.maximum(opening - 1, 0)]
        ok_open = (opening == 0) | (before == d) | (before == _LF)
        ok_open[1:] |= opening[1:] - 1 == closing[:-1]
        if not ok_open.all():
            return None
        after = a[np.minimum(closing + 1, end - 1)]
        ok_close = (closing == end - 1) | (after == d) | (after == _LF) | (after == _CR)
        ok_close[:-1] |= closing[:-1] + 1 == opening[1:]
        if not ok_close.all():
            return None
    nl = np.flatnonzero(a == _LF)
    ends = nl[np.searchsorted(q, nl) % 2 == 0]  # newlines outside quotes end a record
    starts = np.concatenate([[0], ends + 1])
    ends = np.concatenate([ends, [end]])
    if starts[-1] >= end:  # the text ends with a newline
        starts, ends = starts[:-1], ends[:-1]
    size = ends - starts
    size[(size > 0) & (a[np.maximum(ends - 1, 0)] == _CR)] -= 1
    keep = size > 0  # empty lines are not rows (the parsers skip them too)
    if not keep.any():
        return None
    lines = (header_lines + 1 + np.searchsorted(nl, starts[keep])).astype(np.int64)
    del nl, ends, size
    frame = _parse_c(a, q, starts[keep], delim, ncol, name=source.basename if source is not None else "")
    if frame is None or len(frame) != len(lines):
        return None
    return frame, lines


def _parse_c(a: np.ndarray, quotes: np.ndarray, starts: np.ndarray, delim: str, ncol: int, *, name: str = ""
             ) -> pd.DataFrame | None:
    """Well-formed CSV records (no header, bytes ``a``) as a frame of ``ncol`` string columns "0", "1", ...

    pyarrow's CSV reader when installed (Arrow strings, as pandas stores them then; it refuses a
    record with another field count), else pandas' C parser after counting every record's fields
    here (it would pad a short record). Cells are kept exactly: no NA detection, no stripping,
    no type inference. None when a record has another field count than the header.
    """
    names = [str(i) for i in range(ncol)]
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:
        pa = None
    try:
        if pa is not None:
            options = dict(
                read_options=pacsv.ReadOptions(column_names=names, use_threads=False, block_size=1 << 22),
                parse_options=pacsv.ParseOptions(delimiter=delim, quote_char='"', double_quote=True,
                                                  escape_char=False, newlines_in_values=True,
                                                  ignore_empty_lines=True),
                convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False))
            from .._progress import bar, wanted
            if len(starts) >= FILE_BAR_MIN_ROWS and wanted(FILE_PROGRESS.get()):
                # a large file: its own bar, advanced block by block (the overall bar counts files)
                batches = []
                with bar(progress=True, total=len(starts), desc=f"reading {name}".strip(), unit="row",
                         unit_scale=True, leave=False, position=1) as rows:
                    for batch in pacsv.open_csv(pa.py_buffer(a), **options):
                        batches.append(batch)
                        rows.update(batch.num_rows)
                table = pa.Table.from_batches(batches, schema=pa.schema([(n, pa.string()) for n in names]))
            else:
                table = pacsv.read_csv(pa.py_buffer(a), **options)
            dtype = pd.StringDtype()
            if dtype.storage == "pyarrow":
                return pd.DataFrame({n: pd.array(table.column(n), dtype=dtype) for n in names})
            return pd.DataFrame({n: pd.array(table.column(n).to_pylist(), dtype="string") for n in names})
        fields = np.ones(len(starts), dtype=np.int64)
        step = 1 << 24
        for lo in range(0, len(a), step):  # bounded memory: delimiter positions of one block at a time
            pos = np.flatnonzero(a[lo:lo + step] == ord(delim)) + lo
            pos = pos[np.searchsorted(quotes, pos) % 2 == 0]
            rec = np.searchsorted(starts, pos, side="right") - 1
            fields += np.bincount(rec[rec >= 0], minlength=len(starts))
        if (fields != ncol).any():
            return None
        frame = pd.read_csv(io.BytesIO(a.tobytes()), sep=delim, header=None, names=names, dtype=object,
                            na_filter=False, keep_default_na=False, index_col=False, skip_blank_lines=True,
                            quotechar='"', doublequote=True, engine="c", encoding="utf-8")
        return frame.astype("string")
    except (ValueError, pd.errors.ParserError, OSError):  # pyarrow.ArrowInvalid is a ValueError
        return None
    except Exception as exc:  # another pyarrow error: the careful path reads the file or says what is wrong
        if pa is not None and isinstance(exc, pa.lib.ArrowException):
            return None
        raise


def _drop_empty_unnamed_frame(header: list[str], frame: pd.DataFrame, source: Source
                              ) -> tuple[list[str], pd.DataFrame]:
    """:func:`_drop_empty_unnamed` for a frame (columns by position)."""
    unnamed = [i for i, h in enumerate(header) if not h]
    empty = {i for i in unnamed if not frame.iloc[:, i].str.strip().ne("").any()}
    if not empty:
        return header, frame
    keep = [i for i in range(len(header)) if i not in empty]
    source.notes.append(f"{len(empty):,} column(s) without a name and without any value ignored")
    return [header[i] for i in keep], frame.iloc[:, keep]


def _ends_inside_quotes(record_text: str, delimiter: str) -> bool:
    """True when the last CSV record runs into the end of the text inside a quoted cell (cut off)."""
    try:
        for _ in csv.reader(io.StringIO(record_text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _drop_empty_unnamed(header: list[str], rows: list[list[str]], source: Source) -> tuple[list, list]:
    """Drop columns with an empty header name and no value in any row (a spreadsheet's ``,,,,``)."""
    unnamed = [i for i, h in enumerate(header) if not h]
    if not unnamed:
        return header, rows
    empty = {i for i in unnamed if not any(r[i].strip() for r in rows)}
    if not empty:
        return header, rows
    keep = [i for i in range(len(header)) if i not in empty]
    source.notes.append(f"{len(empty):,} column(s) without a name and without any value ignored")
    if keep == list(range(len(keep))):  # only trailing columns go (the usual case): slice
        return header[:len(keep)], [r[:len(keep)] for r in rows]
    return [header[i] for i in keep], [[r[i] for i in keep] for r in rows]


def _note_duplicates(header: list[str], names: list[str], frame: pd.DataFrame, source: Source) -> None:
    """Note each header name that occurs more than once: both columns, the one read, whether they differ."""
    where: dict[str, list[int]] = {}
    for i, h in enumerate(header):
        if h:
            where.setdefault(h, []).append(i)
    for h, idx in where.items():
        if len(idx) < 2:
            continue
        first = frame[names[idx[0]]]
        for j in idx[1:]:
            other = frame[names[j]]
            differ = int((first.fillna("").str.strip() != other.fillna("").str.strip()).sum())
            same = "the same values in every row" if not differ else f"values differ in {differ:,} row(s)"
            source.notes.append(f"columns {idx[0] + 1} and {j + 1} are both named {h!r}: column {idx[0] + 1} "
                                f"(the first) is read, column {j + 1} is ignored ({same})")


def _dedupe_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for n in names:
        k = seen.get(n, 0)
        out.append(n if k == 0 else f"{n}.{k}")
        seen[n] = k + 1
    return out


# --- value parsers -------------------------------------------------------------------------------
# Each returns (values, bad_mask). Callers turn bad cells into errors or rejected rows with
# ``CellProblems``.


def per_distinct(fn):
    """Run a cell parser once per distinct value of a column and spread the results back.

    Export columns repeat themselves (dates of a day, counts such as 0 or 1, the same labels), so
    parsing the distinct cells only is several times faster on large files and gives exactly the
    same result for any parser whose answer for a cell depends on that cell alone. ``fn(s, ...)``
    returns a Series or a tuple of Series aligned with ``s``; columns that are short or mostly
    distinct are parsed as they are.
    """
    @functools.wraps(fn)
    def wrapper(s: pd.Series, *args, **kwargs):
        if len(s) < 1000 or _mostly_distinct(s):
            return fn(s, *args, **kwargs)
        codes, uniques = s.array.factorize()
        if len(uniques) > len(s) // 2:
            return fn(s, *args, **kwargs)
        # the missing value, if any, is parsed as one more distinct cell at the end
        distinct = pd.Series(uniques, dtype=s.dtype)
        if (codes < 0).any():
            distinct = pd.concat([distinct, pd.Series([None], dtype=s.dtype)], ignore_index=True)
            codes = np.where(codes < 0, len(distinct) - 1, codes)
        got = fn(distinct, *args, **kwargs)

        def spread(r: pd.Series) -> pd.Series:
            return pd.Series(r.array.take(codes), index=s.index, name=r.name)
        return tuple(spread(r) for r in got) if isinstance(got, tuple) else spread(got)
    return wrapper


def _mostly_distinct(s: pd.Series, n: int = 4096) -> bool:
    """Whether the first ``n`` cells of a long column are (nearly) all different (times, ids, texts):
    factorizing the whole column would only show that parsing per distinct value saves nothing.

    Only a shortcut: :func:`per_distinct` gives the same result either way."""
    n = min(n, len(s) // 4)  # (a column of 10,000 cells: its first 2,500)
    if n < 1000:  # (shorter columns: per_distinct's own test decides)
        return False
    head = s.iloc[:n]
    return len(head.array.unique()) > n - n // 100


def _in_arrow(s: pd.Series, pattern: str) -> bool:
    """Whether :func:`extract` runs ``pattern`` on ``s`` in Arrow: Arrow strings, and no ``(?`` construct
    but non-capturing groups ``(?:`` (lookaround, named groups and inline flags stay with pandas)."""
    return isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow" \
        and re.search(r"\(\?(?!:)", pattern) is None


def extract(s: pd.Series, pattern: str) -> pd.DataFrame:
    """``s.str.extract(pattern)`` (one column per group), run by Arrow's RE2 on Arrow strings.

    pandas runs ``str.extract`` in Python cell by cell. For patterns without lookaround or
    backreferences RE2 finds the same groups (leftmost-first, lazy quantifiers, ``.`` not matching
    a newline) once Python's Unicode classes are spelled for it: ``\\s`` as its characters,
    ``\\d`` as ``\\p{Nd}``. Other string storage: pandas' own ``str.extract``.
    """
    if not _in_arrow(s, pattern):
        return s.str.extract(pattern)
    import pyarrow as pa
    import pyarrow.compute as pc
    k = 0

    def name(m):
        nonlocal k
        k += 1
        return f"(?P<g{k - 1}>"
    rx = re.sub(r"(?<!\\)\((?!\?)", name, pattern).replace(r"\s", _WS).replace(r"\d", r"\p{Nd}")
    arr = pa.chunked_array(s.array._pa_array).cast(pa.large_string())
    fields = pc.extract_regex(arr, rx).combine_chunks().flatten()  # no match: null in every group
    return pd.DataFrame({i: pd.Series(pd.array(fields[i], dtype=s.dtype), index=s.index) for i in range(k)})


def link_segments(s: pd.Series, shape: str, picks: tuple[int, ...]) -> list[pd.Series] | None:
    """The ``/``-separated segments ``picks`` (0-based) of every cell of an Arrow string column whose
    cells all match ``shape`` (an anchored pattern, one pass in C without groups), each a Series of
    ``s``'s dtype; None when a cell is missing or does not match.

    For links of one fixed form (``https://www.tiktok.com/@user/video/123``) where the caller's
    :func:`extract` patterns can only find those segments (its tests compare both): Arrow's regex
    extraction costs about 0.3 µs a cell, this about a third of it.
    """
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow") or not len(s):
        return None
    import pyarrow.compute as pc
    arr = s.array._pa_array
    if arr.null_count or not pc.all(pc.match_substring_regex(arr, shape)).as_py():
        return None
    parts = pc.split_pattern(arr, "/", max_splits=max(picks) + 1)  # (the rest of a cell after the last pick: one more)
    return [pd.Series(pd.array(pc.list_element(parts, k), dtype=s.dtype), index=s.index) for k in picks]


def is_na_token(s: pd.Series) -> pd.Series:
    """True where a cell means "not reported" (blank, ``-``, ``N/A``, ...)."""
    return s.isna() | s.str.strip().isin(_NA_TOKENS)


#: Counts at or above this are refused: no platform reports them, and float64 (which pandas uses
#: on the way) cannot hold every integer beyond it, so they could not be stored exactly anyway.
MAX_COUNT = 2**53


def parse_int(s: pd.Series, *, thousands: str | None = ",", decimal: str = ".",
              negative: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse counts: ``"12,400"``, ``"424.0"``, ``"1.234"`` (with ``thousands="."``); NA tokens -> <NA>.

    Returns ``(Int64 series, bad mask)``. Bad: a value with a fractional part, ``inf``, a value of
    2**53 or more (``99999999999999999999999`` is not silently wrapped to a negative number), and a
    negative value unless ``negative=True`` (a count cannot be below zero).
    """
    t = s.str.strip()
    na = (t.isna() | t.isin(_NA_TOKENS)).to_numpy(dtype=bool)
    t = t.str.replace(f"[{re.escape(thousands or '')}\u202f\xa0]", "", regex=True)
    if decimal != ".":
        t = t.str.replace(decimal, ".", regex=False)
    # a copy of its own: pandas' "str" dtype hands out a read-only view of its float64 result
    num = np.array(pd.to_numeric(t, errors="coerce").to_numpy(dtype="float64", na_value=np.nan))
    num[na] = np.nan
    with np.errstate(invalid="ignore"):
        bad = ~na & (np.isnan(num) | (num % 1 != 0) | (np.abs(num) >= MAX_COUNT) | ((num < 0) & (not negative)))
    num[bad] = np.nan
    out = pd.Series(num, index=s.index).round().astype("Int64")
    return out, pd.Series(bad, index=s.index)


def parse_float(s: pd.Series, *, thousands: str | None = ",", decimal: str = ".") -> tuple[pd.Series, pd.Series]:
    """Parse decimals (percent strings like ``"6.14%"`` become 0.0614). Returns (Float64, bad mask)."""
    na = is_na_token(s)
    t = s.fillna("").str.strip()
    pct = t.str.endswith("%")
    t = t.str.rstrip("%").str.strip()
    if thousands:
        t = t.str.replace(thousands, "", regex=False)
    if decimal != ".":
        t = t.str.replace(decimal, ".", regex=False)
    # Float64 before the percents: whole numbers alone come back as Int64, where 6% (0.06) cannot go
    num = pd.to_numeric(t.where(~na), errors="coerce").astype("Float64")
    num = num.where(~pct, num / 100)
    bad = (num.isna() | (num.abs() == np.inf)).fillna(True).astype(bool) & ~na
    return num.where(~bad).astype("Float64"), bad


_TRUE = {"true", "1", "yes", "y", "ja", "wahr", "x"}
_FALSE = {"false", "0", "no", "n", "nein", "falsch", ""}


def parse_bool(s: pd.Series, *, default: bool = False) -> tuple[pd.Series, pd.Series]:
    """Parse true/false, 1/0, yes/no (ja/nein). Blank -> ``default``. Returns (bool series, bad mask)."""
    t = s.fillna("").str.strip().str.lower()
    out = t.isin(_TRUE)
    bad = ~(t.isin(_TRUE) | t.isin(_FALSE))
    out = out.where(t != "", default)
    return out.astype(bool), bad.astype(bool)


#: Python's ``\s`` (Unicode whitespace) spelled as a class of the characters themselves: ``re`` matches
#: exactly the same, and pandas can hand such a pattern to pyarrow's RE2 instead of running Python's
#: ``re`` cell by cell (it must for ``\s``, which RE2 reads as ASCII whitespace only). A test checks
#: the class against ``\s`` over every code point.
_WS = "[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_DATE_ONLY_RE = r"^\s*\d{4}-\d{2}-\d{2}\s*$".replace(r"\s", _WS)
_YEAR_MONTH_RE = r"\d{4}(?:[-/.]\d{1,2})?"
#: Times the tables can hold (nanoseconds since 1970 in int64), one day inside pandas' bounds so
#: that converting between zones cannot overflow.
_FIRST, _LAST = pd.Timestamp("1678-01-01"), pd.Timestamp("2261-12-31 23:59:59")
_FIRST_UTC, _LAST_UTC = _FIRST.tz_localize("UTC"), _LAST.tz_localize("UTC")
_OFFSET_RE = r"\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[zZ]|UTC|GMT|[+-]\d{1,2}(?::?\d{2})?)\s*$".replace(r"\s", _WS)


@per_distinct
def parse_datetime(s: pd.Series, *, tz: str | None, formats: tuple[str | None, ...] = (None,),
                   dayfirst: bool = False) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Parse timestamps to UTC.

    Values with an offset (``2024-03-31T18:00:00+02:00``, ``Z``, ``+0000``) are converted; values
    without one are local time in ``tz`` (DST-aware: a nonexistent local time moves forward, an
    ambiguous one takes the first, summer-time occurrence). Values with a date only
    (``2024-03-31``) are midnight in ``tz`` and flagged in the ``date_only`` mask.

    ``formats`` are tried in order (``None`` = ISO 8601, or day-first when ``dayfirst``).

    Returns ``(UTC series, date_only mask, bad mask)``.
    """
    iso = iso_with_zone(s)
    # a column of plain times in the first format's fixed width: read from its digits, no checks needed
    fixed, zoned = (None, False) if iso or not formats else _plain_times(s, formats[0], dayfirst)
    if fixed is not None:
        whole = _all_fixed(fixed, zoned, tz, s.index)
        if whole is not None:
            none = np.zeros(len(s), dtype=bool)
            return whole, pd.Series(none, index=s.index), pd.Series(none.copy(), index=s.index)
    if iso or fixed is not None:  # the usual export column: what the checks below would find, known up front
        t = s
        na, date_only, year_only = (np.zeros(len(s), dtype=bool) for _ in range(3))
        todo, aware = np.ones(len(s), dtype=bool), np.full(len(s), bool(iso or zoned))
    else:
        t = s.str.strip()
        na = (t.isna() | t.isin(_NA_TOKENS)).to_numpy(dtype=bool)
        t = t.fillna("")
        date_only = t.str.match(_DATE_ONLY_RE).to_numpy(dtype=bool) & ~na
        # A year alone ("2024") or a year and month are not a time: ISO 8601 parsing would make them
        # the first of January / of the month, a silently wrong date.
        year_only = ~na & t.str.fullmatch(_YEAR_MONTH_RE).to_numpy(dtype=bool)
        todo = ~na & ~year_only
        aware = t.str.contains(_OFFSET_RE, regex=True).to_numpy(dtype=bool)
    utc = np.full(len(s), np.datetime64("NaT", "ns"))
    for fmt in formats:
        for is_aware in (True, False):
            sel = todo & (aware == is_aware)
            if not sel.any():
                continue
            parsed = _iso_zoned_times(t) if iso and fmt is None and is_aware and not dayfirst else \
                fixed if fixed is not None and fmt is formats[0] and is_aware == zoned else None
            if parsed is None:
                parsed = _to_datetime(t if sel.all() else t[sel], fmt, dayfirst=dayfirst, aware=is_aware)
            # pandas reads years such as 0024 or 9999 at a coarser resolution; the tables hold
            # nanoseconds (years 1678-2261), so such values are bad cells, not an overflow later.
            ok = (parsed.notna() & (parsed >= (_FIRST_UTC if is_aware else _FIRST))
                  & (parsed <= (_LAST_UTC if is_aware else _LAST))).to_numpy(dtype=bool)
            if not ok.any():
                continue
            got = parsed[ok].astype("datetime64[ns, UTC]" if is_aware else "datetime64[ns]")
            got = got.dt.tz_convert("UTC") if is_aware else localize(got, tz or DEFAULT_TZ)
            rows = np.flatnonzero(sel)[ok]
            utc[rows] = got.dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
            todo[rows] = False
        if not todo.any():
            break
    out = pd.Series(utc, index=s.index).dt.tz_localize("UTC")
    return out, pd.Series(date_only, index=s.index), pd.Series(todo | year_only, index=s.index)


def _all_fixed(fixed: pd.Series, zoned: bool, tz: str | None, index: pd.Index) -> pd.Series | None:
    """:func:`parse_datetime`'s UTC times of a column read whole by :func:`_plain_times`, when every
    value lies in the years the tables hold (then its loop over formats takes them all from the first
    and leaves nothing for the others); None otherwise, for the loop to decide. The same steps as
    the loop's, without its masks: a test compares both."""
    i8 = fixed.array.asi8
    lo, hi = (_FIRST_UTC, _LAST_UTC) if zoned else (_FIRST, _LAST)
    if not len(i8) or i8.min() < lo.value or i8.max() > hi.value:  # (NaT is the smallest int64)
        return None
    if zoned or (tz or DEFAULT_TZ) == "UTC":  # UTC already (or local = UTC): the values are the UTC times
        utc = i8.view("datetime64[ns]")
    else:
        utc = localize(fixed, tz or DEFAULT_TZ).dt.tz_localize(None).to_numpy(dtype="datetime64[ns]")
    return pd.Series(utc, index=index).dt.tz_localize("UTC")


#: An ISO 8601 time with a zone in plain ASCII (``2024-03-31T18:00:00+02:00``, ``...Z``): not blank,
#: not an NA token, not a date or year alone, no surrounding space, and :data:`_OFFSET_RE` finds its zone.
_ISO_ZONED_RE = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,9})?)?"
                 r"(?:Z|[+-][0-9]{2}:[0-9]{2})$")


def iso_with_zone(s: pd.Series) -> bool:
    """Whether every cell of an Arrow string column is an ISO 8601 time with a zone (one pass in C).

    Then :func:`parse_datetime` knows without its four passes of checks what they would find: no
    missing value, no date or year alone, every value with a zone. False for other storage.
    """
    if not (isinstance(s.dtype, pd.StringDtype) and s.dtype.storage == "pyarrow") or not len(s):
        return False
    import pyarrow.compute as pc
    arr = s.array._pa_array
    if arr.null_count:
        return False
    if all(_iso_zoned_bytes(chunk) for chunk in arr.chunks):
        return True
    if not pc.all(pc.match_substring_regex(arr.slice(0, 1), _ISO_ZONED_RE)).as_py():
        return False  # the first cell is none (a column of naive times: no pass over all of them)
    return bool(pc.all(pc.match_substring_regex(arr, _ISO_ZONED_RE)).as_py())


def _iso_zoned_times(s: pd.Series) -> pd.Series | None:
    """``pd.to_datetime(s, utc=True, format="ISO8601")`` of a column whose cells all fit
    :data:`toolkit.io._digits.ISO_ZONED`, computed from the digits of the byte matrix (one pass per
    field, no parser per cell); None, for the parser to decide, when a field is out of its range
    anywhere (a 13th month, 31 April, hour 24, second 60, an offset beyond 14 hours, a year outside
    1678-2261) or a chunk does not fit. A test compares it with ``pd.to_datetime`` on valid and invalid cells.
    """
    ns = _digits.column_ns(s.array._pa_array, _digits.ISO_ZONED)
    if ns is None:
        return None
    return pd.Series(ns.view("datetime64[ns]"), index=s.index).dt.tz_localize("UTC")


def _iso_zoned_bytes(chunk) -> bool:
    """True when every cell of an Arrow string chunk (no nulls) is one of :data:`_digits.ISO_ZONED`
    (cells :data:`_ISO_ZONED_RE` matches), checked on its bytes as a matrix; False when not known."""
    return len(chunk) > 0 and any(_digits.fits(chunk, tpl) is not None for tpl in _digits.ISO_ZONED)


def _templates(fmt: str | None, aware: bool, dayfirst: bool = False) -> tuple:
    """The fixed-width templates that read the cells ``fmt`` reads (None: ISO 8601 without a zone)."""
    if fmt is None:
        return _digits.ISO_NAIVE if not aware and not dayfirst else ()
    tpl = _digits.template(fmt, aware)
    return (tpl,) if tpl is not None else ()


def _fixed_width_times(vals: pd.Series, fmt: str | None, aware: bool, templates: tuple | None = None
                       ) -> pd.Series | None:
    """``pd.to_datetime(vals, format=fmt, utc=aware)`` (None: ``"ISO8601"``) from the digits when every
    cell of the Arrow column has a fixed width ``fmt`` reads (:mod:`toolkit.io._digits`); None for
    pandas to decide."""
    if not (isinstance(vals.dtype, pd.StringDtype) and vals.dtype.storage == "pyarrow") or not len(vals):
        return None
    templates = _templates(fmt, aware) if templates is None else templates
    if not templates:
        return None
    ns = _digits.column_ns(vals.array._pa_array, templates)
    if ns is None:
        return None
    out = pd.Series(ns.view("datetime64[ns]"), index=vals.index)
    return out.dt.tz_localize("UTC") if aware else out


def _plain_times(s: pd.Series, fmt: str | None, dayfirst: bool) -> tuple[pd.Series | None, bool]:
    """``(times, zoned)``: :func:`_fixed_width_times` of a column whose every cell fits a template of
    ``fmt`` that holds plain times only (:func:`toolkit.io._digits.plain_time`: no blank, NA token,
    date or year alone, or zone among them), or times with a zone only (:func:`~toolkit.io._digits.zoned_time`),
    so :func:`parse_datetime` needs none of its checks; else ``(None, False)``."""
    plain = tuple(t for t in _templates(fmt, False, dayfirst) if _digits.plain_time(t))
    got = _fixed_width_times(s, fmt, False, plain) if plain else None
    if got is not None:
        return got, False
    zoned = tuple(t for t in _templates(fmt, True, dayfirst) if _digits.zoned_time(t))
    got = _fixed_width_times(s, fmt, True, zoned) if zoned else None
    return got, got is not None


def _to_datetime(vals: pd.Series, fmt: str | None, *, dayfirst: bool, aware: bool) -> pd.Series:
    """``pd.to_datetime`` of one kind of value (with or without a zone), NaT where it fails.

    pandas raises, even with ``errors="coerce"``, when values with and without a zone are mixed;
    then (rare: an offset the zone pattern does not know) the values are read one by one and a
    value of the other kind becomes NaT, so it is reported as a bad cell.
    """
    kw = {"format": "ISO8601"} if fmt is None and not dayfirst else {"dayfirst": True} if fmt is None \
        else {"format": fmt}
    fast = _fixed_width_times(vals, fmt, aware) if fmt is not None or not dayfirst else None
    if fast is not None:
        return fast
    try:
        parsed = to_datetime(vals, utc=aware, **kw)  # errors="coerce" even for folded names (_coerce)
        if pd.api.types.is_datetime64_any_dtype(parsed.dtype) and \
                (aware or not isinstance(parsed.dtype, pd.DatetimeTZDtype)):
            return parsed
    except (ValueError, TypeError, OverflowError):
        pass
    one = []
    for v in vals:
        try:
            ts = to_datetime(v, utc=aware, **kw)
        except (ValueError, TypeError, OverflowError):
            ts = pd.NaT
        keep = ts is not pd.NaT and (aware or ts.tzinfo is None) and _FIRST.year <= ts.year <= _LAST.year
        one.append(ts if keep else pd.NaT)
    return pd.Series(one, index=vals.index, dtype="datetime64[ns, UTC]" if aware else "datetime64[ns]")


def utc_times(values, *, format: str = "ISO8601") -> np.ndarray:
    """Times with a zone (API and archive JSON: ``2026-09-20T10:36:55Z``) -> UTC, once per column.

    ``values`` is a list or Series of raw JSON values. Returns naive ``datetime64[ns]`` UTC wall
    times, ``NaT`` where a value cannot be read: not a time, outside the years the tables hold
    (1678-2261), or not a string (a number, a list) that a scalar parse cannot read either.
    JSON loaders call this once over a column and look rows up in the result, instead of one
    ``pd.to_datetime`` per record (100x slower on a million records).
    """
    vals = pd.Series(values, dtype=object).to_numpy() if not isinstance(values, pd.Series) else \
        values.to_numpy(dtype=object)
    out = np.full(len(vals), np.datetime64("NaT"), dtype="datetime64[ns]")
    is_str = np.fromiter((isinstance(v, str) for v in vals), dtype=bool, count=len(vals))
    if is_str.any():
        got = to_datetime(pd.Series(vals[is_str], dtype=object), utc=True, format=format)
        out[is_str] = got.astype("datetime64[ns, UTC]").dt.tz_localize(None).to_numpy()
    for j in np.flatnonzero(~is_str):
        v = vals[j]
        if v is None or isinstance(v, (bool, int, float)):
            continue  # pandas reads numbers with a format as NaT (and will read them as epochs)
        try:
            t = to_datetime(v, utc=True, format=format)
        except (TypeError, ValueError, OverflowError):
            continue
        if isinstance(t, pd.Timestamp) and pd.notna(t) and _FIRST.year <= t.year <= _LAST.year:
            out[j] = t.tz_convert("UTC").tz_localize(None).as_unit("ns").to_datetime64()
    return out


def localize(naive: pd.Series, tz: str) -> pd.Series:
    """Attach ``tz`` to naive local times and convert to UTC, across daylight-saving changes.

    A local time that does not exist (the spring-forward hour) moves forward; an ambiguous one
    (the repeated autumn hour) is read as the first, daylight-saving occurrence.
    """
    if tz == "UTC":
        return naive.dt.tz_localize("UTC")
    flags = np.ones(len(naive), dtype=bool)
    return naive.dt.tz_localize(tz, nonexistent="shift_forward", ambiguous=flags).dt.tz_convert("UTC")


class CellProblems:
    """Collects bad cells of one source and turns them into an error or rejected rows.

    With ``errors="raise"`` :meth:`finish` raises one :class:`ExportFormatError` naming the file,
    the first bad lines and columns, the values found and what was expected, and the count.
    With ``errors="reject"`` the rows are dropped from the frame and listed with their reasons.
    """

    def __init__(self, source: Source, records_lines: np.ndarray, table: str) -> None:
        self.source = source
        self.lines = records_lines
        self.table = table
        self.items: list[tuple[np.ndarray, str, pd.Series, str]] = []

    def add(self, mask: pd.Series, column: str, values: pd.Series, expected: str) -> None:
        """Record that the cells of ``column`` selected by ``mask`` did not parse as ``expected``."""
        m = np.asarray(mask, dtype=bool)
        if m.any():
            self.items.append((m, column, values, expected))

    def finish(self, frame: pd.DataFrame, ctx: Context, parsed: Parsed, *, hint: str = "") -> pd.DataFrame:
        """Raise (``errors="raise"``) or drop and record the bad rows (``errors="reject"``)."""
        if not self.items:
            return frame
        if ctx.errors == "raise":
            first = []
            total = 0
            for m, col, vals, expected in self.items:
                idx = np.flatnonzero(m)
                total += len(idx)
                for i in idx[:3]:
                    first.append((int(self.lines[i]), col, vals.iloc[i], expected))
            first.sort()
            line, col, val, expected = first[0]
            more = f" ({total} bad cell(s) in all; first at lines {sorted({f[0] for f in first})[:5]})" \
                if total > 1 else ""
            raise ExportFormatError(
                f"{self.source.name}, line {line}, column '{col}': cannot read {val!r} as {expected}"
                f"{_why(val, expected)}{more}. "
                f"{hint or 'Fix the cell or export the file again'}; or pass errors='reject' to load() to "
                f"skip bad rows and list them in the load report.",
                file=self.source.name, line=line, column=col)
        drop = np.zeros(len(frame), dtype=bool)
        for m, col, vals, expected in self.items:
            for i in np.flatnonzero(m & ~drop):
                val = vals.iloc[i]
                parsed.rejected.append({"table": self.table, "line": int(self.lines[i]), "column": col,
                                        "reason": f"cannot read {val!r} as {expected}{_why(val, expected)}"})
            drop |= m
        return frame.loc[~drop].reset_index(drop=True)


_NEGATIVE_RE = re.compile(r"^\s*-\s*[\d.,\s\u202f\xa0]*\d[\d.,\s\u202f\xa0]*$")
_HUGE_RE = re.compile(r"^\s*[+-]?[\d.,\s\u202f\xa0]*(?:\d[.,\s\u202f\xa0]*){16,}(?:[eE][+]?\d+)?\s*$|"
                      r"^\s*[+-]?\d+(?:[.,]\d+)?[eE][+]?\d{2,}\s*$")
_YEAR_RE = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _why(value, expected: str) -> str:
    """Why a cell is bad, when the value shows it: '': negative count, infinity, too large, year alone.

    Appended to "cannot read VALUE as EXPECTED" in error messages and rejection reasons.
    """
    if not isinstance(value, str):
        return ""
    v = value.strip()
    low = v.lower().lstrip("+-")
    if "number" in expected or "count" in expected:
        if low in ("inf", "infinity", "∞"):
            return " (infinite)"
        if _HUGE_RE.match(v):
            return f" (larger than any real count; the limit is {MAX_COUNT:,})"
        if _NEGATIVE_RE.match(v) and "whole number" in expected:
            return " (a count cannot be negative)"
    elif any(w in expected for w in ("date", "time")):
        if re.fullmatch(_YEAR_MONTH_RE, v):
            return " (a year alone, or year and month, is not a date)"
        years = _YEAR_RE.findall(v)
        if len(years) == 1 and not _FIRST.year <= int(years[0]) <= _LAST.year:
            return f" (year {years[0]} is outside the supported {_FIRST.year}-{_LAST.year})"
    return ""

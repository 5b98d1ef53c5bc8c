"""The ZIP gazetteer's prebuilt file: the tables place lookups need, in a form that loads in a millisecond.

Building them from ``zipcodes`` takes about 1.5 s, which a process's first search used to pay. geo.py
builds them once and this module keeps them in a file: a handful of large strings and arrays
(``PackedTable``), not 100,000 small objects, so reading it back costs about what reading the bytes
does. The file's key names what made it (geo.py's and zip_index.py's code, the ``zipcodes`` version,
the file format, Python); a file with another key, cut short or damaged (its checksum) is rebuilt,
never trusted. It is written to a temporary file and renamed, so two processes building at once
each leave a whole file and a reader never sees half of one.
"""

from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import tempfile
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import accumulate
from pathlib import Path

from centers.zip_index import ZipIndex

logger = logging.getLogger(__name__)

# Bump when the layout of the file changes (the code that fills it is in the key already).
FORMAT_VERSION = 1
MAGIC = b"FINDER-PLACES\n"
_KEY_SEPARATOR = "\t"  # joins the parts of a key ("FULTON", "GA"); names hold letters only
_LIST_SEPARATOR = "\n"


class StringColumn(Sequence[str]):
    """Strings packed into one ``str`` with their offsets: one object to load instead of thousands."""

    def __init__(self, text: str, offsets: array):
        self.text, self.offsets = text, offsets

    @classmethod
    def pack(cls, strings: Iterable[str]) -> StringColumn:
        strings = list(strings)
        return cls("".join(strings), array("i", accumulate(map(len, strings), initial=0)))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self.text[self.offsets[index] : self.offsets[index + 1]]


class PackedTable(Mapping):
    """A read-only dict packed in columns; ``get`` bisects its sorted keys (about 16 steps for 42,000).

    Keys are strings or tuples of strings; values are tuples whose items are described by ``kinds``:
    "f" a float, "s" a string, "t" a tuple of strings. With a single kind the value is that item alone.
    """

    def __init__(self, kinds: str, keys: StringColumn, columns: list[array | StringColumn], tuple_keys: bool):
        self.kinds, self.keys_column, self.columns, self.tuple_keys = kinds, keys, columns, tuple_keys

    @classmethod
    def pack(cls, table: Mapping, kinds: str) -> PackedTable:
        tuple_keys = any(isinstance(key, tuple) for key in table)
        encoded = sorted((cls._encode(key, tuple_keys), value) for key, value in table.items())
        rows = [value if len(kinds) > 1 else (value,) for _, value in encoded]
        columns: list[array | StringColumn] = []
        for position, kind in enumerate(kinds):
            items = [row[position] for row in rows]
            if kind == "f":
                columns.append(array("d", items))
            elif kind == "s":
                columns.append(StringColumn.pack(items))
            else:
                columns.append(StringColumn.pack(_LIST_SEPARATOR.join(item) for item in items))
        return cls(kinds, StringColumn.pack(key for key, _ in encoded), columns, tuple_keys)

    @staticmethod
    def _encode(key, tuple_keys: bool) -> str:
        return _KEY_SEPARATOR.join(key) if tuple_keys else key

    def _row(self, index: int):
        values = []
        for kind, column in zip(self.kinds, self.columns, strict=True):
            value = column[index]
            values.append(tuple(value.split(_LIST_SEPARATOR)) if kind == "t" else value)
        return tuple(values) if len(values) > 1 else values[0]

    def _key(self, index: int):
        key = self.keys_column[index]
        return tuple(key.split(_KEY_SEPARATOR)) if self.tuple_keys else key

    def __getitem__(self, key):
        if not isinstance(key, tuple if self.tuple_keys else str):
            raise KeyError(key)
        encoded = self._encode(key, self.tuple_keys)
        index = bisect_left(self.keys_column, encoded)
        if index < len(self.keys_column) and self.keys_column[index] == encoded:
            return self._row(index)
        raise KeyError(key)

    def __iter__(self) -> Iterator:
        return (self._key(index) for index in range(len(self)))

    def __len__(self) -> int:
        return len(self.keys_column)

    def values(self):  # by position: Mapping's own would look every key up again
        return [self._row(index) for index in range(len(self))]

    def items(self):
        return [(self._key(index), self._row(index)) for index in range(len(self))]

    def parts(self) -> tuple:
        """This table as strings and bytes, for ``from_parts()``."""
        columns = [(c.text, c.offsets.tobytes()) if isinstance(c, StringColumn) else c.tobytes() for c in self.columns]
        keys = (self.keys_column.text, self.keys_column.offsets.tobytes())
        return (self.kinds, self.tuple_keys, keys, columns)

    @classmethod
    def from_parts(cls, parts: tuple) -> PackedTable:
        kinds, tuple_keys, (key_text, key_offsets), column_parts = parts
        keys = StringColumn(key_text, array("i", key_offsets))
        columns: list[array | StringColumn] = []
        for kind, part in zip(kinds, column_parts, strict=True):
            columns.append(array("d", part) if kind == "f" else StringColumn(part[0], array("i", part[1])))
        if any(len(column) != len(keys) for column in columns) or keys.offsets[-1] != len(key_text):
            raise ValueError("the columns of a packed table do not fit together")
        return cls(kinds, keys, columns, tuple_keys)


def file_key(version: str, sources: Iterable[str]) -> bytes:
    """What a file must have been written with to be read: the code that fills it, and all it depends on."""
    digest = hashlib.sha256(f"{FORMAT_VERSION}|{version}|{sys.version_info[:2]}|{sys.byteorder}".encode())
    for source in [__file__, *sources]:
        try:
            digest.update(Path(source).read_bytes())
        except OSError:  # only the compiled code is deployed: the package version must do
            digest.update(source.encode())
    return digest.hexdigest().encode()


def read(path: Path, key: bytes):
    """The parts stored at ``path``, or None if it is missing, was written for another key, or is damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = MAGIC + key + b"\n"
    if not data.startswith(header) or len(data) < len(header) + 12:
        return None
    length = int.from_bytes(data[len(header) : len(header) + 8], "little")
    checksum = int.from_bytes(data[len(header) + 8 : len(header) + 12], "little")
    payload = memoryview(data)[len(header) + 12 :]
    if len(payload) != length or zlib.crc32(payload) != checksum:
        return None
    try:
        return marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return None


def write(path: Path, key: bytes, parts) -> None:
    """Store ``parts`` (marshal-able) at ``path``, atomically: a temporary file in its folder, then a rename."""
    payload = marshal.dumps(parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(MAGIC + key + b"\n")
            file.write(len(payload).to_bytes(8, "little") + zlib.crc32(payload).to_bytes(4, "little"))
            file.write(payload)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def pack(tables: dict, kinds: dict[str, str]) -> dict:
    """The parts to store for ``tables``: each table named in ``kinds`` packed as those kinds, and the ZipIndex."""
    parts = {name: PackedTable.pack(tables[name], table_kinds).parts() for name, table_kinds in kinds.items()}
    return {**parts, "index": tables["index"].parts()}


def unpack(parts: dict, kinds: dict[str, str]) -> dict:
    """The tables (PackedTables, and the ZipIndex) from stored parts; ValueError if they don't fit ``kinds``."""
    tables = {name: PackedTable.from_parts(parts[name]) for name in kinds}
    if any(table.kinds != kinds[name] for name, table in tables.items()):
        raise ValueError("the tables were packed differently")
    return {**tables, "index": ZipIndex.from_parts(parts["index"])}


def configured_path() -> Path | None:
    """Where the place index lives: ``settings.FINDER_PLACE_INDEX``, or nowhere (built in memory) when it is ""."""
    from django.conf import settings

    return Path(settings.FINDER_PLACE_INDEX) if settings.FINDER_PLACE_INDEX else None


def load_or_build(path: Path | None, key: bytes, build: Callable[[], dict], kinds: dict[str, str]) -> dict:
    """The tables from the file at ``path``; if it is unusable, ``build()`` them, and store them for next time.

    ``build()`` returns plain dicts and a ZipIndex; they are packed (and unpacked) before use either
    way, so a process that built the tables answers exactly as one that read them. A file that cannot
    be written (a read-only deployment) is logged, and the tables are used from memory: this process
    paid for building them, and the next one will too.
    """
    if path is not None:
        parts = read(path, key)
        if parts is not None:
            try:
                return unpack(parts, kinds)
            except (KeyError, TypeError, ValueError, IndexError) as error:  # whole, but not what this code needs
                logger.warning("Rebuilding the place index %s: %s", path, error)
    parts = pack(build(), kinds)
    if path is not None:
        try:
            write(path, key, parts)
        except OSError as error:
            logger.warning(
                "Could not write the place index to %s (%s); using it from memory. Run `manage.py "
                "build_place_index` when deploying, or set FINDER_PLACE_INDEX to a writable file.",
                path,
                error,
            )
    return unpack(parts, kinds)


# Building: the centre of a city or county is the mean of its ZIP centres --------------------------


def add_to_centre(
    sums: dict[tuple[str, str], list], key: tuple[str, str], latitude: float, longitude: float, label: str
):
    """Running sums for a place's centre (the mean of its ZIP centres) and its number of ZIP codes."""
    entry = sums.get(key)
    if entry is None:
        sums[key] = [latitude, longitude, 1, label]
    else:
        entry[0] += latitude
        entry[1] += longitude
        entry[2] += 1


def centres_of(sums: dict[tuple[str, str], list]) -> dict[tuple[str, str], tuple[float, float, str]]:
    return {key: (lat_sum / count, lng_sum / count, label) for key, (lat_sum, lng_sum, count, label) in sums.items()}


def states_by_size(sums: dict[tuple[str, str], list], sizes: dict[tuple[str, str], int]) -> dict[str, tuple]:
    """For each name, its states by ``sizes``, then by all the ZIP codes with that name, then alphabetically."""
    by_name: dict[str, list[str]] = {}
    for name, state in sums:
        by_name.setdefault(name, []).append(state)
    for name, states in by_name.items():
        if len(states) > 1:  # most names belong to one state
            states.sort(key=lambda state: (-sizes.get((name, state), 0), -sums[name, state][2], state))  # noqa: B023
    return {name: tuple(states) for name, states in by_name.items()}

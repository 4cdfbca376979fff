"""Arrow logical types, fields and schemas (immutable, compared by value).

The classes mirror the C# side (``src/DataBridge/Arrow/Types/``) and the flatbuffer ``Type`` union of
Arrow's ``Schema.fbs``. Enum values equal the wire values.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import ClassVar, Iterable, Mapping, Optional, Tuple

__all__ = [
    "TimeUnit", "DateUnit", "Precision", "IntervalUnit", "UnionMode",
    "DataType", "Null", "Bool", "Int", "FloatingPoint", "Utf8", "LargeUtf8", "Binary", "LargeBinary",
    "FixedSizeBinary", "Date", "Time", "Timestamp", "Duration", "Interval", "Decimal", "List", "LargeList",
    "FixedSizeList", "Struct", "Map", "Union", "Dictionary", "BinaryView", "Utf8View", "ListView",
    "LargeListView", "RunEndEncoded", "Field", "Schema", "Metadata", "classic_type",
    "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float16", "float32", "float64",
    "utf8", "binary", "bool_", "null", "fixed_width",
]

Metadata = Tuple[Tuple[str, str], ...]
"""Custom metadata: ``(key, value)`` pairs in wire order (duplicates kept)."""


class TimeUnit(enum.IntEnum):
    """Unit of time, timestamp and duration values (wire values of ``Schema.fbs`` ``TimeUnit``)."""

    SECOND = 0
    MILLISECOND = 1
    MICROSECOND = 2
    NANOSECOND = 3


class DateUnit(enum.IntEnum):
    """Unit of date values: DAY = date32 (days), MILLISECOND = date64 (ms since the epoch)."""

    DAY = 0
    MILLISECOND = 1


class Precision(enum.IntEnum):
    """Floating-point precision: HALF (16 bit), SINGLE (32), DOUBLE (64)."""

    HALF = 0
    SINGLE = 1
    DOUBLE = 2


class IntervalUnit(enum.IntEnum):
    """Interval layouts: YEAR_MONTH (int32 months), DAY_TIME (2 x int32), MONTH_DAY_NANO (16 bytes)."""

    YEAR_MONTH = 0
    DAY_TIME = 1
    MONTH_DAY_NANO = 2


class UnionMode(enum.IntEnum):
    """Union layout: SPARSE (children as long as the union) or DENSE (int32 offsets into children)."""

    SPARSE = 0
    DENSE = 1


def _meta(pairs: "Iterable[Tuple[str, str]] | Mapping[str, str]") -> Metadata:
    if isinstance(pairs, Mapping):
        pairs = pairs.items()
    return tuple((str(k), str(v)) for k, v in pairs)


class DataType:
    """Base of every Arrow type. Subclasses are frozen dataclasses: equal when their parameters are."""

    name: ClassVar[str] = ""
    """The type's name in Arrow integration JSON (``"int"``, ``"utf8"``, ...)."""

    @property
    def children(self) -> Tuple["Field", ...]:
        """Child fields of nested types (empty for flat types)."""
        return ()


    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class Null(DataType):
    """All values null; no buffers."""

    name: ClassVar[str] = "null"


@dataclass(frozen=True)
class Bool(DataType):
    """Booleans, bit-packed (LSB first)."""

    name: ClassVar[str] = "bool"


@dataclass(frozen=True)
class Int(DataType):
    """Integers of 8, 16, 32 or 64 bits, signed or not."""

    bit_width: int = 32
    signed: bool = True
    name: ClassVar[str] = "int"

    def __post_init__(self) -> None:
        if self.bit_width not in (8, 16, 32, 64):
            raise ValueError(f"integer bit width must be 8, 16, 32 or 64, not {self.bit_width}")


    def __str__(self) -> str:
        return f"{'' if self.signed else 'u'}int{self.bit_width}"


@dataclass(frozen=True)
class FloatingPoint(DataType):
    """IEEE 754 floats: half, single or double precision."""

    precision: Precision = Precision.DOUBLE
    name: ClassVar[str] = "floatingpoint"

    def __post_init__(self) -> None:
        object.__setattr__(self, "precision", Precision(self.precision))


    def __str__(self) -> str:
        return f"float{16 << self.precision}"


@dataclass(frozen=True)
class Utf8(DataType):
    """UTF-8 strings with int32 offsets."""

    name: ClassVar[str] = "utf8"


@dataclass(frozen=True)
class LargeUtf8(DataType):
    """UTF-8 strings with int64 offsets."""

    name: ClassVar[str] = "largeutf8"


@dataclass(frozen=True)
class Binary(DataType):
    """Byte strings with int32 offsets."""

    name: ClassVar[str] = "binary"


@dataclass(frozen=True)
class LargeBinary(DataType):
    """Byte strings with int64 offsets."""

    name: ClassVar[str] = "largebinary"


@dataclass(frozen=True)
class FixedSizeBinary(DataType):
    """Byte strings of exactly ``byte_width`` bytes."""

    byte_width: int = 1
    name: ClassVar[str] = "fixedsizebinary"

    def __post_init__(self) -> None:
        if self.byte_width < 0:
            raise ValueError("fixed-size binary width must be >= 0")


    def __str__(self) -> str:
        return f"fixed_size_binary[{self.byte_width}]"


@dataclass(frozen=True)
class Date(DataType):
    """Dates: DAY = int32 days since 1970-01-01, MILLISECOND = int64 ms since the epoch."""

    unit: DateUnit = DateUnit.DAY
    name: ClassVar[str] = "date"

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", DateUnit(self.unit))


    def __str__(self) -> str:
        return "date32" if self.unit == DateUnit.DAY else "date64"


@dataclass(frozen=True)
class Time(DataType):
    """Time of day since midnight: 32-bit (s, ms) or 64-bit (us, ns)."""

    unit: TimeUnit = TimeUnit.MILLISECOND
    bit_width: int = 32
    name: ClassVar[str] = "time"

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", TimeUnit(self.unit))
        if self.bit_width not in (32, 64):
            raise ValueError(f"time bit width must be 32 or 64, not {self.bit_width}")


    def __str__(self) -> str:
        return f"time{self.bit_width}[{self.unit.name.lower()}]"


@dataclass(frozen=True)
class Timestamp(DataType):
    """int64 time since the Unix epoch in ``unit``; ``tz`` (IANA name or ``+HH:MM``) or None (naive)."""

    unit: TimeUnit = TimeUnit.MICROSECOND
    tz: Optional[str] = None
    name: ClassVar[str] = "timestamp"

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", TimeUnit(self.unit))


    def __str__(self) -> str:
        return f"timestamp[{self.unit.name.lower()}{', ' + self.tz if self.tz is not None else ''}]"


@dataclass(frozen=True)
class Duration(DataType):
    """int64 elapsed time in ``unit``."""

    unit: TimeUnit = TimeUnit.MILLISECOND
    name: ClassVar[str] = "duration"

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", TimeUnit(self.unit))


    def __str__(self) -> str:
        return f"duration[{self.unit.name.lower()}]"


@dataclass(frozen=True)
class Interval(DataType):
    """Calendar intervals; see :class:`IntervalUnit` for the layouts."""

    unit: IntervalUnit = IntervalUnit.YEAR_MONTH
    name: ClassVar[str] = "interval"

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", IntervalUnit(self.unit))


    def __str__(self) -> str:
        return f"interval[{self.unit.name.lower()}]"


@dataclass(frozen=True)
class Decimal(DataType):
    """Fixed-point decimals: two's complement unscaled integers of ``bit_width`` (32/64/128/256) bits."""

    precision: int = 38
    scale: int = 0
    bit_width: int = 128
    name: ClassVar[str] = "decimal"

    def __post_init__(self) -> None:
        if self.bit_width not in (32, 64, 128, 256):
            raise ValueError(f"decimal bit width must be 32, 64, 128 or 256, not {self.bit_width}")


    def __str__(self) -> str:
        return f"decimal{self.bit_width}({self.precision}, {self.scale})"


@dataclass(frozen=True)
class List(DataType):
    """Variable-length lists (int32 offsets) of ``field``'s type."""

    field: "Field"
    name: ClassVar[str] = "list"

    @property
    def children(self) -> Tuple["Field", ...]:
        return (self.field,)

    def __str__(self) -> str:
        return f"list<{self.field}>"


@dataclass(frozen=True)
class LargeList(DataType):
    """Variable-length lists (int64 offsets) of ``field``'s type."""

    field: "Field"
    name: ClassVar[str] = "largelist"

    @property
    def children(self) -> Tuple["Field", ...]:
        return (self.field,)

    def __str__(self) -> str:
        return f"large_list<{self.field}>"


@dataclass(frozen=True)
class FixedSizeList(DataType):
    """Lists of exactly ``size`` items of ``field``'s type."""

    field: "Field"
    size: int
    name: ClassVar[str] = "fixedsizelist"

    def __post_init__(self) -> None:
        if self.size < 0:
            raise ValueError("fixed-size list size must be >= 0")

    @property
    def children(self) -> Tuple["Field", ...]:
        return (self.field,)

    def __str__(self) -> str:
        return f"fixed_size_list<{self.field}>[{self.size}]"


@dataclass(frozen=True)
class Struct(DataType):
    """Records of named child fields (names may repeat)."""

    fields: Tuple["Field", ...] = ()
    name: ClassVar[str] = "struct"

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(self.fields))

    @property
    def children(self) -> Tuple["Field", ...]:
        return self.fields

    def __str__(self) -> str:
        return f"struct<{', '.join(str(f) for f in self.fields)}>"


@dataclass(frozen=True)
class Map(DataType):
    """Maps: a list of ``entries`` structs ``<key (not null), value>``."""

    entries: "Field"
    keys_sorted: bool = False
    name: ClassVar[str] = "map"

    @staticmethod
    def of(key_type: DataType, value_type: DataType, keys_sorted: bool = False) -> "Map":
        """A map with the conventional child names ``entries``/``key``/``value``."""
        entries = Field("entries", Struct((Field("key", key_type, False), Field("value", value_type))), False)
        return Map(entries, keys_sorted)

    @property
    def children(self) -> Tuple["Field", ...]:
        return (self.entries,)

    @property
    def key_field(self) -> "Field":
        return self.entries.type.children[0]

    @property
    def item_field(self) -> "Field":
        return self.entries.type.children[1]

    def __str__(self) -> str:
        return f"map<{self.entries}{', sorted' if self.keys_sorted else ''}>"


@dataclass(frozen=True)
class Union(DataType):
    """Tagged unions; ``type_ids[i]`` is the int8 tag of ``fields[i]`` (default 0..n-1)."""

    fields: Tuple["Field", ...] = ()
    mode: UnionMode = UnionMode.SPARSE
    type_ids: Optional[Tuple[int, ...]] = None
    name: ClassVar[str] = "union"

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(self.fields))
        object.__setattr__(self, "mode", UnionMode(self.mode))
        ids = tuple(range(len(self.fields))) if self.type_ids is None else tuple(int(i) for i in self.type_ids)
        if len(ids) != len(self.fields):
            raise ValueError("a union needs one type id per child")
        if any(i < 0 or i > 127 for i in ids) or len(set(ids)) != len(ids):
            raise ValueError("union type ids must be distinct and within 0..127")
        object.__setattr__(self, "type_ids", ids)

    @property
    def children(self) -> Tuple["Field", ...]:
        return self.fields

    def child_index(self, type_id: int) -> int:
        """Index of the child tagged ``type_id``, or -1."""
        assert self.type_ids is not None
        try:
            return self.type_ids.index(type_id)
        except ValueError:
            return -1

    def __str__(self) -> str:
        assert self.type_ids is not None
        kids = ", ".join(f"{f}={i}" for f, i in zip(self.fields, self.type_ids))
        return f"{self.mode.name.lower()}_union<{kids}>"


@dataclass(frozen=True)
class Dictionary(DataType):
    """Dictionary encoding: ``index_type`` indices into a dictionary of ``value_type`` values.

    ``id`` binds the field to its DictionaryBatch messages (None: the writer assigns one).
    """

    index_type: Int = Int(32, True)
    value_type: DataType = Utf8()
    ordered: bool = False
    id: Optional[int] = None
    name: ClassVar[str] = "dictionary"

    def __post_init__(self) -> None:
        if not isinstance(self.index_type, Int):
            raise TypeError("dictionary indices must be an Int type")
        if isinstance(self.value_type, Dictionary):
            raise TypeError("a dictionary's values cannot themselves be dictionary-encoded")

    @property
    def children(self) -> Tuple["Field", ...]:
        return self.value_type.children


    def __str__(self) -> str:
        return f"dictionary<values={self.value_type}, indices={self.index_type}{', ordered' if self.ordered else ''}>"


@dataclass(frozen=True)
class BinaryView(DataType):
    """Byte strings as 16-byte views: up to 12 bytes inline, longer ones in variadic data buffers."""

    name: ClassVar[str] = "binaryview"

    def __str__(self) -> str:
        return "binary_view"


@dataclass(frozen=True)
class Utf8View(DataType):
    """UTF-8 strings as 16-byte views (the layout of :class:`BinaryView`)."""

    name: ClassVar[str] = "utf8view"

    def __str__(self) -> str:
        return "string_view"


@dataclass(frozen=True)
class ListView(DataType):
    """Lists given by an int32 offset *and* size per slot into ``field``'s child (any order)."""

    field: "Field"
    name: ClassVar[str] = "listview"

    @property
    def children(self) -> Tuple["Field", ...]:
        return (self.field,)

    def __str__(self) -> str:
        return f"list_view<{self.field}>"


@dataclass(frozen=True)
class LargeListView(DataType):
    """:class:`ListView` with int64 offsets and sizes."""

    field: "Field"
    name: ClassVar[str] = "largelistview"

    @property
    def children(self) -> Tuple["Field", ...]:
        return (self.field,)

    def __str__(self) -> str:
        return f"large_list_view<{self.field}>"


@dataclass(frozen=True)
class RunEndEncoded(DataType):
    """Runs of equal values: child ``run_ends`` (int16/32/64, strictly increasing logical ends, no nulls)
    and child ``values`` (one value per run, any type)."""

    run_ends: "Field"
    values: "Field"
    name: ClassVar[str] = "runendencoded"

    def __post_init__(self) -> None:
        ty = self.run_ends.type
        if not isinstance(ty, Int) or not ty.signed or ty.bit_width not in (16, 32, 64):
            raise TypeError(f"run ends must be int16, int32 or int64, not {ty}")

    @staticmethod
    def of(value_type: DataType, run_end_type: Optional["Int"] = None) -> "RunEndEncoded":
        """A run-end encoded type with the conventional child names ``run_ends``/``values``."""
        return RunEndEncoded(Field("run_ends", run_end_type or Int(32), False), Field("values", value_type))

    @property
    def children(self) -> Tuple["Field", ...]:
        return (self.run_ends, self.values)

    def __str__(self) -> str:
        return f"run_end_encoded<{self.run_ends.type}, {self.values.type}>"


@dataclass(frozen=True)
class Field:
    """A named, typed column or child; ``metadata`` keeps custom key/value pairs in order."""

    name: str
    type: DataType
    nullable: bool = True
    metadata: Metadata = ()

    def __post_init__(self) -> None:
        if not isinstance(self.type, DataType):
            raise TypeError(f"field {self.name!r}: type must be a DataType, not {type(self.type).__name__}")
        object.__setattr__(self, "metadata", _meta(self.metadata))

    @property
    def extension_name(self) -> Optional[str]:
        """The ``ARROW:extension:name`` metadata value, if any."""
        for k, v in self.metadata:
            if k == "ARROW:extension:name":
                return v
        return None

    def with_type(self, type: DataType) -> "Field":
        return Field(self.name, type, self.nullable, self.metadata)

    def with_name(self, name: str) -> "Field":
        return Field(name, self.type, self.nullable, self.metadata)

    def __str__(self) -> str:
        return f"{self.name}: {self.type}{'' if self.nullable else ' not null'}"


@dataclass(frozen=True)
class Schema:
    """The fields of a stream, plus schema-level custom metadata."""

    fields: Tuple[Field, ...] = ()
    metadata: Metadata = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(self.fields))
        object.__setattr__(self, "metadata", _meta(self.metadata))

    @property
    def names(self) -> Tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def index(self, name: str) -> int:
        """Index of the first field called ``name`` (KeyError when absent)."""
        for i, f in enumerate(self.fields):
            if f.name == name:
                return i
        raise KeyError(name)

    def field(self, key: "int | str") -> Field:
        return self.fields[key] if isinstance(key, int) else self.fields[self.index(key)]

    def __len__(self) -> int:
        return len(self.fields)

    def __str__(self) -> str:
        return "\n".join(str(f) for f in self.fields)


int8, int16, int32, int64 = Int(8), Int(16), Int(32), Int(64)
uint8, uint16, uint32, uint64 = Int(8, False), Int(16, False), Int(32, False), Int(64, False)
float16, float32, float64 = FloatingPoint(Precision.HALF), FloatingPoint(Precision.SINGLE), FloatingPoint(Precision.DOUBLE)
utf8, binary, bool_, null = Utf8(), Binary(), Bool(), Null()


def fixed_width(t: DataType) -> int:
    """Bytes per value of a fixed-width type (indices for dictionaries); 0 for every other type."""
    if isinstance(t, (Int, Decimal, Time)):
        return t.bit_width // 8
    if isinstance(t, FloatingPoint):
        return (2, 4, 8)[t.precision]
    if isinstance(t, Date):
        return 4 if t.unit == DateUnit.DAY else 8
    if isinstance(t, (Timestamp, Duration)):
        return 8
    if isinstance(t, Interval):
        return (4, 8, 16)[t.unit]
    if isinstance(t, FixedSizeBinary):
        return t.byte_width
    if isinstance(t, Dictionary):
        return t.index_type.bit_width // 8
    return 0


def classic_type(ty: DataType) -> DataType:
    """``ty`` with the layouts that have an older equivalent replaced by it, at every depth: binary and
    utf8 views → binary / utf8, list views → list / large list, run-end encoded → its values' type.
    What the writer emits by default when Python code returns such data (the values are the same)."""
    if isinstance(ty, BinaryView):
        return Binary()
    if isinstance(ty, Utf8View):
        return Utf8()
    if isinstance(ty, RunEndEncoded):
        return classic_type(ty.values.type)
    if isinstance(ty, Dictionary):
        value_type = classic_type(ty.value_type)
        if isinstance(value_type, Dictionary):  # a run-end encoded dictionary inside a dictionary
            value_type = value_type.value_type
        return ty if value_type == ty.value_type else Dictionary(ty.index_type, value_type, ty.ordered, ty.id)
    kids = ty.children
    if not kids:
        return ty
    new = tuple(f.with_type(classic_type(f.type)) for f in kids)
    if isinstance(ty, ListView):
        return List(new[0])
    if isinstance(ty, LargeListView):
        return LargeList(new[0])
    if all(a.type is b.type or a.type == b.type for a, b in zip(kids, new)):
        return ty
    if isinstance(ty, List):
        return List(new[0])
    if isinstance(ty, LargeList):
        return LargeList(new[0])
    if isinstance(ty, FixedSizeList):
        return FixedSizeList(new[0], ty.size)
    if isinstance(ty, Map):
        return Map(new[0], ty.keys_sorted)
    if isinstance(ty, Struct):
        return Struct(new)
    if isinstance(ty, Union):
        return Union(new, ty.mode, ty.type_ids)
    return ty  # pragma: no cover - every nested type is listed above

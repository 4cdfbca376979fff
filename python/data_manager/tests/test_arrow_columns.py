"""Columns and record batches: natural and storage values, builders, slices, type inference."""

from __future__ import annotations

import datetime as dt
import decimal
import math

import pytest

from data_manager.arrow import (Binary, Bool, Column, DataType, Date, DateUnit, DayTimeInterval, Decimal, Dictionary,
                                Duration, Field, FixedSizeBinary, FixedSizeList, FloatingPoint, Int, Interval,
                                IntervalUnit, LargeBinary, LargeList, LargeUtf8, List, Map, MonthDayNanoInterval, Null,
                                Precision, RecordBatch, Schema, Struct, Time, Timestamp, TimeUnit, Union, UnionMode,
                                Utf8, YearMonthInterval, infer_type)

UTC = dt.timezone.utc


def roundtrip(values, ty: DataType):
    col = Column.from_pylist(values, ty)
    assert col.length == len(values)
    return col.to_pylist()


@pytest.mark.parametrize("ty,values", [
    (Int(8), [-128, 127, None, 0]),
    (Int(8, False), [0, 255, None]),
    (Int(16), [-32768, 32767, None]),
    (Int(32, False), [0, 2 ** 32 - 1, None]),
    (Int(64), [-(2 ** 63), 2 ** 63 - 1, None]),
    (Int(64, False), [0, 2 ** 64 - 1, None]),
    (FloatingPoint(Precision.HALF), [1.5, -2.0, None, 65504.0]),
    (FloatingPoint(Precision.SINGLE), [1.5, None, -0.25]),
    (FloatingPoint(Precision.DOUBLE), [1e300, None, -0.0, 5e-324]),
    (Bool(), [True, False, None, True] * 5),
    (Utf8(), ["a", "", None, "héllo wörld", "日本"]),
    (LargeUtf8(), ["x", None, ""]),
    (Binary(), [b"\x00\xff", b"", None]),
    (LargeBinary(), [b"abc", None]),
    (FixedSizeBinary(3), [b"abc", None, b"\x00\x01\x02"]),
    (Null(), [None, None]),
])
def test_from_pylist_to_pylist_round_trips_flat_values(ty: DataType, values: list) -> None:
    assert roundtrip(values, ty) == values


def test_float_nan_and_infinities_round_trip() -> None:
    out = roundtrip([math.nan, math.inf, -math.inf], FloatingPoint())
    assert math.isnan(out[0]) and out[1:] == [math.inf, -math.inf]


def test_int_out_of_range_raises_overflow_error() -> None:
    with pytest.raises(OverflowError):
        Column.from_pylist([300], Int(8))


def test_temporal_types_give_datetime_objects() -> None:
    d = dt.date(2024, 2, 29)
    assert roundtrip([d, None], Date(DateUnit.DAY)) == [d, None]
    assert roundtrip([d], Date(DateUnit.MILLISECOND)) == [d]
    ts = dt.datetime(2024, 5, 6, 7, 8, 9, 123456)
    for unit in (TimeUnit.MICROSECOND, TimeUnit.NANOSECOND):
        assert roundtrip([ts, None], Timestamp(unit)) == [ts, None]
    assert roundtrip([ts], Timestamp(TimeUnit.SECOND)) == [ts.replace(microsecond=0)]
    tm = dt.time(23, 59, 58, 999000)
    assert roundtrip([tm], Time(TimeUnit.MILLISECOND, 32)) == [tm]
    assert roundtrip([tm], Time(TimeUnit.NANOSECOND, 64)) == [tm]
    assert roundtrip([dt.time(1, 2, 3)], Time(TimeUnit.SECOND, 32)) == [dt.time(1, 2, 3)]
    td = dt.timedelta(days=-3, seconds=5, microseconds=7)
    assert roundtrip([td, None], Duration(TimeUnit.MICROSECOND)) == [td, None]
    assert roundtrip([td], Duration(TimeUnit.NANOSECOND)) == [td]


def test_timestamp_with_zone_is_tz_aware_in_that_zone() -> None:
    utc = dt.datetime(2024, 1, 1, 12, 0, tzinfo=UTC)
    out = roundtrip([utc], Timestamp(TimeUnit.MICROSECOND, "Europe/Paris"))[0]
    assert out == utc and out.utcoffset() == dt.timedelta(hours=1)
    out = roundtrip([utc], Timestamp(TimeUnit.MILLISECOND, "+07:30"))[0]
    assert out == utc and out.utcoffset() == dt.timedelta(hours=7, minutes=30)
    out = roundtrip([utc], Timestamp(TimeUnit.SECOND, "UTC"))[0]
    assert out == utc and out.tzinfo is not None


def test_timestamp_storage_values_are_raw_ints() -> None:
    col = Column.from_pylist([dt.datetime(1970, 1, 1, 0, 0, 1, tzinfo=UTC)], Timestamp(TimeUnit.NANOSECOND, "UTC"))
    assert col.to_storage_pylist() == [1_000_000_000]
    col = Column.from_storage_pylist([86_400_000], Date(DateUnit.MILLISECOND))
    assert col.to_pylist() == [dt.date(1970, 1, 2)]


def test_out_of_range_timestamp_raises_a_clear_overflow_error() -> None:
    col = Column.from_storage_pylist([2 ** 62], Timestamp(TimeUnit.SECOND))
    with pytest.raises(OverflowError, match="timestamp"):
        col.to_pylist()


def test_decimals_are_exact_at_every_width() -> None:
    vals = [decimal.Decimal("123.45"), decimal.Decimal("-0.01"), None]
    for bw in (32, 64, 128, 256):
        assert roundtrip(vals, Decimal(9, 2, bw)) == vals
    big = decimal.Decimal("1" * 70 + ".123456")
    assert roundtrip([big], Decimal(76, 6, 256)) == [big]
    assert Column.from_pylist(vals, Decimal(9, 2)).to_storage_pylist() == [12345, -1, None]
    with pytest.raises(ValueError, match="decimal places"):
        Column.from_pylist([decimal.Decimal("1.234")], Decimal(9, 2))


def test_intervals_are_named_tuples() -> None:
    assert roundtrip([YearMonthInterval(14), None], Interval(IntervalUnit.YEAR_MONTH)) == [YearMonthInterval(14), None]
    assert roundtrip([DayTimeInterval(2, -5)], Interval(IntervalUnit.DAY_TIME)) == [DayTimeInterval(2, -5)]
    mdn = MonthDayNanoInterval(1, 2, 3_000_000_000_000)
    assert roundtrip([mdn, None], Interval(IntervalUnit.MONTH_DAY_NANO)) == [mdn, None]


def test_nested_values_round_trip() -> None:
    item = Field("item", Int(32))
    lists = [[1, 2], None, [], [None, 3]]
    assert roundtrip(lists, List(item)) == lists
    assert roundtrip(lists, LargeList(item)) == lists
    assert roundtrip([[1, 2], None, [3, None]], FixedSizeList(item, 2)) == [[1, 2], None, [3, None]]
    st = Struct((Field("a", Int(64)), Field("b", Utf8())))
    rows = [{"a": 1, "b": "x"}, None, {"a": None, "b": None}]
    assert roundtrip(rows, st) == rows
    m = Map.of(Utf8(), Int(32))
    maps = [[("k", 1), ("j", None)], None, []]
    assert roundtrip(maps, m) == maps
    assert roundtrip([{"k": 1}], m) == [[("k", 1)]]
    deep = List(Field("l", Struct((Field("s", List(Field("i", Utf8()))),))))
    vals = [[{"s": ["a", None]}, None], None, [{"s": None}]]
    assert roundtrip(vals, deep) == vals


def test_struct_with_repeated_names_gives_positional_lists() -> None:
    st = Struct((Field("a", Int(8)), Field("a", Utf8())))
    assert roundtrip([[1, "x"], None], st) == [[1, "x"], None]


@pytest.mark.parametrize("mode", [UnionMode.SPARSE, UnionMode.DENSE])
def test_unions_give_the_selected_value_and_storage_pairs(mode: UnionMode) -> None:
    ty = Union((Field("i", Int(32)), Field("s", Utf8())), mode, (5, 7))
    values = [(5, 1), (7, "x"), (7, None), (5, 2)]
    col = Column.from_storage_pylist(values, ty)
    assert col.to_pylist() == [1, "x", None, 2]
    assert col.to_storage_pylist() == values
    assert col.slice(1, 2).to_storage_pylist() == values[1:3]
    with pytest.raises(ValueError):
        Column.from_storage_pylist([(6, 1)], ty)


def test_dictionary_columns_decode_and_share_one_dictionary() -> None:
    ty = Dictionary(Int(8), Utf8(), True)
    col = Column.from_pylist(["b", "a", None, "b"], ty)
    assert col.to_pylist() == ["b", "a", None, "b"]
    assert col.dictionary is not None and col.dictionary.to_pylist() == ["b", "a"]
    assert col.indices.to_pylist() == [0, 1, None, 0]


def test_slices_are_views_with_offsets_and_null_counts() -> None:
    values = [None if i % 3 == 0 else i for i in range(50)]
    col = Column.from_pylist(values, Int(16))
    s = col.slice(7, 20)
    assert s.to_pylist() == values[7:27]
    assert s.null_count == sum(v is None for v in values[7:27])
    assert s.buffers[1] is col.buffers[1] or s.buffers[1].obj is col.buffers[1].obj
    assert s.slice(3).to_pylist() == values[10:27]
    strs = Column.from_pylist([str(v) if v is not None else None for v in values], Utf8())
    assert strs.slice(5, 9).to_pylist() == [str(v) if v is not None else None for v in values[5:14]]
    nested = Column.from_pylist([[v] if v is not None else None for v in values], List(Field("i", Int(64))))
    assert nested.slice(11, 4).to_pylist() == [[v] if v is not None else None for v in values[11:15]]
    with pytest.raises(IndexError):
        col.slice(40, 20)


def test_bool_slices_at_unaligned_bit_offsets() -> None:
    values = [i % 3 == 0 if i % 5 else None for i in range(37)]
    col = Column.from_pylist(values, Bool())
    for off in range(9):
        assert col.slice(off, 20).to_pylist() == values[off:off + 20]


def test_equals_compares_values_not_buffers() -> None:
    a = Column.from_pylist([1, 2, 3, 4], Int(32)).slice(1, 2)
    b = Column.from_pylist([2, 3], Int(32))
    assert a.equals(b)
    assert not a.equals(Column.from_pylist([2, 4], Int(32)))


def test_record_batch_accessors_and_from_pydict_inference() -> None:
    batch = RecordBatch.from_pydict({
        "i": [1, None, 3], "f": [1.5, 2, None], "s": ["a", "b", None], "b": [True, None, False],
        "d": [dt.date(2020, 1, 1), None, None], "ts": [dt.datetime(2020, 1, 1, tzinfo=UTC), None, None],
        "dec": [decimal.Decimal("1.25"), decimal.Decimal("-10.5"), None], "l": [[1], [], None],
        "st": [{"x": 1}, None, {"x": 2, "y": "z"}], "raw": [b"x", None, b""],
    })
    types = {f.name: f.type for f in batch.schema.fields}
    assert types["i"] == Int(64) and types["f"] == FloatingPoint() and types["s"] == Utf8()
    assert types["ts"] == Timestamp(TimeUnit.MICROSECOND, "UTC")
    assert types["dec"] == Decimal(3, 2)
    assert types["st"] == Struct((Field("x", Int(64)), Field("y", Utf8())))
    assert batch.num_rows == 3 and batch.num_columns == 10
    assert batch.column("s").to_pylist() == ["a", "b", None]
    assert batch.column(0) is batch.columns[0]
    assert batch.slice(1).to_pydict()["i"] == [None, 3]
    assert batch.to_pylist()[2]["st"] == {"x": 2, "y": "z"}
    with pytest.raises(TypeError, match="'bad'"):
        RecordBatch.from_pydict({"bad": [1, "x"]})
    with pytest.raises(ValueError, match="different lengths"):
        RecordBatch.from_pydict({"a": [1], "b": [1, 2]})


def test_from_pydict_with_schema_uses_its_types() -> None:
    schema = Schema((Field("a", Int(8)), Field("b", Dictionary(Int(16), Utf8()))))
    batch = RecordBatch.from_pydict({"a": [1, 2], "b": ["x", "x"]}, schema=schema)
    assert batch.schema == schema
    assert batch.to_pydict() == {"a": [1, 2], "b": ["x", "x"]}


def test_infer_type_covers_python_kinds() -> None:
    assert infer_type([None]) == Null()
    assert infer_type([dt.time(1)]) == Time(TimeUnit.MICROSECOND, 64)
    assert infer_type([dt.timedelta(1)]) == Duration(TimeUnit.MICROSECOND)
    assert infer_type([2 ** 63]) == Int(64, False)
    with pytest.raises(TypeError):
        infer_type([object()])


def test_types_have_value_equality_and_readable_text() -> None:
    assert Int(32) == Int(32, True) and Int(32) != Int(32, False)
    assert hash(List(Field("i", Int(8)))) == hash(List(Field("i", Int(8))))
    assert str(Timestamp(TimeUnit.NANOSECOND, "UTC")) == "timestamp[nanosecond, UTC]"
    assert "Dictionary" in repr(Dictionary(Int(8), Utf8()))
    assert Field("a", Int(8), metadata={"k": "v"}.items()).metadata == (("k", "v"),)
    assert Schema((), {"k": "v"}).metadata == (("k", "v"),)
    assert Field("e", FixedSizeBinary(16), metadata=[("ARROW:extension:name", "uuid")]).extension_name == "uuid"
    with pytest.raises(ValueError):
        Int(12)
    with pytest.raises(ValueError):
        Union((Field("a", Int(8)),), UnionMode.SPARSE, (200,))

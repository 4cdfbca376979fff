"""pandas ↔ Arrow conversion: every row of docs/pandas-mapping.md both ways, batching, round trips.

Skipped (with the reason) when numpy or pandas is absent or DATA_MANAGER_NO_NUMPY=1 is set.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os

import pytest

if os.environ.get("DATA_MANAGER_NO_NUMPY", "").strip() not in ("", "0", "false", "False"):
    pytest.skip("pandas conversion tests: numpy disabled by DATA_MANAGER_NO_NUMPY", allow_module_level=True)
try:
    import numpy as np
    import pandas as pd
except ImportError as exc:  # pragma: no cover - depends on the interpreter
    pytest.skip(f"pandas conversion tests need numpy and pandas: {exc}", allow_module_level=True)

from data_manager._arrow import Column, RecordBatch, read_stream, write_stream
from data_manager._arrow import types as t
from data_manager._pandas import batch_to_pandas, batches_to_pandas, infer_type, pandas_to_batches, series_list_to_batch

D = decimal.Decimal


def batch_of(name: str, ty: t.DataType, values: list) -> RecordBatch:
    return RecordBatch(t.Schema((t.Field(name, ty),)), [Column.from_pylist(values, ty)])


def only_batch(df, schema=None, **kw) -> RecordBatch:
    batches = list(pandas_to_batches(df, schema=schema, **kw))
    assert len(batches) == 1
    return batches[0]


def obj(*values) -> "pd.Series":
    arr = np.empty(len(values), dtype=object)
    for i, v in enumerate(values):
        arr[i] = v
    return pd.Series(arr, name="x", dtype=object)


def ns(text: str) -> int:
    return int(pd.Timestamp(text).value)


# --------------------------------------------------------------------------------------------------
# The mapping table, Arrow → pandas → Arrow. Each row: Arrow type, values, expected pandas dtype,
# expected pandas values (None = same as values), the Arrow type pandas gives back without a schema.
# --------------------------------------------------------------------------------------------------

INTS = [t.Int(b, s) for b in (8, 16, 32, 64) for s in (True, False)]

ROWS = [
    *[pytest.param(ty, [1, 2, 3], str(ty), None, ty, id=f"{ty}-no-nulls") for ty in INTS],
    *[pytest.param(ty, [1, None, 3], ("" if ty.signed else "U") + f"Int{ty.bit_width}", None, ty, id=f"{ty}-nulls")
      for ty in INTS],
    pytest.param(t.float64, [1.5, 2.5], "float64", None, t.float64, id="float64"),
    pytest.param(t.float32, [1.5, 2.5], "float32", None, t.float32, id="float32"),
    pytest.param(t.float16, [1.5, 2.5], "float16", None, t.float16, id="float16"),
    pytest.param(t.float64, [1.5, None], "float64", [1.5, np.nan], t.float64, id="float64-null-is-NaN"),
    pytest.param(t.bool_, [True, False], "bool", None, t.bool_, id="bool"),
    pytest.param(t.bool_, [True, None, False], "boolean", None, t.bool_, id="bool-nulls-boolean"),
    pytest.param(t.utf8, ["a", None, "çé€😀", ""], "object", None, t.utf8, id="utf8"),
    pytest.param(t.LargeUtf8(), ["a", None, "b"], "object", None, t.utf8, id="large-utf8"),
    pytest.param(t.binary, [b"a", None, b"\x00\xff"], "object", None, t.binary, id="binary"),
    pytest.param(t.LargeBinary(), [b"a", None], "object", None, t.binary, id="large-binary"),
    pytest.param(t.FixedSizeBinary(2), [b"ab", None, b"\x00\x01"], "object", None, t.binary, id="fixed-size-binary"),
    pytest.param(t.Timestamp(t.TimeUnit.NANOSECOND), [ns("2020-01-02 03:04:05.123456789"), None],
                 "datetime64[ns]", [pd.Timestamp("2020-01-02 03:04:05.123456789"), pd.NaT],
                 t.Timestamp(t.TimeUnit.NANOSECOND), id="timestamp-ns"),
    pytest.param(t.Timestamp(t.TimeUnit.SECOND), [1_600_000_000, None], "datetime64[ns]",
                 [pd.Timestamp(1_600_000_000, unit="s"), pd.NaT], t.Timestamp(t.TimeUnit.NANOSECOND), id="timestamp-s"),
    pytest.param(t.Timestamp(t.TimeUnit.MILLISECOND, "UTC"), [1_600_000_000_123], "datetime64[ns, UTC]",
                 [pd.Timestamp(1_600_000_000_123, unit="ms", tz="UTC")], t.Timestamp(t.TimeUnit.NANOSECOND, "UTC"),
                 id="timestamp-ms-utc"),
    pytest.param(t.Timestamp(t.TimeUnit.MICROSECOND, "America/New_York"), [1_600_000_000_000_001, None],
                 "datetime64[ns, America/New_York]",
                 [pd.Timestamp(1_600_000_000_000_001, unit="us", tz="UTC").tz_convert("America/New_York"), pd.NaT],
                 t.Timestamp(t.TimeUnit.NANOSECOND, "America/New_York"), id="timestamp-us-new-york"),
    pytest.param(t.Timestamp(t.TimeUnit.SECOND, "+05:30"), [0], "datetime64[ns, UTC+05:30]",
                 [pd.Timestamp(0, tz="UTC").tz_convert(dt.timezone(dt.timedelta(hours=5, minutes=30)))],
                 t.Timestamp(t.TimeUnit.NANOSECOND, "+05:30"), id="timestamp-fixed-offset"),
    pytest.param(t.Date(t.DateUnit.DAY), [dt.date(2020, 2, 29), None], "datetime64[ns]",
                 [pd.Timestamp("2020-02-29"), pd.NaT], t.Timestamp(t.TimeUnit.NANOSECOND), id="date32"),
    pytest.param(t.Date(t.DateUnit.MILLISECOND), [dt.date(1969, 12, 31)], "datetime64[ns]",
                 [pd.Timestamp("1969-12-31")], t.Timestamp(t.TimeUnit.NANOSECOND), id="date64"),
    pytest.param(t.Time(t.TimeUnit.SECOND, 32), [dt.time(1, 2, 3), None], "object", None,
                 t.Time(t.TimeUnit.MICROSECOND, 64), id="time32-s"),
    pytest.param(t.Time(t.TimeUnit.MICROSECOND, 64), [dt.time(23, 59, 59, 999999)], "object", None,
                 t.Time(t.TimeUnit.MICROSECOND, 64), id="time64-us"),
    pytest.param(t.Duration(t.TimeUnit.MILLISECOND), [1500, None, -2], "timedelta64[ns]",
                 [pd.Timedelta(milliseconds=1500), pd.NaT, pd.Timedelta(milliseconds=-2)],
                 t.Duration(t.TimeUnit.NANOSECOND), id="duration-ms"),
    pytest.param(t.Duration(t.TimeUnit.NANOSECOND), [7], "timedelta64[ns]", [pd.Timedelta(7)],
                 t.Duration(t.TimeUnit.NANOSECOND), id="duration-ns"),
    pytest.param(t.Decimal(7, 3), [D("1234.567"), None, D("-0.001")], "object", None, t.Decimal(7, 3),
                 id="decimal128-scale"),
    pytest.param(t.Decimal(40, 2, 256), [D("12345678901234567890123456789012345678.91")], "object", None,
                 t.Decimal(40, 2, 256), id="decimal256"),
    pytest.param(t.List(t.Field("item", t.int64)), [[1, 2], None, []], "object", None,
                 t.List(t.Field("item", t.int64)), id="list"),
    pytest.param(t.LargeList(t.Field("item", t.utf8)), [["a"], None], "object", None,
                 t.List(t.Field("item", t.utf8)), id="large-list"),
    pytest.param(t.FixedSizeList(t.Field("item", t.float64), 2), [[1.0, 2.0], None], "object", None,
                 t.List(t.Field("item", t.float64)), id="fixed-size-list"),
    pytest.param(t.Struct((t.Field("a", t.int64), t.Field("b", t.utf8))), [{"a": 1, "b": "x"}, None, {"a": None, "b": "y"}],
                 "object", None, t.Struct((t.Field("a", t.int64), t.Field("b", t.utf8))), id="struct"),
    pytest.param(t.Null(), [None, None], "object", None, t.Null(), id="null"),
]


def _pandas_values(series: "pd.Series") -> list:
    return [None if (v is None or v is pd.NA or v is pd.NaT) else v for v in series.tolist()]


@pytest.mark.parametrize("ty, values, dtype, expected, back", ROWS)
def test_mapping_row_both_ways(ty, values, dtype, expected, back):
    df = batch_to_pandas(batch_of("c", ty, values))
    assert str(df["c"].dtype) == dtype
    want = values if expected is None else expected
    got = df["c"].tolist()
    if dtype.startswith("float"):
        np.testing.assert_array_equal(df["c"].to_numpy(), np.array(want, dtype=dtype))
    elif dtype.startswith(("datetime64", "timedelta64")):
        assert [None if v is pd.NaT else v for v in got] == [None if v is pd.NaT else v for v in want]
    else:
        assert _pandas_values(df["c"]) == want
    assert "float" not in dtype or isinstance(ty, t.FloatingPoint), "never silently float64"

    # back to Arrow without a schema: the type the table promises, the same values
    batch = only_batch(df)
    assert batch.schema.names == ("c",)
    assert batch.column(0).type == back
    again = batch_to_pandas(batch)
    assert str(again["c"].dtype) == dtype
    pd.testing.assert_frame_equal(again, df)

    # with the original schema as the target, the exact type and storage values come back
    exact = only_batch(df, schema=t.Schema((t.Field("c", ty),)))
    assert exact.column(0).type == ty
    assert exact.column(0).to_storage_pylist() == Column.from_pylist(values, ty).to_storage_pylist()


def test_float_nan_round_trips_as_null_and_float64_extension_keeps_nan():
    df = pd.DataFrame({"f": [1.0, np.nan], "F": pd.array([1.0, None], dtype="Float64")})
    batch = only_batch(df)
    assert batch.column("f").to_pylist() == [1.0, None]
    assert batch.column("F").type == t.float64 and batch.column("F").to_pylist() == [1.0, None]
    with_nan = pd.DataFrame({"F": pd.arrays.FloatingArray(np.array([np.nan, 2.0]), np.array([False, True]))})
    col = only_batch(with_nan).column(0)
    assert col.null_count == 1 and np.isnan(col.to_pylist()[0])


def test_nullable_integers_never_become_float64():
    df = pd.DataFrame({"a": pd.array([1, None, 2**62], dtype="Int64")})
    batch = only_batch(df)
    assert batch.column(0).type == t.int64
    assert batch.column(0).to_pylist() == [1, None, 2**62]
    back = batch_to_pandas(batch)
    assert str(back["a"].dtype) == "Int64" and back["a"].tolist()[2] == 2**62


def test_strings_option_gives_string_dtype_and_back_to_utf8():
    df = batch_to_pandas(batch_of("s", t.utf8, ["a", None, "é"]), strings="string")
    assert isinstance(df["s"].dtype, pd.StringDtype)
    assert df["s"].tolist() == ["a", pd.NA, "é"]
    batch = only_batch(df)
    assert batch.column(0).type == t.utf8 and batch.column(0).to_pylist() == ["a", None, "é"]


def test_dates_option_gives_date_objects_and_back_to_date32():
    for ty in (t.Date(t.DateUnit.DAY), t.Date(t.DateUnit.MILLISECOND)):
        df = batch_to_pandas(batch_of("d", ty, [dt.date(2020, 1, 1), None, dt.date(1, 1, 1)]), dates="object")
        assert df["d"].dtype == object
        assert df["d"].tolist() == [dt.date(2020, 1, 1), None, dt.date(1, 1, 1)]
        batch = only_batch(df)
        assert batch.column(0).type == t.Date(t.DateUnit.DAY)
        assert batch.column(0).to_pylist() == [dt.date(2020, 1, 1), None, dt.date(1, 1, 1)]


def test_datetime64_with_date_schema_is_exact_or_raises():
    df = pd.DataFrame({"d": pd.to_datetime(["2020-01-01", None])})
    batch = only_batch(df, schema=t.Schema((t.Field("d", t.Date(t.DateUnit.DAY)),)))
    assert batch.column(0).to_pylist() == [dt.date(2020, 1, 1), None]
    df = pd.DataFrame({"d": pd.to_datetime(["2020-01-01 12:00"])})
    with pytest.raises(ValueError, match=r"column 'd'.*not a whole day"):
        only_batch(df, schema=t.Schema((t.Field("d", t.Date(t.DateUnit.DAY)),)))


@pytest.mark.parametrize("ty", [t.Timestamp(t.TimeUnit.SECOND), t.Timestamp(t.TimeUnit.MILLISECOND, "Asia/Tokyo"),
                                t.Timestamp(t.TimeUnit.MICROSECOND)])
def test_out_of_range_timestamp_raises_naming_column_and_value_or_keeps_objects(ty):
    per_second = {t.TimeUnit.SECOND: 1, t.TimeUnit.MILLISECOND: 1000, t.TimeUnit.MICROSECOND: 10**6}[ty.unit]
    far = 40_000_000_000 * per_second  # year 3237
    batch = batch_of("when", ty, [0, None, far])
    with pytest.raises(ValueError, match=rf"column 'when'.*value {far}.*out_of_range_timestamps='object'"):
        batch_to_pandas(batch)
    df = batch_to_pandas(batch, out_of_range_timestamps="object")
    assert df["when"].dtype == object
    values = df["when"].tolist()
    assert values[1] is None and values[2].year == 3237
    assert (values[2].tzinfo is not None) == (ty.tz is not None)
    back = only_batch(df, schema=batch.schema)
    assert back.column(0).to_storage_pylist() == [0, None, far]


def test_out_of_range_date_and_duration_raise_or_keep_objects():
    batch = batch_of("d", t.Date(t.DateUnit.DAY), [dt.date(9999, 12, 31)])
    with pytest.raises(ValueError, match="column 'd'"):
        batch_to_pandas(batch)
    assert batch_to_pandas(batch, out_of_range_timestamps="object")["d"].tolist() == [dt.date(9999, 12, 31)]
    dur = batch_of("g", t.Duration(t.TimeUnit.SECOND), [10**12])
    with pytest.raises(ValueError, match="column 'g'.*timedelta64"):
        batch_to_pandas(dur)
    assert batch_to_pandas(dur, out_of_range_timestamps="object")["g"].tolist() == [dt.timedelta(seconds=10**12)]


def test_tz_aware_timestamps_round_trip_with_zone():
    s = pd.to_datetime(["2021-03-28 00:30", "2021-03-28 03:30", None]).tz_localize("Europe/Berlin")
    df = pd.DataFrame({"ts": s})
    batch = only_batch(df)
    assert batch.column(0).type == t.Timestamp(t.TimeUnit.NANOSECOND, "Europe/Berlin")
    assert batch.column(0).to_storage_pylist() == [s[0].value, s[1].value, None]
    pd.testing.assert_frame_equal(batch_to_pandas(batch), df)


def test_categorical_ordered_round_trip_and_index_type():
    cat = pd.Categorical(["lo", "hi", None, "mid", "lo"], categories=["lo", "mid", "hi"], ordered=True)
    df = pd.DataFrame({"c": cat})
    batch = only_batch(df)
    ty = batch.column(0).type
    assert ty == t.Dictionary(t.int8, t.utf8, ordered=True)
    assert batch.column(0).to_pylist() == ["lo", "hi", None, "mid", "lo"]
    back = batch_to_pandas(batch)
    pd.testing.assert_frame_equal(back, df)
    assert back["c"].cat.ordered
    wide = only_batch(df, schema=t.Schema((t.Field("c", t.Dictionary(t.int32, t.utf8, ordered=True)),)))
    assert wide.column(0).indices.to_pylist() == [0, 2, None, 1, 0]


def test_arrow_dictionary_to_categorical_with_categories_from_dictionary():
    ty = t.Dictionary(t.Int(16, False), t.int64, ordered=False)
    dictionary = Column.from_pylist([10, 20, 30], t.int64)
    indices = Column.from_pylist([2, None, 0, 2], t.Int(16, False))
    col = Column(ty, 4, indices.buffers, dictionary=dictionary, null_count=1)
    df = batch_to_pandas(RecordBatch(t.Schema((t.Field("k", ty),)), [col]))
    assert list(df["k"].cat.categories) == [10, 20, 30]
    assert not df["k"].cat.ordered
    assert df["k"].tolist()[0] == 30 and pd.isna(df["k"].tolist()[1])


def test_dictionary_with_duplicate_and_null_values_folds_them():
    ty = t.Dictionary(t.int32, t.utf8)
    dictionary = Column.from_pylist(["a", "b", "a", None], t.utf8)
    indices = Column.from_pylist([0, 1, 2, 3, None], t.int32)
    col = Column(ty, 5, indices.buffers, dictionary=dictionary)
    df = batch_to_pandas(RecordBatch(t.Schema((t.Field("k", ty),)), [col]))
    assert list(df["k"].cat.categories) == ["a", "b"]
    assert [None if pd.isna(v) else v for v in df["k"].tolist()] == ["a", "b", "a", None, None]


def test_map_gives_key_value_tuples_and_comes_back_with_a_schema():
    ty = t.Map.of(t.utf8, t.int64)
    df = batch_to_pandas(batch_of("m", ty, [[("a", 1), ("b", None)], None, []]))
    assert df["m"].tolist() == [[("a", 1), ("b", None)], None, []]
    back = only_batch(df, schema=t.Schema((t.Field("m", ty),)))
    assert back.column(0).to_pylist() == [[("a", 1), ("b", None)], None, []]


@pytest.mark.parametrize("ty, values", [
    (t.Interval(t.IntervalUnit.YEAR_MONTH), [14, None]),
    (t.Interval(t.IntervalUnit.DAY_TIME), [(1, 500), None]),
    (t.Interval(t.IntervalUnit.MONTH_DAY_NANO), [(1, 2, 3), None]),
])
def test_intervals_are_objects_and_come_back_with_a_schema(ty, values):
    batch = batch_of("i", ty, values)
    df = batch_to_pandas(batch)
    assert df["i"].dtype == object
    back = only_batch(df, schema=batch.schema)
    assert back.column(0).to_storage_pylist() == batch.column(0).to_storage_pylist()


def test_union_is_objects():
    ty = t.Union((t.Field("i", t.int64), t.Field("s", t.utf8)), t.UnionMode.DENSE)
    col = Column.from_storage_pylist([(0, 5), (1, "x")], ty)
    df = batch_to_pandas(RecordBatch(t.Schema((t.Field("u", ty),)), [col]))
    assert df["u"].tolist() == [5, "x"]


# --------------------------------------------------------------------------------------------------
# pandas dtypes → Arrow types
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("series, ty", [
    (pd.Series([1, 2], dtype="int16"), t.int16),
    (pd.Series([1, 2], dtype="uint32"), t.uint32),
    (pd.Series([1, None], dtype="Int8"), t.int8),
    (pd.Series([1, None], dtype="UInt64"), t.uint64),
    (pd.Series([1.0, None], dtype="Float32"), t.float32),
    (pd.Series([True, None], dtype="boolean"), t.bool_),
    (pd.Series(["a", None], dtype="string"), t.utf8),
    (pd.Series(pd.to_datetime(["2020-01-01"])), t.Timestamp(t.TimeUnit.NANOSECOND)),
    (pd.Series(pd.to_datetime(["2020-01-01"]).tz_localize("UTC")), t.Timestamp(t.TimeUnit.NANOSECOND, "UTC")),
    (pd.Series(pd.to_timedelta([1], unit="s")), t.Duration(t.TimeUnit.NANOSECOND)),
    (pd.Series(pd.Categorical(["a"] * 3)), t.Dictionary(t.int8, t.utf8)),
    (pd.Series(pd.Categorical(range(300))), t.Dictionary(t.int16, t.int64)),
])
def test_pandas_dtypes_map_to_arrow_types(series, ty):
    assert infer_type(series) == ty
    col = only_batch(series.to_frame("x")).column(0)
    assert col.type == ty
    assert col.to_pylist() == [None if pd.isna(v) else v for v in series.astype(object).tolist()] or \
        isinstance(ty, (t.Timestamp, t.Duration, t.Dictionary))


@pytest.mark.parametrize("series, ty", [
    (obj("a", None, np.nan, pd.NA), t.utf8),
    (obj(b"a", None, bytearray(b"b")), t.binary),
    (obj(D("1.5"), None, D("-123.25"), D("1E+3")), t.Decimal(6, 2)),
    (obj(D("0.001")), t.Decimal(3, 3)),
    (obj(dt.date(2020, 1, 1), None), t.Date(t.DateUnit.DAY)),
    (obj(dt.time(1, 2), None), t.Time(t.TimeUnit.MICROSECOND, 64)),
    (obj(dt.datetime(2020, 1, 1), None), t.Timestamp(t.TimeUnit.MICROSECOND)),
    (obj(dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)), t.Timestamp(t.TimeUnit.MICROSECOND, "UTC")),
    (obj(dt.timedelta(seconds=1), None), t.Duration(t.TimeUnit.MICROSECOND)),
    (obj({"a": 1, "b": "x"}, None, {"a": 2}), t.Struct((t.Field("a", t.int64), t.Field("b", t.utf8)))),
    (obj([1, 2], None, [3]), t.List(t.Field("item", t.int64))),
    (obj(["a"], ("b", None)), t.List(t.Field("item", t.utf8))),
    (obj([[1.5]], []), t.List(t.Field("item", t.List(t.Field("item", t.float64))))),
    (obj(None, None), t.Null()),
    (obj(1, None, 2), t.int64),
    (obj(2**63, 1), t.uint64),
    (obj(1, 2.5), t.float64),
    (obj(True, None), t.bool_),
])
def test_object_columns_are_inferred(series, ty):
    assert infer_type(series) == ty
    col = only_batch(series.to_frame("x")).column(0)
    assert col.type == ty
    assert col.length == len(series)


def test_object_values_convert_exactly():
    df = pd.DataFrame({"dec": obj(D("1.5"), None, D("-123.25")), "st": obj({"a": 1, "b": "x"}, None, {"a": 2})})
    batch = only_batch(df)
    assert batch.column("dec").to_pylist() == [D("1.50"), None, D("-123.25")]
    assert batch.column("st").to_pylist() == [{"a": 1, "b": "x"}, None, {"a": 2, "b": None}]
    stamps = only_batch(obj(pd.Timestamp("2020-01-01 00:00:00.000000001"), None).to_frame("x")).column(0)
    assert stamps.type == t.Timestamp(t.TimeUnit.NANOSECOND)
    assert stamps.to_storage_pylist() == [1_577_836_800_000_000_001, None]
    plus_one = dt.timezone(dt.timedelta(hours=1))
    aware = only_batch(obj(dt.datetime(2020, 1, 1, 1, tzinfo=plus_one)).to_frame("x")).column(0)
    assert aware.type == t.Timestamp(t.TimeUnit.MICROSECOND, "+01:00")
    assert aware.to_storage_pylist() == [1_577_836_800_000_000]
    old = only_batch(obj(dt.datetime(1, 1, 1)).to_frame("x")).column(0)
    assert old.to_pylist() == [dt.datetime(1, 1, 1)]
    durations = only_batch(obj(pd.Timedelta(1), dt.timedelta(seconds=1), None).to_frame("x")).column(0)
    assert durations.type == t.Duration(t.TimeUnit.NANOSECOND)
    assert durations.to_storage_pylist() == [1, 10**9, None]


def test_mixed_object_column_error_names_column_and_types():
    df = pd.DataFrame({"ok": [1, 2, 3], "bad": obj("a", 5, None)})
    with pytest.raises(TypeError, match=r"column 'bad'.*str \(first at row 0\), int \(first at row 1\)"):
        list(pandas_to_batches(df))
    with pytest.raises(TypeError, match=r"column 'x'.*mixes"):
        infer_type(obj(dt.date(2020, 1, 1), dt.datetime(2020, 1, 1)))
    with pytest.raises(TypeError, match=r"column 'x'.*aware and naive"):
        infer_type(obj(dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)))


def test_unsupported_dtype_error_names_column():
    df = pd.DataFrame({"p": pd.period_range("2020-01", periods=2, freq="M")})
    with pytest.raises(TypeError, match=r"column 'p'.*period"):
        list(pandas_to_batches(df))


# --------------------------------------------------------------------------------------------------
# Schemas as targets
# --------------------------------------------------------------------------------------------------

def test_schema_target_casts_and_reorders_by_name():
    df = pd.DataFrame({"b": ["x", "y"], "a": [1, 2]})
    schema = t.Schema((t.Field("a", t.int8), t.Field("b", t.LargeUtf8())))
    batch = only_batch(df, schema=schema)
    assert batch.schema == schema
    assert batch.column("a").to_pylist() == [1, 2] and batch.column("b").to_pylist() == ["x", "y"]


def test_schema_target_out_of_range_value_raises_naming_column():
    df = pd.DataFrame({"a": [1, 300]})
    with pytest.raises(OverflowError, match=r"column 'a'.*300.*row 1.*int8"):
        only_batch(df, schema=t.Schema((t.Field("a", t.int8),)))
    with pytest.raises(ValueError, match=r"column 'f'.*2.5"):
        only_batch(pd.DataFrame({"f": [2.5]}), schema=t.Schema((t.Field("f", t.int64),)))


def test_schema_target_mismatched_names_and_non_nullable_fields_raise():
    with pytest.raises(ValueError, match=r"columns \['a'\] do not match the schema's fields \['z'\]"):
        only_batch(pd.DataFrame({"a": [1]}), schema=t.Schema((t.Field("z", t.int64),)))
    with pytest.raises(ValueError, match=r"column 'a'.*not nullable"):
        only_batch(pd.DataFrame({"a": pd.array([1, None], dtype="Int64")}),
                   schema=t.Schema((t.Field("a", t.int64, nullable=False),)))


def test_schema_target_timestamp_units_are_exact():
    df = pd.DataFrame({"ts": pd.to_datetime(["2020-01-01 00:00:01", None])})
    batch = only_batch(df, schema=t.Schema((t.Field("ts", t.Timestamp(t.TimeUnit.SECOND)),)))
    assert batch.column(0).to_storage_pylist() == [1_577_836_801, None]
    with pytest.raises(ValueError, match="column 'ts'.*fraction"):
        only_batch(pd.DataFrame({"ts": pd.to_datetime(["2020-01-01 00:00:01.5"])}),
                   schema=t.Schema((t.Field("ts", t.Timestamp(t.TimeUnit.SECOND)),)))


# --------------------------------------------------------------------------------------------------
# Batching, names, pyjava's shape
# --------------------------------------------------------------------------------------------------

def test_batches_bounded_by_rows():
    df = pd.DataFrame({"a": range(10), "s": [str(i) for i in range(10)]})
    batches = list(pandas_to_batches(df, max_rows=3))
    assert [b.num_rows for b in batches] == [3, 3, 3, 1]
    assert sum((b.column("a").to_pylist() for b in batches), []) == list(range(10))
    assert len({b.schema for b in batches}) == 1


def test_batches_bounded_by_bytes_with_uneven_strings():
    values = ["x" * (1000 if i % 10 == 0 else 10) for i in range(200)]
    df = pd.DataFrame({"s": values, "i": np.arange(200, dtype=np.int64)})
    batches = list(pandas_to_batches(df, max_bytes=2000))
    assert sum(b.num_rows for b in batches) == 200
    assert sum((b.column("s").to_pylist() for b in batches), []) == values
    for b in batches:
        strings = sum(len(v) for v in b.column("s").to_pylist())
        assert b.num_rows == 1 or strings + 12 * b.num_rows <= 2000


def _numeric_frame_with_nulls(n):
    idx = np.arange(n)
    return pd.DataFrame({
        "i": idx * 3,
        "ni": pd.array(np.where(idx % 7 == 3, None, idx), dtype="Int64"),
        "f": np.where(idx % 5 == 2, np.nan, idx * 0.5),
        "nf": pd.array(np.where(idx % 4 == 1, None, idx * 0.25), dtype="Float64"),
        "b": idx % 3 == 0,
        "nb": pd.array(np.where(idx % 6 == 5, None, idx % 2 == 0), dtype="boolean"),
        "u8": (idx % 200).astype(np.uint8),
    })


@pytest.mark.parametrize("max_rows, max_bytes", [(300, 64 << 20), (64, 64 << 20), (1000, 2000)])
def test_numeric_frame_in_many_batches_equals_each_slice_converted_alone(max_rows, max_bytes):
    # Batches that start at bit offsets which are not multiples of 8, bounded by rows and by bytes: every
    # batch must equal converting its rows on their own.
    df = _numeric_frame_with_nulls(1001)
    batches = list(pandas_to_batches(df, max_rows=max_rows, max_bytes=max_bytes))
    assert sum(b.num_rows for b in batches) == 1001
    assert all(b.num_rows <= max_rows for b in batches)
    start = 0
    for b in batches:
        alone = next(pandas_to_batches(df.iloc[start:start + b.num_rows], max_rows=b.num_rows))
        assert b.schema == alone.schema
        for got, want in zip(b.columns, alone.columns):
            assert got.null_count == want.null_count
            assert got.to_pylist() == want.to_pylist()
        start += b.num_rows
    schema, back = read_stream(write_stream(batches[0].schema, batches))
    assert batches_to_pandas(back).equals(batches_to_pandas(batches))


def test_object_column_of_numbers_is_converted_batch_by_batch_with_the_same_result():
    values = [None if i % 9 == 0 else i for i in range(500)]
    df = pd.DataFrame({"o": pd.Series(values, dtype=object), "i": np.arange(500)})
    batches = list(pandas_to_batches(df, max_rows=128))
    assert [b.num_rows for b in batches] == [128, 128, 128, 116]
    assert sum((b.column("o").to_pylist() for b in batches), []) == values


def test_row_larger_than_max_bytes_is_a_batch_of_its_own():
    df = pd.DataFrame({"s": ["a" * 5000, "b", "c"]})
    batches = list(pandas_to_batches(df, max_bytes=100))
    assert [b.num_rows for b in batches] == [1, 2]


def test_empty_frame_gives_one_empty_batch_with_schema():
    df = pd.DataFrame({"a": pd.Series([], dtype="int32"), "s": pd.Series([], dtype="string")})
    (batch,) = pandas_to_batches(df)
    assert batch.num_rows == 0 and batch.schema.names == ("a", "s")
    assert [f.type for f in batch.schema.fields] == [t.int32, t.utf8]


def test_column_names_are_kept_not_positional():
    df = pd.DataFrame([[1, "a", 2.0]], columns=["first name", 7, "x"])
    batch = only_batch(df)
    assert batch.schema.names == ("first name", "7", "x")
    dup = pd.DataFrame([[1, 2]], columns=["a", "a"])
    batch = only_batch(dup)
    assert batch.schema.names == ("a", "a")
    back = batch_to_pandas(batch)
    assert list(back.columns) == ["a", "a"] and back.iloc[0].tolist() == [1, 2]


def test_invalid_arguments_raise():
    with pytest.raises(ValueError):
        list(pandas_to_batches(pd.DataFrame({"a": [1]}), max_rows=0))
    with pytest.raises(TypeError):
        list(pandas_to_batches({"a": [1]}))
    batch = batch_of("a", t.int64, [1])
    for kw in ({"strings": "str"}, {"dates": "date"}, {"out_of_range_timestamps": "clip"}):
        with pytest.raises(ValueError):
            batch_to_pandas(batch, **kw)


def test_series_list_to_batch_pyjava_shape():
    a = pd.Series([1, 2, 3], name="id")
    b = pd.Series(["x", None, "z"], index=[10, 11, 12])
    batch = series_list_to_batch([a, b])
    assert batch.schema.names == ("id", "_1")
    assert batch.column(1).to_pylist() == ["x", None, "z"]
    named = series_list_to_batch([a, b], names=["p", "q"])
    assert named.schema.names == ("p", "q")
    with pytest.raises(ValueError, match="same length"):
        series_list_to_batch([a, pd.Series([1])])
    empty = series_list_to_batch([])
    assert empty.num_rows == 0 and empty.num_columns == 0


def test_zero_columns_with_rows():
    batch = RecordBatch(t.Schema(()), [], 5)
    df = batch_to_pandas(batch)
    assert df.shape == (5, 0)


# --------------------------------------------------------------------------------------------------
# Copies
# --------------------------------------------------------------------------------------------------

def test_arrow_to_pandas_fixed_width_without_nulls_is_zero_copy():
    n = 1000
    schema = t.Schema((t.Field("i", t.int64), t.Field("f", t.float64), t.Field("j", t.int64),
                       t.Field("ts", t.Timestamp(t.TimeUnit.NANOSECOND, "UTC"))))
    src = RecordBatch(schema, [Column.from_numpy(np.arange(n, dtype=np.int64)),
                               Column.from_numpy(np.arange(n, dtype=np.float64)),
                               Column.from_numpy(np.arange(n, dtype=np.int64)),
                               Column.from_pylist(list(range(n)), schema.fields[3].type)])
    _, (batch,) = read_stream(write_stream(schema, [src]))
    df = batch_to_pandas(batch)
    for name in ("i", "f", "j"):
        assert np.shares_memory(df[name].to_numpy(), batch.column(name).to_numpy()), name
    assert np.shares_memory(df["ts"].array.asi8, batch.column("ts").to_numpy())


def test_pandas_to_arrow_fixed_width_shares_numpy_memory():
    df = pd.DataFrame({"i": np.arange(100, dtype=np.int64), "f": np.linspace(0, 1, 100),
                       "n": pd.array(range(100), dtype="Int32")})
    batch = only_batch(df)
    assert np.shares_memory(np.asarray(batch.column("i").buffers[1]), df["i"].to_numpy())
    assert np.shares_memory(np.asarray(batch.column("f").buffers[1]), df["f"].to_numpy())
    assert np.shares_memory(np.asarray(batch.column("n").buffers[1]), df["n"].array._data)


# --------------------------------------------------------------------------------------------------
# Round trips through the IPC stream
# --------------------------------------------------------------------------------------------------

def wide_frame(n: int = 7) -> "pd.DataFrame":
    rng = np.random.default_rng(7)
    return pd.DataFrame({
        "i64": np.arange(n, dtype=np.int64) * 3 - 5,
        "u8": np.arange(n, dtype=np.uint8),
        "Int64": pd.array([None if i % 3 == 0 else i for i in range(n)], dtype="Int64"),
        "UInt16": pd.array([None if i % 2 else i for i in range(n)], dtype="UInt16"),
        "f32": rng.random(n).astype(np.float32),
        "f64": [np.nan if i == 1 else i / 3 for i in range(n)],
        "bool": [i % 2 == 0 for i in range(n)],
        "boolean": pd.array([None if i == 2 else i % 2 == 0 for i in range(n)], dtype="boolean"),
        "str": [None if i == 4 else f"s{i}é" for i in range(n)],
        "bytes": [bytes([i]) * i for i in range(n)],
        "ts": pd.date_range("2020-01-01", periods=n, freq="37min"),
        "tstz": pd.date_range("2020-03-29", periods=n, freq="h", tz="Europe/Paris"),
        "td": pd.to_timedelta(np.arange(n), unit="ms"),
        "cat": pd.Categorical([["a", "b", None][i % 3] for i in range(n)], ordered=True),
        "dec": [D(i) / 4 for i in range(n)],
        "date": [dt.date(2020, 1, 1 + i) for i in range(n)],
        "time": [dt.time(i, i) for i in range(n)],
        "list": [list(range(i)) if i != 3 else None for i in range(n)],
        "struct": [{"k": i, "v": str(i)} for i in range(n)],
        "none": [None] * n,
    })


def test_round_trip_pandas_stream_pandas_equal():
    df = wide_frame(7)
    batches = list(pandas_to_batches(df, max_rows=3))
    assert len(batches) == 3
    schema, back = read_stream(write_stream(batches[0].schema, batches))
    assert [str(f) for f in schema.fields] == [str(f) for f in batches[0].schema.fields]
    # batches_to_pandas unifies per-batch dtypes (bool in one batch, boolean in another)
    result = batches_to_pandas(back, dates="object")
    pd.testing.assert_frame_equal(result, df)


def test_round_trip_without_nulls_keeps_numpy_dtypes():
    df = pd.DataFrame({"a": np.arange(5, dtype=np.int32), "b": np.arange(5, dtype=np.float64), "c": [True] * 5})
    schema, batches = read_stream(write_stream(*_schema_and_batches(df)))
    out = batch_to_pandas(batches[0])
    pd.testing.assert_frame_equal(out, df)


def _schema_and_batches(df):
    batches = list(pandas_to_batches(df))
    return batches[0].schema, batches


def test_batches_to_pandas_unifies_dtypes_across_batches():
    first = RecordBatch(t.Schema((t.Field("b", t.bool_), t.Field("i", t.int16), t.Field("c", t.Dictionary(t.int8, t.utf8)))),
                        [Column.from_pylist([True], t.bool_), Column.from_pylist([1], t.int16),
                         Column.from_pylist(["x"], t.Dictionary(t.int8, t.utf8))])
    second = RecordBatch(first.schema, [Column.from_pylist([None], t.bool_), Column.from_pylist([None], t.int16),
                                        Column.from_pylist(["y"], t.Dictionary(t.int8, t.utf8))])
    df = batches_to_pandas([first, second])
    assert [str(d) for d in df.dtypes] == ["boolean", "Int16", "category"]
    assert df["b"].tolist() == [True, pd.NA] and df["i"].tolist() == [1, pd.NA]
    assert df["c"].tolist() == ["x", "y"]
    assert batches_to_pandas([]).shape == (0, 0)
    single = batches_to_pandas([first])
    pd.testing.assert_frame_equal(single, batch_to_pandas(first))


# --------------------------------------------------------------------------------------------------
# Property-based round trips (Hypothesis when installed, a seeded generator otherwise)
# --------------------------------------------------------------------------------------------------

COLUMN_KINDS = ["int64", "Int64", "int8", "UInt32", "float64", "Float64", "bool", "boolean", "str", "string",
                "bytes", "datetime", "datetime_tz", "timedelta", "category", "decimal", "list", "none"]


def random_column(kind: str, n: int, rng) -> "pd.Series":
    null = rng.random(n) < 0.3
    ints = rng.integers(-1000, 1000, n)
    if kind == "int64":
        return pd.Series(ints.astype(np.int64))
    if kind == "int8":
        return pd.Series((ints % 100).astype(np.int8))
    if kind in ("Int64", "UInt32"):
        return pd.Series(pd.array([None if z else abs(int(v)) for v, z in zip(ints, null)], dtype=kind))
    if kind == "float64":
        return pd.Series(np.where(null, np.nan, ints / 7))
    if kind == "Float64":
        return pd.Series(pd.array([None if z else v / 7 for v, z in zip(ints.tolist(), null)], dtype="Float64"))
    if kind == "bool":
        return pd.Series(ints % 2 == 0)
    if kind == "boolean":
        return pd.Series(pd.array([None if z else v % 2 == 0 for v, z in zip(ints.tolist(), null)], dtype="boolean"))
    if kind in ("str", "string"):
        words = ["", "a", "é", "日本", "x" * 40, "\U0001F600"]
        values = [None if z else words[v % len(words)] + str(v) for v, z in zip(ints.tolist(), null)]
        return pd.Series(values, dtype=object if kind == "str" else "string")
    if kind == "bytes":
        return pd.Series([None if z else bytes([v % 256]) * (v % 5) for v, z in zip(ints.tolist(), null)], dtype=object)
    if kind == "datetime":
        return pd.Series(pd.to_datetime(np.where(null, np.datetime64("NaT"), (ints * 10**13).astype("M8[ns]"))))
    if kind == "datetime_tz":
        return pd.Series(pd.to_datetime(ints * 10**12).tz_localize("UTC").tz_convert("Asia/Kolkata"))
    if kind == "timedelta":
        return pd.Series(pd.to_timedelta(np.where(null, np.timedelta64("NaT"), ints.astype("m8[ms]"))))
    if kind == "category":
        return pd.Series(pd.Categorical([None if z else "abc"[v % 3] for v, z in zip(ints.tolist(), null)],
                                        categories=["a", "b", "c"], ordered=bool(ints.sum() % 2 if n else 0)))
    if kind == "decimal":
        return pd.Series([None if z else D(v) / 8 for v, z in zip(ints.tolist(), null)], dtype=object)
    if kind == "list":
        return pd.Series([None if z else list(range(v % 4)) for v, z in zip(ints.tolist(), null)], dtype=object)
    return pd.Series([None] * n, dtype=object)


def check_round_trip(seed: int, n: int, kinds: list, max_rows: int) -> None:
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({f"{k}_{i}": random_column(k, n, rng) for i, k in enumerate(kinds)})
    batches = list(pandas_to_batches(df, max_rows=max_rows))
    assert sum(b.num_rows for b in batches) == n
    _, back = read_stream(write_stream(batches[0].schema, batches))
    result = batches_to_pandas(back)
    expected = df.copy()
    for name in df.columns:
        if name.startswith("float64"):
            continue  # NaN → null → NaN: unchanged
        if name.startswith("decimal"):
            # decimals come back with the column's common scale: equal values, maybe more digits
            assert [None if v is None else v for v in result[name]] == [None if v is None else v for v in df[name]]
            expected[name] = result[name]
        if name.startswith("string"):
            expected[name] = df[name].astype(object).where(df[name].notna(), None)
        if name.startswith("Float64"):  # nulls arrive as NaN (the default floats="nan")
            expected[name] = df[name].to_numpy(dtype="float64", na_value=np.nan)
        if name.startswith(("Int64", "UInt32", "boolean")) and not df[name].isna().any():
            # no nulls anywhere: the plain numpy dtype (docs/pandas-mapping.md)
            expected[name] = df[name].to_numpy(dtype=df[name].dtype.numpy_dtype)
    pd.testing.assert_frame_equal(result, expected, check_categorical=True)


try:
    from hypothesis import given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - depends on the interpreter
    @pytest.mark.parametrize("seed", range(40))
    def test_random_frames_round_trip(seed):
        rng = np.random.default_rng(seed)
        kinds = list(rng.choice(COLUMN_KINDS, size=int(rng.integers(1, 6))))
        check_round_trip(seed, int(rng.integers(0, 60)), kinds, int(rng.integers(1, 50)))
else:
    @settings(max_examples=60, deadline=None)
    @given(seed=st.integers(0, 2**32 - 1), n=st.integers(0, 60),
           kinds=st.lists(st.sampled_from(COLUMN_KINDS), min_size=1, max_size=6), max_rows=st.integers(1, 50))
    def test_random_frames_round_trip(seed, n, kinds, max_rows):
        check_round_trip(seed, n, kinds, max_rows)


def test_floats_nullable_option_keeps_nan_apart_from_null():
    ty = t.float64
    values = [1.5, None, float("nan")]
    df = batch_to_pandas(batch_of("f", ty, values), floats="nullable")
    assert str(df["f"].dtype) == "Float64"
    assert df["f"].isna().tolist() == [False, True, False] or df["f"].isna().tolist() == [False, True, True]
    col = only_batch(df).column(0)
    assert col.null_count == 1
    assert col.to_pylist()[0] == 1.5 and col.to_pylist()[1] is None and np.isnan(col.to_pylist()[2])
    plain = batch_to_pandas(batch_of("f", ty, values))
    assert str(plain["f"].dtype) == "float64"
    assert only_batch(plain).column(0).to_pylist() == [1.5, None, None]  # NaN → null by default
    with pytest.raises(ValueError):
        batch_to_pandas(batch_of("f", ty, values), floats="masked")


def test_sliced_batches_convert_their_rows_only():
    df = wide_frame(9)
    (batch,) = pandas_to_batches(df)
    part = batch.slice(3, 4)
    got = batch_to_pandas(part, dates="object")
    want = df.iloc[3:7].reset_index(drop=True)
    want["bool"] = want["bool"].astype(bool)
    pd.testing.assert_frame_equal(got, want, check_dtype=False)
    again = only_batch(got)
    assert again.column("str").to_pylist() == part.column("str").to_pylist()
    assert again.column("Int64").to_pylist() == part.column("Int64").to_pylist()


@pytest.mark.parametrize("values", [
    ["a", "", None, "é", "日本語", "\U0001F600x", "", "ascii"],
    ["", "", "ü"],
    ["ü", None, ""],
    [None, None],
    ["", ""],
])
def test_utf8_decoding_mixed_widths_nulls_and_slices(values):
    col = Column.from_pylist(values, t.utf8)
    assert batch_to_pandas(RecordBatch(t.Schema((t.Field("s", t.utf8),)), [col]))["s"].tolist() == values
    for start in range(len(values)):
        part = col.slice(start, len(values) - start)
        df = batch_to_pandas(RecordBatch(t.Schema((t.Field("s", t.utf8),)), [part]))
        assert df["s"].tolist() == values[start:]


def test_utf8_decoding_invalid_values_and_garbage_in_null_slots():
    # "é" split across two values: the concatenation is valid UTF-8, the values are not
    offsets = np.array([0, 1, 2], dtype=np.int32)
    bad = Column(t.utf8, 2, [None, offsets, "é".encode()])
    with pytest.raises(ValueError, match="string 0 is not valid UTF-8"):
        batch_to_pandas(RecordBatch(t.Schema((t.Field("s", t.utf8),)), [bad]))
    # invalid bytes in a null slot are ignored
    data = b"ok\xff\xfe\xc3\xa9"
    validity = np.packbits(np.array([True, False, True]), bitorder="little")
    col = Column(t.utf8, 3, [validity, np.array([0, 2, 4, 6], dtype=np.int32), data])
    df = batch_to_pandas(RecordBatch(t.Schema((t.Field("s", t.utf8),)), [col]))
    assert df["s"].tolist() == ["ok", None, "é"]


# -- the frame constructor's fast path (pandas 1.3-1.5: the block step of DataFrame(dict) called directly) ----------

def _public_constructor_frame(names, arrays, num_rows):
    df = pd.DataFrame(dict(enumerate(arrays)), copy=False)
    df.columns = pd.Index(names, dtype=object)
    return df


FRAME_SHAPES = {
    "one int64": (["x"], lambda n: [np.arange(n, dtype=np.int64)]),
    "eight numeric": (list("abcdefgh"), lambda n: [np.arange(n, dtype=np.int64) for _ in range(4)]
                      + [np.arange(n, dtype=np.float64) for _ in range(4)]),
    "mixed kinds": (["i", "s", "b", "t", "n", "c", "z"], lambda n: [
        np.arange(n), np.array(["x"] * n, dtype=object), np.ones(n, dtype=bool),
        np.full(n, np.datetime64("2020-01-01T10:00", "ns")), pd.array(list(range(n)), dtype="Int64"),
        pd.Categorical(["a"] * n), pd.array(pd.to_datetime(["2020-01-01"] * n).tz_localize("Europe/Paris"))]),
    "repeated names": (["a", "a"], lambda n: [np.arange(n), np.arange(n) * 2.0]),
}


@pytest.mark.parametrize("rows", [0, 1, 3])
@pytest.mark.parametrize("shape", sorted(FRAME_SHAPES))
def test_frame_from_arrays_builds_the_frame_the_public_constructor_builds(shape, rows):
    from data_manager._pandas_read import frame_from_arrays

    names, make = FRAME_SHAPES[shape]
    arrays = make(rows)
    ours, public = frame_from_arrays(names, arrays, rows), _public_constructor_frame(names, arrays, rows)
    assert ours.equals(public)
    assert list(ours.dtypes) == list(public.dtypes)
    assert list(ours.columns) == names and ours.columns.dtype == object
    assert isinstance(ours.index, pd.RangeIndex) and len(ours.index) == rows
    assert ours._mgr.nblocks == len(arrays), "one block per array: nothing consolidated"
    for i, a in enumerate(arrays):
        if isinstance(a, np.ndarray) and rows:
            assert np.shares_memory(ours.iloc[:, i].to_numpy(), a), f"column {i} was copied"
    ours["new"] = 1  # the frame takes the usual operations
    assert len(ours.columns) == len(names) + 1

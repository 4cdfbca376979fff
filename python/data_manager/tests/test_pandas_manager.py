"""The DataManager's pandas paths end to end, in process: fetch_once → DataFrames, set_output(DataFrame).

Skipped (with the reason) when numpy or pandas is absent or DATA_MANAGER_NO_NUMPY=1 is set.
"""

from __future__ import annotations

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
from data_manager._manager import DataManager, ListSink


def input_batches():
    schema = t.Schema((t.Field("id", t.int64), t.Field("qty", t.int32), t.Field("name", t.utf8)))
    first = RecordBatch(schema, [Column.from_pylist([1, 2], t.int64), Column.from_pylist([5, None], t.int32),
                                 Column.from_pylist(["a", "b"], t.utf8)])
    second = RecordBatch(schema, [Column.from_pylist([3], t.int64), Column.from_pylist([7], t.int32),
                                  Column.from_pylist([None], t.utf8)])
    _, batches = read_stream(write_stream(schema, [first, second]))
    return batches


def test_fetch_once_yields_one_dataframe_per_batch_with_nullable_ints():
    dm = DataManager(input_batches(), use_pandas=True)
    frames = list(dm.fetch_once())
    assert len(frames) == 2
    assert list(frames[0].columns) == ["id", "qty", "name"]
    assert str(frames[0]["qty"].dtype) == "Int32"
    assert frames[0]["qty"].tolist() == [5, pd.NA]
    assert str(frames[1]["qty"].dtype) == "int32"


def test_set_output_dataframe_keeps_names_types_and_bounds():
    sink = ListSink()
    dm = DataManager(None, sink, max_batch_rows=2, use_pandas=True)
    df = pd.DataFrame({"total": np.arange(5, dtype=np.int64), "label": list("abcde"),
                       "n": pd.array([1, None, 3, 4, 5], dtype="Int16")})
    dm.set_output(df)
    assert [b.num_rows for b in sink.batches] == [2, 2, 1]
    assert sink.batches[0].schema.names == ("total", "label", "n")
    assert [f.type for f in sink.batches[0].schema.fields] == [t.int64, t.utf8, t.int16]
    assert sum((b.column("n").to_pylist() for b in sink.batches), []) == [1, None, 3, 4, 5]


def test_set_output_pyjava_series_lists_keep_names():
    sink = ListSink()
    dm = DataManager(None, sink, use_pandas=True)
    dm.set_output([[pd.Series([1, 2], name="a"), pd.Series(["x", "y"], name="b")],
                   [pd.Series([3], name="a"), pd.Series(["z"], name="b")]])
    assert [b.schema.names for b in sink.batches] == [("a", "b"), ("a", "b")]
    assert sum((b.column("b").to_pylist() for b in sink.batches), []) == ["x", "y", "z"]


def test_set_output_of_a_series_says_to_use_to_frame():
    dm = DataManager([], use_pandas=True)
    with pytest.raises(TypeError, match=r"a pandas Series: use \.to_frame\(\)"):
        dm.set_output(pd.Series([1, 2, 3], name="n"))
    dm = DataManager([], use_pandas=True)
    with pytest.raises(TypeError, match=r"iterable holding a pandas Series: use \.to_frame\(\)"):
        dm.set_output([pd.Series([1]), pd.Series([2])])


# -- identical output types with and without pandas (docs/type-mapping.md) --------------------------
import datetime as _dt
import decimal as _decimal

_UTC = _dt.timezone.utc
IDENTITY_TYPES = {
    "decimal128(38, 2)": (t.Decimal(38, 2, 128), [_decimal.Decimal("1.25"), None]),
    "large_utf8": (t.LargeUtf8(), ["a", None]),
    "large_binary": (t.LargeBinary(), [b"a", None]),
    "guid fixed_size_binary(16)": (t.FixedSizeBinary(16), [bytes(range(16)), None]),
    "timestamp[us]": (t.Timestamp(t.TimeUnit.MICROSECOND), [_dt.datetime(2026, 1, 25, 1, 2, 3, 4), None]),
    "timestamp[us, UTC]": (t.Timestamp(t.TimeUnit.MICROSECOND, "UTC"), [_dt.datetime(2026, 1, 25, 1, 2, 3, tzinfo=_UTC), None]),
    "timestamp[s]": (t.Timestamp(t.TimeUnit.SECOND), [_dt.datetime(2026, 1, 25, 1, 2, 3), None]),
    "date32": (t.Date(t.DateUnit.DAY), [_dt.date(2026, 1, 25), None]),
    "date64": (t.Date(t.DateUnit.MILLISECOND), [_dt.date(2026, 1, 25), None]),
    "time64[ns]": (t.Time(t.TimeUnit.NANOSECOND, 64), [_dt.time(1, 2, 3, 4), None]),
    "time32[ms]": (t.Time(t.TimeUnit.MILLISECOND, 32), [_dt.time(1, 2, 3, 4000), None]),
    "duration[ms]": (t.Duration(t.TimeUnit.MILLISECOND), [_dt.timedelta(seconds=5), None]),
    "struct<int16, utf8>": (t.Struct((t.Field("a", t.Int(16, True)), t.Field("b", t.Utf8()))), [{"a": 1, "b": "x"}, None]),
    "DateTimeOffset struct": (t.Struct((t.Field("utc", t.Timestamp(t.TimeUnit.MICROSECOND, "UTC")), t.Field("offset_minutes", t.Int(16, True)))),
                              [{"utc": _dt.datetime(2026, 1, 25, tzinfo=_UTC), "offset_minutes": 60}, None]),
    "map<utf8, int64>": (t.Map(t.Field("entries", t.Struct((t.Field("key", t.Utf8(), False), t.Field("value", t.Int(64, True)))), False)), [[("k", 1)], None]),
    "dictionary<int32, utf8>": (t.Dictionary(t.Int(32, True), t.Utf8(), False), ["x", None]),
    "bool": (t.Bool(), [True, None]), "int8": (t.Int(8, True), [1, None]), "uint64": (t.Int(64, False), [2**63, None]),
    "float32": (t.FloatingPoint(t.Precision.SINGLE), [1.5, None]), "utf8": (t.Utf8(), ["a", None]),
    "binary": (t.Binary(), [b"a", None]), "timestamp[ns]": (t.Timestamp(t.TimeUnit.NANOSECOND), [_dt.datetime(2026, 1, 25), None]),
    "duration[ns]": (t.Duration(t.TimeUnit.NANOSECOND), [_dt.timedelta(seconds=5), None]),
    "list<int64>": (t.List(t.Field("item", t.Int(64, True))), [[1, 2], None]), "null": (t.Null(), [None, None]),
}


def _one_column(name, ty, values):
    schema = t.Schema((t.Field("c", ty),))
    _, batches = read_stream(write_stream(schema, [RecordBatch(schema, [Column.from_pylist(values, ty)], len(values))]))
    return batches


def _identity(batches, use_pandas, code="fetch_once"):
    dm = DataManager(batches, use_pandas=use_pandas)
    dm.set_output(dm.fetch_once() if code == "fetch_once" else dm.fetch_once_as_dataframe())
    return dm.sink.batches[0]


@pytest.mark.parametrize("case", list(IDENTITY_TYPES))
@pytest.mark.parametrize("fetch", ["fetch_once", "fetch_once_as_dataframe"])
def test_identity_script_writes_the_same_arrow_types_and_values_with_and_without_pandas(case, fetch):
    ty, values = IDENTITY_TYPES[case]
    without = _identity(_one_column("c", ty, values), use_pandas=False)
    with_pandas = _identity(_one_column("c", ty, values), use_pandas=True, code=fetch)
    assert with_pandas.schema.fields[0].type == without.schema.fields[0].type
    assert str(without.schema.fields[0].type) == str(ty)
    assert with_pandas.columns[0].to_pylist() == without.columns[0].to_pylist()


def test_a_date_column_given_times_of_day_keeps_the_timestamp_type_and_warns_once_naming_it():
    logs = []
    dm = DataManager(_one_column("c", t.Date(t.DateUnit.DAY), [_dt.date(2026, 1, 25), None]), use_pandas=True,
                     log=lambda level, message: logs.append((level, message)))
    frames = [df.assign(c=df["c"] + pd.Timedelta(hours=6)) for df in dm.fetch_once()]
    dm.set_output(frames)
    assert dm.sink.batches[0].schema.fields[0].type == t.Timestamp(t.TimeUnit.NANOSECOND)
    assert len(logs) == 1 and logs[0][0] == "warning"
    assert "'c' came in as date32" in logs[0][1] and "timestamp[nanosecond]" in logs[0][1], logs


def test_a_column_whose_type_the_code_changed_keeps_the_codes_type():
    dm = DataManager(_one_column("c", t.Timestamp(t.TimeUnit.MICROSECOND, "UTC"),
                                 [_dt.datetime(2026, 1, 25, tzinfo=_UTC), None]), use_pandas=True)
    dm.set_output(df.assign(c=df["c"].dt.tz_convert("Europe/Paris")) for df in dm.fetch_once())
    assert dm.sink.batches[0].schema.fields[0].type == t.Timestamp(t.TimeUnit.NANOSECOND, "Europe/Paris")
    dm = DataManager(_one_column("c", t.Date(t.DateUnit.DAY), [_dt.date(2026, 1, 25)]), use_pandas=True)
    dm.set_output(df.assign(c=df["c"].dt.day) for df in dm.fetch_once())
    assert isinstance(dm.sink.batches[0].schema.fields[0].type, t.Int)


def metadata_batches():
    schema = t.Schema((t.Field("a", t.int64), t.Field("b", t.int64)))
    first = RecordBatch(schema, [Column.from_pylist([1, 2], t.int64), Column.from_pylist([10, 20], t.int64)],
                        metadata=(("source", "part-0"), ("note", "ünïcode")))
    second = RecordBatch(schema, [Column.from_pylist([3], t.int64), Column.from_pylist([30], t.int64)])
    _, batches = read_stream(write_stream(schema, [first, second]))
    return batches


def test_batch_custom_metadata_reaches_frame_attrs_and_survives_a_pandas_transform():
    sink = ListSink()
    dm = DataManager(metadata_batches(), sink, use_pandas=True)
    frames = []
    for df in dm.fetch_once():
        df["s"] = df["a"] + df["b"]
        frames.append(df.assign(t=df["s"] * 2))
    assert frames[0].attrs["databridge.metadata"] == {"source": "part-0", "note": "ünïcode"}
    assert "databridge.metadata" not in frames[1].attrs
    dm.set_output(iter(frames))
    assert [b.metadata for b in sink.batches] == [(("source", "part-0"), ("note", "ünïcode")), ()]
    _, back = read_stream(write_stream(sink.batches[0].schema, sink.batches))
    assert back[0].metadata == (("source", "part-0"), ("note", "ünïcode"))


def test_frame_metadata_attr_is_written_on_every_bounded_batch_of_the_frame():
    sink = ListSink()
    dm = DataManager(None, sink, max_batch_rows=2, use_pandas=True)
    df = pd.DataFrame({"x": np.arange(5, dtype=np.int64)})
    df.attrs["databridge.metadata"] = {"k": "v"}
    dm.set_output(df)
    assert [b.metadata for b in sink.batches] == [(("k", "v"),)] * 3


def test_frame_metadata_attr_that_is_not_str_to_str_is_refused_naming_the_attr():
    dm = DataManager(None, ListSink(), use_pandas=True)
    df = pd.DataFrame({"x": [1]})
    df.attrs["databridge.metadata"] = {"k": 1}
    with pytest.raises(TypeError, match=r"attrs\['databridge.metadata'\] must map str to str"):
        dm.set_output(df)

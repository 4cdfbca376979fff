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

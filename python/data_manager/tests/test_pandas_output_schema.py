"""One output schema per run with pandas frames (docs/pandas-mapping.md, "One schema per run"), for a
streamed output (a generator of DataFrames, the README's pattern) and a collected one (a list).

Skipped (with the reason) when numpy or pandas is absent or DATA_MANAGER_NO_NUMPY=1 is set.
"""

from __future__ import annotations

import os

import pytest

if os.environ.get("DATA_MANAGER_NO_NUMPY", "").strip() not in ("", "0", "false", "False"):
    pytest.skip("pandas output tests: numpy disabled by DATA_MANAGER_NO_NUMPY", allow_module_level=True)
try:
    import numpy as np
    import pandas as pd
except ImportError as exc:  # pragma: no cover - depends on the interpreter
    pytest.skip(f"pandas output tests need numpy and pandas: {exc}", allow_module_level=True)

from data_manager import DataManagerError
from data_manager._manager import DataManager, ListSink

FORMS = {"streamed": iter, "collected": list}


def output(frames, form, **kw):
    dm = DataManager(None, ListSink(), use_pandas=True, **kw)
    dm.set_output(FORMS[form](frames))
    assert all(b.schema == dm.output_schema for b in dm.sink.batches)
    return dm


def types_of(dm):
    return {f.name: str(f.type) for f in dm.output_schema.fields}


def values(dm, name):
    return [v for b in dm.sink.batches for v in b.column(name).to_pylist()]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("later, type_name, expected", [
    (pd.Series([1, 2]), "int64", [1, 2]),
    (pd.Series(["x", None]), "utf8", ["x", None]),
    (pd.Series([0.5, np.nan]), "float64", [0.5, None]),
    (pd.Series(pd.array([3, None], dtype="Int64")), "int64", [3, None]),
])
def test_object_none_column_first_takes_the_later_frames_type(form, later, type_name, expected):
    first = pd.DataFrame({"k": [1, 2], "a": [None, None]})
    dm = output([first, pd.DataFrame({"k": [3, 4], "a": later})], form)
    assert types_of(dm) == {"k": "int64", "a": type_name}
    assert values(dm, "a") == [None, None] + expected


@pytest.mark.parametrize("form", FORMS)
def test_all_null_last_frame_is_nulls_of_the_established_type(form):
    frames = [pd.DataFrame({"a": [1, 2], "s": ["x", "y"], "f": [0.5, 1.5]}),
              pd.DataFrame({"a": [None], "s": [None], "f": [None]})]
    dm = output(frames, form)
    assert types_of(dm) == {"a": "int64", "s": "utf8", "f": "float64"}
    assert values(dm, "a") == [1, 2, None] and values(dm, "s") == ["x", "y", None] and values(dm, "f") == [0.5, 1.5, None]


@pytest.mark.parametrize("form", FORMS)
def test_a_column_missing_in_every_frame_stays_the_null_type(form):
    dm = output([pd.DataFrame({"a": [None]}), pd.DataFrame({"a": [None, None]})], form)
    assert types_of(dm) == {"a": "null"}


@pytest.mark.parametrize("form", FORMS)
def test_int_then_whole_floats_with_nan_are_cast_to_the_established_int64(form):
    dm = output([pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"a": [3.0, np.nan]})], form)
    assert types_of(dm) == {"a": "int64"}
    assert values(dm, "a") == [1, 2, 3, None]


@pytest.mark.parametrize("form", FORMS)
def test_float_then_int_is_cast_to_float64(form):
    dm = output([pd.DataFrame({"a": [0.5]}), pd.DataFrame({"a": [1, 2]})], form)
    assert types_of(dm) == {"a": "float64"}
    assert values(dm, "a") == [0.5, 1.0, 2.0]


@pytest.mark.parametrize("form", FORMS)
def test_int_then_fractional_floats_raises_naming_the_column_and_both_types(form):
    with pytest.raises(DataManagerError) as e:
        output([pd.DataFrame({"a": [1, 2]}), pd.DataFrame({"a": [1.0, 2.5]})], form)
    message = str(e.value)
    assert "column 'a'" in message and "int64" in message and "float64" in message and "2.5" in message, message


@pytest.mark.parametrize("form", FORMS)
def test_nullable_int_with_na_and_plain_int_share_int64(form):
    frames = [pd.DataFrame({"a": pd.array([None, 1], dtype="Int64")}), pd.DataFrame({"a": np.array([2, 3])}),
              pd.DataFrame({"a": pd.array([None], dtype="Int64")})]
    dm = output(frames, form)
    assert types_of(dm) == {"a": "int64"}
    assert values(dm, "a") == [None, 1, 2, 3, None]


@pytest.mark.parametrize("form", FORMS)
def test_columns_in_another_order_are_matched_by_name(form):
    dm = output([pd.DataFrame({"a": [1], "s": [None]}), pd.DataFrame({"s": ["y"], "a": [2]})], form)
    assert [f.name for f in dm.output_schema.fields] == ["a", "s"]
    assert types_of(dm) == {"a": "int64", "s": "utf8"}
    assert values(dm, "s") == [None, "y"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("later, column", [(pd.DataFrame({"a": [2]}), "'s'"),
                                           (pd.DataFrame({"a": [2], "s": ["y"], "extra": [1]}), "'extra'")])
def test_a_missing_or_extra_column_raises_naming_it(form, later, column):
    with pytest.raises(DataManagerError, match=column):
        output([pd.DataFrame({"a": [1], "s": ["x"]}), later], form)


@pytest.mark.parametrize("form", FORMS)
def test_dicts_of_numpy_columns_and_series_lists_follow_the_same_rule(form):
    dm = output([{"a": np.array([None, None], dtype=object)}, {"a": np.array([1.5])}], form)
    assert types_of(dm) == {"a": "float64"}
    dm = output([[pd.Series([None], name="a")], [pd.Series(["x"], name="a")]], form)
    assert types_of(dm) == {"a": "utf8"}
    assert values(dm, "a") == [None, "x"]


def test_an_explicit_schema_still_wins_over_every_frame():
    from data_manager._arrow import types as t

    schema = t.Schema((t.Field("a", t.float64),))
    dm = DataManager(None, ListSink(), use_pandas=True)
    dm.set_output(iter([pd.DataFrame({"a": [None]}), pd.DataFrame({"a": [1]})]), schema=schema)
    assert dm.output_schema == schema and values(dm, "a") == [None, 1.0]

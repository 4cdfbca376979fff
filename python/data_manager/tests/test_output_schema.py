"""One output schema per run (docs/pandas-mapping.md, "One schema per run"), standard library only:
dicts of columns, record batches, pyjava's lists of columns and ``build_result`` rows. Every rule is
checked for a streamed output (a generator: frames written as they come) and a collected one (a list)."""

from __future__ import annotations

import pytest

from data_manager import DataManager, DataManagerError, ListSink
from data_manager._arrow import Column, RecordBatch
from data_manager._arrow import types as t

FORMS = {"streamed": iter, "collected": list}


def output(frames, form, **kw):
    dm = DataManager(None, ListSink(), use_pandas=False, **kw)
    dm.set_output(FORMS[form](frames))
    return dm


def types_of(dm):
    return [str(f) for f in dm.output_schema.fields]


def every_batch_has_the_schema(dm):
    assert dm.sink.batches and all(b.schema == dm.output_schema for b in dm.sink.batches)


def values(dm, name):
    return [v for b in dm.sink.batches for v in b.column(name).to_pylist()]


@pytest.mark.parametrize("form", FORMS)
def test_all_null_first_frame_takes_the_type_of_the_first_frame_with_values(form):
    dm = output([{"a": [None, None], "b": [1, 2]}, {"a": [None], "b": [3]}, {"a": [7, None], "b": [4, 5]}], form)
    assert types_of(dm) == ["a: int64", "b: int64"]
    every_batch_has_the_schema(dm)
    assert values(dm, "a") == [None, None, None, 7, None]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("later, type_name", [(["x"], "utf8"), ([1.5], "float64"), ([True], "bool")])
def test_all_null_first_frame_widens_to_strings_floats_and_booleans(form, later, type_name):
    dm = output([{"a": [None]}, {"a": later}], form)
    assert types_of(dm) == [f"a: {type_name}"]
    assert values(dm, "a") == [None] + later


@pytest.mark.parametrize("form", FORMS)
def test_all_null_last_frame_becomes_nulls_of_the_established_type(form):
    dm = output([{"a": [1, 2], "s": ["x", "y"]}, {"a": [None], "s": [None]}], form)
    assert types_of(dm) == ["a: int64", "s: utf8"]
    every_batch_has_the_schema(dm)
    assert values(dm, "a") == [1, 2, None] and values(dm, "s") == ["x", "y", None]


@pytest.mark.parametrize("form", FORMS)
def test_a_column_null_in_every_frame_stays_the_null_type(form):
    dm = output([{"a": [None], "b": [1]}, {"a": [None, None], "b": [2, 3]}], form)
    assert types_of(dm) == ["a: null", "b: int64"]
    assert values(dm, "a") == [None] * 3


@pytest.mark.parametrize("form", FORMS)
def test_a_later_frame_is_cast_to_the_established_type_when_no_value_changes(form):
    dm = output([{"a": [1.5]}, {"a": [2, None]}], form)
    assert types_of(dm) == ["a: float64"]
    assert values(dm, "a") == [1.5, 2.0, None]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("first, later, first_type, later_type", [
    ([1], [1.5], "int64", "float64"),
    ([1.5], [2 ** 60 + 1], "float64", "int64"),
    (["x"], [1], "utf8", "int64"),
    ([1], [True], "int64", "bool"),
])
def test_a_later_frame_that_cannot_take_the_type_raises_naming_the_column_and_both_types(form, first, later, first_type, later_type):
    with pytest.raises(DataManagerError) as e:
        output([{"a": first}, {"a": later}], form)
    message = str(e.value)
    assert "column 'a'" in message and first_type in message and later_type in message, message


@pytest.mark.parametrize("form", FORMS)
def test_columns_in_another_order_are_matched_by_name(form):
    dm = output([{"a": [1], "s": ["x"]}, {"s": [None], "a": [2]}], form)
    assert types_of(dm) == ["a: int64", "s: utf8"]
    assert values(dm, "a") == [1, 2] and values(dm, "s") == ["x", None]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("later, column", [({"a": [2]}, "'s'"), ({"a": [2], "s": ["y"], "z": [0]}, "'z'")])
def test_a_missing_or_extra_column_in_a_later_frame_raises_naming_it(form, later, column):
    with pytest.raises(DataManagerError, match=column):
        output([{"a": [1], "s": ["x"]}, later], form)


@pytest.mark.parametrize("form", FORMS)
def test_record_batches_and_pyjava_column_lists_follow_the_same_rule(form):
    null_first = RecordBatch.from_pydict({"a": [None]})
    typed = RecordBatch(t.Schema((t.Field("a", t.int32),)), [Column.from_pylist([5], t.int32)])
    dm = output([null_first, typed, RecordBatch.from_pydict({"a": [None, None]})], form)
    assert types_of(dm) == ["a: int32"]
    assert values(dm, "a") == [None, 5, None, None]
    dm = output([[[None, None]], [[1]]], form)  # pyjava: batches of unnamed columns
    assert types_of(dm) == ["_0: int64"]


def test_build_result_rows_with_a_key_missing_from_a_whole_block():
    dm = DataManager(None, ListSink(), use_pandas=False)
    rows = [{"i": i} for i in range(3)] + [{"i": 3, "note": "late"}] + [{"i": 4}]
    with pytest.raises(DataManagerError, match="'note'"):
        dm.build_result(rows, block_size=3)  # a key no earlier row had is a new column
    dm = DataManager(None, ListSink(), use_pandas=False)
    dm.build_result([{"i": 0, "note": None}, {"i": 1, "note": None}, {"i": 2, "note": "x"}, {"i": 3}], block_size=2)
    assert [str(f) for f in dm.output_schema.fields] == ["i: int64", "note: utf8"]
    assert [v for b in dm.sink.batches for v in b.column("note").to_pylist()] == [None, None, "x", None]


def test_held_back_batches_are_sent_once_the_budget_is_spent_and_the_null_type_is_then_final():
    # Each frame: 100 int64 values = 800 bytes; the budget (max_batch_bytes) holds two of them.
    frames = [{"a": [None] * 100, "b": list(range(100))} for _ in range(3)] + [{"a": [1] * 100, "b": list(range(100))}]
    dm = DataManager(None, ListSink(), use_pandas=False, max_batch_bytes=1600)
    with pytest.raises(DataManagerError, match="column 'a' had no values in the first .* rows, which were sent with the null type"):
        dm.set_output(iter(frames))
    assert dm.output_rows >= 200 and all(str(b.schema.fields[0]) == "a: null" for b in dm.sink.batches)


def test_nothing_is_held_back_once_every_column_has_a_type():
    sent = []

    class Sink:
        def write_batch(self, batch):
            sent.append(batch)

    dm = DataManager(None, Sink(), use_pandas=False)

    def frames():
        yield {"a": [1]}
        assert len(sent) == 1, "the first frame was written before the second was asked for"
        yield {"a": [2]}

    dm.set_output(frames())
    assert len(sent) == 2

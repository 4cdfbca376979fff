"""The DataManager contract (pyjava's API and ours), without any process."""

from __future__ import annotations

import pytest

from data_manager import DataManager, DataManagerError, ListSink
from data_manager._arrow import Field, Int, RecordBatch, Schema, Utf8


def batches():
    return [RecordBatch.from_pydict({"a": [1, 2], "s": ["x", None]}),
            RecordBatch.from_pydict({"a": [3], "s": ["z"]})]


def manager(**kw):
    return DataManager(batches(), ListSink(), {"GROUP_ID": "g"}, use_pandas=False, **kw)


def test_fetch_once_yields_one_item_per_batch_and_only_once():
    dm = manager()
    got = list(dm.fetch_once())
    assert [b.num_rows for b in got] == [2, 1]
    with pytest.raises(DataManagerError, match="input data can only be fetched once"):
        dm.fetch_once()


def test_every_fetch_variant_counts_as_the_one_fetch():
    for name in ("fetch_once_as_batches", "fetch_once_as_rows", "fetch_once_as_batch_rows",
                 "fetch_once_as_dataframe", "noops_fetch"):
        dm = manager()
        result = getattr(dm, name)()
        if result is not None and not isinstance(result, dict):
            list(result)
        with pytest.raises(DataManagerError):
            dm.fetch_once()


def test_rows_and_batch_rows_and_dataframe_without_pandas():
    assert list(manager().fetch_once_as_rows()) == [{"a": 1, "s": "x"}, {"a": 2, "s": None}, {"a": 3, "s": "z"}]
    assert [len(r) for r in manager().fetch_once_as_batch_rows()] == [2, 1]
    assert manager().fetch_once_as_dataframe() == {"a": [1, 2, 3], "s": ["x", None, "z"]}


def test_conf_is_read_only():
    dm = manager()
    assert dm.conf["GROUP_ID"] == "g"
    with pytest.raises(TypeError):
        dm.conf["GROUP_ID"] = "other"  # type: ignore[index]


def test_set_output_accepts_dicts_batches_and_pyjava_series_lists_and_keeps_names():
    dm = manager()
    dm.set_output({"x": [1, 2], "y": ["a", "b"]})
    assert [f.name for f in dm.sink.batches[0].schema.fields] == ["x", "y"]
    dm2 = manager()
    dm2.set_output(iter(batches()))
    assert dm2.output_rows == 3 and dm2.output_batches == 2
    dm3 = manager()
    dm3.set_output([[[1, 2], ["p", "q"]]])  # pyjava: batches of columns, unnamed → _0.._n
    assert dm3.sink.batches[0].to_pydict() == {"_0": [1, 2], "_1": ["p", "q"]}


def test_set_output_twice_raises():
    dm = manager()
    dm.set_output({"x": [1]})
    with pytest.raises(DataManagerError, match="only be called once"):
        dm.set_output({"x": [2]})


def test_schema_change_between_output_batches_raises_naming_both():
    dm = manager()
    with pytest.raises(DataManagerError, match="output schema changed") as e:
        dm.set_output([{"x": [1]}, {"x": ["not an int"]}])
    assert "column 'x' is int64" in str(e.value) and "utf8" in str(e.value)


def test_output_is_split_into_bounded_batches_by_rows_and_bytes():
    dm = DataManager(None, ListSink(), use_pandas=False, max_batch_rows=100)
    dm.set_output({"x": list(range(1000))})
    assert [b.num_rows for b in dm.sink.batches] == [100] * 10
    dm = DataManager(None, ListSink(), use_pandas=False, max_batch_bytes=8 * 64)
    dm.set_output({"x": list(range(1000))})
    assert max(b.num_rows for b in dm.sink.batches) <= 64
    assert sum(b.num_rows for b in dm.sink.batches) == 1000


def test_build_result_chunks_dict_rows():
    dm = manager()
    dm.build_result(({"i": i, "s": str(i)} for i in range(2500)), block_size=1000)
    assert [b.num_rows for b in dm.sink.batches] == [1000, 1000, 500]


def test_set_output_with_an_explicit_schema():
    dm = manager()
    schema = Schema([Field("i", Int(32, True)), Field("s", Utf8())])
    dm.set_output({"i": [1, None], "s": ["a", "b"]}, schema=schema)
    assert dm.output_schema == schema


def test_set_output_rejects_what_it_cannot_convert():
    with pytest.raises(TypeError, match="set_output takes"):
        manager().set_output(42)


def test_log_goes_to_the_log_function():
    seen = []
    dm = DataManager(None, ListSink(), log=lambda level, msg: seen.append((level, msg)), use_pandas=False)
    dm.log("hello")
    dm.log("careful", level="warning")
    assert seen == [("info", "hello"), ("warning", "careful")]
    with pytest.raises(ValueError):
        dm.log("x", level="loud")


@pytest.mark.requires_pandas
def test_fetch_once_gives_pandas_frames_and_output_round_trips():
    import pandas as pd

    dm = DataManager(batches(), ListSink(), use_pandas=True)
    frames = list(dm.fetch_once())
    assert all(isinstance(f, pd.DataFrame) for f in frames)
    assert list(frames[0]["a"]) == [1, 2]
    dm.set_output(pd.concat(frames, ignore_index=True))
    assert dm.sink.batches[0].to_pydict() == {"a": [1, 2, 3], "s": ["x", None, "z"]}


@pytest.mark.requires_pandas
def test_pyjava_series_batches_keep_series_names():
    import pandas as pd

    dm = DataManager(None, ListSink(), use_pandas=True)
    dm.set_output([[pd.Series([1, 2], name="id"), pd.Series(["a", "b"], name="v")]])
    assert dm.sink.batches[0].to_pydict() == {"id": [1, 2], "v": ["a", "b"]}


@pytest.mark.requires_pandas
def test_fetch_once_as_dataframe_unifies_dtypes_across_batches():
    bs = [RecordBatch.from_pydict({"b": [True, False]}), RecordBatch.from_pydict({"b": [None, True]})]
    df = DataManager(bs, ListSink(), use_pandas=True).fetch_once_as_dataframe()
    assert str(df["b"].dtype) == "boolean"
    assert df["b"].isna().tolist() == [False, False, True, False]


@pytest.mark.requires_pandas
def test_later_frames_follow_the_first_frames_schema():
    import pandas as pd

    dm = DataManager(None, ListSink(), use_pandas=True)
    dm.set_output([pd.DataFrame({"s": ["a", "b"]}), pd.DataFrame({"s": [None, None]})])
    assert [b.to_pydict() for b in dm.sink.batches] == [{"s": ["a", "b"]}, {"s": [None, None]}]


def test_record_batch_custom_metadata_passes_through_fetch_and_set_output_unchanged():
    schema = Schema((Field("x", Int(64, True)),))
    batch = RecordBatch.from_pydict({"x": [1, 2, 3]}, schema)
    batch = RecordBatch(schema, batch.columns, 3, (("k", "v"), ("k", "again")))
    sink = ListSink()
    dm = DataManager([batch], sink, use_pandas=False, max_batch_rows=2)
    dm.set_output(list(dm.fetch_once_as_batches()))
    assert [b.metadata for b in sink.batches] == [(("k", "v"), ("k", "again"))] * 2

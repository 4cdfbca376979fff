"""numpy integration: zero-copy views on read, from_numpy without copying, writer sends numpy buffers."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import child_env

from data_manager._arrow.compat import numpy_or_none
from data_manager.arrow import (Bool, Column, Date, DateUnit, Duration, FloatingPoint, Int, RecordBatch, StreamReader,
                                StreamWriter, Timestamp, TimeUnit, Utf8, read_stream, write_stream)

pytestmark = pytest.mark.requires_numpy


@pytest.fixture
def np():
    return numpy_or_none()


def test_to_numpy_of_int64_read_from_bytes_shares_memory_with_the_input(np) -> None:
    values = np.arange(100_000, dtype=np.int64)
    batch = RecordBatch.from_pydict({"a": values, "f": values.astype(np.float64)})
    data = write_stream(batch.schema, [batch])
    got = next(iter(StreamReader(data)))
    arr = got.column("a").to_numpy()
    assert arr.dtype == np.dtype("<i8") and np.array_equal(arr, values)
    assert np.shares_memory(arr, np.frombuffer(data, np.uint8))
    farr = got.column("f").to_numpy()
    assert np.shares_memory(farr, np.frombuffer(data, np.uint8)) and np.array_equal(farr, values)


def test_to_numpy_of_a_slice_is_a_view_at_the_offset(np) -> None:
    col = Column.from_numpy(np.arange(10, dtype=np.int32))
    view = col.slice(3, 4).to_numpy()
    assert view.tolist() == [3, 4, 5, 6]
    assert np.shares_memory(view, col.to_numpy())


def test_from_numpy_shares_the_values_buffer_and_packs_the_mask(np) -> None:
    arr = np.arange(8, dtype=np.int16)
    mask = np.array([False, True] * 4)
    col = Column.from_numpy(arr, mask=mask)
    assert col.type == Int(16)
    assert np.shares_memory(col.to_numpy(), arr)
    assert col.null_count == 4
    assert col.to_pylist() == [0, None, 2, None, 4, None, 6, None]
    assert col.validity_mask().tolist() == (~mask).tolist()
    assert Column.from_numpy(arr).validity_mask() is None


def test_from_numpy_maps_dtypes_to_arrow_types(np) -> None:
    assert Column.from_numpy(np.array([1.0], np.float32)).type == FloatingPoint(1)
    assert Column.from_numpy(np.array([True, False])).to_pylist() == [True, False]
    assert Column.from_numpy(np.array([True])).type == Bool()
    ts = np.array(["2020-01-01T00:00:01", "NaT"], dtype="datetime64[ms]")
    col = Column.from_numpy(ts)
    assert col.type == Timestamp(TimeUnit.MILLISECOND) and col.to_storage_pylist() == [1577836801000, None]
    assert Column.from_numpy(np.array([5], "timedelta64[us]")).type == Duration(TimeUnit.MICROSECOND)
    assert Column.from_numpy(np.array(["2020-01-02"], "datetime64[D]")).to_storage_pylist() == [18263]
    assert Column.from_numpy(np.array(["2020-01-02"], "datetime64[D]")).type == Date(DateUnit.DAY)
    assert Column.from_numpy(np.array(["a", "b"], dtype=object)).type == Utf8()
    big_endian = np.array([1, 2], dtype=">i4")
    assert Column.from_numpy(big_endian).to_pylist() == [1, 2]


def test_bool_to_numpy_and_object_fallback(np) -> None:
    col = Column.from_pylist([True, None, False], Bool())
    assert col.to_numpy().dtype == bool and col.validity_mask().tolist() == [True, False, True]
    strs = Column.from_pylist(["a", None], Utf8()).to_numpy()
    assert strs.dtype == object and strs.tolist() == ["a", None]


def test_writer_hands_numpy_buffers_to_the_sink_without_copying(np) -> None:
    arr = np.arange(1 << 20, dtype=np.int64)
    batch = RecordBatch.from_pydict({"a": arr})

    class Sink:
        def __init__(self) -> None:
            self.chunks = []

        def write(self, data) -> int:
            self.chunks.append(data)
            return len(memoryview(data))

    sink = Sink()
    with StreamWriter(sink, batch.schema) as w:
        w.write_batch(batch)
    shared = [c for c in sink.chunks if isinstance(c, memoryview) and
              np.shares_memory(np.frombuffer(c, np.uint8), arr)]
    assert len(shared) == 1
    data = b"".join(bytes(c) for c in sink.chunks)
    assert np.array_equal(read_stream(data)[1][0].column(0).to_numpy(), arr)


def test_string_fast_path_handles_separator_bytes_in_the_data(np) -> None:
    values = ["a\0b", "", None, "\x01", "é"] * 40
    col = Column.from_pylist(values, Utf8())
    assert col.to_pylist() == values
    assert col.slice(7, 100).to_pylist() == values[7:107]


def test_no_numpy_switch_makes_numpy_unavailable() -> None:
    code = ("from data_manager.arrow import Column, Int\n"
            "c = Column.from_pylist([1], Int(8))\n"
            "try:\n    c.to_numpy()\nexcept ImportError as e:\n    print('refused:', e)\n")
    env = child_env()
    env["DATA_MANAGER_NO_NUMPY"] = "1"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert "refused:" in r.stdout and "DATA_MANAGER_NO_NUMPY" in r.stdout, r.stderr
    assert os.environ.get("DATA_MANAGER_NO_NUMPY", "") in ("", "0")

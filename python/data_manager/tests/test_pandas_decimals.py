"""decimals='exact' | 'float64' | 'scaled_int64': how decimal columns reach pandas (docs/pandas-mapping.md).

Skipped (with the reason) when numpy or pandas is absent or DATA_MANAGER_NO_NUMPY=1 is set.
"""

from __future__ import annotations

import decimal
import os

import pytest

if os.environ.get("DATA_MANAGER_NO_NUMPY", "").strip() not in ("", "0", "false", "False"):
    pytest.skip("decimal conversion tests: numpy disabled by DATA_MANAGER_NO_NUMPY", allow_module_level=True)
try:
    import numpy as np
    import pandas as pd
except ImportError as exc:  # pragma: no cover - depends on the interpreter
    pytest.skip(f"decimal conversion tests need numpy and pandas: {exc}", allow_module_level=True)

from data_manager import DataManager
from data_manager._arrow import Column, RecordBatch, read_stream, write_stream
from data_manager._arrow import types as t
from data_manager._pandas import batch_to_pandas, batches_to_pandas

D = decimal.Decimal
WIDTHS = [32, 64, 128, 256]
PRECISION = {32: 9, 64: 18, 128: 38, 256: 76}


def decimal_batch(values, bit_width=128, scale=2, precision=None):
    ty = t.Decimal(precision or PRECISION[bit_width], scale, bit_width)
    return RecordBatch(t.Schema((t.Field("d", ty),)), [Column.from_pylist(values, ty)])


def over_the_wire(batch):
    """The batch as a reader hands it out: buffers over received bytes, possibly sliced."""
    return read_stream(write_stream(batch.schema, [batch]))[1][0]


@pytest.mark.parametrize("bit_width", WIDTHS)
def test_float64_mode_gives_the_nearest_doubles_and_nan_at_nulls(bit_width):
    values = [D("1234.56"), None, D("-0.01"), D("0.00"), D("-9999999.99")]
    df = batch_to_pandas(over_the_wire(decimal_batch(values, bit_width)), decimals="float64")
    col = df["d"].to_numpy()
    assert col.dtype == np.float64
    assert np.isnan(col[1])
    expected = [1234.56, -0.01, 0.0, -9999999.99]
    assert [float(v) for i, v in enumerate(col) if i != 1] == expected


@pytest.mark.parametrize("bit_width", [128, 256])
def test_float64_mode_keeps_large_and_negative_values_accurate(bit_width):
    # values beyond 64 bits, and negatives whose low limb alone would be a huge unsigned number
    big = D("-123456789012345678901234567.89") if bit_width == 128 else D("-1234567890123456789012345678901234567890.12")
    values = [big, -big, D("-1.00"), D("-0.01"), D(2 ** 63) / 100, -D(2 ** 63) / 100]
    df = batch_to_pandas(over_the_wire(decimal_batch(values, bit_width)), decimals="float64")
    got = df["d"].to_numpy()
    for g, v in zip(got, values):
        assert g == pytest.approx(float(v), rel=1e-15, abs=0.0)


def test_float64_mode_handles_negative_scales():
    ty = t.Decimal(10, -3, 128)
    batch = RecordBatch(t.Schema((t.Field("d", ty),)), [Column.from_pylist([D("12000"), D("-5E+3")], ty)])
    df = batch_to_pandas(over_the_wire(batch), decimals="float64")
    assert list(df["d"]) == [12000.0, -5000.0]


@pytest.mark.parametrize("bit_width", WIDTHS)
def test_scaled_int64_mode_gives_the_unscaled_integers_and_records_the_scale(bit_width):
    values = [D("1234.56"), D("-0.01"), D("0.00")]
    df = batch_to_pandas(over_the_wire(decimal_batch(values, bit_width, scale=2)), decimals="scaled_int64")
    assert df["d"].dtype == np.int64
    assert list(df["d"]) == [123456, -1, 0]
    assert df.attrs["databridge.decimal_scales"] == {"d": 2}


def test_scaled_int64_mode_uses_nullable_int64_for_nulls():
    df = batch_to_pandas(over_the_wire(decimal_batch([D("1.25"), None, D("-3.5")])), decimals="scaled_int64")
    assert str(df["d"].dtype) == "Int64"
    assert df["d"].isna().tolist() == [False, True, False]
    assert df["d"].dropna().tolist() == [125, -350]


@pytest.mark.parametrize("bit_width", [128, 256])
def test_scaled_int64_mode_names_the_column_and_row_of_a_value_that_does_not_fit(bit_width):
    values = [D("1.00"), D(2 ** 63) / 100]  # unscaled 2**63: one past int64's maximum
    with pytest.raises(OverflowError, match=r"column 'd'.*row 1.*decimals='exact'"):
        batch_to_pandas(over_the_wire(decimal_batch(values, bit_width)), decimals="scaled_int64")
    ok = batch_to_pandas(over_the_wire(decimal_batch([D(2 ** 63 - 1) / 100, -D(2 ** 63) / 100], bit_width)),
                         decimals="scaled_int64")
    assert list(ok["d"]) == [2 ** 63 - 1, -(2 ** 63)]


def test_scaled_int64_mode_ignores_what_null_slots_hold():
    ty = t.Decimal(38, 0, 128)
    big = Column.from_pylist([D(2 ** 100), D(7)], ty)
    # the same buffer, with the big value's slot marked null
    masked = Column(ty, 2, [bytes([0b10]), big.buffers[1]], null_count=1)
    batch = RecordBatch(t.Schema((t.Field("d", ty),)), [masked])
    df = batch_to_pandas(batch, decimals="scaled_int64")
    assert df["d"].isna().tolist() == [True, False] and int(df["d"][1]) == 7


def test_bulk_modes_read_sliced_columns_from_their_offset():
    batch = over_the_wire(decimal_batch([D("1.00"), D("2.00"), D("3.00"), None, D("5.00")]))
    sliced = batch.slice(2, 3)
    assert batch_to_pandas(sliced, decimals="float64")["d"].tolist()[0] == 3.0
    assert batch_to_pandas(sliced, decimals="scaled_int64")["d"].tolist()[0] == 300
    assert batch_to_pandas(sliced)["d"].tolist()[0] == D("3.00")


def test_exact_is_the_default_and_gives_decimal_objects():
    df = batch_to_pandas(over_the_wire(decimal_batch([D("1.10"), None])))
    assert df["d"].dtype == object
    assert df["d"][0] == D("1.10") and df["d"][1] is None
    assert "databridge.decimal_scales" not in df.attrs


def test_batches_to_pandas_takes_the_same_option():
    batches = [over_the_wire(decimal_batch([D("1.50")])), over_the_wire(decimal_batch([None, D("-2.25")]))]
    df = batches_to_pandas(batches, decimals="scaled_int64")
    assert df["d"].dropna().tolist() == [150, -225]
    assert df.attrs["databridge.decimal_scales"] == {"d": 2}
    assert batches_to_pandas(batches, decimals="float64")["d"].dropna().tolist() == [1.5, -2.25]


def test_an_unknown_mode_is_refused_naming_the_choices():
    with pytest.raises(ValueError, match="decimals must be 'exact', 'float64' or 'scaled_int64'"):
        batch_to_pandas(decimal_batch([D("1")]), decimals="fast")


def test_data_manager_applies_pandas_options_to_fetch_once():
    manager = DataManager([over_the_wire(decimal_batch([D("9.99")]))], pandas_options={"decimals": "float64"})
    (df,) = list(manager.fetch_once())
    assert df["d"].tolist() == [9.99]


def test_the_conversions_are_public_in_data_manager_frames():
    import data_manager.frames as frames
    from data_manager import _pandas

    assert frames.batches_to_pandas is _pandas.batches_to_pandas
    assert set(frames.__all__) == {"batch_to_pandas", "batches_to_pandas", "pandas_to_batches", "series_list_to_batch", "infer_type"}

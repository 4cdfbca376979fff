"""The Arrow ↔ pandas conversions of ``data_manager``, for code that calls them itself.

``fetch_once()`` and ``set_output()`` use these with the run's options; call them directly to choose
options per call (``from data_manager.frames import batches_to_pandas``). The mapping and every option
are in ``docs/pandas-mapping.md``. Importing this module imports numpy and pandas.
"""

from __future__ import annotations

from ._pandas import batch_to_pandas, batches_to_pandas, infer_type, pandas_to_batches, series_list_to_batch

__all__ = ["batch_to_pandas", "batches_to_pandas", "pandas_to_batches", "series_list_to_batch", "infer_type"]

"""Fetch partitions from, and send results to, a DataBridge .NET data server — from any process.

    import data_manager_client
    for df in data_manager_client.fetch(endpoint):   # endpoint from data_manager.data_servers()
        ...
    data_manager_client.send_result(endpoint, result_df)

The token travels inside the endpoint object, or comes from the ``DATABRIDGE_DATA_TOKEN`` environment
variable when the endpoint carries none.
"""

from __future__ import annotations

from data_manager._client import (DataServerEndpoint, ModelServerEndpoint, fetch, fetch_batches, fetch_model,
                                  fetch_schema, send_result)

__all__ = ["DataServerEndpoint", "ModelServerEndpoint", "fetch", "fetch_batches", "fetch_schema", "send_result",
           "fetch_model"]

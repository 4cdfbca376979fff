# The driver of a distributed DataBridge run (see docs/distributed.md). It runs in a DataBridge worker,
# started by PythonBridge.RunDistributedAsync, whose run header carries the .NET data server's endpoint.
#
# Each Dask task receives one picklable endpoint (host, port, partition, token), fetches its partition
# straight from the .NET data server, transforms it with pandas and uploads the result to the same server.
# The .NET call then returns every partition's result in partition order. A task that Dask retries (a
# worker died) simply fetches its partition again; the server keeps the first upload and drops duplicates.
#
# data_manager.conf["DASK_SCHEDULER"] may name an existing scheduler ("tcp://host:8786"); otherwise a
# LocalCluster of two worker processes on 127.0.0.1 is started for the duration of the run.
import data_manager
from distributed import Client, LocalCluster


def process(endpoint):
    """One Dask task: fetch the partition, compute the revenue per order line, upload the result."""
    import pandas as pd
    import data_manager_client

    frames = list(data_manager_client.fetch(endpoint))  # one DataFrame per Arrow batch
    orders = pd.concat(frames, ignore_index=True)
    result = pd.DataFrame({
        "order_id": orders["order_id"],
        "revenue": orders["quantity"] * orders["unit_price"],
        "big": orders["quantity"] * orders["unit_price"] > 500.0,
    })
    data_manager_client.send_result(endpoint, result)
    return len(result)


scheduler = data_manager.conf.get("DASK_SCHEDULER")
cluster = None if scheduler else LocalCluster(
    n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None)
client = Client(scheduler or cluster)
try:
    endpoints = data_manager.data_servers()
    rows = client.gather(client.map(process, endpoints, pure=False))
    print(f"dask processed {sum(rows)} rows in {len(endpoints)} partitions")
finally:
    client.close()
    if cluster is not None:
        cluster.close()

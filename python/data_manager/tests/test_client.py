"""data_manager_client and data_manager.data_servers()/fetch_model() against a Python fake server."""

from __future__ import annotations

import errno
import os
import pickle
import socket

import pytest

import data_manager_client
from data_manager import DataManager, ListSink, ProtocolError
from data_manager._arrow import RecordBatch

from _fake_server import FakeServer


def make_server(**kw):
    parts = [[RecordBatch.from_pydict({"p": [i] * 3, "v": [i * 10, i * 10 + 1, None]})] for i in range(4)]
    return FakeServer(parts, parts[0][0].schema, **kw)


def endpoints(server):
    return DataManager(None, ListSink(), data_server=server.info).data_servers()


def test_data_servers_gives_one_picklable_endpoint_per_partition_and_fetch_reads_it():
    server = make_server()
    try:
        eps = endpoints(server)
        assert [e.partition for e in eps] == [0, 1, 2, 3]
        ep = pickle.loads(pickle.dumps(eps[2]))
        batches = list(data_manager_client.fetch_batches(ep))
        assert batches[0].to_pydict() == {"p": [2, 2, 2], "v": [20, 21, None]}
        again = list(data_manager_client.fetch_batches(ep))  # a retried task re-reads its partition
        assert again[0].to_pydict() == batches[0].to_pydict()
        assert "token" not in repr(ep)
    finally:
        server.close()


def test_send_result_first_upload_wins_and_duplicates_are_reported():
    server = make_server()
    try:
        ep = endpoints(server)[1]
        assert data_manager_client.send_result(ep, {"x": [1, 2]}) is True
        assert data_manager_client.send_result(ep, {"x": [9]}) is False
        assert server.uploads[1][0].to_pydict() == {"x": [1, 2]}
        assert server.duplicates == 1
    finally:
        server.close()


@pytest.mark.parametrize("size", [200_000, 32 * 1024 * 1024], ids=["sent-whole", "send-broken-mid-upload"])
def test_send_result_over_the_servers_upload_limit_raises_its_message_then_a_smaller_one_is_accepted(size):
    # The server refuses after 64 KiB, answers ERROR and closes without reading the rest. A small upload is
    # sent whole before that (the reply is read as usual); a large one breaks our send mid-way, and the
    # ERROR waiting in the receive buffer must still be what the caller sees, not a bare reset.
    server = make_server(max_upload=64 * 1024)
    try:
        ep = endpoints(server)[2]
        with pytest.raises(ProtocolError, match="refused the request: Upload refused: the upload of partition 2 "
                                                "passed the limit of 65536 bytes"):
            data_manager_client.send_result(ep, {"b": [b"x" * (size // 8)] * 8})
        assert 2 not in server.uploads
        assert data_manager_client.send_result(ep, {"x": [1, 2]}) is True
        assert server.uploads[2][0].to_pydict() == {"x": [1, 2]}
    finally:
        server.close()


def test_token_from_the_environment_when_the_endpoint_has_none(monkeypatch):
    server = make_server()
    try:
        ep = endpoints(server)[0]
        bare = data_manager_client.DataServerEndpoint(ep.host, ep.port, 0)
        with pytest.raises(ProtocolError, match="DATABRIDGE_DATA_TOKEN"):
            list(data_manager_client.fetch_batches(bare))
        monkeypatch.setenv("DATABRIDGE_DATA_TOKEN", server.token)
        assert list(data_manager_client.fetch_batches(bare))[0].num_rows == 3
    finally:
        server.close()


def test_wrong_token_is_refused():
    server = make_server()
    try:
        bad = data_manager_client.DataServerEndpoint("127.0.0.1", server.port, 0, "00" * 32)
        with pytest.raises(ProtocolError, match="wrong token"):
            list(data_manager_client.fetch_batches(bad))
    finally:
        server.close()


def test_out_of_range_partition_gets_the_servers_error():
    server = make_server()
    try:
        ep = data_manager_client.DataServerEndpoint("127.0.0.1", server.port, 99, server.token)
        with pytest.raises(ProtocolError, match="out of range"):
            list(data_manager_client.fetch_batches(ep))
    finally:
        server.close()


def _refused_port():
    # A port nothing listens on: bound (so no one else takes it) but never listening.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    return sock


def test_unreachable_server_raises_the_same_error_type_naming_its_address_and_the_partition():
    holder = _refused_port()
    try:
        port = holder.getsockname()[1]
        ep = data_manager_client.DataServerEndpoint("127.0.0.1", port, 5, "00" * 32)
        with pytest.raises(ConnectionRefusedError) as fetching:
            list(data_manager_client.fetch_batches(ep, timeout=5))
        assert str(fetching.value) == (f"fetching partition 5 from the data server at 127.0.0.1:{port} failed: "
                                       "cannot connect (Connection refused)")
        assert fetching.value.errno == errno.ECONNREFUSED
        with pytest.raises(ConnectionRefusedError, match=f"uploading the result of partition 5 to the data server "
                                                         f"at 127.0.0.1:{port} failed: cannot connect"):
            data_manager_client.send_result(ep, {"x": [1]}, timeout=5)
        model = data_manager_client.ModelServerEndpoint("127.0.0.1", port, "00" * 32)
        with pytest.raises(ConnectionRefusedError,
                           match=f"the model server at 127.0.0.1:{port} failed: cannot connect"):
            data_manager_client.fetch_model(model, "/tmp/never-written")
    finally:
        holder.close()


def test_server_silent_after_the_handshake_raises_timeout_naming_the_endpoint_and_the_client_timeout():
    # The client timeout is the mechanism under test: the server never answers, so it always fires.
    server = make_server(stall=True)
    try:
        ep = endpoints(server)[3]
        with pytest.raises(TimeoutError) as fetching:
            list(data_manager_client.fetch_batches(ep, timeout=0.5))
        assert str(fetching.value) == (f"fetching partition 3 from the data server at 127.0.0.1:{server.port} "
                                       "failed: no progress within the client timeout of 0.5 s")
        with pytest.raises(TimeoutError, match=f"uploading the result of partition 3 to the data server at "
                                               f"127.0.0.1:{server.port} failed: no progress within"):
            data_manager_client.send_result(ep, {"x": [1]}, timeout=0.5)
    finally:
        server.close()


def _model(tmp_path):
    src = tmp_path / "model"
    (src / "a" / "b").mkdir(parents=True)
    (src / "a" / "b" / "weights.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 7))
    (src / "config.json").write_text('{"k": 1}')
    return src


def test_fetch_model_downloads_nested_files_byte_identical(tmp_path):
    src = _model(tmp_path)
    server = FakeServer([], RecordBatch.from_pydict({"x": [1]}).schema, model_dir=str(src))
    try:
        dm = DataManager(None, ListSink(), model_server={"host": "127.0.0.1", "port": server.port, "token": server.token})
        paths = dm.fetch_model(str(tmp_path / "out"))
        assert sorted(os.path.relpath(p, tmp_path / "out") for p in paths) == ["a/b/weights.bin", "config.json"]
        assert (tmp_path / "out/a/b/weights.bin").read_bytes() == (src / "a/b/weights.bin").read_bytes()
    finally:
        server.close()


def test_fetch_model_detects_a_corrupted_file(tmp_path):
    src = _model(tmp_path)
    server = FakeServer([], RecordBatch.from_pydict({"x": [1]}).schema, model_dir=str(src), corrupt="a/b/weights.bin")
    try:
        ep = data_manager_client.ModelServerEndpoint("127.0.0.1", server.port, server.token)
        with pytest.raises(ProtocolError, match="checksum mismatch for a/b/weights.bin"):
            data_manager_client.fetch_model(ep, str(tmp_path / "out"))
        assert not (tmp_path / "out/a/b/weights.bin").exists()
    finally:
        server.close()


def test_run_without_servers_says_so():
    from data_manager import DataManagerError

    dm = DataManager(None, ListSink())
    assert dm.data_servers() == []
    with pytest.raises(DataManagerError, match="no model server"):
        dm.fetch_model("/tmp/x")


@pytest.mark.requires_pandas
def test_dask_tasks_fetch_partitions_and_upload_results(tmp_path):
    distributed = pytest.importorskip("distributed")
    server = make_server()
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                       dashboard_address=None, silence_logs=40)
    try:
        with distributed.Client(cluster) as client:
            def process(ep):
                import data_manager_client as c

                frames = list(c.fetch(ep))
                df = frames[0]
                df["v2"] = df["v"] * 2
                return c.send_result(ep, df)

            accepted = client.gather(client.map(process, endpoints(server)))
        assert accepted == [True] * 4
        assert {i: b[0].to_pydict()["v2"] for i, b in server.uploads.items()} == {
            i: [i * 20, i * 20 + 2, None] for i in range(4)}
    finally:
        cluster.close()
        server.close()

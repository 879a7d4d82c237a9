"""A cluster of Xapian shards served by ``xapian-tcpsrv`` on 127.0.0.1 (``pytest -m
cluster``): three shards, one with a second copy, searched as one index.

The servers are started by the test (``python -m index serve-shard``, which becomes
the server: its pid is the server's), on free ports, waited for within a bound, and
ended by pid. Without ``xapian-tcpsrv`` (Debian's xapian-tools, which scripts/setup
installs) the tests are skipped, saying so.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import pytest
import xapian

from index import shards, xapian_layout as layout
from index.__main__ import main
from service import create_app
from tests.support import ROOT

pytestmark = [pytest.mark.cluster, pytest.mark.skipif(
    shutil.which("xapian-tcpsrv") is None,
    reason="xapian-tcpsrv missing (Debian's xapian-tools; scripts/setup installs it)")]

SOURCES = [ROOT / "seeds", ROOT / "tests" / "data" / "fixtures.jsonl"]
QUERIES = ["كاراباخ", "Stepanakert", "قوات حفظ السلام", '"وقف إطلاق النار"', "لاتشين -باكو",
           "الطائرات المسيرة في كاراباخ"]
START_SECONDS = 15


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(ready, what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not ready():
        if time.monotonic() > deadline:
            raise RuntimeError(f"no {what} within {START_SECONDS} s")
        time.sleep(0.1)


def _serve(shard_dir, port, writable=False) -> subprocess.Popen:
    return _start(["serve-shard", str(shard_dir), "--port", str(port),
                   *(["--writable"] if writable else [])], port)


def _start(arguments, port) -> subprocess.Popen:
    # a session of its own: xapian-tcpsrv ends its process group when it is ended
    server = subprocess.Popen([sys.executable, "-m", "index", *arguments], cwd=ROOT,
                              start_new_session=True)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"serve-shard exited with {server.returncode}")
            time.sleep(0.05)
    server.kill()
    raise RuntimeError(f"no server on port {port} within {START_SECONDS} s")


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.kill(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster")
    for name, extra in (("single", []), ("sharded", ["--shards", "3"])):
        assert main(["build", *map(str, SOURCES), "--engine", "xapian", "--index-dir",
                     str(folder / name), "--quiet", *extra]) == 0
    dirs = shards.shard_dirs(folder / "sharded")
    ports = [[_free_port(), _free_port()], [_free_port()], [_free_port(), _free_port()]]
    servers: dict[tuple[int, int], subprocess.Popen] = {}
    replica = folder / "replica-02"
    try:
        # shard-02's master is open for writes; its second copy is a replica kept
        # current from the master's replication server
        replication = _free_port()
        servers["replication", 0] = _start(["replication-server", str(dirs[0].parent),
                                            "--port", str(replication)], replication)
        servers["replica", 0] = subprocess.Popen(
            [sys.executable, "-m", "index", "replicate-shard", str(replica), "--master",
             f"127.0.0.1:{replication}", "--shard", dirs[2].name, "--interval", "1"],
            cwd=ROOT, start_new_session=True)
        _wait_for(lambda: (replica / "XAPIANDB").is_file(), "the replica's first copy")
        for number, shard_ports in enumerate(ports):
            for copy, port in enumerate(shard_ports):
                servers[number, copy] = _serve(replica if (number, copy) == (2, 1)
                                               else dirs[number], port,
                                               writable=(number, copy) == (2, 0))
        layout_dir = folder / "cluster"
        layout_dir.mkdir()
        shutil.copy(folder / "sharded" / layout.RESOURCES_FILE, layout_dir)
        (layout_dir / shards.LAYOUT_FILE).write_text("".join(
            f'[[shard]]\nname = "{dirs[n].name}"\ncopies = ['
            + ", ".join(f'"127.0.0.1:{p}"' for p in shard_ports) + "]\n\n"
            for n, shard_ports in enumerate(ports)), encoding="utf-8")
        yield {"folder": folder, "layout": layout_dir, "servers": servers, "ports": ports,
               "dirs": dirs, "replica": replica}
    finally:
        for server in servers.values():
            _stop(server)


def _client(index_dir, **settings):
    return create_app({"INDEX_DIR": str(index_dir), "RATE_LIMIT": 0, "RESULT_CACHE_SIZE": 0,
                       **settings}).test_client()


def _search(client, q):
    response = client.get("/api/search", query_string={"q": q, "per_page": 50})
    return response.status_code, response.get_json()


@pytest.mark.parametrize("q", QUERIES)
def test_the_cluster_answers_as_one_index(cluster, q):
    _, one = _search(_client(cluster["folder"] / "single"), q)
    status, many = _search(_client(cluster["layout"]), q)
    assert status == 200 and many["shards"] == {"total": 3, "successful": 3, "failed": []}
    assert one["total"] == many["total"] > 0
    assert [(r["id"], r["score"]) for r in one["results"]] == \
        [(r["id"], r["score"]) for r in many["results"]]
    assert one["facets"] == many["facets"]


def test_a_shard_answers_from_its_copy_then_is_flagged_failed_then_answers_again(cluster):
    q = "كاراباخ"
    _, one = _search(_client(cluster["folder"] / "single"), q)
    client = _client(cluster["layout"])
    assert _search(client, q)[1]["total"] == one["total"]
    # the master of shard-00 stops: its second copy answers, nothing is missing
    _stop(cluster["servers"][0, 0])
    status, body = _search(client, q)
    assert status == 200 and body["total"] == one["total"]
    assert body["shards"]["failed"] == []
    # its last copy stops: the others answer, and the answer says which shard failed
    _stop(cluster["servers"][0, 1])
    status, body = _search(client, q)
    assert status == 200 and body["shards"] == {"total": 3, "successful": 2,
                                                "failed": ["shard-00"]}
    in_shard_0 = [r["id"] for r in one["results"] if shards.shard_of(r["id"], 3) == 0]
    assert in_shard_0 and body["total"] == one["total"] - len(in_shard_0)
    assert not set(in_shard_0) & {r["id"] for r in body["results"]}
    # ... or refuses to answer in part
    status, body = _search(_client(cluster["layout"], ALLOW_PARTIAL_RESULTS=False), q)
    assert status == 503 and body["ok"] is False and "shard-00" in body["error"]
    health = _client(cluster["layout"]).get("/api/health").get_json()
    states = {state["shard"]: state for state in health["shards"]["states"]}
    assert states["shard-00"]["state"] == "failed" and states["shard-01"]["state"] == "ok"
    assert states["shard-01"]["documents"] > 0 and health["documents"] == sum(
        state["documents"] for state in states.values())
    # the shard comes back: full answers again
    cluster["servers"][0, 0] = _serve(cluster["dirs"][0], cluster["ports"][0][0])
    status, body = _search(_client(cluster["layout"]), q)
    assert status == 200 and body["total"] == one["total"] and not body["shards"]["failed"]


def test_a_write_goes_to_the_master_of_its_shard_or_says_what_did_not_land(cluster):
    from index.readers import Document
    from index.resources import Resources
    from index.writes import delete_document, write_documents

    ids = [f"n-cluster-{i}" for i in range(40)]
    writable = next(i for i in ids if shards.shard_of(i, 3) == 2)
    read_only = next(i for i in ids if shards.shard_of(i, 3) == 1)
    body_text = "قصفت المدفعية مواقع قرب أغدام صباح اليوم وفق بيان وزارة الدفاع."
    result = write_documents([(0, Document(id=writable, title="قصف قرب أغدام",
                                           body=body_text)),
                              (1, Document(id=read_only, title="قصف قرب أغدام",
                                           body=body_text))],
                             cluster["layout"], Resources.load(), engine="xapian")
    assert result.added == [writable]
    [refused] = result.rejected
    assert refused["index"] == 1 and "shard-01" in refused["error"] and \
        "send the documents again" in refused["error"]
    found = {r["id"] for r in _search(_client(cluster["layout"]), "أغدام")[1]["results"]}
    assert writable in found and read_only not in found
    # the replica of shard-02 gets it from the master's changesets
    _wait_for(lambda: xapian.Database(str(cluster["replica"])).term_exists(
        layout.term(layout.ID_PREFIX, writable)), "replicated write")
    # the master stops: the replica answers, the written document with it
    _stop(cluster["servers"][2, 0])
    status, body = _search(_client(cluster["layout"]), "أغدام")
    assert status == 200 and writable in {r["id"] for r in body["results"]}
    assert body["shards"]["failed"] == []
    # with no master the shard's writes are refused, and said so
    again = write_documents([(0, Document(id=writable, title="تحديث", body=body_text))],
                            cluster["layout"], Resources.load(), engine="xapian")
    assert not again.added and not again.updated and "shard-02" in again.rejected[0]["error"]
    cluster["servers"][2, 0] = _serve(cluster["dirs"][2], cluster["ports"][2][0],
                                      writable=True)
    assert delete_document(writable, cluster["layout"])
    assert writable not in {r["id"] for r in
                            _search(_client(cluster["layout"]), "أغدام")[1]["results"]}

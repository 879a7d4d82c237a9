"""``index.workers.run_partitioned``: parts by key, in order, failures raised in the parent."""

import os

import pytest

from index.workers import part_of, run_partitioned


def _collect(items):
    return os.getpid(), list(items)


def test_each_key_goes_to_one_part_in_stream_order():
    items = [(f"k{i % 7}", i) for i in range(500)]
    parts = run_partitioned(items, lambda item: item[0], 3, _collect)
    assert len(parts) == 3
    pids = {pid for pid, _ in parts}
    assert len(pids) == 3 and os.getpid() not in pids
    for number, (_, got) in enumerate(parts):
        assert got == [item for item in items if part_of(item[0], 3) == number]
    assert sorted(item for _, got in parts for item in got) == sorted(items)


def test_one_process_runs_in_this_process():
    ((pid, got),) = run_partitioned(iter(range(5)), str, 1, _collect)
    assert pid == os.getpid() and got == [0, 1, 2, 3, 4]


def _fail_on_13(items):
    for item in items:
        if item == 13:
            raise ValueError("item 13 is bad")
    return "done"


def test_a_failing_part_raises_its_error_in_the_parent():
    with pytest.raises(ValueError, match="item 13 is bad"):
        run_partitioned(range(10_000), str, 2, _fail_on_13)


def _stream():
    yield from range(100)
    raise KeyError("the stream broke")


def test_a_failing_stream_stops_the_workers_and_raises():
    with pytest.raises(KeyError, match="the stream broke"):
        run_partitioned(_stream(), str, 2, _collect)


def _die(items):
    os._exit(3)


def test_a_worker_that_dies_is_reported():
    with pytest.raises(RuntimeError, match="exit code 3"):
        run_partitioned(range(10), str, 2, _die)


@pytest.mark.parametrize("stuck", [False, True])
def test_workers_of_a_killed_parent_exit(tmp_path, stuck):
    # stuck: the workers wait elsewhere than for a batch (as when a parent killed in
    # the middle of sending one leaves half a message in the pipe, whose read then
    # waits for ever): they exit all the same
    import signal
    import subprocess
    import sys
    import time

    script = tmp_path / "parent.py"
    pids = tmp_path / "pids"
    got = tmp_path / "got"
    script.write_text(f"""
import os, sys, time
sys.path.insert(0, {str(os.getcwd())!r})
from index.workers import run_partitioned

def work(items):
    open({str(pids)!r}, "a").write(f"{{os.getpid()}}\\n")
    for _ in items:
        open({str(got)!r}, "a").write("item\\n")
        while {stuck!r}:
            time.sleep(0.05)

def forever():
    while True:
        time.sleep(0.05)
        yield 1

run_partitioned(forever(), str, 2, work)
""")
    parent = subprocess.Popen([sys.executable, str(script)])
    deadline = time.time() + 20
    while time.time() < deadline and len(pids.read_text().split() if pids.exists() else []) < 2:
        time.sleep(0.05)
    workers = [int(p) for p in pids.read_text().split()]
    assert len(workers) == 2
    while time.time() < deadline and not got.exists():       # a worker has items
        time.sleep(0.05)
    assert got.exists()
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.time() + 10
    alive = workers
    while alive and time.time() < deadline:
        time.sleep(0.1)
        alive = [p for p in workers if _running(p)]
    for pid in alive:                       # (not to leave them behind if the test fails)
        os.kill(pid, signal.SIGKILL)
    assert alive == []


def _running(pid):
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return False

"""Nothing is lost when the service is killed during a write: SIGKILL at random moments.

gunicorn with one worker. In each of 6 trials a client posts two batches of 60
documents, one request (one commit) each, one after the other, and stops at the first
failure. The test SIGKILLs the worker alone (the master starts a new one) or the whole
service, master and worker (the test starts it again), alternately. Three kills come at
random moments spread from the first bytes of the request to after the last commit;
three come just after the first or the second commit has begun (its first column file
appears), so that kills land while documents are analysed, while a commit writes its
segment, and while no writer is open, however fast the machine is at the time.
Afterwards:

- the index opens and holds a committed state: each batch entirely or not at all, the
  second never without the first, no id twice, nothing committed before lost;
- a writer gets the lock at once (Whoosh's lock is an ``flock``, which dies with its
  process);
- the service answers ``/api/health`` with the index's count and finds each batch's
  marker word exactly as often as the index holds it;
- the client's retry (the same batches again) finishes the job: every document present
  exactly once, and the files the killed write left are gone after that commit.

Run with ``-s`` to see where each kill landed.
"""

import http.client
import random
import threading
import time

import psutil

from index import store
from index.readers import read_documents
from index.writer import build_index
from tests.support import FIXTURES, SEEDS, GunicornService, call

#: (what is killed, when) for each trial.
TRIALS = [("worker", "at random"), ("service", "at random"), ("worker", "at random"),
          ("service", "in a commit"), ("worker", "in a commit"), ("service", "in a commit")]
BATCHES = 2
DOCS = 60
WORDS = 150
_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_CONSONANTS = "bcdfghjklmnpqrstvwxz"


def make_batches(name, rng, vocabulary):
    """Batches of documents with ids ``name-b-n``; each title ends in its batch's marker.

    The bodies draw on a large vocabulary, as real text does, so that the commit (which
    writes the terms) takes a good share of a write's time.
    """
    batches = []
    for b in range(BATCHES):
        marker = "".join(rng.choice(_CONSONANTS) for _ in range(12))
        batches.append([{"id": f"{name}-{b}-{n}", "lang": "ar", "title": f"خبر {n} {marker}",
                         "body": " ".join(rng.choice(vocabulary) for _ in range(WORDS))}
                        for n in range(DOCS)])
    return batches


def marker_of(batch):
    return batch[0]["title"].split()[-1]


def ids_of(batches):
    return {d["id"] for batch in batches for d in batch}


def post_in_order(base, batches, outcomes):
    """Post each batch in turn, as a client does; stop at the first failure."""
    for batch in batches:
        try:
            status, _ = call(f"{base}/api/documents", "POST", batch, timeout=60)
        except (OSError, http.client.HTTPException) as error:
            outcomes.append(type(error).__name__)
            return
        outcomes.append(status)
        if status not in (200, 201):
            return


def indexed_ids(index_dir):
    """The ids the index holds; asserts that none is there twice."""
    with store.open_index(index_dir).reader() as reader:
        column = reader.column_reader("id")
        found = [column[n] for n in reader.all_doc_ids()]
        assert reader.doc_count() == len(found)
    assert len(found) == len(set(found)), "an id is indexed twice"
    return set(found)


def committed_batches(ids, batches):
    """How many of ``batches`` the index holds; each must be all there or absent."""
    present = []
    for batch in batches:
        there = sum(d["id"] in ids for d in batch)
        assert there in (0, len(batch)), f"a batch is half committed: {there}/{len(batch)}"
        present.append(there == len(batch))
    assert present == sorted(present, reverse=True), f"a later batch without an earlier: {present}"
    return sum(present)


def stray_files(index_dir):
    """Segment files that the index's table of contents does not name (a killed write's)."""
    current = {s.segment_id() for s in store.open_index(index_dir)._segments()}
    return sorted(p.name for p in store.resolved_dir(index_dir).glob("MAIN_*.*")
                  if p.name.split(".")[0] not in current)


def wait_for_commit(index_dir, before, nth, seconds=30):
    """Wait until the ``nth`` (0-based) commit since ``before`` (the folder's file names)
    has begun: the writer has analysed its documents and writes its column files."""
    folder = store.resolved_dir(index_dir)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        names = {p.name for p in folder.iterdir()} - before
        if len({name.split(".")[0] for name in names if name.endswith(".col")}) > nth:
            return
        time.sleep(0.002)
    raise AssertionError(f"commit {nth} did not begin within {seconds} s")


def where_killed(stray):
    """Where the killed write was, judged by the files it left (only for the report): while
    it analyses, the writer's segment files are empty; its commit begins with the column
    files, then writes the terms and postings, then the table of contents."""
    if any(name.endswith(".col") for name in stray):
        return "during the commit"
    return "while analysing" if stray else "with no writer open"


def assert_served(base, ids, batches):
    status, health = call(f"{base}/api/health")
    assert status == 200 and health["documents"] == len(ids)
    for batch in batches:
        status, body = call(f"{base}/api/search?q={marker_of(batch)}")
        assert status == 200
        assert body["total"] == (len(batch) if batch[0]["id"] in ids else 0)


def test_sigkill_of_the_service_during_writes_loses_nothing(tmp_path, resources):
    index_dir = tmp_path / "ix"
    build_index(read_documents([SEEDS, FIXTURES]), index_dir, resources)
    expected = indexed_ids(index_dir)
    rng = random.Random(5)
    vocabulary = ["".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 7)))
                  for _ in range(20_000)]
    service = GunicornService(index_dir, tmp_path / "gunicorn.log", workers=1).start()
    try:
        # A round that is not killed first: how long two batches take here, now.
        warm = make_batches("warm", rng, vocabulary)
        started = time.monotonic()
        outcomes = []
        post_in_order(service.base, warm, outcomes)
        span = time.monotonic() - started
        assert outcomes == [201] * BATCHES
        expected |= ids_of(warm)
        report = [f"{BATCHES} batches of {DOCS} documents took {span:.1f} s"]
        randoms = sum(when == "at random" for _, when in TRIALS)
        for trial, (victim, when) in enumerate(TRIALS):
            batches = make_batches(f"t{trial}", rng, vocabulary)
            whole = victim == "service"
            worker, = psutil.Process(service.process.pid).children()
            before = {p.name for p in store.resolved_dir(index_dir).iterdir()}
            outcomes = []
            client = threading.Thread(target=post_in_order,
                                      args=(service.base, batches, outcomes))
            started = time.monotonic()
            client.start()
            if when == "at random":
                time.sleep(span * 1.15 * (trial + rng.random()) / randoms)
            else:
                wait_for_commit(index_dir, before, trial % BATCHES)
                time.sleep(rng.uniform(0, 0.2))
            delay = time.monotonic() - started
            if whole:
                service.kill()
            else:
                worker.kill()
            client.join()

            ids = indexed_ids(index_dir)
            committed = committed_batches(ids, batches)
            assert ids == expected | ids_of(batches[:committed])
            where = where_killed(stray_files(index_dir))
            store.open_index(index_dir).writer(timeout=1.0).cancel()     # no stale lock
            if whole:
                service.start()
            else:
                service.wait_until_healthy()
            assert_served(service.base, ids, batches)

            retry = []
            post_in_order(service.base, batches, retry)
            assert all(status in (200, 201) for status in retry), retry
            expected |= ids_of(batches)
            assert indexed_ids(index_dir) == expected
            assert stray_files(index_dir) == []
            assert_served(service.base, expected, batches)
            report.append(f"{victim} killed {when} at {delay:.2f} s, {where}: {committed} of "
                          f"{BATCHES} batches committed; the client saw {outcomes}, "
                          f"its retry {retry}")
        print("\n".join(report))
    finally:
        service.stop()

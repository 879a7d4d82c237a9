# SPDX-License-Identifier: GPL-3.0-or-later
"""A Xapian index in shards: one archive written as N databases, searched as one.

``python -m index build SOURCES --engine xapian --shards N`` routes each document
to shard ``shard_of(id, N)`` (a stable hash of its id: CRC-32, the same on every
host and in every run, as ``index.workers.part_of``), builds the N shards in
parallel processes, and writes beside them Xapian's own stub file (``XAPIANDB``,
one ``auto shard-i`` line each), so that ``xapian.Database(folder)`` opens all of
them as one database: BM25 over the shards uses their combined statistics, so
scores, totals and facets are those of one index of the same documents. The
folder also holds the resources the shards were built with, as a single index's
does, so the service, the CLI and the document API open it as any Xapian index.

``--shard i/N`` builds shard ``i`` alone (the documents of the same sources whose
id hashes to it) as an ordinary Xapian index, for a host that serves that shard.

Writes to a sharded index (``write_documents``, ``delete_document``) go to the
shard of each document's id, one commit per shard touched: a document is never in
two shards.

A **cluster** is shards served by other processes or hosts: each shard's
``xapian-tcpsrv`` (``python -m index serve-shard``) and a folder holding
``cluster.toml`` (``read_layout``: each shard with the ``host:port`` of each copy)
and the resources the shards were built with. The service opens every shard's
first copy that answers and searches them as one database (Xapian's remote
protocol keeps the statistics global). A shard's replicas are kept current with
Xapian's replication (``python -m index replication-server`` on the master's
host, ``replicate-shard`` on each replica's: ``xapian-replicate-server`` and
``xapian-replicate``; a writable master keeps ``REPLICATION_CHANGESETS``).
"""

import re
import tomllib
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from index.readers import Document

#: Xapian's stub file: a folder holding it opens as the databases it lists.
STUB_FILE = "XAPIANDB"
#: A shard's folder in a sharded index: ``shard-00``, ``shard-01``...
SHARD_NAME = "shard-{:02d}"
_STUB_LINE = re.compile(r"^auto\s+(\S+)\s*$")


def shard_of(doc_id: str, shards: int) -> int:
    """The shard a document's id goes to.

    >>> shard_of("n-2023-0919", 3) == shard_of("n-2023-0919", 3), shard_of("x", 1)
    (True, 0)
    >>> sorted({shard_of(f"doc-{i}", 3) for i in range(30)})
    [0, 1, 2]
    """
    return zlib.crc32(doc_id.encode("utf-8")) % shards


def parse_shard(text: str) -> tuple[int, int]:
    """``i/N`` as (i, N), 0 <= i < N.

    >>> parse_shard("1/3")
    (1, 3)
    >>> parse_shard("3/3")
    Traceback (most recent call last):
    ValueError: --shard wants i/N with 0 <= i < N, got '3/3'
    """
    match = re.fullmatch(r"(\d+)/(\d+)", text.strip())
    if not match or not int(match[1]) < int(match[2]):
        raise ValueError(f"--shard wants i/N with 0 <= i < N, got {text!r}")
    return int(match[1]), int(match[2])


def of_shard(documents: Iterable[Document], shard: int, shards: int) -> Iterable[Document]:
    """The documents whose id goes to ``shard`` of ``shards``."""
    return (document for document in documents if shard_of(document.id, shards) == shard)


def write_stub(folder: Path, shards: int) -> None:
    """Xapian's stub file listing the folder's shards, relative to it."""
    (folder / STUB_FILE).write_text(
        "".join(f"auto {SHARD_NAME.format(i)}\n" for i in range(shards)), encoding="utf-8")


def shard_dirs(folder: Path | str) -> list[Path] | None:
    """The shard folders a sharded index lists, in order; None for a single index.

    :raises ValueError: a stub line that is not ``auto <folder>``.
    """
    stub = Path(folder) / STUB_FILE
    if not stub.is_file():
        return None
    dirs = []
    for number, line in enumerate(stub.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _STUB_LINE.match(line)
        if not match:
            raise ValueError(f"{stub}:{number}: expected 'auto <shard folder>', got {line!r}")
        dirs.append(Path(folder) / match[1])
    return dirs


def route(items: Iterable, doc_id: Callable[[object], str], shards: int) -> dict[int, list]:
    """Items grouped by the shard of their id, shards in order, only those touched.

    >>> sorted(route(["a", "b", "c", "a"], str, 1).items())
    [(0, ['a', 'b', 'c', 'a'])]
    """
    groups: dict[int, list] = {}
    for item in items:
        groups.setdefault(shard_of(doc_id(item), shards), []).append(item)
    return dict(sorted(groups.items()))


#: Changesets a shard's master keeps for its replicas (``XAPIAN_MAX_CHANGESETS``).
REPLICATION_CHANGESETS = 100

#: A cluster's layout: the one file that describes a deployment (``read_layout``).
LAYOUT_FILE = "cluster.toml"


@dataclass(frozen=True)
class RemoteShard:
    """One shard of a cluster and the servers holding a copy of it, master first."""

    name: str
    copies: tuple[tuple[str, int], ...]


def read_layout(folder: Path | str) -> list[RemoteShard] | None:
    """The shards of ``folder/cluster.toml``, None when there is no such file.

    The file lists each shard once, with the ``host:port`` of each copy: its
    master's ``xapian-tcpsrv`` first, then its replicas'::

        [[shard]]
        name = "shard-00"
        copies = ["10.0.0.1:33300", "10.0.0.2:33300"]

    :raises ValueError: naming the file (and line, for TOML syntax) of a mistake.
    """
    path = Path(folder) / LAYOUT_FILE
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{path}: {error}") from None
    entries = data.get("shard")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: expected [[shard]] tables, each with a name and copies")
    found = []
    for number, entry in enumerate(entries, 1):
        name, copies = entry.get("name"), entry.get("copies")
        if not isinstance(name, str) or not isinstance(copies, list) or not copies:
            raise ValueError(f"{path}: shard {number} needs a name and a list of copies")
        parsed = []
        for copy in copies:
            host, _, port = str(copy).rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ValueError(f"{path}: shard {name!r}: copy {copy!r} is not host:port")
            parsed.append((host, int(port)))
        found.append(RemoteShard(name, tuple(parsed)))
    return found

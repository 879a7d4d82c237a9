"""Where indexes live on disk, and how a new one is swapped in atomically.

The configured index directory (``var/index`` by default) is a symbolic link to a
versioned sibling folder (``var/index@20261121T130501-4242-a1b2``). A build writes a new
version next to it and then replaces the link with ``os.replace``, a single atomic
rename: a running service sees either the old index or the new one, never a
half-built one. The previous version is kept (a service may still be reading it
until its next refresh); older ones are removed.

Two engines write indexes (``ENGINE``): Whoosh (``index.writer``) and Xapian
(``index.xapian_writer``). ``engine_of`` tells which one's index a folder holds by
its files alone, without opening it; ``resources_at`` gives either one's
resources. ``index_exists`` and ``open_index`` stay Whoosh's: their callers open
a Whoosh index.
"""

import os
import pickle
import secrets
import shutil
import time
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import FileIndex

from index import xapian_layout
from index.analysis import resources_of
from index.resources import Resources

_VERSION_SEPARATOR = "@"
_INDEX_NAME = "MAIN"    # Whoosh's default index name
#: The version file of Xapian's glass backend (1.4's default), in every database folder.
_XAPIAN_MARKER = "iamglass"
#: Xapian's stub file: a sharded Xapian index (``index.shards``).
_XAPIAN_STUB = "XAPIANDB"
#: A cluster of remote Xapian shards (``index.shards.read_layout``).
_XAPIAN_LAYOUT = "cluster.toml"
OPEN_RETRIES = 5
#: The engines' names, as the ``ENGINE`` setting spells them.
WHOOSH = "whoosh"
XAPIAN = xapian_layout.ENGINE
ENGINES = (WHOOSH, XAPIAN)


class IndexMissing(LookupError):
    """There is no index at the configured place."""


class WriterBusy(Exception):
    """Another writer held the index past the time-out (either engine)."""


class EngineMismatch(ValueError):
    """The folder holds another engine's index than the one asked for."""


def engine_of(index_dir: Path | str) -> str | None:
    """Tell which engine's index is at ``index_dir`` (following the link): ``"whoosh"``,
    ``"xapian"``, or None when there is none. Only file names are looked at.
    """
    path = Path(index_dir)
    if any((path / name).is_file() for name in (_XAPIAN_MARKER, _XAPIAN_STUB,
                                                 _XAPIAN_LAYOUT)):
        return XAPIAN
    if index_exists(path):
        return WHOOSH
    return None


def check_engine(index_dir: Path | str, engine: str) -> None:
    """Make sure ``index_dir`` holds no index of an engine other than ``engine``.

    A writer of one engine that found no index of its own would otherwise create
    one and swap it in over the other engine's index.

    :raises EngineMismatch: naming both engines and the fix.
    """
    found = engine_of(index_dir)
    if found is not None and found != engine:
        raise EngineMismatch(
            f"the index at {index_dir} is a {found} index, not a {engine} one: replace it "
            f"with python -m index build --engine {engine} --rebuild, or keep it by "
            f"setting ENGINE={found}")


def resources_at(index_dir: Path | str) -> Resources:
    """Return the resources the index at ``index_dir`` was built with, either engine.

    :raises IndexMissing: when there is no index.
    """
    engine = engine_of(index_dir)
    if engine == XAPIAN:
        with open(Path(index_dir) / xapian_layout.RESOURCES_FILE, "rb") as handle:
            return pickle.load(handle)
    if engine == WHOOSH:
        return index_resources(open_index(index_dir))
    raise IndexMissing(f"no index at {index_dir}")


def index_exists(index_dir: Path | str) -> bool:
    """Tell whether a Whoosh index is at ``index_dir`` (following the link); for
    either engine's, ``engine_of``.

    Looks for a table of contents without reading it: reading it unpickles the
    schema, which fails for an index written by older code (that index is stale,
    not missing).
    """
    path = Path(index_dir)
    return path.is_dir() and any(path.glob(f"_{_INDEX_NAME}_*.toc"))


def open_index(index_dir: Path | str) -> FileIndex:
    """Open the index at ``index_dir``.

    :raises IndexMissing: when there is none.
    """
    if not index_exists(index_dir):
        raise IndexMissing(f"no index at {index_dir}")
    for attempt in range(OPEN_RETRIES):
        try:
            return whoosh_index.open_dir(str(Path(index_dir).resolve()))
        except FileNotFoundError:
            # Another process committed between listing the tables of contents and
            # reading the newest one, and removed it: read the new newest.
            if attempt == OPEN_RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def resolved_dir(index_dir: Path | str) -> Path:
    """Return the real folder behind ``index_dir`` (the current version)."""
    return Path(index_dir).resolve()


def index_resources(ix: FileIndex) -> Resources:
    """Return the resources (gazetteer, stop words) the index was built with."""
    return resources_of(ix.schema["body"].analyzer)


def is_stale(ix: FileIndex, current: Resources) -> bool:
    """Tell whether the index was built with other resources than ``current``."""
    return index_resources(ix).fingerprint != current.fingerprint


def new_version_dir(index_dir: Path | str) -> Path:
    """Create and return an empty version folder beside ``index_dir``."""
    link = Path(index_dir).absolute()
    link.parent.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    suffix = f"{stamp}-{os.getpid()}-{secrets.token_hex(2)}"
    version = link.parent / f"{link.name}{_VERSION_SEPARATOR}{suffix}"
    version.mkdir()
    return version


def swap_in(version: Path, index_dir: Path | str) -> None:
    """Make ``index_dir`` point at ``version`` atomically and remove old versions.

    A real folder at ``index_dir`` (an index made by other means) is renamed aside
    first, which leaves a moment without an index; later swaps are atomic.
    """
    link = Path(index_dir).absolute()
    previous = link.resolve() if link.exists() else None
    if link.is_dir() and not link.is_symlink():
        link.rename(link.with_name(f"{link.name}{_VERSION_SEPARATOR}replaced-{os.getpid()}"))
    temporary = link.with_name(f".{link.name}.{os.getpid()}.link")
    if temporary.is_symlink():
        temporary.unlink()
    temporary.symlink_to(version.name)
    os.replace(temporary, link)
    _remove_old_versions(link, keep={version.resolve(), previous})


def discard(version: Path) -> None:
    """Remove a version folder that was never swapped in."""
    shutil.rmtree(version, ignore_errors=True)


def _remove_old_versions(link: Path, keep: set) -> None:
    for candidate in link.parent.glob(f"{link.name}{_VERSION_SEPARATOR}*"):
        if candidate.is_dir() and candidate.resolve() not in keep:
            shutil.rmtree(candidate, ignore_errors=True)

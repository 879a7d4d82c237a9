"""Command line: ``python -m index build [SOURCES...] [--index-dir DIR] [--rebuild]
[--engine whoosh|xapian]``, ``python -m index stats``, ``python -m index delete ID...``,
``python -m index lexicon``.

``build`` writes the engine's index that ``--engine`` (default: the ``ENGINE``
setting) names; over the other engine's index only with ``--rebuild`` (or
``--rebuild-if-stale``, which counts another engine as stale: the configuration
changed). ``stats`` and ``delete`` work on whichever engine's index is there.

Exit status: 0 on success, 1 when the build stopped on an invalid document (the
existing index untouched), 2 for a configuration mistake or a bad argument (an index
of the other engine among them).
"""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path

from tqdm import tqdm

from config.settings import SettingsError, load_settings
from index import shards, store, writes
from index.exonyms import Exonyms
from index.lexicon import Lexicon
from index.readers import DocumentError, Limits, read_documents
from index.resources import Resources
from index.wordlists import ConfigError
from index.xapian_writer import describe_xapian_index


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
        return args.run(args, settings)
    except (ConfigError, SettingsError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m index", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    build = commands.add_parser("build", help="index .txt/.jsonl files or folders")
    build.add_argument("sources", nargs="*", type=Path,
                       help="files or folders (default: the SEEDS_DIR setting, seeds/)")
    build.add_argument("--index-dir", help="index folder (default: INDEX_DIR, var/index)")
    build.add_argument("--engine", choices=store.ENGINES,
                       help="the engine whose index to build (default: ENGINE, whoosh)")
    build.add_argument("--rebuild", action="store_true",
                       help="build a new index from the sources and swap it in atomically")
    build.add_argument("--rebuild-if-stale", action="store_true",
                       help="rebuild only when the configuration changed since the last build")
    build.add_argument("--skip-invalid", action="store_true",
                       help="index the valid documents and report the invalid ones")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument("--procs", type=int, metavar="N",
                       help="processes of a first build or rebuild (default: BUILD_PROCS, 2)")
    build.add_argument("--shards", type=int, metavar="N",
                       help="with --engine xapian: a fresh build of N shards, one process "
                            "each, searched as one index (documents routed by a stable "
                            "hash of their id)")
    build.add_argument("--shard", metavar="I/N",
                       help="build shard I of N alone, as an ordinary index (the "
                            "documents of the sources whose id goes to it)")
    build.set_defaults(run=_build)
    lexicon = commands.add_parser("lexicon", help="build the dictionary lookup tables "
                                  "(LEXICON_PATH) from DICTIONARY_DIR and the place "
                                  "names (EXONYMS_PATH) from GeoNames")
    lexicon.set_defaults(run=_lexicon)
    stats = commands.add_parser("stats", help="documents, terms, size, fingerprints, staleness")
    stats.add_argument("--index-dir", help="index folder (default: INDEX_DIR)")
    stats.add_argument("--json", action="store_true", help="print JSON")
    stats.set_defaults(run=_stats)
    serve = commands.add_parser("serve-shard", help="serve one Xapian shard over TCP "
                                "(xapian-tcpsrv, from Debian's xapian-tools)")
    serve.add_argument("shard_dir", type=Path, help="the shard's folder (a Xapian index)")
    _listen_options(serve)
    serve.add_argument("--writable", action="store_true",
                       help="allow updates (the shard's master)")
    serve.set_defaults(run=_serve_shard)
    master = commands.add_parser("replication-server", help="serve the shards of a folder "
                                 "to their replicas (xapian-replicate-server)")
    master.add_argument("shards_dir", type=Path, help="the folder holding the shard folders")
    _listen_options(master)
    master.set_defaults(run=_replication_server)
    replica = commands.add_parser("replicate-shard", help="keep a replica of a shard current "
                                  "from its master's replication server (xapian-replicate)")
    replica.add_argument("replica_dir", type=Path, help="the replica's folder (made if missing)")
    replica.add_argument("--master", required=True, metavar="HOST:PORT",
                         help="the master's replication server")
    replica.add_argument("--shard", required=True, help="the shard's folder name (shard-00)")
    replica.add_argument("--interval", type=float,
                         help="seconds between two looks at the master (default: "
                              "REPLICATION_INTERVAL)")
    replica.set_defaults(run=_replicate_shard)
    delete = commands.add_parser("delete", help="delete documents by id")
    delete.add_argument("ids", nargs="+", metavar="ID")
    delete.add_argument("--index-dir", help="index folder (default: INDEX_DIR)")
    delete.set_defaults(run=_delete)
    return parser


def _listen_options(command: argparse.ArgumentParser) -> None:
    """``--port`` and ``--interface`` of a Xapian server (neither protocol has
    authentication: loopback unless a private network's address is given)."""
    command.add_argument("--port", type=int, required=True)
    command.add_argument("--interface", default="127.0.0.1",
                         help="address to listen on (default 127.0.0.1: the protocol has no "
                              "authentication; use a private network's address, never a "
                              "public one)")


def _serve_shard(args: argparse.Namespace, settings: dict) -> int:
    """Replace this process by the shard's ``xapian-tcpsrv`` (so a supervisor, or a
    test, that ends this pid ends the server)."""
    program = _tool("xapian-tcpsrv")
    if program is None:
        return 2
    folder = store.resolved_dir(args.shard_dir)
    listed = shards.shard_dirs(folder)
    if store.engine_of(folder) != store.XAPIAN or listed is not None and len(listed) > 1:
        print(f"error: {args.shard_dir} is not one Xapian database (serve each shard's "
              "folder, or a replica's, on its own)", file=sys.stderr)
        return 2
    command = [program, "--port", str(args.port), "--interface", args.interface, "--quiet"]
    if args.writable:
        # a master keeps the changesets its replicas are brought up to date with
        os.environ["XAPIAN_MAX_CHANGESETS"] = str(shards.REPLICATION_CHANGESETS)
    os.execv(program, command + (["--writable"] if args.writable else []) + [str(folder)])


def _tool(name: str) -> str | None:
    program = shutil.which(name)
    if program is None:
        print(f"error: {name} not found (Debian's xapian-tools; scripts/setup installs it)",
              file=sys.stderr)
    return program


def _replication_server(args: argparse.Namespace, settings: dict) -> int:
    """Replace this process by ``xapian-replicate-server`` for the shards' folder."""
    program = _tool("xapian-replicate-server")
    if program is None:
        return 2
    folder = store.resolved_dir(args.shards_dir)
    os.execv(program, [program, "--port", str(args.port), "--interface", args.interface,
                       str(folder)])


def _replicate_shard(args: argparse.Namespace, settings: dict) -> int:
    """Replace this process by ``xapian-replicate`` pulling one shard's changesets."""
    program = _tool("xapian-replicate")
    if program is None:
        return 2
    host, _, port = args.master.rpartition(":")
    if not host or not port.isdigit():
        print(f"error: --master wants HOST:PORT, got {args.master!r}", file=sys.stderr)
        return 2
    interval = args.interval if args.interval is not None else settings["REPLICATION_INTERVAL"]
    os.execv(program, [program, "--host", host, "--port", port, "--master", args.shard,
                       "--interval", str(max(1, round(interval))), "--reader-time", "1",
                       "--timeout", "10", "--quiet", str(args.replica_dir)])


def _build(args: argparse.Namespace, settings: dict) -> int:
    resources = Resources.from_settings(settings)
    index_dir = Path(args.index_dir or settings["INDEX_DIR"])
    sources = args.sources or [Path(settings["SEEDS_DIR"])]
    engine = args.engine or settings["ENGINE"]
    rebuild = args.rebuild or (args.rebuild_if_stale and _stale(index_dir, resources, engine))
    reader_errors: list[DocumentError] = []
    documents = read_documents(sources,
                               on_error=reader_errors.append if args.skip_invalid else None,
                               limits=Limits.from_settings(settings))
    progress = None if args.quiet else (
        lambda docs: tqdm(docs, unit="docs", desc="indexing", file=sys.stderr))
    build = writes.builder(engine)
    options = {}
    if args.shards or args.shard:
        if engine != store.XAPIAN:
            print("error: --shards and --shard build Xapian indexes (add --engine xapian)",
                  file=sys.stderr)
            return 2
        if args.shard:
            try:
                shard, count = shards.parse_shard(args.shard)
            except ValueError as error:
                print(f"error: {error}", file=sys.stderr)
                return 2
            documents = shards.of_shard(documents, shard, count)
        elif args.shards > 1:
            options["shards"] = args.shards
    try:
        report = build(documents, index_dir, resources, rebuild=rebuild,
                       on_error=(lambda error: None) if args.skip_invalid else None,
                       progress=progress, procs=max(1, args.procs or settings["BUILD_PROCS"]),
                       **options)
    except store.EngineMismatch as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except DocumentError as error:
        print(f"error: {error}", file=sys.stderr)
        print("the build stopped; the existing index was not changed "
              "(use --skip-invalid to index the valid documents)", file=sys.stderr)
        return 1
    report.rejected[:0] = [str(e) for e in reader_errors]
    print(f"{'rebuilt' if report.rebuilt else 'updated'} {index_dir} ({engine}): "
          f"{report.summary()}")
    for message in report.rejected:
        print(f"rejected: {message}")
    if report.stale:
        print("note: the configuration changed since this index was built; a rebuild is due "
              "(python -m index build --rebuild)")
    return 0


def _lexicon(args: argparse.Namespace, settings: dict) -> int:
    started = time.perf_counter()
    lexicon = Lexicon.build(settings["DICTIONARY_DIR"])
    lexicon.save(settings["LEXICON_PATH"])
    print(f"lexicon {settings['LEXICON_PATH']}: {len(lexicon.en_ar)} English and "
          f"{len(lexicon.ar_en)} Arabic headword keys, {len(lexicon.known)} known words, "
          f"{time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    exonyms = Exonyms.build()
    exonyms.save(settings["EXONYMS_PATH"])
    print(f"exonyms {settings['EXONYMS_PATH']}: {len(exonyms.latin)} Latin and "
          f"{len(exonyms.arabic)} Arabic place names from {exonyms.source}, "
          f"{time.perf_counter() - started:.1f} s")
    return 0


def _stats(args: argparse.Namespace, settings: dict) -> int:
    index_dir = Path(args.index_dir or settings["INDEX_DIR"])
    engine = store.engine_of(index_dir)
    if engine is None:
        print(f"error: there is no index at {index_dir}; build one with: "
              "python -m index build", file=sys.stderr)
        return 1
    resources = Resources.from_settings(settings)
    folder = store.resolved_dir(index_dir)
    try:
        built_with = store.resources_at(index_dir)
        stale = built_with.fingerprint != resources.fingerprint
    except Exception:           # written by older code
        built_with, stale = None, True
    info = {"index_dir": str(index_dir), "folder": str(folder), "engine": engine}
    info.update(describe_xapian_index(index_dir) if engine == store.XAPIAN
                else _whoosh_counts(index_dir))
    info.update({
        "size_bytes": sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()),
        "index_fingerprint": built_with.fingerprint if built_with else None,
        "config_fingerprint": resources.fingerprint,
        "gazetteer_hash": built_with.gazetteer.digest[:16] if built_with else None,
        "stale": stale,
    })
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for key, value in info.items():
            print(f"{key:18} {value}")
        if stale:
            print("a rebuild is due: python -m index build --rebuild")
    return 0


def _whoosh_counts(index_dir: Path) -> dict:
    """Documents, deletions, terms, segments and generation of a Whoosh index."""
    ix = store.open_index(index_dir)
    with ix.searcher() as searcher:
        reader = searcher.reader()
        return {
            "documents": searcher.doc_count(),
            "deleted": searcher.doc_count_all() - searcher.doc_count(),
            "terms": {name: sum(1 for _ in reader.lexicon(name)) for name in ("title", "body")},
            "segments": len(reader.leaf_readers()),
            "generation": ix.latest_generation(),
        }


def _delete(args: argparse.Namespace, settings: dict) -> int:
    index_dir = Path(args.index_dir or settings["INDEX_DIR"])
    missing = [i for i in args.ids if not writes.delete_document(i, index_dir)]
    for doc_id in args.ids:
        print(f"{'not found' if doc_id in missing else 'deleted'}: {doc_id}")
    return 1 if missing else 0


def _stale(index_dir: Path, resources: Resources, engine: str) -> bool:
    """True when the index was built with other resources, by code too old to read, or
    for another engine than ``engine``."""
    found = store.engine_of(index_dir)
    if found is None:
        return False
    if found != engine:
        print(f"note: the index at {index_dir} is a {found} index; rebuilding it as a "
              f"{engine} index", file=sys.stderr)
        return True
    try:
        return store.resources_at(index_dir).fingerprint != resources.fingerprint
    except Exception as error:  # an index written by older code: rebuild it
        print(f"note: the index at {index_dir} cannot be read ({error!r}); rebuilding",
              file=sys.stderr)
        return True


if __name__ == "__main__":
    sys.exit(main())

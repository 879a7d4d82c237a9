"""Command line: ``python -m service search "query" [--json] [--limit N] [--lang ar|en]``.

Prints the same results as ``GET /api/search`` (it asks the API in-process), as
text for people or as the API's JSON for scripts. Exit status: 0 with results, 1
without, 2 for a bad query or no index (the message says why).
"""

import argparse
import json
import sys

from service import create_app


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m service", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    search = commands.add_parser("search", help="search the index like GET /api/search")
    search.add_argument("query")
    search.add_argument("--json", action="store_true", help="print the API's JSON")
    search.add_argument("--limit", type=int, default=10, help="results to print (default 10)")
    search.add_argument("--lang", choices=("ar", "en"), help="only documents in this language")
    search.add_argument("--place", help="only documents that mention this entity key")
    args = parser.parse_args(argv)
    app = create_app({"MAX_PER_PAGE": max(args.limit, 1)})
    params = {"q": args.query, "per_page": max(args.limit, 1)}
    params.update({k: v for k, v in (("lang", args.lang), ("place", args.place)) if v})
    try:
        response = app.test_client().get("/api/search", query_string=params)
    finally:
        app.extensions["fahras"].handle.close()
    body = response.get_json()
    if args.json:
        json.dump(body, sys.stdout, ensure_ascii=False, indent=2)
        print()
    elif response.status_code != 200:
        print(f"error: {body['error']}", file=sys.stderr)
    else:
        print(_as_text(body))
    if response.status_code != 200:
        return 2
    return 0 if body["results"] else 1


def _as_text(body: dict) -> str:
    lines = [f"{body['total']} results ({body['took_ms']:.0f} ms)"]
    also = [f"{e['variant']} → {' · '.join(e['also'][:3])}" for e in body["query"]["expansions"]]
    if also:
        lines.append("also searched: " + "; ".join(also))
    for rank, result in enumerate(body["results"], start=1):
        snippet = result["snippet"].replace("<mark>", "[").replace("</mark>", "]")
        lines += ["", f"{rank}. {result['title']}  ({result['id']}, {result['lang']}, "
                      f"score {result['score']})", f"   {snippet}"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())

"""The OpenAPI 3 description of the JSON API (v1), built from the settings in force.

Limits come from the same settings the validators use (``MAX_PER_PAGE``,
``MAX_QUERY_LENGTH`` ...), so the document cannot promise what the service refuses.
The test suite checks the live API against it with schemathesis (every response
matches its schema, no 5xx).
"""

from typing import Any

from config.settings import SETTINGS

#: The engines an index may be served by (the ENGINE setting's values).
ENGINES = next(s.choices for s in SETTINGS if s.name == "ENGINE")

VERSION = "1.0.0"


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _error_responses(*codes: int) -> dict:
    text = {400: "Bad parameters (each named in `errors`)", 401: "Missing or wrong token",
            403: "Writes disabled", 404: "Not found",
            413: "Body too large, or every document past MAX_DOCUMENT_CHARS, "
                 "MAX_TITLE_CHARS or MAX_DOCUMENT_WORDS",
            414: "Request line too long (send the query in a POST body)",
            415: "Body is not JSON", 429: "Too many requests (see Retry-After)",
            431: "Request headers too large",
            503: "No index (the message says what to run), or the writer is busy"}
    return {str(code): {"description": text[code],
                        "content": {"application/json": {"schema": _ref("Error")}}}
            for code in codes}


def _query(name: str, description: str, schema: dict, required: bool = False,
           example: Any = None) -> dict:
    out = {"name": name, "in": "query", "required": required, "description": description,
           "schema": schema}
    if example is not None:
        out["example"] = example
    return out


def build_spec(settings: dict) -> dict:
    """The OpenAPI document for the current settings."""
    nullable_string = {"type": "string", "nullable": True}
    entity = {"type": "object", "required": ["key", "name", "name_ar", "kind"], "properties": {
        "key": {"type": "string"}, "name": {"type": "string"}, "name_ar": {"type": "string"},
        "kind": {"type": "string", "enum": ["place", "person", "organisation"]}}}
    counted_entity = {"allOf": [entity, {"type": "object", "required": ["count"],
                                         "properties": {"count": {"type": "integer"}}}]}
    counted_value = {"type": "object", "required": ["value", "count"], "properties": {
        "value": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
        "count": {"type": "integer"}}}
    document_meta = {
        "id": {"type": "string"}, "title": {"type": "string"},
        "lang": {"type": "string", "enum": ["ar", "en"]},
        "dir": {"type": "string", "enum": ["rtl", "ltr"]},
        "source": nullable_string, "date": nullable_string,
        "url": {**nullable_string, "description": "an http or https address; null for any other"},
        "places": {"type": "array", "items": entity},
        "entities": {"type": "array", "items": entity},
    }
    schemas = {
        "Error": {"type": "object", "required": ["ok", "error", "errors", "status"],
                  "properties": {"ok": {"type": "boolean", "enum": [False]},
                                 "error": {"type": "string"},
                                 "errors": {"type": "array", "items": {"type": "string"},
                                            "minItems": 1},
                                 "status": {"type": "integer"}},
                  "example": {"ok": False, "error": "q is required", "errors": ["q is required"],
                              "status": 400}},
        "Entity": entity,
        "Expansion": {"type": "object", "required": ["id", "variant", "source", "weight", "also"],
                      "properties": {
                          "id": {"type": "string", "example": "gazetteer:stepanakert"},
                          "variant": {"type": "string", "example": "Stepanakert"},
                          "source": {"type": "string", "enum": [
                              "gazetteer", "glossary", "dictionary", "phonetic",
                              "transliteration"]},
                          "weight": {"type": "number"},
                          "also": {"type": "array", "items": {"type": "string"},
                                   "example": ["ستيباناكيرت", "خانكيندي"]},
                          "entity": {"type": "object"},
                          "language": {"type": "string", "enum": ["ar", "en"]},
                          "spellings": {
                              "type": "array",
                              "description": "A transliteration's verified spellings: "
                                             "as proposed, the term searched and the "
                                             "documents holding it.",
                              "items": {"type": "object",
                                        "required": ["spelling", "term", "documents"],
                                        "properties": {
                                            "spelling": {"type": "string",
                                                         "example": "بوتين"},
                                            "term": {"type": "string"},
                                            "documents": {"type": "integer"}}}}}},
        "Result": {"type": "object",
                   "required": ["id", "title", "title_html", "snippet", "score", "lang", "dir",
                                "source", "date", "url", "places", "entities",
                                "highlight_truncated"],
                   "properties": {**document_meta,
                                  "title_html": {"type": "string",
                                                 "description": "escaped; only <mark>"},
                                  "snippet": {"type": "string",
                                              "description": "escaped; only <mark>",
                                              "example": "…مدينة <mark>خانكيندي</mark>، عاصمة…"},
                                  "score": {"type": "number", "nullable": True},
                                  "concepts": {"type": "integer", "nullable": True,
                                               "description": "how many of the query's "
                                                              "concepts it matches (null "
                                                              "when matched on any)"},
                                  "explain": {
                                      "type": "object", "required": ["matched"],
                                      "description": "with explain=true: the plan's terms "
                                                     "this document holds",
                                      "properties": {"matched": {"type": "array", "items": {
                                          "type": "object", "required": ["field", "text"],
                                          "properties": {"field": {"type": "string"},
                                                         "text": {"type": "string"}}}}}},
                                  "highlight_truncated": {
                                      "type": "boolean",
                                      "description": "true when the highlights come from the "
                                                     "text's first HIGHLIGHT_MAX_CHARS "
                                                     "characters or first "
                                                     "HIGHLIGHT_MAX_MATCHES matches only, or "
                                                     "were left out at the time limit"}}},
        "Cut": {"type": "object", "required": ["part", "reason", "detail"], "properties": {
            "part": {"type": "string", "enum": ["expansions", "matching", "ranking",
                                                "proximity", "snippets", "facets",
                                                "did_you_mean"]},
            "reason": {"type": "string", "enum": ["time_limit", "term_limit"]},
            "detail": {"type": "string"}}},
        "SearchPage": {
            "type": "object",
            "required": ["ok", "total", "total_relation", "page", "per_page", "took_ms",
                         "timed_out", "query", "results", "facets"],
            "properties": {
                "ok": {"type": "boolean", "enum": [True]},
                "total": {"type": "integer", "minimum": 0},
                "total_relation": {"type": "string", "enum": ["eq", "gte"],
                                   "description": "gte when the time limit cut the matching: "
                                                  "total counts the matches found by then"},
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1},
                "took_ms": {"type": "number"},
                "timed_out": {"type": "boolean"},
                "query": {"type": "object", "required": [
                    "text", "lang", "lang_method", "match", "language_first", "filters", "sort",
                    "terms", "expansions", "did_you_mean", "cut"], "properties": {
                    "text": {"type": "string"},
                    "lang": {"type": "string", "enum": ["ar", "en"]},
                    "lang_method": {"type": "string", "enum": ["script", "langdetect"]},
                    "match": {"type": "string", "enum": ["all", "partial", "any"],
                              "description": "all: every result matches every concept; "
                                             "partial: fewer than 10 did, and those "
                                             "matching fewer concepts follow them; any: "
                                             "no stage found any, so any concept"},
                    "concepts": {"type": "integer", "minimum": 1,
                                 "description": "the query's concepts (words or names "
                                                "with their variants, phrases, OR groups)"},
                    "stages": {"type": "array", "description": "with partial matches: the "
                               "documents matching each number of concepts",
                               "items": {"type": "object", "required": ["concepts", "total"],
                                         "properties": {"concepts": {"type": "integer"},
                                                        "total": {"type": "integer"}}}},
                    "language_first": {"type": "string", "nullable": True, "enum": ["ar", "en", None]},
                    "filters": {"type": "object"},
                    "sort": {"type": "string"},
                    "terms": {"type": "array", "items": {"type": "string"}},
                    "expansions": {"type": "array", "items": _ref("Expansion")},
                    "did_you_mean": nullable_string,
                    "cut": {"type": "array", "items": _ref("Cut"),
                            "description": "what the time limit (SEARCH_TIME_LIMIT) or the "
                                           "bound on terms (MAX_QUERY_TERMS) left out"}}},
                "results": {"type": "array", "items": _ref("Result")},
                "shards": {"type": "object", "description": "with a cluster of shards "
                           "(cluster.toml) only: how many, how many answered, which failed",
                           "properties": {"total": {"type": "integer"},
                                          "successful": {"type": "integer"},
                                          "failed": {"type": "array",
                                                     "items": {"type": "string"}}}},
                "facets": {"type": "object", "required": ["lang", "source", "year", "places",
                                                          "entities"], "properties": {
                    "lang": {"type": "array", "items": counted_value},
                    "source": {"type": "array", "items": counted_value},
                    "year": {"type": "array", "items": counted_value},
                    "places": {"type": "array", "items": counted_entity},
                    "entities": {"type": "array", "items": counted_entity}}}}},
        "Document": {"type": "object", "required": ["ok", "document"], "properties": {
            "ok": {"type": "boolean"},
            "document": {"type": "object", "required": ["id", "title", "body", "lang", "dir"],
                         "properties": {**document_meta, "body": {"type": "string"},
                                        "title_html": {"type": "string"},
                                        "body_html": {"type": "string"},
                                        "highlight_truncated": {"type": "boolean"}}},
            "query": {"type": "object", "nullable": True}}},
        "NewDocument": {"type": "object", "required": ["id", "body"], "properties": {
            "id": {"type": "string", "maxLength": 200, "example": "n-2023-0919"},
            "title": {"type": "string", "maxLength": settings["MAX_TITLE_CHARS"],
                      "example": "قصف في لاتشين"},
            "body": {"type": "string", "maxLength": settings["MAX_DOCUMENT_CHARS"],
                     "description": "at most MAX_DOCUMENT_WORDS words with the title",
                     "example": "أفاد سكان بسماع أصوات قصف…"},
            "lang": {"type": "string", "enum": ["ar", "en"]},
            "source": {"type": "string", "maxLength": 200},
            "date": {"type": "string", "format": "date"},
            "url": {"type": "string", "maxLength": 2000,
                    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#\\\\]",
                    "description": "an http or https address; anything else gets 400"}}},
        "WriteResult": {"type": "object", "required": ["ok", "added", "updated", "unchanged",
                                                       "rejected"], "properties": {
            "ok": {"type": "boolean"},
            "added": {"type": "array", "items": {"type": "string"}},
            "updated": {"type": "array", "items": {"type": "string"}},
            "unchanged": {"type": "array", "items": {"type": "string"}},
            "rejected": {"type": "array", "items": {"type": "object"}}}},
    }
    search_parameters = [
        _query("q", "The query: words, \"phrases\", -excluded, OR.",
               {"type": "string", "minLength": 1, "maxLength": settings["MAX_QUERY_LENGTH"]},
               required=True, example="Stepanakert"),
        _query("page", "Page number.",
               {"type": "integer", "minimum": 1, "maximum": settings["MAX_PAGE"], "default": 1}),
        _query("per_page", "Results per page.",
               {"type": "integer", "minimum": 1, "maximum": settings["MAX_PER_PAGE"],
                "default": settings["DEFAULT_PER_PAGE"]}),
        _query("lang", "Only documents in this language.", {"type": "string", "enum": ["ar", "en"]}),
        _query("place", "Only documents that mention this entity key.", {"type": "string"},
               example="lachin"),
        _query("source", "Only documents from this source.", {"type": "string", "maxLength": 200}),
        _query("year", "Only documents dated in this year.",
               {"type": "integer", "minimum": 1000, "maximum": 9999}),
        _query("from", "Only documents dated on or after (YYYY-MM-DD).",
               {"type": "string", "format": "date"}),
        _query("to", "Only documents dated on or before (YYYY-MM-DD).",
               {"type": "string", "format": "date"}),
        _query("sort", "Order.", {"type": "string", "enum": ["relevance", "date", "oldest"],
                                  "default": "relevance"}),
        _query("without", "An expansion id to leave out (repeatable).",
               {"type": "array", "items": {"type": "string", "maxLength": 200}, "maxItems": 50}),
        _query("explain", "Add the query plan (query.plan) and, to each result, the plan's "
                          "terms it holds (explain.matched).",
               {"type": "boolean", "default": False}),
    ]
    schemas["SearchRequest"] = {
        "type": "object", "required": ["q"], "additionalProperties": False,
        "description": "The parameters of GET /api/search as a JSON object (numbers may be "
                       "JSON numbers, without a list): for queries too long for a URL.",
        "properties": {p["name"]: p["schema"] for p in search_parameters},
        "example": {"q": "وقف إطلاق النار في ناغورني كاراباخ", "per_page": 5}}
    json_of = lambda name: {"application/json": {"schema": _ref(name)}}  # noqa: E731
    write_security = [{"bearer": []}]
    analyze_text = {"type": "string", "minLength": 1,
                    "maxLength": settings["MAX_QUERY_LENGTH"] * 10}
    schemas["Analysis"] = {"type": "object", "required": ["ok", "tokens", "translations"]}
    doc_id = {"name": "doc_id", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Fahras search API", "version": VERSION,
                 "description": "Bilingual Arabic–English news search. Errors share one "
                                "envelope: {ok: false, error, errors, status}.",
                 "license": {"name": "GPL-3.0-or-later"}},
        "servers": [{"url": "/"}],
        "paths": {
            "/api/search": {"get": {
                "summary": "Ranked, highlighted results",
                "description": "Examples: `?q=Stepanakert` (finds خانكيندي), `?q=وقف إطلاق النار`, "
                               "`?q=ceasefire&lang=ar`. The whole search runs within "
                               "SEARCH_TIME_LIMIT; an answer it cut has timed_out true, "
                               "query.cut saying what was left out, and the header "
                               "Fahras-Timed-Out: true.",
                "parameters": search_parameters,
                "responses": {"200": {"description": "A page of results",
                                      "content": json_of("SearchPage")},
                              **_error_responses(400, 414, 429, 431, 503)}},
                "post": {
                "summary": "Ranked, highlighted results, the parameters in a JSON body",
                "description": "The same as GET, for queries too long for a URL (an Arabic "
                               "letter takes six bytes percent-encoded), as "
                               "Elasticsearch's _search takes both.",
                "requestBody": {"required": True, "content": json_of("SearchRequest")},
                "responses": {"200": {"description": "A page of results",
                                      "content": json_of("SearchPage")},
                              **_error_responses(400, 413, 415, 429, 503)}}},
            "/api/suggest": {"get": {
                "summary": "Suggestions for a search-as-you-type box",
                "parameters": [_query("q", "What has been typed.",
                                      {"type": "string", "minLength": 1, "maxLength": 100},
                                      required=True, example="Step")],
                "responses": {"200": {"description": "Suggestions", "content": {
                    "application/json": {"schema": {"type": "object", "required": [
                        "ok", "suggestions"], "properties": {
                        "ok": {"type": "boolean"}, "q": {"type": "string"},
                        "suggestions": {"type": "array", "items": {
                            "type": "object", "required": ["text", "kind"], "properties": {
                                "text": {"type": "string"},
                                "kind": {"type": "string",
                                         "enum": ["entity", "word", "title"]}}}}}}}}},
                    **_error_responses(400, 503)}}},
            "/api/documents": {"post": {
                "summary": "Add or replace documents (one or a batch)",
                "security": write_security,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "oneOf": [_ref("NewDocument"),
                              {"type": "array", "items": _ref("NewDocument"),
                               "maxItems": settings["MAX_BATCH"]}]}}}},
                "responses": {"200": {"description": "Written", "content": json_of("WriteResult")},
                              "201": {"description": "Added", "content": json_of("WriteResult")},
                              **_error_responses(400, 401, 403, 413, 415, 503)}}},
            "/api/documents/{doc_id}": {
                "parameters": [doc_id],
                "get": {"summary": "One document; with q, its matches marked",
                        "parameters": [_query("q", "A query to highlight.", {"type": "string"})],
                        "responses": {"200": {"description": "The document",
                                              "content": json_of("Document")},
                                      **_error_responses(400, 404, 503)}},
                "put": {"summary": "Add or replace this document", "security": write_security,
                        "requestBody": {"required": True,
                                        "content": {"application/json": {"schema": {
                                            "type": "object"}}}},
                        "responses": {"200": {"description": "Written",
                                              "content": json_of("WriteResult")},
                                      "201": {"description": "Added",
                                              "content": json_of("WriteResult")},
                                      **_error_responses(400, 401, 403, 413, 415, 503)}},
                "delete": {"summary": "Delete this document", "security": write_security,
                           "responses": {"200": {"description": "Deleted", "content": {
                               "application/json": {"schema": {"type": "object"}}}},
                               **_error_responses(401, 403, 404, 503)}}},
            "/api/analyze": {"get": {
                "summary": "How a text is analysed (tokens, entities, translations)",
                "parameters": [_query("text", "Text to analyse.", analyze_text,
                                      required=True, example="لخانكندي والمدنيين")],
                "responses": {"200": {"description": "Tokens", "content": json_of("Analysis")},
                              **_error_responses(400, 414)}},
                "post": {
                "summary": "How a text is analysed, the text in a JSON body",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["text"], "additionalProperties": False,
                    "properties": {"text": analyze_text}}}}},
                "responses": {"200": {"description": "Tokens", "content": json_of("Analysis")},
                              **_error_responses(400, 413, 415)}}},
            "/api/health": {"get": {
                "summary": "Index state: documents, version, fingerprints, stale",
                "responses": {"200": {"description": "Healthy", "content": {"application/json": {
                    "schema": {"type": "object", "required": ["ok", "status", "documents",
                                                              "stale", "engine"],
                               "properties": {"engine": {"type": "string",
                                                         "enum": list(ENGINES)}}}}}},
                    **_error_responses(503)}}},
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "The ADMIN_TOKEN setting"}},
        },
    }

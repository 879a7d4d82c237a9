"""Blueprint ``discovery``: how people and programs find out about the API.

``GET /api/openapi.json`` (the OpenAPI 3 document), ``GET /api/docs`` (a page
rendered from it, served by Flask, no CDN), ``GET /opensearch.xml`` (so browsers can
add Fahras as a search engine). ``init_cors`` allows the read endpoints to be called
from the origins listed in ``CORS_ORIGINS`` (none by default).
"""

from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request, url_for

from service.openapi import build_spec

bp = Blueprint("discovery", __name__, static_folder="static",
               static_url_path="/static/discovery")
READ_METHODS = ("GET", "HEAD")


@bp.get("/api/openapi.json")
def openapi():
    """The OpenAPI 3 document of the API."""
    return jsonify(build_spec(current_app.extensions["fahras"].settings))


@bp.get("/api/docs")
def docs():
    """A readable page of the API, rendered from the OpenAPI document."""
    spec = build_spec(current_app.extensions["fahras"].settings)
    return render_template("api_docs.html", spec=spec)


@bp.get("/opensearch.xml")
def opensearch():
    """The OpenSearch description: browsers add Fahras as a search engine from it."""
    xml = render_template("opensearch.xml", search_url=request.host_url,
                          suggest_url=url_for("api.suggest", _external=True))
    return Response(xml, mimetype="application/opensearchdescription+xml")


def init_cors(app: Flask) -> None:
    """Add Access-Control-Allow-Origin to read responses for the configured origins."""
    allowed = set(app.extensions["fahras"].settings["CORS_ORIGINS"].split())
    if not allowed:
        return

    @app.after_request
    def allow_origin(response: Response) -> Response:
        origin = request.headers.get("Origin")
        if (origin and request.path.startswith("/api/") and request.method in READ_METHODS
                and ("*" in allowed or origin in allowed)):
            response.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
            response.headers.add("Vary", "Origin")
        return response

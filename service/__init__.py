"""The Flask app: JSON API over the index. Imports ``index``; ``index`` never imports it.

Request flow: ``api`` view (the web part: reads the request, ``bodies`` for JSON) →
``core.search_answer`` (the search part, no Flask) → ``params.parse_search_params``
(validation) → ``index.language.guess_language`` → ``syntax.parse_query`` →
``query.QueryBuilder`` → ``searcher.IndexHandle`` (the one open index) →
``search.run_search`` (with ``snippets``) → JSON. ``errors`` renders every
``problems`` exception as the JSON envelope. ``tests/test_architecture.py`` holds
the direction of these imports.
"""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.routing import PathConverter

from config.settings import load_settings
from index.analysis import fahras_analyzer
from index.exonyms import Exonyms
from index.language import warm_up
from index.lexicon import Lexicon
from index.resources import Resources
from index.transliterate import TRANSLITERATION_FILE, TransliterationTable
from service.cache import ResultCache
from service.engines.registry import open_searcher
from service.errors import register_error_handlers
from service.names import NameSpellings, OtherWords
from service.problems import IndexUnavailable
from service.bodies import check_request_size
from service.security import init_security
from service.searcher import IndexHandle
from service.suggest import Suggester
from service.translate import Translator


@dataclass
class Fahras:
    """Per-process state: settings, current configuration and the index handle."""

    settings: dict[str, Any]
    config_resources: Resources
    handle: IndexHandle
    lexicon: Lexicon
    results: ResultCache
    transliteration: TransliterationTable
    exonyms: Exonyms
    _names: tuple | None = None
    _translators: dict = field(default_factory=dict)
    _suggesters: dict = field(default_factory=dict)

    def suggester(self) -> Suggester:
        """The suggester for the open index's gazetteer (built once per gazetteer)."""
        resources = self.handle.resources
        digest = resources.gazetteer.digest
        if digest not in self._suggesters:
            self._suggesters = {digest: Suggester(resources)}
        return self._suggesters[digest]

    def names(self) -> NameSpellings:
        """The verified transliterations of the open index (kept per index generation)."""
        generation = self.handle.generation
        if self._names is None or self._names[0] != generation:
            self._names = (generation, NameSpellings(
                self.transliteration, self.handle.analyzer,
                OtherWords(self.handle.resources.known_words, self.translator()),
                self.exonyms))
        return self._names[1]

    def translator(self) -> Translator:
        """The translator for the open index's glossary (built once per glossary)."""
        return self.translator_for(self.handle.resources)

    def translator_for(self, resources: Resources) -> Translator:
        """The translator for the glossary of ``resources``."""
        glossary = resources.glossary
        if glossary.digest not in self._translators:
            self._translators = {glossary.digest: Translator(self.lexicon, glossary)}
        return self._translators[glossary.digest]

    @property
    def current_fingerprint(self) -> str:
        """Fingerprint of the configuration on disk now (compare with the index's)."""
        return self.config_resources.fingerprint

    def resources_for_analysis(self) -> Resources:
        """The index's resources when there is an index, else the configuration's."""
        try:
            return self.handle.resources
        except IndexUnavailable:
            return self.config_resources

    def analyzer_for_analysis(self):
        """The analyzer that /api/analyze demonstrates (the index's, when there is one)."""
        try:
            return self.handle.analyzer
        except IndexUnavailable:
            return fahras_analyzer(self.config_resources)


class DocIdConverter(PathConverter):
    """A document id in a URL: any characters, slashes and line breaks included, so
    that an id the API refuses gets a 400 that says why rather than a routing 404."""

    regex = "(?s:.+)"
    part_isolating = False


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app: settings (defaults < config/fahras.toml < FAHRAS_* < test_config)."""
    app = Flask(__name__)
    app.url_map.converters["doc_id"] = DocIdConverter
    settings = load_settings()
    settings.update(test_config or {})
    app.config.update(TESTING=bool(settings.get("TESTING")),
                      MAX_CONTENT_LENGTH=settings["MAX_BODY_BYTES"])
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    lexicon = Lexicon.load_or_build(settings["LEXICON_PATH"], settings["DICTIONARY_DIR"])
    resources = Resources.load(settings["CONFIG_DIR"], lexicon=lexicon)
    warm_up()
    app.extensions["fahras"] = Fahras(
        settings=settings,
        config_resources=resources,
        handle=IndexHandle(settings["INDEX_DIR"], settings["REFRESH_INTERVAL"],
                           opener=open_searcher, options={
            "match_cache_bytes": int(settings["MATCH_CACHE_MB"] * 2**20),
            "postings_cache_bytes": int(settings["POSTINGS_CACHE_MB"] * 2**20)}),
        lexicon=lexicon,
        results=ResultCache(settings["RESULT_CACHE_SIZE"]),
        transliteration=TransliterationTable.load(
            Path(settings["CONFIG_DIR"]) / TRANSLITERATION_FILE),
        exonyms=Exonyms.load_or_build(settings["EXONYMS_PATH"]),
    )
    from service import api, discovery, documents, pages
    from service.metrics import init_metrics

    init_metrics(app, api.TIMED_OUT_HEADER)
    app.register_blueprint(api.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(discovery.bp)
    app.register_blueprint(pages.bp)
    discovery.init_cors(app)
    app.before_request(lambda: check_request_size(request, settings))
    init_security(app, settings)
    register_error_handlers(app, html_error=pages.render_http_error)
    return app

"""Every highlight says what matched: each ``<mark>`` of every result of the evaluation
collection stands for a term of the plan that the document holds.

For each judged query, the first ten results are read in full (``GET
/api/documents/<id>?q=``, so that no mark is cut by a snippet's end), and each
marked span is analysed as the index analyses text: its stems, exact forms, name
keys and the gazetteer entities it spells. At least one of them must be among the
plan's terms that the result holds (``explain.matched`` of the search): a mark on a
word that only shares a consonant key with a name, or on a word the plan never
searched, fails here.
"""

import html
import re
from urllib.parse import quote

import pytest

from index.tokens import iter_words
from tests.eval.collection import load_queries
from tests.eval.run_eval import load_documents
from tests.eval.systems import Fahras

_MARK = re.compile(r"<mark>(.*?)</mark>", re.S)


@pytest.fixture(scope="module")
def fahras(tmp_path_factory):
    system = Fahras()
    system.build(load_documents(), tmp_path_factory.mktemp("eval-highlights"))
    yield system
    system.close()


def _terms_of(span: str, resources) -> set[str]:
    """What the index makes of a marked span: stems, ``=`` exact forms, name keys and
    ``@`` entity keys."""
    terms, norms = set(), []
    for word in iter_words(span):
        info = resources.word_info(word.surface, word.script)
        norms.append(info.norm)
        if info.stem:
            terms.add(info.stem)
        terms.update("=" + form for form in info.exact_forms)
        terms.update(resources.name_keys(info.norm, word.script, word.surface,
                                         require_capital=False))
    terms.update("@" + match.key for match in resources.gazetteer.find(norms))
    return terms


def test_every_mark_of_every_result_is_a_matched_term(fahras):
    client = fahras._client
    resources = fahras._app.extensions["fahras"].handle.resources
    unjustified, marks = [], 0
    for query in load_queries():
        body = client.get("/api/search", query_string={"q": query.text, "per_page": 10,
                                                        "explain": "true"}).get_json()
        for result in body["results"]:
            matched = {term["text"] for term in result["explain"]["matched"]}
            doc = client.get(f"/api/documents/{quote(result['id'], safe='')}",
                             query_string={"q": query.text}).get_json()["document"]
            for span in _MARK.findall(doc["title_html"] + "\n" + doc["body_html"]):
                span = html.unescape(span)
                marks += 1
                if not _terms_of(span, resources) & matched:
                    unjustified.append((query.qid, query.text, result["id"], span))
    print(f"{marks} marks checked")
    assert marks > 1000
    assert not unjustified, unjustified[:20]

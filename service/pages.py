"""Blueprint ``pages``: the search page and the document view (HTML).

``GET /`` serves one page; ``static/search.js`` reads the search from the URL and
fetches ``/api/search``, so the page and other tools share one representation of a
result. ``GET /doc/<id>`` renders a whole article on the server from the API's own
document view (``service.core.document_view``, as the API gives it), with the
query's words marked.

The interface language comes from ``ui`` (``ar`` or ``en``), else the browser's
``Accept-Language``, else Arabic; ``<html lang dir>`` follow it. Interface text lives
here, in ``MESSAGES``; the search page hands it to its script in a ``data-`` attribute,
so the page carries no inline script (ready for a Content-Security-Policy).
"""

import logging
import re
from html.parser import HTMLParser
from urllib.parse import urlencode

from flask import Blueprint, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from index.readers import is_web_url
from service.core import document_view
from service.problems import ApiError, BadRequest, IndexUnavailable, NotFound

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static")

UI_LANGS = ("ar", "en")
DEFAULT_UI = "ar"
#: Query-string parameters that describe a search (carried from the results to a
#: document and back, and kept by the interface-language switch).
SEARCH_PARAMS = ("q", "page", "lang", "place", "without")
#: Milliseconds the search page waits for the API before showing the error state.
FETCH_TIMEOUT_MS = 8000

MONTHS = {
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس",
           "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}

# Interface text. ``{name}`` marks a value the page fills in (isolated as <bdi>);
# plural messages give the forms of Intl.PluralRules (Arabic has six).
MESSAGES = {
    "ar": {
        "site_name": "فهرس",
        "tagline": "بحث في أرشيف الأخبار بالعربية والإنجليزية",
        "page_title": "فهرس — البحث في أرشيف الأخبار",
        "skip_to_results": "انتقل إلى النتائج",
        "skip_to_article": "انتقل إلى المقالة",
        "switch_to": "English",
        "switch_label": "Switch the interface to English",
        "search_label": "ابحث في الأرشيف",
        "search_placeholder": "اسم أو مكان أو كلمات، مثل ستيباناكيرت أو Lachin",
        "search_button": "بحث",
        "search_hint": "بالعربية أو الإنجليزية أو بحروف لاتينية. اضغط / للعودة إلى مربع البحث.",
        "noscript": "تحتاج صفحة البحث إلى تفعيل JavaScript في المتصفح.",
        "home_title": "ماذا تبحث عنه اليوم؟",
        "home_text": "يجد فهرس الأسماء بكل تهجئاتها، والكلمات بصيغها ومرادفاتها، في المقالات العربية والإنجليزية معًا.",
        "home_examples": "جرّب:",
        "examples": ["ستيباناكيرت", "Lachin corridor", "وقف إطلاق النار", "peacekeepers", "بيرقدار"],
        "loading": "جارٍ البحث…",
        "results_count": {"zero": "لا نتائج", "one": "نتيجة واحدة", "two": "نتيجتان",
                          "few": "{n} نتائج", "many": "{n} نتيجة", "other": "{n} نتيجة"},
        "took": "في {s} ثانية",
        "timed_out": "(توقّف الترتيب عند الحدّ الزمني: هذه أفضل النتائج المرتّبة حتى الآن)",
        "showing": "تُعرض {from}–{to}",
        "results_heading": "النتائج",
        "understood_as": "لغة البحث: {lang}",
        "lang_method_script": "من حروفه",
        "lang_method_langdetect": "بكشف اللغة",
        "did_you_mean": "هل تقصد {q}؟",
        "match_any": "لم تجمع أي مقالة كل الكلمات، فهذه المقالات التي فيها بعضها.",
        "match_partial": "قلّما جمعت مقالة كل الكلمات، فتليها المقالات التي فيها بعضها.",
        "also_searched": "بحثنا أيضًا عن:",
        "source_gazetteer": "تهجئات",
        "source_glossary": "ترجمة",
        "source_dictionary": "قاموس",
        "source_phonetic": "نطق مشابه",
        "remove_expansion": "لا تبحث عن {name}",
        "removed": "استبعدتَ:",
        "restore_expansion": "أعِد البحث عن {name}",
        "more_variants": "و{n} أخرى",
        "fewer_variants": "أقل",
        "filters": "تصفية النتائج",
        "filter_lang": "اللغة",
        "filter_lang_all": "اللغتان",
        "filter_place": "المكان",
        "filter_place_all": "كل الأماكن",
        "clear_filters": "إزالة التصفية",
        "lang_ar": "العربية",
        "lang_en": "الإنجليزية",
        "badge_ar": "عربي",
        "badge_en": "إنجليزي",
        "places": "أماكن:",
        "place_chip_label": "اعرض النتائج التي تذكر {place} فقط",
        "more_places": "و{n} أخرى",
        "original": "المقالة الأصلية",
        "pagination": "صفحات النتائج",
        "previous": "→ السابقة",
        "next": "التالية ←",
        "page_label": "الصفحة {n}",
        "no_results_title": "لا نتائج لـ«{q}»",
        "no_results_spelling": "تحقق من التهجئة، أو جرّب كلمات أقل أو أعمّ.",
        "no_results_language_en": "جرّب اللغة الأخرى: اكتب الكلمة بالإنجليزية، أو الاسم بحروف لاتينية.",
        "no_results_language_ar": "جرّب اللغة الأخرى: اكتب الكلمة بالعربية، أو الاسم بحروف عربية.",
        "no_results_filters": "التصفية تخفي نتائج أخرى:",
        "page_past_end": "لا توجد صفحة {page} لهذا البحث.",
        "first_page": "إلى الصفحة الأولى",
        "error_title": "تعذّر البحث هذه المرة",
        "error_timeout": "تأخرت خدمة البحث في الرد. بقي بحثك كما هو؛ أعد المحاولة بعد قليل.",
        "error_network": "تعذّر الوصول إلى خدمة البحث. تحقق من الاتصال ثم أعد المحاولة.",
        "error_server": "واجهت خدمة البحث مشكلة (رمز {status}). بقي بحثك كما هو؛ أعد المحاولة بعد قليل.",
        "error_rate": "وصلت خدمة البحث طلبات كثيرة منك في وقت قصير. انتظر {s} ثانية ثم أعد المحاولة.",
        "retry": "أعد المحاولة",
        "index_missing_title": "لم يُفهرس الأرشيف بعد",
        "index_missing_text": "لا يوجد فهرس للبحث فيه. على من يدير الخدمة بناؤه بهذا الأمر، ثم إعادة تحميل الصفحة:",
        "bad_request_title": "لا يمكن تنفيذ هذا البحث",
        "start_over": "بحث جديد",
        "bad_request": {
            "q has no word to search for": "ليس في بحثك كلمة يُبحث عنها (كلمات شائعة جدًا أو علامات ترقيم فقط). أضف كلمة.",
            "q is required": "اكتب ما تبحث عنه.",
            "q must be at most": "بحثك أطول مما ينبغي؛ اختصره.",
            "page must be": "رقم الصفحة خارج النطاق.",
            "lang must be": "اللغة المطلوبة غير معروفة.",
            "place ": "المكان المطلوب في التصفية غير معروف.",
            "without may be": "استبعدت صيغًا أكثر مما يمكن.",
        },
        "back_to_results": "→ العودة إلى النتائج",
        "back_to_search": "→ العودة إلى البحث",
        "matches_highlighted": {"zero": "لا تظهر كلمات بحثك في نص المقالة.",
                                "one": "ظُلّل موضع واحد يطابق بحثك.",
                                "two": "ظُلّل موضعان يطابقان بحثك.",
                                "few": "ظُلّلت {n} مواضع تطابق بحثك.",
                                "many": "ظُلّل {n} موضعًا يطابق بحثك.",
                                "other": "ظُلّل {n} موضع يطابق بحثك."},
        "first_match": "انتقل إلى أول موضع",
        "source": "المصدر",
        "date": "التاريخ",
        "not_found_title": "هذه المقالة ليست في الأرشيف",
        "not_found_text": "ربما حُذفت، أو أن الرابط ناقص. جرّب البحث عنها:",
        "page_not_found_title": "هذه الصفحة غير موجودة",
        "page_not_found_text": "تحقّق من الرابط، أو ابحث في الأرشيف:",
        "server_error_title": "حدث خطأ",
        "server_error_text": "تعذّر عرض هذه الصفحة. أعد المحاولة بعد قليل أو ارجع إلى البحث.",
    },
    "en": {
        "site_name": "Fahras",
        "tagline": "Search the news archive in Arabic and English",
        "page_title": "Fahras — news archive search",
        "skip_to_results": "Skip to results",
        "skip_to_article": "Skip to the article",
        "switch_to": "العربية",
        "switch_label": "التبديل إلى الواجهة العربية",
        "search_label": "Search the archive",
        "search_placeholder": "A name, place or words, e.g. Stepanakert or لاتشين",
        "search_button": "Search",
        "search_hint": "In Arabic, English or Latin letters. Press / to come back to the search box.",
        "noscript": "The search page needs JavaScript turned on in your browser.",
        "home_title": "What are you looking for today?",
        "home_text": "Fahras finds names in all their spellings, and words in their forms and synonyms, across Arabic and English articles alike.",
        "home_examples": "Try:",
        "examples": ["Stepanakert", "لاتشين", "ceasefire", "قوات حفظ السلام", "Bayraktar"],
        "loading": "Searching…",
        "results_count": {"zero": "No results", "one": "1 result", "other": "{n} results"},
        "took": "in {s} s",
        "timed_out": "(ranking stopped at the time limit: the best results ranked so far)",
        "showing": "showing {from}–{to}",
        "results_heading": "Results",
        "understood_as": "Query language: {lang}",
        "lang_method_script": "from its letters",
        "lang_method_langdetect": "by language detection",
        "did_you_mean": "Did you mean {q}?",
        "match_any": "No article had all the words, so these have some of them.",
        "match_partial": "Few articles had all the words; those with some of them follow.",
        "also_searched": "Also searched:",
        "source_gazetteer": "spellings",
        "source_glossary": "translation",
        "source_dictionary": "dictionary",
        "source_phonetic": "similar sound",
        "remove_expansion": "Don't search {name}",
        "removed": "You left out:",
        "restore_expansion": "Search {name} again",
        "more_variants": "+{n} more",
        "fewer_variants": "fewer",
        "filters": "Filter the results",
        "filter_lang": "Language",
        "filter_lang_all": "Both",
        "filter_place": "Place",
        "filter_place_all": "All places",
        "clear_filters": "Clear filters",
        "lang_ar": "Arabic",
        "lang_en": "English",
        "badge_ar": "Arabic",
        "badge_en": "English",
        "places": "Places:",
        "place_chip_label": "Show only results that mention {place}",
        "more_places": "+{n} more",
        "original": "Original article",
        "pagination": "Result pages",
        "previous": "← Previous",
        "next": "Next →",
        "page_label": "Page {n}",
        "no_results_title": "No results for “{q}”",
        "no_results_spelling": "Check the spelling, or try fewer or more general words.",
        "no_results_language_en": "Try the other language: type the word in English, or the name in Latin letters.",
        "no_results_language_ar": "Try the other language: type the word in Arabic, or the name in Arabic letters.",
        "no_results_filters": "Filters hide other results:",
        "page_past_end": "This search has no page {page}.",
        "first_page": "Go to the first page",
        "error_title": "The search didn't work this time",
        "error_timeout": "The search service is taking too long to answer. Your search is kept; try again in a moment.",
        "error_network": "The search service can't be reached. Check your connection and try again.",
        "error_server": "The search service had a problem (code {status}). Your search is kept; try again in a moment.",
        "error_rate": "The search service got many requests from you in a short time. Wait {s} s, then try again.",
        "retry": "Try again",
        "index_missing_title": "The archive isn't indexed yet",
        "index_missing_text": "There is no index to search. Whoever runs the service can build it with this command, then reload the page:",
        "bad_request_title": "This search can't be run",
        "start_over": "New search",
        "bad_request": {
            "q has no word to search for": "Your search has no word to look for (only very common words or punctuation). Add a word.",
            "q is required": "Type something to search for.",
            "q must be at most": "Your search is too long; shorten it.",
            "page must be": "That page number is out of range.",
            "lang must be": "That language filter isn't known.",
            "place ": "That place filter isn't known.",
            "without may be": "Too many forms were left out.",
        },
        "back_to_results": "← Back to results",
        "back_to_search": "← Back to search",
        "matches_highlighted": {"zero": "Your search's words don't appear in the article's text.",
                                "one": "1 match of your search is highlighted.",
                                "other": "{n} matches of your search are highlighted."},
        "first_match": "Go to the first match",
        "source": "Source",
        "date": "Date",
        "not_found_title": "This article isn't in the archive",
        "not_found_text": "It may have been removed, or the link is incomplete. Try searching for it:",
        "page_not_found_title": "There is no such page",
        "page_not_found_text": "Check the link, or search the archive:",
        "server_error_title": "Something went wrong",
        "server_error_text": "This page couldn't be shown. Try again in a moment, or go back to the search.",
    },
}


def choose_ui_language() -> str:
    """The interface language: ``ui`` if valid, else ``Accept-Language``, else Arabic."""
    ui = request.args.get("ui")
    if ui in UI_LANGS:
        return ui
    return request.accept_languages.best_match(UI_LANGS) or DEFAULT_UI


def search_args() -> list[tuple[str, str]]:
    """The search's own parameters from this request's query string, in order."""
    return [(name, value) for name, value in request.args.items(multi=True)
            if name in SEARCH_PARAMS]


def page_url(path: str, args: list[tuple[str, str]], ui: str | None) -> str:
    """``path`` with ``args`` and, when given, the interface language as a query string."""
    query = urlencode(args + ([("ui", ui)] if ui else []))
    return f"{path}?{query}" if query else path


def _page_context(ui: str, **extra) -> dict:
    """What every page template needs: language, direction, text and the switch link."""
    other = "en" if ui == "ar" else "ar"
    explicit_ui = ui if request.args.get("ui") in UI_LANGS else None
    return {
        "ui": ui,
        "dir": "rtl" if ui == "ar" else "ltr",
        "t": MESSAGES[ui],
        "other_ui": other,
        "switch_url": page_url(request.path, search_args(), other),
        "home_url": page_url("/", [], explicit_ui),
        "explicit_ui": explicit_ui,
        **extra,
    }


@bp.get("/")
def search_page():
    """The search page; its script runs the search in the URL, if any."""
    ui = choose_ui_language()
    explicit_ui = ui if request.args.get("ui") in UI_LANGS else None
    examples = [(text, page_url("/", [("q", text)], explicit_ui))
                for text in MESSAGES[ui]["examples"]]
    return render_template("search.html", **_page_context(
        ui, q=request.args.get("q", ""), messages=MESSAGES[ui], example_links=examples,
        timeout_ms=FETCH_TIMEOUT_MS))


@bp.get("/doc/<doc_id:doc_id>")
def document_page(doc_id: str):
    """One article in full with the query's words marked, or a designed error page."""
    ui = choose_ui_language()
    q = request.args.get("q", "").strip()
    explicit_ui = ui if request.args.get("ui") in UI_LANGS else None
    back_url = page_url("/", search_args(), explicit_ui) if q else None
    try:
        document = fetch_document(doc_id, q)
    except NotFound:
        return render_template("error.html", **_page_context(
            ui, status=404, title=MESSAGES[ui]["not_found_title"],
            text=MESSAGES[ui]["not_found_text"], q=q, back_url=back_url)), 404
    except IndexUnavailable as error:
        return render_template("error.html", **_page_context(
            ui, status=503, title=MESSAGES[ui]["index_missing_title"],
            text=MESSAGES[ui]["index_missing_text"], command=error_command(error),
            q=q, back_url=back_url)), 503
    paragraphs, marks = marked_paragraphs(document.get("body_html") or document["body"],
                                          marked=bool(document.get("body_html")))
    title, _ = marked_paragraphs(document.get("title_html") or document["title"],
                                 marked=bool(document.get("title_html")))
    # The "first match" link and the count are the body's: the title's marks get no id.
    title_segments = [{**segment, "id": None} for segment in (title[0] if title else [])]
    return render_template("document.html", **_page_context(
        ui, doc=document, title_segments=title_segments,
        paragraphs=paragraphs, marks=marks, q=q, back_url=back_url,
        matches_text=plural(MESSAGES[ui]["matches_highlighted"], marks, ui),
        date=format_date(document.get("date"), ui),
        original_url=safe_url(document.get("url")),
        place_links=[(place, place_url(place, q, explicit_ui))
                     for place in document.get("places", [])]))


@bp.errorhandler(Exception)
def page_error(error: Exception):
    """An unexpected failure on a page: a designed page, the traceback in the log."""
    if isinstance(error, HTTPException):
        return error
    log.exception("unhandled error on %s %s", request.method, request.path)
    ui = choose_ui_language()
    return render_template("error.html", **_page_context(
        ui, status=500, title=MESSAGES[ui]["server_error_title"],
        text=MESSAGES[ui]["server_error_text"], q="", back_url=None)), 500


def render_http_error(error: HTTPException):
    """A designed page for an HTTP error outside the API (an unknown path: 404)."""
    ui = choose_ui_language()
    if error.code == 404:
        title, text = MESSAGES[ui]["page_not_found_title"], MESSAGES[ui]["page_not_found_text"]
    else:
        title, text = MESSAGES[ui]["server_error_title"], error.description or error.name
    return render_template("error.html", **_page_context(
        ui, status=error.code, title=title, text=text, q="", back_url=None)), error.code


def fetch_document(doc_id: str, q: str) -> dict:
    """The document as ``GET /api/documents/<id>?q=`` gives it (``core.document_view``).

    A query with no searchable word (only stop words) still shows the document,
    unmarked.

    :raises NotFound: no such document.
    :raises IndexUnavailable: no index to read.
    """
    fahras = current_app.extensions["fahras"]
    try:
        return document_view(fahras, doc_id, q)
    except BadRequest:
        if not q:
            raise
        return document_view(fahras, doc_id, "")


def error_command(error: ApiError) -> str | None:
    """The command a 503 message says to run (after "with: "), for a copyable block."""
    message = "; ".join(error.messages)
    _, found, command = message.partition("with: ")
    return command.strip() if found else message


class _MarkReader(HTMLParser):
    """Reads the API's highlighted HTML as (text, marked) pieces; every other tag is dropped.

    The API escapes the text and adds only <mark>; reading it back this way means that
    even a bug there could not put markup on the page.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, bool]] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "mark":
            self._depth += 1

    def handle_endtag(self, tag):
        if tag == "mark" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        self.pieces.append((data, self._depth > 0))


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def marked_paragraphs(text: str, *, marked: bool) -> tuple[list[list[dict]], int]:
    """Split a text (``marked``: the API's HTML with <mark>) into paragraphs of segments.

    :returns: paragraphs, each a list of ``{"text", "mark", "id"}`` segments (the first
        mark gets ``id`` ``match-1``), and the number of marks.

    >>> marked_paragraphs("a <mark>b</mark>\\n\\nc &lt;i&gt;", marked=True)[0]
    [[{'text': 'a ', 'mark': False, 'id': None}, {'text': 'b', 'mark': True, 'id': 'match-1'}], [{'text': 'c <i>', 'mark': False, 'id': None}]]
    """
    if marked:
        reader = _MarkReader()
        reader.feed(text)
        reader.close()
        pieces = reader.pieces
    else:
        pieces = [(text, False)]
    paragraphs: list[list[dict]] = [[]]
    marks = 0
    for piece, is_mark in pieces:
        for i, part in enumerate(_PARAGRAPH_BREAK.split(piece)):
            if i:
                paragraphs.append([])
            if not part:
                continue
            current = paragraphs[-1]
            if not is_mark and current and not current[-1]["mark"]:
                current[-1]["text"] += part          # text split by a dropped tag
                continue
            segment_id = None
            if is_mark and part.strip():
                marks += 1
                segment_id = f"match-{marks}" if marks == 1 else None
            current.append({"text": part, "mark": is_mark, "id": segment_id})
    cleaned = [_strip_paragraph(p) for p in paragraphs]
    return [p for p in cleaned if p], marks


def _strip_paragraph(segments: list[dict]) -> list[dict]:
    if segments and not segments[0]["mark"]:
        segments[0]["text"] = segments[0]["text"].lstrip()
    if segments and not segments[-1]["mark"]:
        segments[-1]["text"] = segments[-1]["text"].rstrip()
    return [s for s in segments if s["text"]]


def plural(forms: dict[str, str], n: int, ui: str) -> str:
    """The form of a plural message for ``n`` (CLDR categories; an explicit ``zero`` wins).

    >>> plural({"one": "1 match", "other": "{n} matches"}, 3, "en")
    '3 matches'
    >>> plural(MESSAGES["ar"]["results_count"], 11, "ar")
    '11 نتيجة'
    """
    if n == 0 and "zero" in forms:
        category = "zero"
    elif ui == "ar":
        tens = n % 100
        category = ("one" if n == 1 else "two" if n == 2 else "few" if 3 <= tens <= 10
                    else "many" if 11 <= tens <= 99 else "other")
    else:
        category = "one" if n == 1 else "other"
    return forms.get(category, forms["other"]).replace("{n}", str(n))


def format_date(value: str | None, ui: str) -> str | None:
    """``2023-09-20`` as "20 September 2023" / "20 سبتمبر 2023"; anything else as given.

    >>> format_date("2023-09-20", "ar")
    '20 سبتمبر 2023'
    """
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value or "")
    if not match or not 1 <= int(match[2]) <= 12:
        return value
    return f"{int(match[3])} {MONTHS[ui][int(match[2]) - 1]} {match[1]}"


def safe_url(url: str | None) -> str | None:
    """The URL if it is http(s), else None (no javascript: or data: links).

    >>> safe_url("javascript:alert(1)") is None
    True
    """
    # Ingestion refuses other urls; this guards an index written before it did.
    url = url.strip() if url else None
    return url if is_web_url(url) else None


def place_url(place: dict, q: str, ui: str | None) -> str:
    """The search for this query in documents that mention ``place`` (or for the place)."""
    if q:
        return page_url("/", [("q", q), ("place", place["key"])], ui)
    return page_url("/", [("q", place["name"]), ("place", place["key"])], ui)

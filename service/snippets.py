"""Snippets: the best fragments of a text with every matched word in ``<mark>``.

The spans to mark come from ``index.spans.SpanFinder`` (the words the index's
analysis gives one of the query's terms: the word as written, with its clitics and
harakat, and a whole name such as ناغورنو كاراباخ for its entity even when the query
spelt it otherwise). Everything outside the marks is HTML-escaped: a snippet holds
no markup but ``<mark>`` and ``</mark>``.
"""

import html

from index.spans import Span

ELLIPSIS = "…"


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """Escape ``text[start:end]`` and wrap the spans inside it in ``<mark>``.

    >>> mark("a <b> c", [(2, 5)])
    'a <mark>&lt;b&gt;</mark> c'
    """
    end = len(text) if end is None else end
    out = []
    cursor = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(html.escape(text[cursor:s], quote=False))
        out.append("<mark>" + html.escape(text[s:e], quote=False) + "</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end], quote=False))
    return "".join(out)


def make_snippet(text: str, spans: list[Span], *, width: int = 220, fragments: int = 2) -> str:
    """Return up to ``fragments`` windows of about ``width`` characters around the
    matched ``spans`` (sorted, merged), escaped and marked.

    Windows are chosen greedily by how many distinct matched words they hold; with
    no match the snippet is the start of the text.
    """
    if not spans:
        end = _word_boundary(text, min(len(text), width), backwards=False)
        return _window_html(text, [], 0, end) + (ELLIPSIS if end < len(text) else "")
    windows: list[tuple[int, int]] = []
    remaining = list(spans)
    while remaining and len(windows) < fragments:
        start, end = _best_window(text, remaining, width)
        windows.append((start, end))
        remaining = [s for s in remaining if s[1] <= start or s[0] >= end]
    windows.sort()
    inner = f" {ELLIPSIS} ".join(_window_html(text, spans, s, e) for s, e in windows)
    prefix = ELLIPSIS if windows[0][0] > 0 else ""
    suffix = ELLIPSIS if windows[-1][1] < len(text) else ""
    return prefix + inner + suffix


def _best_window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The window of about ``width`` characters that starts at a matched span and
    holds the most distinct matched words (the first such), in one pass: the
    spans are sorted and disjoint, so the spans inside a window starting at span
    ``i`` are a run ``i..j`` whose end only moves forward (time linear in the spans,
    where counting each window afresh was quadratic: 250,000 matches took minutes).

    >>> text = "a b a c"
    >>> _best_window(text, [(0, 1), (2, 3), (4, 5), (6, 7)], 5)   # b a c from 2 on
    (1, 7)
    """
    inside: dict[str, int] = {}         # the words of the window and how often each
    best, best_score = spans[0], -1
    j = 0
    for i, (s, e) in enumerate(spans):
        if i and j > i - 1:              # the previous start leaves the window
            word = text[spans[i - 1][0]:spans[i - 1][1]]
            inside[word] -= 1
            if not inside[word]:
                del inside[word]
        j = max(j, i)
        while j < len(spans) and spans[j][1] <= s + width:
            word = text[spans[j][0]:spans[j][1]]
            inside[word] = inside.get(word, 0) + 1
            j += 1
        if len(inside) > best_score:
            best, best_score = (s, e), len(inside)
    start = max(0, best[0] - width // 3)
    start = _word_boundary(text, start, backwards=True)
    end = _word_boundary(text, min(len(text), start + width), backwards=False)
    return start, max(end, best[1])


def _word_boundary(text: str, index: int, backwards: bool) -> int:
    if index <= 0 or index >= len(text):
        return max(0, min(index, len(text)))
    step = -1 if backwards else 1
    limit = 20
    while 0 < index < len(text) and not text[index].isspace() and limit:
        index += step
        limit -= 1
    return index


def _window_html(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    return " ".join(mark(text, spans, start, end).split())

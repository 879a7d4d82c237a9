"""One deadline per request, and what was cut short to keep it.

A search has ``SEARCH_TIME_LIMIT`` seconds for everything it does: analysing and
expanding the query, finding what matches, ranking, the proximity bonus,
snippets, facets and did-you-mean. Each part looks at the clock between pieces of
work small enough to end soon after the limit (a term's postings, 16 phrase
checks, one result's snippet), and what it leaves out is written down here as a
``Cut``: the answer comes back with what was done, ``timed_out: true`` and
``query.cut`` saying what was cut and why, as Elasticsearch's ``timed_out``
answers with the hits collected so far. No signal and no timer thread: a worker
is never interrupted in the middle of a structure it shares.

A cut is also how other bounds are reported: a query whose expansions would pass
``MAX_QUERY_TERMS`` keeps its own words and the expansions that fit.
"""

import time
from dataclasses import asdict, dataclass

#: Why a part was cut: the request's time limit, or a bound on the work.
TIME_LIMIT = "time_limit"
TERM_LIMIT = "term_limit"


@dataclass(frozen=True)
class Cut:
    """A part of the search that was left out or done in part."""

    part: str        # expansions, matching, ranking, proximity, snippets, facets, did_you_mean
    reason: str      # TIME_LIMIT or TERM_LIMIT
    detail: str


class Deadline:
    """A request's time budget (``seconds``: None or 0 for none) and its cuts.

    >>> free = Deadline(None)
    >>> free.expired(), free.timed_out
    (False, False)
    >>> late = Deadline(1e-9)
    >>> time.sleep(0.001); late.expired()
    True
    >>> late.cut("facets", TIME_LIMIT, "not counted")
    >>> late.timed_out, [c["part"] for c in late.cuts_as_dicts()]
    (True, ['facets'])
    """

    def __init__(self, seconds: float | None, *, clock=time.perf_counter) -> None:
        self.clock = clock
        self.started = clock()
        self.at = self.started + seconds if seconds else None
        self.cuts: list[Cut] = []

    def expired(self) -> bool:
        """True once the time limit has passed."""
        return self.at is not None and self.clock() > self.at

    def cut(self, part: str, reason: str, detail: str) -> None:
        """Write down that ``part`` was cut (once per part and reason)."""
        if not any(c.part == part and c.reason == reason for c in self.cuts):
            self.cuts.append(Cut(part, reason, detail))

    def cut_for_time(self, part: str, detail: str) -> None:
        """Write down that the time limit cut ``part``."""
        self.cut(part, TIME_LIMIT, detail)

    @property
    def timed_out(self) -> bool:
        """True when the time limit cut some part."""
        return any(c.reason == TIME_LIMIT for c in self.cuts)

    def cut_parts(self) -> set[str]:
        """The parts cut, for any reason."""
        return {c.part for c in self.cuts}

    def cuts_as_dicts(self) -> list[dict]:
        """The cuts in JSON form, in the order they happened."""
        return [asdict(c) for c in self.cuts]

    def elapsed_ms(self) -> float:
        """Milliseconds since the request started."""
        return round((self.clock() - self.started) * 1000, 2)

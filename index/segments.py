"""The build writer: Whoosh's segment writer with a faster way in for fresh builds.

``BuildWriter`` writes the segment Whoosh's ``SegmentWriter`` writes, in a third of
the time (``tests/test_segments.py`` compares every term, its statistics and
postings through Whoosh's reader, and the per-document files byte for byte):

* the text fields (``title``, ``body``) and the ``names`` field are indexed from
  ``index.terms.TermMaker`` (one pass per text, each spelling's terms memoised)
  instead of the chains' token generators; other fields go through Whoosh's own
  ``field.index``;
* postings are kept in memory per field and term, in document order, and written
  term by term at commit, instead of going through Whoosh's posting pool (a tuple
  per posting, sorted in temporary runs and merged back);
* a Positions value that holds a single position, and a frequency value, are made
  once per value, not once per posting (pickle then writes a shared value once per
  block, so the postings file is a little smaller than Whoosh's).

It writes into an empty index only (a first build or a rebuild, ``index.writer``);
adding to an existing index goes through Whoosh's writer, which merges segments.
A document whose unique id is already in the segment replaces that document (Whoosh's
writer would keep both: it looks for the id only in committed segments).
Memory: the postings stay in memory until the segment is written; a build of
100,000 news articles peaked at 1.7 GB in one process (``index.writer`` starts a new
segment every ``SEGMENT_DOCS`` documents).
"""

from array import array
from typing import Any

from whoosh.codec.whoosh3 import W3FieldWriter
from whoosh.fields import FieldType
from whoosh.formats import Frequency, Positions
from whoosh.index import FileIndex
from whoosh.system import pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from index import whoosh_private as private
from index.analysis import EntityFilter, LightStemFilter, NameKeyFilter, resources_of
from index.terms import TermMaker

#: How a field is indexed: from TermMaker's text terms, its name terms, or by Whoosh.
TEXT, NAMES, WHOOSH = "text", "names", "whoosh"


def field_kind(field: FieldType) -> str:
    """Tell how ``BuildWriter`` indexes a field: ``text``, ``names`` or ``whoosh``."""
    analyzer = getattr(field, "analyzer", None)
    items = getattr(analyzer, "items", ())
    kinds = {type(item) for item in items}
    if type(field.format) is Positions and {EntityFilter, LightStemFilter} <= kinds:
        return TEXT
    if type(field.format) is Frequency and NameKeyFilter in kinds:
        return NAMES
    return WHOOSH


class _Term:
    """One term's postings in the segment being written, in document order."""

    __slots__ = ("ids", "weights", "values")

    def __init__(self) -> None:
        self.ids = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []


class BuildWriter(SegmentWriter):
    """A ``SegmentWriter`` for an empty index; see the module docstring."""

    def __init__(self, ix: FileIndex, maker: TermMaker | None = None, *, part: bool = False,
                 **kwargs: Any) -> None:
        """:param maker: makes the terms of the Fahras fields; it must hold the resources
            the schema was made with (``index.writer`` shares its maker with
            ``prepare_fields``, so a text's terms are made once). By default, a maker
            of the schema's own resources.
        :param part: a writer of one part of a build: it takes no lock and leaves the
            temporary folder it shares with the parent writer (which holds the lock)
            alone; its segment goes to the parent through ``finish_segment``.
        """
        self._part = part
        if part:
            kwargs["_lk"] = False
        super().__init__(ix, **kwargs)
        if self.segments:
            self.cancel()
            raise ValueError("a build writer writes into an empty index only")
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                self.cancel()
                raise ValueError(f"{name}: term vectors and spelling fields are not "
                                 "supported by the build writer")
        self._kinds = {name: field_kind(field) for name, field in self.schema.items()}
        for name, kind in self._kinds.items():
            if kind == WHOOSH:
                continue
            resources = resources_of(self.schema[name].analyzer)
            if maker is None:
                maker = TermMaker(resources)
            elif maker.resources.fingerprint != resources.fingerprint:
                self.cancel()
                raise ValueError(f"{name}: the term maker's resources are not the index's")
        self._maker = maker
        self._postings: dict[str, dict[str, _Term]] = {}
        #: per scorable field, each document's length as the per-document reader gives it
        self._lengths: dict[str, array] = {name: array("I") for name, field in
                                           self.schema.items() if field.scorable}
        self._unique: dict[tuple[str, Any], int] = {}
        self._one_position: dict[int, bytes] = {}
        self._frequency: dict[int, bytes] = {}

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        schema = self.schema
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        # Analyse every field before anything is added, so that a field that fails
        # (ValueError, as in Whoosh) leaves no postings behind under this docnum.
        present = []
        for fieldname in fieldnames:
            value = fields.get(fieldname)
            if value is None:
                continue
            field = schema[fieldname]
            terms, length = None, 0
            if field.indexed:
                terms, length = self._terms(fieldname, field, value,
                                            self._field_boost(fields, fieldname, docboost))
            present.append((fieldname, field, value, terms, length))
        perdocwriter = self.perdocwriter
        perdocwriter.start_doc(docnum)
        lengths = {}
        for fieldname, field, value, terms, length in present:
            if terms is not None:
                self._add_postings(fieldname, docnum, field, terms)
            customval = fields.get(f"_stored_{fieldname}", value)
            perdocwriter.add_field(fieldname, field, customval if field.stored else None,
                                   length)
            lengths[fieldname] = length
            column = field.column_type
            if column and customval is not None:
                perdocwriter.add_column_value(fieldname, column,
                                              field.to_column_value(customval))
            if field.unique:
                previous = self._unique.get((fieldname, value))
                if previous is not None:
                    self.newsegment.delete_document(previous)
                self._unique[(fieldname, value)] = docnum
        perdocwriter.finish_doc()
        for fieldname, column in self._lengths.items():
            # the length the per-document reader gives back (one byte per length)
            column.append(byte_to_length(length_to_byte(lengths.get(fieldname, 0))))
        self._added = True
        self.docnum += 1

    def update_document(self, **fields: Any) -> None:
        # Within one fresh segment add_document replaces a document with the same
        # unique value (see the module docstring).
        self.add_document(**fields)

    def _terms(self, fieldname: str, field: FieldType, value: Any,
               boost: float) -> tuple[tuple[str, Any, float], int]:
        """One field of one document: (how its terms are given, the terms, the weight
        of one occurrence), and the field's length. Only Whoosh's ``field.index``
        can fail (ValueError); its items are collected here."""
        kind = self._kinds[fieldname]
        factor = field.format.field_boost * boost
        if kind == TEXT and isinstance(value, str):
            text_terms = self._maker.text_terms(value)
            return (TEXT, text_terms.positions, factor), \
                text_terms.length if field.scorable else 0
        if kind == NAMES and isinstance(value, str):
            counts = self._maker.name_terms(value)
            return (NAMES, counts, factor), sum(counts.values()) if field.scorable else 0
        items, length = [], 0
        for tbytes, freq, weight, vbytes in field.index(value):
            items.append((tbytes.decode("utf-8"), weight * boost, vbytes))
            length += freq
        return (WHOOSH, items, 1.0), length if field.scorable else 0

    def _add_postings(self, fieldname: str, docnum: int, field: FieldType,
                      terms_of_doc: tuple[str, Any, float]) -> None:
        kind, source, factor = terms_of_doc
        terms = self._postings.setdefault(fieldname, {})
        if kind == TEXT:
            one, encode = self._one_position, field.format.encode
            for term, positions in source.items():
                postings = terms.get(term)
                if postings is None:
                    postings = terms[term] = _Term()
                postings.ids.append(docnum)
                postings.weights.append(len(positions) * factor)
                if len(positions) == 1:
                    vbytes = one.get(positions[0])
                    if vbytes is None:
                        vbytes = one[positions[0]] = encode(positions)
                    postings.values.append(vbytes)
                else:
                    postings.values.append(encode(positions))
        elif kind == NAMES:
            frequency = self._frequency
            for term, freq in source.items():
                postings = terms.get(term)
                if postings is None:
                    postings = terms[term] = _Term()
                postings.ids.append(docnum)
                postings.weights.append(freq * factor)
                vbytes = frequency.get(freq)
                if vbytes is None:
                    vbytes = frequency[freq] = pack_uint(freq)
                postings.values.append(vbytes)
        else:
            for term, weight, vbytes in source:
                postings = terms.get(term)
                if postings is None:
                    postings = terms[term] = _Term()
                postings.ids.append(docnum)
                postings.weights.append(weight)
                postings.values.append(vbytes)

    def finish_segment(self) -> Any:
        """Write this writer's segment without committing it and close the writer;
        return the segment (None when no document was added) for a parent writer's
        ``commit(mergetype=with_segments(...))``."""
        self._check_state()
        segment = self._finalize_segment() if self._added else None
        if segment is None:
            self._close_segment()
        self._finish()
        return segment

    def _finish(self) -> None:
        if not self._part:
            super()._finish()
            return
        # the temporary folder is the parent writer's to remove
        self.is_closed = True

    def add_reader(self, reader: Any) -> None:
        raise ValueError("a build writer does not merge segments")

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        self._write_postings(self.fieldwriter)
        self.fieldwriter.close()

    def _write_postings(self, writer: W3FieldWriter) -> None:
        """Write every field's terms in Whoosh's order (field name, then UTF-8 bytes)."""
        for fieldname in sorted(self._postings):
            terms = self._postings[fieldname]
            if not terms:
                continue
            field = self.schema[fieldname]
            lengths = self._lengths.get(fieldname)
            writer.start_field(fieldname, field)
            fill = None
            for btext, postings in sorted((t.encode("utf-8"), p) for t, p in terms.items()):
                writer.start_term(btext)
                if fill is None:        # (the block buffer exists once a term started)
                    fill = _fill_blocks if private.fills_blocks(writer._postwriter) \
                        else _add_one_by_one
                fill(writer, postings, lengths)
                writer.finish_term()
            writer.finish_field()
        self._postings.clear()


def _add_one_by_one(writer: W3FieldWriter, postings: _Term, lengths: array | None) -> None:
    add = writer.add
    if lengths is None:
        for docnum, weight, vbytes in zip(postings.ids, postings.weights, postings.values):
            add(docnum, weight, vbytes, 0)
    else:
        for docnum, weight, vbytes in zip(postings.ids, postings.weights, postings.values):
            add(docnum, weight, vbytes, lengths[docnum])


def _fill_blocks(writer: W3FieldWriter, postings: _Term, lengths: array | None) -> None:
    """Put a term's postings into Whoosh's postings writer a block at a time
    (``whoosh_private.fill_blocks``)."""
    private.fill_blocks(writer._postwriter, postings.ids, postings.weights, postings.values,
                        lengths)


def with_segments(segments: list) -> Any:
    """A ``mergetype`` for ``commit`` that adds segments written by other writers
    (``finish_segment``) to the index's own."""
    def merge(writer: SegmentWriter, existing: list) -> list:
        return list(existing) + [s for s in segments if s is not None]
    return merge

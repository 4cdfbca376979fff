"""One output schema across the frames of a run (the rule is written down in docs/pandas-mapping.md,
"One schema per run").

An Arrow IPC stream has one schema, sent before the first batch, so every batch of a run's output must
have it. User code hands ``set_output`` frames one by one (a generator of DataFrames, a list of dicts, ...)
and each frame's types are inferred on their own, so two frames can disagree: a column that is all missing
in one frame is inferred as the null type, and one frame's integers may be another's floats.
:class:`SchemaUnifier` sits between the conversion of each frame and the sink:

* binary/utf8 view, list view and run-end encoded columns (a record batch passed through) are first made
  the types Python writes for the same values (utf8, binary, list, the run values' type), unless an
  explicit schema asks for them;
* the first batch sets the schema;
* a column whose type is still null is *pending*: batches are held back (not sent) while any column is
  pending, up to a budget; the first frame with values for it settles its type, and the held batches'
  null columns become all-null columns of that type;
* a later batch is brought to the schema: an all-missing (null-type) column becomes an all-null column of
  the schema's type, columns in another order are put back in the schema's order, and a column of another
  type is cast when no value changes; anything else raises :class:`DataManagerError` naming the column and
  both types.

It imports neither numpy nor pandas (the stdlib-only path uses it too); the pandas conversion asks it for
the target of each frame (:meth:`SchemaUnifier.frame_target`) so that pandas does the checked casts.
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence

from ._arrow import RecordBatch, Schema
from ._arrow import types as t
from ._arrow.column import Column, classic_batch
from .exceptions import DataManagerError

__all__ = ["SchemaUnifier"]

# Held batches are bounded by bytes (the caller's budget) and by count (batches of null columns only have
# no buffers, so bytes alone would not bound the list).
_MAX_HELD_BATCHES = 1024


class SchemaUnifier:
    """Brings every output batch of one run to one schema, then hands it to ``emit``.

    :param emit: receives the batches, in order, all with the same schema.
    :param hold_bytes: at most about this many bytes of batches are held back while a column's type is
        still null; past it the null type is final (a later frame with values for that column raises).
    :param schema: an explicit output schema (``set_output(..., schema=...)``): final from the start.
    """

    def __init__(self, emit: Callable[[RecordBatch], None], hold_bytes: int, schema: Optional[Schema] = None) -> None:
        self._emit = emit
        self._hold_bytes = hold_bytes
        self.schema: Optional[Schema] = schema
        # True once a batch has been emitted (or an explicit schema given): from then on the schema's types
        # are final, null ones included.
        self._final = schema is not None
        self._explicit = schema is not None
        self._held: List[RecordBatch] = []
        self._held_size = 0
        self._emitted_rows = 0

    # -- the target of a frame ---------------------------------------------------------------------------
    def check_names(self, names: Sequence[str]) -> bool:
        """Checks a frame's column names against the schema; True when they are in the schema's order.

        Columns may come in another order (they are matched by name) when names do not repeat; a missing
        or an extra column raises ``DataManagerError`` naming it."""
        assert self.schema is not None
        wanted = list(self.schema.names)
        names = list(names)
        if names == wanted:
            return True
        missing = [n for n in wanted if n not in names]
        extra = [n for n in names if n not in wanted]
        if missing:
            raise DataManagerError(
                f"output column {missing[0]!r} is missing from a later frame (earlier frames have columns "
                f"{wanted}, this one {names}); every frame of a run must have the same columns")
        if extra:
            raise DataManagerError(
                f"output column {extra[0]!r} appears in a later frame but not in the earlier ones (columns "
                f"{wanted}); every frame of a run must have the same columns")
        if len(set(names)) == len(names) and len(names) == len(wanted):
            return False
        raise DataManagerError(
            f"the output columns {names} repeat a name in another order than the earlier frames' {wanted}; "
            "with repeated names the order must be the same in every frame")

    def frame_target(self, names: Sequence[str], infer: Callable[[int], t.DataType]) -> Optional[Schema]:
        """The schema a frame with columns ``names`` is converted to, or None (the first frame: infer).

        Settled columns get the schema's type; a pending (null) one gets ``infer(i)``, the frame's own type
        of its column ``i`` (the column's type is then settled by :meth:`add`)."""
        if self.schema is None:
            return None
        in_order = self.check_names(names)
        position = {n: i for i, n in enumerate(names)}
        fields = []
        for i, f in enumerate(self.schema.fields):
            if isinstance(f.type, t.Null) and not self._final:
                inferred = infer(i if in_order else position[f.name])
                fields.append(f if isinstance(inferred, t.Null) else f.with_type(inferred))
            else:
                fields.append(f)
        return Schema(tuple(fields), self.schema.metadata)

    # -- batches ----------------------------------------------------------------------------------------
    def add(self, batch: RecordBatch) -> None:
        """One batch of the output, in order: brought to the schema, then held or emitted."""
        if not (self._explicit and batch.schema == self.schema):
            # views and run-end encoded columns (e.g. input passed through) are written as the types
            # Python writes for the same values: utf8 / binary / list / the run values' type
            batch = classic_batch(batch)
        if self.schema is None:
            self.schema = batch.schema
        else:
            batch = self._conform(batch)
        if not self._final and self._pending():
            self._held.append(batch)
            self._held_size += estimate_bytes(batch)
            if self._held_size > self._hold_bytes or len(self._held) > _MAX_HELD_BATCHES:
                self._release()
            return
        self._release()
        self._send(batch)

    def finish(self) -> None:
        """The output is complete: held batches are sent (a column still null stays null)."""
        self._release()

    def _pending(self) -> bool:
        assert self.schema is not None
        return any(isinstance(f.type, t.Null) for f in self.schema.fields)

    def _release(self) -> None:
        self._final = True
        held, self._held, self._held_size = self._held, [], 0
        for batch in held:
            self._send(batch)

    def _send(self, batch: RecordBatch) -> None:
        self._final = True
        self._emitted_rows += batch.num_rows
        self._emit(batch)

    def _conform(self, batch: RecordBatch) -> RecordBatch:
        schema = self.schema
        assert schema is not None
        if batch.schema == schema:
            return batch
        names = list(batch.schema.names)
        in_order = self.check_names(names)
        position = {n: i for i, n in enumerate(names)}
        columns = list(batch.columns) if in_order else [batch.columns[position[n]] for n in schema.names]
        fields = list(schema.fields)
        settled = False
        for i, (f, col) in enumerate(zip(schema.fields, columns)):
            if col.type == f.type:
                continue
            if isinstance(col.type, t.Null):
                # all missing in this frame: an all-null column of the column's type
                columns[i] = Column.from_pylist([None] * col.length, f.type)
            elif isinstance(f.type, t.Null) and not self._final:
                fields[i] = f.with_type(col.type)
                settled = True
            elif isinstance(f.type, t.Null):
                raise DataManagerError(
                    f"the output schema changed between frames: column {f.name!r} had no values in the first "
                    f"{self._emitted_rows} rows, which were sent with the null type; this frame has {col.type} "
                    "values. Pass schema=... to set_output, or give the first frames a typed column "
                    "(e.g. pandas Series(dtype=...))")
            else:
                columns[i] = _cast_lossless(col, f, batch_type=col.type)
        if settled:
            self.schema = schema = Schema(tuple(fields), schema.metadata)
            self._held = [_widen_nulls(b, schema) for b in self._held]
        for f, col in zip(schema.fields, columns):
            if not f.nullable and col.null_count:
                raise DataManagerError(f"output column {f.name!r}: {col.null_count} null value(s) in a column "
                                       "the schema declares not nullable")
        return RecordBatch(schema, columns, batch.num_rows, batch.metadata)


def type_mismatch(name: str, established: t.DataType, frame_type: t.DataType, reason: str) -> DataManagerError:
    """The error of a later frame whose column cannot be brought to the type earlier frames set."""
    return DataManagerError(
        f"the output schema changed between frames: column {name!r} is {established} (set by an earlier "
        f"frame) but this frame's values are {frame_type} and do not convert to {established} without loss "
        f"({reason}). Pass schema=... to set_output to choose the type, or convert the column before the "
        "first frame")


def _cast_lossless(col: Column, field: t.Field, batch_type: t.DataType) -> Column:
    """``col`` as ``field``'s type when every value survives the round trip unchanged."""
    values = col.to_pylist()
    try:
        cast = Column.from_pylist(values, field.type)
    except (TypeError, ValueError, OverflowError, ArithmeticError) as e:
        raise type_mismatch(field.name, field.type, batch_type, str(e)) from e
    back = cast.to_pylist()
    for row, (a, b) in enumerate(zip(values, back)):
        if not _same(a, b):
            raise type_mismatch(field.name, field.type, batch_type, f"value {a!r} at row {row} would become {b!r}")
    return cast


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):  # True == 1 in Python, but a bool is not an integer here
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if a != a and b != b:  # NaN stays NaN
        return True
    return bool(a == b)


def _widen_nulls(batch: RecordBatch, schema: Schema) -> RecordBatch:
    """A held batch with its null-type columns made all-null columns of ``schema``'s types."""
    columns = [c if c.type == f.type else Column.from_pylist([None] * c.length, f.type)
               for f, c in zip(schema.fields, batch.columns)]
    return RecordBatch(schema, columns, batch.num_rows, batch.metadata)


def _column_bytes(column: Column) -> int:
    total = sum(b.nbytes for b in column.buffers if b is not None)
    total += sum(_column_bytes(c) for c in column.children)
    if column.dictionary is not None:
        total += _column_bytes(column.dictionary)
    return total


def estimate_bytes(batch: RecordBatch) -> int:
    """Bytes of the batch's buffers (an upper bound for a slice, which shares its parent's buffers)."""
    return sum(_column_bytes(c) for c in batch.columns)

"""What an import kind declares: its columns, checks, how it matches and writes objects.

A spec subclass is instantiated once per import run, with the options it declares (e.g.
`plan` for targets), so it may keep state between rows (e.g. the units created so far).
The pipeline calls, in order:

    header_matcher()      once; kinds whose columns depend on the file (indicator × period)
                          return a function naming the header cells no fixed column names
    columns_for(layout)   once, the columns this file is read with
    skip_row(raw)         for each non-blank data row (totals rows, group headings)
    validate_row(row)     for each row whose cells all parsed
    validate_rows(rows)   once, for checks across rows (duplicates)
    order(rows)           once, the order in which rows are written
    match / changes / create / update   per row, each row in its own savepoint
    finish()              once, if the writes are to be kept

A spec that sets `streams` is run on chunks of rows instead, so memory does not grow with
the file: validate_row, validate_rows, order and the writes run per chunk (validate_rows
keeps what later chunks must see, e.g. the keys of the rows seen so far), then flush(),
then the chunk's rows are dropped but the rejected ones. All chunks are written in the one
transaction, rolled back at the end as for any import.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.functional import Promise

from congdoan.accounts.scope import Scope
from congdoan.imports import cells

if TYPE_CHECKING:
    from congdoan.imports.headers import Layout

CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"


@dataclass(frozen=True)
class Column:
    """One column of a spec: its key, Vietnamese header, other headers, rules and parser."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    #: The file must have the column.
    required: bool = True
    #: A cell may be empty (its value is then None); by default only in optional columns.
    blank: bool | None = None
    #: Turns a non-blank cell into a value, or raises errors.Invalid.
    parse: Callable[[Any], Any] = cells.as_text

    def __post_init__(self) -> None:
        if self.blank is None:
            object.__setattr__(self, "blank", not self.required)

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


@dataclass(frozen=True)
class RowError:
    """One problem: Excel row number, the column's header as in the file, code, message."""

    row: int | None
    column: str
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "message": self.message}


@dataclass(eq=False, slots=True)
class Row:
    """One data row: its Excel number, cells by column key, parsed values, and its fate."""

    number: int
    raw: dict[str, Any]
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    action: str = ""
    #: Every cell of the row as read (what imports.rejects writes back for a rejected row).
    cells: list[Any] = field(default_factory=list, repr=False)
    #: Scratch space for the spec (e.g. the parent unit it resolved).
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


@dataclass
class Context:
    """What every spec hook may need: who imports, within which scope, from which file."""

    actor: Any
    scope: Scope | None
    file: str
    dry_run: bool
    reason: str
    headers: dict[str, str]
    labels: dict[str, str]

    def header(self, key: str | None) -> str:
        """The column's header as written in the file (its label if the file lacks it)."""
        if not key:
            return ""
        return self.headers.get(key) or self.labels.get(key, key)

    def reject(self, row: Row, message, *, code: str, column: str | None = None, **params) -> None:
        """Add one error to `row` (message formatted with params, in the active language)."""
        text = str(message) % params if params else str(message)
        row.errors.append(RowError(row.number, self.header(column), code, text))


class ImportSpec:
    """Base of an import kind; subclasses set the class attributes and the write hooks."""

    #: The name used by the CLI (`congdoan import <kind>`) and the registry.
    kind: ClassVar[str]
    title: ClassVar[str | Promise]
    columns: ClassVar[tuple[Column, ...]]
    #: Codes of ValidationErrors raised by services → the column key they concern.
    error_columns: ClassVar[dict[str, str]] = {}
    #: Names of the keyword options the kind accepts (the command's --plan, --indicator).
    options: ClassVar[tuple[str, ...]] = ()
    #: create() only stages the row for finish() and writes nothing, so it needs no
    #: savepoint of its own (one per row is two round trips).
    stages_creates: ClassVar[bool] = False
    #: Rows may be checked and written a chunk at a time (see the module's docstring):
    #: no check needs the whole file at once, and rows need no particular order.
    streams: ClassVar[bool] = False

    def header_matcher(self) -> Callable[[str, str], str | None] | None:
        """For columns made from the file's header: (header cell, cell under it) → key."""
        return None

    def columns_for(self, layout: "Layout") -> tuple[Column, ...]:
        """The columns of this file; may raise errors.ImportFileError if it cannot be used."""
        return self.columns

    def skip_row(self, raw: dict[str, Any]) -> bool:
        """True for a non-blank row that holds no data (a totals row, a group heading)."""
        return False

    def validate_row(self, row: Row, ctx: Context) -> None:
        """Checks of one row after its cells parsed; report with ctx.reject()."""

    def validate_rows(self, rows: list[Row], ctx: Context) -> None:
        """Checks across rows (duplicates inside the file); rows may already have errors."""

    def order(self, rows: list[Row], ctx: Context) -> list[Row]:
        """The order in which to write rows (file order unless a spec needs otherwise)."""
        return rows

    def match(self, row: Row, ctx: Context) -> Any | None:
        """The existing object this row describes, or None when it is new."""
        raise NotImplementedError

    def changes(self, row: Row, obj: Any, ctx: Context) -> dict[str, Any]:
        """What the row would change on `obj`; empty when the object is unchanged."""
        raise NotImplementedError

    def create(self, row: Row, ctx: Context) -> Any:
        """Write a new object through the app's services."""
        raise NotImplementedError

    def update(self, row: Row, obj: Any, changes: dict[str, Any], ctx: Context) -> Any:
        """Apply `changes` to `obj` through the app's services."""
        raise NotImplementedError

    def flush(self, ctx: Context, *, write: bool) -> None:
        """A streaming spec, after each chunk: write what create() staged (`write`), or drop
        it when the import will be rolled back anyway (a dry run, a rejected row)."""

    def finish(self, ctx: Context) -> None:
        """Work left for after the last row when the writes are kept (one refresh, not many)."""

"""The registry of import kinds: the name on the command line → its spec class.

To add a kind, write specs/<kind>.py with an ImportSpec subclass and list it in SPECS.
"""

from congdoan.imports.errors import UnknownImportKind
from congdoan.imports.specs.base import ImportSpec
from congdoan.imports.specs.enterprises import EnterprisesSpec
from congdoan.imports.specs.members import MembersSpec
from congdoan.imports.specs.targets import TargetsSpec
from congdoan.imports.specs.units import UnitsSpec

SPECS: dict[str, type[ImportSpec]] = {
    spec.kind: spec for spec in (UnitsSpec, EnterprisesSpec, TargetsSpec, MembersSpec)
}


def get_spec(kind: str) -> type[ImportSpec]:
    """The spec class registered as `kind`; raises UnknownImportKind."""
    try:
        return SPECS[kind]
    except KeyError:
        raise UnknownImportKind(kind) from None


def kinds() -> list[str]:
    """The names of every registered import kind."""
    return sorted(SPECS)

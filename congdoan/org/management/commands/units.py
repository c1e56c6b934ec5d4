"""`congdoan units`: print the hierarchy at a date, and record reorganisations.

Thin: parse, call org.services, print one line. The command acts as the system (actor=None):
the audit trail and the reorganisation record show "system" as the author, so give a
--reason. Exit status: 0 done, 1 refused (the rule broken is printed), 2 unknown unit code.
"""

import json
import sys

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext_lazy

from congdoan.core.dates import format_date, parse_date, today
from congdoan.org import errors, selectors, services
from congdoan.org.forest import Forest
from congdoan.org.kinds import UnitKind, kind_from_label
from congdoan.org.models import Unit

UNKNOWN_UNIT = gettext_lazy("No unit has the code %(code)s.")
NOT_A_DATE = gettext_lazy("“%(value)s” is not a date; write dd/mm/yyyy or yyyy-mm-dd.")
NOT_A_PART = gettext_lazy("“%(value)s” should be CODE=NAME.")
NOT_AN_ASSIGNMENT = gettext_lazy("“%(value)s” should be CHILD=PART (two unit codes).")
CREATED = gettext_lazy("Created %(unit)s under %(parent)s, effective %(date)s.")
MERGED = gettext_lazy("Merged %(sources)s into %(unit)s, effective %(date)s.")
MOVED = gettext_lazy("Moved %(unit)s under %(parent)s, effective %(date)s.")
RENAMED = gettext_lazy("Renamed %(code)s to “%(name)s”, effective %(date)s.")
SPLIT = gettext_lazy("Split %(unit)s into %(parts)s, effective %(date)s.")
DISSOLVED = gettext_lazy("Dissolved %(unit)s, effective %(date)s.")
_KIND_LABELS = dict(UnitKind.choices)


class UnknownUnit(Exception):
    pass


class Refused(Exception):
    """Input the services never saw: an unreadable date or argument."""


def _date(value: str | None):
    try:
        return parse_date(value)
    except ValueError:
        raise Refused(NOT_A_DATE % {"value": value}) from None


def _unit(code: str) -> Unit:
    unit = Unit.objects.filter(code=code.strip().upper()).first()
    if unit is None:
        raise UnknownUnit(UNKNOWN_UNIT % {"code": code})
    return unit


def _pair(value: str, message) -> tuple[str, str]:
    code, sep, rest = value.partition("=")
    if not sep or not code.strip() or not rest.strip():
        raise Refused(message % {"value": value})
    return code.strip(), rest.strip()


def _node_json(forest: Forest, node_id: int) -> dict:
    node = forest.nodes[node_id]
    return {
        "code": node.code,
        "name": node.name,
        "kind": node.kind,
        "children": [_node_json(forest, child.id) for child in forest.children_of(node_id)],
    }


class Command(BaseCommand):
    help = (
        "Print the union hierarchy at a date, or record a reorganisation (create, merge, move, "
        "rename, split, dissolve) as the system user."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        tree = actions.add_parser("tree", help="print the hierarchy as it stood on a date")
        tree.add_argument("code", nargs="?", help="start at this unit (default: every tree)")
        tree.add_argument("--as-of", help="the date (default today); dd/mm/yyyy or yyyy-mm-dd")
        tree.add_argument(
            "--json", dest="as_json", action="store_true", help="nested JSON instead of text"
        )

        create = actions.add_parser("create", help="found a unit")
        create.add_argument("code")
        create.add_argument("name")
        create.add_argument(
            "--kind", required=True, help="a kind key or label, e.g. grassroots or CĐCS"
        )
        create.add_argument("--parent", help="code of the parent unit (none for a top unit)")

        merge = actions.add_parser("merge", help="merge units into another")
        merge.add_argument("codes", nargs="+", metavar="CODE")
        merge.add_argument("--into", required=True, metavar="CODE")

        move = actions.add_parser("move", help="place a unit under another parent")
        move.add_argument("code")
        move.add_argument("--to", required=True, metavar="PARENT")

        rename = actions.add_parser("rename", help="give a unit a new name")
        rename.add_argument("code")
        rename.add_argument("name")

        split = actions.add_parser("split", help="split a unit into several")
        split.add_argument("code")
        split.add_argument("--into", required=True, nargs="+", metavar="CODE=NAME")
        split.add_argument(
            "--assign", nargs="+", default=[], metavar="CHILD=PART",
            help="which part takes each unit under it (default: the first part)",
        )

        dissolve = actions.add_parser(
            "dissolve", help="end a unit (its last day is the day before)"
        )
        dissolve.add_argument("code")

        for sub in (create, merge, move, rename, split, dissolve):
            sub.add_argument("--on", help="effective date; dd/mm/yyyy or yyyy-mm-dd")
            sub.add_argument("--reason", default="", help="why (kept in the history)")

    def handle(self, *args, action: str, **options):
        with translation.override(settings.LANGUAGE_CODE):
            try:
                line = getattr(self, f"do_{action}")(**options)
            except ValidationError as exc:
                for message in exc.messages:
                    self.stderr.write(message)
                sys.exit(1)
            except Refused as exc:
                self.stderr.write(str(exc))
                sys.exit(1)
            except UnknownUnit as exc:
                self.stderr.write(str(exc))
                sys.exit(2)
            if line:
                self.stdout.write(str(line))

    # --- the actions: each returns the line to print --------------------------------------

    def do_tree(self, *, code, as_of, as_json: bool, **options) -> str:
        day = _date(as_of) or today()
        forest = selectors.tree_as_of(day)
        if code:
            unit = _unit(code)
            if unit.pk not in forest:
                raise ValidationError(
                    errors.NOT_ACTIVE, code="not_active",
                    params={"unit": unit, "date": format_date(day)},
                )
            tops = [unit.pk]
        else:
            tops = [node.id for node in forest.roots()]
        if as_json:
            trees = [_node_json(forest, top) for top in tops]
            return json.dumps(trees[0] if code else trees, ensure_ascii=False, indent=2)
        lines = []
        for top in tops:
            self._tree_lines(forest, top, 0, lines)
        return "\n".join(lines)

    def _tree_lines(self, forest: Forest, node_id: int, depth: int, lines: list[str]) -> None:
        node = forest.nodes[node_id]
        kind = _KIND_LABELS.get(node.kind, node.kind)
        lines.append(f"{'  ' * depth}{node.code}  {node.name}  [{kind}]")
        for child in forest.children_of(node_id):
            self._tree_lines(forest, child.id, depth + 1, lines)

    def do_create(self, *, code, name, kind, parent, on, reason, **options) -> str:
        parent_unit = _unit(parent) if parent else None
        day = _date(on)
        unit = services.create_unit(
            actor=None, code=code, name=name, kind=kind_from_label(kind) or kind,
            parent=parent_unit, on=day, reason=reason,
        )
        return CREATED % {"unit": unit, "parent": parent_unit or "—", "date": format_date(day)}

    def do_merge(self, *, codes, into, on, reason, **options) -> str:
        sources, target, day = [_unit(c) for c in codes], _unit(into), _date(on)
        services.merge_units(actor=None, sources=sources, into=target, on=day, reason=reason)
        return MERGED % {
            "sources": ", ".join(u.code for u in sources),
            "unit": target,
            "date": format_date(day),
        }

    def do_move(self, *, code, to, on, reason, **options) -> str:
        unit, parent, day = _unit(code), _unit(to), _date(on)
        services.move_unit(actor=None, unit=unit, parent=parent, on=day, reason=reason)
        return MOVED % {"unit": unit, "parent": parent, "date": format_date(day)}

    def do_rename(self, *, code, name, on, reason, **options) -> str:
        unit, day = _unit(code), _date(on)
        unit = services.rename_unit(actor=None, unit=unit, name=name, on=day, reason=reason)
        return RENAMED % {"code": unit.code, "name": unit.name, "date": format_date(day)}

    def do_split(self, *, code, into, assign, on, reason, **options) -> str:
        unit, day = _unit(code), _date(on)
        parts = [_pair(value, NOT_A_PART) for value in into]
        assignments = dict(_pair(value, NOT_AN_ASSIGNMENT) for value in assign)
        result = services.split_unit(
            actor=None, unit=unit, parts=parts, on=day, assignments=assignments, reason=reason
        )
        return SPLIT % {
            "unit": unit.code,
            "parts": ", ".join(str(part) for part in result),
            "date": format_date(day),
        }

    def do_dissolve(self, *, code, on, reason, **options) -> str:
        unit, day = _unit(code), _date(on)
        services.dissolve_unit(actor=None, unit=unit, on=day, reason=reason)
        return DISSOLVED % {"unit": unit, "date": format_date(day)}

"""Formula indicators: safe arithmetic over other indicators' codes, without eval.

A formula is parsed by Python's `ast` in "eval" mode and every node is checked against a
whitelist before anything is kept; nothing is ever compiled or executed. Allowed:

- numbers: `12`, `0.5`, `1_000`, `2e3` (read from their source text into Decimal, so `0.1` is
  exactly one tenth);
- indicator codes as bare names: letters, digits and underscores, starting with a letter
  (`DV_MOI`, `TL_CD`, `members_joined`) — the plans app allows only such codes, so `A-B` is
  always a subtraction;
- `+ - * /`, unary `-` and `+`, parentheses;
- `min(a, b, …)`, `max(a, b, …)` and `round(x)` / `round(x, n)` with `n` a whole number
  from 0 to 10 written as a literal (half up, as figures are rounded in reports).

Evaluation uses Decimal at 28 significant digits. An unknown input (missing or None) makes the
result unknown (None), and so does a division by zero or an overflow: a formula over figures
not yet reported has no value yet, it is not an error. Callers quantize the result.
"""

import ast
import decimal
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 500
MAX_DEPTH = 100
MAX_ROUND_PLACES = 10
FUNCTIONS = ("min", "max", "round")

UNSAFE = _(
    "The formula may not use %(what)s. Use numbers, indicator codes, + - * /, parentheses, "
    "min(…), max(…) and round(…)."
)
SYNTAX = _("The formula is not valid arithmetic near column %(column)s: %(detail)s.")
EMPTY = _("The formula is empty.")
TOO_LONG = _("The formula is %(length)s characters long; at most %(limit)s are allowed.")
TOO_DEEP = _("The formula is nested too deeply (more than %(limit)s levels).")
BAD_CALL = _("%(function)s(…) %(detail)s.")
CYCLE = _("Formulas refer to each other in a circle: %(path)s.")

# What the refusal names, by kind of syntax node (anything not listed: "this construct").
_WHAT = {
    ast.Attribute: _("attribute access (a.b)"),
    ast.Subscript: _("indexing (a[…])"),
    ast.Lambda: _("lambda functions"),
    ast.ListComp: _("comprehensions"),
    ast.SetComp: _("comprehensions"),
    ast.DictComp: _("comprehensions"),
    ast.GeneratorExp: _("comprehensions"),
    ast.List: _("lists"),
    ast.Tuple: _("tuples"),
    ast.Set: _("sets"),
    ast.Dict: _("dictionaries"),
    ast.Compare: _("comparisons"),
    ast.BoolOp: _("and/or"),
    ast.IfExp: _("if … else"),
    ast.JoinedStr: _("text"),
    ast.NamedExpr: _("assignments (:=)"),
    ast.Starred: _("unpacking (*)"),
    ast.Await: _("await"),
    ast.Yield: _("yield"),
    ast.YieldFrom: _("yield"),
    ast.Pow: _("powers (**)"),
    ast.Mod: _("remainders (%)"),
    ast.FloorDiv: _("floor division (//)"),
    ast.MatMult: _("matrix multiplication (@)"),
    ast.BitAnd: _("bitwise operators"),
    ast.BitOr: _("bitwise operators"),
    ast.BitXor: _("bitwise operators"),
    ast.LShift: _("bitwise operators"),
    ast.RShift: _("bitwise operators"),
    ast.Invert: _("bitwise operators"),
    ast.Not: _("not"),
}
_BINARY = {ast.Add, ast.Sub, ast.Mult, ast.Div}


def _unsafe(what) -> ValidationError:
    return ValidationError(UNSAFE, code="formula_unsafe", params={"what": what})


@dataclass(frozen=True)
class Formula:
    """A checked formula: its text, its syntax tree (whitelisted nodes only) and the codes
    it names."""

    text: str
    tree: ast.expr
    names: frozenset[str]

    def evaluate(self, values: Mapping[str, Decimal | int | None]) -> Decimal | None:
        """The value for these inputs; None when an input is unknown, a divisor is zero or
        the result overflows."""
        with decimal.localcontext() as context:
            context.prec = 28
            context.rounding = decimal.ROUND_HALF_EVEN
            context.traps.update(
                {
                    decimal.Overflow: True,
                    decimal.InvalidOperation: True,
                    decimal.DivisionByZero: True,
                }
            )
            try:
                return _value(self.tree, values)
            except _Unknown:
                return None
            except ArithmeticError:
                return None


class _Unknown(Exception):
    """An input is unknown or a divisor is zero: the whole result is unknown."""


def parse(text: str) -> Formula:
    """Check `text` and keep it as a Formula; ValidationError (formula_syntax,
    formula_unsafe) when it is not safe arithmetic over indicator codes."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(EMPTY, code="formula_syntax")
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            TOO_LONG, code="formula_syntax", params={"length": len(text), "limit": MAX_LENGTH}
        )
    try:
        with warnings.catch_warnings():
            # Escape-sequence and similar warnings of the parser: the text is refused anyway.
            warnings.simplefilter("ignore")
            tree = ast.parse(text, mode="eval").body
    except SyntaxError as error:
        raise ValidationError(
            SYNTAX,
            code="formula_syntax",
            params={"column": error.offset or 1, "detail": error.msg},
        ) from None
    except (ValueError, RecursionError, MemoryError) as error:
        # Null bytes (ValueError) or a parser stack exhausted by nesting.
        raise ValidationError(
            SYNTAX, code="formula_syntax", params={"column": 1, "detail": str(error)}
        ) from None
    names: set[str] = set()
    _check(tree, text, names, depth=1)
    return Formula(text=text, tree=tree, names=frozenset(names))


def _check(node: ast.AST, text: str, names: set[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise ValidationError(TOO_DEEP, code="formula_syntax", params={"limit": MAX_DEPTH})
    if isinstance(node, ast.Constant):
        node.value = _number(node, text)
    elif isinstance(node, ast.Name):
        if node.id.startswith("_") or not node.id.isascii():
            raise _unsafe(_("the name “%(name)s”") % {"name": node.id})
        if node.id in FUNCTIONS:
            raise _unsafe(_("%(name)s without calling it") % {"name": node.id})
        names.add(node.id)
    elif isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            raise _unsafe(_WHAT.get(type(node.op), _("this operator")))
        _check(node.left, text, names, depth + 1)
        _check(node.right, text, names, depth + 1)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise _unsafe(_WHAT.get(type(node.op), _("this operator")))
        _check(node.operand, text, names, depth + 1)
    elif isinstance(node, ast.Call):
        _check_call(node, text, names, depth)
    else:
        raise _unsafe(_WHAT.get(type(node), _("this construct")))


def _check_call(node: ast.Call, text: str, names: set[str], depth: int) -> None:
    function = node.func.id if isinstance(node.func, ast.Name) else None
    if function not in FUNCTIONS:
        if function is None:
            raise _unsafe(_("calling this"))
        raise _unsafe(_("the function %(name)s(…)") % {"name": function})
    if node.keywords:
        raise _unsafe(_("keyword arguments"))
    if not node.args:
        raise ValidationError(
            BAD_CALL,
            code="formula_syntax",
            params={"function": function, "detail": _("needs at least one argument")},
        )
    if function == "round":
        if len(node.args) > 2:
            raise ValidationError(
                BAD_CALL,
                code="formula_syntax",
                params={"function": function, "detail": _("takes a value and a number of places")},
            )
        if len(node.args) == 2:
            places = node.args[1]
            if not (
                isinstance(places, ast.Constant)
                and type(places.value) is int
                and 0 <= places.value <= MAX_ROUND_PLACES
            ):
                raise ValidationError(
                    BAD_CALL,
                    code="formula_syntax",
                    params={
                        "function": function,
                        "detail": _("needs its places as a whole number from 0 to %(limit)s")
                        % {"limit": MAX_ROUND_PLACES},
                    },
                )
            node.args[1] = ast.Constant(value=places.value)
            _check(node.args[0], text, names, depth + 1)
            return
    for argument in node.args:
        _check(argument, text, names, depth + 1)


def _number(node: ast.Constant, text: str) -> Decimal:
    value = node.value
    # bool is an int in Python; True/False/None/strings/bytes/complex are not numbers here.
    if type(value) is int:
        return Decimal(value)
    if type(value) is float:
        source = ast.get_source_segment(text, node) or repr(value)
        try:
            number = Decimal(source)
        except decimal.InvalidOperation:
            number = Decimal(repr(value))
        if not number.is_finite():
            raise _unsafe(_("the number %(number)s") % {"number": source})
        return number
    if isinstance(value, str | bytes):
        return _raise(_unsafe(_("text")))
    return _raise(_unsafe(_("the value %(value)s") % {"value": repr(value)}))


def _raise(error: ValidationError):
    raise error


def _value(node: ast.expr, values: Mapping[str, Decimal | int | None]) -> Decimal:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        value = values.get(node.id)
        if value is None:
            raise _Unknown
        if isinstance(value, float):
            return Decimal(repr(value))
        return value if isinstance(value, Decimal) else Decimal(value)
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, values)
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left, values), _value(node.right, values)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        if right == 0:
            raise _Unknown
        return left / right
    # A call: only min, max and round pass the check.
    function = node.func.id
    if function == "round":
        places = node.args[1].value if len(node.args) == 2 else 0
        return _value(node.args[0], values).quantize(
            Decimal(1).scaleb(-places), rounding=decimal.ROUND_HALF_UP
        )
    arguments = [_value(argument, values) for argument in node.args]
    return min(arguments) if function == "min" else max(arguments)


def check_cycles(definitions: Mapping[str, str]) -> None:
    """Refuse formulas that depend on themselves, directly or through others (formula_cycle).

    `definitions` maps each formula indicator's code to its formula; names that are not in
    it (computed or reported indicators) end a path.
    """
    uses = {
        code: sorted(parse(text).names & definitions.keys()) for code, text in definitions.items()
    }
    done: set[str] = set()
    for start in sorted(uses):
        if start in done:
            continue
        # Depth-first without recursion: the path from `start` and where each step is.
        path, position, on_path = [start], [0], {start}
        while path:
            code = path[-1]
            if position[-1] < len(uses[code]):
                following = uses[code][position[-1]]
                position[-1] += 1
                if following in on_path:
                    cycle = [*path[path.index(following) :], following]
                    raise ValidationError(
                        CYCLE, code="formula_cycle", params={"path": " → ".join(cycle)}
                    )
                if following not in done:
                    path.append(following)
                    position.append(0)
                    on_path.add(following)
            else:
                done.add(code)
                on_path.discard(code)
                path.pop()
                position.pop()

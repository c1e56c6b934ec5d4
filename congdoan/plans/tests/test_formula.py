from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from congdoan.plans.formula import MAX_LENGTH, check_cycles, parse


@pytest.fixture(autouse=True)
def _english():
    # The refusals are checked word for word in their source language.
    with translation.override("en"):
        yield


def value(text, **values):
    return parse(text).evaluate(values)


def refusal(text) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        parse(text)
    return caught.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("10 - 4 - 3", "3"),
        ("12 / 4 / 3", "1"),
        ("-3 + 5", "2"),
        ("-(2 + 3) * 2", "-10"),
        ("--4", "4"),
        ("+4", "4"),
        ("0.1 + 0.2", "0.3"),
        ("1_000 * 2", "2000"),
        ("2e3 / 4", "500"),
        ("1 / 3 * 3", "0.9999999999999999999999999999"),
        ("min(5, 2, 9)", "2"),
        ("max(5, 2, 9)", "9"),
        ("round(2.5)", "3"),
        ("round(2 / 3 * 100, 1)", "66.7"),
        ("round(-0.125, 2)", "-0.13"),
    ],
)
def test_accepted_arithmetic_evaluates_exactly_in_decimal(text, expected):
    result = value(text)
    assert isinstance(result, Decimal)
    assert result == Decimal(expected)


def test_codes_are_read_from_the_values_given():
    formula = parse("round(DV_MOI / TL_CD * 100, 1) + max(A1, 0)")
    assert formula.names == frozenset({"DV_MOI", "TL_CD", "A1"})
    assert formula.evaluate({"DV_MOI": 1, "TL_CD": Decimal(3), "A1": -5}) == Decimal("33.3")
    assert parse("DV_MOI - TL_CD").evaluate({"DV_MOI": 10, "TL_CD": 4}) == 6


def test_an_unknown_input_makes_the_result_unknown():
    formula = parse("A + B * 0")
    assert formula.evaluate({"A": 1, "B": None}) is None
    assert formula.evaluate({"A": 1}) is None
    assert parse("min(A, B)").evaluate({"A": 1}) is None


def test_division_by_zero_is_unknown_not_an_error():
    assert value("A / B", A=5, B=0) is None
    assert value("0 / 0") is None
    assert value("1 + A / (B - B)", A=1, B=7) is None


def test_an_overflow_is_unknown_not_an_error():
    assert value("9e999999 * 9e999999") is None


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os')",
        "__import__('os').system('true')",
        "a.b",
        "A.__class__",
        "a[0]",
        "lambda: 1",
        "2**1000",
        "'x'",
        "b'x'",
        "f'{A}'",
        "open('/etc/passwd')",
        "eval('1')",
        "[x for x in y]",
        "{x for x in y}",
        "(x for x in y)",
        "[1, 2]",
        "(1, 2)",
        "{1: 2}",
        "A < B",
        "A and B",
        "not A",
        "1 if A else 2",
        "(A := 1)",
        "7 % 2",
        "7 // 2",
        "~1",
        "1 << 2",
        "True + 1",
        "None",
        "1j",
        "_secret",
        "min",
        "min(*A)",
        "max(A, key=B)",
        "A(1)",
        "A.b(1)",
        "(lambda: 1)()",
        "Đ + 1",
    ],
)
def test_anything_but_arithmetic_is_refused_as_unsafe(text):
    error = refusal(text)
    assert error.code == "formula_unsafe"
    assert "may not use" in str(error.messages[0])


def test_the_refusal_names_what_is_not_allowed():
    assert "powers (**)" in refusal("2 ** 3").messages[0]
    assert "open" in refusal("open('x')").messages[0]
    assert "attribute" in refusal("a.b").messages[0]


@pytest.mark.parametrize("text", ["", "   ", "1 +", "(1 + 2", "A B", "1 +* 2", "round()", "min()"])
def test_broken_formulas_are_syntax_errors(text):
    assert refusal(text).code == "formula_syntax"


def test_a_syntax_error_says_where():
    error = refusal("A + (B * ")
    assert error.code == "formula_syntax"
    assert error.params["column"] >= 1
    assert "column" in error.messages[0]


@pytest.mark.parametrize("text", ["round(A, B)", "round(A, -1)", "round(A, 1.5)", "round(A, 1, 2)"])
def test_round_takes_a_literal_number_of_places(text):
    assert refusal(text).code == "formula_syntax"


def test_length_and_depth_are_capped():
    assert refusal("1+" * (MAX_LENGTH // 2) + "1").code == "formula_syntax"
    assert refusal("-" * 200 + "1").code == "formula_syntax"
    # Parentheses alone make no nesting; Python's parser stops at 200 of them.
    assert value("(" * 150 + "1" + ")" * 150) == 1
    assert refusal("(" * 240 + "1" + ")" * 240).code == "formula_syntax"
    # A long plain sum of codes is fine.
    assert value(" + ".join(["A"] * 60), A=1) == 60


def test_a_null_byte_is_a_syntax_error():
    assert refusal("1\x00").code == "formula_syntax"


# --- cycles ---------------------------------------------------------------------------


def cycle_path(definitions) -> str:
    with pytest.raises(ValidationError) as caught:
        check_cycles(definitions)
    assert caught.value.code == "formula_cycle"
    return caught.value.params["path"]


def test_a_formula_naming_itself_is_a_cycle():
    assert cycle_path({"A": "A + 1"}) == "A → A"


def test_two_formulas_naming_each_other_are_a_cycle():
    assert cycle_path({"A": "B * 2", "B": "A / 2"}) == "A → B → A"


def test_a_cycle_through_three_formulas_is_named_in_full():
    path = cycle_path({"A": "B + X", "B": "C - Y", "C": "A * 2", "D": "A"})
    assert path == "A → B → C → A"
    assert "cycle" not in path
    with pytest.raises(ValidationError) as caught:
        check_cycles({"A": "B + X", "B": "C - Y", "C": "A * 2"})
    assert "A → B → C → A" in caught.value.messages[0]


def test_formulas_sharing_inputs_without_a_cycle_are_fine():
    check_cycles(
        {
            "TOTAL": "PART1 + PART2",
            "PART1": "X * 2",
            "PART2": "X + PART1",
            "SHARE": "round(PART1 / TOTAL * 100, 1)",
            "OTHER": "members + members_joined",
        }
    )
    check_cycles({})


def test_an_unsafe_definition_is_reported_while_checking_cycles():
    with pytest.raises(ValidationError) as caught:
        check_cycles({"A": "__import__('os')"})
    assert caught.value.code == "formula_unsafe"


# --- random expressions -----------------------------------------------------------------

_leaves = st.one_of(
    st.integers(min_value=0, max_value=10**6).map(str),
    st.decimals(min_value=0, max_value=10**6, allow_nan=False, places=3).map(str),
    st.sampled_from(["A", "B", "DV_MOI"]),
)


def _combine(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        children.map(lambda c: f"-{c}"),
        st.lists(children, min_size=1, max_size=3).map(lambda cs: f"min({', '.join(cs)})"),
        st.lists(children, min_size=1, max_size=3).map(lambda cs: f"max({', '.join(cs)})"),
        st.tuples(children, st.integers(0, 4)).map(lambda t: f"round({t[0]}, {t[1]})"),
    )


_inputs = st.fixed_dictionaries(
    {
        "A": st.one_of(st.none(), st.integers(-(10**9), 10**9)),
        "B": st.one_of(st.none(), st.integers(-5, 5)),
        "DV_MOI": st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False)),
    }
)


@settings(max_examples=300, deadline=None)
@given(text=st.recursive(_leaves, _combine, max_leaves=25), inputs=_inputs)
def test_safe_arithmetic_evaluates_to_a_decimal_or_none_and_never_raises(text, inputs):
    try:
        formula = parse(text)
    except ValidationError as error:
        assert error.code in {"formula_syntax"}  # too long or too deep, never unsafe
        return
    result = formula.evaluate(inputs)
    assert result is None or isinstance(result, Decimal)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=60))
def test_any_text_is_either_a_formula_or_a_coded_refusal(text):
    try:
        formula = parse(text)
    except ValidationError as error:
        assert error.code in {"formula_syntax", "formula_unsafe"}
        return
    result = formula.evaluate(dict.fromkeys(formula.names, 1))
    assert result is None or isinstance(result, Decimal)

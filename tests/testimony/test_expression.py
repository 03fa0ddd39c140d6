"""The rule is parsed, never eval'd: only arithmetic on declared names gets through."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncounted.errors import BadInput
from uncounted.testimony.expression import evaluate, parse_rule, rule_names

NAMES = {"weeks", "rate", "size"}


def test_arithmetic_over_declared_names_evaluates_on_arrays():
    tree = parse_rule("weeks * rate * size - 2 ** 2 / (1 + -1 + 4)", NAMES)
    assert rule_names(tree) == NAMES
    values = {"weeks": np.array([226.0, 1.0]), "rate": 2.0, "size": np.array([50.0, 3.0])}
    np.testing.assert_allclose(evaluate(tree, values), [22599.0, 5.0])


@pytest.mark.parametrize("rule", [
    "__import__('os').system('true')", "weeks.__class__", "open('x')", "weeks if rate else size", "weeks[0]",
    "lambda: 1", "weeks < rate", "[weeks]", "weeks and rate", "'text'", "True * weeks", "weeks @ rate",
    "weeks; rate", "(x := 3)",
])
def test_anything_but_arithmetic_is_refused(rule):
    with pytest.raises(BadInput, match="not allowed|not an arithmetic expression"):
        parse_rule(rule, NAMES, "model.toml")


def test_an_undeclared_name_is_named():
    with pytest.raises(BadInput, match="'people', which is not a declared parameter") as caught:
        parse_rule("weeks * people", NAMES, "model.toml")
    assert caught.value.file == "model.toml"


@given(st.floats(0, 1e4), st.floats(0, 1e4), st.floats(1, 1e4))
def test_evaluation_agrees_with_python_arithmetic(a, b, c):
    tree = parse_rule("weeks * rate + size / 2 - rate", NAMES)
    assert evaluate(tree, {"weeks": a, "rate": b, "size": c}) == pytest.approx(a * b + c / 2 - b)

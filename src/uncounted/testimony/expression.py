"""The rule of an extrapolation model: arithmetic over named parameters, parsed and evaluated safely.

A model file is data another person may hand you, so its rule is never given to `eval`. It is parsed with
`ast` and only numbers, the declared parameter names, + − × ÷ and powers, and unary signs are allowed; the
tree is then walked by hand over NumPy arrays (one value per Monte Carlo draw, or one number for the bounds).
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from uncounted.errors import BadInput

_BINARY: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.Pow: operator.pow,
}
_UNARY: dict[type, Callable[[Any], Any]] = {ast.UAdd: operator.pos, ast.USub: operator.neg}
MAX_RULE_LENGTH = 500


def parse_rule(text: str, declared: set[str], file: str | None = None) -> ast.Expression:
    """Check a rule and return its tree; any other construct, or an undeclared name, is bad input."""
    if not isinstance(text, str) or not text.strip():
        raise BadInput("the model needs a rule, e.g. rule = "
                       "\"weeks * hangings_per_week * people_per_hanging\"", file=file)
    if len(text) > MAX_RULE_LENGTH:
        raise BadInput(f"the rule is longer than {MAX_RULE_LENGTH} characters", file=file)
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        raise BadInput(f"the rule '{text}' is not an arithmetic expression", file=file) from None
    for node in ast.walk(tree):
        if isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Load)) or type(node) in _BINARY \
                or type(node) in _UNARY:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) \
                and not isinstance(node.value, bool):
            continue
        if isinstance(node, ast.Name):
            if node.id not in declared:
                raise BadInput(f"the rule uses '{node.id}', which is not a declared parameter "
                               f"(declared: {', '.join(sorted(declared)) or 'none'})", file=file)
            continue
        raise BadInput(f"the rule '{text}' is not allowed: only numbers, parameter names, + - * / ** and "
                       "brackets may appear", file=file)
    return tree


def rule_names(tree: ast.Expression) -> set[str]:
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


def evaluate(tree: ast.Expression, values: Mapping[str, Any]) -> Any:
    """The rule's value for `values` (numbers or NumPy arrays, broadcast together)."""
    return _walk(tree.body, values)


def _walk(node: ast.AST, values: Mapping[str, Any]) -> Any:
    if isinstance(node, ast.BinOp):
        return _BINARY[type(node.op)](_walk(node.left, values), _walk(node.right, values))
    if isinstance(node, ast.UnaryOp):
        return _UNARY[type(node.op)](_walk(node.operand, values))
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.Constant):
        return np.float64(node.value)
    raise TypeError(f"unchecked node {type(node).__name__}")  # parse_rule admits nothing else

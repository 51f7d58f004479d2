"""Docstrings do not drift from the code: every public function and class of npae has a docstring, and
every name listed under "Parameters" exists in its signature (scikit-learn runs the same kind of check)."""

import importlib
import inspect
import pkgutil
import re

import pytest

import npae

MODULES = [importlib.import_module(m.name) for m in pkgutil.walk_packages(npae.__path__, "npae.")
           if not m.name.endswith("__main__")]


def public_objects():
    for module in MODULES:
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(obj) or inspect.isclass(obj):
                yield f"{module.__name__}.{name}", obj


def documented_parameters(doc):
    """Names under a numpydoc 'Parameters' heading: lines 'name : type' or 'a, b : type' at the section's indent."""
    match = re.search(r"\n([ \t]*)Parameters\n[ \t]*-+\n(.*?)(?:\n\s*\n\s*(?:Returns|Raises|Attributes|Yields|Notes|"
                      r"Examples|See Also)\n\s*-+|\Z)", doc, re.S)
    if not match:
        return []
    indent = match.group(1)
    names = []
    for line in match.group(2).splitlines():
        if line.startswith(indent) and not line.startswith(indent + " ") and line.strip():
            head = line.strip().split(" : ")[0]
            names += [n.strip().lstrip("*") for n in head.split(",")]
    return [n for n in names if n.isidentifier()]


OBJECTS = dict(public_objects())


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_public_object_has_a_docstring(name):
    assert inspect.getdoc(OBJECTS[name]), f"{name} has no docstring"


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_documented_parameters_exist_in_the_signature(name):
    obj = OBJECTS[name]
    doc = inspect.getdoc(obj) or ""
    if not documented_parameters("\n" + doc):
        return                                  # nothing documented, nothing to compare (an exception class)
    target = obj.__init__ if inspect.isclass(obj) and "Parameters" in doc else obj
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError) as error:
        pytest.skip(f"{name}: inspect.signature cannot read the signature of {target!r} ({error}), so its "
                    f"documented parameters cannot be compared with it")
    accepted = set(signature.parameters)
    has_kwargs = any(p.kind == p.VAR_KEYWORD for p in signature.parameters.values())
    missing = [p for p in documented_parameters("\n" + doc) if p not in accepted and not has_kwargs]
    assert not missing, f"{name} documents parameters it does not take: {missing}"


def test_the_parser_reads_a_numpydoc_parameters_section():
    doc = """Summary.

    Parameters
    ----------
    X : ndarray of shape (m, n)
        Inputs.
    low, high : float
    **options
        Passed on.

    Returns
    -------
    y : float
    """
    assert documented_parameters("\n" + inspect.cleandoc(doc)) == ["X", "low", "high", "options"]

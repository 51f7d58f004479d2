"""The package's layers, read from its import statements (ast), and every reference its docstrings make.

Imports flow one way (README.md, ``npae/__init__.py``): checks/errors -> core -> models -> perf -> training ->
analysis -> data/plotting/serialize -> gradcheck -> lessons. The tests below parse every module's imports
without importing anything, so that a violation is found even in a module no test imports.
"""

import ast
import importlib
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "npae"


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def npae_imports(name):
    """The npae modules that module ``name`` imports (``from npae import perf`` counts as ``npae.perf``)."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "npae")
        elif isinstance(node, ast.ImportFrom):
            if node.level:                                       # relative: resolve against the package
                base = name.split(".")[: len(name.split(".")) - node.level + (MODULES[name].name == "__init__.py")]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "npae":
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return found


def _layer(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


# module prefix -> the npae layers it may import ("npae" alone, the package, is never allowed below the top)
ALLOWED = {
    "npae.checks": set(),
    "npae.errors": set(),
    "npae.core": {"checks", "errors", "core"},
    "npae.models": {"checks", "errors", "core", "models"},
}
FORBIDDEN = {
    "npae.perf": {"training", "analysis", "data", "plotting", "gradcheck", "serialize", "course", "scripting"},
    "npae.data": {"models", "training", "analysis", "perf"},
    "npae.plotting": {"models", "training", "analysis", "perf"},
}


def _owner(module, table):
    for prefix in table:
        if module == prefix or module.startswith(prefix + "."):
            return prefix
    return None


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_one_way(module):
    imports = npae_imports(module)
    prefix = _owner(module, ALLOWED)
    if prefix is not None:
        bad = sorted(i for i in imports if i == "npae" or _layer(i) not in ALLOWED[prefix])
        assert not bad, f"{module} may import only npae.{{{', '.join(sorted(ALLOWED[prefix]))}}}, imports {bad}"
    prefix = _owner(module, FORBIDDEN)
    if prefix is not None:
        bad = sorted(i for i in imports if i == "npae" or _layer(i) in FORBIDDEN[prefix])
        assert not bad, f"{module} must not import npae.{{{', '.join(sorted(FORBIDDEN[prefix]))}}}, imports {bad}"


def test_the_import_parser_sees_every_form():
    """The parser above against this package's own known imports (so the layer test can fail)."""
    assert "npae.perf" in npae_imports("npae.analysis.hashing")               # from npae import perf
    assert "npae.core.layers" in npae_imports("npae.models.autoencoder")      # from npae.core.layers import ...
    assert "npae.models.autoencoder" in npae_imports("npae.perf.autoencoder")
    assert npae_imports("npae.checks") == set()


# ---------------------------------------------------------------- docstring references
DOTTED = re.compile(r"(?<![\w/.])npae(?:\.[A-Za-z_]\w*)+")
FILE = re.compile(r"(?<![\w/.])((?:npae|benchmarks|tests|lessons)/[\w/.-]*\w)")


def docstrings():
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                text = ast.get_docstring(node, clean=False)
                if text:
                    yield name, getattr(node, "name", "<module>"), text


def resolves(dotted):
    """True if ``dotted`` is a module, or a module followed by attributes that exist."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for attribute in parts[cut:]:
            if not hasattr(obj, attribute):
                return False
            obj = getattr(obj, attribute)
        return True
    return False


def test_every_docstring_reference_resolves():
    missing = []
    for module, where, text in docstrings():
        for dotted in set(DOTTED.findall(text)):
            if not resolves(dotted.rstrip(".")):
                missing.append(f"{module} ({where}): {dotted}")
        for path in set(FILE.findall(text)):
            if not re.search(r"/[A-Z]+_", path) and not (ROOT / path).exists():   # not a pattern like NN_name.py
                missing.append(f"{module} ({where}): {path}")
    assert not missing, "docstring references that point nowhere:\n" + "\n".join(sorted(missing))


def test_the_reference_check_can_fail():
    assert resolves("npae.models.autoencoder.Autoencoder.loss_and_grads")
    assert not resolves("npae.perf.parallel.map_row_chunks")
    assert not resolves("npae.model")
    assert DOTTED.findall("see :func:`npae.core.layers.affine_backward`.") == ["npae.core.layers.affine_backward"]
    assert FILE.findall("in ``npae/core/losses.py``") == ["npae/core/losses.py"]


def test_no_docstring_cites_notes_outside_the_repository():
    bad = [f"{module} ({where})" for module, where, text in docstrings()
           if re.search(r"shared/|design card|house rules", text)]
    assert not bad, "docstrings citing notes that are not in the repository: " + ", ".join(bad)

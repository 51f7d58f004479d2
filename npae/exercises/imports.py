"""What a student's file may use: from npae, only what the exercise's stubs import; nothing that differentiates for it.

An exercise is graded on the student's own code, so a file is refused (with the line and a sentence saying
why) when it

- imports from npae anything its stubs do not import (the worked solutions, the models, the trainers, the
  backward passes of the library), apart from :data:`ALWAYS` — the forward building blocks a stub imports
  itself stay allowed;
- imports an automatic-differentiation library (the course derives every gradient by hand);
- imports modules by name at run time (``importlib``, ``__import__``, ``runpy``, ``sys.modules``, ``exec``,
  ``eval``), or names a module of npae in a string.

:func:`refusals_in_source` reads the file's syntax tree (``ast``) before anything runs;
:func:`refusals_in_module` looks at what the imported module holds, which catches most of what a trick
could hide from the first.
"""

import ast
import re
import types
from functools import lru_cache

#: Modules of npae every exercise may use: elementwise activations and the θ <-> dict flattening.
ALWAYS = ("npae.core.activations", "npae.core.flat")

#: Packages that compute gradients automatically (refused: the course derives them by hand).
AUTODIFF = ("torch", "jax", "jaxlib", "autograd", "tensorflow", "keras", "mxnet", "theano", "chainer", "paddle",
            "sympy")

#: Modules and names that import by name at run time (refused).
DYNAMIC_MODULES = ("importlib", "runpy", "imp", "pkgutil", "zipimport", "builtins", "marshal")
DYNAMIC_NAMES = ("__import__", "exec", "eval", "compile", "__builtins__")

_NPAE_IN_STRING = re.compile(r"npae[./\\](models|training|exercises|gradcheck|core[./\\](penalties|losses|layers|"
                             r"conv|pooling))|solutions[./\\]")


@lru_cache(maxsize=None)
def allowed_imports(name):
    """The npae modules and names exercise ``name``'s files may import: {module: frozenset of names, or None for all}.

    Read from the exercise's stubs (both levels), plus :data:`ALWAYS`.
    """
    from npae.exercises.stubgen import LEVELS, STUBS, stub_name

    allowed = {module: None for module in ALWAYS}
    for level in LEVELS:
        tree = ast.parse((STUBS / stub_name(name, level)).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "npae":
                names = set(allowed.get(node.module) or ()) | {alias.name for alias in node.names}
                if node.module not in allowed or allowed[node.module] is not None:
                    allowed[node.module] = frozenset(names)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "npae":
                        allowed[alias.name] = None
    return allowed


def describe_allowed(allowed):
    """The allowed npae imports as text: 'npae.core.conv (im2col, padding_amounts), npae.core.flat, …'."""
    return ", ".join(f"{module} ({', '.join(sorted(names))})" if names is not None else module
                     for module, names in sorted(allowed.items()))


def _permitted(dotted, allowed):
    """Whether the dotted path (a module, or a module's attribute) is allowed."""
    for module, names in allowed.items():
        if names is None and (dotted == module or dotted.startswith(module + ".")):
            return True
        if names is not None and any(dotted == f"{module}.{n}" or dotted.startswith(f"{module}.{n}.") for n in names):
            return True
    return False


def refusals_in_source(source, name):
    """The refused uses in a student's source (list of dicts with ``line``, ``text``, ``kind``, ``what``).

    Parameters
    ----------
    source : str
        The file's text (it must parse: a SyntaxError propagates).
    name : str
        The exercise.

    Returns
    -------
    list of dict, in the order of the lines; ``kind`` is ``"npae"``, ``"autodiff"`` or ``"dynamic"``.
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    allowed = allowed_imports(name)
    found = []

    def refuse(node, kind, what):
        text = lines[node.lineno - 1].strip() if 0 < node.lineno <= len(lines) else ""
        found.append({"line": node.lineno, "text": text, "kind": kind, "what": what})

    npae_names = set()                                                   # names bound to the npae package itself
    docstrings = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
    parents = {id(child): node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root == "npae":
                    if alias.asname is None:
                        npae_names.add("npae")                            # `import npae.core.flat` binds npae
                    if alias.name == "npae" or not _permitted(alias.name, allowed):
                        refuse(node, "npae", alias.name)
                elif root in AUTODIFF:
                    refuse(node, "autodiff", root)
                elif root in DYNAMIC_MODULES:
                    refuse(node, "dynamic", root)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            root = module.split(".")[0]
            if node.level:
                refuse(node, "dynamic", "a relative import")
            elif root == "npae":
                for alias in node.names:
                    dotted = module if alias.name == "*" else f"{module}.{alias.name}"
                    whole = allowed.get(module, ()) is None
                    if not (_permitted(dotted, allowed) or (alias.name == "*" and whole)):
                        refuse(node, "npae", dotted)
            elif root in AUTODIFF:
                refuse(node, "autodiff", root)
            elif root in DYNAMIC_MODULES:
                refuse(node, "dynamic", root)
        elif isinstance(node, ast.Name) and node.id in DYNAMIC_NAMES:
            refuse(node, "dynamic", node.id)
        elif (isinstance(node, ast.Attribute) and node.attr == "modules" and isinstance(node.value, ast.Name)
              and node.value.id == "sys"):
            refuse(node, "dynamic", "sys.modules")
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
              and _NPAE_IN_STRING.search(node.value)):
            refuse(node, "dynamic", repr(node.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in npae_names:
            dotted, current = node.id, node
            while isinstance(parents.get(id(current)), ast.Attribute) and parents[id(current)].value is current:
                current = parents[id(current)]
                dotted += "." + current.attr
            if not _permitted(dotted, allowed):
                refuse(node, "npae", dotted)
    unique = {(r["line"], r["what"]): r for r in found}
    return sorted(unique.values(), key=lambda r: (r["line"], r["what"]))


def refusals_in_module(module, name):
    """The refused npae objects an imported student module holds (list of dicts with ``kind`` and ``what``).

    A global bound to an npae module, function or class that the exercise does not allow is refused; the
    package ``npae`` itself (bound by ``import npae.core.flat``) is left to :func:`refusals_in_source`.
    """
    allowed = allowed_imports(name)
    found = []
    for key, value in vars(module).items():
        if key.startswith("__"):
            continue
        if isinstance(value, types.ModuleType):
            dotted = value.__name__
            if dotted == "npae" or dotted.split(".")[0] != "npae":
                if dotted.split(".")[0] in AUTODIFF:
                    found.append({"line": None, "text": key, "kind": "autodiff", "what": dotted})
                continue
        else:
            owner = getattr(value, "__module__", None)
            if not isinstance(owner, str):
                continue
            if owner.split(".")[0] in AUTODIFF:
                found.append({"line": None, "text": key, "kind": "autodiff", "what": owner})
                continue
            if owner.split(".")[0] != "npae":
                continue
            dotted = f"{owner}.{getattr(value, '__name__', key)}"
        if not _permitted(dotted, allowed):
            found.append({"line": None, "text": key, "kind": "npae", "what": dotted})
    return found

"""``python -m npae.gradcheck``: run every gradient check of npae and print its error, per parameter block.

Options: ``--method central`` to see UFLDL's two-point formula instead of the five-point one the tests
assert with (each is judged against the bar its truncation error allows, :data:`npae.gradcheck.TOLERANCES`),
``--filter TEXT`` to run only the cases whose name contains TEXT (an error when none does), ``--list`` to
print the case names, ``--adjoints`` to print the adjoint identities of the convolution, max-pooling and
upsampling (:func:`npae.gradcheck.cases_conv.adjoint_errors`). Exit status 1 if any case fails its bar, 2 for a usage error.
"""

import argparse
import sys
import time

from npae.checks import check_sequence

from . import STEPS, TOLERANCES
from .cases import all_cases

#: The adjoint identities hold to rounding: a correct backward pass is ~1e-16 off, a wrong one of order 1.
ADJOINT_BAR = 1e-13

#: Why each method has its bar, printed in the header.
WHY = {
    "five_point": "UFLDL's bar; five-point truncation error O(h^4) is ~1e-12 at h = 1e-3",
    "central": ("two-point truncation error O(eps^2) is 1e-9..1e-8 of the gradient at eps = 1e-4 "
                "(worst correct case measured 1.3e-8), so UFLDL's 1e-9 would fail correct gradients; "
                "the tests use five_point against 1e-9"),
}

EPILOG = """\
checking your own function (a loss and the gradient you derived):

  import numpy as np
  from npae.gradcheck import check_gradients

  def loss_and_grads(p):                    # return (loss, grads), grads keyed like p
      W = p["W"]
      return 0.5 * np.sum(W ** 2), {"W": W}

  params = {"W": np.random.default_rng(0).normal(size=(3, 2))}
  print(check_gradients(loss_and_grads, params))   # one row per block, pass/FAIL

  # a model: check_gradients(lambda p: model.loss_and_grads(X, params=p), model.params)
"""


def main(argv=None):
    """Run the command line; returns the exit status.

    ``argv`` is a list of str (default ``sys.argv[1:]``); anything else is a TypeError naming it. A usage
    error in it (an unknown option) exits with status 2, as every argparse command line does.
    """
    if argv is not None:
        argv = check_sequence("argv", argv, "command-line strings")
        if not all(isinstance(a, str) for a in argv):
            raise TypeError(f"argv must be a list of str, got {argv!r}")
    parser = argparse.ArgumentParser(prog="python -m npae.gradcheck", description=__doc__.splitlines()[0].split(": ", 1)[1],
                                     epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--method", choices=("five_point", "central"), default="five_point",
                        help="finite-difference formula (default: %(default)s)")
    parser.add_argument("--filter", default="", help="run only the cases whose name contains this text")
    parser.add_argument("--list", action="store_true", help="print the case names and exit")
    parser.add_argument("--adjoints", action="store_true",
                        help="print the adjoint identities of the convolution, pooling and upsampling and exit")
    args = parser.parse_args(argv)
    if args.adjoints:
        return _print_adjoints()

    cases = [c for c in all_cases() if args.filter in c.name]
    if args.list:
        print("\n".join(c.name for c in cases))
        return 0
    if not cases:
        parser.error(f"--filter {args.filter!r} matches no case name; "
                     f"'python -m npae.gradcheck --list' prints the names")
    bar = TOLERANCES[args.method]
    print(f"gradient checks: {len(cases)} cases, method={args.method} (step {STEPS[args.method]:g}), float64, "
          f"pass = every block's ‖g - n‖/‖g + n‖ < {bar:g} ({WHY[args.method]})")
    width = max(len(c.name) for c in cases)
    print(f"{'case':<{width}}  {'overall':>9}  {'worst':>9}  per block")
    start, failures = time.perf_counter(), 0
    for case in cases:
        result = case.run(args.method)
        ok = result.passed(bar)
        failures += not ok
        blocks = "  ".join(f"{k} {v:.1e}" for k, v in result.per_block.items())
        print(f"{case.name:<{width}}  {result.overall:9.2e}  {result.worst:9.2e}  {blocks}"
              f"{'' if ok else '  FAIL'}")
    print(f"{len(cases) - failures} passed, {failures} failed (bar {bar:g}) in {time.perf_counter() - start:.1f} s")
    return 1 if failures else 0


def _print_adjoints():
    """Print :func:`npae.gradcheck.cases_conv.adjoint_errors`; status 1 if any is not below ADJOINT_BAR."""
    from .cases_conv import adjoint_errors

    errors = adjoint_errors()
    width = max(len(name) for name, _ in errors)
    print(f"adjoint identities <A x, y> = <x, A^T y>, float64: pass = relative difference < {ADJOINT_BAR:g} (rounding)")
    failures = 0
    for name, err in errors:
        failures += not err < ADJOINT_BAR
        print(f"{name:<{width}}  {err:9.1e}{'' if err < ADJOINT_BAR else '  FAIL'}")
    print(f"{len(errors) - failures} passed, {failures} failed (bar {ADJOINT_BAR:g})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

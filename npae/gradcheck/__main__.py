"""``python -m npae.gradcheck``: run every gradient check and print its error, per parameter block.

Options: ``--method central`` to see UFLDL's two-point formula instead of the five-point one the tests
assert with, ``--filter TEXT`` to run only the cases whose name contains TEXT.
Exit status 1 if any case fails the tolerance.
"""

import argparse
import sys
import time

from . import TOLERANCE
from .cases import all_cases


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m npae.gradcheck", description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=("five_point", "central"), default="five_point")
    parser.add_argument("--filter", default="", help="run only the cases whose name contains this text")
    args = parser.parse_args(argv)

    cases = [c for c in all_cases() if args.filter in c.name]
    print(f"gradient checks: {len(cases)} cases, method={args.method}, float64, "
          f"pass = every block's ‖g - n‖/‖g + n‖ < {TOLERANCE:g}")
    width = max((len(c.name) for c in cases), default=10)
    print(f"{'case':<{width}}  {'overall':>9}  {'worst':>9}  per block")
    start, failures = time.perf_counter(), 0
    for case in cases:
        result = case.run(args.method)
        ok = result.passed()
        failures += not ok
        blocks = "  ".join(f"{k} {v:.1e}" for k, v in result.per_block.items())
        print(f"{case.name:<{width}}  {result.overall:9.2e}  {result.worst:9.2e}  {blocks}"
              f"{'' if ok else '  FAIL'}")
    print(f"{len(cases) - failures} passed, {failures} failed in {time.perf_counter() - start:.1f} s")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

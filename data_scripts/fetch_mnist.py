"""Download MNIST (the four IDX .gz files) into data/mnist/, verified.

    python data_scripts/fetch_mnist.py                 # from the mirrors below, into data/mnist/
    python data_scripts/fetch_mnist.py --out DIR       # elsewhere
    python data_scripts/fetch_mnist.py --from-dir DIR  # import local copies of the four files

Idempotent: a file already present whose digest matches is not fetched again. Files are
written to a temporary name and moved into place only once verified.
npae.data.digits.load_mnist() finds data/mnist/ by itself.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _idx_fetch  # noqa: E402
from _idx_fetch import FileSpec  # noqa: E402

# Primary first, then fallbacks (the file name is appended). yann.lecun.com is the original
# home but has been refusing anonymous downloads at times, so it comes last.
MIRRORS = [
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
]

# Digests. The MD5s are the ones torchvision publishes (torchvision.datasets.MNIST.resources).
# The SHA-256s are NOT recorded yet: every session that wrote this ran without internet, and
# MNIST is not available offline, so no SHA-256 could be computed from the real files (none is
# made up here). Until then the MD5 is verified. The script prints the SHA-256 of every file it
# stores: record them in the sha256 field, which then takes over from the MD5.
FILES = [
    FileSpec("train-images-idx3-ubyte.gz", md5="f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    FileSpec("train-labels-idx1-ubyte.gz", md5="d53e105ee54ea40749a09fcbcd1e9432"),
    FileSpec("t10k-images-idx3-ubyte.gz", md5="9fb629c4189551a2d022fa330f9573f3"),
    FileSpec("t10k-labels-idx1-ubyte.gz", md5="ec29112dd5afa0611ce80d1b7f02629c"),
]

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "mnist"


def main(argv=None):
    """Run the command line; returns the exit status."""
    return _idx_fetch.cli(argv, description=__doc__, files=FILES, mirrors=MIRRORS, default_out=DEFAULT_OUT)


if __name__ == "__main__":
    sys.exit(main())

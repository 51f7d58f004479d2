"""Get Fashion-MNIST (the four IDX .gz files) into data/fashion-mnist/, verified.

    python data_scripts/fetch_fashion_mnist.py                # download from the upstream host
    python data_scripts/fetch_fashion_mnist.py --from-debian  # copy Debian's files (no internet)
    python data_scripts/fetch_fashion_mnist.py --from-dir DIR # import local copies
    python data_scripts/fetch_fashion_mnist.py --out DIR      # elsewhere than data/fashion-mnist/

Without internet, ``sudo apt-get install dataset-fashion-mnist`` is enough:
npae.data.digits.load_fashion_mnist() reads /usr/share/datasets/fashion-mnist/ directly.
Idempotent: a file already present whose digest matches is not fetched again. Files are
written to a temporary name and moved into place only once verified.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _idx_fetch  # noqa: E402
from _idx_fetch import FileSpec  # noqa: E402

MIRRORS = ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"]
DEBIAN_DIR = "/usr/share/datasets/fashion-mnist"

# Digests, and how they were obtained (offline, from Debian's dataset-fashion-mnist
# 0.0~git20200523.55506a9-1).
#
# The upstream MD5s are those of the Fashion-MNIST README (also shipped by Debian in
# /usr/share/doc/dataset-fashion-mnist/README.md.gz) and of torchvision.
#
# Debian's .gz files do NOT have these MD5s: Debian's build (strip-nondeterminism) rewrote each
# gzip header, dropping the stored file name (FLG.FNAME) and setting the timestamp to the
# package's changelog date (2020-06-05 09:05:49 UTC), but kept the compressed stream as it was.
# Each Debian file is exactly len(name) + 1 bytes shorter than upstream. Restoring the header
# (FLG = 0x08, the name followed by a zero byte, and the upstream timestamp, found by searching
# the seconds around August 2017) gives files whose MD5 equals the published upstream MD5, for
# all four:
#   train-images, train-labels: mtime 1504176606 (2017-08-31 10:50:06 UTC)
#   t10k-images,  t10k-labels:  mtime 1504176627 (2017-08-31 10:50:27 UTC)
# So the compressed data are the upstream bytes, and the SHA-256 of the rebuilt files is the
# SHA-256 of the upstream files. We accept both the upstream file and Debian's repack:
#   first sha256  = the upstream .gz (rebuilt as above, MD5 checked against the published one)
#   second sha256 = Debian's .gz as installed
# The uncompressed IDX content (identical in both) has SHA-256:
#   train-images-idx3-ubyte c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
#   train-labels-idx1-ubyte bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
#   t10k-images-idx3-ubyte  5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
#   t10k-labels-idx1-ubyte  0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
FILES = [
    FileSpec(
        "train-images-idx3-ubyte.gz",
        sha256=(
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7",
        ),
        md5="8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    ),
    FileSpec(
        "train-labels-idx1-ubyte.gz",
        sha256=(
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056",
        ),
        md5="25c81989df183df01b3e8a0aad5dffbe",
    ),
    FileSpec(
        "t10k-images-idx3-ubyte.gz",
        sha256=(
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa",
        ),
        md5="bef4ecab320f06d8554ea6380940ec79",
    ),
    FileSpec(
        "t10k-labels-idx1-ubyte.gz",
        sha256=(
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
            "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05",
        ),
        md5="bb300cfdad3c16e7a12a480ee83cd310",
    ),
]

DEFAULT_OUT = Path(__file__).resolve().parent.parent / "data" / "fashion-mnist"


def main(argv=None):
    """Run the command line; returns the exit status."""
    return _idx_fetch.cli(
        argv, description=__doc__, files=FILES, mirrors=MIRRORS, default_out=DEFAULT_OUT, debian_dir=DEBIAN_DIR
    )


if __name__ == "__main__":
    sys.exit(main())

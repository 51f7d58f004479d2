"""Semantic hashing: binary codes, Hamming distances on packed bits, and precision@k of retrieval.

Salakhutdinov & Hinton, "Semantic hashing" (SIGIR workshop 2007; IJAR 2009); Goodfellow et al. §14.9.
An autoencoder with a sigmoid code layer is trained with noise added to the code units' input, which
pushes them to saturate near 0 or 1; thresholding the code at 0.5 then loses little, and each item gets a
short binary address. Similar items get nearby addresses: retrieval ranks a database by Hamming distance
to the query's code, the number of differing bits, computed with XOR and a population count on codes
packed 64 bits to a machine word.

Baselines at the same number of bits: random projections (locality-sensitive hashing for the angle,
Charikar 2002: the sign of random Gaussian projections of centred data) and PCA codes (the sign of the
top principal components).
"""

import numpy as np

from npae import perf
from npae.perf.autoencoder import fused_loss_and_grads
from npae.analysis.pca import PCA
from npae.checks import as_real_array, check_data, check_int, check_real, check_rng
from npae.models.autoencoder import Autoencoder

__all__ = ["binarize", "pack_codes", "popcount", "hamming_distances", "precision_at_k", "CodeNoiseTrainer",
           "RandomProjectionHash", "PCAHash"]

#: Number of set bits of every byte value: the table form of the population count.
POPCOUNT_TABLE = np.array([bin(i).count("1") for i in range(256)], dtype=np.uint8)


def binarize(H, threshold=0.5):
    """Binary codes B = (H > threshold): an (m, n_bits) bool array from codes H of shape (m, n_bits).

    Raises ValueError/TypeError if H is not a finite real 2-D array or ``threshold`` not a finite number.
    """
    H = as_real_array("H", H, ndim=2)
    return H > check_real("threshold", threshold)


def pack_codes(B):
    """Pack binary codes into 64-bit words: (m, n_bits) bool -> (m, ceil(n_bits / 64)) uint64.

    ``numpy.packbits`` packs 8 bits a byte; the bytes are padded with zeros to a multiple of 8 and viewed as
    uint64, so that one XOR and one popcount handle 64 bits. Padding bits are 0 in every code, so they never
    count in a Hamming distance.

    Raises
    ------
    ValueError
        If ``B`` is not 2-D, or holds values other than 0 and 1 (real-valued codes must be thresholded
        first, e.g. by :func:`binarize`: packing them as they are would turn every nonzero into a 1).
    TypeError
        If ``B`` is not a real numeric (or bool) array.
    """
    B = as_real_array("B", B, ndim=2)
    if B.dtype != bool and B.size and not np.isin(B, (0, 1)).all():
        raise ValueError("B must hold binary codes (bool, or 0 and 1 only); threshold real-valued codes "
                         "first, e.g. pack_codes(binarize(H))")
    packed = np.packbits(B.astype(bool), axis=1)
    n_bytes = -(-packed.shape[1] // 8) * 8
    padded = np.zeros((B.shape[0], n_bytes), dtype=np.uint8)
    padded[:, :packed.shape[1]] = packed
    return padded.view(np.uint64)


def popcount(words):
    """Number of set bits of each element of an unsigned integer array (same shape, small ints).

    ``numpy.bitwise_count`` (numpy >= 2.0) when available, else a 256-entry table over the bytes.
    """
    words = as_real_array("words", words)
    if words.dtype.kind not in "iu":
        raise TypeError(f"words must be an array of unsigned integers (e.g. pack_codes' uint64 words), "
                        f"got dtype {words.dtype}")
    if hasattr(np, "bitwise_count"):
        return np.bitwise_count(words)
    as_bytes = words[..., None].view(np.uint8)                       # (..., 1) -> (..., itemsize)
    return POPCOUNT_TABLE[as_bytes].sum(axis=-1, dtype=np.uint16)


def hamming_distances(Q, D):
    """All Hamming distances between packed query codes Q (q, w) and database codes D (n, w): (q, n) uint16.

    d(a, b) = popcount(a XOR b), summed over the w 64-bit words. Vectorised: one (q, n, w) XOR.

    Raises
    ------
    ValueError
        If Q and D are not 2-D uint64 arrays with the same number of words.
    """
    Q, D = np.asarray(Q), np.asarray(D)
    if Q.ndim != 2 or D.ndim != 2 or Q.shape[1] != D.shape[1] or Q.dtype != np.uint64 or D.dtype != np.uint64:
        raise ValueError(f"Q and D must be 2-D uint64 packed codes with the same width (see pack_codes), "
                         f"got {Q.dtype} {Q.shape} and {D.dtype} {D.shape}")
    if Q.shape[1] == 1:
        return popcount(Q[:, :1] ^ D[:, 0]).astype(np.uint16)       # (q, 1) ^ (n,) -> (q, n)
    return popcount(Q[:, None, :] ^ D[None, :, :]).sum(axis=2, dtype=np.uint16)


def precision_at_k(Q, labels_q, D, labels_d, k, block=256):
    """Mean precision@k of Hamming-ranking retrieval: the fraction of the k nearest database items that share
    the query's label, averaged over the queries.

    Hamming distances take few values, so many items tie at the k-th distance d_k. Ties are counted as the
    *expected* precision under a random order among the tied items::

        P@k = [ r_< + (k − n_<) · r_= / n_= ] / k

    with n_< (r_<) the number of (relevant) items strictly closer than d_k and n_= (r_=) those at d_k.

    Parameters
    ----------
    Q : ndarray (q, w) uint64
        Packed query codes (:func:`pack_codes`).
    labels_q : array_like (q,)
    D : ndarray (n, w) uint64
        Packed database codes.
    labels_d : array_like (n,)
    k : int, 1 <= k <= n
    block : int >= 1
        Queries per vectorised step (memory: block · n distances).

    Returns
    -------
    float

    Raises
    ------
    ValueError
        No queries or an empty database, mismatched lengths, k out of range, bad codes.
    """
    Q = as_real_array("Q", Q, ndim=2)
    D = as_real_array("D", D, ndim=2)
    labels_q = as_real_array("labels_q", labels_q, ndim=1)
    labels_d = as_real_array("labels_d", labels_d, ndim=1)
    if len(Q) == 0 or len(D) == 0:
        raise ValueError(f"Q and D must each hold at least one code, got {len(Q)} queries and {len(D)} "
                         "database items")
    labels_q, labels_d = np.asarray(labels_q), np.asarray(labels_d)
    if labels_q.shape != (len(Q),) or labels_d.shape != (len(D),):
        raise ValueError(f"labels_q and labels_d must have shapes ({len(Q)},) and ({len(D)},), "
                         f"got {labels_q.shape} and {labels_d.shape}")
    k = check_int("k", k, 1, len(D))
    block = check_int("block", block, 1)
    total = 0.0
    for s in range(0, len(Q), block):
        dist = hamming_distances(Q[s:s + block], D)                              # (b, n)
        relevant = labels_d[None, :] == labels_q[s:s + block, None]            # (b, n)
        d_k = np.partition(dist, k - 1, axis=1)[:, k - 1:k]                    # (b, 1) the k-th distance
        closer, tied = dist < d_k, dist == d_k
        n_less, r_less = closer.sum(axis=1), (closer & relevant).sum(axis=1)
        n_eq, r_eq = tied.sum(axis=1), (tied & relevant).sum(axis=1)
        total += float(np.sum((r_less + (k - n_less) * r_eq / n_eq) / k))
    return total / len(Q)


class CodeNoiseTrainer:
    """Wraps an :class:`~npae.models.autoencoder.Autoencoder` so that every loss evaluation adds fresh Gaussian noise to
    the code units' input (Salakhutdinov & Hinton's saturation trick), for :func:`npae.training.minibatch.train_minibatch`.

    The model's own loss stays deterministic (the noise is an argument, ``code_noise``); this object draws it,
    N ~ 𝒩(0, std²) of shape (m, n_hidden), once per call of :meth:`loss_and_grads`, i.e. once per minibatch.
    :meth:`loss` (validation) adds no noise.

    Parameters
    ----------
    model : npae.models.autoencoder.Autoencoder
    std : float > 0
    rng : numpy.random.Generator

    Attributes
    ----------
    params, dtype : the model's (shared, not copied)
    """

    def __init__(self, model, std, rng):
        if not isinstance(model, Autoencoder):
            raise TypeError(f"model must be an npae.models.autoencoder.Autoencoder, got {type(model).__name__}")
        self.std = check_real("std", std, 0, open_minimum=True)
        self.model, self.rng = model, check_rng(rng)
        self.dtype = model.dtype

    @property
    def params(self):
        """The model's parameter dict (the same object: a trainer updating it updates the model)."""
        return self.model.params

    @params.setter
    def params(self, value):
        self.model.params = value

    def loss_and_grads(self, X, target=None, params=None):
        """The model's loss and gradients with fresh code noise (through the fast path, :mod:`npae.perf`).

        Parameters
        ----------
        X : array_like of shape (m, n_visible)
        target : array_like of shape (m, n_visible), optional
        params : dict, optional

        Raises
        ------
        ValueError, TypeError
            As the model's ``loss_and_grads`` (X is checked before any noise is drawn).
        """
        params, X, T, _ = self.model.check_arguments(X, target, params)           # checked once, here
        noise = self.rng.normal(0.0, self.std, (X.shape[0], self.model.n_hidden)).astype(self.dtype)
        if perf.knows(self.model):
            return fused_loss_and_grads(self.model, params, X, T, noise)
        return self.model.loss_and_grads(X, T, params, noise)

    def loss(self, X, target=None, params=None):
        """The noiseless loss (for validation)."""
        return perf.loss(self.model, X, target, params=params)


class RandomProjectionHash:
    """LSH codes: the signs of ``n_bits`` random Gaussian projections of the centred data (Charikar 2002).

    Parameters
    ----------
    n_bits : int >= 1
    rng : numpy.random.Generator
    """

    def __init__(self, n_bits, rng):
        self.n_bits = check_int("n_bits", n_bits, 1)
        check_rng(rng)
        self.rng, self.mean, self.projections = rng, None, None

    def fit(self, X):
        """Store the mean of X (m, n_features) and draw the (n_features, n_bits) projections; returns self."""
        X = as_real_array("X", X, ndim=2, finite=False)
        X = check_data(X, "X", X.shape[1], np.float64)
        self.mean = X.mean(axis=0)
        self.projections = self.rng.standard_normal((X.shape[1], self.n_bits))
        return self

    def codes(self, X):
        """(m, n_bits) bool: (X − μ) R > 0."""
        if self.projections is None:
            raise ValueError("call fit(X) first")
        X = check_data(X, "X", len(self.mean), np.float64)
        return (X - self.mean) @ self.projections > 0


class PCAHash:
    """PCA codes: the signs of the top ``n_bits`` principal components (coordinates of the centred data).

    Parameters
    ----------
    n_bits : int >= 1
    """

    def __init__(self, n_bits):
        self.n_bits = check_int("n_bits", n_bits, 1)
        self.pca = PCA(self.n_bits)

    def fit(self, X):
        """Fit the PCA to X (m, n_features); returns self."""
        self.pca.fit(X)
        return self

    def codes(self, X):
        """(m, n_bits) bool: the principal coordinates > 0."""
        return self.pca.encode(X) > 0

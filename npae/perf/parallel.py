"""Splitting a sum over samples between the machine's cores.

Every loss in npae is a mean over the m samples, so the loss and each gradient are sums of per-sample
terms: split the rows into chunks, compute each chunk's part, and the parts add up to the whole (the
same fact that lets :mod:`npae.perf.autoencoder` work on blocks of rows). This module runs the chunks
at the same time, one thread per core: :func:`split_rows` makes the chunks, :func:`map_chunks` runs them,
:func:`single_threaded_blas` keeps BLAS to one thread meanwhile.

Why threads, and why single-threaded BLAS while they run. The matrix products already use every core
(NumPy's BLAS is multi-threaded), but the elementwise work between them — sigmoids, residuals, slopes —
runs on one core, and at MNIST size it costs half as much as the products. Running both chunks'
elementwise work side by side uses the second core for it too. NumPy releases Python's global
interpreter lock inside its loops and products, so plain Python threads run them in parallel. BLAS must
then use one thread per call: OpenBLAS keeps its worker threads spinning for a while after each product,
and they would take the very core the second chunk needs. ``threadpoolctl`` (a small, well-kept library
from the scikit-learn developers) sets the BLAS thread count for the duration of the chunks and puts it
back afterwards; it is imported on first use, so that nothing else in npae needs it. The setting is the process's, not the thread's: another thread of the same program
that multiplies matrices while a chunked call runs gets one BLAS thread too.

The number of threads is the number of cores this process may use, or the environment variable
``NPAE_NUM_THREADS`` (``NPAE_NUM_THREADS=1`` runs everything in the calling thread, as a textbook
loop would). Small problems (fewer than ``2 * min_rows`` rows, 1024 by default) run in the calling
thread with BLAS as it is: measured on 2 cores, a minibatch of 256 MNIST-sized rows trains faster that
way than split in two (handing the work to another thread and back costs more than it saves).
"""

import contextlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from npae.checks import check_bool, check_callable, check_int, check_sequence

_state = threading.local()           # marks the pool's own threads: a chunk never splits again
_pool = None                          # made on first use, with _pool_size worker threads
_pool_size = 0
_controller = None


def num_threads():
    """The number of threads :func:`map_chunks` uses: ``$NPAE_NUM_THREADS``, else the usable cores.

    Returns
    -------
    int, at least 1

    Raises
    ------
    ValueError
        If ``NPAE_NUM_THREADS`` is set to something other than a positive integer.
    """
    value = os.environ.get("NPAE_NUM_THREADS")
    if value is not None:
        if not value.strip().isdigit() or int(value) < 1:
            raise ValueError(f"NPAE_NUM_THREADS must be a positive integer, got {value!r}")
        return int(value)
    cores = os.sched_getaffinity(0) if hasattr(os, "sched_getaffinity") else range(os.cpu_count() or 1)
    return max(1, len(cores))


def row_chunks(m, n_chunks):
    """Split ``range(m)`` into ``n_chunks`` contiguous slices whose lengths differ by at most one.

    Parameters
    ----------
    m : int
        Number of rows (samples), at least 0.
    n_chunks : int
        Number of slices, at least 1.

    Returns
    -------
    list of slice
        In order; together they cover every row exactly once.

    Raises
    ------
    TypeError, ValueError
        If ``m`` is not an integer >= 0 or ``n_chunks`` not an integer >= 1.
    """
    m = check_int("m", m, 0)
    n_chunks = check_int("n_chunks", n_chunks, 1)
    bounds = [m * i // n_chunks for i in range(n_chunks + 1)]
    return [slice(bounds[i], bounds[i + 1]) for i in range(n_chunks)]


def split_rows(m, min_rows=512):
    """The chunks of rows that :func:`map_chunks` runs side by side: one per thread, or all rows in one.

    Parameters
    ----------
    m : int
        Number of rows (samples).
    min_rows : int
        Fewest rows worth a thread of their own: there are ``min(num_threads(), m // min_rows)``
        chunks, at least 1 (one chunk runs in the calling thread; nothing is started).

    Returns
    -------
    list of slice
        Contiguous, in row order, covering ``range(m)``.

    Raises
    ------
    TypeError, ValueError
        If ``m`` is not an integer >= 0 or ``min_rows`` not an integer >= 1.
    """
    m = check_int("m", m, 0)
    min_rows = check_int("min_rows", min_rows, 1)
    n_chunks = max(1, min(num_threads(), m // min_rows))
    if getattr(_state, "in_pool", False):       # already inside a chunk: do not split again
        n_chunks = 1
    return row_chunks(m, n_chunks)


def single_threaded_blas(active=True):
    """Within this ``with`` block, BLAS uses one thread per call (when ``active``); restored on exit.

    Wrap a whole computation whose chunks :func:`map_chunks` runs side by side, not only the chunks:
    a multi-threaded product anywhere in it (even a small one between the chunks) wakes OpenBLAS's
    worker threads, which then spin for about 0.1 s on the cores the chunks need.

    Parameters
    ----------
    active : bool
        False makes this a no-op (one chunk: nothing runs side by side, BLAS keeps its threads).

    Returns
    -------
    context manager

    Raises
    ------
    TypeError
        If ``active`` is not a bool (checked when called, before the ``with`` block is entered).
    """
    return _one_blas_thread() if check_bool("active", active) else contextlib.nullcontext()


@contextlib.contextmanager
def _one_blas_thread():
    with _resources(0)[1].limit(limits=1, user_api="blas"):
        yield


def map_chunks(function, chunks):
    """Call ``function(rows)`` for each chunk at the same time; return the results in chunk order.

    The calling thread computes the first chunk while the pool's threads compute the others. Call it
    inside :func:`single_threaded_blas` when there is more than one chunk.

    Parameters
    ----------
    function : callable, slice -> object
        Computes one chunk's part. It may write into its own rows of shared arrays (the chunks are
        disjoint) but must not update other shared state: it returns partial sums instead.
    chunks : list of slice
        From :func:`split_rows`.

    Returns
    -------
    list
        ``function``'s results, in chunk order (so that sums over them are deterministic).

    Raises
    ------
    TypeError
        If ``function`` is not callable or ``chunks`` is not a list or tuple of slices.
    ValueError
        If ``chunks`` is empty.
    Whatever ``function`` raises (the first chunk's error first).
    """
    check_callable("function", function, "function(rows) with rows a slice")
    chunks = check_sequence("chunks", chunks, "slices")
    if not all(isinstance(rows, slice) for rows in chunks):
        raise TypeError(f"chunks must be a list of slices (from split_rows), got {chunks!r}")
    if not chunks:
        raise ValueError("chunks must hold at least one slice (split_rows always gives one), got none")
    if len(chunks) == 1:
        return [function(chunks[0])]
    pool = _resources(len(chunks) - 1)[0]
    futures = [pool.submit(_in_pool, function, rows) for rows in chunks[1:]]
    first = function(chunks[0])
    return [first] + [future.result() for future in futures]


def _in_pool(function, rows):
    _state.in_pool = True
    return function(rows)


def _resources(n_workers):
    """The thread pool (grown to ``n_workers`` if needed) and the BLAS thread controller, made once."""
    global _pool, _pool_size, _controller
    if n_workers and _pool_size < n_workers:
        _pool = ThreadPoolExecutor(max_workers=n_workers, thread_name_prefix="npae")
        _pool_size = n_workers
    if _controller is None:
        from threadpoolctl import ThreadpoolController      # here, not at import: see the module docstring
        _controller = ThreadpoolController()
    return _pool, _controller

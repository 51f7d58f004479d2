"""Train the student's own sparse-autoencoder cost with L-BFGS on natural-image patches and draw the student's filters.

UFLDL's ``train.m``, step 4 and 5: once ``sparseAutoencoderCost`` passes the gradient check, minimise it
with L-BFGS (400 iterations) on 10 000 8×8 patches (64-25-64, λ = 1e-4, ρ = 0.01, β = 3) and display W1:
with a correct cost the 25 hidden units become localised, oriented edge detectors. Only the student's
function computes the loss and gradient here; SciPy's L-BFGS-B does the optimising.
"""

import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

import npae
from npae.checks import check_bool, check_int, check_path
from npae.core.flat import flatten, unflatten
from npae.data.natural_images import find_ufldl_images, ufldl_patches
from npae.exercises.grader import check
from npae.exercises.mistakes import load_file
from npae.exercises.workspace import student_file, workspace_dir
from npae.plotting import display_network

NAME = "sparse_autoencoder_cost"


def train_sparse_autoencoder(path=None, *, n_patches=10000, maxiter=400, seed=0, figure=None, force=False,
                             print_every=50):
    """Minimise the student's ``sparse_autoencoder_cost`` on patches with L-BFGS; save the filters as PNG.

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The student's file (default: the workspace copy).
    n_patches : int
        Number of 8×8 patches (UFLDL: 10 000).
    maxiter : int
        L-BFGS iterations (UFLDL: 400).
    seed : int
        Seeds the patches and the initial weights.
    figure : str or pathlib.Path, optional
        Where to save the filters (default ``<workspace>/figures/sparse_autoencoder_cost_filters.png``).
    force : bool
        Train even if the file does not pass the grader.
    print_every : int
        Print the loss every this many iterations.

    Returns
    -------
    result : scipy.optimize.OptimizeResult, or None if the file does not pass (and ``force`` is False)
        With ``figure`` (the PNG's path), ``initial_loss`` and ``seconds`` added.

    Raises
    ------
    TypeError, ValueError
        If ``n_patches``, ``maxiter``, ``seed`` or ``print_every`` is not an integer in range (>= 1; seed
        >= 0), ``force`` is not a bool or ``figure`` is not a path; and as :func:`npae.exercises.check`
        for ``path``.
    """
    n_patches = check_int("n_patches", n_patches, minimum=1)
    maxiter = check_int("maxiter", maxiter, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    print_every = check_int("print_every", print_every, minimum=1)
    force = check_bool("force", force)
    if figure is not None:
        check_path("figure", figure)
    path = student_file(NAME) if path is None else path
    report = check(NAME, path, verbose=False)
    if not report.passed and not force:
        print(f"{path} does not pass yet ({report.status}): run `python -m npae.exercises check {NAME}` "
              "(or train anyway with --force).")
        return None
    student = load_file(path)
    visible, hidden, weight_decay, rho, beta = 64, 25, 1e-4, 0.01, 3.0
    rng = np.random.default_rng(seed)
    patches = ufldl_patches(n_patches, 8, rng=rng)
    template = npae.Autoencoder(visible, hidden, rng=rng).params       # UFLDL's initialisation
    theta = flatten(template)
    images = find_ufldl_images() or "whitened photographs (npae.data.natural_images; no IMAGES.mat found)"
    print(f"Training your sparse_autoencoder_cost: {n_patches} patches 8×8 from {images}, "
          f"{visible}-{hidden}-{visible}, λ={weight_decay}, ρ={rho}, β={beta}, L-BFGS up to {maxiter} iterations",
          flush=True)
    start = time.perf_counter()
    count = {"nit": 0}

    def callback(intermediate_result):
        count["nit"] += 1
        if count["nit"] % print_every == 0:
            print(f"iter {count['nit']:4d}  loss {intermediate_result.fun:.6f}  "
                  f"{time.perf_counter() - start:6.1f} s", flush=True)

    initial_loss = float(student.sparse_autoencoder_cost(theta, visible, hidden, weight_decay, rho, beta, patches)[0])
    print(f"initial loss {initial_loss:.6f}", flush=True)
    result = minimize(student.sparse_autoencoder_cost, theta, jac=True, method="L-BFGS-B", callback=callback,
                      args=(visible, hidden, weight_decay, rho, beta, patches), options={"maxiter": maxiter})
    result.seconds = time.perf_counter() - start
    result.initial_loss = initial_loss
    W1 = unflatten(result.x, template)["W1"]
    figure = workspace_dir() / "figures" / f"{NAME}_filters.png" if figure is None else Path(figure)
    figure.parent.mkdir(parents=True, exist_ok=True)
    display_network(W1, (8, 8), path=figure, pixels_per_cell=20,
                    title=f"Your {hidden} filters W1[:, j] after {result.nit} L-BFGS iterations (loss {result.fun:.4f})")
    result.figure = figure
    print(f"L-BFGS: {result.nit} iterations, {result.nfev} evaluations of your cost, final loss {result.fun:.6f}, "
          f"{result.seconds:.1f} s ({result.message})")
    print(f"Your filters (the 25 columns of W1 as 8×8 images): {figure}")
    return result

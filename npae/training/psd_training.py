"""Training a predictive sparse decomposition: alternate sparse inference and a gradient step.

Kavukcuoglu, Ranzato & LeCun (2008), "Fast inference in sparse coding algorithms with applications to
object recognition", §3. The model and its energy are in :mod:`npae.models.psd`.
"""

import time

import numpy as np

from npae.checks import check_bool, check_choice, check_data, check_instance, check_int, check_rng
from npae.errors import DivergenceError
from npae.models.psd import PSD, normalize_atoms
from npae.training.optimizers import make_optimizer

__all__ = ["train_psd"]


def train_psd(model, X, *, epochs=10, batch_size=256, n_steps=20, method="fista", optimizer="adam",
              rng=None, verbose=True):
    """Learn a PSD model by alternating inference and gradient steps (Kavukcuoglu et al. 2008, §3).

    For each minibatch:  1. H = argmin_H E from H = f(X), ``n_steps`` of ISTA/FISTA (parameters fixed);
    2. one optimizer step on D, W, b, g along :meth:`PSD.loss_and_grads` with H fixed;
    3. renormalise D's atoms (rows) to unit length.

    Parameters
    ----------
    model : PSD
        ``model.params`` is updated in place.
    X : array_like of shape (n_samples, n_visible)
    epochs : int >= 0
    batch_size : int >= 1
    n_steps : int >= 0
        Inference steps per minibatch.
    method : {"fista", "ista"}
    optimizer : str or npae.training.optimizers instance
        ``"adam"``, ``"sgd"``, ``"adadelta"`` or an instance (e.g. ``Adam(learning_rate=3e-3)``).
    rng : numpy.random.Generator, optional
        Shuffles the rows each epoch.
    verbose : bool
        Print one line per epoch.

    Returns
    -------
    dict with lists ``energy`` (mean minibatch energy of each epoch, measured after inference and
    before the step) and ``seconds``.

    Raises
    ------
    ValueError, TypeError
        Bad arguments (named in the message), before any parameter changes.
    npae.errors.DivergenceError
        If the energy, a gradient or the parameters after a step become NaN or infinite, or an atom of D
        after a step is too large for its norm to be computed (as
        :func:`npae.training.minibatch.train_minibatch` does): ``model.params`` is first restored to the
        parameters of the last finite minibatch energy, and the message names the epoch and minibatch.
    """
    check_instance("model", model, PSD, "PSD(64, 100)")
    X = check_data(X, "X", model.n_visible, model.dtype)
    epochs, batch_size = check_int("epochs", epochs, 0), check_int("batch_size", batch_size, 1)
    n_steps = check_int("n_steps", n_steps, 0)
    check_choice("method", method, ("fista", "ista"))
    verbose = check_bool("verbose", verbose)
    rng = check_rng(rng, none_means_fresh=True)
    opt = make_optimizer(optimizer)
    n = X.shape[0]
    history = {"energy": [], "seconds": []}
    last_good = {k: np.array(v, copy=True) for k, v in model.params.items()}
    last_energy = None

    def diverge(what, epoch, start_row):
        for key, value in last_good.items():
            model.params[key] = np.array(value, copy=True)
        raise DivergenceError(f"{what} became non-finite at epoch {epoch + 1}, minibatch starting at row "
                              f"{start_row} (after shuffling); model.params restored to the parameters of the "
                              f"last finite minibatch energy ({last_energy}). Lower the learning rate or check "
                              f"the scale of X.", last_finite_loss=last_energy)

    for epoch in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(n)
        total = 0.0
        for s in range(0, n, batch_size):
            Xb = X[order[s:s + batch_size]]
            H = model.infer(Xb, n_steps=n_steps, method=method)
            energy, grads = model.loss_and_grads(Xb, H)
            if not np.isfinite(energy):
                diverge("the energy", epoch, s)
            for key, value in model.params.items():            # these parameters have a finite energy
                np.copyto(last_good[key], value)
            last_energy = float(energy)
            if not all(np.isfinite(g).all() for g in grads.values()):
                diverge("a gradient", epoch, s)
            opt.step(model.params, grads)
            if not all(np.isfinite(p).all() for p in model.params.values()):
                diverge("a parameter (after the optimizer's step)", epoch, s)
            D = normalize_atoms(model.params["D"])
            # An atom too large to renormalise (its squared norm overflows: entries beyond about 1e154) comes
            # back as zeros, which inference would then refuse; that is a blow-up of the step as well.
            if (~D.any(axis=1) & model.params["D"].any(axis=1)).any():
                diverge("the norm of an atom of D (after the optimizer's step)", epoch, s)
            model.params["D"][...] = D
            total += energy * Xb.shape[0]
        history["energy"].append(total / n)
        history["seconds"].append(time.perf_counter() - start)
        if verbose:
            print(f"epoch {epoch + 1}/{epochs}  energy {history['energy'][-1]:.5f}  "
                  f"{history['seconds'][-1]:.2f} s", flush=True)
    return history

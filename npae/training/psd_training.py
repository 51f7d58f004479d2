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

    For each minibatch of X (n_samples, n_visible): 1. H = ``n_steps`` of ``method`` ("fista" or "ista") from
    H = f(X), the parameters fixed (:meth:`PSD.infer`); 2. one ``optimizer`` step ("adam", "sgd", "adadelta" or an
    instance) on D, W, b, g along :meth:`PSD.loss_and_grads` with H fixed; 3. D's atoms renormalised to unit
    length. ``model.params`` is updated in place; ``rng`` shuffles the rows each epoch; ``verbose`` prints one
    line per epoch. Returns {"energy": the mean minibatch energy of each epoch (after inference, before the
    step), "seconds": …}.

    Raises ValueError/TypeError naming a bad argument, before any parameter changes.
    :class:`npae.errors.DivergenceError` if the energy, a gradient, the parameters after a step or the norm of an
    atom become non-finite: ``model.params`` is first restored to those of the last finite minibatch energy, and
    the message names the epoch and the minibatch.
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

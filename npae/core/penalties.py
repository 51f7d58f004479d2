"""Regularisers that plug into the one autoencoder backprop (``shared/README.md``, "penalties as plug-ins").

A penalty Ω(θ, h) contributes three things to :meth:`npae.models.autoencoder.Autoencoder.loss_and_grads`:

1. its **value**, added to the loss;
2. its gradient **with respect to the code** ∂Ω/∂H, added to the error that the decoder sends back
   to the code *before* the encoder's f'(Z1) is applied — UFLDL's "KL delta term" is exactly this;
3. its **direct gradients** with respect to parameters, ∂Ω/∂W with H held fixed (weight decay;
   the contractive penalty's 2 s² W term).

The protocol is a single call::

    value, dH, direct = penalty(params, H, scale)

with ``params`` the model's parameter dict (``W1``, ``b1``, and ``W2``, ``b2`` unless tied),
``H`` the code of shape (m, n_hidden), ``scale = 1/m``; ``dH`` is ``None`` or an array that
*broadcasts* to (m, n_hidden) (the KL term is the same for every sample, so it is returned with shape
(n_hidden,) — the vectorised version of UFLDL's ``repmat``), and ``direct`` is a dict of arrays keyed
like ``params`` (possibly empty). Every term is normalised as the design card says; each class says so.

Penalties are *configurations*, not models: sparse, contractive and L1-sparse autoencoders are the same
:class:`~npae.models.autoencoder.Autoencoder` with a different list of penalties.
"""

import numbers

import numpy as np


def _check_weight(value, name):
    """Return ``value`` as a float after checking it is a finite number ≥ 0 (else ValueError/TypeError)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number >= 0, got {type(value).__name__}")
    value = float(value)
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return value


class Penalty:
    """Base class: a penalty is called as ``penalty(params, H, scale) -> (value, dH, direct)``.

    Attributes
    ----------
    needs_sigmoid_code : bool
        True when the formula assumes h = σ(z) ∈ (0, 1) (KL sparsity, the contractive closed form);
        the model refuses such a penalty with another encoder.
    """

    needs_sigmoid_code = False

    def __call__(self, params, H, scale):  # pragma: no cover - documented protocol
        raise NotImplementedError

    def config(self):
        """The constructor arguments, as a dict (used to save a model and to print it)."""
        return dict(vars(self))

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items())
        return f"{type(self).__name__}({args})"


class WeightDecay(Penalty):
    """Weight decay (λ/2) Σ_l ‖W_l‖²_F over the weight matrices; biases are not decayed.

    Implements UFLDL's second term of J(W, b) (sparse autoencoder notes, §2.2):
    (λ/2) Σ_l Σ_i Σ_j (W⁽ˡ⁾_ji)², with gradient λ W for each weight matrix.
    With tied weights there is one matrix, so the penalty is (λ/2)‖W1‖²_F.
    It does not depend on the data, so it has no 1/m and no gradient through the code.

    Parameters
    ----------
    weight_decay : float ≥ 0
        λ (UFLDL's ``lambda``; 1e-4 in the sparse-autoencoder exercise).

    Raises
    ------
    ValueError, TypeError
        If ``weight_decay`` is negative, not finite, or not a number.
    """

    def __init__(self, weight_decay):
        self.weight_decay = _check_weight(weight_decay, "weight_decay")

    def __call__(self, params, H, scale):
        lam = self.weight_decay
        weights = [name for name in params if name.startswith("W")]   # W1, and W2 unless tied
        value = 0.5 * lam * sum(float(np.vdot(params[k], params[k])) for k in weights)
        direct = {k: lam * params[k] for k in weights}                 # ∂/∂W = λ W
        return value, None, direct


class KLSparsity(Penalty):
    """KL sparsity penalty β Σⱼ KL(ρ ‖ ρ̂ⱼ), with ρ̂ⱼ the mean activation of hidden unit j over the batch.

    Implements UFLDL ("Autoencoders and sparsity"):
    ρ̂ⱼ = (1/m) Σᵢ hⱼ(x⁽ⁱ⁾),
    KL(ρ ‖ ρ̂) = ρ log(ρ/ρ̂) + (1 - ρ) log((1 - ρ)/(1 - ρ̂)),
    and its gradient with respect to hᵢⱼ, which is the same for every sample i:
    ∂/∂hᵢⱼ = (1/m) β (-ρ/ρ̂ⱼ + (1 - ρ)/(1 - ρ̂ⱼ)).
    That is UFLDL's "delta term", which the notes add to Σ W⁽²⁾ δ⁽³⁾ before multiplying by f'(z⁽²⁾);
    here it carries the 1/m of the mean because our deltas do.

    Because ρ̂ is a mean over the batch, the penalty couples the samples: it needs a full forward
    pass over the batch before any delta can be computed (UFLDL says the same).

    Parameters
    ----------
    rho : float in (0, 1)
        The sparsity target ρ (UFLDL ``sparsityParam``: 0.01 for image patches, 0.1 for MNIST).
    beta : float ≥ 0
        β, the weight of the penalty (UFLDL: 3).

    Raises
    ------
    ValueError, TypeError
        If ``rho`` is not in the open interval (0, 1) or ``beta`` is negative or not finite.
    """

    needs_sigmoid_code = True

    def __init__(self, rho, beta):
        if isinstance(rho, bool) or not isinstance(rho, numbers.Real):
            raise TypeError(f"rho must be a real number in (0, 1), got {type(rho).__name__}")
        if not 0.0 < float(rho) < 1.0:
            raise ValueError(f"rho must be in the open interval (0, 1), got {rho!r}")
        self.rho = float(rho)
        self.beta = _check_weight(beta, "beta")

    def __call__(self, params, H, scale):
        rho, beta = self.rho, self.beta
        rho_hat = H.mean(axis=0, dtype=np.float64)                     # (n_hidden,)
        kl = rho * np.log(rho / rho_hat) + (1 - rho) * np.log((1 - rho) / (1 - rho_hat))
        value = beta * float(kl.sum())
        # UFLDL's sparsity delta, β(-ρ/ρ̂ + (1-ρ)/(1-ρ̂)), times 1/m; shape (n_hidden,),
        # broadcast over the m rows by the model (the vectorised repmat).
        dH = (scale * beta * (-rho / rho_hat + (1 - rho) / (1 - rho_hat))).astype(H.dtype)
        return value, dH, {}


class L1Sparsity(Penalty):
    """L1 sparsity penalty λ · mean over samples of Σⱼ |hⱼ| (Goodfellow et al. §14.2.1).

    Read as a prior: with a Laplace prior p(hᵢ) = (λ/2) e^{-λ|hᵢ|} on each code unit,
    -log p(h) = Σᵢ (λ|hᵢ| - log(λ/2)), whose h-dependent part is this penalty — the sparse autoencoder
    is then approximately maximum likelihood of a generative model with latent h.

    Gradient with respect to the code: ∂/∂hᵢⱼ = (λ/m) sign(hᵢⱼ) (for a sigmoid code h > 0, so it is
    the constant λ/m; at h = 0 — possible with a ReLU code — the subgradient 0 is taken).

    Parameters
    ----------
    lam : float ≥ 0
        λ, the weight of the penalty.

    Raises
    ------
    ValueError, TypeError
        If ``lam`` is negative, not finite, or not a number.
    """

    def __init__(self, lam):
        self.lam = _check_weight(lam, "lam")

    def __call__(self, params, H, scale):
        value = self.lam * scale * float(np.abs(H).sum())
        dH = (self.lam * scale) * np.sign(H)                           # (m, n_hidden)
        return value, dH, {}


class Contractive(Penalty):
    """Contractive penalty λ · mean over samples of ‖∂h/∂x‖²_F, for a sigmoid encoder.

    Implements Rifai et al. (2011), "Contractive auto-encoders", eq. (2) and its closed form for
    h = σ(W1ᵀx + b1) (Goodfellow et al. §14.7). The Jacobian of the code is
    ∂hⱼ/∂xₖ = sⱼ W1[k, j], with sⱼ = hⱼ(1 - hⱼ) = σ'(zⱼ), so

        ‖J(x)‖²_F = Σⱼ sⱼ² wⱼ,   wⱼ = Σₖ W1[k, j]² = ‖W1[:, j]‖².

    Ω = (λ/m) Σᵢ Σⱼ sᵢⱼ² wⱼ. Its gradient, derived by hand (checked numerically in the tests):

    - direct term, H fixed:     ∂Ω/∂W1[k, j] = (λ/m) Σᵢ sᵢⱼ² · 2 W1[k, j] = 2 (λ/m) W1[k, j] Σᵢ sᵢⱼ²;
    - through the code:          ∂Ω/∂hᵢⱼ = (λ/m) 2 sᵢⱼ (1 - 2hᵢⱼ) wⱼ, since ∂s/∂h = 1 - 2h.
      The model multiplies this by σ'(z) = s, giving ∂Ω/∂zᵢⱼ = (λ/m) 2 s (1 - 2h) s wⱼ
      = (λ/m) 2 s σ''(z) wⱼ with σ''(z) = s (1 - 2h): the sigmoid's second derivative. Through Z1 it
      reaches W1 (as Xᵀ δ) and b1 (as Σᵢ δ).

    The per-sample Jacobian tensor (m × n_hidden × n_visible) is never built: the penalty costs
    O(m·n_hidden + n_visible·n_hidden) memory, and its gradient through the code rides on the
    encoder's existing product Xᵀ δ².

    Parameters
    ----------
    lam : float ≥ 0
        λ, the contraction weight (Rifai et al.'s λ; Theano tutorial ``contraction_level``).

    Raises
    ------
    ValueError, TypeError
        If ``lam`` is negative, not finite, or not a number.
    """

    needs_sigmoid_code = True

    def __init__(self, lam):
        self.lam = _check_weight(lam, "lam")

    def __call__(self, params, H, scale):
        W1 = params["W1"]                                              # (n_visible, n_hidden)
        w = np.einsum("kj,kj->j", W1, W1)                              # wⱼ = ‖W1[:, j]‖², (n_hidden,)
        s = H * (1.0 - H)                                              # sᵢⱼ = hᵢⱼ(1 - hᵢⱼ), (m, n_hidden)
        s2_sum = np.einsum("ij,ij->j", s, s)                           # Σᵢ sᵢⱼ², (n_hidden,)
        value = self.lam * scale * float(s2_sum @ w)
        # through the code: (λ/m) 2 s (1 - 2h) w, shape (m, n_hidden), built in s's memory
        dH = s
        dH *= 1.0 - 2.0 * H
        dH *= (2.0 * self.lam * scale) * w
        # direct: 2 (λ/m) W1 ∘ (Σᵢ s²) broadcast over rows of W1, shape (n_visible, n_hidden)
        direct = {"W1": (2.0 * self.lam * scale) * W1 * s2_sum}
        return value, dH, direct

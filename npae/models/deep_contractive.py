"""A deep contractive autoencoder trained jointly: a contractive penalty on every encoder layer, one loss.

Rifai et al. (2011) stack contractive autoencoders greedily, each layer trained alone on the codes of the one
below (:func:`npae.training.stacking.greedy_pretrain` with :class:`npae.core.penalties.Contractive`). Here the
same penalties are trained *jointly*, with the reconstruction of x through the whole unrolled network::

    A⁽¹⁾ = X,  A⁽ˡ⁺¹⁾ = σ(A⁽ˡ⁾ W⁽ˡ⁾ + b⁽ˡ⁾)             encoder, l = 1 … K (the code is A⁽ᴷ⁺¹⁾)
    decoder layer 2K + 1 − l uses W⁽ˡ⁾ᵀ (tied)       r(x) = σ(z⁽²ᴷ⁺¹⁾)
    J = (1/m) Σᵢ CE(x⁽ⁱ⁾, r(x⁽ⁱ⁾)) + Σₗ λ (1/m) Σᵢ ‖∂a⁽ˡ⁺¹⁾/∂a⁽ˡ⁾‖²_F at x⁽ⁱ⁾

Each layer's penalty is :class:`~npae.core.penalties.Contractive` applied to that layer alone (its W and its
output), so that the objective is term for term the greedy stack's, only optimised together. The gradient:
the reconstruction's error goes down the whole network by the one layer recurrence
(:func:`npae.models.deep.stack_backward`); each penalty's error ∂Ω/∂a⁽ˡ⁺¹⁾, times σ', goes down the encoder's
first l layers by the same recurrence (backprop is linear in the error it carries, so the contributions add);
each penalty's direct term in W⁽ˡ⁾ is added; a tied matrix gets the sum of its encoder and decoder uses.
"""

import numpy as np

from npae.checks import check_choice, check_data, check_float_dtype, check_int, check_real, check_rng, check_sequence
from npae.core.activations import get_activation
from npae.core.flat import check_params
from npae.core.layers import INITS, initial_weights
from npae.core.losses import cross_entropy
from npae.core.penalties import Contractive
from npae.models.deep import stack_backward, stack_forward

__all__ = ["DeepContractiveAutoencoder"]


class DeepContractiveAutoencoder:
    """A tied sigmoid deep autoencoder with a contractive penalty λ on every encoder layer (Bernoulli decoder).

    Parameters
    ----------
    layer_sizes : sequence of int ≥ 1, length ≥ 2
        The encoder's widths [n₀, n₁, …, n_K]; the decoder mirrors them.
    lam : float ≥ 0
        λ of every layer's penalty (0: a plain tied deep autoencoder).
    rng : numpy.random.Generator, optional
        Draws the initial weights (None: fresh, unseeded).
    dtype : {numpy.float64, numpy.float32}
    init : {"glorot", "ufldl"}

    Attributes
    ----------
    params : dict
        ``W1`` (n₀, n₁) … ``WK`` (n_{K−1}, n_K), and biases ``b1`` … ``b{2K}`` (b⁽ᴷ⁺ʲ⁾ of the decoder's layers).
    n_visible, n_hidden : int
        n₀ and the code width n_K.
    decoder : Activation
        The sigmoid of the output (the trainers read it: the data must lie in [0, 1]).

    Raises
    ------
    ValueError, TypeError
        For fewer than two sizes, a size below 1, a negative λ, a bad dtype or init.
    """

    def __init__(self, layer_sizes, *, lam, rng=None, dtype=np.float64, init="glorot"):
        sizes = check_sequence("layer_sizes", layer_sizes, "layer widths")
        if len(sizes) < 2:
            raise ValueError(f"layer_sizes must hold at least 2 widths, got {layer_sizes!r}")
        self.layer_sizes = [check_int(f"layer_sizes[{i}]", s, 1) for i, s in enumerate(sizes)]
        self.depth = len(self.layer_sizes) - 1
        self.n_visible, self.n_hidden = self.layer_sizes[0], self.layer_sizes[-1]
        self.penalty = Contractive(check_real("lam", lam, 0))
        self.dtype = check_float_dtype(dtype)
        check_choice("init", init, INITS)
        self.sigmoid = self.decoder = get_activation("sigmoid")
        rng = check_rng(rng, none_means_fresh=True)
        self.params = {}
        for l in range(1, self.depth + 1):
            self.params[f"W{l}"] = initial_weights(rng, self.layer_sizes[l - 1], self.layer_sizes[l], init, self.dtype)
        for name, shape in self.param_shapes().items():
            if name.startswith("b"):
                self.params[name] = np.zeros(shape, dtype=self.dtype)

    def param_shapes(self):
        """The shape of every parameter: ``W1`` … ``WK``, then ``b1`` … ``b{2K}``."""
        widths = self.layer_sizes + self.layer_sizes[-2::-1]              # n₀ … n_K … n₀
        shapes = {f"W{l}": (widths[l - 1], widths[l]) for l in range(1, self.depth + 1)}
        shapes.update({f"b{l}": (widths[l],) for l in range(1, 2 * self.depth + 1)})
        return shapes

    def _weights(self, p):
        """The 2K matrices of the unrolled network: W⁽¹⁾ … W⁽ᴷ⁾, then W⁽ᴷ⁾ᵀ … W⁽¹⁾ᵀ (views)."""
        encoder = [p[f"W{l}"] for l in range(1, self.depth + 1)]
        return encoder + [W.T for W in reversed(encoder)]

    def _biases(self, p):
        return [p[f"b{l}"] for l in range(1, 2 * self.depth + 1)]

    def encoder_layers(self, params=None):
        """The encoder as a list of (W, b), bottom to top (for :func:`npae.analysis.jacobian.stacked_encoder_jacobian`)."""
        p = check_params(self.params if params is None else params, self.param_shapes())
        return [(p[f"W{l}"], p[f"b{l}"]) for l in range(1, self.depth + 1)]

    def encode(self, X, params=None):
        """The code A⁽ᴷ⁺¹⁾ of every row of X: (m, n_hidden) of ``self.dtype``."""
        H = check_data(X, "X", self.n_visible, self.dtype)
        for W, b in self.encoder_layers(params):
            H = self.sigmoid.forward(H @ W + b)
        return H

    def logits(self, X, params=None):
        """The output's pre-activation z⁽²ᴷ⁺¹⁾ for every row of X: (m, n_visible) of ``self.dtype``."""
        p = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_visible, self.dtype)
        return stack_forward(X, self._weights(p), self._biases(p), [self.sigmoid] * (2 * self.depth - 1))[1][-1]

    def reconstruct(self, X, params=None):
        """r(x) = σ(z⁽²ᴷ⁺¹⁾) for every row of X: (m, n_visible) of ``self.dtype``."""
        return self.sigmoid.forward(self.logits(X, params))

    def loss(self, X, target=None, params=None):
        """J alone; arguments as :meth:`loss_and_grads`."""
        return self.loss_and_grads(X, target, params)[0]

    def loss_and_grads(self, X, target=None, params=None):
        """J (module docstring), a mean over the m samples, and its gradient in every parameter.

        Parameters
        ----------
        X : array_like of shape (m, n_visible), values in [0, 1]
        target : None, or X itself
            The model reconstructs its input (the trainers pass X as the target).
        params : dict, optional
            Evaluate here instead of at ``self.params`` (nothing is mutated).

        Returns
        -------
        loss : float
        grads : dict keyed and shaped like the parameters

        Raises
        ------
        ValueError, TypeError
            If X is not a finite (m, n_visible) array in [0, 1], a target other than X is given, or
            ``params`` is malformed.
        """
        p = check_params(self.params if params is None else params, self.param_shapes())
        X = check_data(X, "X", self.n_visible, self.dtype, unit_interval=True)
        if target is not None and target is not X and not np.array_equal(target, X):
            raise ValueError("target must be None or X itself: the model reconstructs its input")
        K, f, inv_m = self.depth, self.sigmoid, 1.0 / X.shape[0]
        weights, activations = self._weights(p), [f] * (2 * K - 1)
        # forward: inputs[l − 1] = A⁽ˡ⁾, pre[l − 1] = Z⁽ˡ⁺¹⁾ (l = 1 … 2K); the code is inputs[K]
        inputs, pre = stack_forward(X, weights, self._biases(p), activations)
        loss, delta_out = cross_entropy(pre[-1], X, f, inv_m)               # (1/m) Σ CE, δ at the output
        layer_grads = {l: list(g) for l, g in stack_backward(delta_out, inputs, pre, weights, activations).items()}
        for l in range(1, K + 1):                                            # the penalty on encoder layer l
            value, dOmega_dA, direct = self.penalty({"W1": p[f"W{l}"]}, inputs[l], inv_m)
            loss += value
            delta = dOmega_dA * f.derivative(pre[l - 1], inputs[l])          # ∂Ω/∂Z⁽ˡ⁺¹⁾
            for k, (dW, db) in stack_backward(delta, inputs[:l], pre[:l], weights[:l], activations[:l - 1]).items():
                layer_grads[k][0] = layer_grads[k][0] + dW
                layer_grads[k][1] = layer_grads[k][1] + db
            layer_grads[l][0] = layer_grads[l][0] + direct["W1"]
        grads = {}
        for l in range(1, K + 1):                                            # tied: encoder use + decoder useᵀ
            grads[f"W{l}"] = layer_grads[l][0] + layer_grads[2 * K + 1 - l][0].T
        for l in range(1, 2 * K + 1):
            grads[f"b{l}"] = layer_grads[l][1]
        return loss, {name: grads[name] for name in p}

    @classmethod
    def from_stack(cls, models, *, lam, dtype=None):
        """A joint model initialised from a greedily trained stack of tied sigmoid autoencoders (bottom to top).

        Encoder layer l takes ``models[l−1]``'s W1 and b1; its mirrored decoder layer takes that model's b2.

        Raises
        ------
        ValueError, TypeError
            If the models do not chain, are not tied, or ``lam`` is negative.
        """
        models = check_sequence("models", models, "tied Autoencoders, bottom to top", nonempty=True)
        for k, m in enumerate(models):
            if not getattr(m, "tied", False) or getattr(getattr(m, "encoder", None), "name", None) != "sigmoid":
                raise ValueError(f"models[{k}] must be a tied autoencoder with a sigmoid encoder")
            if k and m.n_visible != models[k - 1].n_hidden:
                raise ValueError(f"models[{k}] has n_visible {m.n_visible}, but models[{k - 1}] has n_hidden "
                                 f"{models[k - 1].n_hidden}: the layers must chain")
        sizes = [models[0].n_visible] + [m.n_hidden for m in models]
        net = cls(sizes, lam=lam, dtype=models[0].dtype if dtype is None else dtype)
        K = len(models)
        for l, m in enumerate(models, start=1):
            net.params[f"W{l}"] = np.array(m.params["W1"], dtype=net.dtype)
            net.params[f"b{l}"] = np.array(m.params["b1"], dtype=net.dtype)
            net.params[f"b{2 * K + 1 - l}"] = np.array(m.params["b2"], dtype=net.dtype)
        return net

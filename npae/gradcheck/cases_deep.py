"""Gradient checks of the deep models: softmax regression, the stacked classifier, the deep autoencoder.

Same recipe as :mod:`npae.gradcheck.cases`: float64, a small problem, parameters drawn away from the
initialisation (normal with standard deviation 0.6, biases non-zero), every block compared separately.
The stacked classifier is checked at the size of UFLDL's ``checkStackedAECost.m`` (a 64-36-25 network,
4 classes, 10 examples) and at smaller, deeper ones,
the deep autoencoder at several depths, tied and untied, with each loss.
"""

from dataclasses import dataclass, field

import numpy as np

from npae.models.deep import DeepAutoencoder, StackedClassifier, _forward
from npae.models.softmax import Softmax
from npae.checks import check_choice, check_int, check_sequence
from . import check_gradients, check_method_and_step


def _draw(params, rng, std=0.6):
    return {name: rng.normal(0.0, std, value.shape) for name, value in params.items()}


@dataclass(frozen=True)
class DeepCase:
    """One gradient check of a deep model.

    Attributes
    ----------
    name : str
    kind : {"softmax", "classifier", "deep_ae"}
    sizes : tuple of int
        Softmax: (n_features, n_classes); classifier: (n₀, …, n_K, n_classes); deep AE: (n₀, …, n_K).
    options : dict
        Keyword arguments of the model.
    n_samples, seed : int
    one_hot : bool
        Pass the labels as a one-hot matrix (what train_minibatch does) instead of integers.
    std : float
        Standard deviation of the parameters drawn. Deep sigmoid stacks use 1.0: every sigmoid layer
        scales the backpropagated error by its slope (at most ¼), so with small weights the first
        layers' gradients of a 6-layer network are ~1e-4 of the loss, and the finite difference's
        rounding error (≈ machine epsilon · |J| / h) becomes a visible fraction of them (measured at
        std 0.6: b1 up to 3.7e-9 relative; at std 1.0: below 4e-10). Larger weights keep them measurable.
    """

    name: str
    kind: str
    sizes: tuple
    options: dict = field(default_factory=dict)
    n_samples: int = 10
    seed: int = 0
    one_hot: bool = False
    std: float = 0.6

    def check(self):
        """Check the fields (build() calls this first); ValueError/TypeError naming the bad one."""
        check_choice("kind", self.kind, ("softmax", "classifier", "deep_ae"))
        sizes = check_sequence("sizes", self.sizes, "layer sizes")
        if len(sizes) < 2 or (self.kind == "softmax" and len(sizes) != 2):
            need = "2 sizes (n_features, n_classes)" if self.kind == "softmax" else "at least 2 sizes"
            raise ValueError(f"sizes must hold {need} for kind={self.kind!r}, got {self.sizes!r}")
        for i, size in enumerate(sizes):
            check_int(f"sizes[{i}]", size, 1)
        check_int("n_samples", self.n_samples, 1)

    def build(self):
        """Return (loss_and_grads(params) callable, params) for :func:`~npae.gradcheck.check_gradients`."""
        self.check()
        rng = np.random.default_rng(self.seed)
        if self.kind == "deep_ae":
            model = DeepAutoencoder(list(self.sizes), rng=rng, **self.options)
            if model.decoder.name == "linear":
                X = rng.standard_normal((self.n_samples, self.sizes[0]))
            else:
                X = rng.uniform(0.0, 1.0, (self.n_samples, self.sizes[0]))
            params = _draw(model.params, rng, self.std)
            if model.activation.name == "relu":            # redraw until no hidden unit sits near its kink
                for _ in range(1000):
                    _, Z = _forward(X, *model._layers(params))
                    if min(np.abs(Z[l]).min() for l in range(2, 2 * model.depth + 1)) > 0.05:   # hidden layers
                        break
                    params = _draw(model.params, rng, self.std)
            return (lambda p: model.loss_and_grads(X, params=p)), params
        if self.kind == "softmax":
            n_features, n_classes = self.sizes
            model = Softmax(n_features, n_classes, rng=rng, **self.options)
        else:
            *layers, n_classes = self.sizes
            model = StackedClassifier(layers, n_classes, rng=rng, **self.options)
        X = rng.uniform(0.0, 1.0, (self.n_samples, self.sizes[0]))
        y = rng.integers(0, n_classes, self.n_samples)
        if self.one_hot:
            y = np.eye(n_classes)[y]
        return (lambda p: model.loss_and_grads(X, y, params=p)), _draw(model.params, rng, self.std)

    def run(self, method="five_point", step=None):
        """Build the problem and return its :class:`~npae.gradcheck.GradCheck` (``method``, ``step`` as
        :func:`~npae.gradcheck.numerical_gradient`; ValueError/TypeError naming them if bad)."""
        method, step = check_method_and_step(method, step)
        loss_and_grads, params = self.build()
        return check_gradients(loss_and_grads, params, method, step)


def softmax_cases():
    """Softmax regression alone: with and without weight decay, integer and one-hot labels."""
    return [DeepCase("softmax 8->4 no decay", "softmax", (8, 4), dict(weight_decay=0.0), seed=700),
            DeepCase("softmax 8->4 weight_decay", "softmax", (8, 4), dict(weight_decay=0.1), seed=701),
            DeepCase("softmax 6->3 weight_decay one-hot labels", "softmax", (6, 3), dict(weight_decay=0.1),
                     seed=702, one_hot=True)]


def classifier_cases():
    """The stacked classifier (UFLDL stackedAECost), at 64-36-25 with 4 classes, and deeper/ReLU variants."""
    return [
        DeepCase("stacked classifier 64-36-25 softmax 4 weight_decay 1e-4",
                 "classifier", (64, 36, 25, 4), dict(weight_decay=1e-4), n_samples=10, seed=710),
        DeepCase("stacked classifier 8-6-5-4 softmax 3 weight_decay + encoder decay", "classifier",
                 (8, 6, 5, 4, 3), dict(weight_decay=0.1, encoder_weight_decay=0.05), seed=711),
        DeepCase("stacked classifier 8-6 softmax 3 one layer", "classifier", (8, 6, 3), seed=712),
        DeepCase("stacked classifier 8-6-5 softmax 3 one-hot labels", "classifier", (8, 6, 5, 3),
                 seed=713, one_hot=True),
    ]


def deep_autoencoder_cases():
    """The deep autoencoder: depths 1-3, untied and tied, each loss/decoder, weight decay, a linear code."""
    cases, seed = [], 720
    outputs = (("squared_error", "sigmoid"), ("cross_entropy", "sigmoid"), ("squared_error", "linear"))
    for sizes in ((8, 5), (8, 6, 4), (9, 7, 5, 3)):
        for loss, decoder in outputs:
            for tied in (False, True):
                seed += 1
                name = (f"deep AE {'-'.join(map(str, sizes))} {loss}/{decoder} "
                        f"{'tied' if tied else 'untied'} weight_decay")
                cases.append(DeepCase(name, "deep_ae", sizes,
                                      dict(loss=loss, decoder=decoder, tied=tied, weight_decay=0.03), seed=seed,
                                      std=1.0 if len(sizes) > 3 else 0.6))
    cases.append(DeepCase("deep AE 8-6-4 linear code cross_entropy tied", "deep_ae", (8, 6, 4),
                          dict(code="linear", loss="cross_entropy", tied=True), seed=760))
    cases.append(DeepCase("deep AE 8-6-4 relu squared_error/linear untied", "deep_ae", (8, 6, 4),
                          dict(activation="relu", decoder="linear"), seed=761))
    cases.append(DeepCase("deep AE 8-6-4 relu squared_error/linear tied", "deep_ae", (8, 6, 4),
                          dict(activation="relu", decoder="linear", tied=True), seed=762))
    return cases


def deep_cases():
    """Every deep case, in the order the table prints them."""
    return softmax_cases() + classifier_cases() + deep_autoencoder_cases()

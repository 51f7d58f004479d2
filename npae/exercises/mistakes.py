"""The catalogue of classic mistakes: each a named, small edit of an exercise's worked solution, with a hint.

A mistake is kept as the edit that makes it (``old`` text of the solution -> ``new`` text), not as a second
copy of the code: :func:`mutated_module` applies the edit to the solution's source and runs the result.
The grader runs every mutated solution of an exercise on the same problems as the student's file and
reports the mistake whose outputs the student's match (:func:`npae.exercises.grader.grade`); the tests
inject each mistake into its solution and check that the grader names it.
"""

import importlib.util
import types
from dataclasses import dataclass
from pathlib import Path

from npae.checks import check_instance, check_path

SOLUTIONS = Path(__file__).parent / "solutions"


@dataclass(frozen=True)
class Mistake:
    """A classic mistake in one exercise.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"kl_delta_missing"``.
    exercise : str
        The exercise it belongs to.
    title : str
        What the mistake is, in one line.
    hint : str
        What to look at to fix it.
    edits : tuple of (str, str)
        Each ``(old, new)`` replaces text that occurs exactly once in the solution's source.
    """

    name: str
    exercise: str
    title: str
    hint: str
    edits: tuple


def _m(exercise, name, title, hint, *edits):
    return Mistake(name, exercise, title, hint, tuple(edits))


CATALOGUE = [
    # ---- numerical_gradient
    _m("numerical_gradient", "central_without_half",
       "two-point difference divided by ε instead of 2ε (every estimate twice too large)",
       "[f(θ+ε) − f(θ−ε)] spans a distance of 2ε: the weights are (+1/2, −1/2), not (+1, −1).",
       ("(1.0, -1.0), (0.5, -0.5)", "(1.0, -1.0), (1.0, -1.0)")),
    _m("numerical_gradient", "one_sided_difference",
       "a one-sided (forward) difference [f(θ+ε) − f(θ)]/ε instead of a central one",
       "The forward difference has an O(ε) error (≈ 1e-4 relative); the central one O(ε²). Evaluate at θ+ε and θ−ε.",
       ("(1.0, -1.0), (0.5, -0.5)", "(1.0, 0.0), (1.0, -1.0)")),
    _m("numerical_gradient", "entry_not_restored",
       "a perturbed entry is not put back before the next one is perturbed",
       "After the evaluations for entry k, set θₖ back to its original value; otherwise every later "
       "estimate is taken at a drifting point.",
       ("            block[k] = original\n            grad[k]", "            grad[k]")),
    _m("numerical_gradient", "float32_parameters",
       "the gradient check runs on float32 parameters",
       "float32 keeps ~7 digits: f(θ+h) − f(θ−h) loses most of them. Copy the parameters as float64.",
       ("np.array(block, dtype=np.float64)", "np.array(block, dtype=np.float32)")),
    # ---- autoencoder_backprop
    _m("autoencoder_backprop", "output_slope_missing",
       "f′ missing at the output: δ³ = (1/m)(x̂ − x) without ∘ x̂(1 − x̂)",
       "The output is x̂ = σ(Z2); ∂J/∂Z2 needs σ′(Z2) = x̂(1 − x̂). (Only a linear decoder or the "
       "cross-entropy drops it.)",
       ("(X_hat - X) * X_hat * (1 - X_hat) / m", "(X_hat - X) / m")),
    _m("autoencoder_backprop", "hidden_slope_missing",
       "f′ missing at the hidden layer: δ² = δ³W2ᵀ without ∘ h(1 − h)",
       "δ² = ∂J/∂Z1 = ∂J/∂H ∘ σ′(Z1), and σ′(Z1) = H(1 − H).",
       ("(delta3 @ W2.T) * H * (1 - H)", "(delta3 @ W2.T)")),
    _m("autoencoder_backprop", "sigmoid_slope_of_h",
       "σ′ evaluated as σ(h)(1 − σ(h)), on the activation h instead of the pre-activation z",
       "σ′(z) = σ(z)(1 − σ(z)) = h(1 − h): with h = σ(z) already computed, use H * (1 - H); do not apply σ again.",
       ("(delta3 @ W2.T) * H * (1 - H)", "(delta3 @ W2.T) * expit(H) * (1 - expit(H))")),
    _m("autoencoder_backprop", "h_one_minus_h_of_z",
       "σ′ written as z(1 − z) on the pre-activation z instead of h(1 − h) on the activation",
       "The cheap form of σ′ uses the sigmoid's output: σ′(z) = h(1 − h) with h = σ(z), not z(1 − z).",
       ("(delta3 @ W2.T) * H * (1 - H)", "(delta3 @ W2.T) * Z1 * (1 - Z1)")),
    _m("autoencoder_backprop", "transposed_weight_gradient",
       "a transposed weight gradient: δ²ᵀX instead of Xᵀδ²",
       "∂J/∂W1 has W1's shape (n_visible, n_hidden): it is Xᵀδ² (the layer's input transposed, times its delta).",
       ("grad_W1 = X.T @ delta2", "grad_W1 = delta2.T @ X")),
    # ---- sparse_autoencoder_cost
    _m("sparse_autoencoder_cost", "kl_delta_missing",
       "the KL delta term is missing from δ²",
       "The sparsity penalty depends on H through ρ̂: add (β/m)(−ρ/ρ̂ + (1−ρ)/(1−ρ̂)) to δ³W2ᵀ before "
       "multiplying by H(1 − H).",
       ("delta3 @ W2.T + sparsity_delta", "delta3 @ W2.T")),
    _m("sparse_autoencoder_cost", "kl_delta_wrong_sign",
       "the KL delta term is subtracted instead of added",
       "∂J/∂H = δ³W2ᵀ + ∂Ω/∂H: the penalty's gradient is added, with the sign of β(−ρ/ρ̂ + (1−ρ)/(1−ρ̂)).",
       ("delta3 @ W2.T + sparsity_delta", "delta3 @ W2.T - sparsity_delta")),
    _m("sparse_autoencoder_cost", "kl_delta_without_mean",
       "the KL delta term without the 1/m of the mean (UFLDL's form, whose deltas carry no 1/m)",
       "∂ρ̂ⱼ/∂Hᵢⱼ = 1/m: since our δ³ carries 1/m, the sparsity term needs it too: (β/m)(…).",
       ("(1 - rho) / (1 - rho_hat)) / m", "(1 - rho) / (1 - rho_hat))")),
    _m("sparse_autoencoder_cost", "rho_hat_wrong_axis",
       "ρ̂ averaged over the wrong axis (over the hidden units of each sample, not over the samples)",
       "ρ̂ⱼ is hidden unit j's mean activation over the m samples: H.mean(axis=0), shape (n_hidden,).",
       ("rho_hat = H.mean(axis=0)", "rho_hat = H.mean(axis=1, keepdims=True)")),
    _m("sparse_autoencoder_cost", "one_over_m_missing",
       "the 1/m missing from δ³ (the gradient of a sum, the loss of a mean)",
       "J is a mean over the m samples: δ³ = (1/m)(x̂ − x) ∘ x̂(1 − x̂).",
       ("delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m", "delta3 = (X_hat - X) * X_hat * (1 - X_hat)")),
    _m("sparse_autoencoder_cost", "bias_gradient_mean",
       "the 1/m applied twice: the bias gradient is a mean of δ³, which already carries 1/m",
       "δ³ already holds the 1/m; ∂J/∂b2 = Σᵢ δ³ᵢ, a sum over the samples.",
       ("grad_b2 = delta3.sum(axis=0)", "grad_b2 = delta3.mean(axis=0)")),
    _m("sparse_autoencoder_cost", "weight_decay_on_biases",
       "weight decay applied to the biases too",
       "The decay term is (λ/2)(‖W1‖² + ‖W2‖²): biases are not decayed, in the loss or the gradient.",
       ("(np.sum(W1 ** 2) + np.sum(W2 ** 2))", "(np.sum(W1 ** 2) + np.sum(W2 ** 2) + np.sum(b1 ** 2) + np.sum(b2 ** 2))"),
       ("grad_b2 = delta3.sum(axis=0)", "grad_b2 = delta3.sum(axis=0) + weight_decay * b2"),
       ("grad_b1 = delta2.sum(axis=0)", "grad_b1 = delta2.sum(axis=0) + weight_decay * b1")),
    _m("sparse_autoencoder_cost", "weight_decay_not_halved",
       "λ instead of λ/2 in the loss's weight-decay term",
       "The loss has (λ/2)‖W‖², whose gradient is λW; with λ‖W‖² the gradient would be 2λW.",
       ("decay = 0.5 * weight_decay *", "decay = weight_decay *")),
    # ---- linear_decoder
    _m("linear_decoder", "linear_decoder_slope_kept",
       "the sigmoid's slope x̂(1 − x̂) kept in δ³ of a linear decoder",
       "A linear output x̂ = Z2 has slope 1: δ³ = (1/m)(x̂ − x).",
       ("delta3 = (X_hat - X) / m", "delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m")),
    # ---- tied_weights
    _m("tied_weights", "tied_decoder_path_missing",
       "tied weights: only the encoder's path in ∂J/∂W1 (the decoder's use of W1ᵀ is missing)",
       "W1 is used twice; its gradient is the sum of both uses: Xᵀδ² + (Hᵀδ³)ᵀ (+ λW1).",
       ("grad_W1 = encoder_path + decoder_path +", "grad_W1 = encoder_path +")),
    _m("tied_weights", "tied_encoder_path_missing",
       "tied weights: only the decoder's path in ∂J/∂W1 (the encoder's Xᵀδ² is missing)",
       "W1 is used twice; its gradient is the sum of both uses: Xᵀδ² + (Hᵀδ³)ᵀ (+ λW1).",
       ("grad_W1 = encoder_path + decoder_path +", "grad_W1 = decoder_path +")),
    # ---- l1_sparsity
    _m("l1_sparsity", "l1_after_slope",
       "the L1 gradient added to δ² after the sigmoid's slope instead of to ∂J/∂H before it",
       "The penalty is a function of H: its gradient (λ/m) sign(H) joins δ³W2ᵀ, and the sum is multiplied by H(1 − H).",
       ("dH = delta3 @ W2.T + lam * np.sign(H) / m\n    delta2 = dH * H * (1 - H)",
        "dH = delta3 @ W2.T\n    delta2 = dH * H * (1 - H) + lam * np.sign(H) / m")),
    _m("l1_sparsity", "l1_without_mean",
       "the L1 gradient without the 1/m of the mean: λ sign(h) instead of (λ/m) sign(h)",
       "The penalty is λ times the mean over samples of Σ|h|: each hᵢⱼ enters with weight λ/m.",
       ("lam * np.sign(H) / m", "lam * np.sign(H)")),
    # ---- denoising
    _m("denoising", "noisy_target",
       "the reconstruction compared with the corrupted x̃ instead of the clean x",
       "A denoising autoencoder encodes x̃ but is asked to reconstruct the clean x: residual = X_hat − X.",
       ("residual = X_hat - X\n", "residual = X_hat - X_tilde\n")),
    _m("denoising", "clean_input_to_encoder",
       "the encoder sees the clean x instead of the corrupted x̃",
       "H = σ(X̃W1 + b1): the corruption is the encoder's input; only the target is clean.",
       ("H = expit(X_tilde @ W1 + b1)", "H = expit(X @ W1 + b1)")),
    _m("denoising", "mask_inverted",
       "the mask inverted: entries kept with probability ν and zeroed with probability 1 − ν",
       "ν is the probability of *zeroing* an entry: keep where rng.random(X.shape) >= ν.",
       ("keep = rng.random(X.shape) >= level", "keep = rng.random(X.shape) < level")),
    _m("denoising", "masking_in_place",
       "the corruption writes into X (the clean data is destroyed)",
       "Return a new array (np.where(keep, X, 0)); never assign into X: the loss needs the clean X.",
       ("return np.where(keep, X, 0.0).astype(X.dtype)", "X[~keep] = 0.0\n    return X")),
    # ---- contractive
    _m("contractive", "contractive_factor_2_missing",
       "the contractive penalty's direct term without its factor 2",
       "∂wⱼ/∂W1[k, j] = ∂(Σₖ W1[k, j]²)/∂W1[k, j] = 2 W1[k, j]: the direct term is (2λ/m) W1 ∘ Σᵢ s².",
       ("X.T @ delta2 + 2 * lam * W1 *", "X.T @ delta2 + lam * W1 *")),
    _m("contractive", "contractive_sigma_second_missing",
       "the contractive penalty's path through h (with σ″) is missing",
       "The penalty depends on h through s = h(1 − h): its gradient through Z1 is (2λ/m) s σ″(z) w = "
       "(2λ/m) s²(1 − 2h) w, added to δ².",
       ("delta2 = (delta3 @ W2.T) * s + delta_penalty", "delta2 = (delta3 @ W2.T) * s")),
    _m("contractive", "contractive_bias_term_missing",
       "the contractive penalty's σ″ term reaches W1 but not b1",
       "The penalty depends on b1 through z = xW1 + b1: its delta contributes Σᵢ to ∂J/∂b1 as well.",
       ('"b1": delta2.sum(axis=0)}', '"b1": (delta2 - delta_penalty).sum(axis=0)}')),
    # ---- cross_entropy_delta
    _m("cross_entropy_delta", "cross_entropy_slope_kept",
       "the sigmoid's slope kept in the cross-entropy delta: δ³ = (1/m)(x̂ − x) ∘ x̂(1 − x̂)",
       "With the cross-entropy, σ′ cancels: ∂J/∂Z2 = (1/m)(σ(Z2) − x). That is why it does not stall on "
       "saturated outputs.",
       ("delta3 = (X_hat - X) / m", "delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m")),
    _m("cross_entropy_delta", "cross_entropy_log_of_sigmoid",
       "the cross-entropy computed as log σ(z) and log(1 − σ(z)): log(0) = −inf once σ(z) rounds to 1",
       "Compute it from the logits: Σ [softplus(z) − x z] with softplus(z) = np.logaddexp(0, z).",
       ("np.sum(np.logaddexp(0, Z2) - X * Z2) / m",
        "-np.sum(X * np.log(X_hat) + (1 - X) * np.log(1 - X_hat)) / m")),
    # ---- softmax_regression
    _m("softmax_regression", "softmax_no_max_shift",
       "the softmax without the max shift: exp overflows for large logits (inf/inf = nan)",
       "Subtract each row's maximum from Z before exp; it cancels in the ratio and keeps every exponent ≤ 0.",
       ("    Z = Z - Z.max(axis=1, keepdims=True)\n", "")),
    _m("softmax_regression", "softmax_wrong_axis",
       "the softmax normalised over the wrong axis (over the samples instead of the classes)",
       "P[i, k] = exp(Z[i, k]) / Σⱼ exp(Z[i, j]): each row sums to 1, so the sum runs along axis=1.",
       ("np.log(np.sum(np.exp(Z), axis=1, keepdims=True))", "np.log(np.sum(np.exp(Z), axis=0, keepdims=True))")),
    _m("softmax_regression", "softmax_bias_decayed",
       "weight decay applied to the softmax bias too",
       "(λ/2)‖W‖²_F only: the bias is not decayed, in the loss or the gradient.",
       ("0.5 * weight_decay * np.sum(W ** 2)", "0.5 * weight_decay * (np.sum(W ** 2) + np.sum(b ** 2))"),
       ('"b": delta.sum(axis=0)}', '"b": delta.sum(axis=0) + weight_decay * b}')),
    _m("softmax_regression", "softmax_delta_sign",
       "the softmax delta with the wrong sign: Y − P instead of P − Y",
       "J = −(1/m) Σ log P[i, yᵢ] decreases when P moves towards Y: ∂J/∂Z = (1/m)(P − Y).",
       ("delta = (np.exp(log_P) - Y) / m", "delta = (Y - np.exp(log_P)) / m")),
    # ---- stacked_finetuning
    _m("stacked_finetuning", "slope_at_wrong_layer",
       "f′ taken at the wrong layer in the δ recurrence (the layer below's activation)",
       "Going down through weight Wₗ, the delta picks up σ′ of Wₗ's *input*, A[l](1 − A[l]), not A[l−1]'s.",
       ("delta = (delta @ weights[l].T) * A[l] * (1 - A[l])", "delta = (delta @ weights[l].T) * A[l - 1] * (1 - A[l - 1])")),
    _m("stacked_finetuning", "encoder_weights_decayed",
       "weight decay added to the encoder layers' gradients (stackedAECost decays only the softmax weights)",
       "The loss has (λ/2)‖W_softmax‖² only: no λW on W1 … WK.",
       ('grads["W" + names[l]] = A[l].T @ delta\n', 'grads["W" + names[l]] = A[l].T @ delta + weight_decay * weights[l]\n')),
    _m("stacked_finetuning", "stacked_top_delta_without_mean",
       "the top delta without the 1/m of the mean: P − Y instead of (1/m)(P − Y)",
       "J is a mean over the m samples: δ at the top is (1/m)(P − Y).",
       ("delta = (np.exp(log_P) - Y) / m", "delta = (np.exp(log_P) - Y)")),
    # ---- psd_ista
    _m("psd_ista", "hard_threshold",
       "a hard threshold (keep v where |v| > t) instead of the soft threshold",
       "shrink(v, t) also moves the surviving entries towards 0 by t: sign(v)·max(|v| − t, 0).",
       ("return np.sign(V) * np.maximum(np.abs(V) - threshold, 0.0)", "return np.where(np.abs(V) > threshold, V, 0.0)")),
    _m("psd_ista", "ista_threshold_not_scaled",
       "ISTA's threshold λ instead of λ/L",
       "The proximal step of length 1/L shrinks by λ/L: soft_threshold(H − ∇s/L, λ/L).",
       ("soft_threshold(H - gradient / L, lam / L)", "soft_threshold(H - gradient / L, lam)")),
    _m("psd_ista", "psd_tanh_slope_missing",
       "the PSD encoder's tanh slope 1 − T² missing from δ",
       "f(x) = g ∘ tanh(xW + b): the chain rule through tanh gives ∘ (1 − T²).",
       ("delta = dF * g * (1 - T ** 2)", "delta = dF * g")),
    _m("psd_ista", "psd_gain_missing",
       "the PSD encoder's gain g missing from δ",
       "F = g ∘ T: the delta at the tanh's input carries the factor g: δ = ∂E/∂F ∘ g ∘ (1 − T²).",
       ("delta = dF * g * (1 - T ** 2)", "delta = dF * (1 - T ** 2)")),
]

MISTAKES = {m.name: m for m in CATALOGUE}


def solution_path(exercise):
    """The worked solution's file for ``exercise`` (a name of :data:`npae.exercises.specs.EXERCISES`).

    Raises
    ------
    ValueError
        If ``exercise`` is not an exercise name.
    """
    from npae.exercises.workspace import _check_exercise_name
    _check_exercise_name("exercise", exercise)
    return SOLUTIONS / f"{exercise}.py"


def mutated_source(mistake):
    """The solution's source with the mistake's edits applied.

    Parameters
    ----------
    mistake : Mistake

    Returns
    -------
    str

    Raises
    ------
    TypeError
        If ``mistake`` is not a :class:`Mistake`.
    ValueError
        If an edit's ``old`` text does not occur exactly once in the solution (the catalogue has drifted).
    """
    check_instance("mistake", mistake, Mistake, "MISTAKES['kl_delta_missing'] or mistakes_of(exercise)[0]")
    source = solution_path(mistake.exercise).read_text()
    for old, new in mistake.edits:
        if source.count(old) != 1:
            raise ValueError(f"mistake {mistake.name!r}: {old!r} occurs {source.count(old)} times in "
                             f"{solution_path(mistake.exercise).name}, expected once")
        source = source.replace(old, new)
    return source


_MODULES = {}


def mutated_module(mistake):
    """The solution with the mistake applied, as a module (built once per process).

    Parameters
    ----------
    mistake : Mistake

    Returns
    -------
    types.ModuleType

    Raises
    ------
    TypeError
        If ``mistake`` is not a :class:`Mistake`.
    """
    check_instance("mistake", mistake, Mistake, "MISTAKES['kl_delta_missing'] or mistakes_of(exercise)[0]")
    if mistake.name not in _MODULES:
        module = types.ModuleType(f"npae.exercises.mistake_{mistake.name}")
        module.__file__ = f"<{mistake.exercise} with mistake {mistake.name}>"
        exec(compile(mutated_source(mistake), module.__file__, "exec"), module.__dict__)
        _MODULES[mistake.name] = module
    return _MODULES[mistake.name]


def mistakes_of(exercise):
    """The catalogued mistakes of one exercise, in catalogue order (a list of Mistake).

    Raises
    ------
    ValueError
        If ``exercise`` is not an exercise name.
    """
    from npae.exercises.workspace import _check_exercise_name
    _check_exercise_name("exercise", exercise)
    return [m for m in CATALOGUE if m.exercise == exercise]


def load_file(path, module_name=None):
    """Import a Python file as a fresh module (not cached in ``sys.modules``).

    Parameters
    ----------
    path : str or pathlib.Path
    module_name : str, optional

    Returns
    -------
    types.ModuleType

    Raises
    ------
    TypeError
        If ``path`` is not a str or os.PathLike, or ``module_name`` is not a string or None.
    FileNotFoundError
        If there is no file at ``path``.
    Whatever executing the file raises (SyntaxError, ImportError, ...).
    """
    path = Path(check_path("path", path))
    if module_name is not None and not isinstance(module_name, str):
        raise TypeError(f"module_name must be a string or None, got {type(module_name).__name__}")
    if not path.is_file():
        raise FileNotFoundError(f"path: no such file {str(path)!r}")
    spec = importlib.util.spec_from_file_location(module_name or f"npae_student_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

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
    nonfinite : bool
        The mistake shows as NaN or inf on some problems (an overflow, a log of 0); there a student's
        outputs match it when they are non-finite in *any* pattern (one formula gives inf, another nan),
        and on the other problems they must equal the mistake's outputs.
    """

    name: str
    exercise: str
    title: str
    hint: str
    edits: tuple
    nonfinite: bool = False


def _m(exercise, name, title, hint, *edits, nonfinite=False):
    return Mistake(name, exercise, title, hint, tuple(edits), nonfinite)


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
    _m("autoencoder_backprop", "loss_without_half",
       "the ½ of the squared error missing from the loss (the gradient keeps it)",
       "J = (1/m) Σᵢ ½ ‖x̂ᵢ − xᵢ‖²: the ½ is what makes ∂J/∂x̂ = (1/m)(x̂ − x) without a factor 2.",
       ("loss = 0.5 * np.sum((X_hat - X) ** 2) / m", "loss = np.sum((X_hat - X) ** 2) / m")),
    # ---- sparse_autoencoder_cost
    _m("sparse_autoencoder_cost", "kl_delta_missing",
       "the KL delta term is missing from δ²",
       "The sparsity penalty depends on H through ρ̂: add (β/m)(−ρ/ρ̂ + (1−ρ)/(1−ρ̂)) to δ³W2ᵀ before "
       "multiplying by H(1 − H).",
       ("delta3 @ W2.T + dOmega_dH", "delta3 @ W2.T")),
    _m("sparse_autoencoder_cost", "kl_delta_wrong_sign",
       "the KL delta term is subtracted instead of added",
       "∂J/∂H = δ³W2ᵀ + ∂Ω/∂H: the penalty's gradient is added, with the sign of β(−ρ/ρ̂ + (1−ρ)/(1−ρ̂)).",
       ("delta3 @ W2.T + dOmega_dH", "delta3 @ W2.T - dOmega_dH")),
    _m("sparse_autoencoder_cost", "kl_delta_without_mean",
       "the KL delta term without the 1/m of the mean (UFLDL's form, whose deltas carry no 1/m)",
       "∂ρ̂ⱼ/∂Hᵢⱼ = 1/m: since our δ³ carries 1/m, the sparsity term needs it too: (β/m)(…).",
       ("(1 - rho) / (1 - rho_hat)) / m", "(1 - rho) / (1 - rho_hat))")),
    _m("sparse_autoencoder_cost", "kl_delta_after_slope",
       "the KL delta term added to δ² after the sigmoid's slope instead of to ∂J/∂H before it",
       "The penalty is a function of H: its gradient joins δ³W2ᵀ, and the sum is multiplied by H(1 − H).",
       ("delta2 = (delta3 @ W2.T + dOmega_dH) * H * (1 - H)", "delta2 = (delta3 @ W2.T) * H * (1 - H) + dOmega_dH")),
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
    _m("sparse_autoencoder_cost", "ufldl_theta_order",
       "the flat gradient in UFLDL's order W1, W2, b1, b2 instead of θ's order W1, b1, W2, b2",
       "θ and its gradient must have the same layout: flatten the gradient dict as parameter_template orders "
       "θ (W1, b1, W2, b2), e.g. flatten(grads) on a dict built in that order.",
       ("return cost, flatten(grads)", 'return cost, flatten({k: grads[k] for k in ("W1", "W2", "b1", "b2")})')),
    # ---- linear_decoder
    _m("linear_decoder", "linear_decoder_slope_kept",
       "the sigmoid's slope x̂(1 − x̂) kept in δ³ of a linear decoder",
       "A linear output x̂ = Z2 has slope 1: δ³ = (1/m)(x̂ − x).",
       ("delta3 = (X_hat - X) / m", "delta3 = (X_hat - X) * X_hat * (1 - X_hat) / m")),
    _m("linear_decoder", "linear_decoder_decay_missing",
       "weight decay in the loss but not in the weight gradients",
       "(λ/2)‖W‖² contributes λW to ∂J/∂W: add λW1 to ∂J/∂W1 and λW2 to ∂J/∂W2 (not to the biases).",
       ('"W1": X.T @ delta2 + weight_decay * W1', '"W1": X.T @ delta2'),
       ('"W2": H.T @ delta3 + weight_decay * W2', '"W2": H.T @ delta3')),
    # ---- tied_weights
    _m("tied_weights", "tied_decoder_path_missing",
       "tied weights: only the encoder's path in ∂J/∂W1 (the decoder's use of W1ᵀ is missing)",
       "W1 is used twice; its gradient is the sum of both uses: Xᵀδ² + (Hᵀδ³)ᵀ (+ λW1).",
       ("grad_W1 = encoder_path + decoder_path +", "grad_W1 = encoder_path +")),
    _m("tied_weights", "tied_encoder_path_missing",
       "tied weights: only the decoder's path in ∂J/∂W1 (the encoder's Xᵀδ² is missing)",
       "W1 is used twice; its gradient is the sum of both uses: Xᵀδ² + (Hᵀδ³)ᵀ (+ λW1).",
       ("grad_W1 = encoder_path + decoder_path +", "grad_W1 = decoder_path +")),
    _m("tied_weights", "tied_decoder_path_not_transposed",
       "tied weights: the decoder's path Hᵀδ³ added without its transpose",
       "The decoder uses W1ᵀ, so its path's gradient Hᵀδ³ (shape (n_hidden, n_visible)) is ∂J/∂W1ᵀ: "
       "transpose it, (Hᵀδ³)ᵀ = δ³ᵀH, before adding it to ∂J/∂W1.",
       ("decoder_path = (H.T @ delta3).T", "decoder_path = (H.T @ delta3).T.T")),
    # ---- l1_sparsity
    _m("l1_sparsity", "l1_after_slope",
       "the L1 gradient added to δ² after the sigmoid's slope instead of to ∂J/∂H before it",
       "The penalty is a function of H: its gradient (λ/m) sign(H) joins δ³W2ᵀ, and the sum is multiplied by H(1 − H).",
       ("dJ_dH = delta3 @ W2.T + lam * np.sign(H) / m\n    delta2 = dJ_dH * H * (1 - H)",
        "dJ_dH = delta3 @ W2.T\n    delta2 = dJ_dH * H * (1 - H) + lam * np.sign(H) / m")),
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
    _m("denoising", "encoder_gradient_clean_input",
       "∂J/∂W1 computed with the clean x instead of the encoder's input x̃",
       "The weight gradient of a layer is (its input)ᵀ δ, and the encoder's input is x̃: X̃ᵀδ².",
       ('"W1": X_tilde.T @ delta2', '"W1": X.T @ delta2')),
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
    _m("contractive", "contractive_code_term_missing",
       "the contractive penalty's path through the code (its ∂Ω/∂H) is missing",
       "The penalty depends on h through s = h(1 − h): ∂Ω/∂H = (2λ/m) s (1 − 2h) w joins δ³W2ᵀ before ∘ s.",
       ("delta2 = (delta3 @ W2.T + dOmega_dH) * s", "delta2 = (delta3 @ W2.T) * s")),
    _m("contractive", "contractive_code_term_after_slope",
       "the contractive penalty's ∂Ω/∂H added after the sigmoid's slope instead of before it",
       "∂Ω/∂H is a gradient with respect to the code H: it joins δ³W2ᵀ, and the sum is multiplied by s = h(1 − h) "
       "(through Z1 the term becomes (2λ/m) s² (1 − 2h) w).",
       ("delta2 = (delta3 @ W2.T + dOmega_dH) * s", "delta2 = (delta3 @ W2.T) * s + dOmega_dH")),
    _m("contractive", "contractive_bias_term_missing",
       "the contractive penalty's path through the code reaches W1 but not b1",
       "The penalty depends on b1 through z = xW1 + b1: its share of δ² contributes Σᵢ to ∂J/∂b1 as well.",
       ('"b1": delta2.sum(axis=0)}', '"b1": (delta2 - dOmega_dH * s).sum(axis=0)}')),
    _m("contractive", "contractive_tied_decoder_path_missing",
       "tied weights: the decoder's path (Hᵀδ³)ᵀ missing from ∂J/∂W1",
       "With tied weights the decoder uses W1ᵀ: ∂J/∂W1 collects that use too, (Hᵀδ³)ᵀ = δ³ᵀH.",
       ('        grads["W1"] += (H.T @ delta3).T\n', '        pass\n')),
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
        "-np.sum(X * np.log(X_hat) + (1 - X) * np.log(1 - X_hat)) / m"), nonfinite=True),
    _m("cross_entropy_delta", "cross_entropy_delta_sign",
       "the cross-entropy delta with the wrong sign: (1/m)(x − σ(z))",
       "J decreases when σ(z) moves towards x: ∂J/∂Z2 = (1/m)(σ(Z2) − X).",
       ("delta3 = (X_hat - X) / m", "delta3 = (X - X_hat) / m")),
    # ---- softmax_regression
    _m("softmax_regression", "softmax_no_max_shift",
       "the softmax without the max shift: exp overflows for large logits (inf/inf = nan)",
       "Subtract each row's maximum from Z before exp; it cancels in the ratio and keeps every exponent ≤ 0.",
       ("    Z = Z - Z.max(axis=1, keepdims=True)\n", ""), nonfinite=True),
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
    _m("softmax_regression", "softmax_decay_not_halved",
       "λ instead of λ/2 in the loss's weight-decay term (the gradient keeps λW)",
       "The loss has (λ/2)‖W‖²_F, whose gradient is λW.",
       ("0.5 * weight_decay * np.sum(W ** 2)", "weight_decay * np.sum(W ** 2)")),
    # ---- stacked_finetuning
    _m("stacked_finetuning", "slope_at_wrong_layer",
       "f′ taken at the wrong layer in the δ recurrence (the layer below's activation)",
       "Going down through weight Wₗ, the delta picks up σ′ of Wₗ's *input*, A[l](1 − A[l]), not A[l−1]'s.",
       ("delta = (delta @ weights[l].T) * A[l] * (1 - A[l])", "delta = (delta @ weights[l].T) * A[l - 1] * (1 - A[l - 1])")),
    _m("stacked_finetuning", "encoder_weights_decayed",
       "weight decay added to the encoder layers' gradients (stackedAECost decays only the softmax weights)",
       "The loss has (λ/2)‖W_softmax‖² only: no λW on W1 … WK.",
       ('grads["W" + names[l]] = A[l].T @ delta\n',
        'grads["W" + names[l]] = A[l].T @ delta + (weight_decay * weights[l] if l < K else 0.0)\n')),
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
    # ---- conv2d_backward
    _m("conv2d_backward", "conv_weight_gradient_scrambled",
       "∂J/∂W computed as colsᵀD and reshaped to W's shape: its entries land in the wrong places",
       "colsᵀD has shape (C_in·kh·kw, C_out); W's rows are the output channels: ∂J/∂W = (Dᵀ cols).reshape(W.shape).",
       ("grad_W = (D.T @ cols).reshape(W.shape)", "grad_W = (cols.T @ D).reshape(W.shape)")),
    _m("conv2d_backward", "col2im_assigns",
       "col2im assigns instead of adding: where patches overlap, a later patch overwrites an earlier one",
       "An entry of Xp sits in up to kh·kw patches; its gradient is the sum over all of them: "
       "dXp[...] += ..., not =.",
       ("dXp[:, :, p:p + H_out, q:q + W_out] += ", "dXp[:, :, p:p + H_out, q:q + W_out] = ")),
    _m("conv2d_backward", "conv_bias_mean_over_pixels",
       "∂J/∂b summed over the samples but averaged over the pixels",
       "The bias b[o] is added at every sample and every pixel: ∂J/∂b[o] = Σ over i, y, x of δ[i, o, y, x].",
       ("grad_b = delta.sum(axis=(0, 2, 3))", "grad_b = delta.sum(axis=0).mean(axis=(1, 2))")),
    _m("conv2d_backward", "conv_crop_wrong_side",
       "the padding cropped on the wrong side for an even kernel",
       "'same' padding with an even kernel puts (k − 1)//2 zeros before and the rest after: crop "
       "dXp[:, :, top:top+H, left:left+W].",
       ("grad_X = dXp[:, :, top:top + H, left:left + W_in]", "grad_X = dXp[:, :, bottom:bottom + H, right:right + W_in]")),
    # ---- conv_input_gradient
    _m("conv_input_gradient", "kernel_not_flipped",
       "the kernel not flipped: ∂J/∂X computed as a correlation of δ with W instead of the flipped W",
       "∂J/∂X[u] = Σₚ δ[u + top − p] W[p]: as a correlation, the kernel is read backwards, "
       "W[:, :, ::-1, ::-1].",
       ("flipped = W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)", "flipped = W.transpose(1, 0, 2, 3)")),
    _m("conv_input_gradient", "kernel_channels_not_swapped",
       "the kernel flipped but its channel axes not swapped",
       "The transposed convolution maps C_out channels back to C_in: its kernel bank is W flipped, "
       "with axes (C_in, C_out, kh, kw): .transpose(1, 0, 2, 3).",
       ("flipped = W[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)", "flipped = W[:, :, ::-1, ::-1]")),
    _m("conv_input_gradient", "full_padding_not_mirrored",
       "δ padded with the forward pass's zeros (top, bottom) instead of (kh − 1 − top, kh − 1 − bottom)",
       "Flipping the kernel swaps before and after: δ needs kh − 1 − top zeros above and kh − 1 − bottom below "
       "(kw likewise); the two differ for an even kernel.",
       ("(kh - 1 - top, kh - 1 - bottom), (kw - 1 - left, kw - 1 - right)", "(top, bottom), (left, right)")),
    # ---- maxpool_backward
    _m("maxpool_backward", "tie_to_every_maximum",
       "δ sent to every maximum of a window with ties, instead of the first one only",
       "At a tie the maximum is not differentiable; npae's rule gives the whole δ to the first maximum in the "
       "order top-left, top-right, bottom-left, bottom-right (argmax's first occurrence), and 0 to the others.",
       ("    routed = np.zeros(windows.shape)\n    np.put_along_axis(routed, winner[..., None], delta[..., None], axis=-1)\n",
        "    routed = (windows == windows.max(axis=-1, keepdims=True)) * delta[..., None]\n")),
    _m("maxpool_backward", "tie_to_last_maximum",
       "at a tie, δ sent to the last maximum in the window instead of the first",
       "npae's rule (numpy.argmax's): the first maximum in the order top-left, top-right, bottom-left, "
       "bottom-right wins.",
       ("winner = windows.argmax(axis=-1)\n", "winner = 3 - windows[..., ::-1].argmax(axis=-1)\n")),
    _m("maxpool_backward", "pool_delta_averaged",
       "δ spread evenly over the window (the backward pass of average pooling) instead of routed to the maximum",
       "∂max/∂xₖ is 1 for the winning entry and 0 for the others: route the whole δ to the winner.",
       ("    routed = np.zeros(windows.shape)\n    np.put_along_axis(routed, winner[..., None], delta[..., None], axis=-1)\n",
        "    routed = np.repeat(delta[..., None] / 4, 4, axis=-1)\n")),
    _m("maxpool_backward", "odd_padding_with_zeros",
       "an odd size padded with zeros instead of −∞: a pad entry wins a window of negative values",
       "The padding of 'same' max-pooling must never win: pad with −∞ (the forward pass does), so that δ "
       "reaches the real maximum.",
       ("windows = _windows(_pad_to_even(X, -np.inf))", "windows = _windows(_pad_to_even(X, 0.0))")),
    # ---- upsample_backward
    _m("upsample_backward", "upsample_backward_mean",
       "the 2×2 blocks of δ averaged instead of summed",
       "Each input pixel is used four times; its gradient is the sum of the four uses' gradients, not their mean.",
       ("delta.reshape(n, C, H2 // 2, 2, W2 // 2, 2).sum(axis=(3, 5))",
        "delta.reshape(n, C, H2 // 2, 2, W2 // 2, 2).mean(axis=(3, 5))")),
    _m("upsample_backward", "upsample_backward_picks_one",
       "one entry of each 2×2 block of δ taken (δ[::2, ::2]) instead of the sum of the block",
       "X[i, c, y, x] reaches all four entries of its block: ∂J/∂X sums δ over the block.",
       ("return delta.reshape(n, C, H2 // 2, 2, W2 // 2, 2).sum(axis=(3, 5))", "return delta[:, :, ::2, ::2]")),
    _m("upsample_backward", "upsample_tiles_image",
       "the forward pass tiles the whole image (np.tile) instead of repeating each pixel",
       "U[u, v] = X[⌊u/2⌋, ⌊v/2⌋]: each pixel becomes a 2×2 block (np.repeat along axes 2 and 3), not "
       "U[u, v] = X[u mod H, v mod W].",
       ("return np.repeat(np.repeat(X, 2, axis=2), 2, axis=3)", "return np.tile(X, (1, 1, 2, 2))")),
    # ---- softmax_delta
    _m("softmax_delta", "softmax_jacobian_diagonal_only",
       "the softmax's Jacobian taken as diagonal, diag(p(1 − p)), as for an elementwise sigmoid",
       "Every pⱼ shares the denominator Σ exp(z): ∂pⱼ/∂zₖ = −pⱼpₖ for j ≠ k too; the Jacobian is diag(p) − p pᵀ.",
       ("return np.diag(p) - np.outer(p, p)", "return np.diag(p * (1 - p))")),
    _m("softmax_delta", "softmax_jacobian_no_diagonal",
       "the softmax's Jacobian without its diagonal term: −p pᵀ instead of diag(p) − p pᵀ",
       "For j = k the quotient rule gives pⱼ − pⱼ²: ∂pⱼ/∂zₖ = pⱼ (1[j = k] − pₖ).",
       ("return np.diag(p) - np.outer(p, p)", "return -np.outer(p, p)")),
    _m("softmax_delta", "ce_delta_without_mean",
       "∂J/∂Z without the 1/m of the mean: P − Y instead of (1/m)(P − Y)",
       "J is a mean over the m samples: ∂J/∂Z = (1/m)(P − Y).",
       ("dJ_dZ = (np.exp(log_P) - Y) / m", "dJ_dZ = np.exp(log_P) - Y")),
    _m("softmax_delta", "ce_delta_sign",
       "∂J/∂Z with the wrong sign: (1/m)(Y − P)",
       "J = −(1/m) Σ log P[i, yᵢ] decreases when P moves towards Y: ∂J/∂Z = (1/m)(P − Y).",
       ("dJ_dZ = (np.exp(log_P) - Y) / m", "dJ_dZ = (Y - np.exp(log_P)) / m")),
    _m("softmax_delta", "ce_no_max_shift",
       "the cross-entropy without the max shift: exp overflows for large logits (inf/inf = nan)",
       "Subtract each row's maximum from Z before exp; it cancels in log P and keeps every exponent ≤ 0.",
       ("shifted = Z - Z.max(axis=1, keepdims=True)", "shifted = Z"), nonfinite=True),
    # ---- encoder_jacobian
    _m("encoder_jacobian", "jacobian_slope_missing",
       "the Jacobian without the sigmoid's slope: W1ᵀ for every sample",
       "h = σ(z): ∂hⱼ/∂xₖ = σ′(zⱼ) W1[k, j] = hⱼ(1 − hⱼ) W1[k, j]; each row j of W1ᵀ is scaled by sⱼ.",
       ("return s[:, :, None] * W1.T[None, :, :]", "return np.broadcast_to(W1.T, (X.shape[0],) + W1.T.shape) + 0 * s[:, :, None]")),
    _m("encoder_jacobian", "jacobian_transposed",
       "the Jacobian transposed: (n_visible, n_hidden) per sample, W1 diag(s), instead of diag(s) W1ᵀ",
       "Row j of ∂h/∂x is hⱼ's gradient: the Jacobian of h (n_hidden values) with respect to x (n_visible) "
       "is (n_hidden, n_visible).",
       ("return s[:, :, None] * W1.T[None, :, :]", "return W1[None, :, :] * s[:, None, :]")),
    _m("encoder_jacobian", "norms_slope_not_squared",
       "‖J(x)‖²_F with sⱼ instead of sⱼ²",
       "Each row j of J is sⱼ W1[:, j]ᵀ; its squared norm is sⱼ² ‖W1[:, j]‖².",
       ("return (s ** 2) @ w", "return s @ w")),
    _m("encoder_jacobian", "norms_rows_of_W1",
       "wⱼ summed over the wrong axis of W1 (the squared norms of its rows, not of its columns)",
       "Code unit j's weights are the column W1[:, j]: wⱼ = Σₖ W1[k, j]², a sum over axis 0, shape (n_hidden,).",
       ("w = np.sum(W1 ** 2, axis=0)", "w = np.sum(W1 ** 2, axis=1)")),
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

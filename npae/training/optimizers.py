"""Update rules for minibatch training, written by hand: SGD (with momentum), Adam, Adadelta.

Every rule is a small class with one method, ``step(params, grads)``. ``params`` and ``grads``
are dicts of arrays with the same keys and shapes (the npae convention: ``"W1"``, ``"b1"``, ...).
``step`` changes the arrays of ``params`` **in place** (``theta -= ...``): the arrays keep their
identity and their dtype (a float32 model stays float32) and no new parameter arrays are made.
Temporaries for the right-hand sides are allocated as usual, for readability.

The state of a rule (velocity, moment estimates) is kept per parameter name, in arrays of the
parameter's dtype, created at the first step that sees that name. Reading ``params[key]`` afresh
at every step means that a caller may also *replace* an array in the dict between steps.

Symbols used in the docstrings: θ a parameter array, g = ∂J/∂θ its gradient at the current step,
η the learning rate, t the step counter (1 at the first step). All operations are elementwise.
"""

import numpy as np

from npae.checks import check_array_dict, check_bool, check_real

__all__ = ["SGD", "Adam", "Adadelta", "make_optimizer"]


def _check_positive(name, value):
    return check_real(name, value, 0.0, open_minimum=True)


def _check_unit_interval(name, value, include_zero):
    return check_real(name, value, 0.0, 1.0, open_minimum=not include_zero, open_maximum=True)


class _Optimizer:
    """Shared bookkeeping: per-key state arrays and the check that grads match params."""

    def __init__(self):
        self.state = {}          # state[name][key] -> array shaped like params[key]
        self.iterations = 0      # number of steps taken (t)

    def _slot(self, name, key, like):
        """Return the state array ``name`` for parameter ``key`` (zeros at first use)."""
        slots = self.state.setdefault(name, {})
        if key not in slots:
            slots[key] = np.zeros_like(like)
        elif slots[key].shape != like.shape:
            raise ValueError(f"params[{key!r}] changed shape from {slots[key].shape} to "
                             f"{like.shape} between steps; make a new optimizer")
        return slots[key]

    def _check(self, params, grads):
        """Refuse, before any array changes: params not a dict of finite float arrays, grads not of the
        same keys and shapes, or grads holding NaN/inf (a step along them would spoil every parameter)."""
        check_array_dict("params", params)
        check_array_dict("grads", grads, like=params)
        for key, slots in ((k, [s[k] for s in self.state.values() if k in s]) for k in params):
            for slot in slots:
                if slot.shape != params[key].shape:
                    raise ValueError(f"params[{key!r}] changed shape from {slot.shape} to "
                                     f"{params[key].shape} between steps; make a new optimizer")

    def step(self, params, grads):
        raise NotImplementedError


class SGD(_Optimizer):
    """Stochastic gradient descent, optionally with classical or Nesterov momentum.

    Update for each parameter θ with gradient g (velocity v starts at 0)::

        plain (μ = 0):  θ ← θ − η g
        momentum:       v ← μ v − η g ;   θ ← θ + v
        Nesterov:       v ← μ v − η g ;   θ ← θ + μ v − η g

    Classical momentum is Polyak's heavy ball (1964); the Nesterov form is the reformulation of
    Sutskever, Martens, Dahl & Hinton (2013), eq. (3)-(4), as written by Bengio, Boulanger-
    Lewandowski & Pascanu (2013) in terms of the current parameters (Keras uses the same form).

    Parameters
    ----------
    learning_rate : float, > 0
        η, the step size multiplying the gradient.
    momentum : float in [0, 1)
        μ, the fraction of the previous velocity kept at each step; 0 gives plain SGD.
    nesterov : bool
        Use Nesterov's look-ahead form of momentum.

    Raises
    ------
    TypeError, ValueError
        If a hyperparameter is not a real number (``nesterov``: not a bool), or ``learning_rate`` is not
        > 0 or ``momentum`` is not in [0, 1).
    """

    def __init__(self, learning_rate=0.1, momentum=0.0, nesterov=False):
        super().__init__()
        self.learning_rate = _check_positive("learning_rate", learning_rate)
        self.momentum = _check_unit_interval("momentum", momentum, include_zero=True)
        self.nesterov = check_bool("nesterov", nesterov)

    def step(self, params, grads):
        """Update every array of ``params`` in place; ``grads`` has the same keys and shapes.

        Raises ``TypeError``/``ValueError`` (naming ``params`` or ``grads``), before any array or state
        changes, if they are not dicts of float arrays with the same keys and shapes, or hold NaN or inf.
        """
        self._check(params, grads)
        self.iterations += 1
        eta, mu = self.learning_rate, self.momentum
        for key, theta in params.items():
            g = grads[key]
            if mu == 0.0:
                theta -= eta * g
                continue
            v = self._slot("velocity", key, theta)
            v *= mu
            v -= eta * g                       # v ← μv − ηg
            if self.nesterov:
                theta += mu * v - eta * g      # θ ← θ + μv − ηg
            else:
                theta += v                     # θ ← θ + v


class Adam(_Optimizer):
    """Adam: adaptive moment estimation (Kingma & Ba 2015, Algorithm 1).

    With m, v starting at 0 and t the step number (1, 2, ...)::

        m ← β₁ m + (1 − β₁) g              first moment (mean) estimate
        v ← β₂ v + (1 − β₂) g²             second raw moment estimate
        m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)   bias corrections
        θ ← θ − η m̂ / (√v̂ + ε)

    At t = 1, m̂ = g and v̂ = g², so the first step is −η g/(|g| + ε) ≈ −η sign(g).

    Note: Keras writes the same update with ε added to √v instead of √v̂ (the "ε̂" form of
    Kingma & Ba, end of Section 2); the two differ only through ε, by a factor √(1 − β₂ᵗ).

    Parameters
    ----------
    learning_rate : float, > 0
        η (α in the paper), the largest typical step size.
    beta_1, beta_2 : float in [0, 1)
        Exponential decay rates of the first and second moment estimates.
    epsilon : float, > 0
        ε, keeps the division finite where v̂ ≈ 0 (1e-7, the Keras default; the paper uses 1e-8).

    Raises
    ------
    TypeError, ValueError
        If a hyperparameter is not a real number, or ``learning_rate`` or ``epsilon`` is not > 0 or a
        beta is not in [0, 1).
    """

    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__()
        self.learning_rate = _check_positive("learning_rate", learning_rate)
        self.beta_1 = _check_unit_interval("beta_1", beta_1, include_zero=True)
        self.beta_2 = _check_unit_interval("beta_2", beta_2, include_zero=True)
        self.epsilon = _check_positive("epsilon", epsilon)

    def step(self, params, grads):
        """Update every array of ``params`` in place; ``grads`` has the same keys and shapes.

        Raises ``TypeError``/``ValueError`` (naming ``params`` or ``grads``), before any array or state
        changes, if they are not dicts of float arrays with the same keys and shapes, or hold NaN or inf.
        """
        self._check(params, grads)
        self.iterations += 1
        t, b1, b2 = self.iterations, self.beta_1, self.beta_2
        for key, theta in params.items():
            g = grads[key]
            m = self._slot("m", key, theta)
            v = self._slot("v", key, theta)
            m *= b1
            m += (1 - b1) * g                  # m ← β₁m + (1−β₁)g
            v *= b2
            v += (1 - b2) * g * g              # v ← β₂v + (1−β₂)g²
            m_hat = m / (1 - b1 ** t)
            v_hat = v / (1 - b2 ** t)
            theta -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)


class Adadelta(_Optimizer):
    """Adadelta (Zeiler 2012, Algorithm 1), with a learning rate as in Keras.

    With the running averages E[g²] and E[Δθ²] starting at 0::

        E[g²]  ← ρ E[g²] + (1 − ρ) g²                       accumulate gradient
        Δθ     = − √(E[Δθ²] + ε) / √(E[g²] + ε) · g          compute update (old E[Δθ²])
        E[Δθ²] ← ρ E[Δθ²] + (1 − ρ) Δθ²                     accumulate update (Δθ without η)
        θ      ← θ + η Δθ                                    apply update

    This is Zeiler's Algorithm 1 (RMS[y] = √(E[y²] + ε)) with an extra factor η; η = 1 gives
    the paper exactly. The order and ε placement follow Keras (``keras.optimizers.Adadelta``,
    and TensorFlow's ``ApplyAdadelta`` kernel): ε inside both square roots, the E[Δθ²] used in
    the update is the one from the previous step, and E[Δθ²] accumulates Δθ *before* scaling
    by η. At the first step E[Δθ²] = 0, so the step is −η √ε / √((1 − ρ) g² + ε) · g: tiny
    (about η √ε / √(1 − ρ) ≈ 1.4e-3 η for ε = 1e-7, ρ = 0.95), and it grows from there.

    The defaults η = 1.0, ρ = 0.95, ε = 1e-7 are those of Keras 2 (standalone); tf.keras and
    Keras 3 changed the default learning rate to 0.001 (which makes Adadelta very slow).

    Parameters
    ----------
    learning_rate : float, > 0
        η, a factor on the Adadelta step (1.0 is the method of the paper).
    rho : float in (0, 1)
        ρ, the decay rate of both running averages.
    epsilon : float, > 0
        ε, starts the updates off (E[Δθ²] = 0 at first) and keeps the division finite.

    Raises
    ------
    TypeError, ValueError
        If a hyperparameter is not a real number, or ``learning_rate`` or ``epsilon`` is not > 0 or
        ``rho`` is not in (0, 1).
    """

    def __init__(self, learning_rate=1.0, rho=0.95, epsilon=1e-7):
        super().__init__()
        self.learning_rate = _check_positive("learning_rate", learning_rate)
        self.rho = _check_unit_interval("rho", rho, include_zero=False)
        self.epsilon = _check_positive("epsilon", epsilon)

    def step(self, params, grads):
        """Update every array of ``params`` in place; ``grads`` has the same keys and shapes.

        Raises ``TypeError``/``ValueError`` (naming ``params`` or ``grads``), before any array or state
        changes, if they are not dicts of float arrays with the same keys and shapes, or hold NaN or inf.
        """
        self._check(params, grads)
        self.iterations += 1
        rho, eps = self.rho, self.epsilon
        for key, theta in params.items():
            g = grads[key]
            Eg2 = self._slot("accumulated_grad", key, theta)
            Edx2 = self._slot("accumulated_delta", key, theta)
            Eg2 *= rho
            Eg2 += (1 - rho) * np.square(g)                  # E[g²] ← ρE[g²] + (1−ρ)g²
            # Δθ = -√(E[Δθ²] + ε) / √(E[g²] + ε) · g, built in one array (RMS ratio, then times -g)
            delta = np.sqrt((Edx2 + eps) / (Eg2 + eps))
            delta *= g
            np.negative(delta, out=delta)
            Edx2 *= rho
            Edx2 += (1 - rho) * np.square(delta)             # E[Δθ²] ← ρE[Δθ²] + (1−ρ)Δθ²
            theta += self.learning_rate * delta              # θ ← θ + ηΔθ


_BY_NAME = {"sgd": SGD, "adam": Adam, "adadelta": Adadelta}


def make_optimizer(name_or_instance, **kwargs):
    """Return an update rule given its name (and hyperparameters) or an existing instance.

    Parameters
    ----------
    name_or_instance : str or optimizer
        ``"sgd"``, ``"adam"`` or ``"adadelta"`` (any case), or an object with a ``step`` method,
        which is returned unchanged (so its state carries over, e.g. to continue training).
    **kwargs
        Hyperparameters passed to the class named (e.g. ``learning_rate=0.01``).

    Returns
    -------
    SGD, Adam, Adadelta, or the instance given.

    Raises
    ------
    ValueError
        If the name is unknown, if kwargs are given with an instance, or if a hyperparameter is
        invalid (raised by the class).
    TypeError
        If ``name_or_instance`` is neither a string nor an object with a ``step`` method (a class such as
        ``Adam`` is told to pass ``Adam()`` or ``"adam"``), or a keyword is not a hyperparameter of the class.
    """
    if isinstance(name_or_instance, type):
        cls = name_or_instance
        raise TypeError(f"optimizer must be a name in {sorted(_BY_NAME)} or an optimizer instance: pass an "
                        f"instance, e.g. {cls.__name__}() or the name {cls.__name__.lower()!r}, not the class "
                        f"{cls.__name__} itself")
    if isinstance(name_or_instance, str):
        cls = _BY_NAME.get(name_or_instance.lower())
        if cls is None:
            raise ValueError(f"optimizer must be one of {sorted(_BY_NAME)} or an optimizer "
                             f"instance, got {name_or_instance!r}")
        return cls(**kwargs)
    if callable(getattr(name_or_instance, "step", None)):
        if kwargs:
            raise ValueError(f"hyperparameters {sorted(kwargs)} cannot be given together with "
                             f"an optimizer instance; set them when constructing it")
        return name_or_instance
    raise TypeError(f"optimizer must be a name in {sorted(_BY_NAME)} or an object with a "
                    f"step(params, grads) method, got {type(name_or_instance).__name__}")

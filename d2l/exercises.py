"""Self-checks for the exercises of section 4.3, "The Base Classification Model".

Each exercise asks for a small function; its checker calls that function on many
cases (fixed edge cases first, then random ones drawn from a seeded generator, so a
message reads the same every time) and compares the result *numerically* with the
right answer, so any correct way of writing the answer passes::

    from d2l import exercises

    def exact_loss(quick, last, n, batch_size):
        ...

    exercises.check_exact_loss(exact_loss)

A checker prints ``PASS ...`` or ``FAIL ...``; a failure names one case the function
got wrong (its inputs, the expected value, the value returned) and gives a hint. It
returns ``True`` or ``False``.

The messages are in English, or in another language through the gettext catalogs in
``d2l/locales/<language>/LC_MESSAGES/d2l.mo`` (compiled by ``make lib`` from the
``.po`` beside it): ``exercises.set_language("zh_CN")``, or the environment variable
``D2L_LANGUAGE=zh_CN`` set before the first check (the Chinese notebooks set it).

The functions receive Python numbers and, for vectors and matrices, (nested) Python
lists, in every environment: what the exercises' code uses runs in a notebook and in
the web page alike (the page has no NumPy). They may compute with NumPy or with a
framework (PyTorch, MXNet, JAX, TensorFlow) and return a Python number, a NumPy value
or a framework tensor with one element.

This module is framework-agnostic on purpose: it is plain Python, so every environment
imports it quickly.
Reference answers are in :data:`solutions` (and, with their derivations, in the
book's solutions).

======================================  ============================================
exercise                                function checked (checker)
======================================  ============================================
1. exact loss from the quick estimate   ``exact_loss(quick, last, n, batch_size)``
                                        (:func:`check_exact_loss`)
2. the quick estimate is unbiased       ``expected_quick_estimate(losses, batch_size)``
                                        (:func:`check_expected_quick_estimate`),
                                        ``quick_estimate_bias(losses, batch_size)``
                                        (:func:`check_quick_estimate_bias`)
3. the optimal choice of y'             ``bayes_decision(loss_matrix, p)``
                                        (:func:`check_bayes_decision`)
======================================  ============================================
"""

from __future__ import annotations

import gettext as _gettext
import math
import os
import random
import types

__all__ = ["check_exact_loss", "check_expected_quick_estimate", "check_quick_estimate_bias",
           "check_bayes_decision", "quick_estimate", "solutions", "set_language"]

_SEED = 20240403  # the random cases are the same on every run
_RTOL = 1e-6
_ATOL = 1e-8


# ---------------------------------------------------------------------------
# The language of the messages (gettext catalogs in d2l/locales/)

_LOCALES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "locales")
_DOMAIN = "d2l"
_ENGLISH = "en"
"""The messages' own language (the code's strings)."""
_translation = None


def _catalog_languages() -> list[str]:
    """The languages the messages are translated into: the folders of ``d2l/locales/``
    (each named as the book's translations table names the language)."""
    try:
        return sorted(name for name in os.listdir(_LOCALES)
                      if os.path.isdir(os.path.join(_LOCALES, name)))
    except OSError:
        return []


def _catalog_language(language: str) -> str:
    """``language`` as its catalog's folder names it: case and ``-``/``_`` aside
    (``zh-cn``), or its first part alone when one catalog only has that first part (``zh``
    while there is no other Chinese catalog); otherwise as given."""
    key = language.replace("-", "_").lower()
    if key == _ENGLISH:
        return _ENGLISH
    have = _catalog_languages()
    same = [name for name in have if name.lower() == key]
    first = [name for name in have if name.lower().split("_")[0] == key]
    return same[0] if same else first[0] if len(first) == 1 else language


def set_language(language: str | None = None) -> str:
    """Print the checkers' messages in ``language`` (``"en"``, ``"zh_CN"``; ``"zh"`` too).

    ``None`` reads the environment variable ``D2L_LANGUAGE`` (English if unset). The
    languages are those of the catalogs in ``d2l/locales/`` (:func:`_catalog_language`);
    a language without a catalog gives English. Returns the language chosen.
    """
    global _translation
    language = _catalog_language(language or os.environ.get("D2L_LANGUAGE") or _ENGLISH)
    _translation = _gettext.translation(_DOMAIN, _LOCALES, languages=[language], fallback=True)
    return language


class _Message(str):
    """A translated message that keeps its English one: formatting it with the fields the
    English names never fails because of the translation (a translation that names a
    field the code does not give, or breaks the format, gives the English message)."""

    def __new__(cls, text: str, english: str):
        message = super().__new__(cls, text)
        message.english = english
        return message

    def format(self, *args, **kwargs) -> str:
        try:
            return str.format(self, *args, **kwargs)
        except (KeyError, IndexError, ValueError, AttributeError, TypeError):
            return str.format(self.english, *args, **kwargs)


def _(message: str) -> str:
    """``message`` in the language of :func:`set_language`."""
    if _translation is None:
        set_language()
    text = _translation.gettext(message)
    return text if text == message else _Message(text, message)


# ---------------------------------------------------------------------------
# Helpers: reading results, formatting numbers, the quick estimate itself


class _BadResult(Exception):
    """The function returned something that is not the kind of value asked for."""


def _shape(value):
    shape = getattr(value, "shape", None)
    return tuple(int(d) for d in shape) if shape is not None else None


def _as_float(value) -> float:
    """A returned number (Python, NumPy, or a one-element framework tensor) as a float."""
    if value is None or value is Ellipsis:
        raise _BadResult(_("it returned {value}; replace the `...` by your answer "
                           "and `return` it").format(value=repr(value)))
    if isinstance(value, (bool, int, float)):
        return float(value)
    if isinstance(value, (str, bytes)):
        raise _BadResult(_("it returned the string {value}; return a number").format(
            value=repr(value)))
    if isinstance(value, (list, tuple)):
        raise _BadResult(_("it returned a {kind} of length {length}; return a single "
                           "number").format(kind=type(value).__name__, length=len(value)))
    too_big = _BadResult(_("it returned an array of shape {shape}; return a single "
                           "number").format(shape=_shape(value)))
    item = getattr(value, "item", None)  # NumPy, PyTorch, JAX, MXNet
    if callable(item):
        try:
            return float(item())
        except (TypeError, ValueError, RuntimeError):
            raise too_big from None
    to_numpy = getattr(value, "numpy", None)  # TensorFlow
    if callable(to_numpy):
        return _as_float(to_numpy())
    try:
        return float(value)
    except (TypeError, ValueError):
        if _shape(value):
            raise too_big from None
        raise _BadResult(_("it returned {value}, which is not a number").format(
            value=repr(value))) from None


def _as_index(value, m: int) -> int:
    try:
        x = _as_float(value)
    except _BadResult as exc:
        raise _BadResult(str(exc).replace(_("a single number"), _(
            "the index of one choice (an integer), not a vector"))) from None
    if not math.isfinite(x) or x != round(x):
        raise _BadResult(_("it returned {value}, which is not a class index (an "
                           "integer)").format(value=f"{x:g}"))
    i = int(round(x))
    if not 0 <= i < m:
        raise _BadResult(_("it returned {index}, but the choices are 0, ..., {last}").format(
            index=i, last=m - 1))
    return i


def _array(values):
    """What the reader's function receives: a fresh (nested) list, in every environment,
    so the statement's code (``loss_matrix[y][y_prime]``) works in a notebook as in the
    page, where there is no NumPy."""
    return [list(v) if isinstance(v, list) else v for v in values]


def _fmt(x) -> str:
    """A number or a (nested) list of numbers, short and readable."""
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_fmt(v) for v in x) + "]"
    if isinstance(x, int):
        return str(x)
    return f"{x:.4g}"


def _fmt_matrix(rows, indent: str) -> str:
    """A matrix as nested lists, one row a line, columns aligned."""
    cells = [[f"{v:.4g}" for v in row] for row in rows]
    width = max(len(c) for row in cells for c in row)
    lines = ["[" + ", ".join(c.rjust(width) for c in row) + "]" for row in cells]
    return "[" + (",\n" + indent + " ").join(lines) + "]"


def _close(got: float, want: float) -> bool:
    return math.isfinite(got) and abs(got - want) <= _ATOL + _RTOL * abs(want)


def _mean(values) -> float:
    values = [float(v) for v in values]
    return math.fsum(values) / len(values)


def _batch_sizes(n: int, batch_size: int) -> list[int]:
    """Sizes of consecutive minibatches of ``n`` examples (the last one may be smaller)."""
    return [min(batch_size, n - i) for i in range(0, n, batch_size)]


def _batch_means(losses, batch_size: int) -> list[float]:
    losses = [float(v) for v in losses]
    return [_mean(losses[i:i + batch_size]) for i in range(0, len(losses), batch_size)]


def quick_estimate(losses, batch_size: int) -> float:
    """The quick-and-dirty validation loss :math:`L_v^q` for examples in the given order.

    ``losses`` are per-example losses; they are cut into consecutive minibatches of
    ``batch_size`` (the last one may be smaller), and the result is the mean of the
    minibatch mean losses: what plotting ``validation_step``'s loss once per
    minibatch and averaging the points computes.
    """
    return _mean(_batch_means(list(losses), int(batch_size)))


def _call(fn, args):
    """Call the reader's function; (result, None) or (None, what went wrong)."""
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, _("it raised NotImplementedError; replace it by your answer")
    except Exception as exc:  # the reader's code may raise anything
        return None, _("it raised {error}: {message}").format(error=type(exc).__name__,
                                                                message=exc)


def _but(err: str | None, got: str) -> str:
    """The end of a failure's "expected ..." line: what came back instead."""
    if err:
        return _("but {error}").format(error=err)
    return _("got {value}").format(value=got)


def _report(name: str, fn, ncases: int, failure: str | None = None, hint: str = "") -> bool:
    fname = getattr(fn, "__name__", repr(fn))
    if failure is None:
        print(_("PASS {name}: {function} is right on all {count} test cases.").format(
            name=name, function=fname, count=ncases))
        return True
    print(_("FAIL {name}: {function} is wrong on this case:").format(name=name, function=fname))
    print(failure)
    if hint:
        print(_("Hint: {hint}").format(hint=hint))
    return False


def _gamma_losses(rng: random.Random, n: int) -> list[float]:
    """Positive, skewed per-example losses (like cross-entropy losses)."""
    return [rng.gammavariate(2.0, 0.5) for _ in range(n)]


# ---------------------------------------------------------------------------
# Exercise 1: the exact validation loss from the quick estimate and the last batch


def _exact_loss_reference(quick, last, n, batch_size):
    """L_v = L_v^q + (b * ceil(n / b) - n) / n * (L_v^q - l_v^b)."""
    num_batches = -(-n // batch_size)
    return quick + (batch_size * num_batches - n) / n * (quick - last)


def _exact_loss_cases():
    rng = random.Random(_SEED)
    # (n, batch_size): a multiple, a one-example last batch, a single short batch, ...
    shapes = [(12, 4), (9, 4), (3, 8), (10, 4), (7, 1), (1000, 64)]
    shapes += [(rng.randint(2, 200), rng.randint(2, 40)) for _ in range(30)]
    for n, b in shapes:
        losses = _gamma_losses(rng, n)
        r = n % b or b
        scale = rng.uniform(0.2, 4.0)  # make the last minibatch stand out
        losses[n - r:] = [v * scale for v in losses[n - r:]]
        yield n, b, losses


def check_exact_loss(exact_loss) -> bool:
    """Check ``exact_loss(quick, last, n, batch_size)`` (exercise 1).

    ``quick`` is the quick estimate :math:`L_v^q` (the mean of the minibatch mean
    losses), ``last`` the mean loss :math:`l_v^b` of the last minibatch, ``n`` the
    number of validation examples and ``batch_size`` the minibatch size (all
    minibatches but the last hold ``batch_size`` examples). The function returns the
    exact validation loss :math:`L_v`: the mean loss over the ``n`` examples.
    """
    name = "check_exact_loss"
    cases = list(_exact_loss_cases())
    for n, b, losses in cases:
        means = _batch_means(losses, b)
        quick, last, want = _mean(means), means[-1], _mean(losses)
        got, err = _call(exact_loss, (quick, last, n, b))
        if err is None:
            try:
                got = _as_float(got)
            except _BadResult as exc:
                err = str(exc)
        if err is None and _close(got, want):
            continue
        sizes = _batch_sizes(n, b)
        if len(sizes) <= 8:
            batches = _("minibatch sizes {sizes}, minibatch mean losses {means}").format(
                sizes=sizes, means=_fmt(means))
        else:
            batches = _("{count} minibatches of sizes {first}, ..., {last}").format(
                count=len(sizes), first=sizes[0], last=sizes[-1])
        failure = ("  " + _("n = {n} examples, batch_size = {b}: {batches}").format(
                       n=n, b=b, batches=batches) + "\n"
                   f"  exact_loss(quick={quick:.6g}, last={last:.6g}, n={n}, batch_size={b})\n"
                   "  " + _("expected {want} (the mean loss over all {n} examples), ").format(
                       want=f"{want:.6g}", n=n))
        failure += _but(err, f"{got:.6g}" if err is None else "")
        if n % b == 0:
            hint = _("When n is a multiple of batch_size all minibatches have the same size, "
                     "so the plain mean of the minibatch losses is already exact.")
        else:
            k, r = len(sizes), sizes[-1]
            hint = _("The first {full} minibatches hold {b} examples each and the last one "
                     "only {r}. The total loss over all examples is {b} * (sum of the full "
                     "minibatches' mean losses) + {r} * last; that sum is {k} * quick - last, "
                     "since quick is the mean of all {k} minibatch means. Divide by n.").format(
                         full=k - 1, b=b, r=r, k=k)
        return _report(name, exact_loss, len(cases), failure, hint)
    return _report(name, exact_loss, len(cases))


# ---------------------------------------------------------------------------
# Exercise 2: the quick estimate is unbiased over random shufflings, biased for a fixed order


def _expected_quick_reference(losses, batch_size):
    """Over uniformly random orders every minibatch mean has expectation mean(losses)."""
    return _mean(losses)


def _bias_reference(losses, batch_size):
    """L_v^q - L_v for this order: (b - r) / (b * B) * (l_v^b - L_v)."""
    losses = [float(v) for v in losses]
    n, b = len(losses), batch_size
    num_batches = -(-n // b)
    r = n - b * (num_batches - 1)
    exact = _mean(losses)
    return (b - r) / (b * num_batches) * (_mean(losses[n - r:]) - exact)


def _small_loss_cases():
    """Small cases (n <= 7), so a function may enumerate all n! orders."""
    rng = random.Random(_SEED + 2)
    shapes = [(5, 2), (3, 2), (4, 4), (6, 3), (2, 5), (7, 3), (5, 1), (7, 4)]
    shapes += [(rng.randint(2, 7), rng.randint(1, 5)) for _ in range(8)]
    for n, b in shapes:
        losses = [round(v, 3) for v in _gamma_losses(rng, n)]
        for i in range(n - n % b, n):  # make the fixed-order estimate visibly biased
            losses[i] += 2.0
        yield n, b, losses


def check_expected_quick_estimate(expected_quick_estimate) -> bool:
    """Check ``expected_quick_estimate(losses, batch_size)`` (exercise 2).

    ``losses`` is a list of per-example validation losses. The function returns
    the expectation of the quick estimate :math:`L_v^q` when the examples are put in
    a uniformly random order before being cut into minibatches of ``batch_size``
    (the last one may be smaller). The cases are small (at most 7 examples), so
    averaging over all orders (``itertools.permutations``) is feasible.
    """
    name = "check_expected_quick_estimate"
    cases = list(_small_loss_cases())
    for n, b, losses in cases:
        want = _mean(losses)
        got, err = _call(expected_quick_estimate, (_array(losses), b))
        if err is None:
            try:
                got = _as_float(got)
            except _BadResult as exc:
                err = str(exc)
        if err is None and _close(got, want):
            continue
        failure = (f"  expected_quick_estimate(losses={_fmt(losses)}, batch_size={b})\n"
                   "  " + _("expected {want}, ").format(want=f"{want:.6g}"))
        failure += _but(err, f"{got:.6g}" if err is None else "")
        hint = _("Average L_v^q over all orders of the examples. In a random order each "
                 "minibatch is a random subset of the examples: what is the expected mean "
                 "loss of a random subset?")
        if err is None and n % b and _close(got, quick_estimate(losses, b)):
            hint = _("{got} is the quick estimate for the order given (minibatch sizes "
                     "{sizes}); the exercise asks for its average over random "
                     "shufflings. ").format(got=f"{got:.6g}", sizes=_batch_sizes(n, b)) + hint
        return _report(name, expected_quick_estimate, len(cases), failure, hint)
    return _report(name, expected_quick_estimate, len(cases))


def check_quick_estimate_bias(quick_estimate_bias) -> bool:
    """Check ``quick_estimate_bias(losses, batch_size)`` (exercise 2).

    ``losses`` is a list of per-example validation losses *in the order the
    validation loader yields them* (no shuffling). The function returns
    :math:`L_v^q - L_v`: how far the quick estimate for this fixed order is from the
    exact validation loss (positive when the quick estimate is too high).
    """
    name = "check_quick_estimate_bias"
    cases = list(_small_loss_cases())
    rng = random.Random(_SEED + 3)
    for _case in range(20):
        n, b = rng.randint(2, 300), rng.randint(2, 50)
        cases.append((n, b, _gamma_losses(rng, n)))
    for n, b, losses in cases:
        quick, exact = quick_estimate(losses, b), _mean(losses)
        want = quick - exact
        got, err = _call(quick_estimate_bias, (_array(losses), b))
        if err is None:
            try:
                got = _as_float(got)
            except _BadResult as exc:
                err = str(exc)
        if err is None and abs(got - want) <= 1e-7 + _RTOL * abs(want):
            continue
        shown = (f"losses={_fmt(losses)}" if n <= 12
                 else "losses=<" + _("{n} values").format(n=n) + ">")
        failure = (f"  quick_estimate_bias({shown}, batch_size={b})\n"
                   "  " + _("L_v^q = {quick} and L_v = {exact}, so expected "
                            "L_v^q - L_v = {want}, ").format(
                       quick=f"{quick:.6g}", exact=f"{exact:.6g}", want=f"{want:.6g}"))
        failure += _but(err, f"{got:.6g}" if err is None else "")
        if err is None and want != 0 and _close(-got, want):
            hint = _("The sign is flipped: return L_v^q - L_v, not L_v - L_v^q.")
        elif err is None and got == 0:
            hint = _("For a fixed order nothing is random: L_v^q is one number, and it "
                     "differs from L_v unless all minibatches have the same size (or the "
                     "last minibatch's mean loss happens to equal L_v).")
        else:
            hint = _("Compute L_v^q for the order given (the mean of the minibatch means, the "
                     "last minibatch possibly smaller) and subtract the mean over all "
                     "examples. In closed form the difference is (b - r) / (b * B) * "
                     "(l_v^b - L_v), with B minibatches and r examples in the last one.")
        return _report(name, quick_estimate_bias, len(cases), failure, hint)
    return _report(name, quick_estimate_bias, len(cases))


# ---------------------------------------------------------------------------
# Exercise 3: the Bayes-optimal prediction under a loss l(y, y')


def _bayes_decision_reference(loss_matrix, p):
    """argmin over y' of sum_y l(y, y') p(y | x), where loss_matrix[y][y'] = l(y, y')."""
    k, m = len(p), len(loss_matrix[0])
    risks = [math.fsum(float(p[y]) * float(loss_matrix[y][j]) for y in range(k))
             for j in range(m)]
    return min(range(m), key=risks.__getitem__)


def _risks(loss, p):
    return [math.fsum(p[y] * loss[y][j] for y in range(len(p))) for j in range(len(loss[0]))]


def _argmin(xs):
    return min(range(len(xs)), key=xs.__getitem__)


def _argmax(xs):
    return max(range(len(xs)), key=xs.__getitem__)


def _bayes_cases():
    # 0-1 loss: the best choice is the most probable class
    yield [[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 0.0]], [0.2, 0.5, 0.3]
    # rows are true classes, columns predictions: the best choice is 1, the most probable
    # class is 0, and weighting the rows instead of the columns would give 2
    yield [[0.0, 1.0, 5.0], [5.0, 0.0, 1.0], [1.0, 2.0, 0.0]], [0.4, 0.3, 0.3]
    # missing a positive (truth 1, prediction 0) costs 10, a false alarm 1:
    # predict 1 although p(1 | x) is only 0.2
    yield [[0.0, 1.0], [10.0, 0.0]], [0.8, 0.2]
    # a "don't know" column: l(y, 3) = 0.3 for every y, never right but never badly wrong
    yield ([[0.0, 1.0, 1.0, 0.3], [1.0, 0.0, 1.0, 0.3], [1.0, 1.0, 0.0, 0.3]],
           [0.4, 0.35, 0.25])
    rng = random.Random(_SEED + 4)
    count = 0
    while count < 40:
        k = rng.randint(2, 6)
        m = k if rng.random() < 0.5 else rng.randint(2, 6)
        loss = [[round(rng.uniform(0, 5), 2) for _ in range(m)] for _ in range(k)]
        if m == k and rng.random() < 0.5:
            for i in range(k):
                loss[i][i] = 0.0
        weights = [rng.expovariate(1.0) for _ in range(k)]  # a Dirichlet(1, ..., 1) draw
        p = [w / math.fsum(weights) for w in weights]
        risk = sorted(_risks(loss, p))
        if risk[1] - risk[0] < 1e-3:
            continue  # keep the best choice clear-cut
        count += 1
        yield loss, p


def check_bayes_decision(bayes_decision) -> bool:
    """Check ``bayes_decision(loss_matrix, p)`` (exercise 3).

    ``loss_matrix[y][y_prime]`` :math:`= l(y, y')` is the loss of predicting
    ``y_prime`` when the truth is ``y`` (k lists of m numbers: k true classes, m possible
    predictions, usually m = k); ``p`` is the list of the k probabilities
    :math:`p(y \\mid x)`. The function returns the index ``y_prime`` of the best
    prediction: one with the smallest expected loss (any one, if several tie).
    """
    name = "check_bayes_decision"
    cases = list(_bayes_cases())
    answers = [_bayes_answer(bayes_decision, loss, p) for loss, p in cases]
    for (loss, p), (got, err) in zip(cases, answers):
        risk = _risks(loss, p)
        if err is None and risk[got] <= min(risk) + 1e-9:
            continue
        best = _argmin(risk)
        failure = (f"  bayes_decision(loss_matrix={_fmt_matrix(loss, ' ' * 28)},\n"
                   f"                 p={_fmt(p)})\n"
                   "  " + _("expected losses of the choices y' = 0, 1, ...: {risks}").format(
                       risks=_fmt(risk)) + "\n"
                   "  " + _("expected {best} (expected loss {risk}), ").format(
                       best=best, risk=f"{risk[best]:.4g}"))
        failure += _but(err, "" if err else _("{got} (expected loss {risk})").format(
            got=got, risk=f"{risk[got]:.4g}"))
        hint = _("The expected loss of predicting y' is the sum over y of l(y, y') p(y | x): "
                 "weight column y' of loss_matrix by p, and pick the column with the "
                 "smallest total.")
        if err is None:
            hint = _bayes_mistake(cases, answers) + hint
        return _report(name, bayes_decision, len(cases), failure, hint)
    return _report(name, bayes_decision, len(cases))


def _bayes_answer(bayes_decision, loss, p):
    """The reader's choice for one case: (index, None) or (None, what went wrong)."""
    got, err = _call(bayes_decision, (_array(loss), _array(p)))
    if err is None:
        try:
            return _as_index(got, len(loss[0])), None
        except _BadResult as exc:
            return None, str(exc)
    return None, err


def _transposed_choice(loss, p):
    """The choice of an answer that weights the rows of a square loss matrix (else None)."""
    if len(loss) != len(loss[0]):
        return None
    return _argmin(_risks([list(c) for c in zip(*loss)], p))


_MISTAKES = (
    (lambda loss, p: _argmax(p) if len(loss[0]) >= len(p) else None,
     lambda: _("You picked the most probable class, which is right for the 0-1 loss only; "
               "with other losses the costs of the mistakes matter. ")),
    (_transposed_choice,
     lambda: _("You weighted the rows, not the columns: loss_matrix[y][y'] is indexed by "
               "the true class first. ")),
    (lambda loss, p: _argmax(_risks(loss, p)),
     lambda: _("You picked the choice with the *largest* expected loss. ")),
)
"""Wrong rules a hint can name: (the rule's choice for a case, or None; its message)."""


def _bayes_mistake(cases, answers) -> str:
    """What the answer did, if it followed one wrong rule on every case where that rule
    and the answer both give a choice (most cases at least): a hint never claims a
    mistake the answer did not make (one coincidence on the failing case is not one)."""
    for rule, message in _MISTAKES:
        agree = seen = 0
        for (loss, p), (got, err) in zip(cases, answers):
            want = rule(loss, p)
            if err is not None or want is None:
                continue
            seen += 1
            if got != want:
                break
            agree += 1
        else:
            if seen and agree == seen and 2 * seen >= len(cases):
                return message()
    return ""


solutions = types.SimpleNamespace(
    exact_loss=_exact_loss_reference,
    expected_quick_estimate=_expected_quick_reference,
    quick_estimate_bias=_bias_reference,
    bayes_decision=_bayes_decision_reference,
)
"""Reference answers, one per checked function (e.g. ``solutions.exact_loss``)."""

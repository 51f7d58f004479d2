"""Every sentence the grader prints, in one place (the Chinese edition will put them through gettext).

Each message is a plain template string with named fields, passed through :func:`_` (the gettext hook,
the identity for now) and filled by ``.format``; the grader (:mod:`npae.exercises.grader`) builds its report
only from these functions. The exercises' own texts (titles, problem labels, the catalogue of mistakes and
its hints) are data, in :mod:`npae.exercises.specs` and :mod:`npae.exercises.mistakes`.
"""

LEVEL_NAMES = {"guided": "guided", "derive": "derive"}


def _(text):
    """The gettext hook: returns ``text`` (its translation, once the catalogue exists)."""
    return text


def plural(n, one, many):
    """``one`` or ``many`` according to ``n`` (the English rule; gettext's ngettext later)."""
    return one if n == 1 else many


# ------------------------------------------------------------------------------------------ the header
def header(name, title, level, lesson, path):
    """The report's first lines: the exercise, its level, lesson and file."""
    return [_("Exercise {name} ({level} level): {title}").format(name=name, level=LEVEL_NAMES[level], title=title),
            _("  lesson: {lesson}").format(lesson=lesson),
            _("  file:   {path}").format(path=path), ""]


def verdict(status, tables=True):
    """The last line; ``tables``: whether the report shows the tables of checks (else the failure came first)."""
    if status == "failing" and not tables:
        return _("Result: FAILING.")
    return {"passing": _("Result: PASSING: every check passed."),
            "not started": _("Result: NOT STARTED."),
            "failing": _("Result: FAILING (passing needs every ✓ above and nothing under Diagnosis).")}[status]


# ------------------------------------------------------------------------------------ not started, refused
def no_file(path, name, level):
    """No file at the path: how to start."""
    option = " --derive" if level == "derive" else ""
    return [_("Not started: there is no file at {path}.").format(path=path),
            _("Run `python -m npae.exercises start {name}{option}` to copy the stub there.").format(
                name=name, option=option)]


def untouched(functions, level):
    """The file is still the stub (a list of lines)."""
    names = ", ".join(f"`{f}`" for f in functions)
    if level == "derive":
        return [_("Not started: your file is still the stub. Derive the gradient on paper first (the statement "
                  "gives the model and the cost), then write {names}: replace each `raise NotImplementedError` "
                  "by your code.").format(names=names)]
    return [_("Not started: your file is still the stub. Write {names}: replace each `raise NotImplementedError` "
              "by your code (the # HINT lines above it say what to compute), then check again.").format(names=names)]


def unfinished(failure):
    """The student's code still raises NotImplementedError somewhere (a list of lines)."""
    where = _(" at line {line}").format(line=failure.line) if failure.line else ""
    text = _(": {text}").format(text=failure.text) if failure.text else ""
    return [_("Unfinished: your `{function}` still raises NotImplementedError{where}{text}.").format(
                function=failure.function or "code", where=where, text=text),
            _("Replace that `raise` by your code, then check again.")]


def syntax_error(line, text, offset, message):
    """A syntax error at a line of the student's file (a list of lines)."""
    lines = [_("Your file has a syntax error at line {line}: {message}.").format(line=line, message=message)]
    if text:
        lines.append(f"    {text.rstrip()}")
        if offset and offset > 0:
            lines.append("    " + " " * (offset - 1) + "^")
    lines.append(_("Python reads the whole file before running any of it: fix this line (or the line before it: "
                   "an unclosed bracket is reported where Python gives up), then check again."))
    return lines


REFUSAL_KINDS = {
    "npae": _("uses {what}"),
    "autodiff": _("imports {what}, which differentiates automatically"),
    "dynamic": _("imports or runs code by name ({what})"),
}


def refused(refusals, allowed):
    """The refused uses of a file and what the exercise allows (a list of lines)."""
    lines = [_("Refused: an exercise is graded on your own code, and your file")]
    for r in refusals:
        where = (_("line {line}: {text}").format(line=r["line"], text=r["text"]) if r["line"]
                 else _("the global `{text}`").format(text=r["text"]))
        lines.append("  - " + REFUSAL_KINDS[r["kind"]].format(what=r["what"]) + f" ({where})")
    lines.append(_("From npae, this exercise's file may use only what its stub imports: {allowed}. Derive the "
                   "gradient yourself (the course writes every gradient by hand), remove those lines, and check "
                   "again.").format(allowed=allowed))
    return lines


# ---------------------------------------------------------------------------------------------- failures
def where(failure):
    """' (line 42: delta2 = ...)' for a failure with a line of the student's file, else ''."""
    if not failure.line:
        return ""
    return _(" (line {line}: {text})").format(line=failure.line, text=failure.text or "?")


def on_problem(failure):
    """" on 'problem label'" for a failure that names its problem."""
    return _(" on '{problem}'").format(problem=failure.problem) if failure.problem else ""


BAD_RETURNS = {
    "none": _("returned None: is its `return` statement missing, or does a code path end without one?"),
    "loss_only": _("returned only a number ({got}): return the loss and the gradient, `return loss, grads`."),
    "not_a_pair": _("returned {got}; it must return two things, `return loss, grads`."),
    "swapped": _("returned (gradient, loss) — {got}: the order is (loss, gradient), `return loss, grads`."),
    "loss_not_a_number": _("returned a loss that is not one number: {got}. Reduce it to one number (the mean over "
                           "the samples, the sum over the features)."),
    "not_an_array": _("returned {got}, not an array of numbers."),
    "not_a_number": _("returned {got}, not one number."),
    "grads_not_a_dict": _("returned gradients as {got}; they must be a dict keyed like the parameters ({keys})."),
    "keys": _("returned gradients keyed {got}; they must be keyed like the parameters: {keys} (one gradient per "
              "parameter, under the parameter's own name)."),
    "grad_not_an_array": _("returned a gradient '{key}' that is {got}, not an array of numbers."),
}


def describe_failure(failure):
    """One sentence (or two) that says what a :class:`~npae.exercises.runner.Failure` is."""
    function = failure.function or _("your code")
    kind = failure.kind
    if kind == "bad_return":
        detail = dict(failure.detail)
        for key in ("keys", "got"):
            if isinstance(detail.get(key), list):
                detail[key] = ", ".join(detail[key]) or _("(none)")
        return _("Your `{function}`{problem} ").format(function=function, problem=on_problem(failure)) + \
            BAD_RETURNS[detail["what"]].format(**{"got": "", "keys": "", "key": "", **detail})
    if kind == "missing":
        return _("Your file has no function `{function}`: the grader calls it by the stub's name (and with the "
                 "stub's parameters).").format(function=function)
    if kind == "signature":
        return _("Calling your `{function}` as the stub defines it failed: {message}. Keep the stub's parameters "
                 "(their names and their order).").format(function=function, message=failure.message)
    if kind == "exit":
        return _("Your `{function}`{problem} called exit() or sys.exit(){where}: a function must return its result; "
                 "it must not end the program.").format(function=function, problem=on_problem(failure),
                                                        where=where(failure))
    if kind == "timeout":
        return timed_out(failure)
    if kind == "crashed":
        code = failure.detail.get("exitcode")
        extra = _(" (exit code {code})").format(code=code) if code is not None else ""
        return _("The process running your code ended without a result{extra}: does your file call os._exit, "
                 "or crash Python (e.g. through ctypes)?").format(extra=extra)
    if kind == "unusable":
        return _("The grader could not use what your functions returned{problem} ({error}: {message}): check "
                 "their shapes against the docstrings.").format(problem=on_problem(failure), error=failure.error,
                                                                message=failure.message)
    return _("Your `{function}`{problem} raised {error}: {message}{where}.").format(
        function=function, problem=on_problem(failure), error=failure.error, message=failure.message,
        where=where(failure))


def import_failed(failure):
    """Why the student's file could not be imported (a list of lines)."""
    if failure.kind == "forbidden":
        return []
    if failure.kind == "exit":
        return [_("Your file calls exit() or sys.exit() when it is imported{where}: keep only definitions (and "
                  "imports) at the top level.").format(where=where(failure))]
    if failure.kind == "timeout":
        return [timed_out(failure)]
    return [_("Your file does not import: {error}: {message}{where}.").format(
        error=failure.error, message=failure.message, where=where(failure))]


def timed_out(failure, time_limit=None):
    """The student's code did not finish within the time limit: where it was, and what to look for."""
    limit = _("within {seconds:g} s").format(seconds=time_limit) if time_limit else _("in time")
    if failure.line:
        place = _("it was running line {line} of your file ({text})").format(line=failure.line, text=failure.text)
        if failure.function and failure.function != "<module>":
            place += _(", in `{function}`").format(function=failure.function)
    else:
        place = _("it did not respond to the interrupt, so it was stopped without a line number")
    phase = {"outputs": _(" while computing the outputs"), "self_check": _(" during the finite-difference check"),
             "findings": _(" during the property checks"), "import": _(" while your file was imported")}.get(
        failure.detail.get("phase"), "")
    problem = _(" of '{problem}'").format(problem=failure.problem) if failure.problem else ""
    return _("Your code did not finish {limit}{phase}{problem}: {place}. An infinite loop (a `while` whose "
             "condition never becomes false), or code far too slow for these small problems: each call should "
             "take milliseconds.").format(limit=limit, phase=phase, problem=problem, place=place)


# ------------------------------------------------------------------------------------- the report's tables
def section_self(title, bar):
    """The heading of part 1."""
    return _("1. {title} (float64, per block, must be < {bar})").format(title=title[0].upper() + title[1:], bar=bar)


def section_reference(bar):
    """The heading of part 2."""
    return _("2. Your outputs against the reference (relative difference, must be < {bar})").format(bar=bar)


def section_properties():
    """The heading of part 3."""
    return _("3. Property checks")


def not_checked(failure):
    """A table row whose check could not run."""
    return _("not checked: {reason}").format(reason=describe_failure(failure))


def cell(name, value, ok, shapes=None):
    """One cell of a table: a block's relative difference and ✓/✗, or its wrong shape."""
    if shapes is not None and shapes[0] != shapes[1]:
        return _("{name} shape {got}, expected {expected} ✗").format(name=name, got=shapes[0], expected=shapes[1])
    return f"{name} {value:.1e} {'✓' if ok else '✗'}"


def missing_output(name):
    """A table cell for an output the student's code did not give."""
    return _("{name} missing ✗").format(name=name)


# -------------------------------------------------------------------------------------------- diagnosis
def diagnosis():
    """The heading of the diagnosis."""
    return _("Diagnosis")


def mutations(found):
    """``found``: (function, argument) pairs, the argument written as the student's code names it
    (``params['W1']``, ``X``)."""
    groups = {}
    for function, argument in found:
        groups.setdefault((function, argument.split("[")[0]), []).append(argument)
    items = []
    for (function, root), arguments in groups.items():
        entries = [a for a in arguments if a != root]
        item = _("`{function}` modified its argument `{root}` in place").format(function=function, root=root)
        if entries:
            shown = ", ".join(f"`{a}`" for a in entries[:6]) + (", …" if len(entries) > 6 else "")
            item += _(" ({entries})").format(entries=shown)
        items.append(item)
    return _("Your {items}. A function must not change what it is given — the optimiser's parameters, the data "
             "— so compute into new arrays: `g = lam * W` makes a new array, while `g = W; g *= lam` (or "
             "`W -= ...`, `W[...] = ...`) writes into W itself.").format(items=_("; your ").join(items))


def mutations_only():
    """Everything but the modified arguments is right."""
    return _("Apart from that, your numbers are right: once your function leaves its arguments alone, it passes.")


def loss_wrong_gradients_right(loss_name="loss"):
    """Every gradient matches the reference, the loss value does not."""
    return _("The {loss} is wrong, the gradients are right: every gradient matches the reference, the {loss} value "
             "does not. Look at the value only — each term's normalisation (the ½, the 1/m, λ/2 rather than λ), a "
             "term missing from the value, a clipped or rounded log. (Part 1 fails for the same reason: it "
             "differentiates your {loss}.)").format(loss=loss_name)


def loss_right_gradients_wrong(where_checked=False):
    """The loss matches the reference; the gradient is not its gradient (``where_checked``: on the problems the
    finite-difference check runs on, the loss being wrong on others)."""
    if where_checked:
        return _("Where the finite-difference check runs, your loss value agrees with the reference and your "
                 "gradient is not its gradient: the error is in the backward pass (your loss is wrong on other "
                 "problems too, see below).")
    return _("Your loss value agrees with the reference; your gradient is not its gradient: the error is in the "
             "backward pass.")


def consistent_but_wrong():
    """The gradient is the gradient of the student's loss, but both differ from the reference."""
    return _("Your gradient is exactly the gradient of your own loss, but both differ from the reference: your "
             "loss itself is not the J of the statement (a term missing or mis-normalised, in the loss and, "
             "consistently, in its gradient — or an error in the forward pass).")


def both_wrong():
    """The loss differs from the reference and the gradient is not the loss's gradient."""
    return _("Your loss value differs from the reference and your gradient is not the gradient of your loss: "
             "look first at the loss (each term's normalisation: the ½, the 1/m, λ/2), then at the backward pass.")


def localise_biases(head):
    """Only bias gradients are wrong."""
    return head + _("the deltas are right (the weight gradients, built from them, are), so the error is in the "
                    "bias gradients themselves: each is Σ over the samples (axis 0) of its layer's whole delta — not "
                    "a mean, not decayed, not a part of the delta.")


def localise_weights(head):
    """Only weight gradients are wrong."""
    return head + _("the deltas are right (each bias gradient is a plain sum of its delta, and those are right), so "
                    "the error is in a term only the weights have: the product Aᵀδ (which input, which transpose), "
                    "weight decay λW, a direct penalty term, or a second path of a tied weight.")


def localise_enters(head, label, where_text):
    """The error enters at a layer below correct ones."""
    return head + _("the layers above {label} are right, so the delta arriving from above is right; the error "
                    "enters at {label}: in {where}.").format(label=label, where=where_text)


def localise_top(head, where_text):
    """The error is at the topmost layer."""
    return head + _("the error is in {where}.").format(where=where_text)


def localise_head(right, bad):
    """'W2, b2 right; W1, b1 wrong → ': the start of a localisation."""
    head = (", ".join(right) + _(" right; ") if right else "") + ", ".join(bad) + _(" wrong → ")
    return head


def block_note(name, note):
    """What a wrong output depends on (an exercise's ``block_notes``)."""
    return _("{name} is wrong — {note}.").format(name=name, note=note)


def only_case_fails(case, n_failing, n_problems, note):
    """Every failing problem shares one case that no passing problem has."""
    text = _("Only the {case} cases fail ({n} of the {total} problems), the others pass").format(
        case=case, n=n_failing, total=n_problems)
    return text + (f": {note}." if note else ".")


def and_more(n):
    """' (The same on n other problems.)'."""
    return _(" (The same on {n} other {problems}.)").format(n=n, problems=plural(n, "problem", "problems"))


def not_a_function_of_arguments():
    """Outputs right, yet the finite-difference check fails: the function is not a function of its arguments."""
    return _("Your loss and gradient match the reference, but the finite-difference check of your own loss fails: "
             "your function's value depends on something other than its arguments (a global variable, a cache, "
             "randomness), so that calling it twice at the same point does not give the same number.")


def shapes(items):
    """The wrong shapes."""
    return _("Wrong shapes: {items}. Each output has the shape the statement gives; a gradient has the shape of "
             "its parameter.").format(items="; ".join(items))


def shape_item(name, got, expected):
    """One wrong shape (with '(the transpose)' when it is one)."""
    transposed = _(" (the transpose)") if tuple(got)[::-1] == tuple(expected) else ""
    return _("{name}: {got} instead of {expected}{transposed}").format(name=name, got=got, expected=expected,
                                                                      transposed=transposed)


def float32(names):
    """Outputs that came back as float32."""
    return _("{names} came back as float32: gradient checks need float64 throughout.").format(names=", ".join(names))


def non_finite(items):
    """Outputs that are NaN or inf where the reference's are finite."""
    return _("Not finite where the reference is: {items} — an overflow (exp of a large number) or log(0).").format(
        items="; ".join(items))


def non_finite_item(name, problem):
    """One non-finite output, on one problem."""
    return _("{name} on '{problem}'").format(name=name, problem=problem)


def mistake_match(name, title, hint):
    """The catalogued mistake the student's outputs match, and its hint (two lines)."""
    return [_("This matches a classic mistake, `{name}`: {title}.").format(name=name, title=title),
            _("  Try: {hint}").format(hint=hint)]


def no_mistake_match(count, lesson):
    """No catalogued mistake matches a numeric failure (two lines)."""
    text = _("Your numbers match none of the {count} classic mistakes catalogued for this exercise.").format(
        count=count)
    return [text, _("  Try: compare your code with the statement ({lesson} and the docstring of your file), block "
                    "by block, starting with the topmost wrong one.").format(lesson=lesson)]


def failing_property_checks():
    """A property check (part 3) failed."""
    return _("A property check fails (part 3).")


def printed(text, n_lines, limit):
    """What the student's code printed (the first lines)."""
    lines = text.rstrip("\n").splitlines()
    shown = lines[:10]
    out = [_("Your code printed {n} {lines} (the grader calls your functions many times); the first:").format(
        n=n_lines, lines=plural(n_lines, "line", "lines"))]
    out += [f"    | {line}" for line in shown]
    if n_lines > len(shown) or len(text) >= limit:
        out.append(_("    | …"))
    return out


# -------------------------------------------------------------------------------------------- after passing
def library(text):
    """After passing: where npae computes the same thing."""
    return [_("In npae: {text}").format(text=text)]


def next_level(name):
    """After passing the guided level: the command of the derive level."""
    return [_("Next: the derive level states only the model and the cost — "
              "`python -m npae.exercises start {name} --derive`.").format(name=name)]


def report_repr(name, level, status, wrong, mistake):
    """The one-line repr of a Report."""
    extra = ""
    if wrong:
        extra += _("; wrong: {wrong}").format(wrong=", ".join(wrong))
    if mistake:
        extra += _("; looks like {mistake}").format(mistake=mistake)
    return f"<Report {name} ({level}): {status}{extra}>"

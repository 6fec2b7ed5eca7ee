"""Integrity checks around the tests: catch student code that rewrites how tests run.

In nbgrader the hidden tests run in the same kernel as the student's code, after it. Code
in an answer cell can therefore change what the tests see: an IPython input transformer
or event hook that rewrites or skips later cells, an overridden traceback display or
exception handler that hides a failure, a monkeypatched ``math.isclose``,
``numpy.allclose``, ``course.check.close`` or ``builtins.isinstance`` that makes a wrong
answer pass. (Answers whose ``__eq__`` is always true are refused by ``course.check``.)

:class:`InsertGuards` adds a locked preamble cell before everything else, which records
the genuine objects, and a check cell before every test cell and at the end, which
compares the kernel against that record and prints one line
``SAFETY-GUARD <nonce> ok`` or ``SAFETY-GUARD <nonce> tampered <json reasons>``. The
nonces are random per run. :class:`CollectGuards` (after execution, outside the kernel)
reads those lines, removes the guard cells, and writes the reasons to a report: a check
that says "tampered", or whose line is missing or wrong (the cell was rewritten, its
output hidden, the kernel died), marks the submission *needs review* with the reason.

This detects the common ways; it cannot make one Python interpreter safe from code that
runs in it. A student who studies this file could forge the guard's output. The flag is
a reason for a human to look, and the README says so.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from nbformat.v4 import new_code_cell
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

MARK = "SAFETY-GUARD"
META = "safety_guard"

PREAMBLE = r'''
def _setup(modname, mark):
    import builtins, math, operator, sys, threading, types
    import numpy, numpy.testing
    from course import check
    ip = get_ipython()
    out = sys.stdout
    watch = {}
    for mod in (math, operator, numpy, numpy.testing, check):
        for k, v in list(vars(mod).items()):
            if not k.startswith("__") and callable(v):
                watch[(mod.__name__, k)] = (mod, v)
    for k in ("isinstance", "issubclass", "len", "abs", "all", "any", "sum", "min", "max",
              "round", "sorted", "bool", "int", "float", "str", "repr", "type", "list",
              "tuple", "dict", "set", "frozenset", "range", "zip", "map", "filter",
              "enumerate", "hasattr", "getattr", "callable", "iter", "next", "print", "open",
              "__import__", "compile", "exec", "eval", "id", "hash", "object", "super",
              "AssertionError", "Exception", "BaseException", "NotImplementedError"):
        watch[("builtins", k)] = (builtins, getattr(builtins, k))
    modules = {n: sys.modules.get(n) for n in ("math", "operator", "numpy", "numpy.testing",
                                                "course.check", "builtins")}
    methods = {
        "shell": (ip, ("run_cell", "run_cell_async", "run_ast_nodes", "run_code",
                       "transform_cell", "transform_ast", "showtraceback", "_showtraceback",
                       "showsyntaxerror", "showindentationerror", "get_exception_only",
                       "should_run_async", "_get_exc_info", "ex", "ev")),
        "kernel": (ip.kernel, ("do_execute", "execute_request", "_publish_execute_input",
                               "_publish_status", "dispatch_shell", "process_one")),
        "session": (ip.kernel.session, ("send", "serialize", "sign")),
        "events": (ip.events, ("trigger", "register", "unregister")),
        "display": (ip.display_pub, ("publish",)),
        "compiler": (ip.compile, ("__call__", "ast_parse", "cache")),
        "transformer": (ip.input_transformer_manager, ("transform_cell", "do_token_transforms",
                                                        "do_one_token_transform")),
        "traceback": (ip.InteractiveTB, ("structured_traceback", "text")),
        "stdout": (out, ("write", "flush")),
    }
    def _methods(obj, names):
        return (type(obj), {n: getattr(type(obj), n, None) for n in names},
                {n: vars(obj).get(n) for n in names if hasattr(obj, "__dict__")})
    meth0 = {k: (obj, names, _methods(obj, names)) for k, (obj, names) in methods.items()}
    objs0 = {"sys.excepthook": sys.excepthook, "sys.displayhook": sys.displayhook,
             "sys.stdout": sys.stdout, "sys.stderr": sys.stderr,
             "shell.compile": ip.compile, "shell.InteractiveTB": ip.InteractiveTB,
             "shell.input_transformer_manager": ip.input_transformer_manager,
             "shell.kernel": ip.kernel}
    def _objs():
        return {"sys.excepthook": sys.excepthook, "sys.displayhook": sys.displayhook,
                "sys.stdout": sys.stdout, "sys.stderr": sys.stderr,
                "shell.compile": ip.compile, "shell.InteractiveTB": ip.InteractiveTB,
                "shell.input_transformer_manager": ip.input_transformer_manager,
                "shell.kernel": ip.kernel}
    def _lists():
        m = ip.input_transformer_manager
        return {"input_transformers_cleanup": list(ip.input_transformers_cleanup),
                "input_transformers_post": list(ip.input_transformers_post),
                "ast_transformers": list(ip.ast_transformers),
                "cleanup_transforms": list(m.cleanup_transforms),
                "line_transforms": list(m.line_transforms),
                "token_transformers": list(m.token_transformers)}
    lists0 = _lists()
    def _same(a, b):
        # IPython re-binds some hooks each cell (sys.excepthook, a tee around stdout.write):
        # the same function again is not tampering
        if a is b:
            return True
        try:
            if a == b:
                return True
        except Exception:
            pass
        code = getattr(getattr(a, "__func__", a), "__code__", None)
        return code is not None and code is getattr(getattr(b, "__func__", b), "__code__", None)
    callbacks0 = {e: list(cbs) for e, cbs in ip.events.callbacks.items()}
    allowed = ("matplotlib_inline", "ipykernel", "IPython", "ipywidgets", "matplotlib",
               "comm", "ipympl")

    def check(nonce):
        bad = []
        for (modname_, k), (mod, v) in watch.items():
            if getattr(mod, k, None) is not v:
                bad.append(f"{modname_}.{k} was replaced")
        for n, m in modules.items():
            if sys.modules.get(n) is not m:
                bad.append(f"sys.modules[{n!r}] was replaced")
        for key, (obj, names, snap) in meth0.items():
            now = _methods(obj, names)
            if now[0] is not snap[0]:
                bad.append(f"the {key}'s class was changed")
            for n in names:
                if now[1][n] is not snap[1][n]:
                    bad.append(f"{key}.{n} was patched on its class")
                if not _same(now[2].get(n), snap[2].get(n)):
                    bad.append(f"{key}.{n} was overridden")
        now = _objs()
        for k, v in objs0.items():
            if not _same(now[k], v):
                bad.append(f"{k} was replaced")
        lists = _lists()
        for k, v in lists0.items():
            if len(lists[k]) != len(v) or any(a is not b for a, b in zip(lists[k], v)):
                bad.append(f"IPython {k} were changed")
        for event, cbs in ip.events.callbacks.items():
            before = callbacks0.get(event, [])
            for cb in cbs:
                if any(cb is b or cb == b for b in before):
                    continue
                mod = getattr(getattr(cb, "__func__", cb), "__module__", "") or ""
                if not mod.startswith(allowed):
                    bad.append(f"an IPython {event!r} event hook was added ({mod or '?'})")
        if ip.custom_exceptions:
            bad.append("a custom exception handler was set (set_custom_exc)")
        if sys.gettrace() is not None or sys.getprofile() is not None:
            bad.append("a trace or profile function was set")
        line = f"{mark} {nonce} " + ("tampered " + json.dumps(sorted(set(bad))) if bad else "ok")
        out.write(line + "\n")
        out.flush()

    import json
    mod = types.ModuleType(modname)
    mod.check = check
    sys.modules[modname] = mod

_setup({modname!r}, {mark!r})
del _setup
'''


def _guard_cell(source: str, nonce: str, before: str):
    cell = new_code_cell(source)
    cell.metadata[META] = {"nonce": nonce, "before": before}
    return cell


class InsertGuards(NbGraderPreprocessor):
    """Insert the integrity preamble and a check before each test cell and at the end."""

    def preprocess(self, nb, resources):
        modname = "_sg_" + secrets.token_hex(8)
        cells = [_guard_cell(PREAMBLE.replace("{modname!r}", repr(modname))
                             .replace("{mark!r}", repr(MARK)), "preamble", "start")]
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and cell.source.strip():
                nonce = secrets.token_hex(8)
                cells.append(_guard_cell(
                    f"__import__('sys').modules[{modname!r}].check({nonce!r})", nonce,
                    meta.get("grade_id", "?")))
            cells.append(cell)
        nonce = secrets.token_hex(8)
        cells.append(_guard_cell(f"__import__('sys').modules[{modname!r}].check({nonce!r})",
                                 nonce, "the end"))
        nb.cells = cells
        return nb, resources


class CollectGuards(NbGraderPreprocessor):
    """Read the guard cells' verdicts, remove the cells, write the reasons to a report."""

    report_dir = Unicode("", help="folder for <student>__<notebook>.json reports").tag(config=True)

    def preprocess(self, nb, resources):
        problems: list[str] = []
        kept = []
        for cell in nb.cells:
            guard = cell.get("metadata", {}).get(META)
            if not guard:
                kept.append(cell)
                continue
            text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                           if o.get("output_type") == "stream")
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if guard["nonce"] == "preamble":
                if errors:
                    problems.append("the integrity preamble failed: "
                                    f"{errors[0].get('ename')}: {errors[0].get('evalue')}")
                continue
            where = f"before {guard['before']}" if guard["before"] != "the end" else "at the end"
            lines = [ln for ln in text.splitlines() if ln.startswith(f"{MARK} {guard['nonce']} ")]
            if not lines and errors:
                problems.append(f"the integrity check {where} failed: "
                                f"{errors[0].get('ename')}: {errors[0].get('evalue')}"[:300])
            elif not lines:
                problems.append(f"the integrity check {where} did not report (the cell or its "
                                "output was intercepted, or the kernel stopped)")
            elif lines[0].split(" ", 2)[2] != "ok":
                verdict = lines[0].split(" ", 2)[2].removeprefix("tampered ")
                try:
                    reasons = json.loads(verdict)
                except ValueError:
                    reasons = [verdict[:200]]
                problems += [f"{r} (seen {where})" for r in reasons]
        nb.cells = kept
        seen, unique = set(), []
        for p in problems:
            key = p.split(" (seen")[0]
            if key not in seen:
                seen.add(key)
                unique.append(p)
        if self.report_dir:
            nbg = resources.get("nbgrader", {})
            path = Path(self.report_dir) / f"{nbg.get('student')}__{nbg.get('notebook')}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(unique))
        return nb, resources

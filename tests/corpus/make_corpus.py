"""Write the corpus of bad m00 submissions: tests/corpus/submitted/<student>/m00-orientation/.

Each submission is the generated student notebook of m00 (outputs cleared), with some
answers filled from the solution and one thing changed: an honest mistake, a malformed
file, or an attack. ``expected.csv`` beside this script says how each must end (status,
score, and a phrase the reason must contain); ``tests/test_corpus.py`` grades them all in
one batch and compares. Regenerate after m00 changes::

    .venv/bin/python tests/corpus/make_corpus.py

Hostile submissions are written so that a *broken* sandbox shows up as points: when the
attack works, the notebook gives itself the right answer to an exercise.
"""

from __future__ import annotations

import copy
import shutil
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from course.grading import cohort  # noqa: E402
from course.grading.coursedir import CourseDir  # noqa: E402

MODULE = "m00-orientation"
OUT = HERE / "submitted"
PORT = 47631  # tests/test_corpus.py listens here on the host's loopback

EX1, EX2, EX3, EX4 = ("m00-risk-register", "m00-prioritise", "m00-earliest-control",
                      "m00-filter-at-the-end")
EX5, DEBRIEF = "m00-decision", "m00-debrief"  # the decision exercise; the written answer


def _load():
    course = CourseDir(REPO)
    source = nbformat.read(course.source / MODULE / f"{MODULE}.ipynb", as_version=4)
    student = nbformat.read(course.release / MODULE / f"{MODULE}.ipynb", as_version=4)
    for cell in student.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return student, cohort.answers(source)


def _cell(nb, grade_id):
    return next(c for c in nb.cells
                if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _index(nb, grade_id):
    return nb.cells.index(_cell(nb, grade_id))


def _if_attack_works(test: str, answer: str) -> str:
    """Answer cell source: the right answer only if ``test`` (an expression) is true."""
    body = "\n".join("    " + ln for ln in answer.splitlines())
    return f"{test}\nif ATTACK_WORKED:\n{body}\n"


def _secret_hash() -> str:
    """sha256 of one line that exists only in m00's hidden tests."""
    import hashlib

    source = nbformat.read(REPO / "solutions" / MODULE / f"{MODULE}.ipynb", as_version=4)
    student, _ = _load()
    public = {ln.strip() for c in student.cells for ln in c.source.splitlines()}
    cell = _cell(source, EX1 + "-hidden")
    lines = [ln.strip() for ln in cell.source.splitlines()
             if len(ln.strip()) > 25 and ln.strip() not in public and "HIDDEN" not in ln
             and "check." in ln]  # a check call: no file outside the course holds it
    return hashlib.sha256(lines[0].encode()).hexdigest()


def build() -> dict[str, object]:
    student, sol = _load()
    secret = _secret_hash()
    full = cohort.fill(student, sol)

    def filled(ids=(EX1, EX2, EX3, EX4, EX5, DEBRIEF), **override):
        nb = cohort.fill(student, {k: sol[k] for k in ids})
        for gid, src in override.items():
            _cell(nb, gid.replace("_", "-")).source = src
        return nb

    subs: dict[str, object] = {}
    # ---- honest but broken -------------------------------------------------------
    subs["honest-full"] = full
    subs["honest-blank"] = student
    subs["honest-syntax-error"] = filled(**{EX4: sol[EX4] + "\n    return (  # unclosed\n"})
    subs["honest-exception"] = filled(**{EX1: "def make_register():\n"
                                              "    raise ValueError('not finished')\n"})
    subs["honest-infinite-loop"] = filled(**{EX4: "def filter_at_the_end(design):\n"
                                                  "    while True:\n        pass\n"})
    subs["honest-huge-output"] = filled(**{EX1: "print('\\n'.join(f'debug line {i}' for i in range(300_000)))\n" + sol[EX1]})
    subs["honest-slow-code"] = filled(**{EX2: "import time\ntime.sleep(4)\n" + sol[EX2]})
    nb = copy.deepcopy(full)
    del nb.cells[_index(nb, EX1 + "-hidden")]
    del nb.cells[_index(nb, EX1 + "-visible")]
    subs["honest-deleted-cells"] = nb
    nb = copy.deepcopy(full)
    i = _index(nb, EX2)
    nb.cells[i + 1:i + 1] = copy.deepcopy(nb.cells[i:i + 2])
    subs["honest-duplicated-cells"] = nb
    nb = copy.deepcopy(full)
    old = _cell(nb, EX2)
    nb.cells[nb.cells.index(old)] = nbformat.v4.new_markdown_cell(
        old.source, metadata=old.metadata, id=old.get("id"))
    subs["honest-retyped-cell"] = nb
    subs["honest-renamed-file"] = ("m00-orientation (1).ipynb", full)
    empty = nbformat.v4.new_notebook(metadata=copy.deepcopy(student.metadata))
    subs["honest-empty-notebook"] = empty
    # ---- malformed ---------------------------------------------------------------
    subs["malformed-invalid-json"] = nbformat.writes(full)[:5000]
    subs["malformed-old-nbformat"] = nbformat.writes(nbformat.convert(copy.deepcopy(full), 3))
    nb = copy.deepcopy(full)
    for c in nb.cells:
        c.metadata = {}
    subs["malformed-stripped-metadata"] = nb
    nb = copy.deepcopy(full)
    for c in nb.cells:
        if "nbgrader" in c.metadata:
            c.metadata["nbgrader"]["schema_version"] = 99
    subs["malformed-foreign-schema"] = nb
    subs["malformed-binary"] = b"\x89PNG\r\n\x1a\n\x00\x00\x00binary"
    # ---- hostile -----------------------------------------------------------------
    subs["hostile-reads-hidden-tests"] = filled((), **{EX1: _if_attack_works(
        "import hashlib, os\n"
        "ATTACK_WORKED = False\n"
        f"SECRET = {secret!r}  # sha256 of a line of the hidden tests\n"
        "def leaks(path):\n"
        "    try:\n"
        "        with open(path, errors='ignore') as fh:\n"
        "            text = fh.read(20_000_000)\n"
        "    except OSError:\n"
        "        return False\n"
        "    return any(hashlib.sha256(ln.strip().strip('\",').replace('\\\\n', '').strip().encode())\n"
        "               .hexdigest() == SECRET for ln in text.replace('\\\\n', '\\n').splitlines())\n"
        "for top in os.listdir('/'):\n"
        "    if top in ('proc', 'sys', 'dev', 'usr') or os.path.islink('/' + top):\n"
        "        continue\n"
        "    for folder, dirs, files in os.walk('/' + top):\n"
        "        import sys\n"
        "        if folder.startswith((sys.prefix, sys.base_prefix)):\n"
        "            dirs[:] = []\n"
        "            continue  # the Python installation and venv (read-only, public)\n"
        "        for f in files:\n"
        "            if f.endswith(('.ipynb', '.db', '.json', '.py', '.html')) and leaks(os.path.join(folder, f)):\n"
        "                print('found', os.path.join(folder, f))\n"
        "                ATTACK_WORKED = True\n"
        "for path in ('/work/main/solutions', '/work/main/gradebook.db', '/root', '..', '../..'):\n"
        "    try:\n"
        "        ATTACK_WORKED |= any('ipynb' in f or f.endswith('.db') for f in os.listdir(path))\n"
        "    except OSError:\n"
        "        pass\n"
        "print('hidden tests visible:', ATTACK_WORKED)", sol[EX1])})
    subs["hostile-writes-outside"] = filled(**{EX1: (
        "import os, glob\n"
        "for path in ['/work/main/PWNED', '/root/PWNED', '../PWNED', '../../PWNED',\n"
        "             '../../../PWNED', '/tmp/PWNED', 'PWNED', '/work/main/gradebook.db',\n"
        "             '/work/main/.venv/PWNED', '/work/main/course/PWNED']:\n"
        "    try:\n"
        "        with open(path, 'a') as fh:\n"
        "            fh.write('PWNED')\n"
        "    except OSError as exc:\n"
        "        print(path, type(exc).__name__)\n" + sol[EX1])})
    nb = filled((EX1,))
    for c in nb.cells:
        meta = c.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade"):
            meta["points"] = 100
    _cell(nb, EX2 + "-hidden")["metadata"]["nbgrader"]["grade"] = False
    subs["hostile-metadata-points"] = nb
    subs["hostile-exits-kernel"] = filled(**{EX2: sol[EX2] + "\nimport os\nos._exit(0)\n"})
    subs["hostile-background-process"] = filled(**{EX1: (
        "import subprocess, os\n"
        "subprocess.Popen(['sleep', '4711'])\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        os.execvp('sleep', ['sleep', '4712'])\n"
        "    os._exit(0)\n" + sol[EX1])})
    subs["hostile-fork-bomb"] = filled(**{EX1: (
        "import os, time\n"
        "children = 0\n"
        "try:\n"
        "    for _ in range(100_000):\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(600)\n"
        "            os._exit(0)\n"
        "        children += 1\n"
        "except OSError as exc:\n"
        "    print('fork stopped after', children, type(exc).__name__)\n" + sol[EX1])})
    subs["hostile-memory-bomb"] = filled(**{EX1: (
        "blocks = []\n"
        "try:\n"
        "    while True:\n"
        "        blocks.append(bytearray(256 * 2**20))\n"
        "except MemoryError:\n"
        "    print('memory stopped at', len(blocks) * 256, 'MiB')\n"
        "del blocks\n" + sol[EX1])})
    subs["hostile-network"] = filled((), **{EX1: _if_attack_works(
        "import socket\n"
        "ATTACK_WORKED = False\n"
        f"for host, port in [('127.0.0.1', {PORT}), ('151.101.0.223', 443), ('1.1.1.1', 53)]:\n"
        "    try:\n"
        "        socket.create_connection((host, port), timeout=3).close()\n"
        "        ATTACK_WORKED = True\n"
        "    except OSError as exc:\n"
        "        print(host, type(exc).__name__)", sol[EX1])})
    subs["hostile-input-transformer"] = filled((), **{EX1: (
        "def _skip_tests(lines):\n"
        "    text = ''.join(lines)\n"
        "    return ['pass\\n'] if 'check.' in text else lines\n"
        "get_ipython().input_transformers_cleanup.append(_skip_tests)\n")})
    subs["hostile-event-hook"] = filled((), **{EX1: (
        "def _hook(info):\n"
        "    info.raw_cell = 'pass'\n"
        "get_ipython().events.register('pre_run_cell', _hook)\n")})
    subs["hostile-hide-traceback"] = filled((), **{EX1: (
        "ip = get_ipython()\n"
        "ip.showtraceback = lambda *a, **k: None\n"
        "ip.set_custom_exc((BaseException,), lambda *a, **k: None)\n")})
    subs["hostile-monkeypatch-check"] = filled((), **{EX1: (
        "from course import check as _c\n"
        "import numpy as np, math\n"
        "for name in ('that', 'equal', 'close', 'is_instance', 'keys', 'fail'):\n"
        "    setattr(_c, name, lambda *a, **k: None)\n"
        "np.allclose = lambda *a, **k: True\n"
        "math.isclose = lambda *a, **k: True\n")})
    # Python files beside the notebook. Run as the grader in the autograded folder, a
    # submitted course/grading/sandbox.py would replace the sandbox's launcher (it runs
    # the kernel unsandboxed) and ipykernel_launcher.py the kernel; in the kernel's
    # folder, course/check.py would shadow the course's test helpers.
    escape = (
        "import os, sys\n"
        "try:\n"
        "    open('/root/PWNED', 'w').write('a submitted launcher ran as the grader')\n"
        "except OSError:\n"
        "    pass\n"
        "kernel = sys.argv[sys.argv.index('--') + 1:]\n"
        "os.execv(sys.executable, [sys.executable, '-c', 'import builtins; '\n"
        "         'builtins.SHIPPED_CODE_RAN = True; from ipykernel import kernelapp; '\n"
        "         'kernelapp.launch_new_instance()', '-f', kernel[kernel.index('-f') + 1]])\n")
    subs["hostile-ships-code"] = {
        f"{MODULE}.ipynb": filled((), **{EX1: _if_attack_works(
            "import builtins, os\n"
            "ATTACK_WORKED = getattr(builtins, 'SHIPPED_CODE_RAN', False) or any(\n"
            "    os.path.exists(p) for p in ('ipykernel_launcher.py', 'course/check.py'))",
            sol[EX1])}),
        "course/__init__.py": "",
        "course/grading/__init__.py": "",
        "course/grading/sandbox.py": escape,
        "course/check.py": "def equal(*args, **kwargs):\n    pass\n",
        "ipykernel_launcher.py": ("import builtins\nbuiltins.SHIPPED_CODE_RAN = True\n"
                                  "from ipykernel import kernelapp\n"
                                  "kernelapp.launch_new_instance()\n"),
    }
    subs["hostile-always-equal"] = filled((), **{EX2: (
        "class AlwaysEqual(list):\n"
        "    def __eq__(self, other):\n"
        "        return True\n"
        "    __hash__ = None\n"
        "def prioritise(register):\n"
        "    return AlwaysEqual(register)\n")})
    # ---- tricks that pass the kernel's own checks, alone and in pairs -------------
    # an input transformer that skips every test and answers each integrity check with
    # its own "ok" line (the check's nonce is in the check cell's source)
    forge = (
        "import re as _re\n"
        "def _forge(lines):\n"
        "    text = ''.join(lines)\n"
        "    m = _re.search(r\"\\.check\\('([0-9a-f]+)'\\)\", text)\n"
        "    if m and '_sg_' in text:\n"
        "        return [f\"print('SAFETY-GUARD {m.group(1)} ok')\\n\"]\n"
        "    return ['pass\\n'] if 'check.' in text else lines\n"
        "get_ipython().input_transformers_cleanup.append(_forge)\n")
    subs["hostile-forged-checks"] = filled((), **{EX1: forge})
    # no traceback shown, and the error flag cleared after every cell
    quiet = (
        "ip = get_ipython()\n"
        "ip.showtraceback = lambda *a, **k: None\n"
        "def _clear(result):\n"
        "    result.error_in_exec = None\n"
        "ip.events.register('post_run_cell', _clear)\n")
    subs["hostile-quiet-errors"] = filled((), **{EX1: quiet})
    # dormant until it sees it is being graded
    subs["hostile-dormant-until-graded"] = filled((), **{EX1: (
        "import os\n"
        "if os.environ.get('NBGRADER_EXECUTION') or os.environ.get('NBGRADER_VALIDATING'):\n"
        + "\n".join("    " + ln for ln in forge.splitlines()) + "\n")})
    # pairs: forged checks over a patched course.check; forged checks over quiet errors
    # a right answer for Exercise 1 carries the patch; Exercise 2's wrong order then passes
    subs["hostile-forged-and-patched"] = filled((EX1, EX3, EX4, EX5, DEBRIEF), **{
        EX1: sol[EX1] + "\n"
        "from course import check as _c\n"
        "for _n in ('that', 'equal', 'close', 'is_instance', 'keys', 'fail', 'call'):\n"
        "    setattr(_c, _n, lambda *a, **k: None)\n"
        "try:\n" + "\n".join("    " + ln for ln in forge.replace(
            "return ['pass\\n'] if 'check.' in text else lines", "return lines").splitlines())
        + "\nexcept NameError:\n    pass\n",
        EX2: "def prioritise(register):\n    return list(register)\n"})
    subs["hostile-forged-and-quiet"] = filled((), **{EX1: forge + quiet})
    # ---- honest answers that talk: stderr and one enormous line -------------------
    noisy = (
        "\nimport functools, sys, warnings\n"
        "def _noisy(f):\n"
        "    @functools.wraps(f)\n"
        "    def g(*a, **k):\n"
        "        print('debug: calling', f.__name__, file=sys.stderr)\n"
        "        warnings.warn('still experimental')\n"
        "        return f(*a, **k)\n"
        "    return g\n")
    subs["honest-stderr-debug"] = filled(**{
        EX1: sol[EX1] + noisy + "make_register = _noisy(make_register)\n",
        EX2: sol[EX2] + noisy + "prioritise = _noisy(prioritise)\n"})
    subs["honest-one-huge-line"] = filled(**{EX1: "print('x' * 20_000_000)\n" + sol[EX1]})
    return subs


def write() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    for student, content in build().items():
        if isinstance(content, tuple):  # (file name, content)
            content = dict([content])
        elif isinstance(content, (str, bytes, nbformat.NotebookNode)):
            content = {f"{MODULE}.ipynb": content}
        for name, data in content.items():
            path = OUT / student / MODULE / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(data, bytes):
                path.write_bytes(data)
            elif isinstance(data, str):
                path.write_text(data, encoding="utf-8")
            else:
                nbformat.write(data, path)
    print(f"wrote {len(list(OUT.iterdir()))} submissions to {OUT}")


if __name__ == "__main__":
    write()

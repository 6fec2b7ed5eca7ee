"""The sandbox's kernel: ipykernel without its debugger.

A graded notebook is never stepped through, yet ipykernel imports debugpy at every start
when it is installed: about 0.2 s of CPU, a fifth of the kernel's own start, once per
submission. With debugpy hidden, ipykernel starts without a debugger (it checks that import
and carries on); everything else is ipykernel as the student ran it. Started as::

    python -P -m course.grading.kernel -f {connection_file}

(``-P``: the working folder is not searched for ``course`` or ``ipykernel``.)
"""

import sys

if __name__ == "__main__":
    sys.modules["debugpy"] = None  # makes `import debugpy` fail

    from ipykernel import kernelapp

    kernelapp.launch_new_instance()

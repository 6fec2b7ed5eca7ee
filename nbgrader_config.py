# The repository root is an nbgrader course directory: run nbgrader commands from here.
# The course's settings live in course/grading/nbconfig.py so that the tools and tests use
# the same ones; override any of them below the apply() line.
from course.grading import nbconfig

c = get_config()  # noqa: F821 (provided by nbgrader)
nbconfig.apply(c)

# For a cohort on JupyterHub with nbgrader's exchange, set for example:
# c.Exchange.root = "/srv/nbgrader/exchange"

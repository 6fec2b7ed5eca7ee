"""Support package for the Safety-First ML Engineering course.

The package holds data generators, simulators, plotting, widgets, test helpers and the
grading tools. It never holds an exercise's answer: answers live only in the solution
notebooks under ``solutions/``.
"""

__version__ = "0.1.0"

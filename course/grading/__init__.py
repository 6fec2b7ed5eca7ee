"""Instructor tooling on top of nbgrader: release, cohort grading, feedback, demo.

nbgrader is the engine (gradebook, generate_assignment, autograde, feedback, export);
this package adds what instructors otherwise script by hand: checking that assignments/
matches generation, grading a batch where one broken submission never stops the rest, a
status per student, and hidden tests removed from feedback.
"""

"""Interactive explorers (ipywidgets), one submodule per module of the course.

Every explorer has a static figure beside it in its notebook, so the notebook still reads
well where widgets do not render (GitHub, nbviewer, a PDF, nbval).
"""

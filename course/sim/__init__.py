"""Simulators that modules probe: seeded, CPU-only stand-ins for real systems.

assistant (m01: the simulated LLM assistant); federated (m03: federated softmax regression on
digits with malicious clients, and the centralised DP baseline); serving (m04: an LLM serving
stack on a SimPy clock, with safety checks, a bad deploy and a circuit breaker); interviewer
(m07: runs a design, written with course.design, through the other simulators' failures).
"""

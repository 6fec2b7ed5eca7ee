"""Simulators that modules probe: seeded, CPU-only stand-ins for real systems.

assistant (m01: the simulated LLM assistant); federated (m03: federated softmax regression on
digits with malicious clients, and the centralised DP baseline).
"""

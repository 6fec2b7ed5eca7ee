"""Simulators that modules probe: seeded, CPU-only stand-ins for real systems."""

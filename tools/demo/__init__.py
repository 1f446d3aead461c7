"""Deterministic demo company generator (`revops demo`); see docs/demo.md."""

from tools.demo.generator import DemoSummary, generate_demo

__all__ = ["DemoSummary", "generate_demo"]

"""Print the graph as a mermaid figure (the README's diagram is generated from this)."""

from __future__ import annotations

from agent.graph import graph


def mermaid() -> str:
    """Return the compiled graph's topology as mermaid text."""
    return graph.get_graph().draw_mermaid(with_styles=False).strip()


if __name__ == "__main__":
    print(mermaid())

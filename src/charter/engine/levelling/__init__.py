"""Resource levelling: the problem, the fast heuristic, and (through an adapter) the exact solver."""

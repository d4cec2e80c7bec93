"""VaxRoute planner: from ward lists to daily home-vaccination rounds."""

__version__ = "0.1.0"

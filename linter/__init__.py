"""storylint: find implementation detail (HOW) in user stories written by product managers."""

__version__ = "0.1.0"

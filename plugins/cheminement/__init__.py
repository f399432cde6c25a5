"""Cheminement: publish a learner's path as an e-portfolio."""

__version__ = "0.1.0"

"""Carpet Shop: the backend of a multi-branch carpet retailer."""

__version__ = "0.1.0"

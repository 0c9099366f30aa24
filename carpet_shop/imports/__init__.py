"""Imports with a preview: a file is read and checked, the director sees per row what would
happen, and a commit applies exactly that, once."""

"""Adapters that put a teachkit teacher behind other libraries' call shapes.

Each adapter lives in its own module and imports its library lazily (or not at all).
"""

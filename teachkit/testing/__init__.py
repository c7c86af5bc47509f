"""Conformance suites: every teacher, learner model and storage runs through them.

A new implementation gets these tests for free: teachers are discovered from
``teachkit.teachers.__all__``; a storage subclasses :class:`StorageConformance`.
"""

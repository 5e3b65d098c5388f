"""Serialisable views of engine results, shared by the CLI, the web API and reports.

A view only reshapes and formats what an engine computed; it never computes project figures.
"""

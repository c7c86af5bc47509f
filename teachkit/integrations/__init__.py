"""Adapters that put a teachkit curriculum inside other frameworks' loops.

Each submodule imports its framework lazily: ``teachkit.integrations.gymnasium`` needs
gymnasium (``pip install 'teachkit[gym]'``), ``teachkit.integrations.ray`` needs ray
(``pip install 'teachkit[ray]'``); ``teachkit.integrations.teachmyagent`` needs nothing more.
"""

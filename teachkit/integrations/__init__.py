"""Adapters that put a teachkit curriculum inside other frameworks' loops.

Each submodule imports its framework lazily: ``teachkit.integrations.gymnasium`` needs
gymnasium (``pip install 'teachkit[gym]'``), ``teachkit.integrations.ray`` needs ray
(``pip install 'teachkit[ray]'``); ``teachkit.integrations.teachmyagent`` and
``teachkit.integrations.syllabus`` (Syllabus's curriculum call shapes) need nothing more.
For LLM post-training: ``teachkit.integrations.torch`` (``CurriculumSampler``, needs torch),
``teachkit.integrations.gate`` (``AdmissionGate``, numpy only), ``teachkit.integrations.trl``
(``CurriculumGRPOTrainer``, ``pip install 'teachkit[trl]'``) and
``teachkit.integrations.verl`` (``pip install 'teachkit[verl]'``).
"""

#!/usr/bin/env python3
"""Loads .prompty files with the real Prompty implementation (PyPI `prompty`) and prints, as JSON, for each
file either the messages it prepares from sample inputs or the error it raised.

    prompty_load.py FILE...
"""
import json, sys

import prompty

results = {}
for path in sys.argv[1:]:
    try:
        agent = prompty.load(path)
        inputs = {i.name: (i.default if i.default is not None else "x") for i in (agent.inputs or [])}
        messages = prompty.prepare(agent, inputs)
        results[path] = {"ok": True, "messages": [[m.role, getattr(m, "text", "")] for m in messages]}
    except Exception as error:  # report, do not stop: the test decides
        results[path] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
print(json.dumps(results))

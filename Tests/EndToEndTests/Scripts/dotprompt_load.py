#!/usr/bin/env python3
"""Loads .prompt files with Google's Dotprompt (PyPI `dotpromptz`) and prints, as JSON, for each file the input
JSON Schema it compiles from the Picoschema and the text it renders from the defaults plus "x" for required
strings, or the error it raised.

    dotprompt_load.py FILE...
"""
import asyncio, json, sys

from dotpromptz import Dotprompt
from dotpromptz.typing import DataArgument


async def load(path):
    source = open(path, encoding="utf-8").read()
    dotprompt = Dotprompt()
    meta = await dotprompt.render_metadata(source)
    schema = (meta.input.schema if meta.input else None) or {}
    defaults = (meta.input.default if meta.input else None) or {}
    values = dict(defaults)
    for name in schema.get("required", []):
        values.setdefault(name, "x")
    rendered = await dotprompt.render(source, DataArgument(input=values))
    text = "".join(part.text or "" for message in rendered.messages for part in message.content if hasattr(part, "text"))
    return {"ok": True, "schema": schema, "text": text}


results = {}
for path in sys.argv[1:]:
    try:
        results[path] = asyncio.run(load(path))
    except Exception as error:  # report, do not stop: the test decides
        results[path] = {"ok": False, "error": f"{type(error).__name__}: {error}"}
print(json.dumps(results, default=str))

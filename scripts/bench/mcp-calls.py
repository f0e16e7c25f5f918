#!/usr/bin/env python3
"""Times prompts/get calls from the official MCP Python client to one running `folio mcp`.

    mcp-calls.py FOLIO LIBRARY PROMPT COUNT   -> JSON: median and p95 in ms, and the count
"""
import asyncio, json, os, statistics, sys, time

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client


async def main(folio, library, prompt, count):
    params = StdioServerParameters(command=folio, args=["mcp", "--library", library], cwd=library, env=dict(os.environ))
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            await session.get_prompt(prompt, {"code": "warm up"})
            times = []
            for i in range(count):
                start = time.perf_counter()
                result = await session.get_prompt(prompt, {"code": f"call {i}"})
                times.append((time.perf_counter() - start) * 1000)
                assert f"call {i}" in result.messages[0].content.text
    times.sort()
    print(json.dumps({"count": count, "median": statistics.median(times), "p95": times[int(len(times) * 0.95)]}))


asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))

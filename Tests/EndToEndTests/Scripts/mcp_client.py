#!/usr/bin/env python3
"""Drives `folio mcp` with the official MCP Python SDK client (the `mcp` package from PyPI), as Claude Code or
Cursor would, and prints one JSON object of what it saw for the Swift test to check.

    mcp_client.py FOLIO_BINARY LIBRARY_FOLDER
"""
import asyncio, json, os, sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import MCPError


def parsed(result):
    """A tool result's first text as JSON; a failure shows the text."""
    text = result.content[0].text
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise SystemExit(f"not JSON (is_error={result.is_error}): {text}")


async def main(folio, library):
    # The SDK passes only a few variables to the server by default; the git identity must reach it too.
    params = StdioServerParameters(command=folio, args=["mcp", "--library", library], cwd=library, env=dict(os.environ))
    seen = {}
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            seen["server"] = init.server_info.name
            seen["protocol"] = init.protocol_version
            prompts = await session.list_prompts()
            seen["prompts"] = {p.name: [[a.name, bool(a.required)] for a in (p.arguments or [])] for p in prompts.prompts}
            got = await session.get_prompt("review", {"code": "print(1)"})
            seen["rendered"] = got.messages[0].content.text
            try:
                await session.get_prompt("review", {})
                seen["missing"] = "no error"
            except MCPError as error:
                seen["missing"] = error.error.message
            tools = await session.list_tools()
            seen["tools"] = sorted(t.name for t in tools.tools)
            found = await session.call_tool("search_prompts", {"query": "review"})
            seen["search"] = parsed(found)
            saved = await session.call_tool("save_context", {
                "title": "Fix the login bug", "summary": "Found the race in the session store.",
                "open_tasks": ["add a test"], "files": ["src/login.py"],
                "transcript": "User: why does login fail?\nAssistant: a race; the key is AKIAIOSFODNN7EXAMPLE\n"})
            seen["saved"] = parsed(saved)
            bad = await session.call_tool("get_prompt", {"id": "nope"})
            seen["bad_tool"] = [bad.is_error, bad.content[0].text]
            templates = await session.list_resource_templates()
            seen["templates"] = sorted(t.uri_template for t in templates.resource_templates)
            resource = await session.read_resource("folio://prompts/review")
            seen["resource"] = resource.contents[0].text
            context = await session.read_resource("folio://contexts/" + seen["saved"]["id"])
            seen["context"] = context.contents[0].text
    print(json.dumps(seen))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))

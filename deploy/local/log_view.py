#!/usr/bin/env python3
"""The terminal's view of the local stack's logs (run.sh pipes `tail -F .local/logs/*.log` in).

The members write every line to their log files; the terminal shows what a developer watches:
each request once (the gateway's access line: the members' own lines for it are the same
request's second hop), and whatever a member logs at notice, warning, error or critical.
Health and metrics requests are logged at debug and never reach the files at LOG_LEVEL=info.
With --all every line is shown, as it is in the files, and so are lines that are not JSON
(the supervisor prints those when a member ends, with its exit status).

    tail -n0 -F .local/logs/*.log | log_view.py [--all]
"""

import datetime
import json
import re
import sys

# tail's header before the lines of another file: "==> .local/logs/azora-ledger.log <==".
HEADER = re.compile(r"^==> (?:.*/)?([^/]+?)(?:\.log)? <==$")
SHOWN_LEVELS = {"notice", "warning", "error", "critical"}
# The fields every line has, shown in the line's own columns, not as key=value.
COLUMNS = {"time", "level", "service", "message", "logger"}
COLOURS = {"warning": "\033[33m", "error": "\033[31m", "critical": "\033[31;1m"}
NAME_WIDTH = 28


def local_time(stamp):
    """HH:MM:SS in local time, from the RFC 3339 UTC time a line carries."""
    try:
        moment = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
        return moment.astimezone().strftime("%H:%M:%S")
    except (AttributeError, ValueError):
        return datetime.datetime.now().strftime("%H:%M:%S")


def describe_request(record):
    """The gateway's access line as a developer reads it: GET /courses 200 12.5ms."""
    text = f"{record.get('method', '?')} {record.get('path', '?')} {record.get('status', '?')} {record.get('durationMs', '?')}ms"
    if record.get("principal", "-") != "-":
        text += f" by {record['principal']}"
    return text + f"  requestId={record.get('requestId', '-')}"


def describe(record):
    """A line other than an access line: its level, message and remaining fields."""
    fields = " ".join(f"{key}={value}" for key, value in sorted(record.items()) if key not in COLUMNS)
    text = f"{record.get('level', '?')}: {record.get('message', '')}"
    return text + (f"  {fields}" if fields else "")


def render(member, line, show_all, colour):
    """What the terminal shows for one line of a member's log, or None."""
    try:
        record = json.loads(line)
    except ValueError:
        record = None
    if not isinstance(record, dict):
        return f"{datetime.datetime.now():%H:%M:%S} {member:<{NAME_WIDTH}} {line}" if show_all else None
    level = record.get("level", "")
    if level in ("trace", "debug") and not show_all:
        return None
    if record.get("message") == "request" and "status" in record:
        if member != "gateway" and not show_all:
            return None
        text = describe_request(record)
    elif level in SHOWN_LEVELS or show_all:
        text = describe(record)
    else:
        return None
    if colour and level in COLOURS:
        text = COLOURS[level] + text + "\033[0m"
    return f"{local_time(record.get('time'))} {member:<{NAME_WIDTH}} {text}"


def main():
    show_all = "--all" in sys.argv[1:]
    colour = sys.stdout.isatty()
    member = "?"
    for raw in sys.stdin:
        line = raw.rstrip("\n")
        header = HEADER.match(line)
        if header:
            member = header.group(1)
            continue
        if not line:
            continue
        shown = render(member, line, show_all, colour)
        if shown is not None:
            print(shown, flush=True)


if __name__ == "__main__":
    try:
        main()
    except (KeyboardInterrupt, BrokenPipeError):
        pass

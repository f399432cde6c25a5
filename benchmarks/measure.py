"""Run one command and report its wall time and peak memory (stdlib only).

    python benchmarks/measure.py RESULT.json -- COMMAND [ARGS...]

This wrapper is a fresh process whose only child is COMMAND, so after waiting for it
`getrusage(RUSAGE_CHILDREN).ru_maxrss` is exactly the child's peak resident set size (the
largest of its waited-for descendants, if it had any). Wall time is measured around the
child only, not around this wrapper's own start-up. The child's stdout and stderr pass
through; the measurements go to RESULT.json.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    result_path, command = argv[0], argv[2:]
    start = time.perf_counter()
    returncode = subprocess.call(command)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    maxrss_kb = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss // 1024
    with open(result_path, "w", encoding="utf-8") as out:
        json.dump({"returncode": returncode, "wall_s": wall, "maxrss_kb": maxrss_kb,
                   "user_s": usage.ru_utime, "sys_s": usage.ru_stime}, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

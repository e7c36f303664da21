"""Driver for scripts/bench-formats: for every format `apicensus generate` writes, generate the same
synthetic traffic, parse it with `apicensus batch --format NAME`, and compare bytes/s with NGINX
combined's, measured in the same run and the same way (best of R runs, wall clock)."""
import argparse
import json
import os
import subprocess
import sys
import time

BIN = ".build/release/apicensus"
OUT = "bench-out/formats"


def writers():
    """The generator's formats, from `apicensus generate --help` (its --format help lists them)."""
    text = subprocess.run([BIN, "generate", "--help"], capture_output=True, text=True, check=True).stdout
    line = " ".join(text.split())
    start = line.index("Log style: ") + len("Log style: ")
    end = line.index(".", start)
    return [w.strip() for w in line[start:end].split(",") if w.strip()]


def parsed_formats():
    return {f["name"] for f in json.loads(subprocess.run([BIN, "formats", "--json"], capture_output=True, text=True, check=True).stdout)}


def best_seconds(cmd, runs):
    best = None
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.perf_counter() - start
        if proc.returncode not in (0, 3):
            sys.exit(f"bench-formats: failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr.decode(errors='replace')[-2000:]}")
        best = wall if best is None else min(best, wall)
    return best, json.loads(proc.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=500_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    known = parsed_formats()
    rows = []
    for name in writers():
        path = f"{OUT}/{name}-{args.lines}.log"
        if not os.path.exists(path):
            subprocess.run([BIN, "generate", "--format", name, "--lines", str(args.lines), "--seed", "7", "-o", path], check=True)
        size = os.path.getsize(path)
        # Writers named after a parsed format are forced to it; the others (wrapped, vhost) are detected.
        cmd = [BIN, "batch", "--no-progress", "--compact", "--threads", str(args.threads)]
        if name in known:
            cmd += ["--format", name]
        seconds, report = best_seconds(cmd + [path], args.runs)
        inp = report["input"]
        rows.append((name, size, inp["lines"], inp["parsed"], seconds, sorted(inp.get("formats", {}).keys())))
    base = next((r for r in rows if r[0] == "combined"), None)
    print(f"lines per file: {args.lines:,}; threads: {args.threads}; best of {args.runs} runs; {os.cpu_count()} cores\n")
    print("| format | file MB | parsed | seconds | MB/s | lines/s | vs combined (bytes/s) | read as |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, size, lines, parsed, seconds, formats in rows:
        mbs = size / seconds / 1e6
        ratio = (size / seconds) / (base[1] / base[4]) if base else float("nan")
        flag = "" if ratio >= 0.5 else " ✗"
        print(f"| {name} | {size / 1e6:.1f} | {parsed:,}/{lines:,} | {seconds:.2f} | {mbs:.0f} | {lines / seconds:,.0f} | {ratio:.2f}{flag} | {', '.join(formats)} |")


if __name__ == "__main__":
    main()

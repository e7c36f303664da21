"""Benchmark driver for scripts/bench: runs each command as a child process and reads its wall
time and peak RSS (resource.getrusage of the waited child), so every tool is measured the same way."""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

BIN = ".build/release/apicensus"
OUT = "bench-out"


def measure(cmd, runs):
    """Runs `cmd` `runs` times; returns (best seconds, median seconds, peak RSS MiB)."""
    walls, rss = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, shell=isinstance(cmd, str), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - start)
        if proc.returncode != 0:
            sys.exit(f"bench: command failed ({proc.returncode}): {cmd}\n{proc.stderr.decode(errors='replace')[-2000:]}")
        # ru_maxrss of RUSAGE_CHILDREN is the largest child so far; isolated() runs each tool in a
        # fresh interpreter so one tool's peak cannot hide another's.
        rss = max(rss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return min(walls), statistics.median(walls), rss / 1024.0


def isolated(cmd, runs):
    """measure() in a fresh interpreter, so the peak RSS belongs to this command alone."""
    code = (
        "import sys, json; sys.path.insert(0, 'scripts'); import bench; "
        f"print(json.dumps(bench.measure({cmd!r}, {runs})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(out.stderr)
    import json
    return json.loads(out.stdout.strip().splitlines()[-1])


def generate(lines, path, seed=1):
    if not os.path.exists(path):
        subprocess.run([BIN, "generate", "--format", "combined", "--lines", str(lines), "--seed", str(seed), "-o", path], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-goaccess", action="store_true")
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    log = f"{OUT}/combined-{args.lines}.log"
    gz = log + ".gz"
    generate(args.lines, log)
    if not os.path.exists(gz):
        subprocess.run(f"gzip -6 -c {log} > {gz}", shell=True, check=True)
    size = os.path.getsize(log)
    cores = os.cpu_count()
    rows = []

    def row(name, cmd, runs, input_bytes=size):
        best, median, rss = isolated(cmd, runs)
        rows.append((name, best, median, rss))
        print(f"bench: {name}: best {best:.3f}s median {median:.3f}s, {size / best / 1e6:.1f} MB/s, RSS {rss:.0f} MiB", file=sys.stderr)
        return best

    t_plain = row(f"apicensus batch (plain, {cores} threads)", [BIN, "batch", "--no-progress", "-o", "/dev/null", log], args.runs)
    t_plain1 = row("apicensus batch (plain, 1 thread)", [BIN, "batch", "--no-progress", "--threads", "1", "-o", "/dev/null", log], args.runs)
    t_gz = row("apicensus batch (.gz)", [BIN, "batch", "--no-progress", "-o", "/dev/null", gz], args.runs)
    t_gzip = row("gzip -dc > /dev/null", f"gzip -dc {gz} > /dev/null", args.runs)
    t_goaccess = None
    if not args.skip_goaccess:
        t_goaccess = row("goaccess --log-format=COMBINED -o out.json", f"goaccess {log} --log-format=COMBINED -o {OUT}/goaccess.json", 1)

    # Memory: the same job on 1M and 4M lines.
    small, large = f"{OUT}/combined-1000000.log", f"{OUT}/combined-4000000.log"
    generate(1_000_000, small, seed=2)
    generate(4_000_000, large, seed=3)
    _, _, rss_small = isolated([BIN, "batch", "--no-progress", "-o", "/dev/null", small], 1)
    _, _, rss_large = isolated([BIN, "batch", "--no-progress", "-o", "/dev/null", large], 1)

    print(f"\nInput: {args.lines:,} lines of generated NGINX combined log, {size / 1e6:.1f} MB "
          f"({os.path.getsize(gz) / 1e6:.1f} MB gzip -6); {cores} cores; best of {args.runs} runs (GoAccess: 1 run).\n")
    print("| command | best s | median s | MB/s (best) | lines/s (best) | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, best, median, rss in rows:
        print(f"| {name} | {best:.2f} | {median:.2f} | {size / best / 1e6:.1f} | {args.lines / best:,.0f} | {rss:.0f} |")
    print()
    if t_goaccess:
        print(f"- plain vs GoAccess: **{t_goaccess / t_plain:.0f}×** GoAccess's throughput (target ≥ 100×)")
    print(f"- .gz vs `gzip -dc`: **{t_gzip / t_gz:.2f}×** (target ≥ 1.5×)")
    print(f"- 2 threads vs 1 thread on the plain file: {t_plain1 / t_plain:.2f}×")
    print(f"- peak RSS 4M lines / 1M lines: {rss_large:.0f} / {rss_small:.0f} MiB = **{rss_large / rss_small:.2f}** (target ≤ 1.3)")


if __name__ == "__main__":
    main()

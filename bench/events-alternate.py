"""Summary of bench/events-alternate.sh's phases: delivery on against off in one silo, pair by pair.

  bench/events-alternate.py TSV [TSV...]   (several: the pairs of several runs pooled)

Input: a TSV of pair, phase (on|off), requests/s, p50, p99 (wrk's units), silo and PostgreSQL CPU ms per webhook, the
silo's GC pauses in the phase (ms), and its thread pool's work items per webhook (older files: without the last, or both). Prints each phase, then the added latency: on the means of the phases' p50, and on
the pairs' own differences (each pair ran back to back, so drift between pairs does not enter them), their median and
their mean with a 95% confidence interval (Student's t).
"""
import statistics
import sys

# Student's t at 97.5% for 1..30 degrees of freedom (2.04 beyond: a little wide).
T975 = [12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.20, 2.18, 2.16, 2.14, 2.13, 2.12, 2.11, 2.10, 2.09,
        2.09, 2.08, 2.07, 2.07, 2.06, 2.06, 2.06, 2.05, 2.05, 2.05, 2.04]


def ms(text):
    for unit, factor in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(unit):
            return float(text[: -len(unit)]) * factor
    return float(text)


phases = {}
for run, path in enumerate(sys.argv[1:], 1):
    for line in open(path):
        if not line.strip():
            continue
        pair, phase, rps, p50, p99, silo, pg, gc, items = (line.rstrip("\n").split("\t") + ["nan", "nan"])[:9]
        key = (run, int(pair))
        phases[key + (phase,)] = dict(rps=float(rps), p50=ms(p50), p99=ms(p99), silo=float(silo), pg=float(pg), gc=float(gc), items=float(items))
        name = f"{run}.{pair}" if len(sys.argv) > 2 else pair
        print(f"alt pair {name} {phase:>3}: {float(rps):7.2f} webhooks/s, p50 {ms(p50):6.2f} ms, p99 {ms(p99):6.2f} ms, "
              f"CPU per webhook silo {float(silo):.2f} ms, PostgreSQL {float(pg):.2f} ms; GC paused {gc} ms; work items per webhook {items}")

pairs = sorted({(r, p) for r, p, _ in phases if (r, p, "on") in phases and (r, p, "off") in phases})
if not pairs:
    sys.exit("no complete pair")


def mean(phase, field):
    # Files from before a column existed have none (nan): left out of that column's mean.
    values = [v for v in (phases[p + (phase,)][field] for p in pairs) if v == v]
    return statistics.fmean(values) if values else float("nan")


for field in ("p50", "p99"):
    off, on = mean("off", field), mean("on", field)
    diffs = [(phases[p + ("on",)][field] - phases[p + ("off",)][field]) / phases[p + ("off",)][field] * 100 for p in pairs]
    spread = ""
    if len(diffs) > 1:
        half = T975[min(len(diffs) - 1, len(T975)) - 1] * statistics.stdev(diffs) / len(diffs) ** 0.5
        spread = f", mean {statistics.fmean(diffs):+.1f}% ± {half:.1f}% (95%)"
    print(f"alt {field}: off {off:.2f} ms, on {on:.2f} ms over {len(pairs)} pairs: {(on - off) / off * 100:+.1f}% on the means; "
          f"pairs' own differences: median {statistics.median(diffs):+.1f}%{spread}, from {min(diffs):+.1f}% to {max(diffs):+.1f}%")
print(f"alt webhooks/s: off {mean('off', 'rps'):.2f}, on {mean('on', 'rps'):.2f}; CPU per webhook: silo off {mean('off', 'silo'):.2f}, "
      f"on {mean('on', 'silo'):.2f} ms; PostgreSQL off {mean('off', 'pg'):.2f}, on {mean('on', 'pg'):.2f} ms; "
      f"GC paused per phase: off {mean('off', 'gc'):.0f}, on {mean('on', 'gc'):.0f} ms; thread pool work items per webhook: "
      f"off {mean('off', 'items'):.1f}, on {mean('on', 'items'):.1f}")

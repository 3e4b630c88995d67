# Sourced by the hooks bench/events.sh writes for an alt-N run (within bench/webhooks.sh, after its warm-up): delivery on
# against delivery off in one silo and one database, phase after phase, so that what drifts between runs (a fresh
# database, checkpoints, the machine) reaches both. "off": the endpoint disabled, so every change's events are still
# composed and stored and none is delivered; "on": enabled, so the append also stores a delivery row per event (on the
# subscription path) and each event is delivered to the receiver. A phase's CPU window also holds the signing of its
# events (another process; before wrk starts) and leaves out the last pass after it. Phases go off on, on off, off on, … (ABBA), so a steady drift cancels in pairs.
# BENCH_ALT_PAIRS (default 8) pairs of BENCH_ALT_SECONDS (default 15) each. Prints a line per phase and the summary.

# From the silo's Prometheus scrape (the runtime's metrics): its total GC pause in seconds and the thread pool's work items
# so far, "pause items"; 0 for what it lacks. (awk reads to the end: stopping early would fail curl's write, and the pipeline.)
runtime_counts() {
  { curl -sf "$base/metrics" || true; } | awk '
    /^[a-z_]*gc_pause_time_seconds_total/ && !paused { paused = $NF }
    /^[a-z_]*thread_pool_work_item_count_total/ && !items { items = $NF }
    END { print (paused ? paused : 0), (items ? items : 0) }'
}

alternate() { # the endpoint's JSON file, the admin key
  local admin=$2 endpoint_url pairs=${BENCH_ALT_PAIRS:-8} seconds=${BENCH_ALT_SECONDS:-15} i phase order events results=$out/events-alternate.tsv
  endpoint_url="$base/admin/v1/products/demo/event-endpoints/$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["endpoint"]["id"])' "$1")"
  # Enough fresh events for a phase at twice the warm-up's rate.
  events=$(awk -v r="$(rps warmup)" -v d="$seconds" 'BEGIN { printf "%d", r * d * 2 + 2000 }')
  : >"$results"
  for ((i = 1; i <= pairs; i++)); do
    if ((i % 2)); then order="off on"; else order="on off"; fi
    for phase in $order; do
      # What the last "on" phase queued is delivered before the next phase begins (a disabled endpoint's deliveries wait).
      local waited=0
      while (($(psql -At -c "SELECT count(*) FROM billing.event_deliveries WHERE status = 'Pending'") + 0 > 0)); do
        ((waited++ < 300)) || { echo "deliveries still pending a minute after phase $i" >&2; return 1; }
        sleep 0.2
      done
      curl -sf -X PATCH -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
        -d "{\"enabled\":$([[ $phase == on ]] && echo true || echo false)}" "$endpoint_url" >/dev/null
      local silo_from pg_from runtime_from
      silo_from=$(cpu_seconds $silo); pg_from=$(postgres_cpu); runtime_from=$(runtime_counts)
      echo "alt phase $i $phase from $(date -u +%T)"
      send "alt-$phase-$i" "balt$phase$i" "$events" "$seconds" --latency
      local answered
      answered=$(awk '/requests in/ {print $1}' "$out/webhooks-alt-$phase-$i.txt")
      printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$phase" "$(rps "alt-$phase-$i")" \
        "$(awk '$1 == "50%" {print $2}' "$out/webhooks-alt-$phase-$i.txt")" "$(wrk_p99 "alt-$phase-$i")" \
        "$(per_event "$silo_from" "$(cpu_seconds $silo)" "$answered")" "$(per_event "$pg_from" "$(postgres_cpu)" "$answered")" \
        $(awk -v a="$runtime_from" -v b="$(runtime_counts)" -v n="$answered" 'BEGIN { split(a, x, " "); split(b, y, " "); printf "%.0f\t%.1f", (y[1] - x[1]) * 1000, (y[2] - x[2]) / n }') >>"$results"
      first_event=$((first_event + events))
    done
  done
  # The endpoint enabled again: bench/webhooks.sh's measured run after this hook is then an "on" run.
  curl -sf -X PATCH -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' -d '{"enabled":true}' "$endpoint_url" >/dev/null
  python3 bench/events-alternate.py "$results"
}

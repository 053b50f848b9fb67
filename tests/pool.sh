# tests/pool.sh — the job pool of tests/run-cases.sh and tests/run-checks.sh (sourced by both):
# jobs started in the background at most N at a time, their output flushed in the order they
# were given, whatever order they finish in, so a run prints the same for any N.

# pool_jobs VALUE — VALUE when it is a whole number of at least 1, else the cores this process
# may use (nproc), else 1.
pool_jobs() {
    local jobs=${1:-$(nproc 2>/dev/null || echo 1)}
    [ "$jobs" -ge 1 ] 2>/dev/null || jobs=1
    echo "$jobs"
}

# pool_run JOBS COUNT START FLUSH — runs `START i` in the background for i = 0 .. COUNT-1, at
# most JOBS at a time; after each job finishes, and at the end, calls FLUSH, which prints the
# finished jobs that come next in order (each START marks its job finished when it is).
pool_run() {
    local jobs=$1 count=$2 start=$3 flush=$4 running=0 i
    for ((i = 0; i < count; i++)); do
        if [ "$running" -ge "$jobs" ]; then
            wait -n
            running=$((running - 1))
            "$flush"
        fi
        "$start" "$i" &
        running=$((running + 1))
    done
    wait
    "$flush"
}

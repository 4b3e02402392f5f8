#!/usr/bin/env bash
# Runs inside the booted container (seccomp-explain-e2e-driver.service, started by run-case):
# the loop a user would go through on a host. Install the case's unit; then up to 4 times: start it; if seccomp killed it, pipe what the journal got meanwhile into
# `seccomp-explain suggest --write`, daemon-reload, and start it again.
#
#   /e2e/case/NAME.service   the unit under test (read-only)
#   /e2e/out/run-N/          per run: result (key=value), start.txt, journal.txt, suggest.out,
#                            suggest.err, dropin.conf (the drop-in after suggest)
#   /e2e/out/done            written last
#
# Nothing tells suggest the unit: it finds it in the journal, as on a host.
set -uo pipefail

out=/e2e/out
tool=(node /opt/seccomp-explain/dist/src/cli/main.js)
max_runs=4

say() { echo "driver: $*"; echo "driver: $*" >/dev/console; }

# A case with a `script` runs it instead of the loop below (the `run` cases), with the tool's
# command line in $SECCOMP_EXPLAIN and the output directory in $OUT.
if [ -x /e2e/case/script ]; then
  say "case $(basename "$(readlink -f /e2e/case)"): script"
  SECCOMP_EXPLAIN="${tool[*]}" OUT=$out /e2e/case/script >"$out/script.log" 2>&1
  echo "script_rc=$?" >"$out/done"
  say "done"
  exit 0
fi

units=(/e2e/case/*.service)
if [ ${#units[@]} != 1 ] || [ ! -f "${units[0]}" ]; then
  say "need exactly one unit in the case"
  exit 1
fi
unit=$(basename "${units[0]}")
dropin=/etc/systemd/system/$unit.d/zz-seccomp-explain.conf

last_cursor() { journalctl -q -n 1 -o export | sed -n 's/^__CURSOR=//p'; }

# Wait (up to 3 s) until the journal after $1 holds systemd's word on the kill and both copies
# of the kernel's record: journald's audit transport and the kernel log line.
wait_for_records() {
  local text tries=30
  while [ $tries -gt 0 ]; do
    text=$(journalctl -q --no-pager --after-cursor="$1")
    if grep -q ' audit\[[0-9]*\]: SECCOMP ' <<<"$text" && grep -q 'kernel: audit: type=1326 ' <<<"$text" &&
      grep -q "$unit: Main process exited" <<<"$text"; then
      return 0
    fi
    sleep 0.1
    tries=$((tries - 1))
  done
  say "not every record reached the journal within 3 s"
}

install -m 0644 "${units[0]}" "/etc/systemd/system/$unit"
systemctl daemon-reload
say "case $unit, up to $max_runs runs"

for run in $(seq 1 "$max_runs"); do
  dir=$out/run-$run
  mkdir -p "$dir"
  cursor=$(last_cursor)
  systemctl reset-failed "$unit" 2>/dev/null
  systemctl start "$unit" >"$dir/start.txt" 2>&1
  start_rc=$?
  declare -A show=()
  while IFS='=' read -r key value; do show[$key]=$value; done \
    < <(systemctl show -p Result -p ExecMainCode -p ExecMainStatus "$unit")
  # ExecMainCode is the waitid() code: 1 exited, 2 killed, 3 dumped.
  if [ $start_rc = 0 ]; then
    outcome=success
  elif [[ ${show[ExecMainCode]:-} =~ ^[23]$ ]] && [ "${show[ExecMainStatus]:-}" = 31 ]; then
    outcome=killed
  else
    outcome=failed
  fi
  {
    echo "outcome=$outcome"
    echo "start_rc=$start_rc"
    echo "result=${show[Result]:-}"
    echo "exec_main_code=${show[ExecMainCode]:-}"
    echo "exec_main_status=${show[ExecMainStatus]:-}"
  } >"$dir/result"
  say "run $run: $outcome (Result=${show[Result]:-} ExecMainCode=${show[ExecMainCode]:-} ExecMainStatus=${show[ExecMainStatus]:-})"
  [ $outcome = killed ] || break

  wait_for_records "$cursor"
  # A case may log lines of its own first, as any local user could (cases/forged).
  if [ -x /e2e/case/forge ]; then /e2e/case/forge; sleep 0.5; fi
  journalctl -q --no-pager --after-cursor="$cursor" >"$dir/journal.txt"
  "${tool[@]}" suggest --write <"$dir/journal.txt" >"$dir/suggest.out" 2>"$dir/suggest.err"
  suggest_rc=$?
  echo "suggest_rc=$suggest_rc" >>"$dir/result"
  say "run $run: suggest exited $suggest_rc"
  [ -f "$dropin" ] && cp "$dropin" "$dir/dropin.conf"
  # 2: some calls were left out of the drop-in, unverified; what was written is tried.
  [ $suggest_rc = 0 ] || { [ $suggest_rc = 2 ] && [ -f "$dropin" ]; } || break
  systemctl daemon-reload
done

systemctl cat --no-pager "$unit" >"$out/systemctl-cat.txt" 2>&1
echo "runs=$run" >"$out/done"
say "done"

#!/usr/bin/env bash
# Replays Ctrl-C on the README's start command in a real terminal (tmux), and
# shows the screen: the prompt must come back after `Shutdown complete`.
#
#   examples/http-server/ctrl-c-check.sh ['<command>']
#
# Default command: npx -y pnpm@10.34.9 start (run at the repository root,
# already installed). Needs tmux and curl. Uses port 18081.
set -euo pipefail
command=${1:-npx -y pnpm@10.34.9 start}
root=$(cd "$(dirname "$0")/../.." && pwd)
tmux=(tmux -L gochan-ctrl-c)
"${tmux[@]}" kill-server 2>/dev/null || true
"${tmux[@]}" new-session -d -s check -x 200 -y 50 "env PS1='PROMPT> ' bash --norc --noprofile"
trap '"${tmux[@]}" kill-server 2>/dev/null || true' EXIT
screen() { "${tmux[@]}" capture-pane -p -t check | grep -v '^$' || true; }
sleep 0.5
# Exported, so that every command of a `install && start` line sees them.
"${tmux[@]}" send-keys -t check "cd $root && export PORT=18081 WORKERS=2 TASK_MS=3000 && $command; echo EXIT=\$?" Enter
for _ in $(seq 600); do screen | grep -q '^Server running on :18081$' && break; sleep 0.2; done
for id in a b c; do curl -sS "http://127.0.0.1:18081/task/$id"; done
sleep 0.3
"${tmux[@]}" send-keys -t check C-c
# Three 3 s tasks on two workers: about 6 s of draining.
for _ in $(seq 100); do screen | grep -q '^PROMPT> \?$' && break; sleep 0.2; done
screen
last=$(screen | grep -v '^PROMPT> \?$' | grep -v '^EXIT=' | tail -1)
if [[ $last == 'Shutdown complete' ]]; then
  echo "OK: the prompt came back after Shutdown complete"
else
  echo "FAIL: the last line before the prompt is: $last"
  exit 1
fi

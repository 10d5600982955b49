#!/usr/bin/env bash
# Regenerates the shell completions in completions/ and the man pages in docs/man/ from the parser;
# CompletionTests and ReleaseTests fail when they are stale.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product sqlpipe >&2
bin="$(swift build --show-bin-path)/sqlpipe"
mkdir -p completions
"$bin" --generate-completion-script bash > completions/sqlpipe.bash
"$bin" --generate-completion-script zsh > completions/_sqlpipe
"$bin" --generate-completion-script fish > completions/sqlpipe.fish
echo "completions/ updated" >&2
# The man pages come from the same parser: one command refreshes both.
bash scripts/generate-manuals.sh

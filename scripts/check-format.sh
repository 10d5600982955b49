#!/usr/bin/env bash
# Fails when a Swift file is not as `swift format` (configured in .swift-format) would write it, or breaks
# one of its lint rules, and names the files. To format them:
#
#   swift format format --in-place --recursive --parallel Sources Tests Package.swift
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cd "$repo_root"
cp -r Sources Tests Package.swift .swift-format "$scratch/"
(cd "$scratch" && swift format format --in-place --recursive --parallel Sources Tests Package.swift)
unformatted=$(diff -rq Sources "$scratch/Sources"; diff -rq Tests "$scratch/Tests"; diff -q Package.swift "$scratch/Package.swift") || true
if [[ -n $unformatted ]]; then
    printf 'These files are not formatted (run: swift format format --in-place --recursive --parallel Sources Tests Package.swift):\n' >&2
    printf '%s\n' "$unformatted" | sed -E 's/^Files ([^ ]+) and .*/  \1/' >&2
    exit 1
fi
if ! swift format lint --recursive --strict --parallel Sources Tests Package.swift; then
    printf 'swift format lint found the problems above\n' >&2
    exit 1
fi
printf 'every Swift file is formatted\n' >&2

#!/bin/sh
# Removes what a production node_modules never loads at run time: source maps, TypeScript
# declarations, Markdown docs and typeorm's browser build (Node resolves typeorm through its
# "node" export condition). Used by the Dockerfile's prod-deps stage and by the image smoke test
# (tools/images), so both see the same tree. Usage: prune-node-modules.sh <node_modules dir>
set -eu
dir="${1:?usage: prune-node-modules.sh <node_modules dir>}"
find "$dir" -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.mts' -o -name '*.d.cts' \
  -o -name '*.md' -o -name '*.markdown' \) -delete
rm -rf "$dir/typeorm/browser"

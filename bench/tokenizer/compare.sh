#!/usr/bin/env bash
# Side by side on the same texts: the gateway's tokenizer (C#), the npm tiktoken package (OpenAI's Rust core compiled
# to WASM) and js-tiktoken (pure JS). The npm packages are installed into a temp dir, never into the repository.
# Texts: English prose, code, CJK, a 1 MB mixed document (bench/MicroBench/TokenizerTexts.cs generates them).
#   bench/tokenizer/compare.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dotnet build -c Release bench/MicroBench >/dev/null
bench=bench/MicroBench/bin/Release/net10.0/MicroBench.dll
dotnet "$bench" tokenizer-texts "$work/texts"
npm install --silent --no-audit --no-fund --prefix "$work" tiktoken@1.0.22 js-tiktoken@1.0.21 >/dev/null

{
  printf 'implementation\ttext\tencoding\tbytes\ttokens\tMB/s\ttokens/s\n'
  {
    dotnet "$bench" tokenizer-compare "$work/texts"
    NODE_PATH="$work/node_modules" node bench/tokenizer/compare.js "$work/texts"
  } | sort -t$'\t' -k2,2 -k3,3 -s
} | column -t -s$'\t'

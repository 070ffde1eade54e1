#!/usr/bin/env node
'use strict';
// The npm half of compare.sh: times tiktoken (OpenAI's Rust core compiled to WASM) and js-tiktoken (pure JS) on
// the texts in DIR with the same loop as the C# half (warm up, repeat each text until 2/3 s have passed, best of
// three rounds), encoding to ids with special-token text treated as text. Prints tab-separated lines.
//   NODE_PATH=<node_modules with tiktoken and js-tiktoken> node compare.js DIR
const fs = require('fs');
const path = require('path');

const dir = process.argv[2];
const texts = ['prose', 'code', 'cjk', 'doc-1mb'];
const encodings = ['o200k_base', 'cl100k_base'];

function time(encode, text) {
  encode(text); // warm up
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    let iterations = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      encode(text);
      iterations++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    } while (elapsed < 2 / 3);
    best = Math.min(best, elapsed / iterations);
  }
  return best;
}

const implementations = [];
const wasm = require('tiktoken');
implementations.push({ name: 'tiktoken (WASM)', make: (e) => { const enc = wasm.get_encoding(e); return (t) => enc.encode_ordinary(t); } });
try {
  const js = require('js-tiktoken');
  implementations.push({ name: 'js-tiktoken', make: (e) => { const enc = js.getEncoding(e); return (t) => enc.encode(t, [], []); } });
} catch (e) { /* optional */ }

for (const name of texts) {
  const text = fs.readFileSync(path.join(dir, `${name}.txt`), 'utf8');
  const bytes = Buffer.byteLength(text, 'utf8');
  for (const encoding of encodings) {
    for (const impl of implementations) {
      const encode = impl.make(encoding);
      const tokens = encode(text).length;
      const seconds = time(encode, text);
      console.log([impl.name, name, encoding, bytes, tokens, (bytes / seconds / 1e6).toFixed(2), (tokens / seconds).toFixed(0)].join('\t'));
    }
  }
}

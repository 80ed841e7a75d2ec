// The playground in a real browser: headless system Chromium, driven by playwright-core.
//
// Starts `target/release/tacc serve --addr 127.0.0.1:0`, pastes examples/data/system-prompt.md,
// and checks what the page shows against the library's own results (`tacc compress` run here),
// the SHA-256 against Node's, every round trip, the tokens, the frame download, token-ID mode,
// and the messages for bad input. Saves target/artifacts/playground.png (and -ids, -error).
// Exits non-zero on any failed check, printing what differed.
//
// Environment: TACC_BIN (default target/release/tacc), CHROMIUM (default /usr/bin/chromium).

import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const taccBin = process.env.TACC_BIN || path.join(root, 'target/release/tacc');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const promptFile = path.join(root, 'examples/data/system-prompt.md');
const artifacts = path.join(root, 'target/artifacts');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tacc-browser-'));

const failures = [];
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `\n       ${detail}` : ''}`);
  if (!ok) failures.push(what);
  return ok;
}
const eq = (actual, expected, what) => check(actual === expected, what, `page: ${JSON.stringify(actual)}, expected: ${JSON.stringify(expected)}`);

// compress/decompress write a file beside the input unless told `-c` (as zstd): here we want stdout.
const tacc = (cmd, ...args) =>
  execFileSync(taccBin, [cmd, ...(cmd === 'compress' || cmd === 'decompress' ? ['-c'] : []), ...args], { maxBuffer: 64 << 20 });
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const en = (n, d) => n.toLocaleString('en-US', d === undefined ? {} : { minimumFractionDigits: d, maximumFractionDigits: d });

function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(taccBin, ['serve', '--addr', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`tacc serve printed no address: ${out}`)), 20000);
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`tacc serve exited (${code}) before listening: ${out}`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
  });
}

// What the page's cells hold: visible text and raw value, per row.
async function readTable(page) {
  return page.$$eval('#results-body tr[data-method]', (trs) =>
    trs.map((tr) => {
      const cells = {};
      for (const td of tr.querySelectorAll('td[data-field]')) {
        cells[td.dataset.field] = { text: td.textContent.trim(), value: td.dataset.value, sha: td.dataset.sha256Out };
      }
      return { name: tr.dataset.method, best: tr.classList.contains('best'), cells };
    }),
  );
}

async function waitReady(page, selector) {
  await page.waitForSelector(selector, { timeout: 60000 });
  await page.waitForSelector('body[data-state="ready"]', { timeout: 60000 });
}

async function errorText(page) {
  await page.waitForSelector('#error:not([hidden])', { timeout: 30000 });
  return (await page.textContent('#error')).replace(/\s+/g, ' ').trim();
}

async function main() {
  const promptBytes = fs.readFileSync(promptFile);
  const prompt = promptBytes.toString('utf8');
  const chars = [...prompt].length;
  const sha = sha256(promptBytes);

  // The library's own results, from the CLI.
  const rawTacc = path.join(work, 'raw.tacc');
  fs.writeFileSync(rawTacc, tacc('compress', '--raw', 'tacc', promptFile));
  const ids = JSON.parse(tacc('decompress', '--raw', 'tacc', '--ids', rawTacc).toString());
  const idsFile = path.join(work, 'ids.json');
  fs.writeFileSync(idsFile, JSON.stringify(ids));
  const textRows = {
    'frame gzip-9': ['--method', 'gzip', '--level', '9'],
    'frame zstd-19': ['--method', 'zstd', '--level', '19'],
    'frame lopace-hybrid-15': ['--method', 'lopace-hybrid', '--level', '15'],
    'frame tacc': ['--method', 'tacc'],
    'frame tacc-gzip-9': ['--method', 'tacc-gzip', '--level', '9'],
    'frame model': ['--method', 'model'],
    'frame model-v1': ['--method', 'model-v1'],
    'raw tacc': ['--raw', 'tacc'],
    'raw tacc-gzip': ['--raw', 'tacc-gzip'],
    'raw lopace-hybrid-15': ['--raw', 'lopace-hybrid', '--level', '15'],
    'raw zstd-15': ['--raw', 'zstd', '--level', '15'],
  };
  const expected = Object.fromEntries(Object.entries(textRows).map(([name, args]) => [name, tacc('compress', ...args, promptFile).length]));
  const modelFrame = tacc('compress', '--method', 'model', promptFile);

  const { child, url } = await startServer();
  console.log(`tacc serve at ${url}; Chromium at ${chromiumPath}`);
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const external = [];
    const pageErrors = [];
    page.on('request', (r) => {
      const u = r.url();
      if (!u.startsWith(url) && !u.startsWith('blob:') && !u.startsWith('data:')) external.push(u);
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    const consoleErrors = [];
    page.on('console', (m) => {
      // The 4xx answers to the bad inputs below are logged by Chromium; anything else is a bug.
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) consoleErrors.push(m.text());
    });

    // ---- load, paste, wait for the figures -------------------------------------------------
    await page.goto(url);
    await page.waitForSelector('body[data-state="idle"]', { timeout: 30000 });
    eq(await page.inputValue('#tokenizer'), 'cl100k_base', 'default tokenizer');
    await page.fill('#input', prompt);
    await waitReady(page, `#results[data-sha256="${sha}"]`);
    check(true, 'pasting the prompt fills the table');

    eq((await page.textContent('#input-sha256')).trim(), sha, 'SHA-256 shown = Node crypto SHA-256 of the file');
    eq((await page.textContent('#sum-input')).trim(), `${en(promptBytes.length)} B`, 'input size shown');
    const rows = await readTable(page);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    for (const [name, bytes] of Object.entries(expected)) {
      const r = byName[name];
      if (!check(!!r, `row ${name} is shown`)) continue;
      eq(Number(r.cells.bytes.value), bytes, `${name}: size = tacc compress ${textRows[name].join(' ')}`);
      eq(r.cells.bytes.text, `${en(bytes)} B`, `${name}: size as shown`);
      eq(r.cells.ratio.text, `${en(promptBytes.length / bytes, 2)}×`, `${name}: ratio as shown`);
      eq(r.cells.saved_percent.text, `${en(100 * (1 - bytes / promptBytes.length), 1)} %`, `${name}: space saved as shown`);
      eq(r.cells.bits_per_char.text, en((8 * bytes) / chars, 2), `${name}: bits per character`);
      eq(r.cells.bits_per_token.text, en((8 * bytes) / ids.length, 2), `${name}: bits per token`);
    }
    for (const r of rows) {
      check(r.cells.exact && r.cells.exact.value === 'true' && r.cells.exact.text.includes('✓ exact'), `${r.name}: round trip shows ✓ exact`, JSON.stringify(r.cells.exact));
      eq(r.cells.exact && r.cells.exact.sha, sha, `${r.name}: SHA-256 of the round trip`);
      check(/^[\d.,]+ (µs|ms|s)$/.test(r.cells.encode_us.text) && /^[\d.,]+ (µs|ms|s)$/.test(r.cells.decode_us.text), `${r.name}: encode and decode times shown`);
    }
    check(byName['raw brotli-11'] !== undefined, 'brotli row shown');
    const autoBytes = Number(byName['frame auto'].cells.bytes.value);
    check(['frame gzip-9', 'frame zstd-19', 'frame tacc', 'frame tacc-gzip-9', 'frame model'].every((n) => autoBytes <= expected[n]), 'frame auto is the smallest of the frames at the same levels');
    const smallest = rows.reduce((a, b) => (Number(b.cells.bytes.value) < Number(a.cells.bytes.value) ? b : a));
    const best = rows.filter((r) => r.best).map((r) => r.name);
    eq(best.join(','), smallest.name, 'the smallest method is highlighted');

    // ---- tokens -----------------------------------------------------------------------------
    const shownIds = await page.$$eval('#tokens .t', (spans) => spans.map((s) => Number(s.dataset.id)));
    eq(shownIds.join(' '), ids.join(' '), 'token view = the tokenizer\'s IDs (tacc compress --raw tacc, read back)');
    const coloured = await page.$$eval('#tokens .t', (spans) => spans.filter((s) => /\bb[0-5]\b/.test(s.className)).length);
    eq(coloured, ids.length, 'every token is coloured by the model\'s bits');

    // ---- screenshot ---------------------------------------------------------------------------
    fs.mkdirSync(artifacts, { recursive: true });
    await page.$eval('#input', (t) => { t.scrollTop = 0; t.blur(); });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(artifacts, 'playground.png'), fullPage: true });
    console.log(`screenshot: ${path.join(artifacts, 'playground.png')}`);

    // ---- download of the frame ------------------------------------------------------------------
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('button.dl[data-method="frame model"]')]);
    const saved = path.join(work, download.suggestedFilename());
    await download.saveAs(saved);
    eq(download.suggestedFilename(), 'frame-model.tacc', 'download file name');
    const got = fs.readFileSync(saved);
    check(got.equals(modelFrame), 'downloaded frame = tacc compress --method model, byte for byte', `${got.length} vs ${modelFrame.length} bytes`);
    check(tacc('decompress', saved).equals(promptBytes), 'tacc decompress restores the downloaded frame to the prompt');

    // ---- token-ID mode ----------------------------------------------------------------------------
    await page.click('#tab-ids');
    await waitReady(page, '#results[data-kind="token_ids"]');
    eq((await page.inputValue('#input')).trim(), ids.join(' '), 'the ID tab offers the IDs of the text');
    const idRows = Object.fromEntries((await readTable(page)).map((r) => [r.name, r]));
    eq(Number(idRows['frame model']?.cells.bytes.value), tacc('compress', '--ids', '--method', 'model', idsFile).length, 'IDs: frame model = tacc compress --ids --method model');
    eq(Number(idRows['ids tacc-gzip']?.cells.bytes.value), tacc('compress', '--ids', '--raw', 'tacc-gzip', idsFile).length, 'IDs: tacc 0.1.0 gzip payload = tacc compress --ids --raw tacc-gzip');
    const idsLe = Buffer.alloc(4 * ids.length);
    ids.forEach((id, i) => idsLe.writeUInt32LE(id, 4 * i));
    eq((await page.textContent('#input-sha256')).trim(), sha256(idsLe), 'IDs: SHA-256 of the IDs as u32 LE');
    check(Object.values(idRows).every((r) => r.cells.exact.value === 'true'), 'IDs: every round trip exact');
    await page.screenshot({ path: path.join(artifacts, 'playground-ids.png'), fullPage: true });

    // ---- bad input ------------------------------------------------------------------------------------
    await page.fill('#input', '9906 11 99999999 0');
    let msg = await errorText(page);
    check(msg.includes('token ID 99999999 (number 3) is not a token of cl100k_base'), 'an ID outside the vocabulary is named', msg);
    await page.screenshot({ path: path.join(artifacts, 'playground-error.png'), fullPage: true });
    await page.fill('#input', '9906 eleven');
    await page.waitForFunction(() => document.querySelector('#error').textContent.includes('eleven'), null, { timeout: 30000 });
    msg = await errorText(page);
    check(msg.includes("token ID number 2 ('eleven') is not an integer"), 'a word among the IDs is named', msg);

    await page.click('#tab-text');
    await page.setInputFiles('#file', { name: 'latin1.txt', mimeType: 'text/plain', buffer: Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]) });
    await page.waitForFunction(() => document.querySelector('#error').textContent.includes('latin1.txt'), null, { timeout: 30000 });
    msg = await errorText(page);
    check(msg.includes('Not UTF-8') && msg.includes('byte 3 is 0xe9'), 'a non-UTF-8 file is reported as such', msg);

    // A file keeps its exact bytes (a textarea alone would turn CRLF into LF).
    const crlf = Buffer.from('line one\r\nline two, caf\u00e9\r\n', 'utf8');
    await page.setInputFiles('#file', { name: 'crlf.txt', mimeType: 'text/plain', buffer: crlf });
    await waitReady(page, `#results[data-sha256="${sha256(crlf)}"]`);
    check(await page.isHidden('#error'), 'a UTF-8 file with CRLF line ends compresses with its exact bytes (SHA-256 of the file)');
    eq((await page.textContent('#input-stats')).trim(), `${crlf.length} bytes · ${crlf.toString('utf8').length} characters · from crlf.txt`, 'the file\'s size is shown');

    await page.fill('#input', 'a'.repeat((1 << 20) + 1));
    await page.waitForFunction(() => document.querySelector('#error').textContent.includes('1,048,577'), null, { timeout: 30000 });
    msg = await errorText(page);
    check(msg.includes('at most 1 MiB'), 'a paste over 1 MiB is refused with the limit', msg);
    const server413 = await page.evaluate(async () => {
      const r = await fetch('/api/compress', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'a'.repeat((1 << 20) + 1) }) });
      return { status: r.status, body: await r.json() };
    });
    check(server413.status === 413 && /at most 1,048,576 bytes/.test(server413.body.error), 'the server refuses it too (413, JSON message)', JSON.stringify(server413));

    // ---- and it still works ----------------------------------------------------------------------
    await page.fill('#input', prompt);
    await waitReady(page, `#results[data-sha256="${sha}"]`);
    check(await page.isHidden('#error'), 'after the errors, the prompt compresses again and the message is gone');
    await page.fill('#input', 'something else');
    await waitReady(page, `#results[data-sha256="${sha256('something else')}"]`);
    await page.click('#example');
    await waitReady(page, `#results[data-sha256="${sha}"]`);
    check(true, 'the Example prompt button loads examples/data/system-prompt.md');

    check(external.length === 0, 'the page requested nothing from elsewhere', external.join(', '));
    check(pageErrors.length === 0, 'no JavaScript errors', pageErrors.join('; '));
    check(consoleErrors.length === 0, 'no console errors', consoleErrors.join('; '));
  } finally {
    await browser.close();
    child.kill('SIGTERM');
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main()
  .catch((e) => {
    console.log(`FAIL ${e.stack || e}`);
    failures.push(String(e));
  })
  .finally(() => {
    if (failures.length) {
      console.log(`\n${failures.length} check(s) failed:\n  ${failures.join('\n  ')}`);
      process.exit(1);
    }
    console.log('\nbrowser test: all checks passed');
  });

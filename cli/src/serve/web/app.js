// The tacc playground: plain JavaScript, no framework, nothing fetched from elsewhere.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const input = $('input');
  const body = document.body;

  const state = {
    mode: 'text',
    drafts: { text: '', ids: '' },
    limits: { max_text_bytes: 1 << 20, max_ids: 1 << 18, max_body_bytes: 8 << 20, token_view: 20000 },
    seq: 0,
    controller: null,
    timer: 0,
    lastRequest: null,
    last: null,
    showIds: false,
    // A file's exact text: a textarea turns CRLF into LF, and the figures must be the file's.
    loaded: null,
  };

  // Bits the model spent on a token, in six bins (legend and colours).
  const BINS = [
    { max: 2, label: '< 2 bits' },
    { max: 4, label: '2–4' },
    { max: 8, label: '4–8' },
    { max: 12, label: '8–12' },
    { max: 16, label: '12–16' },
    { max: Infinity, label: '≥ 16 bits' },
  ];
  const binOf = (bits) => BINS.findIndex((b) => bits < b.max);

  // ---- formatting ------------------------------------------------------------------------
  const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
  const fmtFixed = (x, d) => (x === null || x === undefined ? '—' : x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }));
  const fmtBytes = (n) => `${fmtInt(n)} B`;
  function fmtSize(n) {
    const unit = (u, name) => `${n % u === 0 ? n / u : (n / u).toFixed(u === 1024 ? 1 : 2)} ${name}`;
    if (n >= 1 << 20) return unit(1 << 20, 'MiB');
    return n >= 1024 ? unit(1024, 'KiB') : `${n} bytes`;
  }
  function fmtTime(us) {
    if (us < 10) return `${us.toFixed(1)} µs`;
    if (us < 1000) return `${Math.round(us)} µs`;
    if (us < 1e6) return `${(us / 1000).toFixed(us < 1e4 ? 2 : 1)} ms`;
    return `${(us / 1e6).toFixed(2)} s`;
  }

  // ---- small DOM helper: text only, never HTML from data -----------------------------------
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') node.className = v;
      else if (k === 'text') node.textContent = v;
      else if (k.startsWith('data-') || k === 'title' || k === 'type' || k === 'colspan' || k.startsWith('aria-')) node.setAttribute(k, v);
      else node[k] = v;
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c);
    return node;
  }

  // ---- state and messages ----------------------------------------------------------------
  function setState(s, status) {
    body.dataset.state = s;
    $('status').textContent = status || '';
  }

  function showError(title, text) {
    $('error-title').textContent = title;
    $('error-text').textContent = text;
    $('error').hidden = false;
  }

  function staleNote() {
    return state.last ? 'Showing the results of the last input that worked.' : '';
  }

  function hideError() {
    $('error').hidden = true;
  }

  // Offset of the first byte that does not belong to a valid UTF-8 sequence.
  function firstInvalidUtf8(b) {
    let i = 0;
    while (i < b.length) {
      const c = b[i];
      let n = 0;
      let min = 0;
      if (c < 0x80) { i++; continue; }
      if (c >= 0xc2 && c <= 0xdf) { n = 1; min = 0x80; }
      else if (c >= 0xe0 && c <= 0xef) { n = 2; min = 0x800; }
      else if (c >= 0xf0 && c <= 0xf4) { n = 3; min = 0x10000; }
      else return i;
      let cp = c & (0x3f >> n);
      for (let k = 1; k <= n; k++) {
        const x = b[i + k];
        if (x === undefined || (x & 0xc0) !== 0x80) return i;
        cp = (cp << 6) | (x & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
      i += n + 1;
    }
    return -1;
  }

  // ---- the input ---------------------------------------------------------------------------
  function currentInput() {
    const v = input.value;
    if (state.loaded && state.loaded.mode === state.mode && state.loaded.shown === v) return state.loaded.text;
    return v;
  }

  // Unicode scalar values (what Rust's chars().count() gives): UTF-16 units less surrogate pairs.
  function charCount(v) {
    const pairs = v.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g);
    return v.length - (pairs ? pairs.length : 0);
  }

  function updateInputStats() {
    const v = currentInput();
    const out = $('input-stats');
    if (!v) {
      out.textContent = state.mode === 'text' ? 'Nothing to compress yet.' : 'Paste token IDs: integers separated by spaces or commas, or a JSON array.';
      return;
    }
    const file = state.loaded && state.loaded.mode === state.mode && state.loaded.shown === input.value ? ` · from ${state.loaded.name}` : '';
    if (state.mode === 'text') {
      const bytes = new TextEncoder().encode(v).length;
      out.textContent = `${fmtInt(bytes)} bytes · ${fmtInt(charCount(v))} characters${file}`;
    } else {
      const n = v.replace(/^\s*\[|\]\s*$/g, '').split(/[\s,]+/).filter(Boolean).length;
      out.textContent = `${fmtInt(n)} token IDs${file}`;
    }
  }

  function options() {
    const num = (id) => Number($(id).value);
    return {
      zstd_level: num('opt-zstd'),
      lopace_level: num('opt-lopace'),
      gzip_level: num('opt-gzip'),
      checksum: $('opt-checksum').checked,
    };
  }

  function checkOptions(o) {
    const bad = [];
    if (!Number.isInteger(o.zstd_level) || o.zstd_level < 1 || o.zstd_level > 22) bad.push('zstd level must be 1 to 22');
    if (!Number.isInteger(o.lopace_level) || o.lopace_level < 1 || o.lopace_level > 22) bad.push('LoPace hybrid level must be 1 to 22');
    if (!Number.isInteger(o.gzip_level) || o.gzip_level < 1 || o.gzip_level > 12) bad.push('gzip level must be 1 to 12');
    return bad.join('; ');
  }

  function schedule(delay) {
    clearTimeout(state.timer);
    state.timer = setTimeout(run, delay);
  }

  // Drops a scheduled run and any answer still on its way: later answers check `seq`.
  function cancelPending() {
    clearTimeout(state.timer);
    if (state.controller) state.controller.abort();
    state.seq++;
  }

  async function run() {
    cancelPending();
    const value = currentInput();
    if (state.mode === 'text' ? value === '' : value.trim() === '') {
      hideError();
      clearResults();
      setState('idle', '');
      return;
    }
    const opts = options();
    const optError = checkOptions(opts);
    if (optError) {
      showError('Invalid option', `${optError}.`);
      setState('error', staleNote());
      return;
    }
    if (state.mode === 'text') {
      const bytes = new TextEncoder().encode(value).length;
      if (bytes > state.limits.max_text_bytes) {
        showError(
          'Too large for the playground',
          `The text is ${fmtSize(bytes)} (${fmtInt(bytes)} bytes); the playground takes at most ${fmtSize(state.limits.max_text_bytes)} (${fmtInt(state.limits.max_text_bytes)} bytes) at a time. The CLI (tacc compress) has no such limit.`,
        );
        setState('error', staleNote());
        return;
      }
    }
    const request = { tokenizer: $('tokenizer').value || undefined, options: opts };
    if (state.mode === 'text') request.text = value;
    else request.ids = value;
    const seq = state.seq;
    const controller = new AbortController();
    state.controller = controller;
    setState('busy', 'Compressing with every method…');
    try {
      const res = await fetch('/api/compress', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
        signal: controller.signal,
      });
      const data = await res.json().catch(() => null);
      if (seq !== state.seq) return;
      if (!res.ok || !data) {
        const what = state.mode === 'ids' ? 'Invalid token IDs' : "Can't compress this input";
        showError(res.status === 413 ? 'Too large for the playground' : what, (data && data.error) || `The server answered HTTP ${res.status}.`);
        setState('error', staleNote());
        return;
      }
      hideError();
      render(data, request);
      setState('ready', `Done: ${data.results.length} methods, all measured on this machine.`);
    } catch (e) {
      if (e.name === 'AbortError' || seq !== state.seq) return;
      showError('No answer from the server', 'Is tacc serve still running? Start it again and reload the page.');
      setState('error', staleNote());
    }
  }

  // ---- rendering ---------------------------------------------------------------------------
  function clearResults() {
    state.last = null;
    const tbody = $('results-body');
    tbody.replaceChildren(el('tr', { class: 'empty' }, el('td', { colspan: '11', text: 'Paste a prompt above: the table fills in as you type.' })));
    $('results').removeAttribute('data-sha256');
    for (const id of ['sum-input', 'sum-best', 'sum-model', 'input-sha256']) $(id).textContent = '—';
    for (const id of ['sum-input-sub', 'sum-best-sub', 'sum-model-sub', 'sum-check', 'sum-hashed', 'tokens-note']) $(id).textContent = '';
    $('tokens').replaceChildren(el('span', { class: 'muted', text: 'The tokenization appears here.' }));
  }

  function render(data, request) {
    state.last = data;
    state.lastRequest = request;
    renderSummary(data);
    renderTable(data);
    renderTokens();
  }

  function renderSummary(data) {
    const inp = data.input;
    if (inp.kind === 'token_ids') {
      $('sum-input').textContent = `${fmtInt(inp.tokens)} token IDs`;
      $('sum-input-sub').textContent = `${data.tokenizer}: ${fmtInt(inp.bytes)} bytes, ${fmtInt(inp.chars)} characters of text`;
    } else {
      $('sum-input').textContent = fmtBytes(inp.bytes);
      $('sum-input-sub').textContent = `${fmtInt(inp.chars)} characters · ${fmtInt(inp.tokens)} tokens (${data.tokenizer})`;
    }
    const best = data.results.find((r) => r.name === data.smallest);
    $('sum-best').textContent = best ? best.name : '—';
    $('sum-best-sub').textContent = best ? `${fmtBytes(best.bytes)} · ${fmtFixed(best.ratio, 2)}× · ${fmtFixed(best.saved_percent, 1)} % saved` : '';
    if (data.model && data.model.total_bits !== undefined) {
      $('sum-model').textContent = `${fmtFixed(data.model.bits_per_token, 2)} bits/token`;
      $('sum-model-sub').textContent = `${fmtFixed(data.model.bits_per_char, 2)} bits/char · ${fmtInt(data.model.total_bits)} bits in all`;
    } else {
      $('sum-model').textContent = '—';
      $('sum-model-sub').textContent = (data.model && data.model.error) || '';
    }
    $('input-sha256').textContent = inp.sha256;
    $('sum-hashed').textContent = `(${inp.hashed})`;
    const ok = data.results.filter((r) => r.exact).length;
    const check = $('sum-check');
    check.replaceChildren();
    if (ok === data.results.length) {
      check.append(el('span', { class: 'ok', text: '✓ ' }), `every round trip restored it exactly (${ok} of ${ok} methods)`);
    } else {
      check.append(el('span', { class: 'no', text: '✗ ' }), `${data.results.length - ok} of ${data.results.length} methods did not restore it exactly`);
    }
  }

  function renderTable(data) {
    const table = $('results');
    table.dataset.sha256 = data.input.sha256;
    table.dataset.tokenizer = data.tokenizer;
    table.dataset.kind = data.input.kind;
    const tbody = $('results-body');
    const frag = document.createDocumentFragment();
    const groups = [
      { title: 'Frames: self-describing, with header and CRC-32; tacc decompress reads them with no flags', rows: data.results.filter((r) => r.kind === 'frame') },
      { title: data.input.kind === 'token_ids' ? "Raw payloads: tacc 0.1.0's token-ID payloads; the reader must know the layout" : 'Raw payloads: what tacc 0.1.0, LoPace 0.1.5 and brotli write; the reader must know the layout', rows: data.results.filter((r) => r.kind !== 'frame') },
    ];
    for (const g of groups) {
      if (!g.rows.length) continue;
      frag.append(el('tr', { class: 'group' }, el('td', { colspan: '11', text: g.title })));
      for (const r of g.rows) frag.append(resultRow(r, data));
    }
    tbody.replaceChildren(frag);
  }

  function cell(cls, field, value, text, title) {
    return el('td', { class: cls, 'data-field': field, 'data-value': value === null || value === undefined ? '' : String(value), text, title });
  }

  function resultRow(r, data) {
    const isBest = r.name === data.smallest;
    const tr = el('tr', { class: isBest ? 'best' : '', 'data-method': r.name });
    const name = el('td', { class: 'l' }, el('span', { class: 'method', text: r.name }));
    if (isBest) name.append(el('span', { class: 'badge best', text: 'smallest' }));
    tr.append(name);
    if (r.error) {
      tr.append(el('td', { class: 'err-cell', colspan: '10', 'data-field': 'error', text: r.error }));
      return tr;
    }
    tr.append(cell('r', 'bytes', r.bytes, fmtBytes(r.bytes)));
    const bar = el('span');
    bar.style.width = `${Math.min(100, (100 * r.bytes) / Math.max(1, data.input.bytes)).toFixed(1)}%`;
    tr.append(el('td', { title: `${fmtFixed((100 * r.bytes) / Math.max(1, data.input.bytes), 1)} % of the input` }, el('div', { class: 'bar' }, bar)));
    tr.append(cell('r', 'ratio', r.ratio, `${fmtFixed(r.ratio, 2)}×`));
    tr.append(cell('r', 'saved_percent', r.saved_percent, `${fmtFixed(r.saved_percent, 1)} %`));
    tr.append(cell('r', 'bits_per_char', r.bits_per_char, fmtFixed(r.bits_per_char, 2)));
    tr.append(cell('r', 'bits_per_token', r.bits_per_token, fmtFixed(r.bits_per_token, 2)));
    tr.append(cell('r', 'encode_us', r.encode_us, fmtTime(r.encode_us)));
    tr.append(cell('r', 'decode_us', r.decode_us, fmtTime(r.decode_us)));
    const trip = el('span', { class: 'trip' });
    if (r.exact) trip.append(el('span', { class: 'ok', text: '✓ exact' }));
    else trip.append(el('span', { class: 'no', text: '✗ differs' }));
    trip.append(el('code', { text: r.sha256_out ? `${r.sha256_out.slice(0, 12)}…` : 'no hash', title: r.sha256_out ? `SHA-256 of the round trip: ${r.sha256_out}` : 'could not decode' }));
    const tripCell = el('td', { class: 'l', 'data-field': 'exact', 'data-value': String(!!r.exact), 'data-sha256-out': r.sha256_out || '' }, trip);
    tr.append(tripCell);
    const ext = r.kind === 'frame' ? '.tacc' : '.bin';
    tr.append(el('td', { class: 'c' }, el('button', { type: 'button', class: 'dl', 'data-method': r.name, 'data-file': r.download, title: `Download ${r.download}`, text: `↓ ${ext}` })));
    return tr;
  }

  function renderTokens() {
    const data = state.last;
    const box = $('tokens');
    if (!data) return;
    box.classList.toggle('ids', state.showIds);
    const frag = document.createDocumentFragment();
    data.tokens.forEach((t, i) => {
      const bin = t.bits === null || t.bits === undefined ? -1 : binOf(t.bits);
      const span = el('span', {
        class: `t ${bin < 0 ? 'nb' : `b${bin}`}`,
        'data-id': String(t.id),
        title: `token ${i + 1} · ID ${t.id} · ${t.bits === null || t.bits === undefined ? '? bits' : `${t.bits.toFixed(2)} bits`}${t.partial ? ' · part of a character' : ''} · ${JSON.stringify(t.text)}`,
        text: state.showIds ? String(t.id) : t.text,
      });
      frag.append(span);
      if (state.showIds) frag.append(' ');
    });
    box.replaceChildren(frag);
    const note = $('tokens-note');
    const m = data.model;
    const shown = data.tokens_shown < data.tokens_total ? `Showing the first ${fmtInt(data.tokens_shown)} of ${fmtInt(data.tokens_total)} tokens.` : `${fmtInt(data.tokens_total)} tokens of ${data.tokenizer}.`;
    const bits = m && m.total_bits !== undefined ? ` The context model codes them in ${fmtFixed(m.total_bits, 0)} bits (${fmtFixed(m.bytes, 0)} bytes) before the frame's header and checksum; hover a token for its cost.` : '';
    note.textContent = shown + bits;
  }

  function renderLegend() {
    const legend = $('legend');
    legend.append(el('span', { text: 'Bits the context model spent on each token:' }));
    BINS.forEach((b, i) => legend.append(el('span', {}, el('span', { class: `sw b${i}` }), b.label)));
  }

  // ---- download ----------------------------------------------------------------------------
  async function download(method, file) {
    if (!state.lastRequest) return;
    try {
      const res = await fetch('/api/frame', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...state.lastRequest, method }),
      });
      if (!res.ok) {
        const data = await res.json().catch(() => null);
        showError('Download failed', (data && data.error) || `The server answered HTTP ${res.status}.`);
        return;
      }
      const blob = await res.blob();
      const url = URL.createObjectURL(blob);
      const a = el('a', { href: url, download: file });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 30000);
    } catch (e) {
      showError('Download failed', 'No answer from the server: is tacc serve still running?');
    }
  }

  // ---- files -------------------------------------------------------------------------------
  async function loadFile(file) {
    // A request still in flight for the previous input must not overwrite what this file shows.
    cancelPending();
    const limit = state.mode === 'text' ? state.limits.max_text_bytes : state.limits.max_body_bytes;
    if (file.size > limit) {
      showError(
        'Too large for the playground',
        `“${file.name}” is ${fmtSize(file.size)}; the playground takes at most ${fmtSize(state.limits.max_text_bytes)} of text or ${fmtInt(state.limits.max_ids)} token IDs at a time. The CLI (tacc compress) has no such limit.`,
      );
      setState('error', staleNote());
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    let text;
    try {
      // ignoreBOM: keep a byte-order mark, so the figures are those of the file's exact bytes.
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (e) {
      const at = firstInvalidUtf8(bytes);
      const where = at >= 0 ? ` (byte ${fmtInt(at)} is 0x${bytes[at].toString(16).padStart(2, '0')}, which starts no valid character)` : '';
      showError(
        'Not UTF-8 text',
        `“${file.name}” is not UTF-8${where}. The playground compresses text and token IDs; tacc compress also takes any bytes (it stores them with zstd).`,
      );
      setState('error', staleNote());
      return;
    }
    input.value = text;
    state.loaded = { mode: state.mode, name: file.name, text, shown: input.value };
    updateInputStats();
    run();
  }

  // ---- modes -------------------------------------------------------------------------------
  function setMode(mode) {
    if (mode === state.mode) return;
    state.drafts[state.mode] = input.value;
    state.mode = mode;
    for (const b of document.querySelectorAll('.tabs button')) b.setAttribute('aria-selected', String(b.dataset.mode === mode));
    let draft = state.drafts[mode];
    // First visit to the ID tab: offer the IDs of the text just compressed.
    if (mode === 'ids' && !draft && state.last && state.last.input.kind === 'text' && state.last.tokens_shown === state.last.tokens_total) {
      draft = state.last.tokens.map((t) => t.id).join(' ');
    }
    input.value = draft;
    input.placeholder = mode === 'text' ? 'Paste or type text here, or drop a UTF-8 file…' : 'Paste token IDs: 9906 11 1917 0 — or a JSON array [9906, 11, 1917, 0]';
    updateInputStats();
    run();
  }

  // ---- start -------------------------------------------------------------------------------
  async function init() {
    renderLegend();
    try {
      const res = await fetch('/api/tokenizers');
      const info = await res.json();
      state.limits = info.limits;
      const select = $('tokenizer');
      for (const t of info.tokenizers) select.append(el('option', { value: t.name, text: `${t.name} (${fmtInt(t.vocab_size)})` }));
      select.value = info.default;
      $('opt-zstd').value = info.options.zstd_level;
      $('opt-lopace').value = info.options.lopace_level;
      $('opt-gzip').value = info.options.gzip_level;
      $('opt-checksum').checked = info.options.checksum;
      $('version').textContent = `v${info.version}`;
    } catch (e) {
      showError('No answer from the server', 'Could not load the tokenizer list: is tacc serve running?');
    }
    const limits = `Limits: ${fmtSize(state.limits.max_text_bytes)} of text or ${fmtInt(state.limits.max_ids)} token IDs per request.`;
    $('limits').textContent = limits;
    $('footer-limits').textContent = limits;

    input.addEventListener('input', () => {
      updateInputStats();
      schedule(300);
    });
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) run();
    });
    for (const b of document.querySelectorAll('.tabs button')) b.addEventListener('click', () => setMode(b.dataset.mode));
    $('tokenizer').addEventListener('change', run);
    for (const id of ['opt-zstd', 'opt-lopace', 'opt-gzip', 'opt-checksum']) $(id).addEventListener('change', () => schedule(50));
    $('open-file').addEventListener('click', () => $('file').click());
    $('file').addEventListener('change', (e) => {
      const f = e.target.files && e.target.files[0];
      if (f) loadFile(f);
      e.target.value = '';
    });
    $('example').addEventListener('click', async () => {
      setMode('text');
      const res = await fetch('/api/example');
      const text = await res.text();
      input.value = text;
      state.loaded = { mode: 'text', name: 'the example prompt', text, shown: input.value };
      updateInputStats();
      run();
    });
    $('clear').addEventListener('click', () => {
      input.value = '';
      state.loaded = null;
      updateInputStats();
      run();
      input.focus();
    });
    $('results-body').addEventListener('click', (e) => {
      const b = e.target.closest('button.dl');
      if (b) download(b.dataset.method, b.dataset.file);
    });
    $('show-text').addEventListener('click', () => {
      state.showIds = false;
      $('show-text').setAttribute('aria-pressed', 'true');
      $('show-ids').setAttribute('aria-pressed', 'false');
      renderTokens();
    });
    $('show-ids').addEventListener('click', () => {
      state.showIds = true;
      $('show-text').setAttribute('aria-pressed', 'false');
      $('show-ids').setAttribute('aria-pressed', 'true');
      renderTokens();
    });

    const drop = $('drop');
    const stop = (e) => {
      e.preventDefault();
      e.stopPropagation();
    };
    // A file dropped anywhere else must not make the browser navigate away.
    window.addEventListener('dragover', (e) => e.preventDefault());
    window.addEventListener('drop', (e) => e.preventDefault());
    drop.addEventListener('dragenter', (e) => { stop(e); drop.classList.add('over'); });
    drop.addEventListener('dragover', (e) => { stop(e); drop.classList.add('over'); });
    drop.addEventListener('dragleave', (e) => { stop(e); if (!drop.contains(e.relatedTarget)) drop.classList.remove('over'); });
    drop.addEventListener('drop', (e) => {
      stop(e);
      drop.classList.remove('over');
      const f = e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0];
      if (f) loadFile(f);
    });

    updateInputStats();
    setState('idle', '');
    input.focus();
  }

  init();
})();

// The API as the page calls it: every call carries the API key (if one was given) in X-API-Key, never
// in a URL; a 401 asks for a key and tries again. Server-Sent Events are read from a fetch stream,
// because EventSource cannot send a header.

const KEY = 'forkpool.apiKey';

/** An RFC 9457 problem (or any non-2xx answer); errors holds its field errors, if any. */
export class Problem extends Error {
  constructor(status, body) {
    // Only a problem+json body is shown: another (an HTML error page of the server) says no more than its status.
    const detail = typeof body === 'object' && body ? (body.detail ?? body.title) : null;
    super(detail ? `${detail}` : `HTTP ${status}`);
    this.status = status;
    this.body = typeof body === 'object' ? body : null;
    this.errors = Array.isArray(this.body?.errors) ? this.body.errors : [];
  }
}

/**
 * JSON with 64-bit integers intact: a seed is any long, beyond what a JavaScript number holds
 * exactly, and "Run again" must send back the very seed. Integers past 2^53 become BigInts (from
 * their source text) and are written back as the same digits.
 */
export function parseJson(text) {
  return JSON.parse(text, (key, value, context) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && /^-?\d+$/.test(context?.source ?? '')
      ? BigInt(context.source) : value);
}

export function toJson(value, space) {
  return JSON.stringify(value, (key, v) => (typeof v === 'bigint' ? JSON.rawJSON(v.toString()) : v), space);
}

function headers(extra) {
  const h = { ...extra };
  const key = sessionStorage.getItem(KEY);
  if (key) h['X-API-Key'] = key;
  return h;
}

async function send(path, init) {
  for (;;) {
    const res = await fetch(path, { ...init, headers: headers(init.headers), cache: 'no-store' });
    if (res.status !== 401) return res;
    await askForKey(sessionStorage.getItem(KEY) ? 'That key was refused: enter another.' : '');
  }
}

/** JSON from the API; throws Problem for a non-2xx answer. */
export async function api(path, { method = 'GET', body, signal } = {}) {
  const init = { method, signal, headers: { Accept: 'application/json, application/problem+json' } };
  if (body !== undefined) {
    init.body = body;
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await send(path, init);
  const text = await res.text();
  let data = text;
  if ((res.headers.get('Content-Type') ?? '').includes('json') && text) data = parseJson(text);
  if (!res.ok) throw new Problem(res.status, data);
  return data;
}

/** A binary answer (a plot) as a Blob, fetched with the key like any call. */
export async function blob(path, signal) {
  const res = await send(path, { signal, headers: { Accept: 'image/svg+xml, application/problem+json' } });
  if (!res.ok) throw new Problem(res.status, await res.text());
  return res.blob();
}

/** Follows a text/event-stream: onEvent(name, data) per event; resolves when the stream ends. */
export async function follow(path, onEvent, signal) {
  const res = await send(path, { signal, headers: { Accept: 'text/event-stream' } });
  if (!res.ok) throw new Problem(res.status, await res.text());
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value.replace(/\r\n?/g, '\n');
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        const colon = line.indexOf(':');
        if (colon === 0) continue; // a comment
        const field = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') name = val;
        else if (field === 'data') data.push(val);
      }
      if (data.length) onEvent(name, data.join('\n'));
    }
  }
}

let asking = null;

/** Shows the key prompt (once, however many calls wait on it); resolves when a key was entered. */
function askForKey(message) {
  if (asking) return asking;
  const dialog = document.getElementById('key-dialog');
  const form = document.getElementById('key-form');
  const input = document.getElementById('key-input');
  document.getElementById('key-error').textContent = message;
  asking = new Promise((resolve) => {
    const submit = (e) => {
      e.preventDefault();
      const key = input.value.trim();
      if (!key) return;
      sessionStorage.setItem(KEY, key);
      input.value = '';
      form.removeEventListener('submit', submit);
      dialog.close();
      asking = null;
      updateForgetButton();
      resolve();
    };
    form.addEventListener('submit', submit);
    dialog.addEventListener('cancel', (e) => e.preventDefault()); // nothing works without a key
    dialog.showModal();
    input.focus();
  });
  return asking;
}

export function updateForgetButton() {
  const button = document.getElementById('forget-key');
  button.hidden = !sessionStorage.getItem(KEY);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY);
  updateForgetButton();
}

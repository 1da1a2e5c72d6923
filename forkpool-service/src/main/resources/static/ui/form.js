// The New job panel: one form per installed kind, generated from the kind's JSON Schema
// (GET /api/v1/kinds), so a kind installed as a plugin appears by itself. The server validates
// (the form is novalidate): its problem+json field errors are shown beside their fields.
import { api, Problem } from './api.js';
import { h, link, jobHref } from './dom.js';

const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

export function newJobPanel(signal, kindsReady, submitted) {
  const kindSelect = h('select', { id: 'kind', name: 'type' });
  const description = h('p', { class: 'kind-description' });
  const fields = h('div', { class: 'fields' });
  const formError = h('p', { class: 'error', role: 'alert', id: 'form-error' });
  const outcome = h('p', { class: 'outcome', role: 'status' });
  let kinds = [];
  const form = h('form', { novalidate: true, onsubmit: (e) => { e.preventDefault(); submit(); } },
    h('div', { class: 'field' }, h('label', { for: 'kind', text: 'Kind' }), kindSelect),
    description, fields, formError,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', text: 'Submit job' })),
    outcome);
  const section = h('section', { class: 'panel new-job', 'aria-labelledby': 'h-new-job' },
    h('h2', { id: 'h-new-job', text: 'New job' }), form);

  kindsReady.then((list) => {
    kinds = list;
    kindSelect.replaceChildren(...kinds.map((k) => h('option', { value: k.name, text: k.name })));
    kindSelect.addEventListener('change', () => show(kindSelect.value));
    if (kinds.length) show(kinds[0].name);
  }).catch((e) => { formError.textContent = `Cannot read the kinds: ${e.message}`; });

  function kind() {
    return kinds.find((k) => k.name === kindSelect.value);
  }

  /** The fields of one kind: its schema's properties but the fixed type, prefilled from its example. */
  function show(name) {
    const k = kinds.find((x) => x.name === name);
    description.textContent = k.description ?? '';
    formError.textContent = '';
    const required = new Set(k.schema.required ?? []);
    fields.replaceChildren(...Object.entries(k.schema.properties ?? {})
      .filter(([field, schema]) => field !== 'type' && schema.type !== 'object') // notify: API only
      .map(([field, schema]) => fieldRow(field, schema, required.has(field), k.example?.[field])),
    k.schema.properties?.until ? untilRow(k.schema.properties.until) : null);
  }

  async function submit() {
    const k = kind();
    if (!k) return;
    clearErrors();
    outcome.textContent = '';
    let job;
    try {
      job = await api('/api/v1/jobs', { method: 'POST', body: body(k), signal });
    } catch (e) {
      if (!(e instanceof Problem)) throw e;
      showErrors(e);
      return;
    }
    outcome.replaceChildren('Submitted ', link(jobHref(job.id), h('code', { text: job.id.slice(0, 8) })), ` (${job.status.toLowerCase()}).`);
    submitted(job);
  }

  /**
   * The JSON body, written as text so that a 64-bit seed keeps every digit: a value that reads as a
   * number goes as a number, anything else as a string (the server then names the field).
   */
  function body(k) {
    const parts = [`"type":${JSON.stringify(k.name)}`];
    for (const input of fields.querySelectorAll('[data-field]')) {
      const name = input.dataset.field;
      const schema = k.schema.properties[name];
      let json;
      if (schema.type === 'boolean') json = input.value === '' ? null : input.value;
      else {
        const text = input.value.trim();
        if (text === '') continue;
        json = (schema.type === 'integer' || schema.type === 'number') && NUMBER.test(text) ? text : JSON.stringify(text);
      }
      if (json !== null) parts.push(`${JSON.stringify(name)}:${json}`);
    }
    const target = fields.querySelector('[data-until]');
    if (target && target.value.trim() !== '') {
      const text = target.value.trim();
      const field = fields.querySelector('[data-until-field]').value;
      parts.push(`"until":{${JSON.stringify(field)}:${NUMBER.test(text) ? text : JSON.stringify(text)}}`);
    }
    return `{${parts.join(',')}}`;
  }

  function clearErrors() {
    formError.textContent = '';
    for (const el of fields.querySelectorAll('.field-error')) el.textContent = '';
    for (const el of fields.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  }

  function showErrors(problem) {
    const unplaced = [];
    for (const { field, message } of problem.errors) {
      const input = String(field).startsWith('until')
        ? fields.querySelector('[data-until]')
        : fields.querySelector(`[data-field="${CSS.escape(String(field))}"]`);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        document.getElementById(`error-${input.id}`).textContent = `${field} ${message}`;
      } else {
        unplaced.push(`${field} ${message}`);
      }
    }
    if (!problem.errors.length) unplaced.push(problem.message);
    formError.textContent = unplaced.join('; ');
    fields.querySelector('[aria-invalid]')?.focus();
  }

  return section;
}

function fieldRow(name, schema, required, example) {
  const id = `field-${name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  const hint = [schema.description, range(schema), schema.default !== undefined ? `default ${schema.default}` : null]
    .filter(Boolean).join(' · ');
  const describedBy = `hint-${id} error-${id}`;
  let input;
  if (schema.type === 'boolean') {
    input = h('select', { id, 'data-field': name, 'aria-describedby': describedBy },
      h('option', { value: '', text: '(default)' }), h('option', { value: 'true', text: 'true' }), h('option', { value: 'false', text: 'false' }));
    if (example !== undefined) input.value = String(example);
  } else if (Array.isArray(schema.enum)) {
    input = h('select', { id, 'data-field': name, 'aria-describedby': describedBy },
      required ? null : h('option', { value: '', text: '(default)' }), schema.enum.map((v) => h('option', { value: v, text: v })));
    if (example !== undefined) input.value = String(example);
  } else {
    const numeric = schema.type === 'integer' || schema.type === 'number';
    input = h('input', { id, 'data-field': name, type: 'text', inputmode: numeric ? (schema.type === 'integer' ? 'numeric' : 'decimal') : null,
      autocomplete: 'off', placeholder: schema.default !== undefined ? String(schema.default) : (required ? 'required' : 'optional'),
      'aria-describedby': describedBy, 'aria-required': required ? 'true' : null });
    if (example !== undefined && example !== null) input.value = String(example);
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, name, required ? h('span', { class: 'required', 'aria-hidden': 'true', text: ' *' }) : null),
    input,
    h('span', { class: 'hint', id: `hint-${id}`, text: hint }),
    h('span', { class: 'field-error', id: `error-${id}`, role: 'alert' }));
}

/** A precision target: which of the kind's precision fields, and the value that stops the job. */
function untilRow(schema) {
  const id = 'field-until';
  const names = Object.keys(schema.properties ?? {});
  const choice = h('select', { id: 'field-until-field', 'data-until-field': true, 'aria-label': 'precision field' },
    names.map((n) => h('option', { value: n, text: n })));
  const input = h('input', { id, 'data-until': true, type: 'text', inputmode: 'decimal', autocomplete: 'off', placeholder: 'optional',
    'aria-describedby': `hint-${id} error-${id}` });
  const hint = `${schema.properties?.[names[0]]?.description ?? ''} · stops at the smallest in-order prefix of shards that meets it; the size above is then the cap`;
  return h('div', { class: 'field' },
    h('label', { for: id }, 'until'),
    h('div', { class: 'until-row' }, choice, input),
    h('span', { class: 'hint', id: `hint-${id}`, text: hint }),
    h('span', { class: 'field-error', id: `error-${id}`, role: 'alert' }));
}

function range(schema) {
  const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? `>${schema.exclusiveMinimum}` : undefined);
  const hi = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? `<${schema.exclusiveMaximum}` : undefined);
  if (lo === undefined && hi === undefined) return null;
  return `${lo ?? '…'} to ${hi ?? '…'}`;
}

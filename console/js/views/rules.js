// Rules by stage: list with this window's firing counts, pause/activate, create and edit as JSON
// (the server's validation errors shown at their JSON path), and a simulation of one event.
import { api, ApiError, downloadCsv } from '../api.js';
import { stageColour } from '../charts.js';
import { csvButtons, el, fmt } from '../dom.js';
import { formatWithPaths, lineOf } from '../json-paths.js';

const NEW_RULE = {
  name: 'Double points over 20',
  stages: ['conversion', 'retention'],
  event: 'purchase',
  conditions: { all: [{ fact: 'event.amount', op: 'gte', value: 20 }] },
  reward: { points: { perUnit: { fact: 'event.amount', rate: 2, rounding: 'floor' } } },
  limits: { perMember: { count: 3, period: 'day' } },
  priority: 10,
};
// What the server keeps about a rule beyond its definition: left out of the editor.
const SERVER_FIELDS = ['id', 'version', 'budgetSpent', 'createdAt', 'updatedAt'];

let stageFilter = '';
let editing = null; // null: closed; { rule: null } new; { rule } edit

export async function render(section, ctx) {
  const [rules, usage] = await Promise.all([allRules(), api('/v1/analytics/rules', { query: ctx.window })]);
  ctx.setAsOf(usage);
  const used = new Map(usage.rules.map((u) => [u.ruleId, u]));
  const stageOrder = (r) => (r.stages.length ? Math.min(...r.stages.map((k) => stageIndex(ctx, k))) : -1);
  const shown = rules
    .filter((r) => r.status !== 'archived')
    .filter((r) => !stageFilter || (stageFilter === '*' ? r.stages.length === 0 : r.stages.includes(stageFilter)))
    .sort((a, b) => stageOrder(a) - stageOrder(b) || b.priority - a.priority);
  const rerender = () => render(section, ctx).catch(ctx.showError);

  section.replaceChildren(
    el('h2', { id: 'h-rules' }, 'Rules by stage'),
    csvButtons(ctx, [['rules', '/v1/analytics/rules', ctx.window]], downloadCsv),
    el(
      'div',
      { class: 'inline toolbar' },
      el('label', { for: 'rules-stage' }, 'Stage'),
      el(
        'select',
        { id: 'rules-stage', onchange: (e) => ((stageFilter = e.target.value), void rerender()) },
        el('option', { value: '' }, 'All stages'),
        el('option', { value: '*', selected: stageFilter === '*' }, 'Rules for every stage'),
        ctx.brand.stages.map((s) => el('option', { value: s.key, selected: stageFilter === s.key }, s.name)),
      ),
      el(
        'button',
        { type: 'button', id: 'rule-new', onclick: () => ((editing = { rule: null }), void rerender()) },
        'New rule',
      ),
      el('span', { id: 'rules-message', role: 'status', class: 'muted' }),
    ),
    el(
      'table',
      { id: 'rules-table' },
      el('caption', { class: 'muted' }, 'Fired, members and points are over the window'),
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['Name', 'Event', 'Stages', 'Status', 'Priority', 'Fired', 'Members', 'Points', 'Actions'].map((h, i) =>
            el('th', { scope: 'col', class: i >= 4 && i <= 7 ? 'num' : null }, h),
          ),
        ),
      ),
      el(
        'tbody',
        {},
        shown.map((r) => ruleRow(ctx, r, used.get(r.id), rerender)),
      ),
    ),
    editing ? editor(ctx, editing.rule, rerender) : '', // replaceChildren would print a null
    simulator(ctx, rules),
  );
}

async function allRules() {
  const rules = [];
  let cursor;
  do {
    const page = await api('/v1/rules', { query: { limit: 200, cursor } });
    rules.push(...page.data);
    cursor = page.nextCursor;
  } while (cursor);
  return rules;
}

function stageIndex(ctx, key) {
  const i = ctx.brand.stages.findIndex((s) => s.key === key);
  return i < 0 ? 99 : i;
}

function ruleRow(ctx, rule, usage, rerender) {
  const paused = rule.status === 'paused';
  const toggle = async () => {
    try {
      await api(`/v1/rules/${rule.id}/${paused ? 'activate' : 'pause'}`, { method: 'POST' });
      await rerender();
      document.getElementById('rules-message').textContent = `${rule.name}: ${paused ? 'active' : 'paused'}`;
    } catch (e) {
      ctx.showError(e);
    }
  };
  return el(
    'tr',
    { 'data-rule-id': rule.id },
    el('td', {}, rule.name),
    el('td', {}, el('code', {}, rule.event)),
    el(
      'td',
      {},
      rule.stages.length
        ? rule.stages.map((k) =>
            el('span', { class: 'chip', style: `background:${stageColour(ctx.brand, k)}` }, stageName(ctx, k)),
          )
        : el('span', { class: 'muted' }, 'every stage'),
    ),
    el('td', { class: `status-${rule.status}` }, rule.status),
    el('td', { class: 'num' }, String(rule.priority)),
    el('td', { class: 'num' }, fmt.int(usage?.fired ?? 0)),
    el('td', { class: 'num' }, fmt.int(usage?.members ?? 0)),
    el('td', { class: 'num' }, fmt.int(usage?.points ?? 0)),
    el(
      'td',
      { class: 'actions' },
      el(
        'div',
        { class: 'inline' },
        el(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'aria-label': `Edit ${rule.name}`,
            onclick: () => ((editing = { rule }), void rerender()),
          },
          'Edit',
        ),
        el(
          'button',
          {
            type: 'button',
            class: 'secondary',
            'aria-label': `${paused ? 'Activate' : 'Pause'} ${rule.name}`,
            onclick: toggle,
          },
          paused ? 'Activate' : 'Pause',
        ),
      ),
    ),
  );
}

function stageName(ctx, key) {
  return ctx.brand.stages.find((s) => s.key === key)?.name ?? key;
}

function editor(ctx, rule, rerender) {
  const definition = rule
    ? Object.fromEntries(Object.entries(rule).filter(([k]) => !SERVER_FIELDS.includes(k)))
    : NEW_RULE;
  const textarea = el(
    'textarea',
    { id: 'rule-json', rows: 22, spellcheck: 'false', 'aria-describedby': 'rule-faults' },
    formatWithPaths(definition).text,
  );
  const faults = el('div', { id: 'rule-faults', class: 'faults', 'aria-live': 'polite' });
  const save = async (e) => {
    e.preventDefault();
    faults.replaceChildren();
    textarea.removeAttribute('aria-invalid');
    let body;
    try {
      body = JSON.parse(textarea.value);
    } catch (err) {
      textarea.setAttribute('aria-invalid', 'true');
      faults.replaceChildren(el('p', {}, `Not JSON: ${err.message}`));
      return;
    }
    try {
      const saved = rule
        ? await api(`/v1/rules/${rule.id}`, { method: 'PUT', body })
        : await api('/v1/rules', { method: 'POST', body });
      editing = null;
      await rerender();
      document.getElementById('rules-message').textContent = `Saved “${saved.name}” (version ${saved.version})`;
    } catch (err) {
      if (!(err instanceof ApiError) || err.details.length === 0) {
        faults.replaceChildren(el('p', {}, err.message));
        return;
      }
      textarea.setAttribute('aria-invalid', 'true');
      showFaults(textarea, faults, body, err);
    }
  };
  return el(
    'form',
    { class: 'panel', id: 'rule-editor', onsubmit: save },
    el('h3', {}, rule ? `Edit “${rule.name}” (version ${rule.version})` : 'New rule'),
    el('label', { for: 'rule-json' }, 'Rule definition (JSON, see README “Rules”)'),
    textarea,
    el(
      'div',
      { class: 'inline' },
      el('button', { type: 'submit', id: 'rule-save' }, rule ? 'Save new version' : 'Create rule'),
      el(
        'button',
        { type: 'button', class: 'secondary', onclick: () => ((editing = null), void rerender()) },
        'Cancel',
      ),
    ),
    faults,
  );
}

/** The server's faults as a list, and the JSON again with each fault under the line of its path. */
function showFaults(textarea, faults, body, err) {
  const { text, spans } = formatWithPaths(body);
  textarea.value = text;
  const byLine = new Map();
  for (const d of err.details) {
    const line = lineOf(spans, d.path);
    byLine.set(line, [...(byLine.get(line) ?? []), d]);
  }
  const lines = text.split('\n');
  faults.replaceChildren(
    el('p', {}, `${err.message}${err.code ? ` (${err.code})` : ''}`),
    el(
      'ul',
      {},
      err.details.map((d) =>
        el(
          'li',
          { 'data-path': d.path },
          el('code', {}, d.path || '(the rule)'),
          ` ${d.message} (line ${lineOf(spans, d.path)})`,
        ),
      ),
    ),
    el(
      'pre',
      { class: 'annotated', 'aria-label': 'The rule with each fault under its line' },
      lines.map((l, i) => {
        const here = byLine.get(i + 1);
        return here
          ? [
              el('span', { class: 'fault' }, l),
              here.map((d) =>
                el(
                  'span',
                  { class: 'fault-note', 'data-fault-path': d.path },
                  `${' '.repeat(l.search(/\S|$/))}↑ ${d.path}: ${d.message}`,
                ),
              ),
            ]
          : `${l}\n`;
      }),
    ),
  );
}

function simulator(ctx, rules) {
  const events = [...new Set(rules.map((r) => r.event))].sort();
  const result = el('div', { id: 'sim-result', 'aria-live': 'polite' });
  const run = async (e) => {
    e.preventDefault();
    const form = e.target;
    result.replaceChildren();
    let attributes;
    try {
      attributes = JSON.parse(form.elements.attributes.value || '{}');
    } catch (err) {
      result.replaceChildren(el('p', { class: 'faults' }, `Attributes are not JSON: ${err.message}`));
      return;
    }
    const externalId = form.elements.member.value.trim();
    const body = {
      event: { type: form.elements.type.value.trim(), attributes },
      ...(externalId ? { member: { externalId } } : { hypotheticalMember: { stage: form.elements.stage.value } }),
    };
    try {
      const answer = await api('/v1/rules/simulate', { method: 'POST', body });
      result.replaceChildren(simulation(answer));
    } catch (err) {
      const details = err.details?.map((d) => `${d.path}: ${d.message}`).join('; ');
      result.replaceChildren(el('p', { class: 'faults' }, details || err.message));
    }
  };
  return el(
    'form',
    { class: 'panel', id: 'simulate', onsubmit: run },
    el('h3', {}, 'Simulate an event (writes nothing)'),
    el(
      'div',
      { class: 'inline' },
      el('label', { for: 'sim-type' }, 'Event type'),
      el('input', { id: 'sim-type', name: 'type', list: 'sim-types', value: 'purchase', required: true }),
      el(
        'datalist',
        { id: 'sim-types' },
        events.map((t) => el('option', { value: t })),
      ),
      el('label', { for: 'sim-member' }, 'Member externalId'),
      el('input', { id: 'sim-member', name: 'member', placeholder: 'optional' }),
      el('label', { for: 'sim-stage' }, 'or a new member in'),
      el(
        'select',
        { id: 'sim-stage', name: 'stage' },
        ctx.brand.stages.map((s) => el('option', { value: s.key }, s.name)),
      ),
    ),
    el('label', { for: 'sim-attributes' }, 'Attributes (JSON)'),
    el('textarea', { id: 'sim-attributes', name: 'attributes', rows: 3, spellcheck: 'false' }, '{ "amount": "25.00" }'),
    el('button', { type: 'submit', id: 'sim-run' }, 'Simulate'),
    result,
  );
}

function simulation(answer) {
  const points = answer.rules.reduce((sum, r) => sum + (r.fired ? (r.points ?? 0) : 0), 0);
  return el(
    'div',
    {},
    el(
      'p',
      {},
      `${answer.rules.filter((r) => r.fired).length} of ${answer.rules.length} rules would fire: ${fmt.int(points)} points.`,
    ),
    el(
      'table',
      {},
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['Rule', 'Fired', 'Why', 'Points'].map((h) => el('th', { scope: 'col' }, h)),
        ),
      ),
      el(
        'tbody',
        {},
        answer.rules.map((r) =>
          el(
            'tr',
            { 'data-sim-rule': r.ruleId, 'data-fired': String(r.fired) },
            el('td', {}, r.name),
            el('td', { class: r.fired ? 'fired-yes' : 'fired-no' }, r.fired ? 'yes' : 'no'),
            el('td', {}, r.reason),
            el('td', { class: 'num' }, r.points === undefined ? '—' : fmt.int(r.points)),
          ),
        ),
      ),
    ),
  );
}

// The admin page: edits the draft playbook through /api/admin, tries it in Web Chat, publishes, rolls back and
// shows analytics. Everything from the server (customers' words above all) is put in the page with textContent.
(function () {
  'use strict';
  const state = { playbook: null, etag: null };
  const $ = id => document.getElementById(id);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    Object.assign(node, props || {});
    for (const child of children) node.append(child);
    return node;
  }

  async function api(method, path, body, options) {
    const headers = {};
    if (options && options.ifMatch) headers['If-Match'] = state.etag;
    let payload;
    if (body !== undefined) {
      headers['Content-Type'] = (options && options.contentType) || 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const response = await fetch(path, { method, headers, body: payload, credentials: 'same-origin' });
    if (response.status === 401) { window.location.href = '/signin?returnUrl=/admin'; throw new Error('signed out'); }
    const json = (response.headers.get('Content-Type') || '').includes('json') ? await response.json() : null;
    return { status: response.status, ok: response.ok, json };
  }

  function say(text) { $('status').textContent = text; }

  function showProblems(problems) {
    const box = $('problems');
    box.replaceChildren();
    for (const p of problems || []) {
      box.append(el('div', { className: 'problem ' + p.severity }, el('code', { textContent: p.path }), ' ', p.message));
    }
  }

  // ---- the draft editor: inputs write into state.playbook at their path ----
  function getAt(path) { return path.reduce((o, k) => (o == null ? undefined : o[k]), state.playbook); }
  function setAt(path, value) {
    let o = state.playbook;
    for (const k of path.slice(0, -1)) o = o[k];
    o[path[path.length - 1]] = value;
  }

  function textField(label, path, id) {
    const area = el('textarea', { value: getAt(path) ?? '', id: id || '' });
    area.addEventListener('input', () => setAt(path, area.value));
    return el('div', { className: 'field' }, el('label', { textContent: label, htmlFor: id || '' }), area);
  }

  function numberField(label, path) {
    const input = el('input', { type: 'number', step: '0.05', min: '0', max: '1', value: getAt(path) ?? '' });
    input.addEventListener('input', () => setAt(path, Number(input.value)));
    return el('div', { className: 'field' }, el('label', { textContent: label }), input);
  }

  function listField(label, path, id) {
    const area = el('textarea', { value: (getAt(path) || []).join('\n'), id: id || '', rows: 4 });
    area.addEventListener('input', () => setAt(path, area.value.split('\n').map(s => s.trim()).filter(s => s.length > 0)));
    return el('div', { className: 'field' }, el('label', { textContent: label + ' (one per line)', htmlFor: id || '' }), area);
  }

  function render() {
    const p = state.playbook;
    $('messages').replaceChildren(...Object.keys(p.messages).map(k => textField(k, ['messages', k], 'msg-' + k)));
    $('topics').replaceChildren(...p.topics.map((t, i) => {
      const parts = [
        el('summary', { textContent: t.name + ' (' + t.id + ', ' + (t.utterances || []).length + ' utterances)' }),
        textField('Name', ['topics', i, 'name']),
        textField('Reflect (how the bot says back what it heard)', ['topics', i, 'reflect']),
        listField('Utterances', ['topics', i, 'utterances'], 'utterances-' + t.id),
        listField('Clarifying questions', ['topics', i, 'clarifyingQuestions']),
      ];
      (t.details || []).forEach((d, j) => parts.push(textField('Question for ' + d.name, ['topics', i, 'details', j, 'question'])));
      if (t.resolution !== undefined) parts.push(textField('Resolution', ['topics', i, 'resolution']));
      const hand = el('input', { type: 'checkbox', checked: !!t.handToPerson });
      hand.addEventListener('change', () => setAt(['topics', i, 'handToPerson'], hand.checked));
      parts.push(el('label', {}, hand, ' Hand to a person'));
      const remove = el('button', { textContent: 'Remove this topic' });
      remove.addEventListener('click', () => { p.topics.splice(i, 1); render(); say('Topic removed from the page; save to keep it.'); });
      parts.push(el('div', { className: 'row' }, remove));
      return el('details', { className: 'topic' }, ...parts);
    }));
    const newId = el('input', { placeholder: 'new_topic_id', id: 'new-topic-id' });
    const add = el('button', { textContent: 'Add topic' });
    add.addEventListener('click', () => {
      const id = newId.value.trim();
      if (!id) return;
      // Starts as hand-to-a-person with no utterances: saving tells what is still missing, with its path.
      p.topics.push({ id, name: id.replace(/_/g, ' '), description: '', reflect: '', utterances: [], clarifyingQuestions: [], details: [], handToPerson: true });
      render();
    });
    $('topics').append(el('div', { className: 'row' }, newId, add));
    const choices = Object.keys(p.choices).filter(k => typeof p.choices[k] === 'string').map(k => textField('Choice: ' + k, ['choices', k]));
    $('lists').replaceChildren(
      listField('Fallback topics (ids)', ['fallbackTopics']),
      listField('Frustration phrases', ['frustrationPhrases']),
      listField('Handoff phrases', ['handoffPhrases']),
      listField('Canned agent replies', ['cannedReplies']),
      ...choices,
      numberField('Recogniser: confident at or above', ['thresholds', 'confident']),
      numberField('Recogniser: unsure at or above (below: not understood)', ['thresholds', 'unsure']),
      textField('Business hours: time zone', ['businessHours', 'timeZone']),
      listField('Business hours: days', ['businessHours', 'days']),
      textField('Business hours: open (HH:mm)', ['businessHours', 'open']),
      textField('Business hours: close (HH:mm)', ['businessHours', 'close']));
  }

  function takeDraft(json) {
    state.playbook = json.playbook;
    state.savedJson = JSON.stringify(json.playbook);
    state.etag = json.etag;
    render();
    showProblems(json.problems);
  }

  async function loadDraft() {
    const r = await api('GET', '/api/admin/draft');
    takeDraft(r.json);
    say('Draft revision ' + r.json.revision + (r.json.savedBy ? ', saved by ' + r.json.savedBy : ''));
  }

  // Saves put the answer (new ETag) in place, or show why nothing was saved.
  async function saved(r, what) {
    if (r.ok) {
      takeDraft(r.json);
      say(what + ' saved (revision ' + r.json.revision + ').');
      return true;
    }
    if (r.status === 412) {
      say((r.json && r.json.error.message) || 'Someone else saved first.');
    } else {
      say((r.json && r.json.error && r.json.error.message) || ('Not saved: ' + r.status));
      showProblems(r.json && r.json.problems);
    }
    return false;
  }

  const saveDraft = async () => saved(await api('PUT', '/api/admin/draft', state.playbook, { ifMatch: true }), 'Draft');
  const unsaved = () => state.savedJson !== undefined && JSON.stringify(state.playbook) !== state.savedJson;
  // Publishing, trying and adding an utterance act on the stored draft: the edits on the page are saved first, so
  // none is left out of what goes live or silently replaced by the server's copy.
  const saveEdits = async () => !unsaved() || saveDraft();
  $('save').addEventListener('click', saveDraft);
  window.addEventListener('beforeunload', e => { if (unsaved()) e.preventDefault(); });

  $('publish').addEventListener('click', async () => {
    if (!await saveEdits()) return;
    const r = await api('POST', '/api/admin/publish', { note: $('publish-note').value }, { ifMatch: true });
    if (!r.ok) {
      say((r.json && r.json.error && r.json.error.message) || ('Not published: ' + r.status));
      showProblems(r.json && r.json.problems);
      return;
    }
    const number = r.json.version.number;
    say('Version ' + number + ' published; training the recogniser…');
    for (let i = 0; i < 120; i++) {
      const s = await api('GET', '/api/admin/status');
      if (s.json.liveVersion >= number) { say('Version ' + number + ' is live.'); return; }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    say('Version ' + number + ' is still training; customers stay on the previous one meanwhile.');
  });

  // "Try it": Web Chat on a conversation that runs on the draft; customers keep the live playbook.
  $('try').addEventListener('click', async () => {
    if (!await saveEdits()) return;
    const r = await api('POST', '/api/admin/draft/try');
    if (!r.ok) { say((r.json && r.json.error.message) || 'The draft cannot be tried yet.'); showProblems(r.json && r.json.problems); return; }
    $('try-panel').hidden = false;
    const directLine = window.WebChat.createDirectLine({ domain: window.location.origin + '/v3/directline', token: r.json.token, webSocket: true });
    const store = window.WebChat.createStore({}, ({ dispatch }) => next => action => {
      if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') {
        dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'webchat/join', value: {} } });
      }
      return next(action);
    });
    const host = $('try-chat');
    host.replaceChildren();
    window.WebChat.renderWebChat({ directLine, store, userID: r.json.userId, styleOptions: { accent: '#1f4e8c', hideUploadButton: true } }, host);
  });
  $('try-close').addEventListener('click', () => { $('try-panel').hidden = true; $('try-chat').replaceChildren(); });

  async function importFile(input, path, contentType, what) {
    const file = input.files[0];
    if (!file) return;
    const text = await file.text();
    input.value = '';
    await saved(await api('PUT', path, text, { ifMatch: true, contentType }), what);
  }
  $('import-json').addEventListener('change', e => importFile(e.target, '/api/admin/draft', 'application/json', 'Imported playbook'));
  $('import-csv').addEventListener('change', e => importFile(e.target, '/api/admin/draft/utterances.csv', 'text/csv', 'Imported utterances'));

  $('confusion').addEventListener('click', async () => {
    const box = $('confusion-result');
    box.textContent = 'Training and testing the recogniser…';
    const r = await api('GET', '/api/admin/draft/confusion');
    box.replaceChildren();
    if (!r.ok) { box.textContent = r.json.error.message; return; }
    if (r.json.confusions.length === 0) box.textContent = 'No topics were confused.';
    for (const c of r.json.confusions) {
      const share = Math.round(c.share * 100);
      box.append(el('div', { className: 'problem ' + (c.share >= r.json.reportedShare ? 'warning' : '') },
        c.topicA + ' ↔ ' + c.topicB + ': ' + c.mistaken + ' of ' + c.utterances + ' (' + share + '%), e.g. “' + c.examples[0] + '”'));
    }
  });

  // ---- versions ----
  function describe(change) {
    const show = v => (v === null || v === undefined ? '' : JSON.stringify(v));
    return change.path + '  ' + change.kind + '\n' + (change.before != null ? '  − ' + show(change.before) + '\n' : '') + (change.after != null ? '  + ' + show(change.after) + '\n' : '');
  }

  async function loadVersions() {
    const r = await api('GET', '/api/admin/versions');
    $('live').textContent = 'Customers are on version ' + (r.json.status.liveVersion || 'as started') + (r.json.status.training ? ' (training version ' + r.json.status.requestedVersion + ')' : '') + '.';
    $('versions').replaceChildren(...r.json.versions.map(v => {
      const back = el('button', { textContent: 'Roll back to this' });
      back.addEventListener('click', async () => {
        if (!window.confirm('Put version ' + v.number + ' live for every customer now?')) return;
        const rr = await api('POST', '/api/admin/versions/' + v.number + '/rollback');
        say(rr.ok ? 'Rolling back to version ' + v.number + '…' : rr.json.error.message);
        setTimeout(loadVersions, 1500);
      });
      const diff = el('details', {}, el('summary', { textContent: v.changes.length + ' change(s)' }), el('pre', { className: 'diff', textContent: v.changes.map(describe).join('') }));
      return el('tr', {}, el('td', { textContent: v.number }), el('td', { textContent: v.publishedBy + ', ' + new Date(v.publishedAt).toLocaleString() }),
        el('td', { textContent: v.note }), el('td', {}, diff), el('td', {}, back));
    }));
  }

  // ---- analytics: figures, simple SVG bar charts, "add to topic" ----
  const svgNs = 'http://www.w3.org/2000/svg';
  function bars(items, title) {
    const width = 520, row = 24, max = Math.max(1, ...items.map(i => i.value));
    const svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('width', width); svg.setAttribute('height', items.length * row + 8);
    svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', title);
    items.forEach((item, i) => {
      const label = document.createElementNS(svgNs, 'text');
      label.setAttribute('x', 0); label.setAttribute('y', i * row + 16); label.textContent = item.label;
      const bar = document.createElementNS(svgNs, 'rect');
      bar.setAttribute('x', 150); bar.setAttribute('y', i * row + 4); bar.setAttribute('height', 16);
      bar.setAttribute('width', Math.max(1, (width - 210) * item.value / max)); bar.setAttribute('fill', item.color || '#1f4e8c');
      const value = document.createElementNS(svgNs, 'text');
      value.setAttribute('x', 156 + (width - 210) * item.value / max); value.setAttribute('y', i * row + 16); value.textContent = item.text ?? item.value;
      svg.append(label, bar, value);
    });
    return svg;
  }

  function period() {
    const q = new URLSearchParams();
    if ($('from').value) q.set('from', $('from').value);
    if ($('to').value) q.set('to', new Date(new Date($('to').value).getTime() + 86400000).toISOString().slice(0, 10));
    return q.toString();
  }

  async function loadAnalytics() {
    const q = period();
    $('csv').href = '/api/admin/analytics.csv' + (q ? '?' + q : '');
    const r = await api('GET', '/api/admin/analytics' + (q ? '?' + q : ''));
    if (!r.ok) { say(r.json.error.message); return; }
    const a = r.json;
    const median = a.wait.medianSeconds == null ? '—' : Math.round(a.wait.medianSeconds) + ' s';
    const stat = (label, value, id) => el('div', { className: 'stat' }, el('b', { textContent: value, id }), label);
    $('stats').replaceChildren(stat('conversations', a.conversations, 'stat-conversations'), stat('contained', a.contained, 'stat-contained'),
      stat('handed off', a.handedOff, 'stat-handed-off'), stat('abandoned', a.abandoned, 'stat-abandoned'), stat('median wait for a person', median, 'stat-wait'),
      stat('average satisfaction', a.satisfaction.average == null ? '—' : a.satisfaction.average.toFixed(2), 'stat-csat'));
    $('outcome-chart').replaceChildren(bars([
      { label: 'Contained', value: a.contained, color: '#2e8b57' }, { label: 'Handed off', value: a.handedOff },
      { label: 'Abandoned', value: a.abandoned, color: '#b4561a' }, { label: 'In progress', value: a.inProgress, color: '#8894a5' }], 'Outcomes'));
    $('csat-chart').replaceChildren(bars([1, 2, 3, 4, 5].map(n => ({ label: 'Rating ' + n, value: a.satisfaction.distribution[n] || 0 })), 'Ratings'));
    $('csat-topics').replaceChildren(...a.satisfactionByTopic.map(t => el('tr', {}, el('td', { textContent: t.topic }), el('td', { textContent: t.rated }),
      el('td', { textContent: t.average.toFixed(2) }), el('td', { textContent: [1, 2, 3, 4, 5].map(n => t.distribution[n] || 0).join(' / ') }))));
    $('scorecard').replaceChildren(bars(a.scorecard.map(s => ({ label: s.rule.replace(/-/g, ' ').slice(0, 22), value: s.share == null ? 0 : s.share * 100,
      text: s.share == null ? 'n/a' : Math.round(s.share * 100) + '% of ' + s.applicable })), 'Rule scorecard'),
      ...a.scorecard.map(s => el('p', { className: 'muted', textContent: s.rule + ': ' + s.description })));
    const topics = (state.playbook ? state.playbook.topics : []);
    $('not-understood').replaceChildren(...a.notUnderstood.map(n => {
      const pick = el('select', {}, ...topics.map(t => el('option', { value: t.id, textContent: t.name })));
      const add = el('button', { textContent: 'Add' });
      add.addEventListener('click', async () => {
        if (!await saveEdits()) return;
        const rr = await api('POST', '/api/admin/draft/topics/' + encodeURIComponent(pick.value) + '/utterances', { text: n.text }, { ifMatch: true });
        if (await saved(rr, 'Utterance')) { add.disabled = true; add.textContent = 'Added'; }
      });
      return el('tr', {}, el('td', { textContent: n.text }), el('td', { textContent: n.count }), el('td', {}, pick, ' ', add));
    }));
  }
  $('refresh').addEventListener('click', loadAnalytics);

  for (const tab of document.querySelectorAll('[data-tab]')) {
    tab.addEventListener('click', () => {
      for (const other of document.querySelectorAll('[data-tab]')) {
        other.setAttribute('aria-selected', String(other === tab));
        $('tab-' + other.dataset.tab).hidden = other !== tab;
      }
      if (tab.dataset.tab === 'versions') loadVersions();
      if (tab.dataset.tab === 'analytics') loadAnalytics();
    });
  }

  api('GET', '/api/staff/me').then(r => { $('who').textContent = r.json.displayName || r.json.name; });
  loadDraft();
})();

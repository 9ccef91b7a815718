// The agent console: the queue and the agent's conversations live from the hub (server-sent events), one open
// conversation at a time with its context and transcript. Customer text is only ever set as textContent.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  let view = null;          // the latest snapshot from /api/agent/stream
  let openId = null;        // the conversation on screen
  let conversationEvents = null;
  let typingTimer = null;
  let lastTypingSent = 0;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function since(time) {
    const seconds = Math.max(0, Math.round((Date.now() - new Date(time).getTime()) / 1000));
    if (seconds < 60) return seconds + ' s';
    const minutes = Math.floor(seconds / 60);
    return minutes < 60 ? minutes + ' min' : Math.floor(minutes / 60) + ' h ' + (minutes % 60) + ' min';
  }

  function until(time) {
    const minutes = Math.round((new Date(time).getTime() - Date.now()) / 60000);
    if (minutes < 0) return 'overdue';
    return 'due in ' + (minutes < 60 ? minutes + ' min' : Math.floor(minutes / 60) + ' h');
  }

  async function call(method, path, body) {
    const response = await fetch(path, {
      method,
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined
    });
    if (response.status === 401) window.location.href = '/signin?returnUrl=/agent';
    if (!response.ok) {
      let message = 'The hub answered ' + response.status;
      try { message = (await response.json()).error.message; } catch (e) { /* not JSON */ }
      throw new Error(message);
    }
    return response.status === 204 ? null : response.json();
  }

  // In the open conversation's panel; with none open (a failed accept, a follow-up), above the lists for a while.
  let listErrorTimer = null;
  function showError(error) {
    const target = $('conversation').hidden ? $('list-error') : $('action-error');
    target.textContent = error.message;
    target.hidden = false;
    if (target.id === 'list-error') {
      clearTimeout(listErrorTimer);
      listErrorTimer = setTimeout(() => { target.hidden = true; }, 10000);
    }
  }

  function customerLine(request) {
    return (request.customerName || 'Customer') + (request.topicName ? ' · ' + request.topicName : '');
  }

  function renderQueue() {
    const queue = $('queue');
    queue.replaceChildren();
    view.queue.forEach((item) => {
      const request = item.handoff.request;
      const card = el('li', 'card queue-item');
      card.dataset.id = item.handoff.id;
      const title = el('div', 'card__title');
      title.append(el('span', 'name', request.customerName || 'Customer'), el('span', 'wait', since(item.handoff.requestedAt)));
      card.append(title, el('div', 'card__meta', '#' + item.position + ' · ' + (request.topicName || 'Topic not clear') +
        (request.frustrated ? ' · frustrated' : '') + ' · ' + item.handoff.channel));
      card.append(el('p', 'summary', request.summary));
      const accept = el('button', 'primary accept', 'Accept');
      accept.type = 'button';
      accept.addEventListener('click', () => accept_(item.handoff.id, accept));
      card.append(accept);
      queue.append(card);
    });
    $('queue-count').textContent = view.queue.length;
    $('agents-available').textContent = view.agentsAvailable + (view.agentsAvailable === 1 ? ' agent' : ' agents') + ' available';
  }

  function renderMine() {
    const mine = $('mine');
    mine.replaceChildren();
    view.mine.forEach((handoff) => {
      const card = el('li', 'card mine-item' + (handoff.id === openId ? ' selected' : ''));
      card.dataset.id = handoff.id;
      const title = el('div', 'card__title');
      title.append(el('span', 'name', handoff.request.customerName || 'Customer'), el('span', 'wait', since(handoff.acceptedAt)));
      card.append(title, el('div', 'card__meta', handoff.request.topicName || 'Topic not clear'));
      card.addEventListener('click', () => open(handoff.id));
      mine.append(card);
    });
    if (openId && !view.mine.some((h) => h.id === openId)) close();
  }

  function renderFollowUps() {
    const list = $('follow-ups');
    list.replaceChildren();
    view.followUps.forEach((followUp) => {
      const card = el('li', 'card follow-up');
      const title = el('div', 'card__title');
      title.append(el('span', 'name', followUp.request.customerName || 'Customer'), el('span', 'due', until(followUp.due)));
      card.append(title, el('div', 'card__meta', followUp.request.topicName || 'Topic not clear'));
      card.append(el('p', 'contact', 'Contact: ' + followUp.contact));
      if (followUp.note) card.append(el('p', 'note', followUp.note));
      card.append(el('p', 'summary', followUp.request.summary));
      const done = el('button', '', 'Mark done');
      done.type = 'button';
      done.addEventListener('click', () => call('POST', '/api/agent/follow-ups/' + encodeURIComponent(followUp.id) + '/close').catch(showError));
      card.append(done);
      list.append(card);
    });
    $('followup-count').textContent = view.followUps.length;
  }

  function renderCanned() {
    const canned = $('canned');
    canned.replaceChildren();
    view.cannedReplies.forEach((text) => {
      const button = el('button', 'canned-reply', text);
      button.type = 'button';
      button.addEventListener('click', () => { $('reply').value = text; $('reply').focus(); });
      canned.append(button);
    });
  }

  function render() {
    $('me').textContent = view.me.displayName;
    $('presence').value = view.me.status;
    renderQueue();
    renderMine();
    renderFollowUps();
    renderCanned();
  }

  async function accept_(id, button) {
    button.disabled = true;
    try {
      await call('POST', '/api/agent/handoffs/' + encodeURIComponent(id) + '/accept');
      await open(id);
    } catch (error) {
      button.disabled = false;
      showError(error);
    }
  }

  function showContext(handoff) {
    const r = handoff.request;
    $('ctx-name').textContent = r.customerName || 'Customer';
    $('ctx-mood').hidden = !r.frustrated;
    $('ctx-returning').hidden = !r.returningCustomer;
    $('ctx-returning').textContent = 'Returning customer' + (r.customerSince ? ' since ' + r.customerSince : '');
    $('ctx-channel').textContent = handoff.channel;
    $('ctx-topic').textContent = r.topicName ? r.topicName + ' (' + Math.round(r.confidence * 100) + '% sure)' : 'not clear yet';
    $('ctx-summary').textContent = r.summary;
    $('ctx-since').textContent = new Date(r.requestedAt).toLocaleTimeString();
    const details = $('ctx-details');
    details.replaceChildren();
    Object.entries(r.details || {}).forEach(([name, value]) => {
      const row = el('tr');
      row.append(el('td', '', name), el('td', 'detail', value));
      details.append(row);
    });
  }

  function showNotes(notes) {
    $('notes').replaceChildren(...notes.map((n) => el('li', '', n.agent + ': ' + n.text)));
    $('transcript').scrollTop = $('transcript').scrollHeight; // the notes took room from the transcript
  }

  function addActivity(activity) {
    if (activity.type === 'typing' && activity.from && activity.from.role === 'user') {
      $('typing').hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => { $('typing').hidden = true; }, 4000);
      return;
    }
    const files = (activity.attachments || []).filter((a) => a.contentType !== 'application/vnd.microsoft.card.adaptive' && a.contentType !== 'application/vnd.microsoft.card.hero');
    if (activity.type !== 'message' || (!activity.text && files.length === 0)) return;
    const fromAgent = (activity.entities || []).some((e) => e.type === 'supportbot/agent');
    const role = activity.from && activity.from.role === 'user' ? 'customer' : fromAgent ? 'agent' : 'bot';
    if (role === 'customer') $('typing').hidden = true;
    const item = el('li', 'msg ' + role);
    item.append(el('small', '', (role === 'customer' ? 'Customer' : role === 'agent' ? activity.from.name : 'Bot') + ' · ' +
      new Date(activity.timestamp).toLocaleTimeString()));
    if (activity.text) item.append(document.createTextNode(activity.text));
    files.forEach((file) => item.append(el('div', 'file', '📎 ' + (file.name || file.contentType || 'file'))));
    const transcript = $('transcript');
    transcript.append(item);
    transcript.scrollTop = transcript.scrollHeight;
  }

  async function open(id) {
    close();
    openId = id;
    $('action-error').hidden = true;
    const detail = await call('GET', '/api/agent/handoffs/' + encodeURIComponent(id));
    showContext(detail.handoff);
    showNotes(detail.notes);
    $('transcript').replaceChildren();
    $('empty').hidden = true;
    $('conversation').hidden = false;
    conversationEvents = new EventSource('/api/agent/handoffs/' + encodeURIComponent(id) + '/stream');
    conversationEvents.addEventListener('activity', (e) => addActivity(JSON.parse(e.data)));
    if (view) renderMine();
    $('reply').focus();
  }

  function close() {
    if (conversationEvents) conversationEvents.close();
    conversationEvents = null;
    openId = null;
    $('conversation').hidden = true;
    $('empty').hidden = false;
  }

  $('reply-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('reply').value.trim();
    if (!text || !openId) return;
    try {
      await call('POST', '/api/agent/handoffs/' + encodeURIComponent(openId) + '/messages', { text });
      $('reply').value = '';
    } catch (error) { showError(error); }
  });
  $('reply').addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); $('reply-form').requestSubmit(); return; }
    if (openId && Date.now() - lastTypingSent > 3000) {
      lastTypingSent = Date.now();
      call('POST', '/api/agent/handoffs/' + encodeURIComponent(openId) + '/typing').catch(() => {});
    }
  });
  $('note-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = $('note').value.trim();
    if (!text || !openId) return;
    try {
      await call('POST', '/api/agent/handoffs/' + encodeURIComponent(openId) + '/notes', { text });
      $('note').value = '';
      showNotes((await call('GET', '/api/agent/handoffs/' + encodeURIComponent(openId))).notes);
    } catch (error) { showError(error); }
  });
  $('end').addEventListener('click', () => openId && call('POST', '/api/agent/handoffs/' + encodeURIComponent(openId) + '/end').then(close, showError));
  $('return').addEventListener('click', () => openId && call('POST', '/api/agent/handoffs/' + encodeURIComponent(openId) + '/return').then(close, showError));
  $('presence').addEventListener('change', () => call('POST', '/api/agent/presence', { status: $('presence').value }).catch(showError));

  const hub = new EventSource('/api/agent/stream');
  hub.addEventListener('queue', (e) => {
    $('offline').hidden = true;
    view = JSON.parse(e.data);
    render();
  });
  hub.addEventListener('error', () => { $('offline').hidden = false; });
  // Wait times tick on screen between updates.
  setInterval(() => view && (renderQueue(), renderFollowUps()), 15000);
})();

// The self-hosted web chat page: the official Web Chat bundle against the bot's own Direct Line.
// The token comes from the bot's /api/token; the Direct Line secret never reaches the browser.
(async function () {
  'use strict';
  const sessionKey = 'supportbot.session';
  const params = new URLSearchParams(window.location.search);
  // A host page that knows its visitor passes the name (here: ?name=Jane); otherwise the bot asks.
  const name = (params.get('name') || '').trim() || undefined;

  async function newSession() {
    const response = await fetch('/api/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ user: { name } })
    });
    if (!response.ok) throw new Error('The chat service answered ' + response.status);
    const body = await response.json();
    return { token: body.token, conversationId: body.conversationId, userId: body.userId, expiresAt: Date.now() + body.expires_in * 1000, started: false };
  }

  function savedSession() {
    try {
      const saved = JSON.parse(sessionStorage.getItem(sessionKey) || 'null');
      // A reload resumes the conversation while its token is still good.
      return saved && saved.expiresAt > Date.now() + 60000 ? saved : null;
    } catch (e) {
      return null;
    }
  }

  try {
    const session = savedSession() || await newSession();
    const directLine = window.WebChat.createDirectLine({
      domain: window.location.origin + '/v3/directline',
      token: session.token,
      // Only a conversation already started can be resumed; a new one is started by the first connect.
      conversationId: session.started ? session.conversationId : undefined,
      webSocket: true
    });

    const store = window.WebChat.createStore({}, ({ dispatch }) => next => action => {
      if (action.type === 'DIRECT_LINE/CONNECT_FULFILLED') {
        session.started = true;
        sessionStorage.setItem(sessionKey, JSON.stringify(session));
        dispatch({ type: 'WEB_CHAT/SEND_EVENT', payload: { name: 'webchat/join', value: { name, language: navigator.language } } });
      }
      return next(action);
    });

    window.addEventListener('pagehide', () => {
      // directLine refreshes its token every 15 minutes; keep the newest for a reload.
      if (directLine.token && directLine.token !== session.token) {
        session.token = directLine.token;
        session.expiresAt = Date.now() + 30 * 60000;
      }
      sessionStorage.setItem(sessionKey, JSON.stringify(session));
    });

    window.WebChat.renderWebChat({
      directLine,
      store,
      userID: session.userId,
      username: name,
      locale: navigator.language,
      sendTypingIndicator: true, // an agent who has taken over sees the customer typing
      styleOptions: {
        accent: '#1f4e8c',
        botAvatarInitials: 'SB',
        bubbleBorderRadius: 10,
        bubbleFromUserBackground: '#e3ecf9',
        bubbleFromUserBorderRadius: 10,
        suggestedActionBorderRadius: 16,
        hideUploadButton: false
      }
    }, document.getElementById('webchat'));
    document.querySelector('#webchat > *')?.focus?.();
  } catch (error) {
    const message = document.getElementById('chat-error');
    message.textContent = 'We could not connect you to support just now. Please reload the page in a moment.';
    message.hidden = false;
    console.error(error);
  }
})();

// Talks to the bot with the official botframework-directlinejs client, as Web Chat does, and prints what it
// sees as JSON lines for the test to check. Usage: node directline-peer.js <directline domain> <token>
'use strict';
global.XMLHttpRequest = require('xhr2');
global.WebSocket = require('ws');
const { DirectLine, ConnectionStatus } = require('botframework-directlinejs');

const [domain, token] = process.argv.slice(2);
const print = (kind, data) => process.stdout.write(JSON.stringify({ kind, ...data }) + '\n');
const deadline = setTimeout(() => { print('timeout', {}); process.exit(2); }, 20000);

const directLine = new DirectLine({ domain, token, webSocket: true });
const seen = [];
let sentMessage = false;

directLine.connectionStatus$.subscribe(status => {
  print('status', { status: ConnectionStatus[status] });
  if (status === ConnectionStatus.Online && !sentMessage) {
    directLine.postActivity({ type: 'event', name: 'webchat/join', from: { id: 'ignored', name: 'Jane' }, value: { name: 'Jane' } })
      .subscribe(id => print('posted', { id }), error => print('error', { message: String(error) }));
  }
});

directLine.activity$.subscribe(activity => {
  seen.push(activity.id);
  print('activity', { id: activity.id, type: activity.type, role: activity.from && activity.from.role, fromId: activity.from && activity.from.id, text: activity.text || null, clientActivityID: activity.channelData && activity.channelData.clientActivityID || null });
  if (activity.from.role === 'bot' && /welcome/.test(activity.text || '') && !sentMessage) {
    sentMessage = true;
    directLine.postActivity({ type: 'message', text: 'my parcel has not arrived', from: { id: 'ignored', name: 'Jane' }, channelData: { clientActivityID: 'peer-1' } })
      .subscribe(id => print('posted', { id }), error => print('error', { message: String(error) }));
  }
  if (activity.from.role === 'bot' && /Did I get that right/.test(activity.text || '')) {
    clearTimeout(deadline);
    print('done', { count: seen.length, distinct: new Set(seen).size });
    process.exit(0);
  }
});

// ops_join.mjs - one signalling join, for the operator tests: connects to /ws, sends
// `join` with the given conference, name and optional token or PIN, and prints
// "joined" or the error code the server answered. Usage:
//   node ops_join.mjs http://127.0.0.1:PORT CONFERENCE NAME [token=T] [pin=P]
// Exit 0 when an answer came (whatever it was), 1 when none did.
import WebSocket from 'ws';

const [baseUrl, conference, name, ...extra] = process.argv.slice(2);
const request = { type: 'join', id: 1, conference, name };
for (const arg of extra) {
  const [key, value] = arg.split('=');
  request[key] = value;
}
const socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/ws');
const timer = setTimeout(() => {
  console.error('no answer to join within 5 s');
  process.exit(1);
}, 5000);
socket.on('message', (data) => {
  const message = JSON.parse(data.toString());
  if (message.id !== 1) return;
  console.log(message.type === 'reply' ? 'joined' : message.error.code);
  clearTimeout(timer);
  socket.close();
});
socket.on('open', () => socket.send(JSON.stringify(request)));
socket.on('error', (error) => {
  console.error(`websocket error: ${error.message}`);
  process.exit(1);
});

// ending_join.mjs - joins a conference over /ws and waits WAIT_MS (default 2000) for
// a conference_ending event: prints "ending SECONDS ENDS_AT" or "none". Usage:
//   node ending_join.mjs http://127.0.0.1:PORT CONFERENCE NAME [WAIT_MS]
// Exit 1 when the join is refused or no answer comes.
import WebSocket from 'ws';

const [baseUrl, conference, name, waitArg] = process.argv.slice(2);
const wait = Number(waitArg || 2000);
const socket = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/ws');
let joined = false;
const finish = (line, code) => {
  console.log(line);
  socket.close();
  process.exit(code);
};
setTimeout(() => {
  if (!joined) {
    console.error('no answer to join within 5 s');
    process.exit(1);
  }
}, 5000);
socket.on('message', (data) => {
  const message = JSON.parse(data.toString());
  if (message.id === 1) {
    if (message.type !== 'reply') finish(`join refused: ${message.error.code}`, 1);
    joined = true;
    setTimeout(() => finish('none', 0), wait);
  } else if (message.type === 'conference_ending') {
    finish(`ending ${message.seconds} ${message.ends_at}`, 0);
  }
});
socket.on('open', () => socket.send(JSON.stringify({ type: 'join', id: 1, conference, name })));
socket.on('error', (error) => {
  console.error(`websocket error: ${error.message}`);
  process.exit(1);
});

// Unit tests of how the page reads its link and hands the token to the server (web/js/link.js; pure).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isPlainId, readLink, socketProtocols, socketUrl, validMembers,
} from '../web/js/link.js';
import { withTestHooks } from '../web/js/test-hooks.js';

const TOKEN = 'v1.k1.AbCdEfGhIjKlMnOpQrStUv.1790000000.Zm9vYmFyLWJhel9xdXV4MDEyMzQ1Njc4OWFiY2RlZmdo';
const OTHER = 'v1.k1.AbCdEfGhIjKlMnOpQrStUv.1790000001.Zm9vYmFyLWJhel9xdXV4MDEyMzQ1Njc4OWFiY2RlZmdo';
const BASE = 'https://call.example/video?userID=alice&peerID=bob';

test('a link as the server makes it: the token from the fragment, nothing to clean', () => {
  assert.deepEqual(readLink(`${BASE}#token=${TOKEN}`),
    { userId: 'alice', peerId: 'bob', peerIds: ['bob'], token: TOKEN, conflict: false, cleanHref: null });
  assert.equal(readLink(withTestHooks(`${BASE}#token=${TOKEN}`)).token, TOKEN, 'the test flag sits beside the token');
});

test('an older link: the token from the query, moved into the fragment of the address shown', () => {
  const link = readLink(`${BASE}&token=${TOKEN}`);
  assert.equal(link.token, TOKEN);
  assert.equal(link.conflict, false);
  assert.equal(link.cleanHref, `${BASE}#token=${TOKEN}`);
  assert.equal(readLink(link.cleanHref).cleanHref, null, 'cleaning is done once');
  assert.equal(readLink(`https://call.example/video?token=${TOKEN}&userID=alice&peerID=bob#videocall-test`).cleanHref,
    `${BASE}#token=${TOKEN}&videocall-test`, 'wherever the token was; the fragment keeps what it had');
});

test('the same token in both places is one token; different ones are a conflict', () => {
  const same = readLink(`${BASE}&token=${TOKEN}#token=${TOKEN}`);
  assert.deepEqual([same.token, same.conflict, same.cleanHref], [TOKEN, false, `${BASE}#token=${TOKEN}`]);
  const differ = readLink(`${BASE}&token=${OTHER}#token=${TOKEN}`);
  assert.equal(differ.conflict, true);
  assert.equal(new URL(differ.cleanHref).searchParams.get('token'), null, 'the query\'s token leaves the address bar even so');
});

test('missing parts are null, for the page to refuse the link', () => {
  assert.deepEqual(readLink('https://call.example/video?userID=alice'),
    { userId: 'alice', peerId: null, peerIds: [], token: null, conflict: false, cleanHref: null });
});

test('the WebSocket URL names who joins and carries no token', () => {
  assert.equal(socketUrl({ protocol: 'https:', host: 'call.example' }, 'alice', 'bob'),
    'wss://call.example/video/connections?userID=alice&peerID=bob');
  assert.equal(socketUrl({ protocol: 'http:', host: 'localhost:8080' }, 'a_1', 'b-2'),
    'ws://localhost:8080/video/connections?userID=a_1&peerID=b-2');
});

test('a group link names every other member, in the call\'s order, and so does its WebSocket URL', () => {
  const link = readLink(`https://call.example/video?userID=alice&peerID=bob&peerID=carol&peerID=dave#token=${TOKEN}`);
  assert.deepEqual([link.userId, link.peerId, link.peerIds], ['alice', 'bob', ['bob', 'carol', 'dave']]);
  assert.equal(socketUrl({ protocol: 'https:', host: 'call.example' }, 'alice', link.peerIds),
    'wss://call.example/video/connections?userID=alice&peerID=bob&peerID=carol&peerID=dave');
});

test('a link names different people, at least two, or the page refuses it; how many at most is the server\'s to say', () => {
  assert.equal(validMembers('alice', ['bob']), true);
  assert.equal(validMembers('alice', ['bob', 'carol', 'dave']), true);
  assert.equal(validMembers('alice', []), false, 'nobody to call');
  assert.equal(validMembers('alice', ['bob', 'carol', 'dave', 'erin']), true, 'five: the server answers call-full');
  assert.equal(validMembers('alice', ['bob', 'BOB']), false, 'a name twice (case does not count)');
  assert.equal(validMembers('alice', ['Alice']), false, 'oneself');
  assert.equal(validMembers('alice', ['bob', '\u212Aim']), false, 'a look-alike');
  assert.equal(validMembers(null, ['bob']), false);
});

test('the token goes as a subprotocol beside videocall.v1, if it can be one', () => {
  assert.deepEqual(socketProtocols(TOKEN), ['videocall.v1', `token.${TOKEN}`]);
  for (const mangled of ['', 'has space', 'comma,separated', 'quote"d', 'slash/ed', 'ünïcode', 'semi;colon']) {
    assert.equal(socketProtocols(mangled), null, JSON.stringify(mangled));
  }
});

test('userID and peerID follow the server\'s rule: ASCII letters, digits, _ and -, no look-alikes', () => {
  for (const id of ['alice', 'Bob', 'a_1', 'b-2', 'k', 'x'.repeat(64)]) assert.equal(isPlainId(id), true, id);
  // U+212A KELVIN SIGN (the server once took it for "k"), fullwidth "alice", Cyrillic a, a zero-width space.
  for (const id of ['\u212A', '\u212Aim', '\uFF41\uFF4C\uFF49\uFF43\uFF45', '\u0430lice', 'alice\u200B', 'al ice', '', 'x'.repeat(65), null]) {
    assert.equal(isPlainId(id), false, JSON.stringify(id));
  }
  const lookAlike = readLink(`https://call.example/video?userID=%E2%84%AA&peerID=bob#token=${TOKEN}`);
  assert.equal(lookAlike.userId, '\u212A', 'read as sent');
  assert.equal(isPlainId(lookAlike.userId), false, 'and refused by the page before it connects');
});

// Text chat rendering. Messages are text only: they are put into the page with textContent and text
// nodes, never innerHTML. http(s) URLs become links that open in a new tab without an opener or a
// Referer; anything else (javascript:, data:, phone numbers) stays plain text to copy.

export const MAX_CHAT_CHARS = 2000;

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;
const TRAILING_PUNCTUATION = /[.,;:!?)\]}'"]+$/;

/** Splits text into text nodes and <a> elements for its http(s) URLs. */
export function linkify(text) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let candidate = match[0];
    const trailing = candidate.match(TRAILING_PUNCTUATION)?.[0] ?? '';
    candidate = candidate.slice(0, candidate.length - trailing.length);
    let url;
    try {
      url = new URL(candidate);
    } catch {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    fragment.append(document.createTextNode(text.slice(last, match.index)));
    const a = document.createElement('a');
    a.href = url.href;
    a.target = '_blank';
    a.rel = 'noopener noreferrer';
    a.textContent = candidate;
    fragment.append(a);
    last = match.index + candidate.length;
  }
  fragment.append(document.createTextNode(text.slice(last)));
  return fragment;
}

export class ChatView {
  /**
   * @param {{log: HTMLElement, form: HTMLFormElement, input: HTMLInputElement, send: HTMLButtonElement,
   *          announce: (text: string) => void, onSend: (text: string) => boolean,
   *          onIncoming: () => void}} parts
   */
  constructor(parts) {
    this.parts = parts;
    parts.form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = parts.input.value.trim().slice(0, MAX_CHAT_CHARS);
      if (!text) return;
      if (parts.onSend(text)) {
        this.add('me', text);
        parts.input.value = '';
      } else {
        parts.announce('Chat is not connected yet; your message was not sent.');
      }
    });
  }

  /** Chat works only while the data channel is open. */
  setAvailable(available, peerName) {
    this.parts.input.disabled = !available;
    this.parts.send.disabled = !available;
    this.parts.input.placeholder = available ? `Message ${peerName}` : 'Chat opens when you are connected';
  }

  /** @param {'me'|'peer'} who */
  add(who, text, peerName) {
    const item = document.createElement('li');
    item.className = who === 'me' ? 'chat-me' : 'chat-peer';
    const author = document.createElement('span');
    author.className = 'chat-author';
    author.textContent = who === 'me' ? 'You' : peerName;
    const body = document.createElement('span');
    body.className = 'chat-text';
    body.append(linkify(text));
    item.append(author, body);
    this.parts.log.append(item);
    item.scrollIntoView({ block: 'nearest' });
    if (who === 'peer') {
      this.parts.announce(`${peerName} says: ${text}`);
      this.parts.onIncoming();
    }
  }
}

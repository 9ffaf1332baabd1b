// The "New call" form: two to four names in, one invite link per person out. Where to post comes from /config.json
// (the embedded server's /api/calls, or the CreateCall function in the cloud). Only the site's owner
// creates calls: a server that does not trust this device answers 401, and the form then asks for the
// owner key, which it keeps in this device's localStorage until "Forget this key".
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const KEY_STORAGE = 'videocall.ownerKey';

const form = document.getElementById('new_call');
const errorBox = document.getElementById('form_error');
const linksSection = document.getElementById('links');
const linkList = document.getElementById('link_list');
const expires = document.getElementById('expires');
const keyField = document.getElementById('owner_key_field');
const keyInput = document.getElementById('owner_key');
const keyHint = document.getElementById('owner_key_hint');
const rememberKey = document.getElementById('remember_key');
const keySaved = document.getElementById('key_saved');
const forgetKey = document.getElementById('forget_key');

const createCallUrl = loadCreateCallUrl();

async function loadCreateCallUrl() {
  try {
    const r = await fetch('/config.json', { cache: 'no-cache' });
    const config = r.ok ? await r.json() : {};
    if (typeof config.createCallUrl === 'string') return config.createCallUrl;
  } catch {
    // an older server without /config.json: its own endpoint
  }
  return '/api/calls';
}

function storedKey() {
  try {
    return localStorage.getItem(KEY_STORAGE);
  } catch {
    return null; // storage disabled (private mode): the key is asked for each time
  }
}

function storeKey(key) {
  try {
    if (key) localStorage.setItem(KEY_STORAGE, key);
    else localStorage.removeItem(KEY_STORAGE);
  } catch {
    // storage disabled: nothing is kept
  }
  keySaved.hidden = !storedKey();
}

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function askForKey(message) {
  keyField.hidden = false;
  keyHint.textContent = message;
  keyInput.focus();
}

forgetKey.addEventListener('click', () => {
  storeKey(null);
  keyInput.value = '';
});
keySaved.hidden = !storedKey();

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  errorBox.hidden = true;
  // The first two are needed; the third and fourth only when filled in.
  const users = [form.user_a, form.user_b, form.user_c, form.user_d].map((input) => input.value.trim())
    .filter((name, i) => i < 2 || name);
  if (!users.every((name) => NAME.test(name))) {
    showError('Names must be 1–64 letters, digits, "_" or "-".');
    return;
  }
  if (new Set(users.map((name) => name.toLowerCase())).size !== users.length) {
    showError('Each person needs a name of their own.');
    return;
  }
  const typedKey = keyInput.value.trim();
  const key = typedKey || storedKey();
  const headers = { 'content-type': 'application/json' };
  if (key) headers.authorization = `Bearer ${key}`;
  let response;
  try {
    response = await fetch(await createCallUrl, {
      method: 'POST',
      headers,
      body: JSON.stringify({ users }),
      credentials: 'omit',
    });
  } catch {
    showError('Could not reach the server. Check your connection and try again.');
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (response.status === 401) {
    if (!typedKey && key) storeKey(null); // the saved key is no longer accepted
    askForKey(key ? 'That owner key was not accepted. Check it and try again.'
      : 'Only the site\'s owner creates calls. Enter the owner key: it is printed when the server starts, or shown by terraform output -raw owner_key.');
    return;
  }
  if (response.status === 429) {
    const wait = response.headers.get('retry-after');
    showError(`Too many new calls just now. Try again${wait ? ` in ${wait} seconds` : ' in a minute'}.`);
    return;
  }
  if (!response.ok) {
    showError(body?.error?.message ?? `The server refused (${response.status}).`);
    return;
  }
  if (typedKey) {
    storeKey(rememberKey.checked ? typedKey : null);
    keyInput.value = '';
    keyField.hidden = true;
  }
  renderLinks(body);
});

function renderLinks({ links, expiresAt }) {
  linkList.replaceChildren();
  for (const [name, url] of Object.entries(links)) {
    const item = document.createElement('li');
    const title = document.createElement('strong');
    title.textContent = `Link for ${name}`;
    const text = document.createElement('span');
    text.className = 'url';
    text.textContent = url;
    const copy = document.createElement('button');
    copy.type = 'button';
    copy.textContent = 'Copy';
    copy.setAttribute('aria-label', `Copy the link for ${name}`);
    copy.addEventListener('click', async () => {
      try {
        await navigator.clipboard.writeText(url);
        copy.textContent = 'Copied';
      } catch {
        copy.textContent = 'Select and copy the link above';
      }
    });
    const open = document.createElement('a');
    open.href = url;
    open.target = '_blank';
    open.rel = 'noopener';
    open.textContent = `Open as ${name}`;
    item.append(title, text, copy, open);
    linkList.append(item);
  }
  expires.textContent = `The links work until ${new Date(expiresAt).toLocaleString()}.`;
  linksSection.hidden = false;
}

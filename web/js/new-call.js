// The "New call" form: two names in, two invite links out (POST /api/calls).
const NAME = /^[A-Za-z0-9_-]{1,64}$/;

const form = document.getElementById('new_call');
const errorBox = document.getElementById('form_error');
const linksSection = document.getElementById('links');
const linkList = document.getElementById('link_list');
const expires = document.getElementById('expires');

function showError(message) {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  errorBox.hidden = true;
  const a = form.user_a.value.trim();
  const b = form.user_b.value.trim();
  if (!NAME.test(a) || !NAME.test(b)) {
    showError('Names must be 1–64 letters, digits, "_" or "-".');
    return;
  }
  if (a.toLowerCase() === b.toLowerCase()) {
    showError('The two names must differ.');
    return;
  }
  let response;
  try {
    response = await fetch('/api/calls', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ users: [a, b] }),
    });
  } catch {
    showError('Could not reach the server. Check your connection and try again.');
    return;
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    showError(body?.error?.message ?? `The server refused (${response.status}).`);
    return;
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

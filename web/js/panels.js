// The side panels (chat, settings): one open at a time; Escape or the close button closes the panel
// and gives focus back to its button. Also the chat button's unread count.

/** @param {{settingsFocus: () => HTMLElement}} parts */
export function setupPanels({ settingsFocus }) {
  const $ = (id) => document.getElementById(id);
  const panels = [
    { panel: $('chat_panel'), toggle: $('chat_toggle'), close: $('chat_close'), focus: () => $('chat_input') },
    { panel: $('settings_panel'), toggle: $('settings_toggle'), close: $('settings_close'), focus: settingsFocus },
  ];
  const chat = panels[0];
  let unread = 0;

  function setUnread(n) {
    unread = n;
    const badge = $('chat_unread');
    badge.hidden = n === 0;
    badge.textContent = String(n);
    chat.toggle.setAttribute('aria-label', n ? `Chat, ${n} unread` : 'Chat');
  }

  function setPanel(target, open) {
    for (const p of panels) {
      const isOpen = p === target && open;
      p.panel.hidden = !isOpen;
      p.toggle.setAttribute('aria-expanded', String(isOpen));
    }
    document.body.dataset.panel = open ? target.panel.id : '';
    if (open) {
      const el = target.focus();
      (el.disabled ? target.close : el).focus();
      if (target === chat) setUnread(0);
    }
  }

  function closeAndReturn(p) {
    setPanel(p, false);
    p.toggle.focus();
  }

  for (const p of panels) {
    p.toggle.addEventListener('click', () => setPanel(p, p.panel.hidden));
    p.close.addEventListener('click', () => closeAndReturn(p));
    p.panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') closeAndReturn(p);
    });
  }

  return {
    /** A chat message arrived: counted while the chat panel is closed. */
    noteIncoming() {
      if (chat.panel.hidden) setUnread(unread + 1);
    },
  };
}

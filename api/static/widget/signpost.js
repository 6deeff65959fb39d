/* Signpost chat widget. Plain ES2017, no build step, no globals.
 *
 * Embed: <script src="https://<api>/widget/signpost.js" data-area="warwickshire" async></script>
 * Optional: data-language (the default; people can pick another), data-colour, data-text-colour,
 * data-exit-url, data-position (left|right).
 *
 * It leaves no trace: no cookies, localStorage or IndexedDB; the live conversation sits in
 * sessionStorage (so a reload in the same tab continues) and is wiped by Exit and End chat.
 * It never touches the host page's title, address or history, except that Exit replaces the
 * page with location.replace. Server text is only ever set as text, never as HTML.
 *
 * The gateway serving this file replaces the placeholders below with JSON: the English
 * strings (locales/widget.en.yml), the national helplines (actions/data/) and the offered
 * languages (locales/languages.yml). Another language's strings are fetched from
 * /widget/strings/<code>.json before the widget appears; English stays as the fallback, so
 * the widget and its quick exit work with no network. */
(() => {
  'use strict';
  const STRINGS = /*SIGNPOST_STRINGS*/{};
  const HELPLINES = /*SIGNPOST_NATIONAL_HELPLINES*/[];
  const LANGUAGES = /*SIGNPOST_LANGUAGES*/[]; // [code, name in itself, direction]

  const script = document.currentScript || document.querySelector('script[src*="/widget/signpost.js"]');
  if (!script) return;
  const api = new URL(script.src, location.href).origin;
  const data = script.dataset;

  const KEY = 'signpost.chat';
  const TIMEOUT_MS = 8000;
  const SHIFT_WINDOW_MS = 5000;
  const DEFAULT_EXIT = 'https://www.bbc.co.uk/weather';
  const DEFAULT_COLOUR = '#5f2d91';
  const SAFETY_URL = 'https://www.nationaldahelpline.org.uk/';
  const HEADLINE_CATEGORIES = ['domestic_abuse', 'sexual_violence', 'stalking', 'honour_based_abuse', 'fgm'];

  // ---- configuration, from data attributes only ----
  const httpUrl = (value) => {
    try {
      const url = new URL(String(value), location.href);
      return /^https?:$/.test(url.protocol) ? url.href : null;
    } catch (e) {
      return null;
    }
  };
  const area = /^[a-z][a-z-]{0,62}$/.test(data.area || '') ? data.area : null;
  const offered = (code) => LANGUAGES.find((l) => l[0] === String(code || '').split('-')[0].toLowerCase());
  const dirOf = (code) => (offered(code) || [0, 0, 'ltr'])[2];
  let language = 'en'; // chosen at the start, below
  let words = STRINGS;
  let reviewed = true;
  const exitUrl = (data.exitUrl && httpUrl(data.exitUrl)) || DEFAULT_EXIT;
  const councilUrl = (data.councilUrl && httpUrl(data.councilUrl)) || null;
  const position = data.position === 'left' ? 'left' : 'right';

  const hex = (value) => {
    const v = String(value || '').trim().toLowerCase();
    if (/^#[0-9a-f]{3}$/.test(v)) return '#' + v[1] + v[1] + v[2] + v[2] + v[3] + v[3];
    return /^#[0-9a-f]{6}$/.test(v) ? v : null;
  };
  const luminance = (colour) => {
    const n = parseInt(colour.slice(1), 16);
    return [16, 8, 0].map((shift, i) => {
      const c = ((n >> shift) & 255) / 255;
      return (c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4)) * [0.2126, 0.7152, 0.0722][i];
    }).reduce((a, b) => a + b, 0);
  };
  const contrast = (a, b) => {
    const x = luminance(a);
    const y = luminance(b);
    return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
  };
  // The partner's colour, with text that reaches 4.5:1 on it: their text colour, white,
  // near-black or black (one of the last two always does); otherwise the default colour.
  let primary = hex(data.colour || data.color) || DEFAULT_COLOUR;
  let onPrimary = [hex(data.textColour || data.textColor), '#ffffff', '#0b0c0c', '#000000']
    .find((c) => c && contrast(primary, c) >= 4.5);
  if (!onPrimary) {
    primary = DEFAULT_COLOUR;
    onPrimary = '#ffffff';
  }

  // ---- words ----
  const t = (key, values) => {
    const s = typeof words[key] === 'string' ? words[key] : STRINGS[key];
    if (typeof s !== 'string') return key;
    return s.replace(/%\{(\w+)\}/g, (m, name) => (values && name in values ? String(values[name]) : m));
  };

  // ---- DOM helpers: text only, never innerHTML, never a style attribute ----
  const h = (tag, attrs, ...children) => {
    const node = document.createElement(tag);
    for (const name of Object.keys(attrs || {})) {
      const value = attrs[name];
      if (value === false || value === null || value === undefined) continue;
      if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : value);
    }
    for (const child of children) if (child !== null && child !== undefined) node.append(child);
    return node;
  };
  const externalLink = (href, text) => h('a', {href, target: '_blank', rel: 'noopener noreferrer'}, text);

  const digits = (number) => String(number).replace(/[^\d+]/g, '').replace(/^\+44/, '0');
  const knownPhones = (services) => {
    const phones = {};
    for (const s of (Array.isArray(services) ? services : []).concat(HELPLINES)) {
      for (const p of (s && s.phones) || []) if (p && p.number) phones[digits(p.number)] = p.type;
    }
    return phones;
  };
  // http(s) addresses; UK numbers (0 and 7-10 more digits, or +44); 999 and 116 xxx.
  const LINKS = /(https?:\/\/[^\s<>"']+)|((?:\+44\s?|\b0)\d(?:[ -]?\d){6,9}(?!\d)|\b(?:999|116 ?\d{3})\b)/g;
  const linkify = (text, phones) => {
    const out = [];
    let last = 0;
    let m;
    let emergency = false; // 999 is linked once a message: "call 999", not "999 BSL" or "text 999"
    LINKS.lastIndex = 0;
    while ((m = LINKS.exec(text))) {
      let found = m[0];
      let link;
      if (m[1]) {
        found = found.replace(/[.,;:!?)\]]+$/, '');
        link = externalLink(found, found);
      } else {
        const number = digits(found);
        link = number === '999' && emergency ? found
          : h('a', {href: (phones[number] === 'text' ? 'sms:' : 'tel:') + number, dir: 'ltr'}, found);
        emergency = emergency || number === '999';
      }
      out.push(text.slice(last, m.index), link);
      last = m.index + found.length;
      LINKS.lastIndex = last;
    }
    out.push(text.slice(last));
    return out;
  };

  // ---- state ----
  let w = null; // the mounted widget
  let epoch = 0; // bumped by every wipe, so late replies are dropped

  const stored = () => {
    try {
      const saved = JSON.parse(sessionStorage.getItem(KEY) || 'null');
      return saved && Array.isArray(saved.items) ? saved : null;
    } catch (e) {
      return null;
    }
  };
  const save = () => {
    try {
      sessionStorage.setItem(KEY, JSON.stringify({id: w.id, area, language, used: w.used, items: w.items,
        expires: w.expires}));
    } catch (e) { /* storage full or blocked: the chat still works in this page */ }
  };
  const forget = () => {
    try {
      sessionStorage.removeItem(KEY);
    } catch (e) { /* nothing stored */ }
  };

  const sessionPath = (id) => api + '/chat/sessions/' + encodeURIComponent(id);
  const call = async (method, url, body) => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), TIMEOUT_MS);
    try {
      const response = await fetch(url, {
        method, signal: controller.signal, credentials: 'omit', referrerPolicy: 'no-referrer',
        cache: method === 'GET' ? 'default' : 'no-store',
        headers: body ? {'Content-Type': 'application/json'} : {}, body: body ? JSON.stringify(body) : undefined,
      });
      let json = null;
      try {
        json = await response.json();
      } catch (e) { /* 204, or not JSON */ }
      return {status: response.status, data: json};
    } catch (e) {
      return {status: 0, data: null}; // offline, refused or timed out
    } finally {
      clearTimeout(timer);
    }
  };
  // Quick exit must reach the server even as the page goes: a beacon (POST .../end) and a
  // keepalive DELETE; either is enough.
  const endOnServer = (id, quick) => {
    if (!id) return;
    try {
      if (navigator.sendBeacon) navigator.sendBeacon(sessionPath(id) + '/end' + (quick ? '?exit=quick' : ''));
    } catch (e) { /* blocked */ }
    try {
      fetch(sessionPath(id), {method: 'DELETE', keepalive: true, credentials: 'omit', referrerPolicy: 'no-referrer'})
        .catch(() => {});
    } catch (e) { /* blocked */ }
  };

  // ---- messages ----
  const firstSentence = (text) => {
    const m = /^[\s\S]*?[.!?](\s|$)/.exec(text);
    return (m ? m[0] : text).trim();
  };
  // A phone number always reads left to right: in Urdu or Arabic text "0800 408 1552" would
  // otherwise show its groups in reverse order.
  const withNumber = (key, number) => {
    const [before, after] = t(key, {number: '\u0001'}).split('\u0001');
    return [before, h('bdi', {dir: 'ltr'}, number), after];
  };
  const card = (s) => {
    const links = [];
    for (const p of s.phones || []) {
      if (!p || !p.number) continue;
      const key = p.type === 'text' ? 'text_number' : p.type === 'textphone' ? 'textphone_number' : 'call_number';
      links.push(h('a', {class: 'sp-contact', href: (p.type === 'text' ? 'sms:' : 'tel:') + digits(p.number)},
        ...withNumber(key, String(p.number))));
    }
    const url = s.url && httpUrl(s.url);
    if (url && /^https?:\/\//i.test(s.url)) {
      const link = externalLink(url, new URL(url).hostname.replace(/^www\./, ''));
      link.className = 'sp-contact';
      links.push(link);
    }
    const open = s.open_now === true ? h('strong', {class: 'sp-tag sp-open'}, t('open_now'))
      : s.open_now === false ? h('strong', {class: 'sp-tag sp-closed'}, t('closed_now')) : null;
    return h('li', {class: 'sp-card'},
      // The directory's own words are English: laid out as English inside Urdu or Arabic.
      h('h3', {class: 'sp-card-name', dir: 'auto'}, String(s.name)),
      s.description ? h('p', {dir: 'auto'}, firstSentence(String(s.description))) : null,
      links.length ? h('p', {class: 'sp-contacts'}, ...links) : null,
      s.hours || open ? h('p', {class: 'sp-hours'}, s.hours ? h('span', {dir: 'auto'}, String(s.hours)) : '', s.hours ? ' ' : '', open) : null);
  };
  const cards = (services) => {
    const list = (Array.isArray(services) ? services : []).filter((s) => s && s.name);
    return list.length ? h('ul', {class: 'sp-cards'}, ...list.map(card)) : null;
  };
  const choices = (buttons) => {
    const list = (Array.isArray(buttons) ? buttons : []).filter((b) => b && b.title);
    if (!list.length) return null;
    return h('div', {class: 'sp-choices', role: 'group', 'aria-label': t('choices_label')},
      ...list.map((b) => h('button', {type: 'button', class: 'sp-button sp-choice', onclick: () => choose(b)}, String(b.title))));
  };
  // One national line per kind of abuse, as the action server's fallback picks them, then
  // the lines for everyone (Samaritans).
  const headline = () => {
    const picked = [];
    for (const category of HEADLINE_CATEGORIES) {
      const lines = HELPLINES.filter((s) => s && (s.categories || []).includes(category) &&
        !(s.eligibility || {}).audience && (s.phones || []).length);
      lines.sort((a, b) => a.categories.length - b.categories.length ||
        Number(!(a.needs || []).includes('helpline')) - Number(!(b.needs || []).includes('helpline')) ||
        a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
      if (lines[0] && !picked.includes(lines[0])) picked.push(lines[0]);
    }
    return picked.concat(HELPLINES.filter((s) => s && !(s.categories || []).length &&
      !(s.eligibility || {}).audience && (s.phones || []).length));
  };
  // `text` always carries a readable copy of the services; with cards, keep only what comes
  // before the first line naming one of them.
  const beforeCards = (text, services) => {
    const names = (Array.isArray(services) ? services : []).map((s) => String((s && s.name) || '')).filter(Boolean);
    if (!names.length) return text;
    const lines = text.split('\n');
    const first = lines.findIndex((line) => names.some((name) => line.includes(name)));
    return first < 0 ? text : lines.slice(0, first).join('\n').trim();
  };
  const said = (key) => h('span', {class: 'sp-vh'}, t(key) + ' ');
  const messageNode = (item) => {
    if (item.who === 'you') {
      return h('div', {class: 'sp-msg sp-you'}, said('you_said'), h('p', {class: 'sp-text', dir: 'auto'}, String(item.text)));
    }
    if (item.who === 'fallback') {
      return h('div', {class: 'sp-msg sp-bot sp-fallback'}, said('bot_said'),
        h('p', {class: 'sp-text'}, t('fallback_intro')),
        h('p', {class: 'sp-text sp-emergency'}, ...linkify(t('fallback_emergency'), knownPhones([]))),
        cards(headline()));
    }
    const m = item.m || {};
    const danger = m.kind === 'danger';
    const text = beforeCards(String(m.text || ''), m.services);
    return h('div', {class: 'sp-msg sp-bot' + (danger ? ' sp-danger' : '')}, said('bot_said'),
      danger ? h('h3', {class: 'sp-danger-heading'}, t('danger_heading')) : null,
      text ? h('p', {class: 'sp-text'}, ...linkify(text, knownPhones(m.services))) : null,
      cards(m.services), choices(m.buttons));
  };
  // Each message is built whole, then appended once: the log announces it once.
  const append = (items) => {
    let first = null;
    for (const item of items) {
      const node = messageNode(item);
      w.items.push(item);
      w.log.append(node);
      first = first || node;
    }
    save();
    if (first) reveal(first, items[0].who === 'you');
  };
  // The start of a reply, or the end after the person's own words, in the log or the panel.
  const reveal = (node, toEnd) => {
    const box = getComputedStyle(w.log).overflowY === 'visible' ? w.panel : w.log;
    if (toEnd) box.scrollTop = box.scrollHeight;
    else if (box === w.log) box.scrollTop = node.offsetTop - 8; // the log is the offset parent
    else node.scrollIntoView({block: 'start'});
  };
  const usable = (m) => m && (m.text || (m.buttons || []).length || (m.services || []).length);
  const showBot = (messages) => append(messages.map((m) => ({who: 'bot',
    m: {text: m.text || '', buttons: m.buttons || [], kind: m.kind || null, services: m.services || []}})));
  const showFallback = () => append([{who: 'fallback'}]);
  // A reply, or when there is none (nothing usable, or degraded without the gateway's own
  // fallback), the national helplines: never a dead end.
  const showReply = (d) => {
    const messages = (Array.isArray(d.messages) ? d.messages : []).filter(usable);
    if (messages.length) showBot(messages);
    else showFallback();
  };
  const busy = (on) => {
    w.status.hidden = !on;
  };

  // A new session; if the gateway refuses this page's area or language (a typo in the
  // embed), one without them rather than no conversation at all.
  const create = async () => {
    const start = {area, language};
    if (councilUrl) start.council_url = councilUrl;
    const r = await call('POST', api + '/chat/sessions', start);
    return r.status === 422 ? call('POST', api + '/chat/sessions', {}) : r;
  };
  const created = (r) => {
    if (!(r.status === 201 && r.data && typeof r.data.session_id === 'string')) return false;
    w.id = r.data.session_id;
    touch(r.data.expires_in);
    return true;
  };
  // Kept no longer than the gateway keeps the conversation (30 minutes after the last message).
  const touch = (seconds) => {
    w.ttl = seconds > 0 ? seconds * 1000 : w.ttl;
    w.expires = Date.now() + w.ttl;
    save();
  };
  const startSession = async () => {
    const my = epoch;
    busy(true);
    const r = await create();
    if (my !== epoch) return;
    busy(false);
    if (created(r)) {
      showReply(r.data);
    } else {
      showFallback();
    }
  };
  const deliver = async (body) => {
    const my = epoch;
    busy(true);
    let r = w.id ? await call('POST', sessionPath(w.id) + '/messages', body) : {status: 404};
    if (r.status === 404 && my === epoch) { // expired or unknown: carry on in a new session
      const started = await create();
      if (my !== epoch) return;
      r = created(started) ? await call('POST', sessionPath(w.id) + '/messages', body) : started;
    }
    if (my !== epoch) return;
    busy(false);
    if (r.status === 200 && r.data) touch();
    if (r.status === 200 && r.data) showReply(r.data);
    else showFallback(); // offline, timed out, 5xx or 429: the national helplines, never an error
  };
  const queue = (task) => {
    w.queue = w.queue.then(task).catch(() => {});
  };

  const send = (body, shown) => {
    for (const group of w.log.querySelectorAll('.sp-choices')) group.remove();
    for (const item of w.items) if (item.m) item.m.buttons = [];
    if (!w.used) {
      w.used = true;
      w.notice.hidden = true;
    }
    append([{who: 'you', text: shown}]);
    queue(() => deliver(body));
  };
  const choose = (button) => {
    const payload = String(button.payload || '');
    send(/^\//.test(payload) ? {payload} : {text: String(button.title)}, String(button.title));
    // The chosen button is gone: keep focus in the chat without raising a phone's keyboard.
    (window.matchMedia && matchMedia('(pointer: coarse)').matches ? w.log : w.input).focus();
  };

  // ---- language ----
  // Another language's words, or English when they cannot be fetched: never no widget.
  const loadWords = async (code) => {
    words = STRINGS;
    reviewed = true;
    if (code === 'en') return code;
    const r = await call('GET', api + '/widget/strings/' + code + '.json');
    if (r.status !== 200 || !r.data || typeof r.data.strings !== 'object') return 'en';
    words = r.data.strings;
    reviewed = r.data.reviewed !== false;
    return code;
  };
  // A new conversation in the chosen language; the current one is deleted, as End chat does.
  const changeLanguage = async (code) => {
    if (!offered(code) || code === language) return;
    const id = w && w.id;
    if (id) fetch(sessionPath(id), {method: 'DELETE', keepalive: true, credentials: 'omit', referrerPolicy: 'no-referrer'}).catch(() => {});
    wipe();
    language = await loadWords(code);
    mount();
    openPanel();
  };

  // ---- open, close, end ----
  const openPanel = () => {
    w.panel.hidden = false;
    w.bar.hidden = true;
    w.launcher.setAttribute('aria-expanded', 'true');
    if (w.items.length) reveal(null, true); // a conversation carried over from another page: its end
    w.title.focus();
    if (!w.id && !w.items.length && !w.ended) queue(startSession);
  };
  const closePanel = () => {
    w.panel.hidden = true;
    w.bar.hidden = false;
    w.launcher.setAttribute('aria-expanded', 'false');
    w.launcher.focus();
  };
  const askEnd = () => {
    w.endButton.hidden = true;
    w.confirm.hidden = false;
    w.confirm.focus();
  };
  const keepChatting = () => {
    w.confirm.hidden = true;
    w.endButton.hidden = false;
    w.endButton.focus();
  };
  const endChat = () => {
    const id = w.id;
    epoch++;
    forget();
    if (id) fetch(sessionPath(id), {method: 'DELETE', keepalive: true, credentials: 'omit', referrerPolicy: 'no-referrer'}).catch(() => {});
    w.id = null;
    w.items = [];
    w.used = false;
    w.expires = 0;
    w.queue = Promise.resolve();
    w.log.textContent = '';
    busy(false);
    w.confirm.hidden = true;
    w.endButton.hidden = false;
    w.ended = true;
    w.panel.classList.add('sp-is-ended');
    w.goodbyeText.focus();
  };
  const restart = () => {
    w.ended = false;
    w.panel.classList.remove('sp-is-ended');
    w.notice.hidden = false;
    w.title.focus();
    queue(startSession);
  };

  // ---- quick exit ----
  const wipe = () => {
    epoch++;
    forget();
    if (w) {
      w.log.textContent = '';
      w.host.remove();
      w = null;
    }
  };
  const quickExit = (event) => {
    if (event && event.preventDefault) event.preventDefault();
    const overlay = document.createElement('div');
    overlay.setAttribute('data-signpost-overlay', '');
    Object.assign(overlay.style, { // CSSOM, allowed by a style-src 'self' policy
      position: 'fixed', top: '0', left: '0', width: '100%', height: '100%', margin: '0', padding: '1em',
      boxSizing: 'border-box', zIndex: '2147483647', background: '#ffffff', color: '#0b0c0c',
      display: 'flex', alignItems: 'center', justifyContent: 'center', font: '16px Arial, sans-serif',
    });
    overlay.textContent = t('exit_loading');
    (document.body || document.documentElement).append(overlay);
    const saved = stored();
    const id = (w && w.id) || (saved && saved.id);
    wipe();
    endOnServer(id, 1);
    location.replace(exitUrl);
  };

  // Shift pressed three times within 5 seconds, anywhere on the page (GOV.UK's Exit this page).
  let presses = 0;
  let firstPress = 0;
  let pressTimer = 0;
  const showPresses = (count, message) => {
    if (!w) return;
    w.root.classList.remove('sp-p1', 'sp-p2');
    if (count) w.root.classList.add('sp-p' + count);
    w.progress.textContent = message;
  };
  const resetPresses = (expired) => {
    const counting = presses > 0;
    presses = 0;
    clearTimeout(pressTimer);
    if (counting) showPresses(0, expired ? t('exit_expired') : '');
  };
  window.addEventListener('keydown', (event) => {
    if (!w) return;
    if (event.key !== 'Shift') { // Shift+A is typing a capital, not an exit
      if (presses) resetPresses(false);
      return;
    }
    if (event.repeat) return;
    const now = Date.now();
    if (presses && now - firstPress > SHIFT_WINDOW_MS) resetPresses(false);
    if (!presses) firstPress = now;
    presses += 1;
    if (presses >= 3) {
      resetPresses(false);
      quickExit();
      return;
    }
    showPresses(presses, t(presses === 1 ? 'exit_two_more' : 'exit_one_more'));
    clearTimeout(pressTimer);
    pressTimer = setTimeout(() => resetPresses(true), SHIFT_WINDOW_MS - (now - firstPress));
  }, true);

  // Back or Forward into a page kept in the back/forward cache: never show what was there.
  window.addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    for (const overlay of document.querySelectorAll('[data-signpost-overlay]')) overlay.remove();
    const saved = stored();
    const id = (w && w.id) || (saved && saved.id);
    wipe();
    endOnServer(id);
    start(); // in the page's own language: nothing shows what was chosen here
  });

  // ---- build ----
  const exitButton = () => h('button', {type: 'button', class: 'sp-button sp-exit', onclick: quickExit}, t('exit'),
    h('span', {class: 'sp-dots', 'aria-hidden': 'true'}, h('span'), h('span'), h('span')));

  // Reached by Back or Forward, or a closed tab reopened (which brings its sessionStorage
  // back): never show the conversation that was here. A reload carries on.
  const nav = performance.getEntriesByType ? performance.getEntriesByType('navigation')[0] : null;
  let cameBack = Boolean(nav && nav.type === 'back_forward');

  function mount() {
    if (w || document.querySelector('signpost-widget')) return;
    const host = document.createElement('signpost-widget');
    host.style.display = 'none'; // until the stylesheet has loaded
    const shadow = host.attachShadow({mode: 'open'});
    const stylesheet = h('link', {rel: 'stylesheet', href: api + '/widget/signpost.css'});
    const reveal = () => host.style.removeProperty('display');
    stylesheet.addEventListener('load', reveal);
    stylesheet.addEventListener('error', reveal);

    const launcher = h('button', {type: 'button', class: 'sp-button sp-launcher', 'aria-expanded': 'false',
      'aria-controls': 'sp-panel', onclick: () => openPanel()}, t('launcher'));
    const bar = h('div', {class: 'sp-bar'}, exitButton(), launcher);
    const title = h('h2', {class: 'sp-title', id: 'sp-title', tabindex: '-1'}, t('title'));
    const notice = h('p', {class: 'sp-notice'}, t('history_notice') + ' ', externalLink(SAFETY_URL, t('history_link')));
    const picker = h('select', {class: 'sp-select', id: 'sp-language'},
      ...LANGUAGES.map((l) => h('option', {value: l[0], lang: l[0], dir: l[2], selected: l[0] === language}, l[1])));
    const languages = h('div', {class: 'sp-languages'},
      h('label', {class: 'sp-label', for: 'sp-language'}, t('language_label'), language === 'en' ? null : h('span', {lang: 'en'}, ' (Language)')),
      h('div', {class: 'sp-row'}, picker,
        h('button', {type: 'button', class: 'sp-button sp-secondary', onclick: () => changeLanguage(picker.value)}, t('language_change'))),
      reviewed ? null : h('p', {class: 'sp-unreviewed'}, t('unreviewed')));
    const log = h('div', {class: 'sp-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions',
      'aria-label': t('log_label'), tabindex: '0'});
    const status = h('p', {class: 'sp-status', 'aria-hidden': 'true', hidden: true}, t('replying'));
    const input = h('input', {class: 'sp-input', id: 'sp-input', type: 'text', maxlength: '1000',
      autocomplete: 'off', spellcheck: 'false', enterkeyhint: 'send'});
    const form = h('form', {class: 'sp-form', autocomplete: 'off', onsubmit: (event) => {
      event.preventDefault();
      const text = input.value.trim().slice(0, 1000);
      if (!text) return input.focus();
      input.value = '';
      send({text}, text);
    }},
    h('label', {class: 'sp-label', for: 'sp-input'}, t('input_label')),
    h('div', {class: 'sp-row'}, input, h('button', {type: 'submit', class: 'sp-button sp-send'}, t('send'))));
    const endButton = h('button', {type: 'button', class: 'sp-link', onclick: askEnd}, t('end'));
    const confirm = h('div', {class: 'sp-confirm', role: 'group', 'aria-labelledby': 'sp-confirm-q', tabindex: '-1', hidden: true},
      h('p', {id: 'sp-confirm-q'}, t('end_confirm')),
      h('button', {type: 'button', class: 'sp-button sp-exit', onclick: endChat}, t('end_yes')),
      h('button', {type: 'button', class: 'sp-button sp-secondary', onclick: keepChatting}, t('end_no')));
    const goodbyeText = h('p', {class: 'sp-text', tabindex: '-1'}, ...linkify(t('ended'), {}));
    const goodbye = h('div', {class: 'sp-goodbye'}, goodbyeText,
      h('button', {type: 'button', class: 'sp-button sp-secondary', onclick: restart}, t('new_chat')));
    const head = h('div', {class: 'sp-head'}, title, exitButton(),
      h('button', {type: 'button', class: 'sp-button sp-secondary sp-close', onclick: closePanel}, h('span', {}, t('close'))));
    const panel = h('div', {class: 'sp-panel', id: 'sp-panel', hidden: true}, head,
      notice, languages, log, status, form, h('div', {class: 'sp-foot'}, endButton, confirm), goodbye);
    const progress = h('p', {class: 'sp-vh', 'aria-live': 'polite'});
    const root = h('aside', {class: 'sp sp-' + position, lang: language, dir: dirOf(language), 'aria-label': t('region_label')},
      bar, panel, progress);
    root.style.setProperty('--sp-primary', primary);
    root.style.setProperty('--sp-on-primary', onPrimary);
    root.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !panel.hidden) {
        event.preventDefault();
        closePanel();
      }
    });
    shadow.append(stylesheet, root);
    if (window.ResizeObserver) new ResizeObserver(() => root.style.setProperty('--sp-head', head.offsetHeight + 'px')).observe(head);

    w = {host, root, bar, launcher, panel, title, notice, log, status, input, endButton, confirm, goodbyeText,
      progress, id: null, items: [], used: false, ended: false, queue: Promise.resolve(), ttl: 1800000, expires: 0};
    const saved = stored();
    if (saved && cameBack) {
      forget();
      endOnServer(saved.id);
    } else if (saved && !(saved.expires > Date.now())) { // the gateway has forgotten it: so does the tab
      forget();
    } else if (saved && saved.area === area && saved.language === language) {
      w.expires = saved.expires;
      w.id = typeof saved.id === 'string' ? saved.id : null;
      w.used = Boolean(saved.used);
      for (const item of saved.items) {
        w.items.push(item);
        log.append(messageNode(item)); // the panel is closed: nothing is announced
      }
    } else if (saved) { // another area's conversation: end it rather than mix the two
      forget();
      endOnServer(saved.id);
    }
    notice.hidden = w.used;
    cameBack = false;
    document.body.append(host);
  }

  // The person's own pick in this tab (unless they came back to this page), else the
  // page's default, else English.
  function start() {
    const saved = cameBack ? null : stored();
    return loadWords((offered((saved || {}).language) || offered(data.language) || ['en'])[0]).then((code) => {
      language = code;
      mount();
    });
  }
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
})();

/*
  static/app.js -- the site's behaviour, copied verbatim to assets/app.js.
  Reads window.NIIC_PROGRAM (assets/program-data.js). No network access, no innerHTML:
  every text from the program is inserted with textContent. Its words come from
  NIIC_PROGRAM.labels, in the edition's language ({name} placeholders filled in here).
    - stars: toggle a session in the personal agenda, kept in localStorage
    - filter: track, format, language (every session a person can follow: spoken in it or
      interpreted into it, data-langs), free text, "only my agenda"; hides what does not match
    - agenda page: the starred sessions by day, overlaps flagged
    - .ics export of the starred sessions, made in the browser
*/
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.remove('no-js');
  root.classList.add('js');

  var DATA = window.NIIC_PROGRAM || { conference: {}, sessions: {}, order: [], days: [] };
  var CONF = DATA.conference || {};
  var KEY = CONF.key || 'niic-sched:agenda';
  var LABELS = DATA.labels || {};
  var memory = [];

  // a word of the edition's language, its {name} placeholders filled in
  function say(key, fallback, values) {
    var text = typeof LABELS[key] === 'string' ? LABELS[key] : fallback;
    Object.keys(values || {}).forEach(function (k) { text = text.split('{' + k + '}').join(String(values[k])); });
    return text;
  }

  function loadStarred() {
    var raw = null;
    try { raw = window.localStorage.getItem(KEY); } catch (e) { return memory.slice(); }
    if (!raw) return [];
    try {
      var ids = JSON.parse(raw);
      return Array.isArray(ids) ? ids.filter(function (id) { return typeof id === 'string'; }) : [];
    } catch (e) { return []; }
  }
  function saveStarred() {
    var ids = Array.from(starred);
    memory = ids;
    try { window.localStorage.setItem(KEY, JSON.stringify(ids)); } catch (e) { /* private mode: memory only */ }
  }
  var starred = new Set(loadStarred());

  // ---------------------------------------------------------------- stars
  function refreshStars() {
    var buttons = document.querySelectorAll('[data-star]');
    for (var i = 0; i < buttons.length; i++) {
      var b = buttons[i], on = starred.has(b.getAttribute('data-star'));
      b.setAttribute('aria-pressed', on ? 'true' : 'false');
      var icon = b.querySelector('.star-icon');
      if (icon) icon.textContent = on ? '★' : '☆';
      var title = b.getAttribute('data-title') || '';
      b.setAttribute('aria-label', on ? say('remove', 'Remove from my agenda: {title}', { title: title })
        : say('add', 'Add to my agenda: {title}', { title: title }));
      b.title = on ? say('inAgenda', 'In my agenda (select to remove)') : say('addShort', 'Add to my agenda');
    }
    var known = Array.from(starred).filter(function (id) { return DATA.sessions[id]; }).length;
    var counts = document.querySelectorAll('[data-agenda-count]');
    for (var j = 0; j < counts.length; j++) counts[j].textContent = String(known);
  }
  function toggle(id) {
    if (starred.has(id)) starred.delete(id); else starred.add(id);
    saveStarred();
    update();
  }
  document.addEventListener('click', function (ev) {
    var btn = ev.target.closest ? ev.target.closest('[data-star]') : null;
    if (btn) { ev.preventDefault(); toggle(btn.getAttribute('data-star')); return; }
    if (ev.target.closest && ev.target.closest('[data-ics]')) { ev.preventDefault(); exportIcs(); return; }
    if (ev.target.closest && ev.target.closest('[data-clear-agenda]')) {
      ev.preventDefault();
      if (starred.size && window.confirm(say('confirmClear', 'Remove every session from your agenda?'))) { starred.clear(); saveStarred(); update(); }
    }
  });
  window.addEventListener('storage', function (ev) {
    if (ev.key === KEY) { starred = new Set(loadStarred()); update(); }
  });

  // ---------------------------------------------------------------- filter
  var form = document.querySelector('[data-filter]');
  function fold(text) {
    return String(text).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }
  function field(name) { return form ? form.elements.namedItem(name) : null; }
  function applyFilter() {
    if (!form) return;
    var track = field('track').value, format = field('format').value, lang = field('language').value;
    var only = field('starred').checked;
    var words = fold(field('q').value).split(/\s+/).filter(Boolean);
    var items = document.querySelectorAll('[data-session]');
    var shown = 0;
    for (var i = 0; i < items.length; i++) {
      var el = items[i], ok = true;
      if (track && el.getAttribute('data-track') !== track) ok = false;
      if (ok && format && el.getAttribute('data-format') !== format) ok = false;
      if (ok && lang && (' ' + (el.getAttribute('data-langs') || el.getAttribute('data-lang') || '') + ' ').indexOf(' ' + lang + ' ') < 0) ok = false;
      if (ok && only && !starred.has(el.getAttribute('data-session'))) ok = false;
      if (ok && words.length) {
        var hay = el.getAttribute('data-search') || '';
        for (var w = 0; w < words.length; w++) { if (hay.indexOf(words[w]) < 0) { ok = false; break; } }
      }
      el.hidden = !ok;
      if (ok) shown++;
    }
    var groups = document.querySelectorAll('[data-group]');
    for (var g = groups.length - 1; g >= 0; g--) {
      groups[g].hidden = !groups[g].querySelector('[data-session]:not([hidden])');
    }
    var rows = document.querySelectorAll('[data-row]');
    for (var r = 0; r < rows.length; r++) {
      rows[r].classList.toggle('filtered-empty', !rows[r].querySelector('[data-session]:not([hidden])'));
    }
    var active = track || format || lang || only || words.length;
    var status = document.querySelector('[data-filter-status]');
    if (status) {
      status.textContent = active ? say('shown', 'Showing {shown} of {total} sessions.', { shown: shown, total: items.length }) : '';
    }
  }
  if (form) {
    form.addEventListener('input', applyFilter);
    form.addEventListener('change', applyFilter);
    form.addEventListener('submit', function (ev) { ev.preventDefault(); applyFilter(); });
    form.addEventListener('reset', function () { window.setTimeout(applyFilter, 0); });
  }

  // ---------------------------------------------------------------- agenda page
  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function renderAgenda() {
    var box = document.querySelector('[data-agenda]');
    if (!box) return;
    while (box.firstChild) box.removeChild(box.firstChild);
    var ids = (DATA.order || []).filter(function (id) { return starred.has(id); });
    var empty = document.querySelector('[data-agenda-empty]');
    if (empty) empty.hidden = ids.length > 0;
    var byDay = {};
    ids.forEach(function (id) { var s = DATA.sessions[id]; (byDay[s.day] = byDay[s.day] || []).push(id); });
    (DATA.days || []).forEach(function (day) {
      var list = byDay[day.iso];
      if (!list) return;
      var section = el('section', 'agenda-day');
      section.appendChild(el('h2', null, day.label));
      var ul = el('ul', 'lines');
      list.forEach(function (id) {
        var s = DATA.sessions[id];
        var li = el('li', 'session line ' + (s.css || ''));
        li.setAttribute('data-agenda-item', id);
        var when = el('span', 'line-when');
        var range = el('bdi', 'range');
        range.dir = 'ltr';
        range.appendChild(el('time', 'range-start', s.start));
        range.appendChild(document.createTextNode(CONF.rangeSep || '–'));
        range.appendChild(el('time', 'range-end', s.end));
        when.appendChild(range);
        li.appendChild(when);
        var main = el('span', 'line-main');
        var a = el('a', 'line-title', s.title);
        a.href = 'sessions.html#' + s.anchor;
        a.dir = s.dir || 'auto';
        if (s.lang) a.lang = s.lang;
        main.appendChild(a);
        var meta = [s.room, s.track, s.format].concat(s.speakers ? [s.speakers] : []).join(' · ');
        var metaEl = el('span', 'line-meta', meta);
        metaEl.dir = 'auto';
        main.appendChild(metaEl);
        li.appendChild(main);
        var b = el('button', 'star');
        b.type = 'button';
        b.setAttribute('data-star', id);
        b.setAttribute('data-title', s.title);
        b.setAttribute('aria-label', say('remove', 'Remove from my agenda: {title}', { title: s.title }));
        b.appendChild(el('span', 'star-icon', '★'));
        b.querySelector('.star-icon').setAttribute('aria-hidden', 'true');
        li.appendChild(b);
        var clashes = list.filter(function (other) {
          var o = DATA.sessions[other];
          return other !== id && o.startMin < s.endMin && s.startMin < o.endMin;
        });
        if (clashes.length) {
          li.appendChild(el('p', 'conflict', say('overlaps', 'Overlaps with: {titles}', { titles: clashes.map(function (c) { return DATA.sessions[c].title; }).join('; ') })));
        }
        ul.appendChild(li);
      });
      section.appendChild(ul);
      box.appendChild(section);
    });
  }

  // ---------------------------------------------------------------- .ics export
  function icsText(value) {
    return String(value).replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
  }
  function foldLine(line) {
    // RFC 5545: lines of at most 75 octets, continued with CRLF + one space; never split a character
    var out = [], current = '', bytes = 0, limit = 75;
    for (var ch of line) {
      var n = new TextEncoder().encode(ch).length;
      if (bytes + n > limit) { out.push(current); current = ' '; bytes = 1; limit = 75; }
      current += ch;
      bytes += n;
    }
    out.push(current);
    return out.join('\r\n');
  }
  function stampNow() {
    return new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  }
  function buildIcs(ids) {
    // UID and URL are the ones schedule.ics gives each session (written by niic-sched into
    // program-data.js), so importing both calendars gives every session once
    var lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//niic-sched//personal agenda//EN', 'CALSCALE:GREGORIAN',
      'METHOD:PUBLISH', 'X-WR-CALNAME:' + icsText(CONF.name || 'Program')];
    var now = stampNow();
    ids.forEach(function (id) {
      var s = DATA.sessions[id];
      var desc = [s.track, s.format].concat(s.speakers ? [say('speakers', 'Speakers: {names}', { names: s.speakers })] : []).join('\n');
      lines.push('BEGIN:VEVENT', 'UID:' + icsText(s.uid || id), 'DTSTAMP:' + now,
        'DTSTART:' + s.utcStart, 'DTEND:' + s.utcEnd, 'SUMMARY:' + icsText(s.title),
        'LOCATION:' + icsText(s.room), 'DESCRIPTION:' + icsText(desc));
      if (s.url && /^https?:\/\//.test(s.url)) lines.push('URL:' + s.url);
      lines.push('END:VEVENT');
    });
    lines.push('END:VCALENDAR');
    return lines.map(foldLine).join('\r\n') + '\r\n';
  }
  function exportIcs() {
    var ids = (DATA.order || []).filter(function (id) { return starred.has(id); });
    if (!ids.length) { window.alert(say('emptyAgenda', 'Your agenda is empty: star sessions first.')); return; }
    var blob = new Blob([buildIcs(ids)], { type: 'text/calendar;charset=utf-8' });
    var a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = ((CONF.acronym || 'program').replace(/[^A-Za-z0-9_-]+/g, '-') || 'program') + '-my-agenda.ics';
    document.body.appendChild(a);
    a.click();
    window.setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }
  function update() {
    refreshStars();
    renderAgenda();
    applyFilter();
  }
  update();
}());

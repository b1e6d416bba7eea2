/**
 * The exchange's web page at /ocx/ (docs/exchange.md "Web page"): plain HTML, one stylesheet, one script, no
 * third-party host and no build step. Kept as strings so `tsc` ships them in dist/ like the rest of the proxy.
 */
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Open Cloud eXchange</title>
<link rel="stylesheet" href="style.css">
<link rel="icon" href="favicon.svg" type="image/svg+xml">
</head>
<body>
<header><h1>Open Cloud eXchange</h1><p id="who" aria-live="polite"></p></header>
<main>
<section id="login-section" aria-labelledby="login-title">
  <h2 id="login-title">Log in</h2>
  <form id="login">
    <label>User name <input name="user" id="user" autocomplete="username" required></label>
    <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
    <label>Project <input name="project" id="project" required></label>
    <label>Domain <input name="domain" id="domain" value="Default" required></label>
    <button type="submit">Log in</button>
  </form>
</section>
<section id="exchange" hidden>
  <h2>Providers</h2>
  <div class="table-wrap"><table id="providers">
    <caption>Offers, prices and live state of each provider</caption>
    <thead><tr><th scope="col">Provider</th><th scope="col">Offer</th><th scope="col">Prices</th><th scope="col">SLA</th><th scope="col">Services</th><th scope="col">State</th></tr></thead>
    <tbody></tbody>
  </table></div>
  <h2>Usage and estimated cost</h2>
  <div class="table-wrap"><table id="usage">
    <caption>This project's resources per provider and their estimated monthly cost</caption>
    <thead><tr><th scope="col">Provider</th><th scope="col">Servers</th><th scope="col">Volumes (GiB)</th><th scope="col">Objects</th><th scope="col">Images</th><th scope="col">Monthly cost</th></tr></thead>
    <tbody></tbody>
  </table></div>
  <p id="usage-note" aria-live="polite"></p>
  <figure><figcaption>Estimated monthly cost per provider</figcaption><div id="chart"></div></figure>
  <h2>Providers this project uses</h2>
  <form id="choice">
    <fieldset><legend>Use these providers</legend><div id="choices"></div></fieldset>
    <button type="submit">Save choice</button>
  </form>
  <p id="choice-status" role="status" aria-live="polite"></p>
  <button type="button" id="logout">Log out</button>
</section>
<p id="error" role="alert"></p>
</main>
<script src="app.js"></script>
</body>
</html>
`;

export const STYLE_CSS = `body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fafafa}
header{background:#17324d;color:#fff;padding:.8rem 1.5rem}header h1{margin:0;font-size:1.4rem}
main{padding:1rem 1.5rem;max-width:72rem}
label{display:block;margin:.4rem 0}input{margin-left:.5rem;padding:.25rem}
button{padding:.4rem .9rem;margin:.5rem 0;cursor:pointer}
.table-wrap{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #ccd;padding:.35rem .5rem;text-align:left;vertical-align:top}caption{text-align:left;font-style:italic;padding:.3rem 0}
.state-closed{color:#0a6b2d;font-weight:bold}.state-open{color:#a50e0e;font-weight:bold}.state-half-open{color:#8a5a00;font-weight:bold}
#error{color:#a50e0e}small{color:#555}figure{margin:1rem 0}
`;

export const APP_JS = String.raw`(function () {
  'use strict';
  var token = null;
  var state = { providers: [], choice: null };

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = String(text);
    if (cls) e.className = cls;
    return e;
  }
  function $(id) { return document.getElementById(id); }
  function showError(msg) { $('error').textContent = msg || ''; }

  function api(method, path, body) {
    var opts = { method: method, headers: { 'X-Auth-Token': token, 'Accept': 'application/json' } };
    if (body !== undefined) { opts.headers['Content-Type'] = 'application/json'; opts.body = JSON.stringify(body); }
    return fetch(path, opts).then(function (res) {
      return res.text().then(function (text) {
        var doc = null;
        try { doc = text ? JSON.parse(text) : null; } catch (e) { doc = null; }
        if (!res.ok) {
          var msg = doc && doc.error && doc.error.message ? doc.error.message : 'HTTP ' + res.status;
          var err = new Error(msg); err.status = res.status; throw err;
        }
        return { doc: doc, partial: res.headers.get('X-OCX-Partial') };
      });
    });
  }

  function login(ev) {
    ev.preventDefault();
    showError('');
    var domain = $('domain').value;
    var body = { auth: {
      identity: { methods: ['password'], password: { user: { name: $('user').value, domain: { name: domain }, password: $('password').value } } },
      scope: { project: { name: $('project').value, domain: { name: domain } } } } };
    fetch('../identity/v3/auth/tokens', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) })
      .then(function (res) {
        if (res.status !== 201) throw new Error('Login failed (HTTP ' + res.status + ')');
        token = res.headers.get('X-Subject-Token');
        return res.json();
      })
      .then(function (doc) {
        $('password').value = '';
        var t = doc.token || {};
        $('who').textContent = (t.user ? t.user.name : '') + ' in project ' + (t.project ? t.project.name : '');
        $('login-section').hidden = true;
        $('exchange').hidden = false;
        return refresh();
      })
      .catch(function (e) { showError(e.message); });
  }

  function refresh() {
    return Promise.all([api('GET', 'v1/providers'), api('GET', 'v1/projects/current/providers')])
      .then(function (r) {
        state.providers = r[0].doc.providers;
        state.choice = r[1].doc;
        renderProviders();
        renderChoice();
        return api('GET', 'v1/usage');
      })
      .then(function (r) { renderUsage(r.doc, r.partial); })
      .catch(function (e) { showError(e.message); });
  }

  function money(n, currency) { return (Math.round(n * 100) / 100).toFixed(2) + ' ' + currency; }

  function priceList(offer) {
    var ul = el('ul');
    var p = offer.prices || {};
    function add(text) { ul.appendChild(el('li', text)); }
    if (p.volumeGibMonth !== undefined) add('Volume: ' + money(p.volumeGibMonth, offer.currency) + ' per GiB-month');
    if (p.objectGibMonth !== undefined) add('Object storage: ' + money(p.objectGibMonth, offer.currency) + ' per GiB-month');
    if (p.imageGibMonth !== undefined) add('Images: ' + money(p.imageGibMonth, offer.currency) + ' per GiB-month');
    Object.keys(p.flavorHour || {}).forEach(function (f) { add(f + ': ' + p.flavorHour[f] + ' ' + offer.currency + ' per hour'); });
    return ul;
  }

  function renderProviders() {
    var tbody = $('providers').querySelector('tbody');
    tbody.textContent = '';
    state.providers.forEach(function (p) {
      var tr = el('tr');
      tr.setAttribute('data-provider', p.name);
      var name = el('th', p.name); name.scope = 'row';
      if (p.home) name.appendChild(el('small', ' (home)'));
      tr.appendChild(name);
      var offer = el('td');
      if (p.offer) {
        offer.appendChild(el('strong', p.offer.displayName));
        if (p.offer.description) offer.appendChild(el('p', p.offer.description));
        if (p.offer.url) { var a = el('a', 'Details'); a.href = p.offer.url; a.rel = 'noopener noreferrer'; offer.appendChild(a); }
      } else offer.textContent = 'No offer published';
      tr.appendChild(offer);
      var prices = el('td'); if (p.offer) prices.appendChild(priceList(p.offer)); tr.appendChild(prices);
      var sla = el('td');
      if (p.offer && p.offer.sla) {
        if (p.offer.sla.availability !== undefined) sla.appendChild(el('div', p.offer.sla.availability + '% availability'));
        if (p.offer.sla.support) sla.appendChild(el('div', p.offer.sla.support));
      }
      tr.appendChild(sla);
      tr.appendChild(el('td', (p.services || []).join(', ')));
      var live = p.state === 'closed' ? 'up' : p.state === 'open' ? 'down' : 'recovering';
      var st = el('td', live, 'state-' + p.state);
      st.setAttribute('data-state', p.state);
      if (!p.chosen) st.appendChild(el('small', ' (not used by this project)'));
      tr.appendChild(st);
      tbody.appendChild(tr);
    });
  }

  function renderUsage(doc, partial) {
    var tbody = $('usage').querySelector('tbody');
    tbody.textContent = '';
    doc.providers.forEach(function (r) {
      var u = r.usage;
      var tr = el('tr'); tr.setAttribute('data-provider', r.provider);
      var th = el('th', r.provider); th.scope = 'row'; tr.appendChild(th);
      var flavors = Object.keys(u.serversByFlavor);
      var count = flavors.reduce(function (n, f) { return n + u.serversByFlavor[f]; }, 0);
      tr.appendChild(el('td', count + (flavors.length ? ' (' + flavors.map(function (f) { return u.serversByFlavor[f] + ' ' + f; }).join(', ') + ')' : '')));
      tr.appendChild(el('td', u.volumeGib));
      tr.appendChild(el('td', u.objectCount + ' (' + u.objectGib + ' GiB)'));
      tr.appendChild(el('td', u.imageCount + ' (' + u.imageGib + ' GiB)'));
      var cost = el('td', r.cost ? money(r.cost.monthly, r.cost.currency) : 'no price sheet');
      cost.setAttribute('data-cost', r.cost ? String(r.cost.monthly) : '');
      tr.appendChild(cost);
      tbody.appendChild(tr);
    });
    $('usage-note').textContent = partial ? 'Some providers could not be asked (' + partial + '): their figures may be too low.' : '';
    renderChart(doc.providers);
  }

  function renderChart(rows) {
    var ns = 'http://www.w3.org/2000/svg';
    var width = 480, bar = 26, gap = 10, label = 130;
    var max = rows.reduce(function (m, r) { return Math.max(m, r.cost ? r.cost.monthly : 0); }, 0) || 1;
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(rows.length * (bar + gap) + gap));
    svg.setAttribute('role', 'img');
    var title = document.createElementNS(ns, 'title');
    title.textContent = rows.map(function (r) { return r.provider + ': ' + (r.cost ? money(r.cost.monthly, r.cost.currency) : 'no price'); }).join('; ');
    svg.appendChild(title);
    rows.forEach(function (r, i) {
      var y = gap + i * (bar + gap);
      var value = r.cost ? r.cost.monthly : 0;
      var t = document.createElementNS(ns, 'text');
      t.setAttribute('x', '0'); t.setAttribute('y', String(y + bar * 0.7)); t.textContent = r.provider;
      svg.appendChild(t);
      var rect = document.createElementNS(ns, 'rect');
      rect.setAttribute('x', String(label)); rect.setAttribute('y', String(y));
      rect.setAttribute('width', String(Math.max(1, (width - label - 90) * value / max)));
      rect.setAttribute('height', String(bar)); rect.setAttribute('fill', '#2f6fa8');
      rect.setAttribute('data-provider', r.provider);
      svg.appendChild(rect);
      var v = document.createElementNS(ns, 'text');
      v.setAttribute('x', String(label + 6 + (width - label - 90) * value / max)); v.setAttribute('y', String(y + bar * 0.7));
      v.textContent = r.cost ? money(value, r.cost.currency) : '-';
      svg.appendChild(v);
    });
    var chart = $('chart'); chart.textContent = ''; chart.appendChild(svg);
  }

  function renderChoice() {
    var box = $('choices');
    box.textContent = '';
    state.choice.available.forEach(function (name) {
      var label = el('label');
      var input = el('input'); input.type = 'checkbox'; input.name = 'provider'; input.value = name;
      input.checked = state.choice.providers.indexOf(name) >= 0;
      if (name === state.choice.home) { input.disabled = true; input.checked = true; }
      label.appendChild(input);
      label.appendChild(document.createTextNode(' ' + name + (name === state.choice.home ? ' (home, always used)' : '')));
      box.appendChild(label);
    });
  }

  function saveChoice(ev) {
    ev.preventDefault();
    var boxes = $('choices').querySelectorAll('input[name=provider]');
    var chosen = [];
    for (var i = 0; i < boxes.length; i++) if (boxes[i].checked) chosen.push(boxes[i].value);
    var body = { providers: chosen.length === boxes.length ? null : chosen };
    $('choice-status').textContent = 'Saving…';
    api('PUT', 'v1/projects/current/providers', body)
      .then(function () { $('choice-status').textContent = 'Saved.'; return refresh(); })
      .catch(function (e) {
        $('choice-status').textContent = e.status === 403 ? 'Only a project admin can change the providers: ' + e.message : 'Not saved: ' + e.message;
      });
  }

  $('login').addEventListener('submit', login);
  $('choice').addEventListener('submit', saveChoice);
  $('logout').addEventListener('click', function () {
    token = null;
    $('exchange').hidden = true; $('login-section').hidden = false; $('who').textContent = '';
  });
})();
`;

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><rect width="16" height="16" rx="3" fill="#17324d"/><path d="M4 8h8M8 4v8" stroke="#fff" stroke-width="2"/></svg>
`;

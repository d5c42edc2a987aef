// Progressive enhancement for the report page; every feature also works without it
// (the links to #p-N, the ¶ permalinks). Loaded as a file: the CSP allows no inline script.
(function () {
  'use strict';

  // Previous / next match: walk the <mark>s of the report text.
  var text = document.querySelector('.page-doc .text');
  var bar = document.getElementById('matchbar');
  if (text && bar) {
    var marks = Array.prototype.slice.call(text.querySelectorAll('mark'));
    var prev = bar.querySelector('[data-match="prev"]');
    var next = bar.querySelector('[data-match="next"]');
    var pos = bar.querySelector('.match-pos');
    if (marks.length && prev && next && pos) {
      var current = -1;
      var show = function (i) {
        if (current >= 0) marks[current].classList.remove('current');
        current = (i + marks.length) % marks.length;
        var m = marks[current];
        m.classList.add('current');
        m.scrollIntoView({ block: 'center', behavior: 'smooth' });
        pos.textContent = '第 ' + (current + 1) + ' / ' + marks.length + ' 处';
      };
      // start from the paragraph the link pointed at, if any
      var start = function () {
        var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
        if (!target) return -1;
        for (var i = 0; i < marks.length; i++) {
          if (target.contains(marks[i]) || (target.compareDocumentPosition(marks[i]) & Node.DOCUMENT_POSITION_FOLLOWING)) return i - 1;
        }
        return -1;
      };
      current = -1;
      var first = start();
      prev.hidden = next.hidden = pos.hidden = false;
      pos.textContent = '共 ' + marks.length + ' 处';
      prev.addEventListener('click', function () { show(current < 0 ? (first >= 0 ? first : 0) : current - 1); });
      next.addEventListener('click', function () { show(current < 0 ? first + 1 : current + 1); });
      document.addEventListener('keydown', function (e) {
        var t = e.target;
        if (e.altKey || e.ctrlKey || e.metaKey || (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA'))) return;
        if (e.key === 'n') { next.click(); e.preventDefault(); }
        if (e.key === 'N' || e.key === 'p') { prev.click(); e.preventDefault(); }
      });
    }
  }

  // ¶ permalinks: the link itself navigates to #p-N (no JavaScript needed); we also copy it.
  var toastTimer;
  var toast = function (msg) {
    var el = document.querySelector('.toast');
    if (!el) {
      el = document.createElement('div');
      el.className = 'toast';
      el.setAttribute('role', 'status');
      document.body.appendChild(el);
    }
    el.textContent = msg;
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.hidden = true; }, 1800);
  };
  document.addEventListener('click', function (e) {
    var a = e.target && e.target.closest ? e.target.closest('a.permalink') : null;
    if (!a || !navigator.clipboard) return;
    navigator.clipboard.writeText(a.href).then(
      function () { toast('已复制本段链接'); },
      function () { /* no permission: the address bar shows the link anyway */ }
    );
  });
})();

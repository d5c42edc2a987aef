// Progressive enhancement; every feature also works without it (the year form has a
// button, the facets a <details>, the ¶ links are plain permalinks, the report's citation
// is printed on the page). Loaded as a file: the CSP allows no inline script.
(function () {
  'use strict';
  var root = document.documentElement;
  root.classList.add('js');

  // ---------------------------------------------------------------- search box
  // A pasted paragraph is never cut silently: the box counts characters (code points,
  // as the server does) and says how many are over the limit before the search is sent.
  var qBox = document.getElementById('q');
  var qCount = document.getElementById('q-count');
  if (qBox && qCount) {
    var max = Number(qBox.getAttribute('data-max')) || 200;
    var showCount = function () {
      var n = Array.from(qBox.value.trim()).length;
      qCount.classList.toggle('over', n > max);
      qCount.textContent = n > max * 0.75
        ? '已输入 ' + n + ' / ' + max + ' 个字符' + (n > max ? '，超出 ' + (n - max) + ' 个：请删短后再搜索（长段原文可以拆成几个关键词）' : '')
        : '';
    };
    qBox.addEventListener('input', showCount);
    showCount();
  }

  // ---------------------------------------------------------------- search page
  // Year checkboxes submit their form as soon as one changes (the 应用 button is for no script).
  var yearForm = document.querySelector('.year-form');
  if (yearForm) {
    yearForm.addEventListener('change', function (e) {
      if (e.target && e.target.name === 'year') yearForm.submit();
    });
  }
  // Facets sit in a <details> that CSS keeps open on wide screens; browsers without
  // ::details-content get it opened here.
  var filters = document.getElementById('filters');
  var supportsDetailsContent = window.CSS && CSS.supports && CSS.supports('selector(::details-content)');
  if (filters && !supportsDetailsContent && window.matchMedia('(min-width: 761px)').matches) filters.open = true;

  // ---------------------------------------------------------------- report page
  var text = document.querySelector('.page-doc .text');
  if (!text) return;
  var paragraphs = Array.prototype.slice.call(text.querySelectorAll('p[id^="p-"]'));
  var indexOf = function (p) { return Number(p.id.slice(2)); };

  // The sticky match bar: landed paragraphs scroll to just below it (CSS reads --bar-h).
  var bar = document.getElementById('matchbar');
  var measureBar = function () {
    if (bar) root.style.setProperty('--bar-h', Math.ceil(bar.getBoundingClientRect().height) + 'px');
  };

  // Previous / next match: walk the <mark>s of the report text.
  var marks = Array.prototype.slice.call(text.querySelectorAll('mark'));
  var current = -1;
  if (bar) {
    var prev = bar.querySelector('[data-match="prev"]');
    var next = bar.querySelector('[data-match="next"]');
    var pos = bar.querySelector('.match-pos');
    if (marks.length && prev && next && pos) {
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
      var first = start();
      prev.hidden = next.hidden = pos.hidden = false;
      pos.textContent = '共 ' + marks.length + ' 处';
      prev.addEventListener('click', function () { show(current < 0 ? (first >= 0 ? first : 0) : current - 1); });
      next.addEventListener('click', function () { show(current < 0 ? first + 1 : current + 1); });
      document.addEventListener('keydown', function (e) {
        if (e.altKey || e.ctrlKey || e.metaKey || isField(e.target)) return;
        if (e.key === 'n') { next.click(); e.preventDefault(); }
        if (e.key === 'N' || e.key === 'p') { prev.click(); e.preventDefault(); }
      });
    }
  }

  // Measured once the match navigation is shown (it can wrap the bar onto more lines),
  // and again when the bar changes size; the browser landed on #p-N before, so land again.
  if (bar) {
    measureBar();
    if (window.ResizeObserver) new ResizeObserver(measureBar).observe(bar);
    var landed = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (landed) landed.scrollIntoView({ block: 'start' });
  }

  // ---------------------------------------------------------------- citations
  // ¶ (and the c key, and the one 引用某一段… button) open a panel with the paragraph's
  // citation, selected, and copy it: the Clipboard API where the page is a secure
  // context, else the selection and execCommand('copy') — over plain HTTP on a LAN
  // address there is no navigator.clipboard. The text always stays on screen.
  var panel = document.getElementById('cite-panel');
  var box = document.getElementById('cite-box');
  var status = panel && panel.querySelector('.cite-status');
  var numberInput = document.getElementById('cite-n');
  var head = text.getAttribute('data-cite-head');
  var address = text.getAttribute('data-cite-address');
  var opener = null;

  // the same string as paragraphCitation() in src/web/viewmodels.ts
  var citation = function (i) {
    var page = paragraphs[i] && paragraphs[i].getAttribute('data-page');
    // a long report is read in slices: the address opens the one that holds paragraph i
    var slice = Number(text.getAttribute('data-slice')) || 0;
    var from = slice && i >= slice ? '?from=' + Math.floor(i / slice) * slice : '';
    return head + '，' + (page ? '第 ' + page + ' 页，' : '') + '第 ' + (i + 1) + ' 段。' + address + from + '#p-' + i;
  };

  var selectBox = function () {
    box.focus({ preventScroll: true });
    box.select();
    box.setSelectionRange(0, box.value.length);
  };

  var copy = function (i) {
    var n = i + 1;
    box.value = citation(i);
    numberInput.value = String(n);
    var done = function () { status.textContent = '已复制第 ' + n + ' 段的引用：'; };
    var byHand = function () {
      selectBox();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (err) { ok = false; }
      status.textContent = ok ? '已复制第 ' + n + ' 段的引用：' : '无法自动复制。引用已选中，请按 Ctrl+C（Mac 上按 ⌘C）复制：';
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(box.value).then(function () { done(); selectBox(); }, byHand);
    } else byHand();
  };

  /** `from`: where focus returns on close (the ¶ clicked, the button); by default what had it. */
  var openCite = function (i, andCopy, from) {
    if (!panel || !(i >= 0 && i < paragraphs.length)) return;
    if (panel.hidden) opener = from || document.activeElement;
    panel.hidden = false;
    box.value = citation(i);
    numberInput.value = String(i + 1);
    if (andCopy) copy(i);
    else {
      status.textContent = '第 ' + (i + 1) + ' 段的引用（可改段号）：';
      selectBox();
    }
  };

  var closeCite = function () {
    if (!panel || panel.hidden) return;
    // a hidden field would keep focus (and swallow the n / p / c keys) until the browser notices
    if (panel.contains(document.activeElement)) document.activeElement.blur();
    panel.hidden = true;
    if (opener && opener !== document.body && opener.isConnected && opener.focus) opener.focus({ preventScroll: true });
    opener = null;
  };

  /** The paragraph a reader is at: the current match's, the landed one, else the first on screen. */
  var currentParagraph = function () {
    if (current >= 0 && marks[current]) return indexOf(marks[current].closest('p'));
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    if (target && paragraphs.indexOf(target) >= 0) {
      var r = target.getBoundingClientRect();
      if (r.bottom > 0 && r.top < window.innerHeight) return indexOf(target);
    }
    for (var k = 0; k < paragraphs.length; k++) {
      if (paragraphs[k].getBoundingClientRect().bottom > (bar ? bar.getBoundingClientRect().bottom : 0)) return k;
    }
    return 0;
  };

  function isField(t) {
    return t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable);
  }

  if (panel && box && status && numberInput && head !== null && address !== null) {
    document.addEventListener('click', function (e) {
      var a = e.target && e.target.closest ? e.target.closest('a.permalink') : null;
      if (!a || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
      var p = a.closest('p');
      if (!p) return;
      // stay on this address (it keeps ?q=, so the highlight stays): only the fragment changes
      e.preventDefault();
      if (location.hash !== '#' + p.id) location.hash = p.id;
      openCite(indexOf(p), true, a);
    });
    var citeButton = document.querySelector('.cite-para');
    if (citeButton) {
      citeButton.hidden = false;
      citeButton.addEventListener('click', function () {
        openCite(currentParagraph(), false, citeButton);
        numberInput.focus();
        numberInput.select();
      });
    }
    numberInput.addEventListener('input', function () {
      var n = Number(numberInput.value);
      if (Number.isInteger(n) && n >= 1 && n <= paragraphs.length) {
        box.value = citation(n - 1);
        status.textContent = '第 ' + n + ' 段的引用：';
      }
    });
    numberInput.addEventListener('keydown', function (e) {
      if (e.key === 'Enter') { e.preventDefault(); copy(Number(numberInput.value) - 1); }
    });
    panel.querySelector('.cite-copy').addEventListener('click', function () {
      var n = Number(numberInput.value);
      copy(Number.isInteger(n) && n >= 1 && n <= paragraphs.length ? n - 1 : currentParagraph());
    });
    panel.querySelector('.cite-close').addEventListener('click', closeCite);
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && !panel.hidden) { closeCite(); e.preventDefault(); return; }
      if (e.altKey || e.ctrlKey || e.metaKey || isField(e.target)) return;
      if (e.key === 'c') { openCite(currentParagraph(), true); e.preventDefault(); }
    });
  }
})();

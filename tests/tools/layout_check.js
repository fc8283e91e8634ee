// layout_check.js - injected into a copy of a dcdlab HTML report by
// tests/integration/html_report.sh, run by headless Chromium: does the page
// render without errors, is no area empty, does every piece of text lie
// inside its picture or its table cell, and do no two labels of a picture
// overlap? The verdict goes into <body data-check="...">, which
// chromium --dump-dom prints.
(function () {
  var errors = [];
  window.addEventListener('error', function (e) { errors.push('script error: ' + e.message); });
  function box(e) { return e.getBoundingClientRect(); }
  function inside(a, b) {
    return a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
  }
  function overlap(a, b) {
    var w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    var h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    return w > 1 && h > 1;
  }
  window.addEventListener('load', function () {
    var bad = errors.slice(), texts = 0, svgs = document.querySelectorAll('svg');
    if (document.body.scrollHeight < 200) bad.push('the page is nearly empty');
    if (svgs.length === 0) bad.push('no picture');
    svgs.forEach(function (svg, si) {
      var sb = box(svg);
      if (sb.width < 50 || sb.height < 50) bad.push('picture ' + si + ' is empty (' + sb.width + 'x' + sb.height + ')');
      var ts = Array.prototype.slice.call(svg.querySelectorAll('text')).filter(function (t) {
        return t.textContent.trim() !== '';
      });
      var bs = ts.map(box);
      texts += ts.length;
      bs.forEach(function (b, i) {
        if (!inside(b, sb)) bad.push('picture ' + si + ': "' + ts[i].textContent + '" outside it');
      });
      for (var i = 0; i < bs.length; i++)
        for (var j = i + 1; j < bs.length; j++)
          if (overlap(bs[i], bs[j]))
            bad.push('picture ' + si + ': "' + ts[i].textContent + '" overlaps "' + ts[j].textContent + '"');
    });
    document.querySelectorAll('td,th').forEach(function (c) {
      if (c.scrollWidth > c.clientWidth + 1) bad.push('cell overflows: ' + c.textContent.slice(0, 40));
    });
    document.body.setAttribute('data-check', JSON.stringify({
      ok: bad.length === 0, pictures: svgs.length, texts: texts, problems: bad.slice(0, 20)
    }));
  });
})();

// While a person types their question, show FAQ entries that may already answer it.
// The form works the same without this script.
(function () {
  "use strict";
  var box = document.getElementById("suggestions");
  var input = document.getElementById("message");
  if (!box || !input || !window.fetch) { return; }
  var list = box.querySelector("ul");
  var timer = null;
  var last = "";

  function show(items) {
    while (list.firstChild) { list.removeChild(list.firstChild); }
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = item.question;
      li.appendChild(a);
      list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }

  function lookup() {
    var q = input.value.trim().slice(0, 200);
    if (q.length < 4 || q === last) { return; }
    last = q;
    fetch("/faq/suggest?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (data) { show((data.results || []).slice(0, 3)); })
      .catch(function () { /* suggestions are optional */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, 400);
  });
})();

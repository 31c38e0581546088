// The shared queue tells the agent when new or urgent inquiries arrive, without reloading
// the page under them: it asks every HOTLINE_QUEUE_POLL_SECONDS (30) how many there are, and when the numbers
// change it says so in a status line (read by screen readers) with a link to refresh, and
// in the tab's title.
(function () {
  "use strict";
  var box = document.getElementById("queue-watch");
  if (!box || !window.fetch) { return; }
  var seenNew = Number(box.dataset.new), seenUrgent = Number(box.dataset.urgent);
  var baseTitle = document.title.replace(/^(【至急\d+】)?(（未対応\d+）)?/, "");

  function show(counts) {
    var prefix = (counts.urgent ? "【至急" + counts.urgent + "】" : "") + (counts.new ? "（未対応" + counts.new + "）" : "");
    document.title = prefix + baseTitle;
    if (counts.new === seenNew && counts.urgent === seenUrgent) { return; }
    box.textContent = "";
    var text = counts.urgent > seenUrgent ? "至急の問い合わせが届きました。" : "問い合わせの件数が変わりました。";
    box.appendChild(document.createTextNode(text + "未対応" + counts.new + "件、至急" + counts.urgent + "件。"));
    var link = document.createElement("a");
    link.href = window.location.href;
    link.textContent = "一覧を更新する";
    box.appendChild(link);
    box.className = "queue-watch" + (counts.urgent > seenUrgent ? " flash flash-error" : " flash flash-info");
  }

  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (counts) { if (counts) { show(counts); } })
      .catch(function () { /* the next poll tries again */ });
  }
  window.setInterval(poll, Math.max(1, Number(box.dataset.seconds) || 30) * 1000);
}());

// Switching the answer template fills the answer box in place instead of reloading the
// page (without JavaScript, the 「切り替える」 button still reloads it). Text the agent
// already changed is not thrown away without asking.
(function () {
  "use strict";
  var picker = document.getElementById("template-pick");
  var form = document.getElementById("answer-form");
  if (!picker || !form || !window.fetch) { return; }
  var select = picker.querySelector("select");
  var box = form.querySelector("textarea[name=text]");
  var hidden = form.querySelector("input[name=template_id]");
  var note = document.getElementById("template-note");
  var filled = box.value;

  picker.addEventListener("submit", function (event) {
    event.preventDefault();
    if (box.value !== filled && box.value.trim() !== "" &&
        !window.confirm("編集中の回答文は、選んだテンプレートの文で置き換えられます。よろしいですか？")) {
      return;
    }
    var url = picker.dataset.url + "?id=" + encodeURIComponent(select.value);
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(function (data) {
        box.value = data.text;
        filled = data.text;
        hidden.value = data.id;
        note.textContent = data.error ? data.error : data.note;
        box.focus();
      })
      .catch(function () { picker.submit(); });
  });
}());

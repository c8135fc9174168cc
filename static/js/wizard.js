/* Progressive enhancement for the wizard: conditional groups, copy buttons, field focus.
   Everything works without it; no inline scripts (CSP). */
(() => {
  "use strict";

  const valueOf = (form, name) => {
    const el = form.elements.namedItem(name);
    if (!el) return "";
    if (typeof RadioNodeList !== "undefined" && el instanceof RadioNodeList) return el.value;
    if (el.type === "checkbox") return el.checked ? "on" : "off";
    return el.value;
  };

  // data-show-when="name=a|b;other=on": shown when every condition holds.
  const applyConditions = () => {
    const form = document.getElementById("step-form");
    if (!form) return;
    form.querySelectorAll("[data-show-when]").forEach((el) => {
      el.hidden = !el.dataset.showWhen.split(";").every((cond) => {
        const [name, values] = cond.split("=");
        return values.split("|").includes(valueOf(form, name));
      });
    });
  };

  const showCopyButtons = () => {
    if (!navigator.clipboard) return;
    document.querySelectorAll("button.copy[data-copy]").forEach((b) => { b.hidden = false; });
  };

  // Findings arrive by out-of-band swaps next to fields; keep aria-invalid in step with them.
  const syncInvalid = () => {
    document.querySelectorAll(".field-msgs[id^='msgs-']").forEach((slot) => {
      const input = document.getElementById("id_" + slot.id.slice(5));
      if (!input || !/^(INPUT|SELECT|TEXTAREA)$/.test(input.tagName)) return;
      if (slot.querySelector(".msg-error")) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
  };

  // Keep the current step's part of the values preview in view.
  const scrollPreview = () => {
    const pre = document.querySelector("#values-preview pre[data-section]");
    if (!pre) return;
    const lines = pre.textContent.split("\n");
    const at = lines.findIndex((line) => line.startsWith("# " + pre.dataset.section));
    if (at < 0) return;
    const lineHeight = parseFloat(getComputedStyle(pre).lineHeight) || 18;
    pre.scrollTop = Math.max(0, at * lineHeight - lineHeight);
  };

  const focusHash = (hash) => {
    if (!hash || !hash.startsWith("#id_")) return;
    const target = document.getElementById(decodeURIComponent(hash.slice(1)));
    if (!target) return;
    const control = /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName)
      ? target : target.querySelector("input, select, textarea, button");
    if (control) control.focus();
  };

  document.addEventListener("click", async (event) => {
    const link = event.target.closest("a[href^='#id_']");
    if (link) { focusHash(link.getAttribute("href")); return; }
    const button = event.target.closest("button.copy[data-copy]");
    if (!button) return;
    const source = document.getElementById(button.dataset.copy);
    if (!source) return;
    try {
      await navigator.clipboard.writeText(source.textContent);
      button.textContent = "Copied";
    } catch (e) {
      button.textContent = "Press Ctrl+C";
    }
    setTimeout(() => { button.textContent = "Copy"; }, 1600);
  });

  // A refused htmx request swaps nothing: say why instead of failing silently (CSRF above all).
  const problem = document.getElementById("request-problem");
  const say = (text) => { if (problem) { problem.textContent = text; problem.hidden = !text; } };
  document.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    say(status === 403
      ? "The live preview was refused: this page's security token is missing or has expired (cookies cleared, or a new session). Reload the page; steps you left with Back or Next are kept."
      : status === 429
        ? "Too many requests in a short time: wait a moment, then keep typing."
        : "The live preview could not be updated (error " + status + "). What you typed is still here; press Next to save it.");
  });
  document.addEventListener("htmx:sendError", () => {
    say("The server could not be reached: check your connection. What you typed is still here.");
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful) say("");
  });

  // The live preview sends only the message slots that hold messages: empty the step's slots
  // just before its answer is swapped in, so a message goes once its field is fixed.
  document.addEventListener("htmx:beforeSwap", (event) => {
    const form = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!form || form.id !== "step-form" || !event.detail.shouldSwap) return;
    form.querySelectorAll(".field-msgs").forEach((slot) => {
      if (slot.firstChild) slot.replaceChildren();
    });
  });

  const refresh = () => { applyConditions(); showCopyButtons(); syncInvalid(); scrollPreview(); };
  document.addEventListener("change", applyConditions);
  document.addEventListener("input", applyConditions);
  document.addEventListener("htmx:afterSettle", refresh);
  refresh();
  focusHash(window.location.hash);
})();

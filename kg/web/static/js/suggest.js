// A search box with suggestions from /api/graph/search; Chinese input methods are waited for.
import { api } from "./api.js";
import { el, fill } from "./dom.js";
import { metricName, typeName } from "./format.js";

const DELAY_MS = 180;

function unitOf(result) {
  return result.type === "metric" && result.label.includes("|") ? result.label.split("|").pop() : null;
}

// input: <input>; list: <ul role=listbox>; types: allowed result types (null: all); onChoose(result).
export function attachSuggest(input, list, { types = null, onChoose }) {
  let timer = null;
  let results = [];
  let active = -1;
  let asked = 0;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  }

  function choose(result) {
    close();
    input.value = result.type === "metric" ? metricName(result.label) : result.label;
    onChoose(result);
  }

  function render() {
    fill(
      list,
      ...results.map((result, index) =>
        el(
          "li",
          {
            role: "option",
            id: `${list.id}-${index}`,
            class: index === active ? "active" : null,
            "aria-selected": index === active ? "true" : "false",
            dataset: { type: result.type },
            onmousedown: (event) => {
              event.preventDefault();
              choose(result);
            },
          },
          el("span", { class: `type-dot type-${result.type}` }),
          el("span", { class: "label" }, result.type === "metric" ? metricName(result.label) : result.label),
          el("span", { class: "meta" }, [typeName(result.type), result.code, unitOf(result)].filter(Boolean).join(" · ")),
          result.match && result.match !== result.label ? el("span", { class: "match" }, result.match) : null,
        ),
      ),
    );
    if (results.length === 0 && input.value.trim()) {
      fill(list, el("li", { class: "none" }, "没有匹配的结果"));
    }
    list.hidden = !input.value.trim();
    input.setAttribute("aria-expanded", String(!list.hidden));
    if (active >= 0) input.setAttribute("aria-activedescendant", `${list.id}-${active}`);
    else input.removeAttribute("aria-activedescendant");
  }

  async function lookUp() {
    const q = input.value.trim();
    if (!q) {
      results = [];
      close();
      return;
    }
    const ticket = ++asked;
    try {
      const answer = await api.search(q, 20);
      if (ticket !== asked) return; // a later keystroke already asked again
      results = (answer.results || []).filter((result) => !types || types.includes(result.type)).slice(0, 12);
      active = results.length ? 0 : -1;
      render();
    } catch (error) {
      if (ticket !== asked) return;
      fill(list, el("li", { class: "none" }, "搜索出错：" + error.message));
      list.hidden = false;
    }
  }

  function schedule() {
    results = []; // stale until the new answer arrives, so Enter never picks an old one
    active = -1;
    clearTimeout(timer);
    timer = setTimeout(lookUp, DELAY_MS);
  }

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  input.addEventListener("input", (event) => {
    if (!event.isComposing) schedule();
  });
  input.addEventListener("compositionend", schedule);
  input.addEventListener("blur", () => setTimeout(close, 120));
  input.addEventListener("keydown", (event) => {
    if (event.isComposing) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!results.length) return;
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      active = (active + step + results.length) % results.length;
      render();
    } else if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(timer);
      if (results[active]) choose(results[active]);
      else lookUp().then(() => results[0] && choose(results[0]));
    } else if (event.key === "Escape") {
      close();
    }
  });
}

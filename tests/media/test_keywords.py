"""Keyword sets as officers write them: Vietnamese word boundaries, diacritics, names, boolean queries."""

import pytest

from ioc.media.keywords import Matcher, QueryError, Text


def found(matcher, text):
    return matcher.match(Text.of(text))


def test_a_name_matches_with_its_diacritics_or_without_any_but_not_with_others():
    lai_chau = Matcher.build("Lai Châu")
    assert found(lai_chau, "Mưa lớn ở tỉnh Lai Châu") == ["Lai Châu"]
    assert found(lai_chau, "LAI CHÂU: MƯA LỚN") == ["Lai Châu"]  # a headline in capitals
    assert found(lai_chau, "Lai Chau hom nay mua to") == ["Lai Châu"]  # typed without diacritics
    assert found(lai_chau, "anh lại châu đầu vào máy") == []  # other diacritics: other words
    assert found(lai_chau, "Laichau") == [] and found(lai_chau, "Lai Châuu") == []  # whole words only


def test_a_ward_name_is_not_the_slogan_unless_the_set_says_so():
    ward = Matcher.build("Đoàn Kết")
    assert found(ward, "UBND phường Đoàn Kết họp dân") == ["Đoàn Kết"]
    assert found(ward, "Toàn dân đoàn kết xây dựng đời sống văn hóa") == []
    assert found(Matcher.build("Đoàn Kết", ignore_case=True), "Toàn dân đoàn kết") == ["Đoàn Kết"]


def test_aliases_exclusions_and_a_boolean_query():
    roads = Matcher.build(
        "thành phố Lai Châu\nTP Lai Châu", exclude="xổ số", query='(đường OR cầu) AND NOT "quảng cáo"'
    )
    assert found(roads, "TP Lai Châu khởi công cầu mới") == ["TP Lai Châu", "cầu"]
    assert found(roads, "TP Lai Châu khởi công cầu mới, quảng cáo") == []
    assert found(roads, "Kết quả xổ số thành phố Lai Châu, đường về nhà") == []
    assert found(roads, "thành phố Lai Châu mưa lớn") == []  # the query wants a road or a bridge


def test_near_counts_words_between_two_phrases():
    near = Matcher.build("", query='"Nguyễn Văn A" NEAR/3 "tham nhũng"')
    assert found(near, "Ông Nguyễn Văn A bị tố tham nhũng") == ["Nguyễn Văn A", "tham nhũng"]
    assert found(near, "Nguyễn Văn A dự họp. Ở một tỉnh khác, báo chí đưa tin về vụ tham nhũng") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("(đường OR cầu", "parenthesis"),
        ('"Lai Châu', "quote"),
        ("đường AND", "ends"),
        ("NOT đường", "NOT"),
        ("a NEAR/2 (b OR c)", "NEAR"),
    ],
)
def test_a_query_that_cannot_be_read_says_why(query, message):
    with pytest.raises(QueryError, match=message):
        Matcher.build("", query=query)

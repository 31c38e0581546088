"""Queries typed in hiragana find the FAQ's words again (search/kana.py): only a query with
hardly a kanji is read that way, only runs that do not continue a kanji, longest reading first."""


from hotline import search
from hotline.search import kana

WORDS = kana.vocabulary(["会員の方の住所と電話番号、郵便でお送りする請求書。", "設定を変えてください。"])


def test_the_vocabulary_holds_nouns_with_kanji_and_readings_of_three_kana_or_more():
    assert WORDS["かいいん"] == "会員" and WORDS["じゅうしょ"] == "住所" and WORDS["ゆうびん"] == "郵便"
    assert WORDS["せってい"] == "設定"
    assert "かた" not in WORDS  # 方: two kana
    assert all(len(reading) >= kana.MIN_READING for reading in WORDS)


def test_only_a_query_with_hardly_a_kanji_is_read_as_kana():
    assert kana.mostly_kana("かいいんを やめたいのですが")
    assert kana.mostly_kana("もう こちらの おみせは りようしないので、会員を やめたい")  # one kanji word
    assert not kana.mostly_kana("カードの再発行手数料はかかりますか")
    assert not kana.mostly_kana("退会したい")
    assert not kana.mostly_kana("ok") and not kana.mostly_kana("")


def test_runs_are_spelled_longest_reading_first_and_a_kanjis_ending_stays():
    assert kana.spell_out("かいいんを やめたい", WORDS) == "会員を やめたい"
    assert kana.spell_out("じゅうしょや でんわばんごう", WORDS) == "住所や 電話番号"
    # らせっていつ holds the reading of 設定, but it is the ending of 知らせ
    assert kana.spell_out("次のお知らせっていつ", WORDS) == "次のお知らせっていつ"
    assert kana.spell_out("せっていを かえたい", WORDS) == "設定を かえたい"
    assert kana.spell_out("かいいん", {}) == "かいいん"


def test_a_query_in_hiragana_finds_the_entry_its_kanji_would(shipped_index):
    # read as written, its pieces of kana matched the entry on suspicious calls first
    written = search.search(shipped_index, "住所や電話番号は大丈夫ですか", limit=1)
    typed = search.search(shipped_index, "じゅうしょや でんわばんごうは だいじょうぶですか", limit=1)
    assert written[0].id == typed[0].id == "email-phone-risk"

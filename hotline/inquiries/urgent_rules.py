"""The phrases that make an inquiry urgent: reports of fraudulent use, of money demanded, of
being contacted by impersonators (secondary damage). Data only; hotline.inquiries.urgent reads it.

Phrases are written in Sudachi's normalized forms of short units (引落し and 引き落とし are one
word to them, 使われた is 使う + れる + た), so conjugations and spelling variants need no list
of their own. A slot is a set of forms; a name starting with "@" is a property of the unit
(see urgent._fits). A phrase must stand in one sentence with at most `gap` units between slots.
"""

from dataclasses import dataclass

FRAUD, MONEY, IMPERSONATION = "fraud", "money", "impersonation"
KIND_LABELS = {
    FRAUD: "カードなどの不正利用の報告",
    MONEY: "金銭を要求された報告",
    IMPERSONATION: "なりすまし・不審な連絡の報告",
}


@dataclass(frozen=True)
class Phrase:
    """One way of reporting damage, as slots of normalized forms in order."""

    kind: str
    slots: tuple[frozenset[str], ...]
    gap: int = 3
    needs: frozenset[str] = frozenset()  # one of these forms must occur somewhere in the message


def _p(kind: str, *slots, gap: int = 3, needs: str = "") -> Phrase:
    """A phrase from space-separated forms per slot."""
    return Phrase(kind, tuple(frozenset(s.split()) for s in slots), gap, frozenset(needs.split()))


USE = ("利用 使用 使う 買う 購入 注文 決済 買い物 課金 引き出す 引き出し 引き落とす 引き落とし 落とす "
       "ログイン 送金 チャージ 請求 支払い 支払う 引く")
CHARGES = ("請求 引き落とし 引き落とす 引く 決済 料金 円 明細 履歴 取り引き 通知 課金 支払い 利用明細 "
           "買い物 購入")
CONTACT = "メール SMS メッセージ 電話 連絡 手紙 郵便 封書 はがき 葉書 訪問 通知 サイト リンク URL"
CONTACT_NOUNS = CONTACT + " 人 男 女 男性 女性 者 番号 業者 会社"
ODD = "不審 怪しい 変 おかしい 見知らぬ 謎 不明 奇妙 胡散臭い"
DEMAND = "要求 求める 指示 促す 迫る 要請 命じる"
PAY = "振る 振り込む 振り込み 送金 支払う 払う 送る 購入 買う 入金 チャージ 渡す"
ORDERED = " ".join(f"{verb}@命令形" for verb in (PAY + " 込む 教える").split())  # 払え, 振り込め, 教えろ
SECRETS = ("暗証 番号 カード番号 パスワード 口座 セキュリティー セキュリティ コード 生年月日 カード 情報 "
           "個人 ID")
ACTIONS = "入力 押す 開く クリック タップ アクセス ログイン 登録 教える 伝える 答える 送る"

PHRASES = (
    # 不正利用された / 不正に使われた / 悪用されている
    _p(FRAUD, "不正", USE, gap=2),
    _p(FRAUD, "悪用"),
    # 身に覚えのない請求 / 利用した覚えがない / 使った記憶のない / 心当たりのない
    _p(FRAUD, "覚え 見覚え 心当たり 記憶 身覚え", "無い ない", gap=2),
    # 知らない支払い / 知らない店で決済 / 知らないうちに使われた
    _p(FRAUD, "知る", "ない", CHARGES + " 店 サイト うち 間 会社 所", gap=1),
    # 勝手に注文された / 勝手に引き落とされた
    _p(FRAUD, "勝手に 勝手", USE, gap=6),
    # 使っていないのに請求が来た / 何も買っていない（利用通知が届いた）
    _p(FRAUD, "使う 利用 買う 注文 購入 買い物 課金 ログイン", "ない ず", gap=3, needs=CHARGES),
    # カードが使われていた / 買い物がされていた / 注文されていた (by someone else)
    _p(FRAUD, "買い物 購入 注文 決済 使う 利用 引き出す 課金", "れる", "た", gap=3),
    # 自分じゃない誰かが
    _p(FRAUD, "自分 私 本人", "無い ない", "誰 誰か 人 者 他人", gap=2),
    # 不審な取引 / 怪しい請求 / 謎の引き落とし
    _p(FRAUD, ODD, CHARGES, gap=2),
    # 被害に遭った / 被害が出ている
    _p(FRAUD, "被害", "遭う 会う あう 受ける 出る 有る", gap=2),
    # 金銭の要求: 払え / 振り込むよう言われた / 送れと脅された / お支払いください（SMS）
    _p(MONEY, ORDERED),
    _p(MONEY, PAY, "@命令形", gap=0),  # お支払いください (quoted from a message)
    _p(MONEY, PAY, "よう", DEMAND + " 言う 書く", gap=2),
    _p(MONEY, PAY, DEMAND, gap=3),
    _p(MONEY, PAY, "言う", "れる", gap=6),
    _p(MONEY, "脅す 脅迫 恐喝 強請る ゆする 口止め 脅し"),
    _p(MONEY, "ATM"),
    # 払わないと訴えると言われた / 裁判にすると書かれていた
    _p(MONEY, "訴える 裁判 法的 差し押さえ 差し押さえる 延滞 督促", "言う 書く 脅す", "れる", gap=3),
    # なりすまし: 御社を名乗る / 装った / 偽の / 詐欺 / フィッシング
    _p(IMPERSONATION, "名乗る 装う 騙る かたる 偽る 偽 偽物 にせ 詐欺 フィッシング 成り済まし なりすまし"),
    # 怪しいSMS / 不審な電話 / 知らない番号から / へんなメール
    _p(IMPERSONATION, ODD, CONTACT_NOUNS, gap=2),
    _p(IMPERSONATION, "知る", "ない", CONTACT_NOUNS, gap=1),
    # カード番号を聞かれた / 教えろと言われた / 入力してしまった
    _p(IMPERSONATION, SECRETS, "聞く 尋ねる 教える 求める 入力 伝える", "@受身 @命令形", gap=3),
    _p(IMPERSONATION, ACTIONS, "て", "仕舞う しまう ちゃう", gap=2, needs=CONTACT),
    # 迷惑メールが増えた / スパムが来る
    _p(IMPERSONATION, "迷惑 スパム", "増える 来る 届く 多い 掛かる", gap=4),
    # 本物かどうか分からないメール
    _p(IMPERSONATION, "本物 本当", "分かる", "ない", CONTACT, gap=3),
    # 御社の名前で…メールが来た / カードの再登録を求めるメールが来た
    _p(IMPERSONATION, "名前 名", CONTACT, "来る 届く 有る 掛かる", gap=8),
    _p(IMPERSONATION, DEMAND, CONTACT, "来る 届く 有る 掛かる", gap=2),
    # 「…」という電話があった / と言って…から電話
    _p(IMPERSONATION, "言う", "電話 SMS メッセージ 訪問", "来る 有る 掛かる 届く", gap=4),
)

READINGS = (
    # words typed in kana or with a wrong kanji of the same reading (不正理容, 見に覚え, ふしんな)
    (FRAUD, "フセイリヨウ"), (FRAUD, "フセイシヨウ"), (FRAUD, "アクヨウ"),
    (IMPERSONATION, "ナリスマシ"), (IMPERSONATION, "フィッシング"), (IMPERSONATION, "フリコメ"),
    (IMPERSONATION, "フシンナデンワ"), (IMPERSONATION, "フシンナメール"), (IMPERSONATION, "フシンナ"),
    (IMPERSONATION, "アヤシイデンワ"), (IMPERSONATION, "アヤシイメール"),
)
FUZZY = ((IMPERSONATION, "フィッシング"), (FRAUD, "スキミング"))
"""Loanwords that also match with one typo, once small kana and ー are dropped (ヒッシング)."""
FUZZY_MIN = 4

# What makes a mention something other than a report of damage, read after the phrase in
# the same clause (up to 、 or the end of a finite sentence).
CONDITIONAL = frozenset("場合 ば".split())          # …た場合 / …すれば; たら and なら by their form
WORRY = frozenset("心配 不安 怖い 恐い 恐れ 虞 おそれ 可能".split())  # only before a past tense
PREVENT = frozenset("防ぐ 予防 対策 注意 避ける 防止 備える 方法 対処 気".split())
HEARSAY = frozenset("ニュース 報道 噂 記事 テレビ 新聞 ネット".split())
NEGATION = frozenset("ない 無い ず ぬ".split())  # only before a past tense
TOPIC = frozenset("補償 対象 窓口 連絡先 手続き 相談 件 防止 対策 場合 可能 心配 方法 保険 有無 対応".split())
BEFORE = frozenset("若し もし 万一 万が一 今後 仮に".split())
HEDGE_WINDOW = 10

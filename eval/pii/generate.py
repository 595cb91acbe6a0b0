"""Writes the PII test set (dev.jsonl, heldout.jsonl): utterances of call-centre customers and agents in Vietnamese
and English with personal data written as speech recognition writes it — digits, digit groups, digits spoken as
words, mixes — and ordinary utterances with amounts, dates and counts that are not personal data.

    python eval/pii/generate.py        # rewrites both files (seeded: the same files every time)

Every value is made up (random digits with valid shapes: VN mobile prefixes, CCCD province codes, Luhn-valid cards,
valid SSN ranges). The dev and held-out splits use different sentence templates and seeds; the recognisers were
tuned on dev only. Each line: {"id", "lang", "split", "text", "entities": [{"kind", "start", "end", "value"}]}."""
from __future__ import annotations

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
VI_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
EN_DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
VN_PREFIXES = ["032", "033", "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079", "081", "082",
               "083", "084", "085", "086", "088", "089", "090", "091", "093", "094", "096", "097", "098"]
PROVINCES = ["001", "079", "048", "031", "092", "075", "038", "026", "040", "036"]
US_AREAS = ["212", "415", "312", "617", "206", "305", "713", "404", "646", "303"]


def luhn_complete(body: str) -> str:
    total = 0
    for k, ch in enumerate(reversed(body)):
        d = int(ch)
        if k % 2 == 0:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return body + str((10 - total % 10) % 10)


def values(rng: random.Random) -> dict[str, str]:
    digits = lambda n: "".join(rng.choice("0123456789") for _ in range(n))  # noqa: E731
    card = luhn_complete(rng.choice(["4", "51", "52", "53", "54", "55"]) + "")
    card = luhn_complete(card[:-1] + digits(16 - len(card)))
    area = rng.choice([rng.randint(1, 665), rng.randint(667, 899)])
    ssn = f"{area:03d}{rng.randint(1, 99):02d}{rng.randint(1, 9999):04d}"
    return {
        "vn_phone": rng.choice(VN_PREFIXES) + digits(7),
        "us_phone": rng.choice(US_AREAS) + str(rng.randint(2, 9)) + digits(2) + digits(4),
        "cccd": rng.choice(PROVINCES) + rng.choice("0123") + digits(8),
        "card": card,
        "account": str(rng.randint(1, 9)) + digits(rng.choice([8, 9, 10, 11, 12, 13])),
        "ssn": ssn,
    }


def groups(d: str, sizes: list[int], sep: str = " ") -> str:
    out, k = [], 0
    for s in sizes:
        out.append(d[k:k + s])
        k += s
    if k < len(d):
        out.append(d[k:])
    return sep.join(p for p in out if p)


def spoken(d: str, lang: str, rng: random.Random, style: str) -> str:
    """A digit string as ASR writes it: digits, groups, words, words in groups, or a mix."""
    words = VI_DIGITS if lang == "vi" else EN_DIGITS
    if style == "plain":
        return d
    if style == "groups":
        return groups(d, [4, 3, 3] if len(d) == 10 else [3, 3, 3, 3] if len(d) == 12 else [4, 4, 4, 4])
    if style == "dashes":
        return groups(d, [3, 3, 4] if len(d) == 10 else [3, 2, 4] if len(d) == 9 else [4, 4, 4, 4], "-")
    if style == "words":
        return " ".join(words[int(c)] for c in d)
    if style == "word_groups":  # "không chín một, hai ba bốn, ..."
        parts = groups(d, [3, 3, 4] if len(d) == 10 else [3] * 6).split()
        return ", ".join(" ".join(words[int(c)] for c in p) for p in parts)
    if style == "double" and lang == "en":  # "double five"
        out, k = [], 0
        while k < len(d):
            if k + 1 < len(d) and d[k] == d[k + 1]:
                out += ["double", words[int(d[k])]]
                k += 2
            else:
                out.append(words[int(d[k])])
                k += 1
        return " ".join(out)
    # mix: the first group as words, the rest as digits
    return " ".join(words[int(c)] for c in d[:3]) + " " + groups(d[3:], [3, 4, 4, 4])


STYLES = ["plain", "groups", "words", "word_groups", "mix", "dashes", "double"]

DEV = {
    "vi": [
        ("PHONE", "vn_phone", "Dạ số điện thoại của chị là {v} ạ."),
        ("PHONE", "vn_phone", "Anh gọi lại cho em theo số {v} nhé."),
        ("PHONE", "vn_phone", "Số máy mới của em là {v}, anh cập nhật giúp em."),
        ("CCCD", "cccd", "Số căn cước công dân của em là {v}."),
        ("CCCD", "cccd", "Dạ CCCD của chị {v} ạ."),
        ("CARD", "card", "Số thẻ của anh là {v}, em khoá giúp anh."),
        ("CARD", "card", "Thẻ tín dụng số {v} bị trừ tiền hai lần."),
        ("ACCOUNT", "account", "Số tài khoản của em là {v} ở Vietcombank."),
        ("ACCOUNT", "account", "Chị chuyển vào stk {v} giúp em."),
    ],
    "en": [
        ("PHONE", "us_phone", "Sure, my phone number is {v}."),
        ("PHONE", "us_phone", "You can call me back on {v} any time."),
        ("SSN", "ssn", "My social security number is {v}."),
        ("SSN", "ssn", "The SSN on the account is {v}."),
        ("CARD", "card", "The card number is {v}, it expires next year."),
        ("CARD", "card", "I paid with my visa, {v}."),
        ("ACCOUNT", "account", "My account number is {v}."),
        ("ACCOUNT", "account", "It went into checking account {v} yesterday."),
    ],
}
HELDOUT = {
    "vi": [
        ("PHONE", "vn_phone", "Em ghi lại số liên lạc giúp chị nhé, {v}."),
        ("PHONE", "vn_phone", "Zalo của anh cũng là {v} luôn em."),
        ("PHONE", "vn_phone", "Dạ vâng, em đọc lại số {v} đúng chưa ạ?"),
        ("CCCD", "cccd", "Chị đọc giúp em số định danh cá nhân, dạ {v}."),
        ("CCCD", "cccd", "Em xác minh căn cước {v} của anh rồi ạ."),
        ("CARD", "card", "Thẻ ghi nợ của chị số là {v} ạ."),
        ("CARD", "card", "Dạ em đọc số thẻ: {v}."),
        ("ACCOUNT", "account", "Tài khoản nhận tiền của em {v}, ngân hàng Techcombank."),
        ("ACCOUNT", "account", "Anh kiểm tra giúp em số tk {v} với."),
    ],
    "en": [
        ("PHONE", "us_phone", "Best number to reach me is {v}, thanks."),
        ("PHONE", "us_phone", "Let me read that back, {v}, correct?"),
        ("SSN", "ssn", "For verification, social is {v}."),
        ("SSN", "ssn", "Yeah the last one I gave was my SSN, {v}."),
        ("CARD", "card", "Card ending, well the full number is {v}."),
        ("CARD", "card", "Okay, mastercard {v}, expiry oh nine twenty seven."),
        ("ACCOUNT", "account", "The acct is {v} at Chase."),
        ("ACCOUNT", "account", "Please refund to account {v}."),
    ],
}
FIXED = {  # emails, names, addresses and utterances with no personal data, per split
    "dev": [
        ("vi", "Email của em là hoa.nguyen@gmail.com ạ.", [("EMAIL", "hoa.nguyen@gmail.com")]),
        ("vi", "Dạ email là minh chấm tran a còng yahoo chấm com.",
         [("EMAIL", "minh chấm tran a còng yahoo chấm com")]),
        ("vi", "Chị tên là Nguyễn Thị Hoa.", [("NAME", "Nguyễn Thị Hoa")]),
        ("vi", "Dạ em tên là Trần Văn Minh ạ.", [("NAME", "Trần Văn Minh")]),
        ("vi", "Nhà em ở số 25 đường Nguyễn Huệ, quận 1.", [("ADDRESS", "số 25 đường Nguyễn Huệ, quận 1")]),
        ("en", "My email is john.smith@example.com.", [("EMAIL", "john.smith@example.com")]),
        ("en", "It's sarah dot lee at outlook dot com.", [("EMAIL", "sarah dot lee at outlook dot com")]),
        ("en", "My name is Peter Parker.", [("NAME", "Peter Parker")]),
        ("en", "I live at 42 Maple Avenue, Boston.", [("ADDRESS", "42 Maple Avenue, Boston")]),
        ("vi", "Đơn hàng giao chậm 3 ngày rồi em ơi.", []),
        ("vi", "Phí dịch vụ là 2.000.000 đồng, chị chuyển trước 50%.", []),
        ("vi", "Một hai ngày nữa em gọi lại cho chị nhé.", []),
        ("vi", "Chị đặt hàng ngày 12/05/2024 lúc 9 giờ sáng.", []),
        ("vi", "Năm ngoái chị mua ba cái, năm nay mua thêm hai cái.", []),
        ("en", "I was charged 150 dollars twice on the 12th.", []),
        ("en", "I ordered two items on 2024-05-12 and one is broken.", []),
        ("en", "It took one, two, three weeks and nothing happened.", []),
        ("en", "The total came to 1,250,000 dollars? That can't be right.", []),
    ],
    "heldout": [
        ("vi", "Anh gửi qua mail tuan.le@company.vn giúp em.", [("EMAIL", "tuan.le@company.vn")]),
        ("vi", "Dạ mail là lan chấm pham a còng gmail chấm com ạ.",
         [("EMAIL", "lan chấm pham a còng gmail chấm com")]),
        ("vi", "Họ tên là Lê Thị Thu Trang.", [("NAME", "Lê Thị Thu Trang")]),
        ("vi", "Em là Phạm Quốc Bảo, khách hàng lâu năm.", [("NAME", "Phạm Quốc Bảo")]),
        ("vi", "Giao về 108 đường Trần Hưng Đạo, phường 5, quận 10 nhé.",
         [("ADDRESS", "108 đường Trần Hưng Đạo, phường 5, quận 10")]),
        ("en", "Send it to mike_brown@mail.com please.", [("EMAIL", "mike_brown@mail.com")]),
        ("en", "That's anna dot kim at gmail dot com.", [("EMAIL", "anna dot kim at gmail dot com")]),
        ("en", "Hi, this is Maria Gonzalez calling about my bill.", [("NAME", "Maria Gonzalez")]),
        ("en", "Ship it to 7 Elm Street, Portland.", [("ADDRESS", "7 Elm Street, Portland")]),
        ("vi", "Em hoàn lại 350.000 đồng vào ví cho chị rồi ạ.", []),
        ("vi", "Hai ba hôm nữa hàng sẽ tới, chị chờ giúp em.", []),
        ("vi", "Chị gọi ba lần rồi mà không ai nghe máy.", []),
        ("vi", "Khuyến mãi giảm 20% đến hết ngày 30 tháng 6.", []),
        ("vi", "Mã đơn là 4521, chị kiểm tra giúp em.", []),
        ("en", "I've been waiting forty five minutes on hold.", []),
        ("en", "The refund was 89 dollars and 99 cents.", []),
        ("en", "We spoke on March 3rd at 10 am, ticket 5521.", []),
        ("en", "One or two of them, not three.", []),
    ],
}


def build(split: str, templates: dict, seed: int, per_template: int) -> list[dict]:
    rng = random.Random(seed)
    rows: list[dict] = []
    for lang, items in templates.items():
        for t_idx, (kind, key, template) in enumerate(items):
            for k in range(per_template):
                value = values(rng)[key]
                style = STYLES[(k + t_idx) % len(STYLES)]
                if style == "double" and lang == "vi":
                    style = "mix"
                if style == "dashes" and kind not in ("PHONE", "SSN", "CARD"):
                    style = "groups"
                written = spoken(value, lang, rng, style)
                text = template.format(v=written)
                start = text.index(written)
                rows.append({"id": f"{split}-{lang}-{t_idx}-{k}", "lang": lang, "split": split, "style": style,
                             "text": text, "entities": [{"kind": kind, "start": start, "end": start + len(written),
                                                         "value": written, "digits": value}]})
    for n, (lang, text, ents) in enumerate(FIXED[split]):
        out = []
        for kind, value in ents:
            start = text.index(value)
            out.append({"kind": kind, "start": start, "end": start + len(value), "value": value})
        rows.append({"id": f"{split}-fixed-{n}", "lang": lang, "split": split, "style": "written", "text": text,
                     "entities": out})
    return rows


def main() -> None:
    for split, templates, seed in (("dev", DEV, 16), ("heldout", HELDOUT, 1601)):
        rows = build(split, templates, seed, per_template=7)
        with open(HERE / f"{split}.jsonl", "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(split, len(rows), "utterances,", sum(len(r["entities"]) for r in rows), "entities")


if __name__ == "__main__":
    main()

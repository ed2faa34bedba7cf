"""Build the inbox lesson series "Mỗi tuần một kỹ năng số" (one digital skill a week).

    python scripts/build_series.py

Every inbox content/inboxes/tuan-NN-*.yaml (at most 8 messages, one skill, scams mixed with genuine
look-alikes) becomes the lesson notebook notebooks/tuan-NN-*/tuan-NN-*.ipynb: the lesson folder is
named after its inbox, so the classroom catalogue lists the weeks in order. Each notebook is built
like notebooks/lua-dao-tin-nhan (nbgrader source, locked cells): a Vietnamese and an English intro
cell (metadata hocvuso.lang), the ScamInbox cell, a "Ghi nhớ" / "Remember" pair with the week's
rules (REMEMBER below), and the grade cell (10 points). Answers are saved under the task id
"tuan-NN", so the weeks never overwrite each other's answers.

Title and intro come from the inbox file; running the script twice gives identical files.
"""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import nbformat
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
INBOXES = ROOT / "content" / "inboxes"
NOTEBOOKS = ROOT / "notebooks"
SERIES = re.compile(r"^tuan-(\d\d)-[a-z0-9-]+$")
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}
POINTS = 10

HOW_TO = {
    "vi": ("**Cách làm**\n\n"
           "1. Chạm vào từng tin để mở.\n"
           "2. Có đường link? Bấm **Xem link thật** để biết link thật sự dẫn đi đâu.\n"
           "3. Chọn **Lừa đảo** hoặc **An toàn**, đánh dấu các dấu hiệu bạn thấy, rồi bấm **Gửi**.\n"
           "4. Đọc lời giải thích: mỗi dấu hiệu nghĩa là gì và nên làm gì.\n\n"
           "Gọi nhầm tin thật là lừa đảo cũng bị trừ điểm: nghi ngờ mọi thứ không phải là cách an toàn."),
    "en": ("**How to do it**\n\n"
           "1. Tap each message to open it.\n"
           "2. A link? Tap **Inspect link** to see where it really goes.\n"
           "3. Choose **Scam** or **Safe**, tick the red flags you saw, then **Send**.\n"
           "4. Read the feedback: what each red flag means and what to do.\n\n"
           "Calling a genuine message a scam also costs points: suspecting everything is not the safe way."),
}
SERIES_NAME = {"vi": "Mỗi tuần một kỹ năng số", "en": "One digital skill a week"}
WEEK = {"vi": "tuần {n}", "en": "week {n}"}
REMEMBER_HEADING = {"vi": "## Ghi nhớ", "en": "## Remember"}
REPORT = {
    "vi": "Báo tin rác: soạn **S <số gửi> <nội dung tin>** gửi **5656**; gọi **156** để phản ánh.",
    "en": "Report spam by texting **S <sender> <message text>** to **5656**; call **156**.",
}
INSTRUCTION = {"vi": " Với mỗi tin,", "en": " For each message,"}
"""Where an inbox intro's generic instruction starts: the notebook's summary stops there."""

REMEMBER = {
    'tuan-01-goi-lai-so-quen': [
        ("Người quen bỗng nhờ chuyển tiền, mua thẻ cào: **gọi lại vào số điện thoại bạn đã biết** trước khi làm gì.",
         "A contact suddenly wants money or top-up cards: **call them back on the number you know** before doing anything."),
        ("Video gọi ngắn, mờ, “mạng yếu” rồi tắt: có thể là video giả bằng AI.",
         "A short, blurry video call that drops with a “bad connection” may be an AI fake."),
        ("Tiền lạ vào tài khoản: không tự chuyển trả, hãy báo ngân hàng của bạn.",
         "Unexpected money in your account: do not send it back yourself; tell your bank."),
    ],
    'tuan-02-cong-an-that': [
        ("Công an không lấy lời khai, không gửi lệnh bắt, không bắt chuyển tiền qua điện thoại hay Zalo. Lo lắng thì **tự đến trụ sở công an**.",
         "Police do not take statements, send warrants or ask for money by phone or Zalo. If worried, **go to the police station yourself**."),
        ("Chỉ cài VNeID từ App Store hoặc CH Play.",
         "Install VNeID only from the App Store or Google Play."),
        ("Không ai được thu phí để “lấy lại tiền bị lừa”.",
         "Nobody may charge a fee to “recover” scammed money."),
    ],
    'tuan-03-doc-ten-mien': [
        ("Đọc địa chỉ đến trước dấu / đầu tiên và nhìn phần cuối: trang của cơ quan nhà nước kết thúc bằng **.gov.vn**; còn dichvucong.gov.vn-nopphat.top kết thúc bằng **vn-nopphat.top**, không phải trang nhà nước.",
         "Read the address up to the first / and look at its end: government sites end in **.gov.vn**, while dichvucong.gov.vn-nopphat.top ends in **vn-nopphat.top**, not a government site."),
        ("Tin nhắn SMS không giấu được link: chữ hiện ra chính là địa chỉ. Thư điện tử thì có thể giấu, hãy bấm xem link thật.",
         "An SMS cannot hide a link: what you see is the address. An e-mail can, so inspect the real link."),
        ("Tốt nhất: tự gõ dichvucong.gov.vn hoặc mở VNeID, không bấm link trong tin.",
         "Best: type dichvucong.gov.vn yourself or open VNeID rather than tapping links."),
    ],
    'tuan-04-ma-otp': [
        ("Ai hỏi mã OTP, mã đăng nhập hay mật khẩu của bạn, dù xưng là ai, đều là kẻ gian.",
         "Whoever asks for your OTP, login code or password, whoever they say they are, is a scammer."),
        ("Không bấm các mã như **21* theo lời người lạ: chúng chuyển cuộc gọi và mã OTP sang máy khác.",
         "Never dial codes such as **21* for a stranger: they forward your calls and OTPs."),
        ("Bật xác minh hai bước cho Zalo, Facebook, Telegram.",
         "Turn on two-step verification for Zalo, Facebook and Telegram."),
    ],
    'tuan-05-tien-da-ve-chua': [
        ("Ảnh hóa đơn rất dễ sửa: chỉ giao hàng khi **thấy tiền trong ứng dụng ngân hàng của mình**.",
         "Receipt pictures are easy to edit: hand over goods only when **you see the money in your own banking app**."),
        ("Tên người nhận trên màn hình chuyển khoản phải đúng tên người, cửa hàng bạn định trả.",
         "The payee name on the transfer screen must match the person or shop you mean to pay."),
        ("Tên thương hiệu trên tin nhắn có thể bị giả: đừng bấm link trong tin, hãy mở ứng dụng đã cài.",
         "A brand name on a text can be spoofed: do not tap its link; open the app you installed."),
    ],
    'tuan-06-vay-tien-an-toan': [
        ("Vay thật không bắt nộp phí trước và không hỏi mã OTP.",
         "A real loan never needs a fee first or your OTP."),
        ("**Không gửi ảnh hai mặt căn cước** hay ảnh chân dung cầm thẻ cho ai qua mạng.",
         "**Never send photos of your ID card** or a selfie holding it to anyone online."),
        ("Bị đòi món nợ mình không vay: không chuyển tiền, báo công an xã.",
         "Chased for a debt you never took: pay nothing and tell the commune police."),
    ],
    'tuan-07-viec-nhe-lai-cao': [
        ("Không bao giờ phải nộp tiền để được nhận việc hay nhận hoa hồng.",
         "You never pay to get a job or your commission."),
        ("Không khoản đầu tư thật nào “cam kết không lỗ”; sàn bắt nộp phí mới cho rút tiền là sàn lừa.",
         "No real investment is “guaranteed against loss”; a platform that wants a fee before you withdraw is a scam."),
        ("Không ai biết trước kết quả xổ số.",
         "Nobody knows lottery results in advance."),
    ],
    'tuan-08-mua-sam-du-lich': [
        ("Giá rẻ bất thường, “chỉ còn vài suất”, bắt chuyển khoản trước vào tài khoản cá nhân: dừng lại.",
         "An unusually low price, “only a few left” and payment first to a personal account: stop."),
        ("Chọn thanh toán khi nhận hàng và kiểm tra hàng trước khi trả tiền.",
         "Choose cash on delivery and check the goods before paying."),
        ("Đặt tour qua công ty có văn phòng, hợp đồng, hóa đơn.",
         "Book trips through a company with an office, a contract and an invoice."),
    ],
    'tuan-09-con-chau': [
        ("Nghe tin con cháu gặp nạn: **gọi ngay cô chủ nhiệm, bố mẹ cháu** theo số đã lưu trước khi chuyển tiền.",
         "Told a child is hurt: **call the teacher and the parents** on saved numbers before sending money."),
        ("Bệnh viện cấp cứu trước, không đòi chuyển tiền vào tài khoản cá nhân.",
         "Hospitals treat first; they never want money in a personal account."),
        ("Tuyển mẫu nhí, học bổng thật không thu phí trước.",
         "Real castings and scholarships never charge a fee first."),
    ],
    'tuan-10-tin-don-quang-cao': [
        ("Nghe máy không làm mất tiền. Tiền chỉ mất khi làm theo người lạ: bấm link, cài ứng dụng, đọc OTP, chuyển khoản.",
         "Answering a call does not cost you money. You lose it only by doing what a stranger says: tapping a link, installing an app, reading an OTP, transferring."),
        ("Xem nguồn trước khi chia sẻ: ai nói, đơn vị nào, có trên trang chính thức không?",
         "Check the source before sharing: who says it, which body, is it on an official page?"),
        ("Quà “miễn phí” mà đòi số thẻ, OTP để trả phí ship là lừa.",
         "A “free” gift that wants your card number or OTP for delivery is a scam."),
    ],
    'tuan-11-tai-khoan-va-nguoi-la': [
        ("Lấy lại tài khoản là miễn phí, làm ngay trong ứng dụng; không đưa mật khẩu, mã cho “dịch vụ”.",
         "Getting an account back is free, inside the app; never give a password or code to a “service”."),
        ("Không gửi tiền cho người quen qua mạng mà mình chưa từng gặp, dù họ hứa gửi quà.",
         "Never send money to someone you met online and have not met in person, whatever gift they promise."),
        ("Cơ quan công an không thu phí để trả lại tiền bị lừa.",
         "The police never charge a fee to return scammed money."),
    ],
}
"""The week's rules to remember, (vi, en) pairs, by inbox id."""


def _meta(grade_id: str, *, lang: str | None = None, points: int | None = None) -> dict:
    nbgrader = {"grade": points is not None, "grade_id": grade_id, "locked": True, "schema_version": 3,
                "solution": False, "task": False}
    if points is not None:
        nbgrader["points"] = points
    meta = {"nbgrader": nbgrader}
    if lang:
        meta["hocvuso"] = {"lang": lang}
    return meta


def _cell(make, source: str, grade_id: str, **meta):
    cell = make(source, metadata=_meta(grade_id, **meta))
    cell["id"] = hashlib.sha1(grade_id.encode()).hexdigest()[:8]  # stable ids: rebuilding changes nothing
    return cell


def build(inbox_id: str) -> nbformat.NotebookNode:
    """The lesson notebook of one series inbox."""
    week = int(SERIES.match(inbox_id).group(1))
    data = yaml.safe_load((INBOXES / f"{inbox_id}.yaml").read_text(encoding="utf-8"))
    task = f"tuan-{week:02d}"
    cells = []
    for lang, suffix in (("vi", ""), ("en", "-en")):
        summary = data["intro"][lang].split(INSTRUCTION[lang])[0]
        cells.append(_cell(new_markdown_cell,
                           f"# {data['title'][lang]}\n\n{SERIES_NAME[lang]}, {WEEK[lang].format(n=week)}. {summary}"
                           f"\n\n{HOW_TO[lang]}", f"gioi-thieu{suffix}", lang=lang))
    cells.append(_cell(new_code_cell, f'from hocvuso.widgets import ScamInbox\n\nhop_thu = ScamInbox("{inbox_id}", '
                       f'task_id="{task}")\nhop_thu', "hop-thu-widget"))
    for index, (lang, suffix) in enumerate((("vi", ""), ("en", "-en"))):
        rules = "\n".join(f"- {pair[index]}" for pair in REMEMBER[inbox_id])
        cells.append(_cell(new_markdown_cell, f"{REMEMBER_HEADING[lang]}\n\n{rules}\n- {REPORT[lang]}",
                           f"ghi-nho{suffix}", lang=lang))
    cells.append(_cell(new_code_cell, f'from hocvuso.grader import grade\n\ngrade("{task}", scenario="{inbox_id}", '
                       f'out_of={POINTS})', f"diem-{task}", points=POINTS))
    nb = new_notebook(cells=cells, metadata=KERNEL)
    nb["nbformat_minor"] = 5
    return nb


def series_inboxes() -> list[str]:
    """The series' inbox ids, in week order."""
    return sorted(p.stem for p in INBOXES.glob("tuan-*.yaml") if SERIES.match(p.stem))


def main() -> None:
    missing = set(series_inboxes()) - set(REMEMBER)
    if missing:
        raise SystemExit(f"scripts/build_series.py: write the REMEMBER rules for {sorted(missing)}")
    for inbox_id in series_inboxes():
        nb = build(inbox_id)
        nbformat.validate(nb)
        folder = NOTEBOOKS / inbox_id
        folder.mkdir(exist_ok=True)
        nbformat.write(nb, folder / f"{inbox_id}.ipynb")
        print(f"{folder.relative_to(ROOT)}/{inbox_id}.ipynb")


if __name__ == "__main__":
    main()

"""Build the three contest assignments (nbgrader source form) in notebooks/thi-*/ from judge-only data.

    python scripts/build_contests.py

* thi-lap-trinh: coding contest; expected values are computed here with hocvuso.core.validators
  (ID numbers, phones) and the reference solution (look-alike domains), then written as literals.
* thi-ai: AI-application contest; writes du-lieu/train.csv (shipped) and the notebook whose
  check_model cell carries the hidden seed inside the hidden-test region; its README ends with the
  judges' road from collection to final ranking (scripts/thi-ai-judges-road.md).
* thi-khong-code: no-code contest; splits contest/judge/hop-thu-thi.json into the public bank
  (de-thi/hop-thu.json, no answers) and the key literal inside the grade cell's hidden region; and
  contest/judge/ho-so-thi.json (the dossier task) into de-thi/ho-so.json (template and pools, no key,
  the seed replaced by a one-way salt) and the key (with the seed) inside its grade cell's hidden region.

Running it twice gives identical files (a test checks the committed files are up to date).
"""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from hocvuso.contest import make_dataset, write_csv
from hocvuso.contest._dossier import bank_salt, variant_exercise
from hocvuso.contest._sms import TRAIN_SEED, VALIDATION_SEED
from hocvuso.core import describe_link
from hocvuso.core.inbox import load_flags, offered_flags
from hocvuso.core.validators import check_mobile, check_personal_id

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
JUDGE = ROOT / "contest" / "judge"
KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
          "language_info": {"name": "python"}}
AI_SEED, AI_N, AI_BASELINE, AI_TARGET = 90210, 600, 0.75, 0.93


def meta(grade_id, *, grade=False, solution=False, locked=False, points=None, competences=None):
    m = {"nbgrader": {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": 3,
                      "solution": solution, "task": False}}
    if points is not None:
        m["nbgrader"]["points"] = points
    if competences:
        m["hocvuso"] = {"competences": list(competences)}
    return m


def md(grade_id, text, **kw):
    return new_markdown_cell(text, metadata=meta(grade_id, locked=True, **kw))


def code(grade_id, text, **kw):
    return new_code_cell(text, metadata=meta(grade_id, **kw))


def write(folder: str, cells: list, extra: dict | None = None) -> Path:
    nb = new_notebook(cells=cells, metadata={**KERNEL, "hocvuso": {"contest": True, **(extra or {})}})
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"
    nbformat.validate(nb)
    path = NOTEBOOKS / folder / f"{folder}.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def set_literal(values) -> str:
    """A set literal in sorted order (repr(set) follows PYTHONHASHSEED: the build must not)."""
    return "{" + ", ".join(repr(x) for x in sorted(values)) + "}"


def cases_literal(cases_public, cases_hidden) -> str:
    lines = [f"    ({tuple(args)!r}, {expected!r})," for args, expected in cases_public]
    lines.append("### BEGIN HIDDEN TESTS")
    lines += [f"    ({tuple(args)!r}, {expected!r})," for args, expected in cases_hidden]
    lines.append("### END HIDDEN TESTS")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------------
# thi-lap-trinh

PROVINCE_CODES = sorted({"001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
                         "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
                         "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
                         "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
                         "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096"})

ID_SOLUTION = '''def so_dinh_danh_hop_le(so, nam_sinh, gioi_tinh):
    ### BEGIN SOLUTION
    so = so.replace(" ", "")
    if len(so) != 12 or not so.isdigit() or not so.isascii():
        return False
    if so[:3] not in MA_TINH:
        return False
    the_ky = (nam_sinh // 100) - 19          # 1900-1999 -> 0, 2000-2099 -> 1, ...
    nu = gioi_tinh.strip().lower() in ("nữ", "nu")
    if int(so[3]) != the_ky * 2 + (1 if nu else 0):
        return False
    return so[4:6] == f"{nam_sinh % 100:02d}"
    ### END SOLUTION'''

PHONE_SOLUTION = '''def chuan_hoa_so_dien_thoai(chuoi):
    ### BEGIN SOLUTION
    if not isinstance(chuoi, str):
        return None
    s = "".join(c for c in chuoi if c not in " .-()")
    if s.startswith("+84"):
        s = s[3:]
    elif s.startswith("0084"):
        s = s[4:]
    elif s.startswith("84") and len(s) == 11:
        s = s[2:]
    elif s.startswith("0"):
        s = s[1:]
    else:
        return None
    if len(s) != 9 or not s.isdigit() or not s.isascii():
        return None
    if "0" + s[:2] not in DAU_SO_DI_DONG:
        return None
    return "+84" + s
    ### END SOLUTION'''

MOBILE_PREFIXES = sorted({"086", "096", "097", "098", "032", "033", "034", "035", "036", "037", "038", "039",
                          "088", "091", "094", "081", "082", "083", "084", "085", "089", "090", "093", "070",
                          "076", "077", "078", "079", "092", "056", "058", "059", "099", "087"})

DOMAIN_SOLUTION = '''def phan_loai_ten_mien(dia_chi, chinh_thuc):
    ### BEGIN SOLUTION
    host = dia_chi.strip().lower()
    for dau in ("https://", "http://"):
        if host.startswith(dau):
            host = host[len(dau):]
    host = host.split("/")[0].split("?")[0].split(":")[0].rstrip(".")
    chinh_thuc = chinh_thuc.lower()
    if host == chinh_thuc or host.endswith("." + chinh_thuc):
        return "chinh_thuc"
    nhan = chinh_thuc.split(".")[0]                      # "senvangbank"
    phan = host.split(".")
    duoi = 2 if ".".join(phan[-2:]) in DUOI_HAI_CAP else 1
    ten = phan[-duoi - 1] if len(phan) > duoi else phan[0]   # registrable label, e.g. "vn-xacthuc"
    if nhan in host:                                      # brand as subdomain, brand + service word
        return "gia_mao"
    giong = ten.replace("0", "o").replace("1", "l").replace("rn", "m").replace("vv", "w")
    if giong == nhan or khoang_cach(ten, nhan) <= 2:      # homoglyphs and typos
        return "gia_mao"
    return "khac"


def khoang_cach(a, b):
    """Levenshtein distance (insert, delete, replace)."""
    truoc = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        hien = [i]
        for j, cb in enumerate(b, 1):
            hien.append(min(truoc[j] + 1, hien[j - 1] + 1, truoc[j - 1] + (ca != cb)))
        truoc = hien
    return truoc[-1]
    ### END SOLUTION'''

TWO_LEVEL = ["com.vn", "gov.vn", "edu.vn", "net.vn", "org.vn", "co.uk"]


def build_coding() -> None:
    ids_public = [("079205001122", 2005, "nam"), ("036096004521", 1996, "nữ"), ("0361960045", 1996, "nữ")]
    ids_hidden = [("001099012345", 1999, "nam"), ("001199012345", 1999, "nữ"), ("079305001122", 2005, "nữ"),
                  ("036196004521", 1996, "nữ"), ("036 196 004 521", 1996, "nữ"), ("999196004521", 1996, "nữ"),
                  ("003196004521", 1996, "nữ"), ("096210000001", 2010, "nam"), ("096210000001", 2011, "nam"),
                  ("04720800A123", 2008, "nam"), ("048210123456", 2010, "nam"), ("048310123456", 2010, "nam"),
                  ("001185000001", 1984, "nữ"), ("0012850000011", 1985, "nam"), ("024307654321", 2007, "nữ"),
                  ("024307654321", 2007, "nam"), ("100099012345", 1999, "nam")]

    def id_expected(s, y, g):
        problems, _ = check_personal_id(s, birth_date=date(y, 6, 1), gender=g, today=date(2026, 12, 31))
        return not problems

    phones_public = ["0912 345 678", "+84 91 234 5678", "0123456789"]
    phones_hidden = ["84912345678", "0084912345678", "091-234-5678", "(091) 234 5678", "0321234567",
                     "01234567890", "+85512345678", "091234567", "09123456789", "0241234567", "0869 555 214",
                     "0589555771", "+840912345678", "0991234567", "0561234567", "0701234567", "091234567a", ""]

    def phone_expected(s):
        _problems, mobile = check_mobile(s)
        return mobile.e164 if mobile else None

    domains_public = [("https://senvangbank.com.vn/dang-nhap", "senvangbank.com.vn"),
                      ("https://senvangbank.vn-xacthuc.top/login", "senvangbank.com.vn"),
                      ("dichvucong.gov.vn", "dichvucong.gov.vn")]
    domains_hidden = [("http://ebank.senvangbank.com.vn/", "senvangbank.com.vn"),
                      ("senvangbankk.com", "senvangbank.com.vn"), ("senvangbamk.com.vn/otp", "senvangbank.com.vn"),
                      ("https://s3nvangbank.xyz", "senvangbank.com.vn"), ("nganhang-senvangbank.vip/vn", "senvangbank.com.vn"),
                      ("https://hoctap.edu.vn/bai-1", "senvangbank.com.vn"), ("https://dichvucong.gov.vn.nopphat.top/tracuu", "dichvucong.gov.vn"),
                      ("dichvucongg.com/vn", "dichvucong.gov.vn"), ("https://dichvuc0ng.cc", "dichvucong.gov.vn"),
                      ("https://csgt.dichvucong.gov.vn/tra-cuu", "dichvucong.gov.vn"), ("vneid.gov.vn", "dichvucong.gov.vn"),
                      ("https://honglambank.com.vn", "honglambank.com.vn"), ("honglarnbank.com.vn", "honglambank.com.vn"),
                      ("https://honglambank.com.vn.ekyc-capnhat.icu/", "honglambank.com.vn"),
                      ("http://tintuc24h.vn/honglam", "honglambank.com.vn"), ("https://saomai.vn/goi-cuoc", "saomai.vn"),
                      ("saomai-chuanhoa-thuebao.xyz/cccd", "saomai.vn")]
    namespace: dict = {"DUOI_HAI_CAP": set(TWO_LEVEL)}
    exec(DOMAIN_SOLUTION.replace("### BEGIN SOLUTION", "").replace("### END SOLUTION", ""), namespace)
    classify = namespace["phan_loai_ten_mien"]
    for url, official in domains_public + domains_hidden:  # the solution must agree with the public-suffix list
        got = classify(url, official)
        real = describe_link(url if "://" in url else "https://" + url)["domain"]
        assert (got == "chinh_thuc") == (real == official or real.endswith("." + official)), (url, got, real)

    cells = [
        md("de-bai", "# Thi lập trình: kiểm tra dữ liệu số / Coding contest: checking digital data\n\n"
           "Viết ba hàm Python. Mỗi hàm được chấm trên **các trường hợp công khai** (ở ngay dưới hàm) và **nhiều "
           "trường hợp ẩn** do ban giám khảo giữ; mỗi trường hợp đúng được một phần điểm.\n\n"
           "*Write three Python functions. Each is judged on the public cases below it and on many hidden cases; "
           "each case passed earns part of the points.*\n\n"
           "- Chỉ dùng thư viện chuẩn của Python. Không đọc, ghi tệp hay mạng.\n"
           "- Hàm phải **trả về** giá trị (không chỉ `print`).\n"
           "- Chạy các ô kiểm tra để tự thử; chúng không cho biết điểm thật.",
           competences=("3.4",)),
        md("du-lieu-md", "## Dữ liệu có sẵn / Given data\nChạy ô dưới đây trước (mã tỉnh nơi đăng ký khai sinh, đầu "
           "số di động, đuôi tên miền hai cấp)."),
        code("du-lieu", "MA_TINH = " + set_literal(PROVINCE_CODES) + "\n\nDAU_SO_DI_DONG = " + set_literal(MOBILE_PREFIXES)
             + "\n\nDUOI_HAI_CAP = " + set_literal(TWO_LEVEL), locked=True),
        md("cau-1-md", "## Câu 1 (6 điểm). Số định danh cá nhân\n"
           "`so_dinh_danh_hop_le(so, nam_sinh, gioi_tinh)` trả về `True` nếu `so` là số định danh 12 chữ số hợp lệ "
           "của người sinh năm `nam_sinh` (số nguyên) có giới tính `gioi_tinh` (`\"nam\"` hoặc `\"nữ\"`), ngược lại "
           "`False`.\n\nCấu trúc **PPP G YY RRRRRR**: bỏ dấu cách; đúng 12 chữ số; PPP thuộc `MA_TINH`; G = thế kỷ "
           "và giới tính (1900–1999: nam 0, nữ 1; 2000–2099: nam 2, nữ 3; …); YY = hai số cuối năm sinh."),
        code("cau-1", ID_SOLUTION, solution=True),
        code("cau-1-kiem-tra", 'from hocvuso.grader import check_function\n\ncheck_function("so_dinh_danh_hop_le", [\n'
             + cases_literal([((s, y, g), id_expected(s, y, g)) for s, y, g in ids_public],
                             [((s, y, g), id_expected(s, y, g)) for s, y, g in ids_hidden])
             + "\n], out_of=6)", grade=True, locked=True, points=6, competences=("3.4", "4.2")),
        md("cau-2-md", "## Câu 2 (6 điểm). Chuẩn hóa số điện thoại di động\n"
           "`chuan_hoa_so_dien_thoai(chuoi)` trả về số ở dạng quốc tế `\"+84\"` + 9 chữ số nếu `chuoi` là một số di "
           "động Việt Nam (viết `0…`, `+84…`, `84…` hoặc `0084…`, có thể có dấu cách, chấm, gạch ngang, ngoặc), "
           "ngược lại trả về `None`. Đầu số di động hợp lệ nằm trong `DAU_SO_DI_DONG` (10 chữ số kể cả số 0 đầu)."),
        code("cau-2", PHONE_SOLUTION, solution=True),
        code("cau-2-kiem-tra", 'from hocvuso.grader import check_function\n\ncheck_function("chuan_hoa_so_dien_thoai", [\n'
             + cases_literal([((s,), phone_expected(s)) for s in phones_public],
                             [((s,), phone_expected(s)) for s in phones_hidden])
             + "\n], out_of=6)", grade=True, locked=True, points=6, competences=("3.4", "4.2")),
        md("cau-3-md", "## Câu 3 (8 điểm). Phát hiện tên miền giả mạo\n"
           "`phan_loai_ten_mien(dia_chi, chinh_thuc)` nhận một đường link và tên miền chính thức của một thương hiệu "
           "(ví dụ `\"senvangbank.com.vn\"`) và trả về:\n\n"
           "- `\"chinh_thuc\"` nếu máy chủ của link **là** tên miền chính thức hoặc tên miền con của nó "
           "(`ebank.senvangbank.com.vn`);\n"
           "- `\"gia_mao\"` nếu link bắt chước thương hiệu: tên thương hiệu nằm trong tên máy chủ nhưng tên miền thật "
           "khác (`senvangbank.vn-xacthuc.top`), gõ sai 1–2 ký tự (`senvangbankk.com`), ký tự trông giống nhau "
           "(`0`/`o`, `1`/`l`, `rn`/`m`), hay đuôi rẻ tiền (`.top`, `.xyz`, `.vip`…) mang tên thương hiệu;\n"
           "- `\"khac\"` cho mọi link khác (không liên quan tới thương hiệu).\n\n"
           "Tên thương hiệu là phần đầu của tên miền chính thức (`senvangbank`). Đuôi hai cấp nằm trong `DUOI_HAI_CAP`."),
        code("cau-3", DOMAIN_SOLUTION, solution=True),
        code("cau-3-kiem-tra", 'from hocvuso.grader import check_function\n\ncheck_function("phan_loai_ten_mien", [\n'
             + cases_literal([((u, o), classify(u, o)) for u, o in domains_public],
                             [((u, o), classify(u, o)) for u, o in domains_hidden])
             + "\n], out_of=8)", grade=True, locked=True, points=8, competences=("3.4", "4.2", "1.2")),
    ]
    write("thi-lap-trinh", cells)


# ------------------------------------------------------------------------------------------------
# thi-ai

RUBRIC = """## Thang điểm phần giải thích (5 điểm, chấm tay) / Rubric for the written part

| Tiêu chí / criterion | Điểm |
|---|---|
| Nêu đúng **số liệu**: F1 (hoặc độ chính xác, recall) trên tập kiểm định, số tin bị bỏ sót và số tin bị báo nhầm | 1 |
| Phân tích **ít nhất 3 lỗi cụ thể** (trích tin nhắn), nói vì sao mô hình sai (từ ngữ chưa gặp, không dấu, số thay chữ, link lạ, tin thật giống tin lừa …) | 2 |
| Nói **loại lỗi nào nguy hiểm hơn** với người dùng (bỏ sót tin lừa đảo hay báo nhầm tin thật) và vì sao | 1 |
| Đề xuất **một cách cải thiện** có lý do (chuẩn hóa bỏ dấu, n-gram ký tự, thêm dữ liệu, đặc trưng link …) và giới hạn của mô hình (không thay được việc gọi lại số quen, hỏi người tin cậy) | 1 |

Bài viết bằng tiếng Việt hoặc tiếng Anh, khoảng 150–300 từ. Không chấm điểm văn phong."""


def build_ai() -> None:
    folder = NOTEBOOKS / "thi-ai"
    write_csv(folder / "du-lieu" / "train.csv", make_dataset(split="train", seed=TRAIN_SEED, n=2000))
    write_csv(folder / "du-lieu" / "kiem-dinh.csv", make_dataset(split="validation", seed=VALIDATION_SEED, n=400))
    (folder / "README.md").write_text(
        "# thi-ai — Ứng dụng AI: phân loại tin nhắn lừa đảo\n\n"
        "Học sinh THPT huấn luyện một bộ phân loại tin nhắn SMS tiếng Việt (scikit-learn) trên `du-lieu/train.csv`, "
        "tự kiểm tra trên `du-lieu/kiem-dinh.csv`, rồi giải thích các lỗi của mô hình.\n\n"
        f"- Phần mô hình (10 điểm): `hocvuso grade` tính F1 của lớp `scam` trên một tập ẩn {AI_N} tin nhắn do ban "
        f"giám khảo sinh ra (cách diễn đạt không có trong tập huấn luyện); 0 điểm khi F1 ≤ {AI_BASELINE}, đủ điểm khi "
        f"F1 ≥ {AI_TARGET}, tuyến tính ở giữa.\n- Phần giải thích (5 điểm): chấm tay trong formgrader của nbgrader "
        "theo thang điểm dưới đây.\n\n" + RUBRIC + "\n\nDữ liệu là tin nhắn tổng hợp do dự án viết (thương hiệu, tên "
        "miền, người và số đều là giả), không sao chép tin nhắn thật.\n\n"
        + (ROOT / "scripts" / "thi-ai-judges-road.md").read_text(encoding="utf-8"), encoding="utf-8")
    data_public = '{"generator": "sms", "split": "hidden", "n": %d,\n### BEGIN HIDDEN TESTS\n    "seed": %d,\n### END HIDDEN TESTS\n}' % (AI_N, AI_SEED)
    cells = [
        md("de-bai", "# Thi ứng dụng AI: nhận diện tin nhắn lừa đảo / AI contest: spotting scam SMS\n\n"
           "Em có 2 000 tin nhắn SMS tiếng Việt **tổng hợp** đã gán nhãn (`scam` = lừa đảo, `legit` = bình thường) "
           "trong `du-lieu/train.csv`, và 400 tin để tự kiểm tra trong `du-lieu/kiem-dinh.csv`.\n\n"
           "1. **Mô hình (10 điểm).** Huấn luyện một bộ phân loại bằng scikit-learn và viết hàm "
           "`phan_loai(texts)` nhận một danh sách tin nhắn và trả về **danh sách nhãn** (`\"scam\"` hoặc "
           f"`\"legit\"`). Ban giám khảo chấm F1 của lớp `scam` trên {AI_N} tin nhắn **ẩn**, viết theo những cách "
           f"**không có** trong tập huấn luyện: 0 điểm khi F1 ≤ {AI_BASELINE}, đủ 10 điểm khi F1 ≥ {AI_TARGET}.\n"
           "2. **Giải thích (5 điểm, chấm tay).** Mô hình của em sai ở đâu, vì sao, và nên làm gì?\n\n"
           "Quy định: chỉ dùng dữ liệu được cấp; không mạng; mô hình phải huấn luyện xong trong vài chục giây.",
           competences=("6.1",)),
        code("doc-du-lieu", "import csv\n\n\ndef doc(duong_dan):\n    with open(duong_dan, encoding=\"utf-8\") as f:\n"
             "        hang = list(csv.DictReader(f))\n    return [h[\"text\"] for h in hang], [h[\"label\"] for h in hang]\n\n\n"
             "X_train, y_train = doc(\"du-lieu/train.csv\")\nX_val, y_val = doc(\"du-lieu/kiem-dinh.csv\")\n"
             "print(len(X_train), \"tin huấn luyện;\", len(X_val), \"tin kiểm định\")\nprint(X_train[0], \"->\", y_train[0])",
             locked=True),
        md("mo-hinh-md", "## Phần 1. Mô hình\nViết mã huấn luyện và hàm `phan_loai` trong ô dưới đây (có thể thêm ô)."),
        code("mo-hinh", "from sklearn.feature_extraction.text import TfidfVectorizer\nfrom sklearn.linear_model import "
             "LogisticRegression\nfrom sklearn.pipeline import make_pipeline\n\n### BEGIN SOLUTION\nimport unicodedata\n"
             "from sklearn.pipeline import make_union\n\n\ndef bo_dau(t):\n    t = t.replace(\"đ\", \"d\").replace(\"Đ\", \"D\")\n"
             "    t = unicodedata.normalize(\"NFD\", t)\n    return \"\".join(c for c in t if unicodedata.category(c) != \"Mn\").lower()\n\n\n"
             "mo_hinh = make_pipeline(\n    make_union(TfidfVectorizer(preprocessor=bo_dau, ngram_range=(1, 2), sublinear_tf=True),\n"
             "               TfidfVectorizer(preprocessor=bo_dau, analyzer=\"char_wb\", ngram_range=(2, 5), sublinear_tf=True)),\n"
             "    LogisticRegression(max_iter=2000, C=10))\nmo_hinh.fit(X_train + X_val, y_train + y_val)\n\n\n"
             "def phan_loai(texts):\n    return list(mo_hinh.predict(texts))\n### END SOLUTION", solution=True),
        code("mo-hinh-kiem-tra", "from hocvuso.grader import check_model\n\ncheck_model(\"phan_loai\", data="
             + data_public + f", positive=\"scam\", baseline={AI_BASELINE}, target={AI_TARGET}, out_of=10)",
             grade=True, locked=True, points=10, competences=("6.2", "6.3", "3.4")),
        md("loi-md", "## Phần 2. Giải thích lỗi của mô hình\nChạy ô dưới đây để xem các tin nhắn kiểm định mà mô hình "
           "phân loại sai, rồi viết câu trả lời vào ô tiếp theo (150–300 từ)."),
        code("xem-loi", "du_doan = phan_loai(X_val)\nsai = [(t, y, d) for t, y, d in zip(X_val, y_val, du_doan) if y != d]\n"
             "print(len(sai), \"tin sai trên\", len(X_val))\nfor t, y, d in sai[:15]:\n    print(f\"[đúng: {y} | máy: {d}] {t}\")"),
        md("giai-thich-huong-dan", "Câu trả lời của em nên có: số liệu (F1, số tin bỏ sót, số tin báo nhầm); ít nhất "
           "3 lỗi cụ thể và lý do; loại lỗi nào nguy hiểm hơn cho người dùng; một cách cải thiện và giới hạn của mô hình."),
        new_markdown_cell("YOUR ANSWER HERE", metadata=meta("giai-thich", grade=True, solution=True, points=5,
                                                             competences=("6.3", "1.2"))),
        md("thang-diem", RUBRIC),
    ]
    write("thi-ai", cells)


# ------------------------------------------------------------------------------------------------
# thi-khong-code

def build_dossier_bank(folder: Path) -> str:
    """Write de-thi/ho-so.json (public: no key, no seed) and return the key's lines for the hidden region."""
    judge = json.loads((JUDGE / "ho-so-thi.json").read_text(encoding="utf-8"))
    key = {"seed": judge["seed"], **judge["key"]}
    public = {k: val for k, val in judge.items() if k not in ("key", "seed")}
    public = {"id": public.pop("id"), "kind": public.pop("kind"), "salt": bank_salt(judge["seed"]), **public}
    for student in ("kiem-tra-1", "kiem-tra-2", "kiem-tra-3", "kiem-tra-4"):  # the template passes its own rules
        variant_exercise(public, student, key)
    (folder / "de-thi" / "ho-so.json").write_text(json.dumps(public, ensure_ascii=False, indent=1) + "\n",
                                                  encoding="utf-8")
    return "\n".join(f"    {k!r}: {val!r}," for k, val in key.items())


def build_no_code() -> None:
    bank = json.loads((JUDGE / "hop-thu-thi.json").read_text(encoding="utf-8"))
    key = {}
    public = json.loads(json.dumps(bank))
    catalogue = load_flags()
    for slot in public["slots"]:
        for item in slot["items"]:
            key[item["id"]] = item.pop("key")
            # The short flag list a lesson offers (its key's flags and channel-fitting distractors, always
            # FLAG_CHOICES long, in catalogue order): stored public, so the contest widget shows it without the key.
            item["offered"] = list(offered_flags(item["id"], item["channel"], key[item["id"]][1], catalogue))
    flags_per_slot = [{len(key[i["id"]][1]) for i in s["items"]} for s in public["slots"]]
    assert all(len(f) == 1 for f in flags_per_slot), "every item of a slot must have as many red flags"
    folder = NOTEBOOKS / "thi-khong-code"
    (folder / "de-thi").mkdir(parents=True, exist_ok=True)
    (folder / "de-thi" / "hop-thu.json").write_text(json.dumps(public, ensure_ascii=False, indent=1) + "\n",
                                                    encoding="utf-8")
    key_lines = "\n".join(f"    {k!r}: {list(v)!r}," for k, v in key.items())
    dossier_key_lines = build_dossier_bank(folder)
    cells = [
        md("de-bai", "# Thi không cần viết mã: hộp thư điện thoại và hồ sơ trực tuyến / No-code contest: the phone "
           "inbox and an online dossier\n\n"
           "Mỗi thí sinh nhận **một đề riêng**: tin nhắn, tên người, số tiền và thứ tự khác nhau. Với mỗi tin nhắn, "
           "chọn **Lừa đảo** hay **An toàn**; nếu lừa đảo, đánh dấu các dấu hiệu em thấy. Em có thể sửa câu trả lời "
           "đến khi nộp bài. Sau đó em **nộp một hồ sơ trực tuyến** (khai sinh) cho gia đình trong tình huống "
           "của đề em. **Trong lúc thi không có đáp án hay điểm hiện ra.**\n\n"
           "*Each candidate gets their own variant. For each message choose Scam or Safe; for a scam tick the red "
           "flags. Then file one online dossier (a birth registration) for the family in your situation card. No "
           "answers or scores are shown during the contest.*", competences=("4.2", "2.3")),
        md("ma-thi-md", "## Bước 1. Mã dự thi / Your contest id\nNếu em làm bài trên JupyterHub của kỳ thi, để trống. "
           "Nếu không, gõ **đúng mã dự thi** ban tổ chức cấp (ví dụ `\"hs-0421\"`) rồi chạy ô. Làm đề của mã khác "
           "sẽ bị chấm theo đề của chính em và mất điểm."),
        new_code_cell('MA_THI = ""  # ví dụ: MA_THI = "hs-0421"'),
        md("hop-thu-md", "## Bước 2. Hộp thư / The inbox"),
        code("hop-thu-widget", 'from hocvuso.contest import ContestInbox\n\nhop_thu = ContestInbox("de-thi/hop-thu.json", '
             'task_id="hop-thu", student=MA_THI or None)\nhop_thu', locked=True),
        code("hop-thu-diem", 'from hocvuso.grader import grade_variant\n\ngrade_variant("hop-thu", bank="de-thi/hop-thu.json", '
             "out_of=16, key={\n### BEGIN HIDDEN TESTS\n" + key_lines + "\n### END HIDDEN TESTS\n})",
             grade=True, locked=True, points=16, competences=("4.2", "2.3", "1.2")),
        md("ho-so-md", "## Bước 3. Nộp hồ sơ trực tuyến / Filing a dossier online\n"
           "Đọc kỹ **tình huống** (người, số giấy tờ và ngày tháng của đề em khác đề bạn bên cạnh) rồi làm hồ sơ "
           "từ đầu đến cuối: chọn đúng cổng, đăng nhập, chọn thủ tục và cơ quan, điền tờ khai, đính kèm giấy tờ, "
           "cam đoan, xác nhận OTP, xử lý lệ phí, nộp và theo dõi hồ sơ. Lúc thi không có nhận xét đúng/sai; "
           "bài được lưu sau mỗi bước và **không làm lại được** khi đã vào cổng giả hay nộp hồ sơ.\n\n"
           "*Read your situation card (your people and numbers differ from your neighbour's) and file the dossier "
           "end to end. No right/wrong feedback during the contest; your work is saved at each step.*",
           competences=("2.3", "4.2")),
        code("ho-so-widget", 'from hocvuso.contest import ContestDossier\n\nho_so = ContestDossier("de-thi/ho-so.json", '
             'task_id="ho-so", student=MA_THI or None)\nho_so', locked=True),
        code("ho-so-diem", 'from hocvuso.grader import grade_variant\n\ngrade_variant("ho-so", bank="de-thi/ho-so.json", '
             "out_of=12, key={\n### BEGIN HIDDEN TESTS\n" + dossier_key_lines + "\n### END HIDDEN TESTS\n})",
             grade=True, locked=True, points=12, competences=("2.3", "4.2", "1.2")),
    ]
    write("thi-khong-code", cells)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    build_coding()
    build_ai()
    build_no_code()
    print("built thi-lap-trinh, thi-ai, thi-khong-code")

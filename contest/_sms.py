"""Synthetic Vietnamese SMS for the AI-application contest: deterministic, labelled, noisy.

A message is a *phrasing* (a template written by us, one per line below) with slots filled from
shared vocabularies (invented banks, carriers, shops, people, amounts, codes and links), then passed
through noise of the kind real scam SMS carry: Vietnamese without accents, digits for letters
("Th0ng ba0"), junk characters inside words, odd spacing and capitals. Legitimate messages get some
of that noise too (people do type without accents), so noise alone does not give the answer away.

Phrasings come in three disjoint pools:

* ``train`` — here; the shipped training set is made from them;
* ``validation`` — here; the public validation split students may use to check themselves;
* ``hidden`` — judge-only (``judge/sms-hidden.json``): other wordings of the same forms of fraud
  and a few forms the training set never shows. A model that learnt the *signals* (a link that is
  not the brand's, a request for the OTP, "pay first", urgency) scores well on them; one that
  memorised training texts does not.

Every link is on an invented domain; brands are invented (Sen Vàng bank, SAOMAI carrier …).
Must never: reach the network, read a clock, or depend on the order of a dict built from a set.
"""
from __future__ import annotations

import csv
import json
import os
import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

LABELS = ("scam", "legit")
"""The two classes; "scam" is the positive class of the contest's F1."""

SPLITS = ("train", "validation", "hidden")
_HERE = Path(__file__).parent


@dataclass(frozen=True)
class Sample:
    """One labelled message."""

    text: str
    """The SMS as a phone would show it."""
    label: str
    """"scam" or "legit"."""
    family: str
    """Which kind of message (a form of fraud, or a kind of genuine message); for analysis only."""


# ------------------------------------------------------------------------------------------------
# Shared vocabulary (all invented)

BANKS = [("Sen Vàng", "SENVANG", "senvangbank"), ("Hồng Lam", "HONGLAM", "honglambank"),
         ("Trúc Xanh", "TRUCXANH", "trucxanhbank"), ("Bình Minh", "BINHMINH", "binhminhbank"),
         ("Phú Hưng Số", "PHUHUNG", "phuhungbank"), ("Đại Dương Xanh", "DAIDUONG", "daiduongbank")]
CARRIERS = [("SAOMAI", "saomai"), ("TINHVAN", "tinhvan"), ("VIETSONG", "vietsong")]
SHOPS = [("ChợSố", "chosovn"), ("MuaNhanh", "muanhanh"), ("SạpXanh", "sapxanh")]
SHIPPERS = [("SAOVIET EXP", "saovietexp"), ("GIAONHANH24", "giaonhanh24"), ("BUUTA", "buuta")]
POWER = [("ĐIỆN LỰC MIỀN BẮC SỐ", "dienlucso"), ("NƯỚC SẠCH THÀNH ĐÔ", "nuocthanhdo")]
FAMILY = ["Lan", "Hùng", "Mai", "Tuấn", "Hoa", "Dũng", "Thảo", "Minh", "Hà", "Sơn", "Ngọc", "Quân", "Trang",
          "Phúc", "Yến", "Long", "Nhung", "Khánh", "Bình", "Vy"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô"]
MIDDLE = ["Văn", "Thị", "Minh", "Thu", "Đức", "Ngọc", "Hữu", "Thanh"]
KIN = ["con", "mẹ", "bố", "anh", "chị", "em", "cô", "chú", "bác", "cháu"]
SCHOOLS = ["THCS Hòa Bình", "THPT Lê Lợi", "Tiểu học Kim Đồng", "THCS Nguyễn Du", "THPT Trần Phú"]
CITIES = ["Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ", "Ninh Bình", "Gia Lai", "Cà Mau", "Lào Cai"]
CHEAP_TLDS = ["top", "xyz", "vip", "cc", "icu", "cfd", "shop", "online", "site", "click"]
SERVICE_WORDS = ["xacthuc", "hotro", "capnhat", "vn-online", "bảo-mật", "khuyenmai", "nhanqua", "chuanhoa",
                 "hoantien", "dangnhap", "taikhoan", "ekyc"]
GOV_WORDS = ["dichvucong", "dvcong", "vneid", "bhxh", "phatnguoi", "csgt", "thuevn"]
PATHS = ["", "/vn", "/xacnhan", "/login", "/cap-nhat", "/nhan", "/app.apk", "/?id=", "/m"]
PRODUCTS = ["tai nghe", "nồi chiên", "áo khoác", "sạc dự phòng", "giày thể thao", "bình giữ nhiệt", "quạt mini"]


def _accentless(text: str) -> str:
    stripped = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return unicodedata.normalize("NFC", "".join(c for c in stripped if unicodedata.category(c) != "Mn"))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", _accentless(text).lower())


class _Slots:
    """Fills one template's {slots}; every value is drawn from `rng` (deterministic)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.bank_name, self.bank_code, self.bank_dom = rng.choice(BANKS)
        self.carrier, self.carrier_dom = rng.choice(CARRIERS)
        self.shop, self.shop_dom = rng.choice(SHOPS)
        self.shipper, self.shipper_dom = rng.choice(SHIPPERS)
        self.utility, self.utility_dom = rng.choice(POWER)

    def __getitem__(self, key: str) -> str:
        r = self.rng
        if key == "bank":
            return self.bank_name
        if key == "BANK":
            return self.bank_code
        if key == "carrier":
            return self.carrier
        if key == "shop":
            return self.shop
        if key == "shipper":
            return self.shipper
        if key == "utility":
            return self.utility
        if key == "name":
            return r.choice(FAMILY)
        if key == "fullname":
            return f"{r.choice(SURNAMES)} {r.choice(MIDDLE)} {r.choice(FAMILY)}"
        if key == "kin":
            return r.choice(KIN)
        if key == "school":
            return r.choice(SCHOOLS)
        if key == "city":
            return r.choice(CITIES)
        if key == "product":
            return r.choice(PRODUCTS)
        if key == "amount":
            return r.choice([f"{r.randint(2, 95) * 100}.000đ", f"{r.randint(1, 20)} triệu", f"{r.randint(2, 9)}00k",
                             f"{r.randint(1, 50)},{r.randint(0, 9)}00.000 VND", f"{r.randint(1, 9)}.{r.randint(0, 9)}00.000đ"])
        if key == "big":
            return r.choice([f"{r.randint(20, 300)} triệu", f"{r.randint(20, 300)}.000.000đ", f"{r.randint(2, 9)}0tr"])
        if key == "small":
            return r.choice([f"{r.randint(1, 9)}0.000đ", f"{r.randint(10, 99)}k", f"{r.randint(1, 5)}00.000 đồng"])
        if key == "phone":
            return r.choice(["09", "03", "08", "07", "05"]) + "".join(str(r.randint(0, 9)) for _ in range(8))
        if key == "foreign":
            return r.choice(["+855", "+882", "+94", "+840", "+63", "+856"]) + "".join(str(r.randint(0, 9)) for _ in range(8))
        if key == "hotline":
            return r.choice(["1900", "1800"]) + " " + "".join(str(r.randint(0, 9)) for _ in range(4))
        if key == "otp":
            return "".join(str(r.randint(0, 9)) for _ in range(6))
        if key == "code":
            return r.choice(["DH", "MV", "HS", "G"]) + "".join(str(r.randint(0, 9)) for _ in range(r.randint(6, 9)))
        if key == "digits4":
            return "".join(str(r.randint(0, 9)) for _ in range(4))
        if key == "hours":
            return r.choice(["2 giờ", "24h", "30 phút", "12 giờ", "hôm nay", "60 phút"])
        if key == "date":
            return f"{r.randint(1, 28):02d}/{r.randint(1, 12):02d}"
        if key == "time":
            return f"{r.randint(6, 22):02d}:{r.randint(0, 59):02d}"
        if key == "pct":
            return f"{r.randint(5, 60)}%"
        if key == "zalo":
            return r.choice(["Zalo ", "ZL ", "zalo: ", "Zalo/Tele "]) + self["phone"]
        if key == "link":
            return self.fake_link(self.bank_dom)
        if key == "golink":
            return self.fake_link(r.choice(GOV_WORDS))
        if key == "carrierlink":
            return self.fake_link(self.carrier_dom)
        if key == "shoplink":
            return self.fake_link(self.shop_dom)
        if key == "shiplink":
            return self.fake_link(self.shipper_dom)
        if key == "anylink":
            return self.fake_link(r.choice(["nhanqua", "vieclam", "uudai", "quatang", "trungthuong", "vay"]))
        if key == "banksite":
            return f"{self.bank_dom}.com.vn"
        if key == "carriersite":
            return f"{self.carrier_dom}.vn"
        if key == "shopsite":
            return f"{self.shop_dom}.vn"
        if key == "shipsite":
            return f"{self.shipper_dom}.vn"
        if key == "utilsite":
            return f"{self.utility_dom}.com.vn"
        raise KeyError(key)

    def fake_link(self, brand: str) -> str:
        """A look-alike address on an invented domain: brand as subdomain, typo, homoglyph or cheap TLD."""
        r = self.rng
        word = r.choice(SERVICE_WORDS)
        tld = r.choice(CHEAP_TLDS)
        trick = r.randrange(5)
        if trick == 0:
            host = f"{brand}.vn-{word}.{tld}"
        elif trick == 1:
            i = r.randrange(1, len(brand))
            host = f"{brand[:i]}{brand[i - 1]}{brand[i:]}-{word}.com"  # doubled letter
        elif trick == 2:
            host = brand.replace("o", "0", 1).replace("l", "1", 1).replace("m", "rn", 1) + f".{tld}"
        elif trick == 3:
            host = f"{word}-{brand}.{tld}"
        else:
            host = f"{brand}{r.choice(['vn', '24h', 'online', 'app'])}.{tld}"
        scheme = r.choice(["https://", "http://", "", ""])
        return f"{scheme}{_slug(host) if '.' not in host else host}{r.choice(PATHS)}"


# ------------------------------------------------------------------------------------------------
# Phrasings shipped with the package: family -> (label, train phrasings, validation phrasings)

PUBLIC: dict[str, tuple[str, list[str], list[str]]] = {
    # ---- scams
    "fake-brandname": ("scam", [
        "[{BANK}] Tai khoan cua Quy khach tam khoa do dang nhap bat thuong. Xac thuc lai tai {link} trong {hours} de tranh bi phong toa.",
        "{BANK}: The ATM cua quy khach se bi vo hieu hoa. Vui long cap nhat sinh trac hoc tai {link}",
        "Ngân hàng {bank} thông báo: phí dịch vụ toàn cầu {amount} sẽ bị trừ sau {hours}. Để hủy, truy cập {link}",
    ], [
        "{BANK} canh bao: co giao dich {amount} chua xac nhan. Neu khong phai ban, huy ngay tai {link}",
    ]),
    "fake-loan": ("scam", [
        "Hỗ trợ vay nhanh {big} lãi 0%, không thẩm định, giải ngân trong {hours}. Gửi ảnh CCCD 2 mặt qua {zalo}",
        "Ho so vay {big} cua ban da duoc duyet. Nop phi bao hiem khoan vay {amount} vao STK {phone} de giai ngan",
        "Vay tiêu dùng {bank} online chỉ cần CCCD, duyệt 5 phút. Đọc mã OTP cho nhân viên để xác minh hồ sơ.",
    ], [
        "Cho vay tin chap {big}, khong can chung minh thu nhap, lien he {zalo}, phi ho so {small} chuyen truoc",
    ]),
    "sim-lock": ("scam", [
        "{carrier}: Thue bao cua ban se bi khoa 2 chieu sau {hours} do chua chuan hoa thong tin. Soan CCCD gui {foreign}",
        "Thông báo từ {carrier}: SIM của quý khách chưa cập nhật căn cước, vui lòng bấm **21*{phone}# để giữ số.",
        "{carrier} thong bao nang cap SIM 5G mien phi, bam {carrierlink} va nhap ma OTP gui ve may",
    ], [
        "Chuan hoa thue bao {carrier}: cap nhat tai {carrierlink} truoc {date}, qua han se khoa SIM vinh vien",
    ]),
    "fake-dvc-portal": ("scam", [
        "CSGT thong bao: phuong tien cua ban co bien ban phat nguoi {amount}. Tra cuu va nop phat tai {golink}",
        "Cổng Dịch vụ công: hồ sơ của ông/bà bị trả lại do thiếu thông tin. Bổ sung ngay tại {golink}",
        "Ban co 1 thong bao vi pham giao thong chua xu ly, han nop phat {hours}. Chi tiet: {golink}",
    ], [
        "Thong bao nop phat nguoi: xe cua ban vi pham toc do, nop {amount} qua {golink} de duoc giam 50%",
    ]),
    "fake-vneid": ("scam", [
        "Công an xã thông báo: tài khoản VNeID cần cập nhật địa chỉ sau sáp nhập tỉnh. Tải ứng dụng tại {golink}",
        "VNeID: tai khoan dinh danh muc 2 cua ban sap het han, kich hoat lai tai {golink} de tranh bi khoa",
        "De tiep tuc nhan luong huu qua VNeID, cai dat ban cap nhat moi tai {golink} va cho phep moi quyen",
    ], [
        "Thong bao: VNeID bat buoc cap nhat thong tin cu tru moi truoc {date}. Tai app tai {golink}",
    ]),
    "ctv-job": ("scam", [
        "Tuyển CTV làm tại nhà, việc nhẹ lương cao {amount}/ngày, chỉ cần điện thoại. Liên hệ {zalo}",
        "Viec lam online: tha tim san pham {shop}, hoa hong {pct} moi don. Nap {small} de nhan nhiem vu dau tien. {zalo}",
        "Cần gấp 20 bạn làm nhiệm vụ đánh giá 5 sao, trả {small}/nhiệm vụ, rút tiền ngay. Inbox {zalo}",
    ], [
        "Viec nhe tai nha cho me bim sua, thu nhap {amount}/ngay, khong can kinh nghiem, ket ban {zalo}",
    ]),
    "investment": ("scam", [
        "San dau tu quoc te lai {pct}/thang, cam ket hoan von 100%. Dang ky nhom VIP: {anylink}",
        "Chuyên gia chứng khoán chia sẻ mã tăng trần, lợi nhuận {pct} mỗi tuần. Vào nhóm kín: {zalo}",
        "Đầu tư tiền ảo chỉ từ {small}, nhận lãi mỗi ngày, rút bất cứ lúc nào. {anylink}",
    ], [
        "Co hoi dau tu vang so lai {pct} moi thang, bao lo 100%, chi con 5 suat. Dang ky {anylink}",
    ]),
    "child-emergency": ("scam", [
        "Chị ơi em là cô giáo chủ nhiệm của cháu ở trường {school}, cháu bị ngã chấn thương đang cấp cứu, chị chuyển gấp {amount} tiền mổ vào STK {phone}",
        "Benh vien bao: con anh/chi bi tai nan tai truong {school}, can dong vien phi {amount} ngay, goi {phone}",
        "Phụ huynh em {name} chú ý: cháu đang ở phòng cấp cứu, bác sĩ cần chuyển khoản {amount} để phẫu thuật trước.",
    ], [
        "Em la y ta, con chi dang cap cuu, can chuyen ngay {amount} tam ung vien phi vao tai khoan ca nhan {phone}",
    ]),
    "fake-police": ("scam", [
        "Co quan dieu tra thong bao: ban lien quan vu an rua tien, yeu cau giu bi mat va chuyen {big} vao tai khoan tam giu de xac minh",
        "Đây là Công an quận, lệnh bắt tạm giam của anh/chị đã được ban hành. Liên hệ ngay {foreign}, không được báo cho người thân.",
        "Vien kiem sat yeu cau ong/ba cai dat ung dung dieu tra tai {golink} de phoi hop giai quyet ho so",
    ], [
        "Toa an thong bao: ban co giay trieu tap, goi {foreign} trong {hours}, neu khong se bi cuong che",
    ]),
    "mistaken-transfer": ("scam", [
        "Em chuyển nhầm {amount} vào tài khoản anh, anh chuyển lại giúp em vào STK {phone} nhé, em cảm ơn",
        "Chao chi, khoan {amount} vua vao tai khoan chi la tien vay cua nguoi khac, chi hoan lai ngay kem lai neu khong se bi kien",
        "Mình lỡ chuyển sai {amount}, bạn trả giúp qua số tài khoản mới {phone} chứ số cũ bị khóa rồi",
    ], [
        "A oi e ck nham {amount}, a tra lai giup e vao so nay {phone} voi, gap lam a",
    ]),
    "account-takeover": ("scam", [
        "{kin} ơi cho {kin} mượn gấp {amount}, chiều {kin} trả, chuyển vào số {phone} giúp nhé đang kẹt quá",
        "Ban oi minh dang o ngoai, dien thoai het tien, mua giup minh the cao {small} roi gui ma qua day nha",
        "Em đang cần gấp {amount} đóng học cho con, chị chuyển hộ vào tài khoản bạn em {phone}, tối em gửi lại",
    ], [
        "Oi giup minh vu nay voi, chuyen tam {amount} qua STK {phone} nhe, minh dang hop khong nghe may duoc",
    ]),
    "prize": ("scam", [
        "Chúc mừng thuê bao {phone} trúng thưởng xe máy từ {shop}. Nộp phí nhận thưởng {amount} tại {shoplink}",
        "Ban da trung phieu mua hang {amount} tu {shop}. Nhan qua truoc {hours} tai {shoplink}",
        "Tri ân khách hàng: bạn được tặng iPhone, chỉ trả phí vận chuyển {small}. Xác nhận: {anylink}",
    ], [
        "Quay so may man: so dien thoai cua ban trung {big}, lien he {zalo} de lam thu tuc nhan giai",
    ]),
    "fake-delivery": ("scam", [
        "{shipper}: don hang {code} giao khong thanh cong do sai dia chi. Cap nhat va tra phi {small} tai {shiplink}",
        "Buu kien cua ban dang bi giu tai kho, vui long thanh toan phi luu kho {small} tai {shiplink}",
        "Đơn {code} của bạn bị hoàn do chưa xác minh. Nhập thông tin thẻ tại {shiplink} để giao lại.",
    ], [
        "{shipper} thong bao: kien hang co gia tri cao can dong thue {amount} truoc khi giao, xem {shiplink}",
    ]),
    "bhxh-support": ("scam", [
        "BHXH thông báo: bạn được nhận trợ cấp thất nghiệp {amount}. Khai báo tài khoản ngân hàng tại {golink}",
        "Quy ho tro BHTN chi tra {amount} cho nguoi lao dong, dang ky nhan tai {golink} truoc {date}",
        "Bao hiem y te cua ban sap het han, gia han online va nhan qua tai {golink}",
    ], [
        "BHXH VN: ban con {amount} tien bao hiem chua nhan, xac thuc CCCD tai {golink} de rut",
    ]),
    "fake-receipt": ("scam", [
        "Minh ck roi nha, bill day shop xem giup, giao hang luon nhe {code}",
        "Chị ơi em chuyển khoản {amount} rồi, em gửi ảnh bill, chị ship gấp giúp em trong hôm nay nhé",
        "Da thanh toan {amount} cho don {code}, anh check anh chup man hinh roi gui hang nha, ngan hang bao tre vai tieng",
    ], [
        "Shop oi minh chuyen du {amount} roi, anh bill o tren, tien ve cham do loi he thong, gui hang luon giup minh",
    ]),
    "telegram-otp": ("scam", [
        "Telegram ho tro: tai khoan cua ban co dau hieu bi xam nhap, gui lai ma dang nhap {digits4} vua nhan de bao ve",
        "Bạn ơi mình lỡ gửi mã xác nhận vào số bạn, chụp màn hình tin nhắn gửi lại mình với",
        "Ho tro Zalo: vui long cung cap ma OTP {otp} de mo khoa tai khoan bi bao cao vi pham",
    ], [
        "Nhan vien ho tro: gui anh chup danh sach chat kem ma dang nhap de chung toi xac minh tai khoan",
    ]),
    # ---- genuine messages
    "bank-otp": ("legit", [
        "{BANK}: Ma OTP cua Quy khach la {otp} de xac thuc giao dich chuyen tien {amount}. KHONG chia se ma nay cho bat ky ai, ke ca nhan vien ngan hang.",
        "Mã xác thực {bank} của bạn là {otp}, hiệu lực 3 phút. Ngân hàng không bao giờ yêu cầu cung cấp mã này.",
        "{BANK}: {otp} la ma OTP dang nhap ung dung tren thiet bi moi luc {time}. Neu khong phai ban, goi {hotline}.",
    ], [
        "OTP {otp} dung de thanh toan {amount} tai {shop}. Tuyet doi khong cung cap cho nguoi khac. {BANK}",
    ]),
    "bank-balance": ("legit", [
        "{BANK}: TK ...{digits4} +{amount} luc {time} {date}. SD: {big}. ND: {fullname} chuyen tien",
        "Tài khoản ...{digits4} của quý khách -{amount} lúc {time} ngày {date}, thanh toán hóa đơn điện. Số dư khả dụng {big}.",
        "{BANK}: So du TK ...{digits4} thay doi -{small} phi SMS Banking thang {date}.",
    ], [
        "TK {digits4} bien dong +{amount} ngay {date} {time}, ND: luong thang. SD {big}. {BANK}",
    ]),
    "bank-notice": ("legit", [
        "{BANK} luu y: ngan hang khong gui duong link qua tin nhan va khong yeu cau cung cap OTP. Chi dung ung dung chinh thuc.",
        "Từ 01/07 giao dịch trên 10 triệu cần xác thực khuôn mặt trong ứng dụng {bank}. Chi tiết tại quầy hoặc {banksite}",
        "{BANK}: the cua quy khach se het han vao {date}. Vui long den chi nhanh gan nhat mang theo CCCD de doi the.",
    ], [
        "{BANK} thong bao lich bao tri he thong tu 0h-2h ngay {date}. Mong quy khach thong cam.",
    ]),
    "bank-security": ("legit", [
        "{BANK}: the cua quy khach da bi tam khoa do nhap sai ma PIN 3 lan. Vui long den chi nhanh gan nhat voi CCCD de mo khoa.",
        "Tài khoản {bank} của quý khách đăng nhập trên thiết bị mới lúc {time}. Nếu không phải quý khách, khóa ngay trong ứng dụng hoặc gọi {hotline}.",
        "{BANK}: Quy khach can cap nhat sinh trac hoc truoc {date} de tiep tuc chuyen tien tren 10 trieu. Thuc hien trong ung dung {bank}, khong qua duong link.",
    ], [
        "{BANK}: giao dich {amount} bi tu choi do vuot han muc ngay. Dieu chinh han muc trong ung dung hoac goi {hotline}.",
    ]),
    "official-link": ("legit", [
        "{shop}: flash sale 12h trua nay giam {pct} cho {product}, xem ngay tren ung dung hoac {shopsite}",
        "{carrier}: Hoa don cuoc thang {date} la {amount}. Thanh toan tai {carriersite} hoac cac diem giao dich.",
        "Tra cứu hành trình đơn {code} tại {shipsite}. {shipper} không thu thêm phí khi giao hàng.",
    ], [
        "{BANK}: Sao ke the thang {date} da san sang, xem chi tiet tai {banksite} hoac ung dung {bank}.",
    ]),
    "delivery": ("legit", [
        "{shipper}: Don hang {code} dang duoc giao, shipper {name} se goi cho ban tu {phone} trong hom nay.",
        "Đơn {code} từ {shop} đã giao thành công lúc {time}. Cảm ơn bạn đã mua sắm!",
        "{shipper} thong bao: kien {code} se den trong ngay {date}, thanh toan khi nhan hang {amount}.",
    ], [
        "Shipper {name} cua {shipper} dang o dau ngo, anh chi ra nhan hang {code} giup em a",
    ]),
    "utility-bill": ("legit", [
        "{utility}: tien dien thang {date} cua ma KH PD{digits4} la {amount}. Thanh toan qua app ngan hang hoac tai quay.",
        "Thông báo tiền nước kỳ {date}: {amount}. Quý khách thanh toán trước ngày 25. Tra cứu {utilsite}",
        "{utility} thong bao tam ngung cap dien de sua chua luoi tu {time} ngay {date}, khu vuc {city}.",
    ], [
        "Tien dien ky nay cua gia dinh la {amount}, han thanh toan {date}. Tra cuu tai {utilsite}. {utility}",
    ]),
    "carrier-promo": ("legit", [
        "{carrier}: Tang 50% gia tri the nap trong ngay {date}. Chi tiet goi {hotline} (mien phi).",
        "Gói cước của quý khách đã được gia hạn, dung lượng 4GB/ngày đến {date}. {carrier} trân trọng cảm ơn.",
        "{carrier}: ban da dung het 80% dung luong data. Soan MUA gui 999 de mua them, phi {small}.",
    ], [
        "{carrier} chuc mung sinh nhat quy khach, tang 1GB data dung den {date}.",
    ]),
    "gov-notice": ("legit", [
        "DICHVUCONG: Ho so {code} cua ong/ba da duoc tiep nhan ngay {date}. Tra cuu tai dichvucong.gov.vn",
        "UBND xã thông báo: hồ sơ đăng ký khai sinh {code} đã có kết quả, nhận bản điện tử trên VNeID.",
        "BHXH: Ma so BHXH cua ban da dong bo voi so dinh danh ca nhan. Tra cuu tren VssID hoac baohiemxahoi.gov.vn",
    ], [
        "Ho so {code} da duoc giai quyet, moi ong/ba den bo phan mot cua nhan ket qua ngay {date}.",
    ]),
    "family-chat": ("legit", [
        "{kin} ơi tối nay {kin} về muộn, cơm để phần trong tủ nhé",
        "Me oi con den truong roi, chieu 5h con ve, me khong can don",
        "Tuần sau họp lớp ở nhà {name}, nhớ mang theo ảnh cũ nha mọi người",
    ], [
        "Chu nhat nay ca nha ve que an gio ong, {kin} nho mua hoa qua nhe",
    ]),
    "school-notice": ("legit", [
        "Trường {school} thông báo: họp phụ huynh lúc {time} ngày {date} tại phòng lớp. Trân trọng.",
        "GVCN lop 7A: Hoc sinh nghi hoc ngay {date} do truong to chuc thi, phu huynh luu y.",
        "Truong {school}: hoc phi hoc ky 1 la {amount}, nop qua tai khoan truong hoac tai phong ke toan.",
    ], [
        "Lop 9B: thu sau hoc sinh mang theo may tinh cam tay va giay kiem tra. GVCN {name}",
    ]),
    "appointment": ("legit", [
        "Phong kham {city}: nhac lich kham cua {fullname} luc {time} ngay {date}. Goi {phone} neu can doi lich.",
        "Trạm y tế xã nhắc lịch tiêm chủng cho trẻ vào sáng {date}, mang theo sổ tiêm.",
        "Nha khoa nhac ban lich tai kham luc {time} {date}. Tra loi C de xac nhan, H de huy.",
    ], [
        "Benh vien nhac: lich lay ket qua xet nghiem cua ban vao {time} ngay {date} tai quay so 3.",
    ]),
    "shop-order": ("legit", [
        "{shop}: don hang {code} da duoc xac nhan, tong tien {amount}. Theo doi don trong ung dung {shop}.",
        "Cảm ơn bạn đã đặt {product} tại {shop}. Mã đơn {code}, dự kiến giao ngày {date}.",
        "{shop}: ma giam gia 10% cho don tiep theo da duoc them vao vi voucher cua ban, han dung {date}.",
    ], [
        "Don {code} ({product}) da duoc dong goi va ban giao cho {shipper}. {shop}",
    ]),
}

_CACHE: dict[str, dict] = {}


def judge_data_dir() -> Path | None:
    """Folder of the judge-only data (hidden phrasings, contest keys), or None where it is absent.

    ``HOCVUSO_JUDGE_DATA`` wins; otherwise ``judge/`` beside this file (present in a source checkout,
    never in the wheel).
    """
    env = os.environ.get("HOCVUSO_JUDGE_DATA")
    folder = Path(env) if env else _HERE / "judge"
    return folder if folder.is_dir() else None


def _hidden_phrasings() -> dict[str, tuple[str, list[str]]]:
    if "hidden" not in _CACHE:
        folder = judge_data_dir()
        path = folder / "sms-hidden.json" if folder else None
        if path is None or not path.is_file():
            raise LookupError("the hidden test phrasings are judge-only data (judge/sms-hidden.json) and are not "
                              "installed here; a judge sets HOCVUSO_JUDGE_DATA to the folder holding them")
        data = json.loads(path.read_text(encoding="utf-8"))
        _CACHE["hidden"] = {family: (entry["label"], list(entry["phrasings"])) for family, entry in data.items()}
    return _CACHE["hidden"]


def _pool(split: str) -> list[tuple[str, str, str]]:
    """(family, label, phrasing) for every phrasing of `split`, in a fixed order."""
    if split == "train":
        return [(f, lab, p) for f, (lab, train, _val) in PUBLIC.items() for p in train]
    if split == "validation":
        return [(f, lab, p) for f, (lab, _train, val) in PUBLIC.items() for p in val]
    if split == "hidden":
        return [(f, lab, p) for f, (lab, ps) in _hidden_phrasings().items() for p in ps]
    raise ValueError(f"split must be one of {SPLITS}, got {split!r}")


# ------------------------------------------------------------------------------------------------
# Noise

_LEET = {"o": "0", "i": "1", "e": "3", "a": "4", "l": "1", "t": "7"}
_JUNK = [".", "_", "*", "~", "-", "|", "'", "`"]
_NOISE = {  # (accents stripped, leet, junk, shouting) probabilities per label and split kind
    ("scam", "public"): (0.45, 0.25, 0.2, 0.15), ("legit", "public"): (0.35, 0.03, 0.02, 0.05),
    ("scam", "hidden"): (0.3, 0.7, 0.45, 0.3), ("legit", "hidden"): (0.75, 0.12, 0.12, 0.12),
}


def _leet_word(word: str, rng: random.Random) -> str:
    chars = list(word)
    spots = [i for i, c in enumerate(chars) if c.lower() in _LEET]
    for i in rng.sample(spots, k=min(len(spots), rng.randint(1, 2))):
        chars[i] = _LEET[chars[i].lower()]
    return "".join(chars)


def _is_link(word: str) -> bool:
    return "." in word.strip(".,:;") and any(c.isalpha() for c in word) and len(word) > 6


def add_noise(text: str, label: str, rng: random.Random, *, hidden: bool = False) -> str:
    """The message as a filter-dodging sender (or a hurried person) would type it."""
    accents, leet, junk, shout = _NOISE[(label, "hidden" if hidden else "public")]
    if rng.random() < accents:
        text = _accentless(text)
    words = text.split(" ")
    out = []
    for word in words:
        if _is_link(word) or not word:
            out.append(word)
            continue
        if len(word) > 3 and rng.random() < leet * 0.35:
            word = _leet_word(word, rng)
        if len(word) > 3 and rng.random() < junk * 0.3:
            i = rng.randrange(1, len(word))
            word = word[:i] + rng.choice(_JUNK) + word[i:]
        if rng.random() < shout * 0.25:
            word = word.upper()
        out.append(word)
    text = " ".join(out)
    if rng.random() < junk * 0.5:
        text = text.replace(" ", "  ", rng.randint(1, 3))
    if rng.random() < 0.1:
        text = text.rstrip(".") + rng.choice([" !!", " ...", " ??", " >>", " ^^"])
    return text


# ------------------------------------------------------------------------------------------------
# Generation


def _fill(template: str, rng: random.Random) -> str:
    slots = _Slots(rng)
    return re.sub(r"\{(\w+)\}", lambda m: slots[m.group(1)], template)


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def generate_sms(*, split: str, seed: int, n: int, scam_share: float = 0.45,
                 exclude: Iterable[str] = ()) -> list[Sample]:
    """`n` distinct labelled messages of `split`, the same for the same (split, seed, n).

    `exclude`: texts that must not appear (compared case- and space-insensitively).
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    pool = _pool(split)
    by_label = {lab: [p for p in pool if p[1] == lab] for lab in LABELS}
    rng = random.Random(f"hocvuso-sms/{split}/{seed}")
    banned = {_normal(t) for t in exclude}
    seen: set[str] = set()
    samples: list[Sample] = []
    attempts = 0
    n_scam = round(n * scam_share)
    labels = ["scam"] * n_scam + ["legit"] * (n - n_scam)
    rng.shuffle(labels)
    for label in labels:
        while True:
            attempts += 1
            if attempts > 50 * n + 1000:
                raise RuntimeError(f"cannot make {n} distinct {split} messages; ask for fewer")
            family, _lab, template = rng.choice(by_label[label])
            text = add_noise(_fill(template, rng), label, rng, hidden=split == "hidden")
            key = _normal(text)
            if key not in seen and key not in banned:
                seen.add(key)
                samples.append(Sample(text=text, label=label, family=family))
                break
    return samples


TRAIN_SEED = 2026
"""Seed of the shipped training set (public)."""
VALIDATION_SEED = 7
"""Seed of the public validation split."""


def make_dataset(*, generator: str = "sms", split: str, seed: int, n: int) -> list[Sample]:
    """The dataset a `check_model(data={...})` cell names. Hidden sets never repeat a public message."""
    if generator != "sms":
        raise ValueError(f"unknown generator {generator!r}; known: 'sms'")
    exclude: list[str] = []
    if split == "hidden":
        exclude = [s.text for s in generate_sms(split="train", seed=TRAIN_SEED, n=2000)]
        exclude += [s.text for s in generate_sms(split="validation", seed=VALIDATION_SEED, n=400)]
    return generate_sms(split=split, seed=seed, n=n, exclude=exclude)


def write_csv(path: Path, samples: Iterable[Sample], *, with_labels: bool = True) -> None:
    """Write `text,label` rows (UTF-8, header first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["text", "label"] if with_labels else ["text"])
        for s in samples:
            writer.writerow([s.text, s.label] if with_labels else [s.text])


def read_csv(path: Path) -> tuple[list[str], list[str]]:
    """(texts, labels) from a file written by `write_csv`."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r.get("label", "") for r in rows]

"""Table-driven tests of hocvuso.core.validators: every rule with real-looking valid and invalid values.

All people and numbers are invented. The province expectations are written out here (from the
resolution of 12-6-2025 and Circular 07/2016/TT-BCA appendix 1) rather than read from a reference
file, so the test runs anywhere.
"""
from __future__ import annotations

import unicodedata
from datetime import date, timedelta

import pytest

from hocvuso.core import gettext
from hocvuso.core import validators as v

TODAY = date(2025, 9, 15)


def codes(problems) -> list[str]:
    return [p.code for p in problems]


# --------------------------------------------------------------------------------------------------
# Personal identification number
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("number, birth, gender, year", [
    ("001050012345", date(1950, 3, 2), "male", 1950),          # Hà Nội, man born 1950
    ("038150123456", date(1950, 11, 30), "female", 1950),      # Thanh Hóa, woman born 1950
    ("079099004512", date(1999, 7, 14), "nam", 1999),          # TP HCM, man born 1999
    ("036199876543", date(1999, 1, 1), "nữ", 1999),            # Nam Định, woman born 1999
    ("074200000001", date(2000, 2, 29), "male", 2000),         # Bình Dương (code unchanged), man 2000
    ("002300765432", date(2000, 12, 31), "female", 2000),      # Hà Giang, woman 2000
    ("092212345678", date(2012, 6, 1), "M", 2012),             # Cần Thơ, boy 2012
    ("046312000999", date(2012, 9, 9), "F", 2012),             # Thừa Thiên Huế, girl 2012
    ("096 3 12 000999", date(2012, 9, 9), "nu", 2012),         # spaces removed, unaccented "nu"
])
def test_valid_personal_ids(number, birth, gender, year):
    problems, info = v.check_personal_id(number, birth_date=birth, gender=gender, today=TODAY)
    assert problems == ()
    assert info.number == number.replace(" ", "")
    assert info.birth_year == year
    assert info.gender == ("male" if gender.casefold() in {"male", "nam", "m"} else "female")


def test_personal_id_without_birth_date_or_gender_checks_structure_only():
    problems, info = v.check_personal_id("001099012345", today=TODAY)
    assert problems == ()
    assert (info.province.name, info.current_province.full_name) == ("Hà Nội", "Thành phố Hà Nội")
    _, info = v.check_personal_id("074200000001", today=TODAY)
    assert info.province.name == "Bình Dương"
    assert info.current_province.full_name == "Thành phố Hồ Chí Minh"


@pytest.mark.parametrize("number, birth, gender, expected", [
    # wrong century digit: born 1999 but digit 2 (2000s)
    ("001299012345", date(1999, 5, 1), "male", ["id.century_mismatch"]),
    # born 2005 but digit 0 (1900s)
    ("001005012345", date(2005, 5, 1), "male", ["id.century_mismatch"]),
    # gender mismatch both ways
    ("001099012345", date(1999, 5, 1), "female", ["id.gender_mismatch_male"]),
    ("001199012345", date(1999, 5, 1), "male", ["id.gender_mismatch_female"]),
    ("001312012345", date(2012, 5, 1), "nam", ["id.gender_mismatch_female"]),
    # year digits do not match the date of birth
    ("001098012345", date(1999, 5, 1), "male", ["id.year_mismatch"]),
    # century and gender both wrong
    ("001399012345", date(1999, 5, 1), "male", ["id.century_mismatch", "id.gender_mismatch_female"]),
    # implied birth year in the future
    ("001230012345", None, None, ["id.future"]),
    ("001499012345", None, None, ["id.future"]),
    # unknown province codes
    ("003099012345", None, None, ["id.province_unknown"]),
    ("099099012345", None, None, ["id.province_unknown"]),
    ("000099012345", None, None, ["id.province_unknown"]),
    ("097099012345", None, None, ["id.province_unknown"]),
    # length, letters, empty
    ("00109901234", None, None, ["id.length"]),
    ("0010990123456", None, None, ["id.length"]),
    ("00109901234A", None, None, ["id.not_digits"]),
    ("O01099012345", None, None, ["id.not_digits"]),
    ("001-099-012345", None, None, ["id.not_digits"]),
    ("００１０９９０１２３４５", None, None, ["id.not_digits"]),  # full-width digits
    ("", None, None, ["id.empty"]),
    ("   ", None, None, ["id.empty"]),
])
def test_invalid_personal_ids(number, birth, gender, expected):
    problems, info = v.check_personal_id(number, birth_date=birth, gender=gender, today=TODAY)
    assert codes(problems) == expected
    assert info is None


def test_personal_id_messages_name_the_facts():
    problems, _ = v.check_personal_id("001299012345", birth_date=date(1999, 5, 1), today=TODAY)
    assert problems[0].text("en") == (
        "The fourth digit (2) means a birth year from 2000 to 2099, but the date of birth is in 1999.")
    assert problems[0].text("vi") == (
        "Chữ số thứ tư (2) nghĩa là sinh trong các năm 2000–2099, nhưng ngày sinh lại ở năm 1999.")
    problems, _ = v.check_personal_id("00109901234", today=TODAY)
    assert "11" in problems[0].text("vi")


def test_personal_id_birth_date_as_text():
    assert v.check_personal_id("001299012345", birth_date="05/01/1999", today=TODAY)[0][0].code == \
        "id.century_mismatch"
    assert v.check_personal_id("001099012345", birth_date="31/02/1999", today=TODAY)[0] == ()  # date field's job


def test_personal_id_future_depends_on_today():
    assert codes(v.check_personal_id("001226012345", today=date(2025, 1, 1))[0]) == ["id.future"]
    assert v.check_personal_id("001226012345", today=date(2026, 1, 1))[0] == ()


def test_unknown_gender_word_is_a_programming_error():
    with pytest.raises(ValueError):
        v.check_personal_id("001099012345", gender="x", today=TODAY)


# --------------------------------------------------------------------------------------------------
# Mobile numbers
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, national", [
    # Viettel
    ("0961234567", "0961234567"), ("0971234567", "0971234567"), ("0981234567", "0981234567"),
    ("0861234567", "0861234567"), ("0321234567", "0321234567"), ("0391234567", "0391234567"),
    # VinaPhone
    ("0912345678", "0912345678"), ("0941234567", "0941234567"), ("0881234567", "0881234567"),
    ("0811234567", "0811234567"), ("0851234567", "0851234567"),
    # MobiFone
    ("0901234567", "0901234567"), ("0931234567", "0931234567"), ("0701234567", "0701234567"),
    ("0761234567", "0761234567"), ("0791234567", "0791234567"), ("0896123456", "0896123456"),
    # Vietnamobile, Gmobile, iTel
    ("0921234567", "0921234567"), ("0561234567", "0561234567"), ("0581234567", "0581234567"),
    ("0591234567", "0591234567"), ("0991234567", "0991234567"), ("0871234567", "0871234567"),
    # international and decorated forms
    ("+84912345678", "0912345678"), ("+84 91 234 5678", "0912345678"), ("84912345678", "0912345678"),
    ("0084912345678", "0912345678"), ("091 234 5678", "0912345678"), ("091.234.5678", "0912345678"),
    ("0912-345-678", "0912345678"), ("(+84) 912 345 678", "0912345678"),
])
def test_valid_mobiles(typed, national):
    problems, mobile = v.check_mobile(typed)
    assert problems == ()
    assert mobile.national == national
    assert mobile.e164 == "+84" + national[1:]


@pytest.mark.parametrize("typed, expected", [
    ("024 3825 1234", "mobile.landline"),           # Hà Nội landline
    ("02838221234", "mobile.landline"),             # TP HCM landline
    ("+84 24 3825 1234", "mobile.landline"),
    ("+882 1234 5678", "mobile.foreign"),           # international network: a scam-call favourite
    ("+94 77 123 4567", "mobile.foreign"),          # Sri Lanka
    ("+1 202 555 0143", "mobile.foreign"),
    ("091234567", "mobile.length"),                 # 9 digits
    ("09123456789", "mobile.length"),               # 11 digits
    ("912345678", "mobile.length"),                 # no leading 0
    ("01234567890", "mobile.old_11_digits"),        # pre-2018 VinaPhone 0123…
    ("01681234567", "mobile.old_11_digits"),        # pre-2018 Viettel 0168…
    ("1900 1234", "mobile.not_mobile"),
    ("1900 123456", "mobile.not_mobile"),
    ("+84 0912345678", "mobile.invalid"),           # "+840…"
    ("0111234567", "mobile.invalid"),
    ("09l2345678", "mobile.not_digits"),            # letter l for 1
    ("", "mobile.empty"),
])
def test_invalid_mobiles(typed, expected):
    problems, mobile = v.check_mobile(typed)
    assert codes(problems) == [expected]
    assert mobile is None


def test_foreign_number_message_warns_about_scams():
    (problem,), _ = v.check_mobile("+882 1234 5678")
    assert "+882" in problem.text("en") and "scam" in problem.text("en")
    assert "+882" in problem.text("vi") and "lừa đảo" in problem.text("vi")


# --------------------------------------------------------------------------------------------------
# Dates, ages, deadlines
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("29/02/2024", date(2024, 2, 29)),
    ("01/01/2000", date(2000, 1, 1)),
    ("1/7/2025", date(2025, 7, 1)),
    ("5/09/1950", date(1950, 9, 5)),
    (" 31/12/1999 ", date(1999, 12, 31)),
    ("29/02/2000", date(2000, 2, 29)),
    ("15/09/2025", TODAY),  # today itself is not the future
])
def test_valid_dates(typed, expected):
    assert v.check_date(typed, today=TODAY) == ((), expected)


@pytest.mark.parametrize("typed, expected", [
    ("29/02/2023", "date.day"),
    ("29/02/1900", "date.day"),  # 1900 was not a leap year
    ("31/04/2024", "date.day"),
    ("31/02/2024", "date.day"),
    ("00/01/2024", "date.day"),
    ("12/13/2024", "date.month"),
    ("16/09/2025", "date.future"),
    ("01/01/2030", "date.future"),
    ("2024-02-29", "date.format"),
    ("29.02.2024", "date.format"),
    ("29 tháng 2 2024", "date.format"),
    ("29/02/24", "date.year_digits"),
    ("01/01/1890", "date.too_early"),
    ("", "date.empty"),
])
def test_invalid_dates(typed, expected):
    problems, value = v.check_date(typed, today=TODAY)
    assert codes(problems) == [expected]
    assert value is None


def test_future_dates_allowed_when_asked():
    assert v.check_date("01/01/2030", not_future=False, today=TODAY) == ((), date(2030, 1, 1))


def test_impossible_date_message():
    (problem,), _ = v.check_date("29/02/2023", today=TODAY)
    assert problem.text("en") == "02/2023 has no day 29: that month has 28 days."
    assert problem.text("vi") == "Tháng 02/2023 không có ngày 29: tháng này có 28 ngày."


BIRTH = date(2025, 6, 10)


@pytest.mark.parametrize("filed, expected", [
    (BIRTH, []),
    (BIRTH + timedelta(days=1), []),
    (BIRTH + timedelta(days=59), []),
    (BIRTH + timedelta(days=60), []),                     # day 60: still in time
    (BIRTH + timedelta(days=61), ["deadline.passed"]),    # day 61: late
    (BIRTH + timedelta(days=200), ["deadline.passed"]),
    (BIRTH - timedelta(days=1), ["deadline.before_start"]),
])
def test_residence_within_60_days_of_birth(filed, expected):
    assert codes(v.check_within_days(BIRTH, 60, today=filed)) == expected


def test_deadline_message_gives_the_date():
    (problem,) = v.check_within_days(BIRTH, 60, today=BIRTH + timedelta(days=61))
    assert problem.params["deadline"] == "09/08/2025"
    assert "09/08/2025" in problem.text("vi") and "1" in problem.text("vi")


@pytest.mark.parametrize("birth, kwargs, expected", [
    (date(2011, 9, 15), {"min_years": 14}, []),                    # 14th birthday today
    (date(2011, 9, 16), {"min_years": 14}, ["age.too_young"]),     # one day short
    (date(2019, 9, 16), {"max_years": 5}, []),                     # child under 6: still 5
    (date(2019, 9, 15), {"max_years": 5}, ["age.too_old"]),        # turns 6 today
    (date(1990, 1, 1), {"min_years": 18, "max_years": 60}, []),
    (date(2026, 1, 1), {}, ["age.not_born"]),
])
def test_age_rules(birth, kwargs, expected):
    assert codes(v.check_age(birth, today=TODAY, **kwargs)) == expected


@pytest.mark.parametrize("birth, today, age", [
    (date(2000, 2, 29), date(2025, 2, 28), 24),
    (date(2000, 2, 29), date(2025, 3, 1), 25),
    (date(2000, 2, 29), date(2024, 2, 29), 24),
])
def test_age_on(birth, today, age):
    assert v.age_on(birth, today) == age


# --------------------------------------------------------------------------------------------------
# Social-insurance number
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("0123456789", "0123456789"),            # legacy 10 digits
    ("79 2 012 3456", "7920123456"),         # spaces removed
    ("079099004512", "079099004512"),        # 12-digit personal ID (unified from 2025)
])
def test_valid_social_insurance(typed, expected):
    assert v.check_social_insurance(typed, today=TODAY) == ((), expected)


@pytest.mark.parametrize("typed, expected", [
    ("012345678", ["bhxh.length"]),
    ("01234567890", ["bhxh.length"]),
    ("0123456789012", ["bhxh.length"]),
    ("01234S6789", ["bhxh.not_digits"]),
    ("DN4790123456789", ["bhxh.health_card"]),   # the 15-character health-insurance card code
    ("003099004512", ["id.province_unknown"]),   # 12 digits: checked as a personal ID
    ("001499004512", ["id.future"]),
    ("", ["bhxh.empty"]),
])
def test_invalid_social_insurance(typed, expected):
    problems, value = v.check_social_insurance(typed, today=TODAY)
    assert codes(problems) == expected
    assert value is None


def test_health_card_message_suggests_the_number():
    (problem,), _ = v.check_social_insurance("DN4790123456789")
    assert "0123456789" in problem.text("vi")


# --------------------------------------------------------------------------------------------------
# Provinces and addresses
# --------------------------------------------------------------------------------------------------

OLD_63 = {
    "001": "Hà Nội", "002": "Hà Giang", "004": "Cao Bằng", "006": "Bắc Kạn", "008": "Tuyên Quang",
    "010": "Lào Cai", "011": "Điện Biên", "012": "Lai Châu", "014": "Sơn La", "015": "Yên Bái",
    "017": "Hòa Bình", "019": "Thái Nguyên", "020": "Lạng Sơn", "022": "Quảng Ninh", "024": "Bắc Giang",
    "025": "Phú Thọ", "026": "Vĩnh Phúc", "027": "Bắc Ninh", "030": "Hải Dương", "031": "Hải Phòng",
    "033": "Hưng Yên", "034": "Thái Bình", "035": "Hà Nam", "036": "Nam Định", "037": "Ninh Bình",
    "038": "Thanh Hóa", "040": "Nghệ An", "042": "Hà Tĩnh", "044": "Quảng Bình", "045": "Quảng Trị",
    "046": "Thừa Thiên Huế", "048": "Đà Nẵng", "049": "Quảng Nam", "051": "Quảng Ngãi", "052": "Bình Định",
    "054": "Phú Yên", "056": "Khánh Hòa", "058": "Ninh Thuận", "060": "Bình Thuận", "062": "Kon Tum",
    "064": "Gia Lai", "066": "Đắk Lắk", "067": "Đắk Nông", "068": "Lâm Đồng", "070": "Bình Phước",
    "072": "Tây Ninh", "074": "Bình Dương", "075": "Đồng Nai", "077": "Bà Rịa - Vũng Tàu", "079": "Hồ Chí Minh",
    "080": "Long An", "082": "Tiền Giang", "083": "Bến Tre", "084": "Trà Vinh", "086": "Vĩnh Long",
    "087": "Đồng Tháp", "089": "An Giang", "091": "Kiên Giang", "092": "Cần Thơ", "093": "Hậu Giang",
    "094": "Sóc Trăng", "095": "Bạc Liêu", "096": "Cà Mau",
}

# new_code_nso, new_name, old_id_card_province_codes — as in the reference mapping of 1-7-2025
NEW_34 = [
    ("01", "Thành phố Hà Nội", "001"), ("04", "Cao Bằng", "004"), ("08", "Tuyên Quang", "002;008"),
    ("11", "Điện Biên", "011"), ("12", "Lai Châu", "012"), ("14", "Sơn La", "014"),
    ("15", "Lào Cai", "010;015"), ("19", "Thái Nguyên", "006;019"), ("20", "Lạng Sơn", "020"),
    ("22", "Quảng Ninh", "022"), ("24", "Bắc Ninh", "024;027"), ("25", "Phú Thọ", "017;025;026"),
    ("31", "Thành phố Hải Phòng", "030;031"), ("33", "Hưng Yên", "033;034"), ("37", "Ninh Bình", "035;036;037"),
    ("38", "Thanh Hóa", "038"), ("40", "Nghệ An", "040"), ("42", "Hà Tĩnh", "042"),
    ("44", "Quảng Trị", "044;045"), ("46", "Thành phố Huế", "046"), ("48", "Thành phố Đà Nẵng", "048;049"),
    ("51", "Quảng Ngãi", "051;062"), ("52", "Gia Lai", "052;064"), ("56", "Khánh Hòa", "056;058"),
    ("66", "Đắk Lắk", "054;066"), ("68", "Lâm Đồng", "060;067;068"), ("75", "Đồng Nai", "070;075"),
    ("79", "Thành phố Hồ Chí Minh", "074;077;079"), ("80", "Tây Ninh", "072;080"), ("82", "Đồng Tháp", "082;087"),
    ("86", "Vĩnh Long", "083;084;086"), ("91", "An Giang", "089;091"), ("92", "Thành phố Cần Thơ", "092;093;094"),
    ("96", "Cà Mau", "095;096"),
]


def test_the_63_old_provinces_and_their_codes():
    assert {o.code: o.name for o in v.old_provinces()} == OLD_63
    assert len(v.old_provinces()) == 63


def test_the_34_new_units_match_the_reference_mapping():
    got = [(p.code, p.display_name, ";".join(p.old_codes)) for p in v.provinces()]
    assert got == NEW_34
    assert sum(p.kind == "thành phố" for p in v.provinces()) == 6
    assert sum(p.kind == "tỉnh" for p in v.provinces()) == 28


@pytest.mark.parametrize("old_code", sorted(OLD_63))
def test_every_old_code_maps_to_exactly_one_new_unit(old_code):
    owners = [p for p in v.provinces() if old_code in p.old_codes]
    assert len(owners) == 1
    assert v.province_for_id_code(old_code) == owners[0]
    assert v.old_province(old_code).current == owners[0]


@pytest.mark.parametrize("code, new_name", [
    ("002", "Tỉnh Tuyên Quang"), ("074", "Thành phố Hồ Chí Minh"), ("077", "Thành phố Hồ Chí Minh"),
    ("049", "Thành phố Đà Nẵng"), ("062", "Tỉnh Quảng Ngãi"), ("094", "Thành phố Cần Thơ"),
    ("001099012345", "Thành phố Hà Nội"),  # a whole ID number works too
])
def test_province_for_id_code(code, new_name):
    assert v.province_for_id_code(code).full_name == new_name


def test_unknown_id_code_has_no_province():
    assert v.province_for_id_code("003") is None
    assert v.old_province("099") is None


@pytest.mark.parametrize("typed, code", [
    ("Hà Nội", "01"), ("Thành phố Hà Nội", "01"), ("thành phố hà nội", "01"), ("TP. Hà Nội", "01"),
    ("TP Hồ Chí Minh", "79"), ("TP.HCM", "79"), ("Thành phố Hồ Chí Minh", "79"), ("Sài Gòn", "79"),
    ("Tỉnh Cao Bằng", "04"), ("  cao   bằng ", "04"), ("Huế", "46"), ("Thành phố Huế", "46"),
    ("Thanh Hóa", "38"), ("Thanh Hoá", "38"), ("Khánh Hoà", "56"),  # both tone-mark placements
    ("Đắk Lắk", "66"), (unicodedata.normalize("NFD", "Đắk Lắk"), "66"),
    (unicodedata.normalize("NFD", "Tỉnh Quảng Trị"), "44"),
])
def test_current_province_names(typed, code):
    problems, province = v.check_province(typed)
    assert problems == ()
    assert province.code == code


@pytest.mark.parametrize("typed, old, new", [
    ("Bình Dương", "Bình Dương", "Thành phố Hồ Chí Minh"),
    ("Tỉnh Bình Dương", "Bình Dương", "Thành phố Hồ Chí Minh"),
    ("Hà Giang", "Hà Giang", "Tỉnh Tuyên Quang"),
    ("Bà Rịa – Vũng Tàu", "Bà Rịa - Vũng Tàu", "Thành phố Hồ Chí Minh"),
    ("Quảng Nam", "Quảng Nam", "Thành phố Đà Nẵng"),
    ("Hoà Bình", "Hòa Bình", "Tỉnh Phú Thọ"),
    ("Sóc Trăng", "Sóc Trăng", "Thành phố Cần Thơ"),
])
def test_old_province_in_current_field_names_the_new_unit(typed, old, new):
    (problem,), province = v.check_province(typed)
    assert province is None
    assert problem.code == "province.merged"
    assert problem.params == {"old": old, "new": new}
    assert problem.text("en") == f"Since 1/7/2025 {old} is part of {new}: write {new}."
    assert problem.text("vi") == f"Từ 1/7/2025 {old} là một phần của {new}: hãy ghi {new}."


def test_thua_thien_hue_is_now_thanh_pho_hue():
    (problem,), _ = v.check_province("Thừa Thiên Huế")
    assert problem.code == "province.renamed"
    assert problem.params["new"] == "Thành phố Huế"


@pytest.mark.parametrize("typed, code", [
    ("Bình Dương", "074"), ("Hà Giang", "002"), ("Tỉnh Hải Dương", "030"),
    ("Thừa Thiên Huế", "046"), ("Huế", "046"), ("Hà Nội", "001"), ("Thành phố Hồ Chí Minh", "079"),
    ("Bà Rịa-Vũng Tàu", "077"), ("Đắc Nông", "067"),
])
def test_historical_field_accepts_old_names(typed, code):
    problems, province = v.check_province(typed, historical=True)
    assert problems == ()
    assert province.code == code


@pytest.mark.parametrize("typed, historical, suggestion", [
    ("Ha Noi", False, "Thành phố Hà Nội"),
    ("ha noi", True, "Hà Nội"),
    ("Da Nang", False, "Thành phố Đà Nẵng"),
    ("Thanh pho Ho Chi Minh", False, "Thành phố Hồ Chí Minh"),
    ("Binh Duong", False, "Bình Dương"),      # an old name: suggested, then explained once accented
    ("Dak Lak", False, "Tỉnh Đắk Lắk"),
    ("Hà Noi", False, "Thành phố Hà Nội"),      # half accented
])
def test_unaccented_province_is_a_suggestion_not_a_match(typed, historical, suggestion):
    (problem,), province = v.check_province(typed, historical=historical)
    assert province is None
    assert problem.code == "province.unaccented"
    assert problem.params["suggestion"] == suggestion
    assert suggestion in problem.text("vi")


@pytest.mark.parametrize("typed, historical, expected", [
    ("", False, "province.empty"),
    ("Hà Tây", False, "province.unknown"),
    ("Hà Tây", True, "province.unknown_historical"),
    ("Quận 1", False, "province.unknown"),
])
def test_unknown_provinces(typed, historical, expected):
    assert codes(v.check_province(typed, historical=historical)[0]) == [expected]


@pytest.mark.parametrize("typed, expected", [
    ("Phường Ba Đình", "Phường Ba Đình"),
    ("phường  ba đình", "Phường Ba Đình"),
    ("XÃ TÂN LẬP", "Xã Tân Lập"),
    ("Đặc khu Phú Quốc", "Đặc khu Phú Quốc"),
    ("đặc khu côn đảo", "Đặc khu Côn Đảo"),
    (unicodedata.normalize("NFD", "Phường Hoàn Kiếm"), "Phường Hoàn Kiếm"),
    ("Phường 7", "Phường 7"),
])
def test_valid_communes(typed, expected):
    assert v.check_commune(typed) == ((), expected)


@pytest.mark.parametrize("typed, expected", [
    ("Quận 1", ["commune.district_abolished"]),
    ("Phường Bến Nghé, Quận 1", ["commune.district_abolished"]),
    ("Xã Tân Lập, Huyện Đan Phượng", ["commune.district_abolished"]),
    ("Thị xã Sơn Tây", ["commune.district_abolished"]),
    ("TP. Thủ Đức", ["commune.district_abolished"]),
    ("Thị trấn Phùng", ["commune.township_abolished"]),
    ("Ba Đình", ["commune.kind"]),
    ("Phuong Ba Dinh", ["commune.kind"]),
    ("Phường", ["commune.name_missing"]),
    ("", ["commune.empty"]),
])
def test_invalid_communes(typed, expected):
    problems, value = v.check_commune(typed)
    assert codes(problems) == expected
    assert value is None


def test_district_message_explains_the_2025_change():
    (problem,), _ = v.check_commune("quận 1")
    assert problem.params["unit"] == "Quận 1"
    assert "1/7/2025" in problem.text("vi") and "1/7/2025" in problem.text("en")


@pytest.mark.parametrize("typed, expected", [
    ("Xã Tân Lập, Huyện Đan Phượng", "Xã Tân Lập, Huyện Đan Phượng"),
    ("thị trấn phùng", "Thị trấn Phùng"),
    ("Phường 1, Quận 3", "Phường 1, Quận 3"),
])
def test_historical_commune_accepts_old_levels(typed, expected):
    assert v.check_commune(typed, historical=True) == ((), expected)


def test_check_address_current():
    problems, address = v.check_address("tp hồ chí minh", "phường sài gòn")
    assert problems == ()
    assert address.text == "Phường Sài Gòn, Thành phố Hồ Chí Minh"


def test_check_address_with_district_and_old_province():
    problems, address = v.check_address("Bình Dương", "Phường Phú Cường, Quận Thủ Dầu Một")
    assert address is None
    assert codes(problems) == ["province.merged", "commune.district_abolished"]


def test_check_address_historical_place_of_birth_registration():
    problems, address = v.check_address("Hà Giang", "Xã Lũng Cú, Huyện Đồng Văn", historical=True)
    assert problems == ()
    assert address.province.code == "002"
    assert address.province.current.full_name == "Tỉnh Tuyên Quang"


# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, expected", [
    ("Nguyễn Văn An", "Nguyễn Văn An"),
    ("  nguyễn   thị  MINH khai ", "Nguyễn Thị Minh Khai"),
    ("trần thị ngọc ánh", "Trần Thị Ngọc Ánh"),
    ("ĐẶNG THỊ HUYỀN TRANG", "Đặng Thị Huyền Trang"),
    ("lê  ỷ   lan", "Lê Ỷ Lan"),
    ("H'Hen Niê", "H'Hen Niê"),
    ("h’hen niê", "H'Hen Niê"),          # typographic apostrophe
    ("y-moan ênuôl", "Y-Moan Ênuôl"),
    ("Hờ A Dơ", "Hờ A Dơ"),
    ("Bùi\tQuang\nHuy", "Bùi Quang Huy"),
])
def test_valid_names(typed, expected):
    assert v.check_full_name(typed) == ((), expected)


@pytest.mark.parametrize("name", ["Nguyễn Văn Đức", "Phạm Thị Hương Giang", "Lữ Thuỵ Ánh", "Võ Hoàng Yến",
                                  "Ưng Hoàng Phúc", "Trịnh Thị Ngọc Diệp"])
def test_decomposed_telex_input_equals_precomposed(name):
    decomposed = unicodedata.normalize("NFD", name)
    assert decomposed != name  # the test really feeds combining marks
    assert v.normalize_name(decomposed) == v.normalize_name(name) == unicodedata.normalize("NFC", name)
    assert v.check_full_name(decomposed) == v.check_full_name(name) == ((), name)


@pytest.mark.parametrize("typed, expected", [
    ("", ["name.empty"]),
    ("   ", ["name.empty"]),
    ("Nguyễn Văn 2", ["name.digits"]),
    ("Nguyen Van A1", ["name.digits"]),
    ("Lê @Lợi", ["name.symbols"]),
    ("Trần Văn B.", ["name.symbols"]),
    ("Phạm_Thị Lan", ["name.symbols"]),
    ("-An Bình", ["name.symbols"]),
    ("Hà Thị 花", ["name.symbols"]),
    ("Lê Văn 3 $", ["name.digits", "name.symbols"]),
    ("An", ["name.too_few_words"]),
])
def test_invalid_names(typed, expected):
    problems, value = v.check_full_name(typed)
    assert codes(problems) == expected
    assert value is None


def test_single_word_name_allowed_when_asked():
    assert v.check_full_name("an", min_words=1) == ((), "An")


# --------------------------------------------------------------------------------------------------
# Messages: every code has an English template and a different Vietnamese translation
# --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("code", sorted(v.MESSAGES))
def test_every_message_is_translated(code):
    msgid = v.MESSAGES[code]
    vi = gettext(msgid, "vi")
    assert gettext(msgid, "en") == msgid
    assert vi != msgid, f"{code} has no Vietnamese translation"
    # the translation keeps exactly the same placeholders
    import string
    fields = lambda s: sorted(f for _, f, _, _ in string.Formatter().parse(s) if f)  # noqa: E731
    assert fields(vi) == fields(msgid)


def test_problem_text_in_both_locales_differs():
    (problem,), _ = v.check_mobile("024 3825 1234")
    assert problem.text("vi") != problem.text("en")
    assert v.messages([problem], "vi") == [problem.text("vi")]
    assert str(problem).startswith("mobile.landline: ")


def test_problems_are_hashable_and_comparable():
    a = v.check_mobile("091234567")[0]
    b = v.check_mobile("091234567")[0]
    assert a == b and hash(a[0]) == hash(b[0])

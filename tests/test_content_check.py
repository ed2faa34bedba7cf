"""`hocvuso content check`: the shipped content is consistent, and each kind of key mistake is caught.

Each fixture is a small content folder (the real catalogues and rules, plus one message written here)
so that a finding can only come from the message under test.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from hocvuso.cli import main
from hocvuso.core._content import content_root
from hocvuso.core.contentcheck import check_content


def test_shipped_content_is_consistent():
    result = CliRunner().invoke(main, ["content", "check"])
    assert result.exit_code == 0, result.output
    assert "nhất quán" in result.output


def empty_content(root: Path) -> Path:
    """A content folder with the catalogues and the key rules but no message (tests add their own)."""
    (root / "messages").mkdir(parents=True)
    for name in ("flags.yaml", "fraud_forms.yaml", "competences.yaml"):
        shutil.copy(content_root() / name, root / name)
    shutil.copytree(content_root() / "rules", root / "rules")
    return root


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return empty_content(tmp_path / "content")


def write(root: Path, *, id: str = "tin-thu", channel: str = "sms", name: str = "Số lạ",
          address: str = "0355 555 691", body: str, flags: list[str], verdict: str = "scam",
          links: list[dict] | None = None, subject: str | None = None) -> None:
    data = {
        "id": id, "channel": channel, "sender": {"name": {"vi": name, "en": name}, "address": address},
        "time": "08:00", "body": {"vi": body, "en": "English text" + " [[1]]" * bool(links)},
        "links": links or [], "form": "fake-website", "competences": ["4.2"],
        "key": {"verdict": verdict, "red_flags": flags, "explanation": {"vi": "x", "en": "x"},
                "action": {"vi": "x", "en": "x"}},
    }
    if subject:
        data["subject"] = {"vi": subject, "en": subject}
    (root / "messages" / f"{id}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def problems(root: Path) -> list[str]:
    return [str(f) for f in check_content(root=root)]


ACCENTED_FROM_NUMBER = "Chúc mừng bạn đã được chọn, hãy trả lời tin này để biết thêm thông tin chi tiết nhé."


def test_a_clean_fixture_has_no_finding(folder):
    write(folder, body=ACCENTED_FROM_NUMBER, flags=["unknown-sender"])
    assert problems(folder) == []


def test_missing_urgency_is_reported_with_the_words(folder):
    write(folder, body="Bạn phải đến nhận giấy mời tại trụ sở, chiều nay chúng tôi sẽ xử lý hồ sơ của bạn.",
          flags=["unknown-sender"])
    [finding] = problems(folder)
    assert "messages/tin-thu.yaml" in finding and "tin-thu" in finding
    assert "'urgency'" in finding and "“chiều nay”" in finding


def test_a_flag_without_evidence_is_reported(folder):
    write(folder, body=ACCENTED_FROM_NUMBER, flags=["unknown-sender", "secrecy"])
    [finding] = problems(folder)
    assert "'secrecy'" in finding and "không có bằng chứng" in finding


def test_claimed_authority_from_a_personal_number_needs_the_flag(folder):
    write(folder, name="BHXH VN", body="Bảo hiểm xã hội thông báo: hồ sơ hưu trí của bạn đã được cập nhật đầy đủ.",
          flags=["unknown-sender"])
    [finding] = problems(folder)
    assert "'impersonates-authority'" in finding and "“BHXH" in finding


def test_unaccented_scam_needs_sloppy_text(folder):
    write(folder, body="Chuc mung ban da duoc chon, hay tra loi tin nay de biet them thong tin chi tiet nhe.",
          flags=["unknown-sender"])
    [finding] = problems(folder)
    assert "'sloppy-text'" in finding


def test_genuine_unaccented_message_contradicts_the_spelling_rule(folder):
    write(folder, name="SAOMAI", address="SAOMAI", verdict="safe", flags=[],
          body="SAOMAI tri an khach hang: nap the qua ung dung SaoMai+ tang them gia tri trong thang nay.")
    [finding] = problems(folder)
    assert "tin thật" in finding and "'sloppy-text'" in finding


def test_genuine_warning_not_to_share_the_otp_is_not_a_request(folder):
    write(folder, name="SAOMAI", address="SAOMAI", verdict="safe", flags=[],
          body="SAOMAI tri ân khách hàng. SAOMAI không bao giờ yêu cầu Quý khách cung cấp mã OTP.")
    assert problems(folder) == []
    write(folder, body="Quý khách vui lòng cung cấp mã OTP để nhận quà tri ân.", flags=["unknown-sender"])
    assert any("'asks-otp'" in p for p in problems(folder))


def test_lookalike_domain_is_read_with_the_public_suffix_list(folder):
    link = {"shown": "dichvucong.gov.vn-hoso.top/nop", "href": "https://dichvucong.gov.vn-hoso.top/nop"}
    write(folder, body="Tra cứu hồ sơ tại [[1]] nhé.", flags=["unknown-sender"], links=[link])
    [finding] = problems(folder)
    assert "'lookalike-link'" in finding and "dichvucong.gov.vn-hoso.top" in finding


def test_an_sms_cannot_show_one_link_and_open_another(folder):
    link = {"shown": "vneid.gov.vn/capnhat", "href": "https://vneid-capnhat.top/app.apk"}
    write(folder, body="Tải bản cập nhật tại [[1]] nhé.", flags=["unknown-sender", "lookalike-link",
                                                            "app-outside-store"], links=[link])
    [finding] = problems(folder)
    assert "SMS" in finding and "vneid.gov.vn/capnhat" in finding


def test_an_email_may_disguise_its_link_and_that_is_a_lookalike(folder):
    link = {"shown": "tintuc.example.vn", "href": "https://khac-han.example.com/x"}
    write(folder, channel="email", name="Tin tức", address="tin@gmail.com", subject="Bản tin",
          body="Đọc bản tin tại [[1]] nhé.", flags=["unknown-sender"], links=[link])
    [finding] = problems(folder)
    assert "'lookalike-link'" in finding and "tintuc.example.vn → khac-han.example.com" in finding


def test_a_schema_error_names_the_file(folder):
    (folder / "messages" / "hong.yaml").write_text("id: hong\nchannel: fax\n", encoding="utf-8")
    [finding] = problems(folder)
    assert "messages/hong.yaml" in finding and "channel" in finding


def test_cli_exits_1_and_lists_findings(folder):
    write(folder, body="Chúc mừng! Bạn trúng thưởng một xe máy, trả lời ngay trong hôm nay.",
          flags=["unknown-sender"])
    result = CliRunner().invoke(main, ["content", "check", "--dir", str(folder)])
    assert result.exit_code == 1
    assert "'too-good'" in result.output and "'urgency'" in result.output and "2 lỗi" in result.output


def test_reporting_advice_must_use_the_5656_syntax(folder):
    write(folder, body=ACCENTED_FROM_NUMBER, flags=["unknown-sender"])
    path = folder / "messages" / "tin-thu.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["key"]["action"]["vi"] = "Báo tin rác tới 5656."
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    [finding] = problems(folder)
    assert "key.action.vi" in finding and "S <số gửi> <nội dung tin>" in finding
    data["key"]["action"]["vi"] = "Báo tin rác: soạn S <số gửi> <nội dung tin> gửi 5656."
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert problems(folder) == []


def test_any_gov_vn_site_is_official_but_gov_vn_inside_another_domain_is_not(folder):
    real = {"shown": "vssid.baohiemxahoi.gov.vn", "href": "https://vssid.baohiemxahoi.gov.vn/"}
    write(folder, name="BHXHVN", address="BHXHVN", verdict="safe", flags=[], links=[real],
          body="BHXH Việt Nam: tra cứu quá trình đóng bảo hiểm trên ứng dụng VssID hoặc tại [[1]].")
    assert problems(folder) == []
    fake = {"shown": "vssid.gov.vn.tra-cuu.cc", "href": "https://vssid.gov.vn.tra-cuu.cc/"}
    write(folder, name="BHXHVN", address="BHXHVN", verdict="safe", flags=[], links=[fake],
          body="BHXH Việt Nam: tra cứu quá trình đóng bảo hiểm trên ứng dụng VssID hoặc tại [[1]].")
    [finding] = problems(folder)
    assert "'lookalike-link'" in finding and "vssid.gov.vn.tra-cuu.cc" in finding


# A genuine message that WARNS about a request does not make the request (rules: negations, warnings).
@pytest.mark.parametrize("body", [
    "Mã OTP của quý khách là 482913. Không chia sẻ mã OTP cho bất kỳ ai.",
    "Ngân hàng Sen Vàng không bao giờ yêu cầu khách hàng qua điện thoại hay tin nhắn cung cấp mã OTP, mật khẩu.",
    "Nếu có ai gọi điện bảo bạn đọc mã OTP, đó là kẻ gian.",
    "Ngân hàng không bao giờ yêu cầu gửi ảnh căn cước hay cài ứng dụng qua đường link.",
    "Ngan hang khong bao gio yeu cau quy khach qua dien thoai hay tin nhan cung cap ma OTP cua minh.",
])
def test_a_warning_in_a_genuine_message_is_not_a_request(folder: Path, body: str) -> None:
    write(folder, name="SenVangBank", address="SenVangBank", body=body, flags=[], verdict="safe")
    found = [p for p in problems(folder) if "asks-otp" in p or "asks-personal-data" in p
             or "app-outside-store" in p]
    assert found == []


@pytest.mark.parametrize(("body", "flag"), [
    ("Vui lòng đọc mã OTP cho nhân viên để xác minh tài khoản.", "asks-otp"),
    ("Nếu không cung cấp mã OTP ngay, tài khoản sẽ bị khóa.", "asks-otp"),  # “nếu không”: a threat, not a denial
    ("Neu khong cung cap ma OTP ngay, tai khoan cua quy khach se bi khoa vinh vien.", "asks-otp"),
    ("Quý khách gửi ảnh căn cước hai mặt để hoàn tất hồ sơ.", "asks-personal-data"),
])
def test_a_real_request_is_still_evidence(folder: Path, body: str, flag: str) -> None:
    write(folder, name="SenVangBank", address="SenVangBank", body=body, flags=[], verdict="safe")
    assert any(f"'{flag}'" in p for p in problems(folder)), problems(folder)


def test_a_key_flag_that_does_not_fit_the_channel_is_found(folder: Path) -> None:
    # flags.yaml: screenshot-proof fits Zalo only; on an e-mail it would be the one odd choice, i.e. the key.
    write(folder, channel="email", address="ketoan@senvangbank.vn", subject="Đã chuyển tiền",
          body="Chuyển tiền thành công, ảnh bill đây.", flags=["screenshot-proof"])
    found = [p for p in problems(folder) if "không hợp với kênh email" in p]
    assert len(found) == 1 and "'screenshot-proof'" in found[0]

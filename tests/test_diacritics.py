"""Restoring diacritics of questions typed without them (pure, fast)."""

from index.diacritics import DiacriticModel, mostly_bare
from tests.conftest import CORPUS


def _model() -> DiacriticModel:
    return DiacriticModel(p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt")))


def test_bare_questions_get_their_diacritics_back() -> None:
    model = _model()
    assert model.restore("muc tieu tang truong GRDP nam 2024") == "mục tiêu tăng trưởng GRDP năm 2024"
    assert (model.restore("Chi so san xuat cong nghiep nam 2023 tang bao nhieu?")
            == "Chỉ số sản xuất công nghiệp năm 2023 tăng bao nhiêu?")
    assert model.restore("Ty le no xau dang o muc nao?") == "Tỷ lệ nợ xấu đang ở mức nào?"


def test_marked_syllables_numbers_and_unknown_words_are_kept() -> None:
    model = _model()
    half = "Tăng trưởng GRDP 6 thang dau năm 2024 đạt bao nhieu?"
    assert model.restore(half) == "Tăng trưởng GRDP 6 tháng đầu năm 2024 đạt bao nhiêu?"
    assert model.restore("xyzzy 12,5% ASOCIO") == "xyzzy 12,5% ASOCIO"
    assert model.restore("") == ""


def test_only_mostly_bare_text_counts_as_typed_without_marks() -> None:
    assert mostly_bare("muc tieu tang truong nam 2024")
    assert mostly_bare("Tang truong GRDP dat bao nhiêu")
    assert not mostly_bare("Mục tiêu tăng trưởng GRDP năm 2024 là bao nhiêu?")
    assert not mostly_bare("2024")

"""Dev questions typed without diacritics, with the real model (slow): they must retrieve the
evidence as often as the accented originals and get the same answer for at least 90%."""

import pytest

from api.service import Service
from eval.qa import load_qa
from eval.unaccented import compare
from tests.conftest import DEV_QA

pytestmark = pytest.mark.slow


def test_unaccented_and_half_accented_dev_questions(corpus_service: Service) -> None:
    result = compare(corpus_service, load_qa(DEV_QA))
    top5 = result["evidence_top5"]
    assert top5["unaccented"] >= top5["accented"], result["per_question"]
    assert top5["half"] >= top5["accented"], result["per_question"]
    assert result["same_answer_as_accented"]["unaccented"] >= 0.9
    assert result["same_answer_as_accented"]["half"] >= 0.9

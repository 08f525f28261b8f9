"""The broadcast benchmark command runs end to end (figures come from running it, not here)."""

from __future__ import annotations

import pytest

from bot.cli.main import main


def test_bench_drains_a_small_broadcast_without_duplicates_or_losses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["broadcast", "bench", "--groups", "30", "--robot-per-minute", "20"]) == 0
    out = capsys.readouterr().out
    assert "groups: 30" in out
    assert "sent: 30, failed: 0, waiting: 0" in out
    assert "duplicates: 0, losses: 0" in out

"""Multiple systems estimation: how many people no list recorded."""

from uncounted.mse.capture import CaptureTable, read_capture_csv
from uncounted.mse.result import Estimate

__all__ = ["CaptureTable", "Estimate", "read_capture_csv"]

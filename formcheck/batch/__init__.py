"""Batch scoring: many clips in parallel worker processes (or on Dask), resumable, with accuracy against labels.

    from formcheck.batch import BatchOptions, run_batch
    report = run_batch(["clips/"], BatchOptions(out=Path("results"), labels=Path("clips/labels.json")))
    report.rows, report.metrics

`formcheck batch` (`batch_command`) is the command line over it. See docs/batch.md.
"""

from .cli import batch_command
from .evaluate import compute_metrics, load_labels
from .runner import BatchOptions, BatchReport, run_batch

__all__ = ["BatchOptions", "BatchReport", "batch_command", "compute_metrics", "load_labels", "run_batch"]
